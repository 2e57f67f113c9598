"""What on a page is a name that may be an employer, and what only looks like one.

The recognizer and the tagger offer spans; these checks set aside what a reader knows is not
the employer whatever the tagger says: a wire dateline, a place or backer written as an
attribute, a ticker's exchange, an outlet cited as the source, common words capitalised by a
headline, and they trim a name to the company (no leading "the", officer's title or bullet).
"""

from __future__ import annotations

import re
from functools import lru_cache

from headcount.extract.companies import is_known
from headcount.extract.cues import (
    cue_words,
    in_gazetteer,
    is_source_name,
    is_source_short_form,
    keeps_possessive,
)
from headcount.extract.datafiles import alternation

_BULLET = re.compile(r"^[\s•·\-–—*▪►●◦]*(?:\d{1,3}[.)]\s+)?")
_POSSESSIVE = re.compile(r"['’]s$")
_EDGE = re.compile(r"^[\W_]+|[\W_]+$")
# "Quincy, Ill.-based Blessing Health System", "SoftBank-backed Unacademy": the attribute
# names another place or company; the employer is what follows it.
_ATTRIBUTE_PREFIX = re.compile(rf"^.*?-{alternation('attribute_prefixes')}\b\s*", re.IGNORECASE)
ATTRIBUTE_AFTER = re.compile(rf"^-{alternation('attribute_prefixes')}\b", re.IGNORECASE)

# A wire dateline opening a story ("BERLIN --", "STOCKHOLM, Feb 24 (Reuters) -", "NEW YORK
# (AP) —"): the place, date and agency in it are never the employer. The dash must be a
# dateline's (two hyphens, or any dash after an agency) and prose must follow it, so a list
# line "BP – Cutting 7,700 jobs" is not one.
_DATELINE = re.compile(
    r"^(?P<line>[A-Z][A-Z.'’-]+(?:\s+[A-Z][A-Z.'’-]+)*"
    r"(?:,\s*[A-Z][\w.]*(?:\s+[A-Z][\w.]*)?)?"
    r"(?:,\s*[A-Z][a-z]{2,8}\.?\s+\d{1,2})?"
    r"\s*(?:(?P<agency>\([^)]{2,40}\))\s*)?)"
    r"(?:--|(?(agency)[-–—]|(?!)))\s+(?=[^\d\s])"
)


def dateline_end(text: str) -> int:
    """Where a wire dateline opening the text ends, or -1 when it has none."""
    dateline = _DATELINE.match(text)
    return dateline.end("line") if dateline else -1


def clean_name(text: str) -> str | None:
    """The company a span names: no bullet, attribute, edge punctuation, leading "the",
    possessive (unless the company's own, "McDonald's") or officer's title; None when too
    little of a name is left."""
    text = _BULLET.sub("", text).strip()
    text = _ATTRIBUTE_PREFIX.sub("", text)
    text = _EDGE.sub("", text)
    if text.lower().startswith("the "):
        text = text[4:]
    if _POSSESSIVE.search(text) and not keeps_possessive(text):
        text = text[:-2]
    words = text.split()
    titles = cue_words()["person_title"]
    while words and words[-1].lower().strip(".,") in titles:
        words.pop()  # "Amazon CFO": the company, not its officer
    text = " ".join(words)
    if len(text) < 2 or not any(ch.isalpha() for ch in text):
        return None
    return text


# "Proactive Investors - Cisco Systems Inc", "Home / World News / Uber": a page title or
# breadcrumb joins outlet, section and name.
TITLE_SEPARATOR = re.compile(r"\s[-–—|/]\s")


_CAPITALISED_BEFORE = re.compile(r"(?:^|(?<=\s))([A-Z][\w.&-]*) $")
_CAPITALISED_AFTER = re.compile(r"^ ([A-Z][\w.&-]*)")


def capitalised_run(text: str, start: int, end: int) -> tuple[int, int]:
    """The span grown over the capitalised words right next to it: the recognizer may name
    only a part ("Post" of "The Washington Post", "Media" of "Vice Media")."""
    for _ in range(3):
        m = _CAPITALISED_BEFORE.search(text[max(0, start - 30) : start])
        if not m or m.group(1) == "The":
            break
        start -= len(m.group(1)) + 1
    for _ in range(3):
        m = _CAPITALISED_AFTER.match(text[end : end + 30])
        if not m:
            break
        end += len(m.group(1)) + 1
    return start, end


@lru_cache(maxsize=1)
def _cited_after() -> re.Pattern[str]:
    return re.compile(
        rf"^[\s,]*(?:(?:also|first|has|had|now)\s+)?{alternation('source_cited_after')}\b",
        re.IGNORECASE,
    )


@lru_cache(maxsize=1)
def _cited_before() -> re.Pattern[str]:
    return re.compile(rf"\b{alternation('source_cited_before')}\s+(?:the\s+)?$", re.IGNORECASE)


def grown_name(text: str, name: str, start: int, end: int) -> tuple[str, int, int]:
    """The name with the capitalised words around it when those make a company the trackers
    or the outlet list know and the name alone is not one ("Angeles Times" of "the Los
    Angeles Times")."""
    first, last = capitalised_run(text, start, end)
    if (first, last) == (start, end) or in_gazetteer(name) or is_known(name):
        return name, start, end
    whole = clean_name(text[first:last])
    if whole and (in_gazetteer(whole) or is_known(whole) or is_source_name(whole)):
        return text[first:last], first, last
    return name, start, end


def cited_outlet(text: str, start: int, end: int) -> bool:
    """An outlet cited as the news's source ("The Washington Post reports that ...",
    "according to Bloomberg") is not the employer the news is about; an outlet cutting its
    own staff is written otherwise ("The Washington Post will cut 240 jobs")."""
    first, last = capitalised_run(text, start, end)
    name = text[start:end]
    if not (is_source_name(text[first:last]) or is_source_name(name) or is_source_short_form(name)):
        return False
    return bool(
        _cited_after().match(text[last : last + 40])
        or _cited_before().search(text[max(0, first - 30) : first])
    )


def not_a_name_at(
    text: str, start: int, end: int, filed_until: int, lower_words: frozenset[str]
) -> bool:
    """Whether the span is something other than a name, wherever the recognizer put it."""
    if ATTRIBUTE_AFTER.match(text[end : end + 16]):
        return True  # "SoftBank-backed Unacademy": SoftBank describes the employer
    if end <= filed_until and not is_known(text[start:end]):
        return True  # "BERLIN --": where the story was filed
    if cited_outlet(text, start, end):
        return True
    word = text[start:end]
    if (
        start >= 2
        and text[start - 1] == "."
        and text[start - 2].isalnum()
        and _EXCHANGE.match(word)
    ):
        return True  # the exchange of a ticker ("ERICb.ST")
    # Common words, written in lower case elsewhere on the page and unknown to the trackers,
    # capitalised only because they open the sentence ("Retailers cut ..."), because the line
    # is a headline in title case ("Salesforce to Lay Off 10 Percent of Staff"), or as page
    # furniture ("Last Updated", "World News").
    words = word.split()
    if not words or not all(
        w[:1].isupper() and w[1:].islower() and w.lower() in lower_words for w in words
    ):
        return False
    if in_gazetteer(word) or is_known(word):
        return False
    opens = not text[:start].strip(" •·-–—*▪►●◦➤\"“'‘")
    return opens or len(words) > 1 or _title_case(text, start)


def _title_case(text: str, at: int) -> bool:
    """Whether the line holding `at` capitalises most of its words, as headlines do."""
    line = text[text.rfind("\n", 0, at) + 1 : (text.find("\n", at) + 1 or len(text) + 1) - 1]
    long_words = [w for w in line.split() if len(w) > 3 and w[:1].isalpha()]
    return len(long_words) >= 3 and sum(w[:1].isupper() for w in long_words) >= 0.7 * len(
        long_words
    )


_EXCHANGE = re.compile(r"[A-Z]{1,3}$")
LOWER_WORD = re.compile(r"(?<![\w.])[a-z][a-z'’-]+")


@lru_cache(maxsize=1)
def _not_names() -> re.Pattern[str]:
    return re.compile(
        rf"{alternation('page_furniture')}|(?:{alternation('legal_suffixes')}\.?[\s,]*)+",
        re.IGNORECASE,
    )


def never_a_name(name: str) -> bool:
    """Page furniture ("Home", "Tel") or a legal form alone ("LLC" of "Daimler Truck North
    America, LLC"; "the Company") names no company."""
    return bool(_not_names().fullmatch(name.strip()))


_PHONE = re.compile(r"(?:\(\d{3}\)\s?|\b\d{3}[-.\s])\d{3}[-.\s]\d{4}\b")


def phone_spans(text: str) -> list[tuple[int, int]]:
    """Where the text gives a telephone number ("905-673-6625"): its digits count nobody."""
    return [m.span() for m in _PHONE.finditer(text)]
