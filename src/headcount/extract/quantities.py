"""Headcounts as faithful ranges: digits, number words, hedges, spans and vague words.

"about 1,000" -> 1000..1000 approx; "more than 7,500" -> 7500..None; "up to 2,500" -> None..2500;
"1,000 to 1,500" -> 1000..1500; "several hundred" -> 200..900 approx (the table in the
evaluation README, shared by gold and output).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
_SCALES = {"hundred": 100, "thousand": 1000, "million": 1_000_000, "mln": 1_000_000,
           "billion": 1_000_000_000, "bn": 1_000_000_000, "k": 1000, "m": 1_000_000}  # fmt: skip

_WORD = r"(?:{})".format("|".join(sorted(_UNITS, key=len, reverse=True)))
_SCALE_WORD = r"(?:hundred|thousand|million|billion)"
# "two thousand five hundred", "a thousand", "twenty-five", "a dozen"
_WORD_NUMBER = (
    rf"(?:(?:a|one|{_WORD}(?:[- ]{_WORD})?)\s+{_SCALE_WORD}"
    rf"(?:(?:\s+and)?\s+{_WORD}(?:[- ]{_WORD})?(?:\s+{_SCALE_WORD})?)*"
    rf"|a\s+dozen|{_WORD}(?:-{_WORD})?)"
)
_DIGITS = r"(?:\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)"
_DIGIT_NUMBER = rf"{_DIGITS}(?:\s?(?:million|mln|billion|bn|thousand|hundred)\b|k\b)?"
# "a quarter of a million", "half a million": a fraction of a scale word
_FRACTION_OF_SCALE = (
    r"(?:a\s+quarter|a\s+third|three\s+quarters|half)\s+(?:of\s+)?a\s+(?:million|billion)"
)
NUMBER = rf"(?:{_FRACTION_OF_SCALE}|{_DIGIT_NUMBER}|{_WORD_NUMBER})"


# Drop-cap artefacts of scraped pages split the first letter off ("T ens of thousands"),
# so vague words tolerate one space after their first letter.
def _dropcap(word: str) -> str:
    return rf"{word[0]}\s?{word[1:]}"


_VAGUE: list[tuple[str, int | None, int | None]] = [
    (r"hundreds\s+of\s+thousands(?:\s+of)?", 200_000, 999_999),
    (rf"{_dropcap('tens')}\s+of\s+thousands(?:\s+of)?", 20_000, 99_999),
    (rf"{_dropcap('millions')}(?:\s+of)?", 2_000_000, 9_999_999),
    (r"a\s+few\s+thousand", 2000, 4000),
    (r"several\s+thousand", 2000, 9000),
    (rf"{_dropcap('thousands')}(?:\s+of)?", 2000, 9999),
    (r"a\s+few\s+hundred", 200, 400),
    (r"several\s+hundred", 200, 900),
    (rf"{_dropcap('hundreds')}(?:\s+of)?", 200, 999),
    (rf"{_dropcap('dozens')}(?:\s+of)?", 24, 99),
    (r"a\s+(?:few|handful(?:\s+of)?)", 2, 9),
]
_VAGUE_RE = "|".join(f"(?P<v{i}>{p})" for i, (p, _, _) in enumerate(_VAGUE))

_HEDGE_APPROX = r"(?:about|around|approximately|roughly|some|nearly|almost|close\s+to|an\s+estimated|estimated|just\s+(?:over|under)|more\s+or\s+less|circa|c\.)"
_HEDGE_MIN = r"(?:more\s+than|over|at\s+least|upwards\s+of|in\s+excess\s+of|a\s+minimum\s+of)"
_HEDGE_MAX = r"(?:up\s+to|as\s+many\s+as|as\s+much\s+as|no\s+more\s+than|fewer\s+than|less\s+than|under|a\s+maximum\s+of)"

QUANTITY_RE = re.compile(
    rf"""
    (?<![\w])
    (?:(?P<between>between)\s+(?P<b1>{NUMBER})\s+and\s+(?P<b2>{NUMBER})
    |(?:(?P<approx>{_HEDGE_APPROX})\s+)?(?:(?P<min>{_HEDGE_MIN})\s+|(?P<max>{_HEDGE_MAX})\s+)?
     (?:(?P<vague>{_VAGUE_RE})
       |(?P<n1>{NUMBER})(?:\s*(?:to|-|–|or)\s*(?P<n2>{NUMBER}))?(?P<plus>\+|-plus)?)
    )
    (?![A-Za-z])
    """,
    re.IGNORECASE | re.VERBOSE,
)


@dataclass(frozen=True)
class Quantity:
    start: int
    end: int
    minimum: int | None
    maximum: int | None
    approx: bool
    text: str

    @property
    def value(self) -> int | None:
        return self.maximum if self.maximum is not None else self.minimum


def parse_number(text: str) -> float | None:
    """A single number written in digits or words: '1,200' '1.2 million' '10k' 'two thousand'."""
    t = text.strip().lower().replace(",", "")
    t = re.sub(r"\s+", " ", t)
    m = re.fullmatch(r"(\d+(?:\.\d+)?)\s?(million|mln|billion|bn|thousand|hundred|k|m)?", t)
    if m:
        value = float(m.group(1))
        if m.group(2):
            value *= _SCALES[m.group(2)]
        return value
    if t in ("a dozen",):
        return 12.0
    fraction = re.fullmatch(
        r"(a quarter|a third|three quarters|half) (?:of )?a (million|billion)", t
    )
    if fraction:
        share = {"a quarter": 0.25, "a third": 1 / 3, "three quarters": 0.75, "half": 0.5}[
            fraction.group(1)
        ]
        return share * _SCALES[fraction.group(2)]
    total = 0.0
    current = 0.0
    seen = False
    for token in re.split(r"[\s-]+", t):
        if token in ("and",):
            continue
        if token in ("a", "one") and not seen:
            current = 1
            seen = True
        elif token in _UNITS:
            current += _UNITS[token]
            seen = True
        elif token == "hundred":
            current = (current or 1) * 100
        elif token in ("thousand", "million", "billion"):
            total += (current or 1) * _SCALES[token]
            current = 0
        else:
            return None
    return (total + current) if seen else None


def _as_int(value: float | None) -> int | None:
    return None if value is None else int(round(value))


_MOST_OF = re.compile(
    r"\bmost\s+of\s+(?:the\s+|its\s+|their\s+)?(?:[\w'’.-]+\s+){0,2}$", re.IGNORECASE
)


def find_quantities(text: str) -> Iterator[Quantity]:
    for m in QUANTITY_RE.finditer(text):
        if not m.group(0).strip():
            continue
        approx = bool(m.group("approx"))
        lo: int | None
        hi: int | None
        if m.group("between"):
            lo, hi = _as_int(parse_number(m.group("b1"))), _as_int(parse_number(m.group("b2")))
        elif m.group("vague"):
            index = next(i for i in range(len(_VAGUE)) if m.group(f"v{i}"))
            _, lo, hi = _VAGUE[index]
            approx = True
        else:
            n1 = _as_int(parse_number(m.group("n1")))
            if n1 is None:
                continue
            lo = hi = n1
            if m.group("n2"):
                n2 = _as_int(parse_number(m.group("n2")))
                if n2 is not None and n2 > n1:
                    hi = n2
        if m.group("min"):
            hi = None
            approx = True
        elif m.group("max"):
            lo = None
            approx = True
        if m.group("plus"):
            hi = None
            approx = True
        if hi is not None and lo == hi and _MOST_OF.search(text, max(0, m.start() - 40), m.start()):
            # "most of the plant's 2,800 employees": more than half of them, at most all
            lo, approx = hi // 2, True
        yield Quantity(m.start(), m.end(), lo, hi, approx, m.group(0))


def is_vague(quantity: Quantity) -> bool:
    """A count told in vague words ("thousands of", "several hundred"), not in a number."""
    found = QUANTITY_RE.fullmatch(quantity.text.strip())
    return found is not None and found.group("vague") is not None


_FRACTIONS = {
    "half": 50.0, "a half": 50.0, "one half": 50.0, "a third": 33.0, "one third": 33.0,
    "one-third": 33.0, "two thirds": 66.7, "two-thirds": 66.7, "a quarter": 25.0,
    "one quarter": 25.0, "one-quarter": 25.0, "three quarters": 75.0, "three-quarters": 75.0,
    "a fifth": 20.0, "one fifth": 20.0, "one-fifth": 20.0, "a tenth": 10.0, "one tenth": 10.0,
}  # fmt: skip
_FRACTION_RE = "|".join(
    re.escape(k).replace(r"\ ", r"\s+") for k in sorted(_FRACTIONS, key=len, reverse=True)
)
PERCENT_RE = re.compile(
    rf"(?:(?:about|around|nearly|almost|roughly|some|more\s+than|over|by)\s+)?"
    rf"(?:(?P<num>\d+(?:\.\d+)?|{_WORD}(?:[- ]{_WORD})?)\s?(?:%|per\s?cent|pct|percent)"
    rf"|(?P<frac>{_FRACTION_RE})(?!\s+(?:of\s+)?a\s+(?:million|billion)))",
    re.IGNORECASE,
)


def percent_value(match: re.Match[str]) -> float | None:
    if match.group("frac"):
        return _FRACTIONS[re.sub(r"\s+", " ", match.group("frac").lower())]
    raw = match.group("num")
    value = parse_number(raw)
    return value
