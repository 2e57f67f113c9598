"""Sentence splitting that keeps character offsets into the original text.

Evidence must be copied exactly from the document, so sentences are spans of the original
string (hard line wraps included), never a cleaned copy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from headcount.extract.datafiles import alternation

# Abbreviations after which a period does not end a sentence; common in business news
# (company suffixes, US states, titles, months).
_ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "st",
        "sr",
        "jr",
        "gen",
        "col",
        "lt",
        "sgt",
        "rep",
        "sen",
        "gov",
        "inc",
        "corp",
        "co",
        "ltd",
        "plc",
        "bros",
        "no",
        "nos",
        "vs",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "mon",
        "tue",
        "wed",
        "thu",
        "fri",
        "sat",
        "sun",
        "ala",
        "ariz",
        "ark",
        "calif",
        "colo",
        "conn",
        "del",
        "fla",
        "ga",
        "ill",
        "ind",
        "kan",
        "ky",
        "la",
        "md",
        "mass",
        "mich",
        "minn",
        "miss",
        "mo",
        "mont",
        "neb",
        "nev",
        "okla",
        "ore",
        "pa",
        "tenn",
        "tex",
        "va",
        "vt",
        "wash",
        "wis",
        "wisc",
        "wyo",
        "approx",
        "est",
        "dept",
        "univ",
        "assn",
        "intl",
    ]
)

# A boundary is end punctuation (optionally followed by closing quotes/brackets) and then
# whitespace, or a blank line (paragraph break, also used by headlines).
# Newswire paragraphs start on an indented line ("\n    "), which is as final as a blank line.
_BOUNDARY = re.compile(r"(?<=[.!?])[\"'”’)\]]*\s+|\n\s*\n|\n[ \t]{3,}")


_INDENTED_LINE = re.compile(r"\n[ \t]{3,}")
_INITIALS = re.compile(r"(?:[A-Za-z]\.)*[A-Za-z]")
_CLOSERS = "\"'”’)]"


def _is_paragraph_break(gap: str) -> bool:
    return gap.count("\n") >= 2 or bool(_INDENTED_LINE.search(gap))


def _last_token(text: str, end: int) -> str | None:
    """The last run of non-space characters of text[:end] (what `(\\S+)$` finds there), read
    backwards from `end`: searching the whole prefix at every boundary made splitting
    quadratic in the length of the page."""
    stop = end
    if stop > 0 and text[stop - 1] == "\n":
        stop -= 1  # `$` also matches before a final newline
    start = stop
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    return text[start:stop] or None


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str
    paragraph: int  # index of the paragraph, to keep follow-up sentences with their claim
    index: int


# A list line may close its name with a full stop and go on with its figure ("Nestle. 210
# job cuts by 11/17."): a line that opens with a few capitalised words and a stop, followed
# on the same line by a number, is one item.
_LIST_NAME_WORDS = 4


def _is_list_name(text: str, start: int, cut: int, gap: str) -> bool:
    nxt = text[cut + len(gap) : cut + len(gap) + 1]
    if "\n" in gap or not nxt.isdigit():
        return False
    line_start = text.rfind("\n", 0, cut) + 1
    if line_start < start:
        return False
    words = text[line_start:cut].split()
    return 0 < len(words) <= _LIST_NAME_WORDS and all(w[:1].isupper() for w in words)


def _is_false_boundary(text: str, cut: int, match: re.Match[str], start: int) -> bool:
    if _is_paragraph_break(match.group(0)):
        return False
    if _is_list_name(text, start, match.start(), match.group(0)):
        return True
    end = cut
    while end > 0 and text[end - 1] in _CLOSERS:
        end -= 1
    last = _last_token(text, end)
    if last is None:
        return False
    token = last.rstrip(".!?").lstrip("(\"'“‘")
    nxt = text[match.end() : match.end() + 1]
    if nxt and nxt.islower():
        return True  # a sentence does not start in lower case
    lowered = token.lower()
    if lowered in _ABBREVIATIONS:
        return True
    # Initials and dotted acronyms (U.S., N.Y., B.F.): only a boundary if next looks like a
    # sentence opener; we accept the rare miss at "U.S. The ..." for far fewer broken names.
    return bool(_INITIALS.fullmatch(token)) and len(token) <= 5


@lru_cache(maxsize=1)
def _page_stamp() -> re.Pattern[str]:
    # "date 2023-06-21 Uber to lay off 200": scraped pages often open a line with the page's
    # date, which is metadata, not the headline's first words.
    return re.compile(
        rf"{alternation('page_stamps')}:?\s+\d{{4}}-\d{{2}}-\d{{2}}(?:[T ]\d{{2}}:\d{{2}}(?::\d{{2}})?Z?)?\s+",
        re.IGNORECASE,
    )


def split_sentences(text: str) -> list[Sentence]:
    sentences: list[Sentence] = []
    paragraph = 0
    start = 0

    def emit(end: int) -> None:
        nonlocal start
        chunk = text[start:end]
        stripped = chunk.strip()
        stamp = _page_stamp().match(stripped)
        if stamp:
            stripped = stripped[stamp.end() :]
        if stripped:
            lead = len(chunk) - len(chunk.lstrip()) + (stamp.end() if stamp else 0)
            s = start + lead
            sentences.append(Sentence(s, s + len(stripped), stripped, paragraph, len(sentences)))

    for match in _BOUNDARY.finditer(text):
        if _is_false_boundary(text, match.start(), match, start):
            continue
        emit(match.start())
        start = match.end()
        if _is_paragraph_break(match.group(0)):
            paragraph += 1
    emit(len(text))
    return sentences
