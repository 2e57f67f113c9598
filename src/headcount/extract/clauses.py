"""A sentence's clauses, for the rule extractor (extract/rules.py): where it asserts a cut,
whether a figure sits in a clause that asserts one, the part of the sentence that belongs to
each figure, and the dates that may date it."""

from __future__ import annotations

import re
from datetime import date

from headcount.extract.datafiles import alternation
from headcount.extract.dates import ResolvedDate, find_dates
from headcount.extract.kinds import COSTS_RE, PAST_RE, circumstance_spans
from headcount.extract.triggers import (
    closure_quantities,
    negated,
    strong_triggers,
)

_CLAUSE_EDGE = re.compile(r"[;:]|,\s|\s--?\s|\s-\s|\bwhile\b|\bbut\b|\bwhereas\b")


def in_trigger_clause(text: str, anchor: int, triggers: list[re.Match[str]]) -> bool:
    """A figure counts jobs cut only when a cut is asserted in its own clause: in "14,000
    people have been moved ..., headquarters staff positions were cut by 7,000" the 14,000
    is not a cut."""
    edges = [0] + [m.end() for m in _CLAUSE_EDGE.finditer(text)] + [len(text)]
    start = max(e for e in edges if e <= anchor)
    end = min((m.start() for m in _CLAUSE_EDGE.finditer(text, anchor)), default=len(text))
    if any(t.start() < end and t.end() > start for t in triggers) or any(
        abs(anchor - t.start()) <= 40 for t in triggers
    ):
        return True
    # "350 jobs will be affected in Columbia, ..., and about 225 jobs at its Kingsport
    # division": a clause without a verb of its own shares the cut told before it.
    clause = text[start:end]
    return (
        re.match(r"\s*and\s", clause) is not None
        and _JOBS_RIGHT_AFTER.match(text, anchor) is not None
        and not _CLAUSE_VERB.search(clause)
        and any(t.end() <= start for t in triggers)
    )


_JOBS_RIGHT_AFTER = re.compile(
    r"(?:[a-z]+\s+){0,3}?[\d,.]+\s+(?:\w+\s+)?"
    rf"{alternation('jobs_after_figure')}\b",
    re.IGNORECASE,
)


# "a fund to protect workers laid off", "employees who may be on layoff would be offered
# jobs first": provisions for people laid off, not a cut
_LAID_OFF_PEOPLE = alternation("laid_off_people")
_FOR_THE_LAID_OFF = re.compile(
    rf"\b{alternation('help_verbs')}\w*\s+"
    r"(?:\w+\s+){0,2}?"
    rf"{_LAID_OFF_PEOPLE}\b|\b{_LAID_OFF_PEOPLE}\s+who\s+(?:may|might|could|would)\b",
    re.IGNORECASE,
)


def _for_the_laid_off(text: str, trigger: re.Match[str]) -> bool:
    before = text[max(0, trigger.start() - 60) : trigger.start()]
    found = _FOR_THE_LAID_OFF.search(before + trigger.group(0))
    return found is not None and found.end() >= len(before)


_DUPLICATION = re.compile(
    r"\b(?:eliminat\w*|remov\w*|streamlin\w*|avoid\w*)\s+(?:\w+\s+)?redundancies$", re.IGNORECASE
)


CLOSURE_ONLY = re.compile(r"(?i)(?:clos|shut|phas)")


def cut_triggers(text: str) -> list[re.Match[str]]:
    """Where the sentence asserts a cut; a site closure counts when it states the site's staff."""
    found = [
        t
        for t in strong_triggers(text)
        if not _for_the_laid_off(text, t)
        if not negated(text, t.start())
        and not re.search(r"\b(?:not|never|no\s+longer)\b|n't\b", t.group(0))
        # "after eliminating redundancies" in a merger: duplicated operations, not staff
        and not _DUPLICATION.search(text[max(0, t.start() - 30) : t.start()] + t.group(0))
    ]
    if not found and closure_quantities(text):
        closing = CLOSURE_ONLY.search(text)
        if closing and not negated(text, closing.start()):
            found = [closing]
    return found


_CLAUSE_VERB = re.compile(
    r"\b(?:has|have|had|is|are|was|were|will|would|could|may|might|said|says|plans?|laid|cut|cuts|"
    r"shed|axed|eliminated|announced|intends?)\b",
    re.IGNORECASE,
)


def own_clause(text: str, anchor: int) -> str:
    """The comma-bounded clause around a figure, widened until it has a verb: "Amazon, which
    has already laid off 18,000 workers, could announce further cuts" dates the 18,000 by its
    own clause, not by the "could" that follows."""
    edges = [0] + [m.end() for m in re.finditer(r",\s+|;\s*|\s+--?\s+", text)] + [len(text)]
    index = max(i for i, e in enumerate(edges) if e <= anchor)
    start, stop = index, index + 1
    while stop < len(edges) - 1 and not _CLAUSE_VERB.search(text[edges[start] : edges[stop]]):
        stop += 1
    while start > 0 and not _CLAUSE_VERB.search(text[edges[start] : edges[stop]]):
        start -= 1
    return text[edges[start] : edges[stop]]


def figure_segment(text: str, anchor: int, anchors: list[int]) -> str:
    """The part of a sentence that belongs to one figure when a sentence carries several
    ("had already cut 9,000, bringing the total to 27,000")."""
    if len(anchors) <= 1:
        return text
    ordered = sorted(anchors)
    i = ordered.index(anchor) if anchor in ordered else 0
    start = 0 if i == 0 else ordered[i - 1] + 1
    end = ordered[i + 1] if i + 1 < len(ordered) else len(text)
    # the comma that ends the figure's clause, not the one inside "1,850"
    figure = re.match(r"[\d,.]*\d", text[anchor:])
    comma = text.find(",", anchor + (figure.end() if figure else 0))
    if 0 <= comma < end:
        end = comma
    # The words right after the previous figure still describe it ("9,000 employees,").
    if i > 0:
        figure = re.match(r"[\d,.]*\d", text[start - 1 :])
        comma = text.find(",", start - 1 + (figure.end() if figure else 1))
        start = comma + 1 if 0 <= comma < anchor else start
    return text[start:end]


def _dates_of_claim(text: str, anchor: int, published: date | None) -> list[ResolvedDate]:
    """The dates that may date a figure: not those of another event ("following its takeover
    last week"), nor, after the figure, those past a new clause ("will reduce staff, noting
    that expense growth in 1986 ...")."""
    elsewhere = circumstance_spans(text)
    return [
        d
        for d in find_dates(text, published)
        if not d.future
        and not any(s <= d.start < e for s, e in elsewhere)
        and not (d.start > anchor and _NEW_CLAUSE.search(text, anchor, d.start))
    ]


def sentence_is_past(text: str, anchor: int, published: date | None) -> bool:
    return any(d.past_marker for d in _dates_of_claim(text, anchor, published)) or bool(
        PAST_RE.search(text) or COSTS_RE.search(text)
    )


_NEW_CLAUSE = re.compile(
    r",\s+(?:\w+ing|which|who|that|while|whereas|but|although)\b|;"
    # "a plant employing eight people that has been inactive since late 1985"
    r"|\b(?:that|which|who)\s+(?:has|have|had)\s+been\b"
)


def nearest_date(text: str, anchor: int, published: date | None) -> ResolvedDate | None:
    # Only a date near the figure dates it ("cut 850 in 1986", not "its takeover last week").
    dates = [
        d
        for d in _dates_of_claim(text, anchor, published)
        if anchor - 150 <= d.start <= anchor + 80
    ]
    if not dates:
        return None
    return min(dates, key=lambda d: abs(d.start - anchor))
