"""Small pieces every part of the Store's SQL shares: patterns, pages and chunks."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime, timezone

#: Keeps IN (...) lists well under every driver's parameter limit.
CHUNK = 500


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat()


def window(offset: int, limit: int) -> tuple[int, int]:
    """A page window, refused when negative: SQLite would read LIMIT -1 as "no limit"."""
    if offset < 0 or limit < 0:
        raise ValueError(f"offset and limit must be >= 0, got {offset} and {limit}")
    return offset, limit


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
