"""Announcement dates resolved against the publication date, with the precision the text gives."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

MONTHS = {
    m: i + 1
    for i, m in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ]
    )
}
MONTHS.update({k[:3]: v for k, v in list(MONTHS.items())})
MONTHS["sept"] = 9

_MONTH = r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


_DAY_OF_MONTH = re.compile(
    r"[\s.,]+(?:\d{1,2}(?:st|nd|rd|th)?|(?:19|20)\d\d)\b[\s,]*(?:(?:19|20)\d\d)?$"
)


def is_date_name(text: str) -> bool:
    """A weekday or a month, alone or with its day or year ("Thursday", "Sept.", "Jan 06",
    "March 2024"), which recognizers sometimes call a name."""
    word = _DAY_OF_MONTH.sub("", text.strip()).strip().rstrip(".").lower()
    return word in _WEEKDAYS or word in MONTHS


_DATE_RE = re.compile(
    rf"""
    (?P<md>\b(?:on\s+)?(?P<m1>{_MONTH})\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<y1>(?:19|20)\d\d))?\b)
    |(?P<dm>\b(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m2>{_MONTH})(?:,?\s+(?P<y2>(?:19|20)\d\d))?\b)
    |(?P<my>\b(?:in\s+|since\s+|during\s+)?(?P<m3>{_MONTH})(?:\s+(?P<y3>(?:19|20)\d\d))?\b)
    |(?P<rel>\b(?P<relword>last|this|next|earlier\s+this|later\s+this|earlier\s+in\s+the|late\s+last|early\s+last)\s+(?P<relunit>year|month|week|quarter)\b)
    |(?P<qtr>\b(?:in|during)\s+the\s+(?P<qnum>first|second|third|fourth)\s+quarter(?:\s+of\s+(?P<qyear>(?:19|20)\d\d))?\b)
    |(?P<day>\b(?:yesterday|today|(?P<wdword>on|last)\s+(?P<wd>monday|tuesday|wednesday|thursday|friday|saturday|sunday))\b)
    |(?P<year>\b(?:in|since|during|of|for|by|end-|mid-)?\s*(?P<y4>(?:19|20)\d\d)\b)
    """,
    re.IGNORECASE | re.VERBOSE,
)


# A four-digit number followed by what it counts is a count, not a year.
_COUNTED_AFTER = re.compile(
    r"\s+(?:(?:more|new|full-time|part-time|other|additional|of\s+its|of\s+the)\s+)?"
    r"(?:jobs?|positions?|roles?|employees?|workers?|staff(?:ers)?|people|posts?|layoffs?|job\s+cuts?|cuts?|"
    r"redundancies|members|engineers|contractors|personnel|dollars|euros|pounds|units|vehicles|cars|shares)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class ResolvedDate:
    value: str  # YYYY-MM-DD, YYYY-MM or YYYY
    precision: str  # day / month / year
    start: int
    end: int
    past_marker: bool  # the expression places the event before the publication ("last year")
    future: bool = False


_AHEAD = re.compile(r"(?i)\b(?:starting|beginning|from|until|till|by|before|effective)\s+$")


def _month_shift(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


# A year as news text names one (1950-2049).
YEAR = re.compile(r"\b(?:19[5-9]\d|20[0-4]\d)\b")


def reference_date(text: str, published: date | None) -> date | None:
    """The date a text's relative words count from: its publication date, or else the end of
    the latest year it mentions ("in July" on an undated page about 2022 is July 2022)."""
    if published is not None:
        return published
    years = [int(y) for y in YEAR.findall(text)]
    return date(max(years), 12, 31) if years else None


def find_dates(text: str, published: date | None) -> list[ResolvedDate]:
    """Every date expression in the text, resolved where the publication date allows."""
    found: list[ResolvedDate] = []
    for m in _DATE_RE.finditer(text):
        s, e = m.start(), m.end()
        if m.group("md") or m.group("dm"):
            month = _month_key(m.group("m1") or m.group("m2"))
            day = int(m.group("d1") or m.group("d2"))
            year_text = m.group("y1") or m.group("y2")
            if not 1 <= day <= 31:
                continue
            if year_text:
                year = int(year_text)
            elif published:
                year = published.year
                # "on November 17" read in January refers to the previous November.
                if (month, day) > (published.month, published.day) and month - published.month > 2:
                    year -= 1
            else:
                continue
            try:
                d = date(year, month, day)
            except ValueError:
                continue
            past = published is not None and d < published - timedelta(days=7)
            future = published is not None and d > published
            found.append(ResolvedDate(d.isoformat(), "day", s, e, past, future))
        elif m.group("my"):
            word = m.group("m3")
            if (
                word.lower().rstrip(".") == "may"
                and not m.group("y3")
                and not re.match(r"(?i)in\s", m.group(0))
            ):
                continue  # the modal verb, not the month
            if word[0].islower():
                continue
            month = _month_key(word)
            if m.group("y3"):
                year = int(m.group("y3"))
            elif published:
                year = published.year
                # "in November" read in March is last November, but "by June" is this June.
                ahead = re.search(
                    r"(?i)\b(?:by|until|till|through|before|from|starting|beginning|next|early|late)\s+(?:in\s+)?$",
                    text[max(0, s - 15) : s] + m.group(0)[: m.start("m3") - m.start()],
                )
                if month > published.month + 1 and not ahead:
                    year -= 1
            else:
                continue
            past = published is not None and (year, month) < (published.year, published.month)
            future = published is not None and (year, month) > (published.year, published.month)
            found.append(ResolvedDate(f"{year:04d}-{month:02d}", "month", s, e, past, future))
        elif m.group("rel"):
            word = re.sub(r"\s+", " ", m.group("relword").lower())
            unit = m.group("relunit").lower()
            is_last = word in ("last", "late last", "early last")
            if published is None:
                found.append(ResolvedDate("", "", s, e, is_last))
                continue
            is_next = word == "next"
            # "earlier this year/month" is before the story, as "last year" is.
            earlier = is_last or word.startswith("earlier")
            if unit == "year":
                year = published.year - 1 if is_last else published.year + is_next
                value, precision, past = f"{year:04d}", "year", earlier
            elif unit == "month":
                y, mo = _month_shift(
                    published.year, published.month, -1 if is_last else int(is_next)
                )
                value, precision, past = f"{y:04d}-{mo:02d}", "month", earlier
            elif unit == "week":
                d = published + timedelta(days=-7 if is_last else 7 * is_next)
                value, precision, past = f"{d.year:04d}-{d.month:02d}", "month", is_last
            else:
                value, precision, past = f"{published.year:04d}", "year", is_last
            found.append(ResolvedDate(value, precision, s, e, past, is_next))
        elif m.group("qtr"):
            # "in the third quarter": the year it falls in; before the story if it has ended
            last_month = (
                3 * ["first", "second", "third", "fourth"].index(m.group("qnum").lower()) + 3
            )
            if m.group("qyear"):
                year = int(m.group("qyear"))
            elif published:
                year = published.year if last_month - 2 <= published.month else published.year - 1
            else:
                continue
            past = published is not None and (year, last_month) < (published.year, published.month)
            future = published is not None and (year, last_month - 2) > (
                published.year,
                published.month,
            )
            found.append(ResolvedDate(f"{year:04d}", "year", s, e, past, future))
        elif m.group("day"):
            if published is None:
                continue
            d = published
            token = m.group(0).lower()
            if "yesterday" in token:
                d = published - timedelta(days=1)
            elif m.group("wd"):
                back = (published.weekday() - _WEEKDAYS.index(m.group("wd").lower())) % 7
                last = m.group("wdword").lower() == "last"
                if not last and _AHEAD.search(text[max(0, s - 15) : s]):
                    # "a strike starting on Monday": the coming Monday
                    d = published + timedelta(days=(7 - back) % 7 or 7)
                    found.append(ResolvedDate(d.isoformat(), "day", s, e, False, True))
                    continue
                # "last Friday" read on a Friday is a week ago, and before the story's own news
                d = published - timedelta(days=back or (7 if last else 0))
                found.append(ResolvedDate(d.isoformat(), "day", s, e, last))
                continue
            found.append(ResolvedDate(d.isoformat(), "day", s, e, False))
        elif m.group("year"):
            year = int(m.group("y4"))
            if published and year > published.year + 10:
                continue
            if (
                _COUNTED_AFTER.match(text, m.end())
                or text[max(0, m.start("y4") - 1) : m.start("y4")] == "$"
            ):
                continue  # "will cut 1914 jobs", "$2000": a count or a sum that looks like a year
            past = published is not None and year < published.year
            future = published is not None and year > published.year
            found.append(ResolvedDate(f"{year:04d}", "year", s, e, past, future))
    return found


def _month_key(word: str) -> int:
    w = word.lower().rstrip(".")
    return MONTHS.get(w, MONTHS.get(w[:3], 1))
