"""Small pieces every part of the Store's SQL shares: periods, patterns, pages and chunks."""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator, Sequence
from datetime import date, datetime, timezone

_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")

#: Keeps IN (...) lists well under every driver's parameter limit.
CHUNK = 500


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat()


def window(offset: int, limit: int) -> tuple[int, int]:
    """A page window, refused when negative: SQLite would read LIMIT -1 as "no limit"."""
    if offset < 0 or limit < 0:
        raise ValueError(f"offset and limit must be >= 0, got {offset} and {limit}")
    return offset, limit


def period(value: str, name: str) -> tuple[str, str]:
    """First and last day of a YYYY, YYYY-MM or YYYY-MM-DD period, as ISO dates; `name` (the
    parameter it came from) is what an error about it says."""
    match = _DATE.match(value)
    if not match:
        raise ValueError(f"{name} must be YYYY, YYYY-MM or YYYY-MM-DD, got {value!r}")
    year, month, day = (int(g) if g else None for g in match.groups())
    assert year is not None
    try:
        if day is not None and month is not None:
            start = end = date(year, month, day)
        elif month is not None:
            start = date(year, month, 1)
            end = date(year, month, calendar.monthrange(year, month)[1])
        else:
            start, end = date(year, 1, 1), date(year, 12, 31)
    except ValueError:
        raise ValueError(f"{name} is not a real date: {value!r}") from None
    return start.isoformat(), end.isoformat()


def date_range(since: str | None, until: str | None) -> tuple[str | None, str | None]:
    """The first day of `since` and the last day of `until` (either may be None), refused
    when the range runs backwards."""
    since_day = period(since, "since")[0] if since is not None else None
    until_day = period(until, "until")[1] if until is not None else None
    if since_day and until_day and since_day > until_day:
        raise ValueError(f"since ({since}) is after until ({until})")
    return since_day, until_day


def like_pattern(needle: str) -> str:
    """A LIKE pattern (with ESCAPE '\\') matching `needle` anywhere, in lower case."""
    escaped = needle.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def chunks(items: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def finish(sql: str, where: list[str], order: str, limit: int | None, params: list[object]) -> str:
    """`sql` with its conditions (all of them must hold), its ORDER BY and, when `limit` is
    given, a LIMIT whose value is added to `params`."""
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += f" ORDER BY {order}"
    if limit is not None:
        sql += " LIMIT ?"
        params.append(window(0, limit)[1])
    return sql


def marks(items: Sequence[object]) -> str:
    """One `?` per item, for an IN (...) list."""
    return ", ".join("?" * len(items))
