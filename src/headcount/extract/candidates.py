"""Candidate claims of a document, each with the features (extract/features.py) a trained
model decides it by.

A candidate is one sentence (or list line or headline) with a cut cue, paired with one
possible employer: a name the recognizer or the parser found there, a gazetteer company, the
document's main company standing behind "it" / "the company", or nobody (an industry-wide or
unnamed figure; one such candidate per figure). The analysis is general: dependency relations
between the name and the cutting word, what kind of time words the sentence holds, where the
sentence sits, and whether the page is a roundup. The decisions (is it a claim, what kind) are
the model's (extract/decisions.py); nothing here is keyed to one article's wording.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

from headcount.extract.companies import is_known, normalize_company
from headcount.extract.cues import (
    count_cues,
    cue_patterns,
    cue_words,
    in_gazetteer,
    is_source_name,
)
from headcount.extract.datafiles import alternation
from headcount.extract.dates import is_date_name, reference_date
from headcount.extract.english import load_english, word_class
from headcount.extract.features import (
    cue_tokens,
    date_features,
    dep_features,
    figure_features,
    governing_verbs,
    lexical_features,
    list_head,
    option_features,
    pairing_features,
    rule_features,
    sentence_features,
    sentence_word_features,
)
from headcount.extract.names import (
    LOWER_WORD,
    TITLE_SEPARATOR,
    capitalised_run,
    clean_name,
    dateline_end,
    grown_name,
    never_a_name,
    not_a_name_at,
    phone_spans,
)
from headcount.extract.ner import entities
from headcount.extract.quantities import PERCENT_RE, Quantity, find_quantities, percent_value
from headcount.extract.rules import rule_mentions
from headcount.extract.sentences import Sentence, split_sentences
from headcount.extract.triggers import job_quantities, strong_triggers
from headcount.model import Document

# Recognizer labels a name can carry; the model learns how much each is worth.
NAME_LABELS = ("ORG", "PERSON", "GPE", "PRODUCT", "NORP", "FAC", "WORK_OF_ART", "LOC")
_STAFF_PERCENT_AFTER = re.compile(
    r"^\s*(?:of\s+)?(?:its\s+|their\s+|the\s+(?:company's\s+|firm's\s+)?|his\s+|her\s+)?"
    r"(?:\w+\s+){0,3}?"
    rf"{alternation('staff_percent_nouns')}",
    re.IGNORECASE,
)
_BY_BEFORE = re.compile(
    rf"{alternation('staff_by')}\s+"
    r"(?:\S+\s+){0,4}?by\s*$",
    re.IGNORECASE,
)


@dataclass
class Option:
    """One possible employer of a sentence's claim (text None: no single employer)."""

    text: str | None
    start: int  # within the sentence; -1 for the document's company behind an anaphor
    end: int
    labels: set[str] = field(default_factory=set)
    root: Any = None  # spaCy token heading the name in the parse, when there is one


@dataclass
class Candidate:
    sentence: Sentence
    option: Option
    quantity: Quantity | None
    percent: float | None
    features: dict[str, float]


@dataclass
class Analysed:
    """A document's candidate sentences with their parses, and what the page says overall."""

    document: Document
    sentences: list[Sentence]
    focus: list[str]
    name_counts: Counter[str]
    candidates: list[Candidate]
    # Whether the rules found a claim on the page: the learned extractor keeps claims only
    # on such pages (see `analyse`).
    rules_found_claims: bool = False


def _parse(texts: list[str]) -> list[Any]:
    """Tags and parses by the pipeline; entities by the recognizer the rules share
    (ner.entities), which has usually just read these sentences for the rules' opinion, so no
    sentence is recognised twice. It is the pipeline's own recognizer (tests/test_english.py),
    but without the parser's sentence ends an entity can now run past one ("Model X. The"):
    that changed the features of 4 of the 554 gold documents."""
    parsed = list(
        load_english(("lemmatizer", "ner"), ("attribute_ruler",)).pipe(texts, batch_size=64)
    )
    for doc, found in zip(parsed, entities(texts), strict=True):
        doc.ents = [doc.char_span(e.start, e.end, e.label, alignment_mode="expand") for e in found]
    return parsed


_NUMBER = re.compile(r"\d")


def _has_cue(text: str, page_about_cuts: bool) -> bool:
    """High recall on purpose: the model throws out what is not a claim."""
    patterns = cue_patterns()
    if patterns["cut_strong"].search(text) or strong_triggers(text):
        return True
    figure = bool(_NUMBER.search(text))
    if patterns["cut_verb"].search(text) and (figure or patterns["staff_noun"].search(text)):
        return True
    if not (page_about_cuts and figure):
        return False
    # List lines of a layoffs page: "Acme – 200 employees (15% of company)", "Acme (50)".
    return bool(patterns["staff_noun"].search(text)) or (
        len(text.split()) <= 15 and text.lstrip(" •·-–—*▪►●◦➤")[:1].isupper()
    )


@lru_cache(maxsize=1)
def _described() -> re.Pattern[str]:
    """'the EV startup', 'the edtech company': a descriptor standing for a named employer."""
    words = "|".join(re.escape(w) for w in sorted(cue_words()["descriptor"], key=len, reverse=True))
    return re.compile(rf"\b[Tt]he\s+(?:[\w-]+\s+){{0,5}}?(?:{words})\b")


def _options(
    sentence: Sentence,
    parsed: Any,
    focus: list[str],
    cues: list[Any],
    lower_words: frozenset[str] = frozenset(),
) -> list[Option]:
    found: dict[str, Option] = {}
    filed_until = dateline_end(sentence.text)

    def add(text: str | None, start: int, end: int, label: str, root: Any = None) -> None:
        if start >= 0 and not_a_name_at(sentence.text, start, end, filed_until, lower_words):
            return
        parts = TITLE_SEPARATOR.split(text) if text else []
        if len(parts) > 1:
            at = start
            for part in parts:
                add(part, at, at + len(part), label, None)
                at += len(part) + 3
            return
        if text and start >= 0:
            text, start, end = grown_name(sentence.text, text, start, end)
        name = clean_name(text) if text else None
        if not name or is_date_name(name) or never_a_name(name):
            return  # "said Thursday", "Home", "LLC" name no employer
        key = normalize_company(name)
        if not key:
            return
        option = found.get(key)
        if option is None:
            option = found[key] = Option(name, start, end, set(), root)
        option.labels.add(label)
        if in_gazetteer(name) or is_known(name):
            option.labels.add("GAZ")
        if option.root is None:
            option.root = root

    covered: set[int] = set()
    for ent in parsed.ents:
        if ent.label_ in NAME_LABELS:
            add(ent.text, ent.start_char, ent.end_char, ent.label_, ent.root)
            covered.update(range(ent.start, ent.end))
    # Runs of proper nouns the recognizer missed; a person's title ("CFO") ends a run,
    # so "SAP CFO Dominik Asam" offers "SAP" and "Dominik Asam", not one name.
    titles = cue_words()["person_title"]
    run: list[Any] = []
    for token in [*parsed, None]:
        if (
            token is not None
            and token.tag_ in ("NNP", "NNPS")
            and token.i not in covered
            and token.lower_ not in titles
        ):
            run.append(token)
            continue
        if run:
            span = parsed[run[0].i : run[-1].i + 1]
            add(span.text, span.start_char, span.end_char, "PROPN", span.root)
            run = []
    # The subject of a cutting verb, when it is a capitalised name the tagger did not call a
    # proper noun (an unknown company in a headline: "Acme to cut 500 jobs").
    for cue in cues:
        for verb in governing_verbs(cue)[:2]:
            for child in verb.children:
                if (
                    child.dep_ in ("nsubj", "nsubjpass")
                    and child.text[:1].isupper()
                    and word_class(child) != "PRON"
                ):
                    left = min(
                        [
                            child.i,
                            *(
                                t.i
                                for t in child.lefts
                                if t.dep_ in ("compound", "amod") and t.text[:1].isupper()
                            ),
                        ]
                    )
                    span = parsed[left : child.i + 1]
                    add(span.text, span.start_char, span.end_char, "SUBJECT", child)
        # Headlinese "Acme to cut 500 jobs": the tagger may read an unknown name there as a
        # verb whose clause the cut is, so the capitalised words just before "to" are taken
        # as the subject whatever the parse says.
        run_end = cue.i - 1
        if run_end > 0 and parsed[run_end].lower_ == "to":
            first = run_end
            while (
                first > 0
                and run_end - first < 5
                and parsed[first - 1].text[:1].isupper()
                and parsed[first - 1].tag_ != "NNS"  # "Workers fear plans to cut"
                and word_class(parsed[first - 1]) not in ("PRON", "DET", "ADP", "NUM")
            ):
                first -= 1
            if first < run_end:
                span = parsed[first:run_end]
                add(span.text, span.start_char, span.end_char, "SUBJECT", parsed[run_end - 1])
    for start, end in _gazetteer_spans(parsed):
        span = parsed[start:end]
        add(span.text, span.start_char, span.end_char, "GAZ", span.root)
    head = list_head(sentence.text)
    if head and len(head.group("name").split()) <= 6:
        add(head.group("name"), head.start("name"), head.end("name"), "LIST")
    anaphor = cue_patterns()["anaphor"].search(sentence.text) or _described().search(sentence.text)
    for rank, name in enumerate(focus):
        if normalize_company(name) in found:
            continue
        # Without "it" or "the company" the page's main employer may still be meant: wire copy
        # names it once and then writes "a spokesman said 1,800 workers will be affected".
        option = Option(name, -1, -1, {"ANAPHOR" if anaphor else "IMPLICIT", f"FOCUS{rank}"}, None)
        for token in parsed:
            if anaphor is not None and token.idx >= anaphor.end() - 1:
                option.root = token  # the head word: "company" in "the company"
                break
        found[normalize_company(name)] = option
    return list(found.values())


def _gazetteer_spans(parsed: Any, longest: int = 5) -> list[tuple[int, int]]:
    """Token spans naming a known company, longest first at each capitalised token."""
    spans = []
    i = 0
    while i < len(parsed):
        token = parsed[i]
        if not token.text[:1].isupper():
            i += 1
            continue
        for n in range(min(longest, len(parsed) - i), 0, -1):
            if in_gazetteer(parsed[i : i + n].text):
                spans.append((i, i + n))
                i += n
                break
        else:
            i += 1
    return spans


def _workforce_percents(text: str) -> list[tuple[int, float, bool]]:
    """(position, share, tied to the workforce) for every percentage in the sentence."""
    found = []
    for m in PERCENT_RE.finditer(text):
        value = percent_value(m)
        if value is None or not 0 < value <= 100:
            continue
        tied = bool(_STAFF_PERCENT_AFTER.match(text[m.end() : m.end() + 60])) or bool(
            _BY_BEFORE.search(text[max(0, m.start() - 60) : m.start() + 3])
        )
        found.append((m.start(), value, tied))
    return found


@lru_cache(maxsize=1)
def _not_a_count_after() -> re.Pattern[str]:
    # A share, a sum, a span of time: "65 Canadian cents", "3 billion", "20 years".
    return re.compile(
        rf"^\s*(?:(?-i:[A-Z][a-z]+)\s+)?{alternation('not_counted_after')}(?![A-Za-z])",
        re.IGNORECASE,
    )


_NOT_A_COUNT_BEFORE = re.compile(r"(?:[$€£¥]|\b(?:USD|Rs\.?|INR|EUR)\s?)\s*$")


def _counts(text: str, figures: list[Quantity]) -> list[Quantity]:
    """Every number that may count people: the job figures, then any other count (a
    statistics report's comparison figures rarely carry a job word of their own)."""
    found = list(figures)
    taken = [(q.start, q.end) for q in figures] + phone_spans(text)
    for q in find_quantities(text):
        if any(s < q.end and q.start < e for s, e in taken):
            continue
        if re.fullmatch(r"(?:in\s+|by\s+|since\s+)?(?:19|20)\d\d", q.text.strip()):
            continue
        if _not_a_count_after().match(text[q.end : q.end + 30]) or _NOT_A_COUNT_BEFORE.search(
            text[max(0, q.start - 6) : q.start]
        ):
            continue
        if (q.value or 0) < 10:
            continue
        found.append(q)
    return sorted(found, key=lambda q: q.start)


def _figure_for(
    option: Option, sentence: Sentence, figures: list[Quantity], options: list[Option]
) -> Quantity | None:
    """The figure nearest after the name (before it in a passive), not closer to another name."""
    if not figures:
        return None
    if option.start < 0:
        return figures[0]
    others = [o.start for o in options if o is not option and o.start >= 0]

    def cost(q: Quantity) -> tuple[int, int]:
        distance = q.start - option.end if q.start >= option.end else (option.start - q.end) * 3
        closer = any(abs(q.start - s) < abs(distance) and s > option.start for s in others)
        return (int(closer), distance)

    return min(figures, key=cost)


def _percent_for(
    option: Option, percents: list[tuple[int, float, bool]], quantity: Quantity | None
) -> float | None:
    """The workforce share nearest the figure (or the name, for a claim without one)."""
    tied = [p for p in percents if p[2]] or percents[:1]
    if not tied:
        return None
    if quantity is not None:
        near = min(tied, key=lambda p: abs(p[0] - quantity.start))
        return near[1] if abs(near[0] - quantity.start) <= 80 else None
    if option.start < 0:
        return tied[0][1]
    return min(tied, key=lambda p: abs(p[0] - option.end))[1]


def _headline_focus(
    parses: dict[int, Any], lower_words: frozenset[str]
) -> tuple[list[str], Counter[str]]:
    """The page's main employers (most named, the headline counting thrice), best first."""
    counts: Counter[str] = Counter()
    shown: dict[str, str] = {}
    for index, parsed in parses.items():
        weight = 3 if index == 0 else 1
        filed_until = dateline_end(parsed.text)
        for ent in parsed.ents:
            if not_a_name_at(parsed.text, ent.start_char, ent.end_char, filed_until, lower_words):
                continue  # "BERLIN --", "SoftBank-backed", "Retailers", "the Post writes"
            if ent.label_ not in ("ORG", "PRODUCT", "PERSON", "GPE") and not in_gazetteer(ent.text):
                continue
            if parsed.text[max(0, ent.start_char - 1) : ent.start_char] == ":" or re.match(
                r":\w", parsed.text[ent.end_char : ent.end_char + 2]
            ):
                continue  # an exchange or its ticker ("NASDAQ:CSCO, ETR:CIS") is not a name
            first, last = capitalised_run(parsed.text, ent.start_char, ent.end_char)
            whole = parsed.text[first:last]
            if is_source_name(whole):
                continue  # "Post" of "The Washington Post": the outlet, not a subject
            text = whole if whole != ent.text and in_gazetteer(whole) else ent.text
            for part in TITLE_SEPARATOR.split(text):
                name = clean_name(part)
                if (
                    name
                    and (ent.label_ == "ORG" or in_gazetteer(name))
                    and not is_date_name(name)
                    and not never_a_name(name)
                    and not is_source_name(name)
                ):
                    key = normalize_company(name)
                    # A known company outweighs a stray name the recognizer called an ORG.
                    counts[key] += weight * (2 if in_gazetteer(name) else 1)
                    shown.setdefault(key, name)
    return [shown[key] for key, _ in counts.most_common(2)], counts


_LINE_BREAK = re.compile(r"\n+")
_LIST_START = re.compile(r"\s*(?:[•·\-–—*▪►●◦➤]|\d{1,3}[.)]\s)")
_CLOSED = ".:!?;➤"
# A line shorter than this that no stop closes is a heading or a caption, unless the page is
# hard-wrapped wire copy (see _hard_wrapped).
_HEADING_WIDTH = 50


def _hard_wrapped(text: str) -> bool:
    """Wire copy breaks its lines at a fixed width, mid-sentence: most lines are 40-80
    characters long and end without a stop."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    if len(lines) < 5:
        return False
    open_lines = [line for line in lines if 40 <= len(line) <= 80 and line[-1] not in _CLOSED]
    return len(open_lines) >= 0.5 * len(lines)


def _starts_unit(before: str, after: str, wrapped: bool) -> bool:
    """Web pages put headings, datelines, captions and list items on lines of their own, and
    the sentence splitter keeps lines together that no full stop closes."""
    if not after.strip() or after.lstrip()[:1].islower():
        return False
    line = before.rsplit("\n", 1)[-1].rstrip()
    if _LIST_START.match(after) or line[-1:] in _CLOSED:
        return True
    return not wrapped and len(line) < _HEADING_WIDTH


_HEADING_PREFIX = re.compile(r"^.*?:\s+")


def _heading_name(sentences: list[Sentence], unit: Sentence) -> str | None:
    """The name a roundup item's heading line gives ("➤ April 14: David's Bridal LLC"), which
    the item's text goes on to call "the company"."""
    if unit.index == 0:
        return None
    above = sentences[unit.index - 1].text
    if len(above.split()) > 8 or above[-1:] in ".!?" or not _described().search(unit.text):
        return None
    return clean_name(_HEADING_PREFIX.sub("", above))


def _lines_apart(sentences: list[Sentence], wrapped: bool) -> list[Sentence]:
    units: list[Sentence] = []
    for sentence in sentences:
        text = sentence.text
        cuts = [0]
        for m in _LINE_BREAK.finditer(text):
            if _starts_unit(text[: m.start()], text[m.end() :], wrapped):
                cuts.append(m.end())
        cuts.append(len(text))
        for begin, end in zip(cuts, cuts[1:], strict=False):
            piece = text[begin:end]
            stripped = piece.strip()
            if stripped:
                start = sentence.start + begin + piece.index(stripped)
                units.append(
                    Sentence(start, start + len(stripped), stripped, sentence.paragraph, len(units))
                )
    return units


def analyse(document: Document, published: date | None = None, *, gated: bool = True) -> Analysed:
    """Candidate sentences, their parses and every (sentence, employer option) candidate.

    The rules are the page's high-recall gate: on the gold pages they find a claim on 355 of
    the 369 that have an event, and on one in seven of the general news pages the prefilter
    lets through, so reading only the pages they accept is most of the learned extractor's
    speed (README, "How speed is measured"). `gated=False` reads every page anyway, for
    training: the model learns from the candidates of every gold page, as it always has.
    """
    sentences = _lines_apart(split_sentences(document.text), _hard_wrapped(document.text))
    rule_claims = rule_mentions(document)
    if gated and not rule_claims:
        return Analysed(document, sentences, [], Counter(), [])
    about_cuts = bool(cue_patterns()["cut_strong"].search(document.text))
    cued = [s.index for s in sentences if _has_cue(s.text, about_cuts)]
    if not cued:
        return Analysed(document, sentences, [], Counter(), [])  # nothing to decide
    wanted = sorted({0, *cued})
    texts = [sentences[i].text for i in wanted]
    parses = dict(zip(wanted, _parse(texts), strict=True))
    lower_words = frozenset(LOWER_WORD.findall(document.text))
    focus, counts = _headline_focus(parses, lower_words)
    doc_cues = Counter(k for i in wanted for k, v in count_cues(sentences[i].text).items() if v)
    total_figures = 0
    candidates: list[Candidate] = []
    roundup = 0
    per_sentence: list[
        tuple[Sentence, Any, list[Any], list[Option], list[Quantity], list[tuple[int, float, bool]]]
    ] = []
    for index in wanted:
        sentence = sentences[index]
        if index == 0 and cued[0] != 0:
            continue
        parsed = parses[index]
        cues = cue_tokens(parsed)
        options = _options(sentence, parsed, focus, cues, lower_words)
        heading = _heading_name(sentences, sentence)
        if heading and all(
            normalize_company(heading) != normalize_company(o.text or "") for o in options
        ):
            options.append(Option(heading, -1, -1, {"HEADING"}, None))
        figures = [jq.quantity for jq in job_quantities(sentence.text)]
        percents = _workforce_percents(sentence.text)
        total_figures += len(figures)
        roundup += int(bool(figures or percents) and any(o.text not in focus for o in options))
        per_sentence.append((sentence, parsed, cues, options, figures, percents))
    reference = reference_date(document.text, published or document.published_at)
    reference_year = reference.year if reference is not None else None
    doc_features = {
        "doc_candidate_sentences": float(len(per_sentence)),
        "doc_figures": float(total_figures),
        "doc_roundup": float(roundup),
        "doc_names": float(len(counts)),
        "doc_published_known": float((published or document.published_at) is not None),
        **{f"doc_cue_{k}": float(v) for k, v in doc_cues.items()},
    }
    for sentence, parsed, cues, options, figures, percents in per_sentence:
        base = {
            **doc_features,
            **sentence_features(sentence, sentence.index, len(sentences), parsed),
            **date_features(sentence.text, published or document.published_at),
            **sentence_word_features(sentence.text, reference_year),
        }
        base["options"] = float(len(options))
        base["figures"] = float(len(figures))
        base["percents"] = float(len(percents))
        base["tied_percents"] = float(sum(p[2] for p in percents))
        counted = _counts(sentence.text, figures)
        job_starts = {q.start for q in figures}
        for option in options:
            nearest = _figure_for(option, sentence, figures, options)
            of_option = {
                **option_features(option, focus, counts, sentence, options),
                **dep_features(option, cues),
            }
            # One candidate per figure the sentence gives (two rounds of one employer in one
            # sentence are two claims), and one without a figure (a share, or no number).
            for n, quantity in enumerate([None, *counted]):
                percent = _percent_for(option, percents, quantity)
                features = {**base, **of_option}
                features.update(figure_features(quantity, percent, sentence.text))
                features.update(pairing_features(option, quantity, nearest, options, job_starts, n))
                features.update(lexical_features(option, quantity, sentence.text, parsed, cues))
                candidates.append(Candidate(sentence, option, quantity, percent, features))
        for n, quantity in enumerate(counted):
            option = Option(None, -1, -1, {"NONE"})
            percent = _percent_for(option, percents, quantity)
            features = dict(base)
            features["option_none"] = 1.0
            features.update(figure_features(quantity, percent, sentence.text))
            features.update(pairing_features(option, quantity, None, options, job_starts, n + 1))
            features.update(lexical_features(option, quantity, sentence.text, parsed, cues))
            candidates.append(Candidate(sentence, option, quantity, percent, features))
    rule_features(rule_claims, candidates)
    for candidate in candidates:
        candidate.option.root = None  # the parse is done with; tokens keep whole Docs alive
    return Analysed(document, sentences, focus, counts, candidates, bool(rule_claims))
