"""Date periods as headcount writes them: YYYY, YYYY-MM or YYYY-MM-DD.

A claim is dated as precisely as its text allows, so a date names a period (a day, a month or
a year) rather than a day. This is the one place that turns such a period into its first and
last day, moves by months and names quarters; the resolver's windows, the store's filters and
the pages' charts all use it.
"""

from __future__ import annotations

import calendar
import re
from datetime import date

from headcount.model import Precision

#: A period's first and last day, as date ordinals (date.toordinal()).
Span = tuple[int, int]

_PERIOD = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def bounds(value: str, name: str = "date") -> tuple[date, date]:
    """First and last day of a YYYY, YYYY-MM or YYYY-MM-DD period; `name` (the parameter it
    came from) is what the ValueError about a malformed or impossible date says."""
    match = _PERIOD.match(value)
    if not match:
        raise ValueError(f"{name} must be YYYY, YYYY-MM or YYYY-MM-DD, got {value!r}")
    year, month, day = (int(g) if g else None for g in match.groups())
    assert year is not None
    try:
        if day is not None and month is not None:
            return date(year, month, day), date(year, month, day)
        if month is not None:
            return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
        return date(year, 1, 1), date(year, 12, 31)
    except ValueError:
        raise ValueError(f"{name} is not a real date: {value!r}") from None


def period(value: str, name: str = "date") -> tuple[str, str]:
    """First and last day of a period as ISO dates (see bounds)."""
    first, last = bounds(value, name)
    return first.isoformat(), last.isoformat()


def date_range(since: str | None, until: str | None) -> tuple[str | None, str | None]:
    """The first day of `since` and the last day of `until` (either may be None), refused
    when the range runs backwards."""
    since_day = period(since, "since")[0] if since is not None else None
    until_day = period(until, "until")[1] if until is not None else None
    if since_day and until_day and since_day > until_day:
        raise ValueError(f"since ({since}) is after until ({until})")
    return since_day, until_day


def span(value: str | None) -> Span | None:
    """A period's first and last day as ordinals; None for no date or one that names no
    period (a stored date is data, not a request: it is skipped, not refused)."""
    if not value:
        return None
    try:
        first, last = bounds(value)
    except ValueError:
        return None
    return first.toordinal(), last.toordinal()


def precision_of(value: str) -> Precision:
    """The precision a period is written at, by its length (YYYY, YYYY-MM, YYYY-MM-DD)."""
    return "year" if len(value) <= 4 else "month" if len(value) <= 7 else "day"


def month_shift(ordinal: int, months: int) -> int:
    """The day `months` months away from a day's month: the first day of that month when
    going back, its last day when going forward (so a window only ever widens)."""
    day = date.fromordinal(ordinal)
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    if months < 0:
        return date(year, month + 1, 1).toordinal()
    return date(year, month + 1, calendar.monthrange(year, month + 1)[1]).toordinal()


def iso(ordinal: int) -> str:
    return date.fromordinal(ordinal).isoformat()


def year_of(ordinal: int) -> int:
    return date.fromordinal(ordinal).year


def months(first: str, last: str, most: int = 12 * 200) -> list[str]:
    """Every YYYY-MM from the month of `first` to that of `last` (at most `most` of them), so
    months without events show as gaps."""
    year, month = int(first[:4]), int(first[5:7])
    out: list[str] = []
    while f"{year:04d}-{month:02d}" <= last and len(out) < most:
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def quarter(month: str) -> str:
    """The quarter a YYYY-MM (or longer) date falls in, as "2024 Q1"."""
    return f"{month[:4]} Q{(int(month[5:7]) - 1) // 3 + 1}"
