"""Telling the news apart from its context: new, past, cumulative, rumor (aggregate is decided
by the employer: a figure with no single employer)."""

from __future__ import annotations

import re

from headcount.extract.datafiles import alternation, word_pattern

_CUT = r"(?:cut|cuts|cutting|cost|transfer\w*|relocat\w*|lay|laid|layoffs?|lay-offs?|axe|axed|shed|eliminat\w*|reduc\w*|los\w*|go|sack\w*|slash\w*|trim\w*|job|jobs|redundan\w*|close|closing|shut\w*|idle|dismiss\w*|retrench\w*|further|more)"

RUMOR_RE = re.compile(
    rf"""\b(?:
      (?:could|might|may)\s+(?:\w+\s+){{0,3}}?{_CUT}
    | {alternation("coming_cuts")}\s+(?:could|might|may)\s+(?:be\s+)?(?:coming|follow|come|result|be\s+announced)
    | (?:could|may|might)\s+(?:\w+\s+){{0,3}}?(?:lose\s+(?:their\s+)?jobs|be\s+(?:lost|cut|axed|affected|at\s+risk))
    | threat\w*|consider(?:s|ing)?\s+(?:\w+\s+){{0,2}}?(?:cut|lay|job|redundan|shed|reduc|trim|eliminat|slash|ax)\w*|mull\w*|weighing
    | (?:cuts|layoffs|job\s+losses|redundancies)\s+(?:had\s+|have\s+|has\s+)?(?:been\s+|were\s+|are\s+|is\s+)expected
    | in\s+doubt|in\s+question|at\s+stake|expect(?:s|ed)?\s+(?:["“]?\w+\s+){{0,2}}?["“]?(?:cutbacks|cuts|layoffs|job\s+losses|redundancies)
    | at\s+risk|under\s+threat|in\s+jeopardy|fears?\s+(?:of|that)|feared|rumou?r\w*|speculat\w*|reportedly
    | (?:cannot|can't|could\s+not|not)\s+rule\s+out|possible\s+(?:job|lay|cut)\w*|possibility\s+of
    | talks?\s+(?:with\s+\w+\s+)?(?:about|on)\s+(?:\w+\s+){{0,2}}(?:cut|trim|shed|job)\w*
    | if\s+(?:\w+\s+){{0,8}}?(?:goes\s+ahead|were|are|is)\b
    | facing\s+redundancy|face\s+(?:the\s+)?(?:axe|redundancy|layoffs?|job\s+losses)
    | (?:press|seek\w*|ask\w*)\s+(?:\w+\s+){{0,4}}?to\s+(?:slim|cut|reduce)
    )""",
    re.IGNORECASE | re.VERBOSE,
)

CUMULATIVE_RE = re.compile(
    r"""\b(?:
      in\s+total|(?:^|,\s*)in\s+all\b|altogether|so\s+far|to\s+date|total(?:\s+number)?\s+(?:of|on)
    | take\s+the\s+total|bring(?:s|ing)?\s+(?:the\s+)?(?:total|number)|bring(?:s|ing)?\s+to\s+[\d,]+
    | remain(?:s|ed)?\s+(?:unchanged\s+)?at|remain(?:s|ed)?\s+unchanged|remain\s+on|(?:total|number)\s+\w*\s*(?:on|of)\s+\w*\s*layoff
    | indefinite(?:ly)?\s+(?:layoff|out\s+of\s+work)|on\s+indefinite\s+layoff|out\s+of\s+work\s+indefinitely
    | since\s+(?:last\s+\w+|the\s+start|the\s+beginning|\d{4})\s+(?:\w+\s+){0,5}(?:has|have)\s+been
    | the\s+first\s+[\d,]+\s+\w+\s+(?:\w+\s+)?(?:jobs\s+)?(?:have|had)\s+been
    | have\s+been\s+(?:axed|cut|shed|eliminated)|has\s+been\s+reduced\s+by
    | total\s+job\s+losses
    )""",
    re.IGNORECASE | re.VERBOSE,
)

PAST_RE = re.compile(
    rf"""\b(?:
      already|previously|earlier\s+(?:this|last|in)|last\s+{alternation("last_periods")}
    | {alternation("recent_past")}|since\s+(?:the\s+)?\d|since\s+then
    | (?:follows|followed|following|after)\s+(?:\w+\s+){{0,2}}(?:layoffs|cuts|job\s+cuts|redundancies|round)
    | (?:follows|followed)\s+(?:[\w'’]+\s+){{0,4}}(?:announcement|decision)
    | beyond\s+the|was\s+forced\s+to|were\s+forced\s+to|(?:has|have|had)\s+forced|had\s+(?:\w+\s+)?{alternation("had_cut_verbs")}
    | in\s+the\s+midst\s+of|under\s+(?:the\s+)?plans|plans\s+to\s+shed|unveiled\s+in
    | has\s+been\s+shut|protest\w*\s+(?:over|against|at)|(?:were|was)\s+(?:first\s+)?(?:announced|unveiled)
    )""",
    re.IGNORECASE | re.VERBOSE,
)

# "total job losses by 1989 were now expected to total up to 7,800": a plan's size, not a tally
_FORECAST_TOTAL = re.compile(
    r"\b(?:expected|projected|forecast|estimated)\s+to\s+(?:total|reach|rise|climb)\b",
    re.IGNORECASE,
)


ON_LAYOFF_RE = re.compile(
    rf"\b{alternation('site_nouns')}\s+(?:has|had)\s+(?:another\s+|some\s+|about\s+)?[\d,]+\s+(?:[\w-]+\s+){{0,2}}?"
    r"on\s+(?:indefinite\s+|temporary\s+)?lay-?off",
    re.IGNORECASE,
)

# The cost of cuts booked in results: cuts already made by the reporting company.
COSTS_RE = re.compile(
    r"\b(?:(?:layoff|lay-off|redundancy|severance|restructuring)\s+(?:costs?|charges?|expenses?|provisions?)"
    r"|(?:costs?|charges?|provisions?)\s+(?:\S+\s+){0,3}(?:for|of|from)\s+(?:[\w-]+\s+){0,3}"
    rf"{alternation('cuts_booked')})\b",
    re.IGNORECASE,
)

_HAS_BEFORE = r"\b(?:has|had|have)\s+(?:already\s+|previously\s+)?"
# "has said it intends to", "had announced": a plan stated before this story
REPORTED_BEFORE_RE = re.compile(
    rf"{_HAS_BEFORE}(?:said|announced|indicated|stated|unveiled)\b", re.IGNORECASE
)
# "has said it needs to cut": a plan the company stated before, repeated for context; unlike
# "has announced", which is how the news itself is told.
SAID_BEFORE_RE = re.compile(rf"{_HAS_BEFORE}said\s+(?:that\s+)?(?:it|they)\b", re.IGNORECASE)
# Simple-past verbs of cutting: context unless the claim leads the story.
SIMPLE_PAST_RE = word_pattern("simple_past_verbs")
_FUTURE_RE = re.compile(
    r"\b(?:is|are|will|would|to|plans?|planned|intends?)\s+(?:\w+\s+){0,2}?(?:be\s+)?"
    rf"{alternation('future_cut_stems')}",
    re.IGNORECASE,
)


# Unconfirmed attribution colours the whole sentence, whichever clause carries the figure.
HEARSAY_RE = re.compile(
    r"\b(?:according\s+to\s+(?:newspaper\s+|press\s+|media\s+)?reports|"
    rf"{alternation('hearsay')})\b",
    re.IGNORECASE,
)


# "following the completion of its takeover last week": the time of another event. A phrase
# that is itself about cuts ("following earlier layoffs") stays.
_CIRCUMSTANCE = re.compile(
    r"\b(?:following|after|amid)\s+(?:the|its|a|an|their|his|her)\s+[^,;]*", re.IGNORECASE
)
# "redundan\w*" first: no other word fits where it does, so the order is the list's
_ABOUT_CUTS = re.compile(rf"\b(?:redundan\w*|{alternation('about_cuts')})\b", re.IGNORECASE)


def _without_circumstance(sentence: str) -> str:
    return _CIRCUMSTANCE.sub(
        lambda m: m.group(0) if _ABOUT_CUTS.search(m.group(0)) else "", sentence
    )


def circumstance_spans(sentence: str) -> list[tuple[int, int]]:
    """Where a sentence tells of another event; a date inside dates that event."""
    return [
        (m.start(), m.end())
        for m in _CIRCUMSTANCE.finditer(sentence)
        if not _ABOUT_CUTS.search(m.group(0))
    ]


def classify(
    sentence: str, *, lead: bool, date_is_past: bool, has_company: bool, whole: str | None = None
) -> str:
    """The kind of a claim from the clause that carries it (`sentence`), the whole sentence,
    and its place in the story."""
    if not has_company:
        return "aggregate"
    sentence = _without_circumstance(sentence)
    if ON_LAYOFF_RE.search(sentence):
        # "the plant has 1,850 workers on indefinite layoff": one site's round, already made
        # (a company's count of its laid-off staff is its running total)
        return "past"
    if CUMULATIVE_RE.search(sentence) and not _FORECAST_TOTAL.search(sentence):
        return "cumulative"
    if RUMOR_RE.search(sentence) or (
        HEARSAY_RE.search(whole or sentence) and not PAST_RE.search(sentence)
    ):
        return "rumor"
    if date_is_past or PAST_RE.search(sentence) or COSTS_RE.search(sentence):
        return "past"
    if SAID_BEFORE_RE.search(sentence) or (not lead and REPORTED_BEFORE_RE.search(sentence)):
        return "past"
    if not lead and SIMPLE_PAST_RE.search(sentence) and not _FUTURE_RE.search(sentence):
        return "past"  # "has cut", "laid off": done before the story's own news
    return "new"
