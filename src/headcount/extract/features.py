"""The features a trained model decides a candidate claim by (extract/candidates.py builds the
candidates and calls these).

Each builder returns named numbers: the sentence's cues, tenses and place on the page, how its
dates sit against the publication date, how the parse links the employer option to the cutting
word and the figure, the words around both, and what the rule extractor said. Training keeps
the features seen often enough and the model weighs them (extract/decisions.py); the names are
the model's vocabulary, so renaming one changes what a shipped model reads.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from typing import TYPE_CHECKING, Any

from headcount.extract.companies import normalize_company, same_company
from headcount.extract.cues import count_cues, cue_words, is_source_name
from headcount.extract.dates import YEAR, find_dates
from headcount.extract.english import word_class
from headcount.extract.quantities import Quantity
from headcount.extract.sentences import Sentence
from headcount.extract.triggers import strong_triggers
from headcount.model import Mention

if TYPE_CHECKING:
    # Only the types: candidates.py imports this module to build its candidates.
    from headcount.extract.candidates import Candidate, Option


LIST_HEAD = re.compile(r"^[\s•·\-–—*▪►●◦]*(?:\d{1,3}[.)]\s+)?(?P<name>[^:\n]{2,60}?)\s*[:–—|]\s+\S")
# A roundup's list line that gives its figures in brackets after the name: "Acme (50)",
# "Acme (“about 5%”, “about 270”)", "Acme (13 in June, 4 in September)".
_LIST_PAREN = re.compile(
    r"^[\s•·\-–—*▪►●◦]*(?:\d{1,3}[.)]\s+)?(?P<name>[A-Z0-9][^:\n(]{1,60}?)\s*\((?=[^)]*\d)"
)
# Or closes the name with a full stop: "Nestle. 210 job cuts by 11/17." (sentences.py keeps
# such a line whole).
_LIST_STOP = re.compile(r"^[\s•·\-–—*▪►●◦]*(?P<name>[A-Z0-9][^.\n]{1,60}?)\.\s+(?=\d)")
# Longer than this, a line is prose, and its brackets an aside.
_LIST_LINE_WORDS = 20


def list_head(text: str) -> re.Match[str] | None:
    """The name heading a list line, when the line is one."""
    found = LIST_HEAD.match(text)
    if found is not None or len(text.split()) > _LIST_LINE_WORDS:
        return found
    found = _LIST_PAREN.match(text) or _LIST_STOP.match(text)
    if found is not None and found.re is _LIST_STOP:
        # As the sentence splitter reads such a line: a name is capitalised words.
        return found if all(w[:1].isupper() for w in found.group("name").split()) else None
    return found


def sentence_features(
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
    f["list_head"] = float(bool(list_head(text)))
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


# What a sentence says about when and whether a round happened is spread over its words ("Two
# months before that", "comes nine months after", "could affect"), more than any cue list
# names: each word and each pair of adjacent words is a feature, and training keeps those seen
# on enough pages (learn/training.py, MIN_SENTENCE_WORD_PAGES). A year is read against the
# page's own ("in 2022" on a 2023 page is last year), so what is learnt holds for pages of any
# year.
SENTENCE_WORD = "w_sentence="
_SENTENCE_TOKEN = re.compile(rf"[a-z][a-z'’-]*|{YEAR.pattern}")


def _year_word(year: int, reference_year: int | None) -> str | None:
    if reference_year is None:
        return None
    gap = reference_year - year
    if gap < 0:
        return "year_next"
    return {0: "year_this", 1: "year_last"}.get(gap, "year_earlier")


def sentence_word_features(text: str, reference_year: int | None) -> dict[str, float]:
    words = [
        word if not word[0].isdigit() else _year_word(int(word), reference_year)
        for word in _SENTENCE_TOKEN.findall(text.lower())
    ]
    # Without a reference (a caller that gives no page) a year is left out, not guessed.
    kept = [w for w in words if w is not None]
    pairs = (f"{a}_{b}" for a, b in zip(kept, kept[1:], strict=False))
    return {f"{SENTENCE_WORD}{w}": 1.0 for w in (*kept, *pairs)}


def date_features(text: str, published: date | None) -> dict[str, float]:
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


def cue_tokens(parsed: Any) -> list[Any]:
    words = cue_words()
    strong, verbs = words["cut_strong"], words["cut_verb"]
    cues = []
    for token in parsed:
        low = token.lower_
        pair = f"{low} {token.nbor(1).lower_}" if token.i + 1 < len(parsed) else low
        if low in strong or pair in strong or low in verbs:
            cues.append(token)
    return cues


def governing_verbs(token: Any) -> list[Any]:
    verbs = []
    for t in [token, *token.ancestors]:
        if word_class(t) in ("VERB", "AUX"):
            verbs.append(t)
    return verbs


def _tree_distance(a: Any, b: Any) -> int:
    up_a = [a, *a.ancestors]
    up_b = [b, *b.ancestors]
    index_b = {t.i: n for n, t in enumerate(up_b)}
    for n, t in enumerate(up_a):
        if t.i in index_b:
            return n + index_b[t.i]
    return 20


def dep_features(option: Option, cues: list[Any]) -> dict[str, float]:
    root = option.root
    f: dict[str, float] = {}
    if root is None:
        return {"no_root": 1.0}
    f[f"dep={root.dep_}"] = 1.0
    f[f"head_pos={word_class(root.head)}"] = 1.0
    f["root_is_propn"] = float(word_class(root) == "PROPN")
    f["root_is_verb"] = float(word_class(root) in ("VERB", "AUX"))
    if not cues:
        return f
    distances = [_tree_distance(root, c) for c in cues]
    nearest = min(range(len(cues)), key=lambda i: distances[i])
    cue = cues[nearest]
    f["tree_distance"] = float(distances[nearest])
    f["token_distance"] = float(min(abs(root.i - c.i) for c in cues))
    f["before_cue"] = float(root.i < cue.i)
    verbs = governing_verbs(cue)
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
    head_verb = next((t for t in [root, *root.ancestors] if word_class(t) in ("VERB", "AUX")), None)
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


def option_features(
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
    f["name_source"] = float(is_source_name(text))
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


def figure_features(
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


def pairing_features(
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


def lexical_features(
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
            verb_of = [t for t in figure_token.ancestors if word_class(t) in ("VERB", "AUX")]
            verb_name = [
                t for t in [option.root, *option.root.ancestors] if word_class(t) in ("VERB", "AUX")
            ]
            f["figure_name_same_verb"] = float(
                bool(verb_of and verb_name and verb_of[0].i == verb_name[0].i)
            )
    return f


def rule_features(mentions: list[Mention], candidates: list[Candidate]) -> None:
    """What the older rule extractor said about each candidate's sentence (`mentions`, its
    claims on the page): one more opinion for the model to weigh (stacking), not a decision."""
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
