"""Records as table rows and back: the column lists come from the model's dataclasses.

Each stored record is one dataclass of headcount.model, and its table's columns are that
dataclass's fields (less those kept elsewhere, plus computed ones such as a mention's id), so
a field added to the model is a column here without writing its name again. How a value is
stored follows the field's declared type: booleans as 0/1, lists and free values as JSON text,
dates and times as ISO 8601 text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import fields
from datetime import date, datetime
from typing import Any, Generic, TypeVar

from headcount.model import (
    ClaimSource,
    Company,
    Document,
    Event,
    EventChange,
    EventSource,
    Mention,
)

#: A result row as both drivers return it by default: values in SELECT order.
Row = tuple[Any, ...]

T = TypeVar("T")


def str_list(raw: str) -> list[str]:
    value = json.loads(raw)
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValueError(f"expected a JSON list of strings, got {raw!r}")
    return value


def bar_list(value: str) -> list[str]:
    """'|a|b|' (an event_index membership text) as ["a", "b"]."""
    return [part for part in value.split("|") if part]


def published_iso(published_at: date | None) -> str | None:
    if published_at is None:
        return None
    # A datetime is also a date; keeping its time would make "2023-11-05T10:00" sort after
    # until="2023-11-05" in the prefix comparison the claims query relies on.
    if isinstance(published_at, datetime):
        published_at = published_at.date()
    return published_at.isoformat()


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _json_or_none(raw: str | None) -> Any:
    return json.loads(raw) if raw is not None else None


def _same(value: Any) -> Any:
    return value


# How a field of each declared type is written and read; any other type is stored as it is.
_WRITE: dict[str, Callable[[Any], Any]] = {
    "bool": int,
    "list[str]": _json,
    "Any": _json,
    "date | None": published_iso,
    "datetime": lambda value: value.isoformat(),
}
_READ: dict[str, Callable[[Any], Any]] = {
    "bool": bool,
    "list[str]": str_list,
    "Any": _json_or_none,
    "date | None": lambda value: date.fromisoformat(value) if value else None,
    "datetime": datetime.fromisoformat,
}


# Types stored as something else than themselves (a Literal of strings is stored as it is).
_NEEDS_CONVERSION = re.compile(r"\b(?:list|dict|tuple|set|date|datetime|Any)\b")


class Shape(Generic[T]):
    """How the records of one dataclass are stored: its columns, and the conversions."""

    def __init__(
        self, cls: type[T], computed: tuple[str, ...] = (), kept_apart: Sequence[str] = ()
    ):
        """`computed`: properties stored before the fields (read back by recomputing them);
        `kept_apart`: fields that are not columns of the record's table."""
        declared = {f.name: str(f.type) for f in fields(cls)}  # type: ignore[arg-type]
        for name, kind in declared.items():
            # A container or date type without a conversion would be stored wrongly.
            if kind not in _WRITE and _NEEDS_CONVERSION.search(kind):
                raise TypeError(f"{cls.__name__}.{name}: no stored form for {kind}")
        stored = [name for name in declared if name not in kept_apart]
        self.columns: tuple[str, ...] = (*computed, *stored)
        self._make: Callable[..., T] = cls
        self._writers = [_WRITE.get(declared.get(name, ""), _same) for name in self.columns]
        self._readers = {name: _READ.get(declared[name], _same) for name in stored}

    def row(self, record: T) -> Row:
        return tuple(
            write(getattr(record, name))
            for name, write in zip(self.columns, self._writers, strict=True)
        )

    def record(self, values: Sequence[Any], **extra: Any) -> T:
        """The record of a row in `columns` order; `extra` gives the fields kept apart."""
        data = {
            name: self._readers[name](value)
            for name, value in zip(self.columns, values, strict=True)
            if name in self._readers
        }
        return self._make(**data, **extra)

    def select(self, alias: str = "") -> str:
        """The columns as a SELECT list, each prefixed with `alias.` when given."""
        return ", ".join(f"{alias}.{c}" if alias else c for c in self.columns)

    def insert(self, table: str, conflict: str = "") -> str:
        """An INSERT of one row of every column, with `conflict` (an ON CONFLICT clause)."""
        marks = ", ".join("?" * len(self.columns))
        return f"INSERT INTO {table} ({self.select()}) VALUES ({marks}){conflict}"


# `doc` is the document's origin, read from the documents table by a join.
MENTIONS = Shape(Mention, computed=("id",), kept_apart=("doc",))
DOCUMENTS = Shape(Document)
EVENTS = Shape(Event)
SOURCES = Shape(EventSource)
CHANGES = Shape(EventChange)
# A company's aliases are rows of company_aliases.
COMPANIES = Shape(Company, kept_apart=("aliases",))

MENTION_COLUMNS = MENTIONS.columns
DOCUMENT_COLUMNS = DOCUMENTS.columns
EVENT_COLUMNS = EVENTS.columns
SOURCE_COLUMNS = SOURCES.columns
COMPANY_COLUMNS = COMPANIES.columns

# What the resolver reads about a claim's document, after the claim's own columns.
CLAIM_SOURCE_SQL = (
    "d.origin, d.source_kind, d.outlet, d.url, d.published_at, rf.industry, rf.country, "
    "d.fetched_at"
)
CLAIM_JOIN = (
    "FROM mentions m JOIN documents d ON d.id = m.document_id "
    "LEFT JOIN record_facts rf ON rf.document_id = m.document_id"
)


def mention_from_row(values: Row) -> Mention:
    """A mention from its MENTION_COLUMNS and then its document's origin."""
    return MENTIONS.record(values[:-1], doc=values[-1])


def event_from_row(values: Row) -> Event:
    return EVENTS.record(values)


def source_from_row(values: Row) -> EventSource:
    return SOURCES.record(values)


def claim_from_row(values: Row) -> tuple[Mention, ClaimSource]:
    """A claim row (MENTION_COLUMNS, then CLAIM_SOURCE_SQL) as its Mention and ClaimSource."""
    n = len(MENTION_COLUMNS)
    origin, kind, outlet, url, published, industry, country, seen = values[n:]
    mention = mention_from_row((*values[:n], origin))
    return mention, ClaimSource(
        origin=origin,
        source_kind=kind,
        outlet=outlet,
        url=url,
        published_at=published,
        industry=industry,
        country=country,
        seen_at=seen,
    )
