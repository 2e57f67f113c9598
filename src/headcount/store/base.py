"""What every backend shares: the Store API, its SQL written once, and row conversion.

The SQL here uses `?` placeholders (the qmark style) and never a literal `?` or `%`, so a backend
whose driver wants `%s` can translate it mechanically. What the dialects really disagree on is
behind small hooks: how to start a write transaction, a Unicode-aware lower(), and a binary
(code point) sort order.
"""

from __future__ import annotations

import calendar
import json
import os
import re
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timezone
from types import TracebackType
from typing import Any, ClassVar, TypeVar, cast

from headcount.model import (
    KINDS,
    ClaimSource,
    Company,
    Document,
    Event,
    EventChange,
    EventDetail,
    EventSource,
    EventSourceView,
    Mention,
    Precision,
    SourceKind,
)
from headcount.store.event_index import (
    BREAKDOWNS,
    INDEX_COLUMNS,
    REASON_NAMES,
    RECORD_KINDS,
    SORTS,
    SOURCE_KINDS,
    UNDATED,
    EventFilter,
    Group,
    IndexSource,
    SourceFreshness,
    Totals,
    company_words,
    confidence_threshold,
    fold,
    index_row,
    parse_sort,
    words,
)
from headcount.store.feed_records import (
    FEED_COLUMNS,
    FEED_ITEM_COLUMNS,
    Feed,
    FeedEntry,
    feed_id,
)

_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")

MENTION_COLUMNS: tuple[str, ...] = (
    "id",
    "document_id",
    "employer_text",
    "company",
    "parent",
    "canonical",
    "kind",
    "headcount_min",
    "headcount_max",
    "approx",
    "percent",
    "date",
    "date_precision",
    "units",
    "locations",
    "reason",
    "evidence",
    "evidence_start",
    "evidence_end",
    "extractor_version",
    "confidence",
)

DOCUMENT_COLUMNS: tuple[str, ...] = (
    "id",
    "origin",
    "url",
    "outlet",
    "title",
    "published_at",
    "fetched_at",
    "language",
    "source_kind",
    "text",
)

EVENT_COLUMNS: tuple[str, ...] = (
    "id",
    "company_id",
    "family_id",
    "company",
    "parent",
    "announced_on",
    "date_precision",
    "headcount",
    "headcount_min",
    "headcount_max",
    "approx",
    "percent",
    "estimated_headcount",
    "estimate_basis",
    "units",
    "locations",
    "reasons",
    "status",
    "sources",
    "claims",
    "lead_mention_id",
    "industry",
    "country",
    "first_seen",
    "last_updated",
    "superseded_by",
    "revision",
)

SOURCE_COLUMNS: tuple[str, ...] = (
    "mention_id",
    "event_id",
    "role",
    "reason",
    "counted",
    "superseded_by",
    "position",
    "company_id",
    "family_id",
    "attached_at",
)

COMPANY_COLUMNS: tuple[str, ...] = (
    "id",
    "name",
    "parent_id",
    "industry",
    "country",
    "workforce",
    "workforce_basis",
    "workforce_as_of",
    "source",
    "name_from_key",
)

# What the resolver reads about a claim's document, after the claim's own columns.
_CLAIM_SOURCE_SQL = (
    "d.origin, d.source_kind, d.outlet, d.url, d.published_at, rf.industry, rf.country, "
    "d.fetched_at"
)
_CLAIM_JOIN = (
    "FROM mentions m JOIN documents d ON d.id = m.document_id "
    "LEFT JOIN record_facts rf ON rf.document_id = m.document_id"
)
# Keeps IN (...) lists well under every driver's parameter limit.
_CHUNK = 500
# Where an event_index row holds the event's year.
_YEAR = INDEX_COLUMNS.index("year")
# How far the company filter counts the companies a word starts, to pick the rarest word.
_WORD_COUNT_BOUND = 200

# The rows of event_index_totals: every current event, and those confirmed at a threshold.
_ALL_TOTALS = 1
_CONFIRMED_TOTALS = 2

# The date a claim is filed under: its own when the text gave one, else when it was published.
_EFFECTIVE_DATE = "COALESCE(m.date, d.published_at)"

#: A result row as both drivers return it by default: values in SELECT order.
Row = tuple[Any, ...]

_S = TypeVar("_S", bound="Store")


@dataclass(frozen=True)
class Extraction:
    """What one extractor version did with one document."""

    document_id: str
    extractor_version: str
    status: str
    detail: str | None
    recorded_at: str


def _window(offset: int, limit: int) -> tuple[int, int]:
    """A page window, refused when negative: SQLite would read LIMIT -1 as "no limit"."""
    if offset < 0 or limit < 0:
        raise ValueError(f"offset and limit must be >= 0, got {offset} and {limit}")
    return offset, limit


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat()


#: Seconds a writer waits for another writer's lock when HEADCOUNT_LOCK_TIMEOUT is not set.
DEFAULT_LOCK_TIMEOUT = 600.0


def lock_timeout() -> float:
    """Seconds a writer waits for another's write lock (HEADCOUNT_LOCK_TIMEOUT, default 600).

    Long, because a resolve run over a large import holds the lock for its whole run, and a
    writer that gives up loses its work; a bad value falls back to the default."""
    try:
        seconds = float(os.environ.get("HEADCOUNT_LOCK_TIMEOUT", "") or DEFAULT_LOCK_TIMEOUT)
    except ValueError:
        return DEFAULT_LOCK_TIMEOUT
    return seconds if seconds > 0 else DEFAULT_LOCK_TIMEOUT


def _period(value: str, name: str) -> tuple[str, str]:
    """First and last day of a YYYY, YYYY-MM or YYYY-MM-DD period, as ISO dates."""
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


def _like_pattern(needle: str) -> str:
    escaped = needle.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _str_list(raw: str) -> list[str]:
    value = json.loads(raw)
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValueError(f"expected a JSON list of strings, got {raw!r}")
    return value


def _bar_list(value: str) -> list[str]:
    """'|a|b|' (an event_index membership text) as ["a", "b"]."""
    return [part for part in value.split("|") if part]


def _mention_row(mention: Mention) -> tuple[Any, ...]:
    return (
        mention.id,
        mention.document_id,
        mention.employer_text,
        mention.company,
        mention.parent,
        mention.canonical,
        mention.kind,
        mention.headcount_min,
        mention.headcount_max,
        int(mention.approx),
        mention.percent,
        mention.date,
        mention.date_precision,
        json.dumps(mention.units, ensure_ascii=False),
        json.dumps(mention.locations, ensure_ascii=False),
        mention.reason,
        mention.evidence,
        mention.evidence_start,
        mention.evidence_end,
        mention.extractor_version,
        mention.confidence,
    )


def _mention_from_row(values: Row) -> Mention:
    row = dict(zip((*MENTION_COLUMNS, "doc_origin"), values, strict=True))
    return Mention(
        document_id=row["document_id"],
        employer_text=row["employer_text"],
        company=row["company"],
        parent=row["parent"],
        canonical=row["canonical"],
        kind=row["kind"],
        headcount_min=row["headcount_min"],
        headcount_max=row["headcount_max"],
        approx=bool(row["approx"]),
        percent=row["percent"],
        date=row["date"],
        date_precision=cast("Precision | None", row["date_precision"]),
        units=_str_list(row["units"]),
        locations=_str_list(row["locations"]),
        reason=row["reason"],
        evidence=row["evidence"],
        evidence_start=row["evidence_start"],
        evidence_end=row["evidence_end"],
        extractor_version=row["extractor_version"],
        confidence=row["confidence"],
        doc=row["doc_origin"],
    )


def _event_row(event: Event) -> tuple[Any, ...]:
    values = []
    for name in EVENT_COLUMNS:
        value = getattr(event, name)
        if name in ("units", "locations", "reasons"):
            value = json.dumps(value, ensure_ascii=False)
        elif name == "approx":
            value = int(value)
        values.append(value)
    return tuple(values)


def _event_from_row(values: Row) -> Event:
    row = dict(zip(EVENT_COLUMNS, values, strict=True))
    for name in ("units", "locations", "reasons"):
        row[name] = _str_list(row[name])
    row["approx"] = bool(row["approx"])
    return Event(**row)


def _source_row(source: EventSource) -> tuple[Any, ...]:
    return (
        source.mention_id,
        source.event_id,
        source.role,
        source.reason,
        int(source.counted),
        source.superseded_by,
        source.position,
        source.company_id,
        source.family_id,
        source.attached_at,
    )


def _source_from_row(values: Row) -> EventSource:
    row = dict(zip(SOURCE_COLUMNS, values, strict=True))
    row["counted"] = bool(row["counted"])
    return EventSource(**row)


def _claim_from_row(values: Row) -> tuple[Mention, ClaimSource]:
    """A claim row (MENTION_COLUMNS, then _CLAIM_SOURCE_SQL) as its Mention and ClaimSource."""
    n = len(MENTION_COLUMNS)
    origin, kind, outlet, url, published, industry, country, seen = values[n:]
    mention = _mention_from_row((*values[:n], origin))
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


def _change_row(change: EventChange) -> tuple[Any, ...]:
    return (
        change.event_id,
        change.seq,
        change.at,
        change.field,
        json.dumps(change.old, ensure_ascii=False),
        json.dumps(change.new, ensure_ascii=False),
        change.caused_by,
        change.note,
    )


def _chunks(items: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def _document_row(doc: Document) -> tuple[Any, ...]:
    return (
        doc.id,
        doc.origin,
        doc.url,
        doc.outlet,
        doc.title,
        _published_iso(doc.published_at),
        doc.fetched_at.isoformat(),
        doc.language,
        doc.source_kind,
        doc.text,
    )


def _published_iso(published_at: date | None) -> str | None:
    if published_at is None:
        return None
    # A datetime is also a date; keeping its time would make "2023-11-05T10:00" sort after
    # until="2023-11-05" in the prefix comparison the claims query relies on.
    if isinstance(published_at, datetime):
        published_at = published_at.date()
    return published_at.isoformat()


class Store(ABC):
    """Documents, their claims and extraction outcomes, in SQLite or PostgreSQL.

    Get one from headcount.store.open_store() (or a backend's open()); use it as a context
    manager to close it. Every backend behaves the same; only `IntegrityError` names the
    driver's own exception class.
    """

    #: Raised when a write breaks a constraint (e.g. a mention of a document not stored):
    #: sqlite3.IntegrityError or psycopg.IntegrityError. Catch `store.IntegrityError`.
    IntegrityError: ClassVar[type[Exception]]

    #: Starts the outermost transaction of `transaction()`.
    _BEGIN: ClassVar[str] = "BEGIN"

    #: Whether a read is work done in this process on local pages (SQLite), not a wait for a
    #: database server: a caller on an event loop may run it in place.
    LOCAL_READS: ClassVar[bool] = False

    def __init__(self, migrated: Sequence[int] = ()) -> None:
        self._depth = 0
        #: Migration versions run when this store was opened (empty if it was up to date).
        self.migrated: tuple[int, ...] = tuple(migrated)

    # --- the dialect hooks -----------------------------------------------------------------

    @abstractmethod
    def _execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run one statement; return the number of rows it changed."""

    @abstractmethod
    def _executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> int:
        """Run one statement per row; return the total number of rows changed."""

    @abstractmethod
    def _fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        """Run a query; return its rows."""

    def _lower(self, expr: str) -> str:
        """SQL for `expr` folded to lower case across all of Unicode, like str.lower()."""
        return f"lower({expr})"

    def _binary(self, expr: str) -> str:
        """SQL for `expr` sorting by code point, as SQLite's default BINARY collation does."""
        return expr

    @abstractmethod
    def close(self) -> None: ...

    # --- shared behaviour ------------------------------------------------------------------

    def _fetchone(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        rows = self._fetchall(sql, params)
        return rows[0] if rows else None

    def __enter__(self: _S) -> _S:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Group several calls into one atomic, single-fsync transaction; nesting is allowed.

        Store methods open their own transaction, so this is only needed to make e.g. a
        document, its mentions and its extraction record land together or not at all.
        """
        # Inner levels are savepoints so a failing inner call (say, a batch of mentions that
        # breaks a foreign key halfway) is undone whole even if the caller catches the error
        # and carries on with the outer transaction. On PostgreSQL this also clears the
        # "transaction is aborted" state the failed statement left behind.
        level = self._depth
        name = f"store_{level}"
        self._execute(f"SAVEPOINT {name}" if level else self._BEGIN)
        self._depth += 1
        try:
            yield
        except BaseException:
            self._execute(f"ROLLBACK TO {name}" if level else "ROLLBACK")
            if level:
                self._execute(f"RELEASE {name}")
            raise
        else:
            self._execute(f"RELEASE {name}" if level else "COMMIT")
        finally:
            self._depth = level

    @contextmanager
    def write_lock(self) -> Iterator[None]:
        """A transaction during which no other writer of this database runs one of its own.

        For work that reads, computes and writes (a resolve run): what it read is still true
        when it writes, so two runs at once never both create the same event. Another writer
        waits for the lock (up to HEADCOUNT_LOCK_TIMEOUT seconds, 600 by default) and then
        goes on with what this one wrote.
        """
        with self.transaction():
            self._lock_writers()
            yield

    @abstractmethod
    def _lock_writers(self) -> None:
        """Hold the database's write lock until the current transaction ends."""

    def schema_versions(self) -> list[int]:
        """Every migration version recorded as applied, ascending."""
        return [row[0] for row in self._fetchall("SELECT version FROM schema_version ORDER BY 1")]

    def add_document(self, doc: Document) -> bool:
        """Store `doc`; False if a document with its id is already stored (left unchanged)."""
        row = _document_row(doc)
        with self.transaction():
            added = self._execute(
                f"INSERT INTO documents ({', '.join(DOCUMENT_COLUMNS)}) "
                f"VALUES ({', '.join('?' * len(DOCUMENT_COLUMNS))}) "
                "ON CONFLICT (id) DO NOTHING",
                row,
            )
        return added == 1

    def get_document(self, document_id: str) -> Document | None:
        values = self._fetchone(
            f"SELECT {', '.join(DOCUMENT_COLUMNS)} FROM documents WHERE id = ?", (document_id,)
        )
        if values is None:
            return None
        row = dict(zip(DOCUMENT_COLUMNS, values, strict=True))
        published = row["published_at"]
        return Document(
            id=row["id"],
            text=row["text"],
            origin=row["origin"],
            url=row["url"],
            outlet=row["outlet"],
            title=row["title"],
            published_at=date.fromisoformat(published) if published else None,
            fetched_at=datetime.fromisoformat(row["fetched_at"]),
            language=row["language"],
            source_kind=cast(SourceKind, row["source_kind"]),
        )

    def add_mentions(self, mentions: Sequence[Mention]) -> int:
        """Store the mentions whose id is new; return how many were added.

        All or nothing: a mention of a document not in the store raises `self.IntegrityError`
        and none of the batch is kept.
        """
        if not mentions:
            return 0
        with self.transaction():
            # Both drivers sum the rows each statement changed, and a skipped duplicate
            # changes none.
            return self._executemany(
                f"INSERT INTO mentions ({', '.join(MENTION_COLUMNS)}) "
                f"VALUES ({', '.join('?' * len(MENTION_COLUMNS))}) "
                "ON CONFLICT (id) DO NOTHING",
                [_mention_row(mention) for mention in mentions],
            )

    def record_extraction(
        self, document_id: str, extractor_version: str, status: str, detail: str | None
    ) -> None:
        """Note what `extractor_version` did with a document, replacing any earlier note."""
        with self.transaction():
            self._execute(
                "INSERT INTO extractions "
                "(document_id, extractor_version, status, detail, recorded_at) "
                "VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (document_id, extractor_version) DO UPDATE SET "
                "status = excluded.status, detail = excluded.detail, "
                "recorded_at = excluded.recorded_at",
                (document_id, extractor_version, status, detail, now_iso()),
            )

    def get_extraction(self, document_id: str, extractor_version: str) -> Extraction | None:
        row = self._fetchone(
            "SELECT document_id, extractor_version, status, detail, recorded_at "
            "FROM extractions WHERE document_id = ? AND extractor_version = ?",
            (document_id, extractor_version),
        )
        return Extraction(*row) if row is not None else None

    def claims(
        self,
        company: str | None = None,
        kind: str | None = None,
        since: str | None = None,
        until: str | None = None,
        limit: int | None = None,
        min_confidence: float | None = None,
    ) -> list[Mention]:
        """Stored claims, newest first, each with `doc` set to its document's origin.

        company: case-insensitive substring of the company, employer text, parent or
        canonical name.
        kind: one of model.KINDS.
        since, until: YYYY, YYYY-MM or YYYY-MM-DD, inclusive. A claim dated only to a month or
        year counts if that period overlaps the range. Undated claims use their document's
        publication date, and are left out if that is unknown too.
        min_confidence: only claims at least this sure, and every claim of a record (a WARN
        filing, a tracker row: confirmed whatever its confidence field says); None: all.
        """
        where: list[str] = []
        params: list[Any] = []
        if company is not None:
            if not company.strip():
                raise ValueError("company filter is empty")
            names = ("m.company", "m.employer_text", "m.parent", "m.canonical")
            where.append(
                "(" + " OR ".join(f"{self._lower(n)} LIKE ? ESCAPE '\\'" for n in names) + ")"
            )
            params += [_like_pattern(company.strip())] * len(names)
        if kind is not None:
            if kind not in KINDS:
                raise ValueError(f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}")
            where.append("m.kind = ?")
            params.append(kind)
        since_day = _period(since, "since")[0] if since is not None else None
        until_day = _period(until, "until")[1] if until is not None else None
        if since_day and until_day and since_day > until_day:
            raise ValueError(f"since ({since}) is after until ({until})")
        if since_day or until_day:
            where.append(f"{_EFFECTIVE_DATE} IS NOT NULL")
        if min_confidence is not None:
            where.append(
                f"(m.confidence >= ? OR d.source_kind IN ({', '.join('?' * len(RECORD_KINDS))}))"
            )
            params += [min_confidence, *RECORD_KINDS]
        # Cutting the bound to the claim's own length compares at the claim's precision:
        # "2023-11" >= "2023-11" (from "2023-11-15") keeps a November claim in a range that
        # starts mid-November, which is an overlap test on periods done with plain strings.
        if since_day:
            where.append(f"{_EFFECTIVE_DATE} >= substr(?, 1, length({_EFFECTIVE_DATE}))")
            params.append(since_day)
        if until_day:
            where.append(f"{_EFFECTIVE_DATE} <= substr(?, 1, length({_EFFECTIVE_DATE}))")
            params.append(until_day)
        sql = (
            f"SELECT {', '.join('m.' + c for c in MENTION_COLUMNS)}, d.origin AS doc_origin "
            "FROM mentions m JOIN documents d ON d.id = m.document_id"
        )
        if where:
            sql += " WHERE " + " AND ".join(where)
        # NULL placement is spelled out because SQLite and PostgreSQL default to opposite ends,
        # and text sorts by code point on both, whatever the PostgreSQL database's locale.
        name = "COALESCE(m.company, m.employer_text)"
        sql += (
            f" ORDER BY CASE WHEN {_EFFECTIVE_DATE} IS NULL THEN 1 ELSE 0 END,"
            f" {self._binary(_EFFECTIVE_DATE)} DESC,"
            f" CASE WHEN {name} IS NULL THEN 1 ELSE 0 END,"
            f" {self._binary(self._lower(name))},"
            f" {self._binary('m.document_id')}, m.evidence_start, {self._binary('m.id')}"
        )
        if limit is not None:
            sql += " LIMIT ?"
            params.append(_window(0, limit)[1])
        return [_mention_from_row(row) for row in self._fetchall(sql, params)]

    def document_count(self) -> int:
        row = self._fetchone("SELECT COUNT(*) FROM documents")
        assert row is not None
        return int(row[0])

    def mention_count(self) -> int:
        row = self._fetchone("SELECT COUNT(*) FROM mentions")
        assert row is not None
        return int(row[0])

    # --- where documents were seen, and what their records say about the employer ------------

    def add_document_origin(self, document_id: str, origin: str) -> bool:
        """Note that a document was seen at `origin` (a file row, a URL); False if noted before.

        An exact duplicate row is one document; its second origin is kept here so the
        duplicate stays visible as a source of the event.
        """
        with self.transaction():
            added = self._execute(
                "INSERT INTO document_origins (document_id, origin, first_seen) VALUES (?, ?, ?) "
                "ON CONFLICT (document_id, origin) DO NOTHING",
                (document_id, origin, now_iso()),
            )
        return added == 1

    def document_origins(self, document_ids: Sequence[str]) -> dict[str, list[str]]:
        """Every origin each document was seen at, in the order first seen."""
        found: dict[str, list[str]] = {}
        for chunk in _chunks(list(dict.fromkeys(document_ids))):
            rows = self._fetchall(
                "SELECT document_id, origin FROM document_origins "
                f"WHERE document_id IN ({', '.join('?' * len(chunk))}) "
                f"ORDER BY first_seen, {self._binary('origin')}",
                chunk,
            )
            for document_id, origin in rows:
                found.setdefault(document_id, []).append(origin)
        return found

    def add_imported(
        self,
        rows: Sequence[tuple[Document, Sequence[Mention], str | None, str | None]],
        extractor_version: str,
    ) -> tuple[int, int]:
        """Store a batch of imported record rows at once: each (document, its claims, the
        industry and country the row gives) with the origin it was seen at and an "imported"
        extraction note. Returns (new documents, new claims); what is stored stays as it is."""
        if not rows:
            return 0, 0
        at = now_iso()
        with self.transaction():
            documents = self._executemany(
                f"INSERT INTO documents ({', '.join(DOCUMENT_COLUMNS)}) "
                f"VALUES ({', '.join('?' * len(DOCUMENT_COLUMNS))}) ON CONFLICT (id) DO NOTHING",
                [_document_row(doc) for doc, _, _, _ in rows],
            )
            self._executemany(
                "INSERT INTO document_origins (document_id, origin, first_seen) VALUES (?, ?, ?) "
                "ON CONFLICT (document_id, origin) DO NOTHING",
                [(doc.id, doc.origin, at) for doc, _, _, _ in rows],
            )
            facts = [(doc.id, i, c) for doc, _, i, c in rows if i or c]
            if facts:
                self._executemany(
                    "INSERT INTO record_facts (document_id, industry, country) VALUES (?, ?, ?) "
                    "ON CONFLICT (document_id) DO NOTHING",
                    facts,
                )
            mentions = [_mention_row(m) for _, claims, _, _ in rows for m in claims]
            added = 0
            if mentions:
                added = self._executemany(
                    f"INSERT INTO mentions ({', '.join(MENTION_COLUMNS)}) "
                    f"VALUES ({', '.join('?' * len(MENTION_COLUMNS))}) ON CONFLICT (id) DO NOTHING",
                    mentions,
                )
            self._executemany(
                "INSERT INTO extractions "
                "(document_id, extractor_version, status, detail, recorded_at) "
                "VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (document_id, extractor_version) DO UPDATE SET "
                "status = excluded.status, detail = excluded.detail, "
                "recorded_at = excluded.recorded_at",
                [(doc.id, extractor_version, "imported", None, at) for doc, _, _, _ in rows],
            )
        return documents, added

    def add_record_facts(self, document_id: str, industry: str | None, country: str | None) -> None:
        """Keep the industry and country a structured record gives its employer."""
        with self.transaction():
            self._execute(
                "INSERT INTO record_facts (document_id, industry, country) VALUES (?, ?, ?) "
                "ON CONFLICT (document_id) DO NOTHING",
                (document_id, industry, country),
            )

    # --- the company registry -------------------------------------------------------------

    def companies(self) -> tuple[list[Company], list[tuple[str, str, str, str]]]:
        """Every registry company (aliases filled in) and every alias row (key, company id,
        alias as written, how it was matched)."""
        companies = {}
        for values in self._fetchall(
            f"SELECT {', '.join(COMPANY_COLUMNS)} FROM companies ORDER BY {self._binary('id')}"
        ):
            row = dict(zip(COMPANY_COLUMNS, values, strict=True))
            row["name_from_key"] = bool(row["name_from_key"])
            companies[row["id"]] = Company(**row)
        aliases: list[tuple[str, str, str, str]] = []
        for key, company_id, alias, how in self._fetchall(
            "SELECT key, company_id, alias, how FROM company_aliases "
            f"ORDER BY {self._binary('key')}"
        ):
            aliases.append((key, company_id, alias, how))
            company = companies.get(company_id)
            if company is not None and alias not in company.aliases and alias != company.name:
                company.aliases.append(alias)
        return list(companies.values()), aliases

    def save_companies(
        self, companies: Sequence[Company], aliases: Sequence[tuple[str, str, str, str]]
    ) -> None:
        """Insert or update companies (parents before children) and add alias rows."""
        if not companies and not aliases:
            return
        updates = ", ".join(f"{c} = excluded.{c}" for c in COMPANY_COLUMNS[1:])
        with self.transaction():
            if companies:
                self._executemany(
                    f"INSERT INTO companies ({', '.join(COMPANY_COLUMNS)}, updated_at) "
                    f"VALUES ({', '.join('?' * (len(COMPANY_COLUMNS) + 1))}) "
                    f"ON CONFLICT (id) DO UPDATE SET {updates}, updated_at = excluded.updated_at",
                    [
                        (
                            c.id,
                            c.name,
                            c.parent_id,
                            c.industry,
                            c.country,
                            c.workforce,
                            c.workforce_basis,
                            c.workforce_as_of,
                            c.source,
                            int(c.name_from_key),
                            now_iso(),
                        )
                        for c in companies
                    ],
                )
            if aliases:
                self._executemany(
                    "INSERT INTO company_aliases (key, company_id, alias, how) "
                    "VALUES (?, ?, ?, ?) ON CONFLICT (key) DO NOTHING",
                    list(aliases),
                )

    # --- what the resolver reads ----------------------------------------------------------

    def unresolved_claims(self) -> list[tuple[Mention, ClaimSource]]:
        """Claims no resolve run has placed yet (no event_sources row), with their documents."""
        rows = self._fetchall(
            f"SELECT {', '.join('m.' + c for c in MENTION_COLUMNS)}, {_CLAIM_SOURCE_SQL} "
            f"{_CLAIM_JOIN} LEFT JOIN event_sources es ON es.mention_id = m.id "
            f"WHERE es.mention_id IS NULL ORDER BY {self._binary('m.id')}"
        )
        return [_claim_from_row(row) for row in rows]

    def _placed(
        self, where: str, params: Sequence[Any]
    ) -> list[tuple[EventSource, Mention, ClaimSource]]:
        rows = self._fetchall(
            f"SELECT {', '.join('es.' + c for c in SOURCE_COLUMNS)}, "
            f"{', '.join('m.' + c for c in MENTION_COLUMNS)}, {_CLAIM_SOURCE_SQL} "
            f"{_CLAIM_JOIN} JOIN event_sources es ON es.mention_id = m.id WHERE {where} "
            f"ORDER BY es.position, {self._binary('es.mention_id')}",
            params,
        )
        n = len(SOURCE_COLUMNS)
        return [(_source_from_row(row[:n]), *_claim_from_row(row[n:])) for row in rows]

    def placed_claims(
        self, event_ids: Sequence[str] | None = None
    ) -> list[tuple[EventSource, Mention, ClaimSource]]:
        """Resolved claims with how they were placed: of the given events, or all of them."""
        if event_ids is None:
            return self._placed("1 = 1", ())
        placed = []
        for chunk in _chunks(list(dict.fromkeys(event_ids))):
            placed += self._placed(f"es.event_id IN ({', '.join('?' * len(chunk))})", chunk)
        return placed

    def unattached_context(
        self, family_ids: Sequence[str]
    ) -> list[tuple[EventSource, Mention, ClaimSource]]:
        """Past rounds and running totals kept without an event, for the given companies."""
        placed = []
        for chunk in _chunks(sorted(set(family_ids))):
            placed += self._placed(
                f"es.event_id IS NULL AND es.role = 'context' "
                f"AND es.family_id IN ({', '.join('?' * len(chunk))})",
                chunk,
            )
        return placed

    def active_events(self, family_ids: Sequence[str]) -> list[Event]:
        """Events of these company families that nothing has superseded."""
        found = []
        for chunk in _chunks(sorted(set(family_ids))):
            found += [
                _event_from_row(row)
                for row in self._fetchall(
                    f"SELECT {', '.join(EVENT_COLUMNS)} FROM events "
                    f"WHERE superseded_by IS NULL AND family_id IN ({', '.join('?' * len(chunk))})",
                    chunk,
                )
            ]
        return found

    # --- what the resolver writes ---------------------------------------------------------

    def _insert_and_update(
        self,
        table: str,
        columns: Sequence[str],
        inserted: list[tuple[Any, ...]],
        updated: list[tuple[Any, ...]],
    ) -> None:
        """Insert new rows and update known ones of a table whose first column is its key."""
        if inserted:
            self._executemany(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                inserted,
            )
        if updated:
            sets = ", ".join(f"{c} = ?" for c in columns[1:])
            self._executemany(
                f"UPDATE {table} SET {sets} WHERE {columns[0]} = ?",
                [(*row[1:], row[0]) for row in updated],
            )

    def save_events(
        self,
        new: Sequence[Event],
        updated: Sequence[Event],
        new_sources: Sequence[EventSource],
        updated_sources: Sequence[EventSource],
        changes: Sequence[EventChange],
        statistics: Sequence[Mention],
    ) -> None:
        """Write one resolve run's outcome at once: events, claims' placements, the change
        log and statistics. Rows are only ever added or updated, never deleted."""
        with self.transaction():
            self._insert_and_update(
                "events",
                EVENT_COLUMNS,
                [_event_row(e) for e in new],
                [_event_row(e) for e in updated],
            )
            self._insert_and_update(
                "event_sources",
                SOURCE_COLUMNS,
                [_source_row(x) for x in new_sources],
                [_source_row(x) for x in updated_sources],
            )
            if changes:
                self._executemany(
                    "INSERT INTO event_changes "
                    "(event_id, seq, at, field, old, new, caused_by, note) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [_change_row(c) for c in changes],
                )
            if statistics:
                at = now_iso()
                self._executemany(
                    "INSERT INTO statistics (mention_id, period, date_precision, headcount_min, "
                    "headcount_max, approx, percent, units, locations, evidence, recorded_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (mention_id) DO NOTHING",
                    [
                        (
                            m.id,
                            m.date,
                            m.date_precision,
                            m.headcount_min,
                            m.headcount_max,
                            int(m.approx),
                            m.percent,
                            json.dumps(m.units, ensure_ascii=False),
                            json.dumps(m.locations, ensure_ascii=False),
                            m.evidence,
                            at,
                        )
                        for m in statistics
                    ],
                )

    # --- what people read -----------------------------------------------------------------

    def events(
        self,
        company: str | None = None,
        since: str | None = None,
        until: str | None = None,
        limit: int | None = None,
        include_superseded: bool = False,
    ) -> list[Event]:
        """Events, newest first (undated last).

        company: case-insensitive substring of the event's company, its parent, or any alias
        of its company.
        since, until: YYYY, YYYY-MM or YYYY-MM-DD, inclusive, compared at the event date's own
        precision like the claims filter; undated events are left out by either.
        """
        where: list[str] = []
        params: list[Any] = []
        if not include_superseded:
            where.append("e.superseded_by IS NULL")
        if company is not None:
            if not company.strip():
                raise ValueError("company filter is empty")
            pattern = _like_pattern(company.strip())
            where.append(
                f"({self._lower('e.company')} LIKE ? ESCAPE '\\' "
                f"OR {self._lower('e.parent')} LIKE ? ESCAPE '\\' "
                "OR e.company_id IN (SELECT a.company_id FROM company_aliases a "
                f"WHERE {self._lower('a.alias')} LIKE ? ESCAPE '\\'))"
            )
            params += [pattern] * 3
        since_day = _period(since, "since")[0] if since is not None else None
        until_day = _period(until, "until")[1] if until is not None else None
        if since_day and until_day and since_day > until_day:
            raise ValueError(f"since ({since}) is after until ({until})")
        if since_day:
            where.append("e.announced_on >= substr(?, 1, length(e.announced_on))")
            params.append(since_day)
        if until_day:
            where.append("e.announced_on <= substr(?, 1, length(e.announced_on))")
            params.append(until_day)
        sql = f"SELECT {', '.join('e.' + c for c in EVENT_COLUMNS)} FROM events e"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += (
            " ORDER BY CASE WHEN e.announced_on IS NULL THEN 1 ELSE 0 END,"
            f" {self._binary('e.announced_on')} DESC,"
            f" {self._binary(self._lower('COALESCE(e.company, e.id)'))}, {self._binary('e.id')}"
        )
        if limit is not None:
            sql += " LIMIT ?"
            params.append(_window(0, limit)[1])
        return [_event_from_row(row) for row in self._fetchall(sql, params)]

    def get_event(self, event_id: str) -> Event | None:
        row = self._fetchone(
            f"SELECT {', '.join(EVENT_COLUMNS)} FROM events WHERE id = ?", (event_id,)
        )
        return _event_from_row(row) if row is not None else None

    def event_changes(self, event_id: str) -> list[EventChange]:
        return [
            EventChange(
                event_id=row[0],
                seq=row[1],
                at=row[2],
                field=row[3],
                old=json.loads(row[4]) if row[4] is not None else None,
                new=json.loads(row[5]) if row[5] is not None else None,
                caused_by=row[6],
                note=row[7],
            )
            for row in self._fetchall(
                "SELECT event_id, seq, at, field, old, new, caused_by, note FROM event_changes "
                "WHERE event_id = ? ORDER BY seq",
                (event_id,),
            )
        ]

    def event_detail(self, event_id: str) -> EventDetail | None:
        """An event with every claim placed on it (superseded ones too), each with its document
        and every origin that document was seen at, and the event's change history."""
        event = self.get_event(event_id)
        if event is None:
            return None
        placed = self.placed_claims([event_id])
        origins = self.document_origins([mention.document_id for _, mention, _ in placed])
        views = [
            EventSourceView(source, mention, doc, origins.get(mention.document_id, [doc.origin]))
            for source, mention, doc in placed
        ]
        return EventDetail(event, views, self.event_changes(event_id))

    def event_count(self, include_superseded: bool = False) -> int:
        sql = "SELECT COUNT(*) FROM events"
        if not include_superseded:
            sql += " WHERE superseded_by IS NULL"
        row = self._fetchone(sql)
        assert row is not None
        return int(row[0])

    def change_count(self) -> int:
        row = self._fetchone("SELECT COUNT(*) FROM event_changes")
        assert row is not None
        return int(row[0])

    def statistics(self) -> list[Mention]:
        """Industry- or region-wide figures (aggregate claims), kept apart from events."""
        rows = self._fetchall(
            f"SELECT {', '.join('m.' + c for c in MENTION_COLUMNS)}, d.origin "
            "FROM statistics s JOIN mentions m ON m.id = s.mention_id "
            "JOIN documents d ON d.id = m.document_id "
            f"ORDER BY {self._binary('COALESCE(s.period, d.published_at)')} DESC, "
            f"{self._binary('s.mention_id')}"
        )
        return [_mention_from_row(row) for row in rows]

    # --- feeds (`headcount feeds`, `headcount watch`) and bulk runs (`headcount batch`) -----

    def _feeds(self, where: str = "", params: Sequence[Any] = ()) -> list[Feed]:
        count = "(SELECT COUNT(*) FROM feed_items i WHERE i.feed_id = f.id{})"
        counts = ", ".join(
            count.format(condition)
            for condition in ("", " AND i.status = 'pending'", " AND i.status = 'failed'")
        )
        rows = self._fetchall(
            f"SELECT {', '.join('f.' + c for c in FEED_COLUMNS)}, {counts} "
            f"FROM feeds f {where} ORDER BY f.added_at, {self._binary('f.url')}",
            params,
        )
        return [Feed(*row) for row in rows]

    def add_feed(self, url: str, at: str) -> tuple[Feed, bool]:
        """Subscribe to the feed at url; (the feed, False) if it was already subscribed."""
        with self.transaction():
            added = self._execute(
                f"INSERT INTO feeds ({', '.join(FEED_COLUMNS)}) "
                f"VALUES ({', '.join('?' * len(FEED_COLUMNS))}) ON CONFLICT (url) DO NOTHING",
                (feed_id(url), url, None, at, None, None, None, None, None, None, 0, None),
            )
        feed = self.get_feed(url)
        assert feed is not None
        return feed, added == 1

    def get_feed(self, id_or_url: str) -> Feed | None:
        found = self._feeds("WHERE f.id = ? OR f.url = ?", (id_or_url, id_or_url))
        return found[0] if found else None

    def feeds(self) -> list[Feed]:
        """Every subscribed feed with its health and item counts, oldest subscription first."""
        return self._feeds()

    def remove_feed(self, id_or_url: str) -> bool:
        """Unsubscribe; the documents and claims its items brought in stay."""
        feed = self.get_feed(id_or_url)
        if feed is None:
            return False
        with self.transaction():
            self._execute("DELETE FROM feed_items WHERE feed_id = ?", (feed.id,))
            self._execute("DELETE FROM feeds WHERE id = ?", (feed.id,))
        return True

    def feed_polled(
        self,
        feed_id: str,
        at: str,
        next_poll: str,
        etag: str | None,
        last_modified: str | None,
        title: str | None,
    ) -> None:
        """A poll that succeeded (new items or a 304): the failure streak ends."""
        with self.transaction():
            self._execute(
                "UPDATE feeds SET last_polled = ?, last_success = ?, next_poll = ?, etag = ?, "
                "last_modified = ?, title = COALESCE(?, title), errors = 0 WHERE id = ?",
                (at, at, next_poll, etag, last_modified, title, feed_id),
            )

    def feed_failed(self, feed_id: str, at: str, error: str, next_poll: str) -> None:
        """A poll that failed; its validators are kept for the next try."""
        with self.transaction():
            self._execute(
                "UPDATE feeds SET last_polled = ?, last_error = ?, last_error_at = ?, "
                "next_poll = ?, errors = errors + 1 WHERE id = ?",
                (at, error, at, next_poll, feed_id),
            )

    def add_feed_items(self, entries: Sequence[FeedEntry]) -> int:
        """Note items a feed listed; those already noted are left as they are. Returns new ones."""
        if not entries:
            return 0
        with self.transaction():
            return self._executemany(
                f"INSERT INTO feed_items ({', '.join(FEED_ITEM_COLUMNS)}) "
                f"VALUES ({', '.join('?' * len(FEED_ITEM_COLUMNS))}) "
                "ON CONFLICT (feed_id, key) DO NOTHING",
                [
                    tuple(getattr(entry, column) for column in FEED_ITEM_COLUMNS)
                    for entry in entries
                ],
            )

    def feed_items(self, feed_id: str, status: str | None = None) -> list[FeedEntry]:
        """A feed's items (those with `status`, if given) in the order they were first seen."""
        sql = f"SELECT {', '.join(FEED_ITEM_COLUMNS)} FROM feed_items WHERE feed_id = ?"
        params: list[Any] = [feed_id]
        if status is not None:
            sql += " AND status = ?"
            params.append(status)
        sql += f" ORDER BY first_seen, {self._binary('key')}"
        return [FeedEntry(*row) for row in self._fetchall(sql, params)]

    def feed_item_done(self, feed_id: str, key: str, document_id: str | None) -> None:
        with self.transaction():
            self._execute(
                "UPDATE feed_items SET status = 'done', attempts = attempts + 1, "
                "last_error = NULL, document_id = ? WHERE feed_id = ? AND key = ?",
                (document_id, feed_id, key),
            )

    def feed_item_failed(self, feed_id: str, key: str, error: str, give_up: bool) -> None:
        with self.transaction():
            self._execute(
                "UPDATE feed_items SET status = ?, attempts = attempts + 1, last_error = ? "
                "WHERE feed_id = ? AND key = ?",
                ("failed" if give_up else "pending", error, feed_id, key),
            )

    def batch_progress(self, run_id: str) -> tuple[int, int, int, str | None] | None:
        """(tasks done, documents, claims, finished at) of a bulk run, or None if never started."""
        row = self._fetchone(
            "SELECT tasks_done, documents, claims, finished_at FROM batch_runs WHERE run_id = ?",
            (run_id,),
        )
        return (int(row[0]), int(row[1]), int(row[2]), row[3]) if row is not None else None

    def set_batch_progress(
        self,
        run_id: str,
        inputs: str,
        tasks_done: int,
        documents: int,
        claims: int,
        at: str,
        finished: bool = False,
    ) -> None:
        """Record how far a bulk run has got (call it in the transaction that stored the work)."""
        with self.transaction():
            self._execute(
                "INSERT INTO batch_runs (run_id, inputs, tasks_done, documents, claims, "
                "started_at, updated_at, finished_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (run_id) DO UPDATE SET tasks_done = excluded.tasks_done, "
                "documents = excluded.documents, claims = excluded.claims, "
                "updated_at = excluded.updated_at, finished_at = excluded.finished_at",
                (run_id, inputs, tasks_done, documents, claims, at, at, at if finished else None),
            )

    # --- the web tracker's read model (event_index; see store/event_index.py) ---------------

    def events_version(self) -> tuple[str | None, int]:
        """A cheap stamp that changes when events change: (latest last_updated, event count)."""
        row = self._fetchone(
            "SELECT (SELECT MAX(last_updated) FROM events), (SELECT COUNT(*) FROM events)"
        )
        assert row is not None
        return row[0], int(row[1])

    def refresh_event_index(self) -> int:
        """Bring event_index up to date: rebuild the row of every current event that is new
        or changed since it was indexed, and drop the rows of superseded events. Returns the
        number of rows written or dropped; a second call right after returns 0."""
        stale = [
            row[0]
            for row in self._fetchall(
                "SELECT e.id FROM events e LEFT JOIN event_index x ON x.event_id = e.id "
                "WHERE e.superseded_by IS NULL AND (x.event_id IS NULL "
                "OR x.stamp <> e.last_updated OR x.revision <> e.revision) "
                # One order for every writer, so two servers refreshing at once cannot deadlock.
                f"ORDER BY {self._binary('e.id')}"
            )
        ]
        gone = [
            row[0]
            for row in self._fetchall(
                "SELECT x.event_id FROM event_index x LEFT JOIN events e ON e.id = x.event_id "
                "WHERE e.id IS NULL OR e.superseded_by IS NOT NULL"
            )
        ]
        if not stale and not gone:
            return 0
        if len(stale) > 1000:
            # A big catch-up (the first build, a bulk import) joins tables that may have grown
            # since the planner last measured them; without fresh statistics PostgreSQL can pick
            # whole-table hash joins for what are key lookups.
            for table in ("events", "event_sources", "mentions", "documents", "companies"):
                self._execute(f"ANALYZE {table}")
        columns = ", ".join(INDEX_COLUMNS)
        updates = ", ".join(f"{c} = excluded.{c}" for c in INDEX_COLUMNS[1:])
        touched: set[str] = set()
        with self.transaction():
            for chunk in _chunks(stale):
                marks = ", ".join("?" * len(chunk))
                events = [
                    _event_from_row(row)
                    for row in self._fetchall(
                        f"SELECT {', '.join(EVENT_COLUMNS)} FROM events WHERE id IN ({marks})",
                        chunk,
                    )
                ]
                owners = {
                    event_id: name
                    for event_id, name in self._fetchall(
                        "SELECT e.id, c.name FROM events e JOIN companies c ON c.id = e.family_id "
                        f"WHERE e.id IN ({marks})",
                        chunk,
                    )
                }
                aliases: dict[str, list[str]] = {}
                company_ids = sorted({e.company_id for e in events if e.company_id})
                for ids in _chunks(company_ids):
                    for company_id, alias in self._fetchall(
                        "SELECT company_id, alias FROM company_aliases "
                        f"WHERE company_id IN ({', '.join('?' * len(ids))}) "
                        f"ORDER BY {self._binary('key')}",
                        ids,
                    ):
                        aliases.setdefault(company_id, []).append(alias)
                sources: dict[str, list[IndexSource]] = {}
                for event_id, kind, outlet, title, evidence, role, replaced, sure in self._fetchall(
                    "SELECT es.event_id, d.source_kind, d.outlet, d.title, m.evidence, es.role, "
                    "es.superseded_by, m.confidence "
                    "FROM event_sources es JOIN mentions m ON m.id = es.mention_id "
                    "JOIN documents d ON d.id = m.document_id "
                    f"WHERE es.event_id IN ({marks}) ORDER BY es.position",
                    chunk,
                ):
                    # A record's sentence only restates its own fields; news sentences add words.
                    sources.setdefault(event_id, []).append(
                        IndexSource(
                            kind,
                            outlet,
                            title,
                            evidence if kind == "news" else "",
                            role,
                            replaced,
                            sure,
                        )
                    )
                built = [
                    index_row(
                        e,
                        owners.get(e.id),
                        aliases.get(e.company_id or "", []),
                        sources.get(e.id, []),
                    )
                    for e in events
                ]
                if built:
                    self._executemany(
                        f"INSERT INTO event_index ({columns}) "
                        f"VALUES ({', '.join('?' * len(INDEX_COLUMNS))}) "
                        f"ON CONFLICT (event_id) DO UPDATE SET {updates}",
                        [row for row, _, _ in built],
                    )
                    self._executemany(
                        "INSERT INTO event_search (event_id, search, year) VALUES (?, ?, ?) "
                        "ON CONFLICT (event_id) DO UPDATE SET search = excluded.search, "
                        "year = excluded.year",
                        [(row[0], search, row[_YEAR]) for row, search, _ in built],
                    )
                    self._executemany(
                        "INSERT INTO event_records (event_id, record) VALUES (?, ?) "
                        "ON CONFLICT (event_id) DO UPDATE SET record = excluded.record",
                        [(row[0], record) for row, _, record in built],
                    )
                touched.update(c for e in events for c in (e.company_id, e.family_id) if c)
            for chunk in _chunks(sorted(touched)):
                marks = ", ".join("?" * len(chunk))
                names: dict[str, list[str]] = {}
                for company_id, name in self._fetchall(
                    f"SELECT id, name FROM companies WHERE id IN ({marks})", chunk
                ):
                    names[company_id] = [name]
                for company_id, alias in self._fetchall(
                    f"SELECT company_id, alias FROM company_aliases WHERE company_id IN ({marks}) "
                    f"ORDER BY {self._binary('key')}",
                    chunk,
                ):
                    names.setdefault(company_id, []).append(alias)
                self._executemany(
                    "INSERT INTO company_words (word, company_id) VALUES (?, ?) "
                    "ON CONFLICT (word, company_id) DO NOTHING",
                    [(word, cid) for cid, n in names.items() for word in company_words(n)],
                )
            for chunk in _chunks(gone):
                marks = ", ".join("?" * len(chunk))
                self._execute(f"DELETE FROM event_search WHERE event_id IN ({marks})", chunk)
                self._execute(f"DELETE FROM event_records WHERE event_id IN ({marks})", chunk)
                self._execute(f"DELETE FROM event_index WHERE event_id IN ({marks})", chunk)
            # The totals of everything and of the confirmed events, for the unfiltered tracker,
            # in the same transaction as the rows they count.
            threshold = confidence_threshold()
            for row_id, least in ((_ALL_TOTALS, None), (_CONFIRMED_TOTALS, threshold)):
                totals = self._count_totals(least)
                self._execute(
                    "INSERT INTO event_index_totals "
                    "(id, events, headcount, without_figure, companies, min_confidence) "
                    "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
                    "events = excluded.events, headcount = excluded.headcount, "
                    "without_figure = excluded.without_figure, companies = excluded.companies, "
                    "min_confidence = excluded.min_confidence",
                    (
                        row_id,
                        totals.events,
                        totals.headcount,
                        totals.without_figure,
                        totals.companies,
                        least,
                    ),
                )
        if len(stale) > 1000:
            # Many rows changed (a first build, a bulk import): let the planner see the new
            # sizes, so that it keeps choosing the narrow indexes.
            self._tables_rewritten(
                ("event_index", "event_search", "event_records", "company_words")
            )
        return len(stale) + len(gone)

    def _tables_rewritten(self, tables: Sequence[str]) -> None:
        """After many rows of `tables` changed: bring the planner's statistics up to date."""
        for table in tables:
            self._execute(f"ANALYZE {table}")

    @abstractmethod
    def serve_many_small_queries(self) -> None:
        """Set this connection up for a server's load: many short queries at once (the web
        app calls it on each connection it pools)."""

    def _search_condition(self, terms: Sequence[str], year: str | None) -> tuple[str, list[Any]]:
        """A condition on event_index x: every term is in the event's search text. `year`:
        the one whole year the filter's dates select, if they do (a backend may use it to
        narrow the search; the date conditions still decide)."""
        # Correlated, so that other filters narrow the rows first and each is probed by key.
        return (
            "EXISTS (SELECT 1 FROM event_search s WHERE s.event_id = x.event_id AND "
            + " AND ".join("s.search LIKE ? ESCAPE '\\'" for _ in terms)
            + ")",
            [_like_pattern(term) for term in terms],
        )

    def _index_where(self, f: EventFilter) -> tuple[str, list[Any]]:
        """The WHERE clause (possibly empty) over event_index x that `f` selects."""
        where: list[str] = []
        params: list[Any] = []
        terms = f.terms()
        if terms:
            year = None
            if f.since and f.until:
                first, last = _period(f.since, "since")[0], _period(f.until, "until")[1]
                if first[4:] == "-01-01" and last == first[:4] + "-12-31":
                    year = first[:4]
            condition, values = self._search_condition(terms, year)
            where.append(condition)
            params += values
        if f.company is not None:
            # The few companies with a word starting with each word asked for (a range of the
            # company_words key), then their events through the indexes.
            asked = words(f.company)
            if not asked:
                raise ValueError(f"company filter has no words: {f.company!r}")
            # The word that starts fewest companies' words drives; the others are checked per
            # company through the (company_id, word) index.
            asked = list(dict.fromkeys(asked))
            if len(asked) > 1:
                # Counted up to a bound: a word past it ("inc", "copy") drives no better than
                # another, and counting its thousands of rows would cost more than the query.
                counts = {
                    word: self._fetchone(
                        "SELECT COUNT(*) FROM (SELECT 1 FROM company_words "
                        f"WHERE word >= ? AND word < ? LIMIT {_WORD_COUNT_BOUND}) w",
                        (word, word + "\uffff"),
                    )
                    for word in asked
                }
                asked.sort(key=lambda word: int((counts[word] or (0,))[0]))
            matching = "SELECT w.company_id FROM company_words w WHERE w.word >= ? AND w.word < ?"
            for _ in asked[1:]:
                matching += (
                    " AND EXISTS (SELECT 1 FROM company_words v WHERE v.company_id = w.company_id"
                    " AND v.word >= ? AND v.word < ?)"
                )
            bounds = [b for word in asked for b in (word, word + "\uffff")]
            # The matching companies are looked up first and passed as values: with them both
            # engines read the two indexes (PostgreSQL misjudges the subquery's size and would
            # scan every row instead).
            ids = sorted({row[0] for row in self._fetchall(matching, bounds)})
            if not ids:
                where.append("1 = 0")
            elif len(ids) <= 4 * _CHUNK:
                marks = ", ".join("?" * len(ids))
                where.append(f"(x.company_id IN ({marks}) OR x.family_id IN ({marks}))")
                params += ids * 2
            else:  # a word most companies have: a scan is the best plan anyway
                where.append(f"(x.company_id IN ({matching}) OR x.family_id IN ({matching}))")
                params += bounds * 2
        if f.company_id is not None:
            # The company and every company under it, however deep (Vauxhall under Opel under
            # General Motors): its page then counts what the company list, grouped by owner,
            # counts for it. UNION (not UNION ALL) ends a parent cycle.
            where.append(
                "x.company_id IN (WITH RECURSIVE tree(id) AS (SELECT ? UNION "
                "SELECT c.id FROM companies c JOIN tree t ON c.parent_id = t.id) "
                "SELECT id FROM tree)"
            )
            params.append(f.company_id)
        if f.industry is not None:
            where.append("x.industry_key = ?")
            params.append(fold(f.industry))
        if f.country is not None:
            where.append("x.country_key = ?")
            params.append(fold(f.country))
        if f.source is not None:
            where.append("x.source_kinds LIKE ?")
            params.append(f"%|{f.source}|%")
        if f.reason is not None:
            where.append("x.reason_tags LIKE ?")
            params.append(f"%|{f.reason}|%")
        if f.min_confidence is not None:
            where.append("x.confidence >= ?")
            params.append(f.min_confidence)
        since_day = _period(f.since, "since")[0] if f.since is not None else None
        until_day = _period(f.until, "until")[1] if f.until is not None else None
        if since_day and until_day and since_day > until_day:
            raise ValueError(f"since ({f.since}) is after until ({f.until})")
        if since_day or until_day:
            where.append("x.day <> ''")
        # The plain range on x.day is implied by the precision-aware test after it (a shorter
        # date sorts before any longer one it prefixes) and lets the day index narrow the scan.
        # (Not with a company: its few events are found by its indexes, and a wide date range
        # must not tempt the planner into the date index instead.)
        by_date = f.company is None and f.company_id is None
        if since_day:
            # A date at or after the whole since day is in (it cannot sort after it as a
            # prefix), so only earlier ones pay for substr(): "2023-11" for since 2023-11-15.
            where.append(
                ("x.day >= ? AND " if by_date else "")
                + "(x.day >= ? OR x.day >= substr(?, 1, length(x.day)))"
            )
            params += [since_day[:4], since_day, since_day] if by_date else [since_day] * 2
        if until_day:
            # until_day is a whole day, at least as long as any date: a date at or before it is
            # at or before its prefix of the date's own length, and one after it is after that
            # prefix too, so the plain comparison is the precision-aware one. (Hidden from the
            # day index behind || '' when a company's indexes should find the rows.)
            where.append("x.day <= ?" if by_date else "(x.day || '') <= ?")
            params.append(until_day)
        if f.min_headcount is not None:
            where.append("x.figure >= ?")
            params.append(f.min_headcount)
        if f.max_headcount is not None:
            where.append("x.figure <= ?")
            params.append(f.max_headcount)
        return (" WHERE " + " AND ".join(where)) if where else "", params

    def find_events(
        self,
        f: EventFilter | None = None,
        sort: str | None = None,
        offset: int = 0,
        limit: int | None = 50,
    ) -> list[tuple[Event, list[str], list[str]]]:
        """Current events that `f` selects, in `sort` order ("date", "-headcount", ...; see
        event_index.SORTS), each with the kinds of its sources and the tags of its reasons.
        Reads event_index: call refresh_event_index() after events change."""
        name, descending = parse_sort(sort)
        if offset < 0:
            raise ValueError(f"offset must be >= 0, got {offset}")
        where, params = self._index_where(f or EventFilter())
        direction = "DESC" if descending else "ASC"
        order = SORTS[name]
        if f is not None and (f.company is not None or f.company_id is not None):
            # A company's events are few: find them by its indexes and sort them, rather than
            # walk the whole sort index looking for them (which SQLite would choose for LIMIT).
            order = (
                f"({order} || '')"
                if name in ("date", "company", "first_seen")
                else f"({order} + 0)"
            )
        sql = (
            f"SELECT {', '.join('e.' + c for c in EVENT_COLUMNS)}, x.source_kinds, x.reason_tags "
            f"FROM event_index x JOIN events e ON e.id = x.event_id{where} "
            f"ORDER BY {order} {direction}, x.event_id {direction}"
        )
        if limit is not None:
            _window(0, limit)
            sql += " LIMIT ? OFFSET ?"
            params += [limit, offset]
        elif offset:
            sql += " LIMIT ? OFFSET ?"  # both engines take a LIMIT with OFFSET; "no limit" is not portable
            params += [2**62, offset]
        n = len(EVENT_COLUMNS)
        return [
            (_event_from_row(row[:n]), _bar_list(row[n]), _bar_list(row[n + 1]))
            for row in self._fetchall(sql, params)
        ]

    def find_event_records(
        self,
        f: EventFilter | None = None,
        sort: str | None = None,
        offset: int = 0,
        limit: int = 50,
    ) -> list[tuple[str, str]]:
        """What find_events() finds, as (event id, its API record: JSON text of
        event_index.api_record) pairs. Reads event_index: call refresh_event_index() after
        events change."""
        f = f or EventFilter()
        return self._records(f, self._index_where(f), sort, offset, limit)

    def event_confidences(self, event_ids: Sequence[str]) -> dict[str, float]:
        """The confidence of each given current event: that of the surest claim telling it (a
        record's is 1; see event_index.backing_confidence). Reads event_index."""
        found: dict[str, float] = {}
        for chunk in _chunks(list(dict.fromkeys(event_ids))):
            for event_id, confidence in self._fetchall(
                "SELECT event_id, confidence FROM event_index "
                f"WHERE event_id IN ({', '.join('?' * len(chunk))})",
                chunk,
            ):
                found[event_id] = float(confidence)
        return found

    def event_page(
        self,
        f: EventFilter | None = None,
        sort: str | None = None,
        offset: int = 0,
        limit: int = 50,
    ) -> tuple[Totals, list[tuple[str, str]]]:
        """event_totals(f) and find_event_records(f, sort, offset, limit) together, with the
        filter worked out once (a company filter looks up the companies it names first)."""
        f = f or EventFilter()
        where = self._index_where(f)
        if f.terms():
            return self._searched_page(f, where, sort, offset, limit)
        return self._totals(f, where), self._records(f, where, sort, offset, limit)

    def _order(self, f: EventFilter, sort: str | None) -> tuple[str, str]:
        """The ORDER BY expression of `sort` over event_index x, and ASC or DESC."""
        name, descending = parse_sort(sort)
        order = SORTS[name]
        if f.company is not None or f.company_id is not None:
            # A company's events are few: find them by its indexes and sort them, rather than
            # walk the whole sort index looking for them (which SQLite would choose for LIMIT).
            order = (
                f"({order} || '')"
                if name in ("date", "company", "first_seen")
                else f"({order} + 0)"
            )
        return order, "DESC" if descending else "ASC"

    def _searched_page(
        self,
        f: EventFilter,
        where_params: tuple[str, list[Any]],
        sort: str | None,
        offset: int,
        limit: int,
    ) -> tuple[Totals, list[tuple[str, str]]]:
        # A search costs most of the query (the text index, then the words checked on each
        # candidate), so its events are found once, kept (a CTE read twice is materialized by
        # both engines) and both counted and paged from there, in one statement.
        _window(offset, limit)
        where, params = where_params
        order, direction = self._order(f, sort)
        rows = self._fetchall(
            "WITH hits AS (SELECT x.event_id, "
            f"{order} AS sort_key, x.figure, COALESCE(x.family_id, x.company_id) AS owner "
            f"FROM event_index x{where}), "
            "page AS (SELECT event_id, sort_key FROM hits "
            f"ORDER BY sort_key {direction}, event_id {direction} LIMIT ? OFFSET ?) "
            "SELECT 0, NULL, NULL, COUNT(*), SUM(figure), "
            "SUM(CASE WHEN figure IS NULL THEN 1 ELSE 0 END), COUNT(DISTINCT owner) FROM hits "
            "UNION ALL "
            "SELECT 1, p.event_id, r.record, "
            f"ROW_NUMBER() OVER (ORDER BY p.sort_key {direction}, p.event_id {direction}), "
            "NULL, NULL, NULL FROM page p JOIN event_records r ON r.event_id = p.event_id",
            [*params, limit, offset],
        )
        counted = next(row for row in rows if row[0] == 0)
        totals = Totals(
            int(counted[3]), int(counted[4] or 0), int(counted[5] or 0), int(counted[6])
        )
        page = sorted((row for row in rows if row[0] == 1), key=lambda row: int(row[3]))
        return totals, [(row[1], row[2]) for row in page]

    def _records(
        self,
        f: EventFilter,
        where_params: tuple[str, list[Any]],
        sort: str | None,
        offset: int,
        limit: int,
    ) -> list[tuple[str, str]]:
        _window(offset, limit)
        where, params = where_params
        order, direction = self._order(f, sort)
        # The page's keys first, from the indexes alone; then one record per key. Sorting
        # whole records (or joined event rows) would carry every matching row's text through
        # the sort.
        sql = (
            "SELECT p.event_id, r.record FROM "
            f"(SELECT x.event_id, {order} AS sort_key FROM event_index x{where} "
            f"ORDER BY {order} {direction}, x.event_id {direction} LIMIT ? OFFSET ?) p "
            "JOIN event_records r ON r.event_id = p.event_id "
            f"ORDER BY p.sort_key {direction}, p.event_id {direction}"
        )
        return [(row[0], row[1]) for row in self._fetchall(sql, [*params, limit, offset])]

    def _count_totals(self, min_confidence: float | None = None) -> Totals:
        # Everything (or every confirmed event): index-only scans instead of one pass over
        # every row.
        sure, params = (
            ("", []) if min_confidence is None else (" AND confidence >= ?", [min_confidence])
        )
        row = self._fetchone(
            f"SELECT (SELECT COUNT(*) FROM event_index WHERE 1 = 1{sure}), "
            f"(SELECT SUM(figure_sort) FROM event_index WHERE 1 = 1{sure}), "
            f"(SELECT COUNT(*) FROM event_index WHERE figure_sort = -1{sure}), "
            f"(SELECT COUNT(DISTINCT family_id) FROM event_index WHERE 1 = 1{sure}), "
            "(SELECT COUNT(DISTINCT company_id) FROM event_index WHERE family_id IS NULL"
            f"{sure})",
            params * 5,
        )
        assert row is not None
        missing = int(row[2] or 0)
        return Totals(int(row[0]), int(row[1] or 0) + missing, missing, int(row[3]) + int(row[4]))

    def event_totals(self, f: EventFilter | None = None) -> Totals:
        """How many current events `f` selects, their counted headcount, how many report no
        figure, and how many companies (top owners) they belong to."""
        f = f or EventFilter()
        return self._totals(f, None if f.is_empty() else self._index_where(f))

    def _totals(self, f: EventFilter, where_params: tuple[str, list[Any]] | None) -> Totals:
        if f.is_empty():
            # Counted by the last refresh (absent only before the first one, and for the
            # confirmed events when the refresh used another threshold than `f`).
            least = f.min_confidence
            kept = self._fetchone(
                "SELECT events, headcount, without_figure, companies, min_confidence "
                "FROM event_index_totals WHERE id = ?",
                (_ALL_TOTALS if least is None else _CONFIRMED_TOTALS,),
            )
            if kept is not None and (least is None or kept[4] == least):
                return Totals(*(int(v) for v in kept[:4]))
            return self._count_totals(least)
        assert where_params is not None
        where, params = where_params
        row = self._fetchone(
            "SELECT COUNT(*), SUM(x.figure), "
            "SUM(CASE WHEN x.figure IS NULL THEN 1 ELSE 0 END), "
            "COUNT(DISTINCT COALESCE(x.family_id, x.company_id)) "
            f"FROM event_index x{where}",
            params,
        )
        assert row is not None
        return Totals(int(row[0]), int(row[1] or 0), int(row[2] or 0), int(row[3]))

    def event_breakdown(
        self, f: EventFilter | None = None, by: str = "month", limit: int | None = None
    ) -> list[Group]:
        """Events that `f` selects grouped `by` one of event_index.BREAKDOWNS, each group with
        its event count and counted headcount. Months and years run oldest first; companies,
        industries and countries largest headcount first; reasons and sources in their fixed
        order (an event citing two reasons counts in both). `limit` keeps the first groups."""
        if by not in BREAKDOWNS:
            raise ValueError(f"unknown breakdown {by!r}; expected one of {', '.join(BREAKDOWNS)}")
        where, params = self._index_where(f or EventFilter())
        measures = "COUNT(*), COALESCE(SUM(x.figure), 0)"
        groups: list[Group] = []
        if by in ("reason", "source", "month_reason", "month_source"):
            column, names = (
                ("x.reason_tags", REASON_NAMES)
                if by.endswith("reason")
                else ("x.source_kinds", SOURCE_KINDS)
            )
            cases = ", ".join(
                f"SUM(CASE WHEN {column} LIKE '%|{n}|%' THEN 1 ELSE 0 END), "
                f"SUM(CASE WHEN {column} LIKE '%|{n}|%' THEN COALESCE(x.figure, 0) ELSE 0 END)"
                for n in names
            )
            if by.startswith("month"):
                # Per month: all events (second=None), those with any tag (second="*"), then
                # one group per tag.
                for row in self._fetchall(
                    f"SELECT x.month, COUNT(*), COALESCE(SUM(x.figure), 0), "
                    # An event without any tag has the empty bar '||' (see event_index._bar).
                    f"SUM(CASE WHEN {column} <> '||' THEN 1 ELSE 0 END), "
                    f"SUM(CASE WHEN {column} <> '||' THEN COALESCE(x.figure, 0) ELSE 0 END), "
                    f"{cases} FROM event_index x{where}{' AND' if where else ' WHERE'} "
                    "x.month IS NOT NULL GROUP BY x.month ORDER BY x.month",
                    params,
                ):
                    groups.append(Group(row[0], int(row[1]), int(row[2]), second=None))
                    groups.append(Group(row[0], int(row[3] or 0), int(row[4] or 0), second="*"))
                    for i, n in enumerate(names):
                        groups.append(
                            Group(row[0], int(row[5 + 2 * i] or 0), int(row[6 + 2 * i] or 0), n)
                        )
            else:
                sums = self._fetchone(f"SELECT {cases} FROM event_index x{where}", params)
                assert sums is not None
                groups = [
                    Group(n, int(sums[2 * i] or 0), int(sums[2 * i + 1] or 0))
                    for i, n in enumerate(names)
                ]
            return groups[:limit] if limit is not None else groups
        # Events whose date does not name the period (undated, or only a year for a month
        # breakdown) are one last group keyed UNDATED, so the groups add up to the totals.
        if by == "month_industry":
            sql = (
                f"SELECT x.month, x.industry_key, MIN(x.industry), {measures} "
                f"FROM event_index x{where} GROUP BY x.month, x.industry_key"
            )
            groups = [
                Group(r[0] or UNDATED, int(r[3]), int(r[4]), second=r[2])
                for r in self._fetchall(sql, params)
            ]
            # (The engines sort NULL differently: the order is set here.)
            return sorted(groups, key=lambda g: (g.key == UNDATED, g.key, fold(g.second or "")))
        if by in ("month", "year"):
            sql = f"SELECT x.{by}, {measures} FROM event_index x{where} GROUP BY x.{by}"
            rows = self._fetchall(sql, params)
            dated = sorted(
                (Group(r[0], int(r[1]), int(r[2])) for r in rows if r[0] is not None),
                key=lambda g: g.key or "",
            )
            undated = [Group(UNDATED, int(r[1]), int(r[2])) for r in rows if r[0] is None]
            return (dated[-limit:] if limit is not None else dated) + undated
        if by == "company":
            sql = (
                "SELECT COALESCE(x.family_id, x.company_id), MIN(x.owner), "
                f"{measures} FROM event_index x{where} "
                "GROUP BY COALESCE(x.family_id, x.company_id) "
                f"ORDER BY 4 DESC, 3 DESC, {self._binary('MIN(x.owner)')}"
            )
            rows = self._fetchall(
                sql + (" LIMIT ?" if limit else ""), [*params, limit] if limit else params
            )
            return [Group(r[0], int(r[2]), int(r[3]), label=r[1]) for r in rows]
        key = f"x.{by}_key"
        sql = (
            f"SELECT MIN(x.{by}), {measures} FROM event_index x{where} "
            f"GROUP BY {key} ORDER BY 3 DESC, 2 DESC, {self._binary(f'MIN(x.{by})')}"
        )
        rows = self._fetchall(
            sql + (" LIMIT ?" if limit else ""), [*params, limit] if limit else params
        )
        return [Group(r[0], int(r[1]), int(r[2])) for r in rows]

    def company_summaries(
        self, f: EventFilter | None = None, offset: int = 0, limit: int = 50
    ) -> tuple[int, list[tuple[str, str | None, int, int, str | None]]]:
        """Companies with current events that `f` selects, most events first: (how many
        companies in all, [(company id, name, events, counted headcount, latest date)]).

        A company is an owner (the top of its parent chain) with its subsidiaries' events, as
        its page (company_id filter), the tracker's totals and the company chart count it:
        Twitch's rounds are in Amazon's line, and the lines add up to the tracker's totals."""
        where, params = self._index_where(f or EventFilter())
        where += (" AND" if where else " WHERE") + " x.company_id IS NOT NULL"
        owner = "COALESCE(x.family_id, x.company_id)"
        total = self._fetchone(f"SELECT COUNT(DISTINCT {owner}) FROM event_index x{where}", params)
        assert total is not None
        rows = self._fetchall(
            f"SELECT {owner}, MIN(x.owner), COUNT(*), COALESCE(SUM(x.figure), 0), "
            f"MAX(x.day) FROM event_index x{where} GROUP BY {owner} "
            f"ORDER BY 3 DESC, 4 DESC, {self._binary(owner)} LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
        return int(total[0]), [(r[0], r[1], int(r[2]), int(r[3]), r[4] or None) for r in rows]

    def get_company(self, company_id: str) -> Company | None:
        """One registry company with its aliases."""
        row = self._fetchone(
            f"SELECT {', '.join(COMPANY_COLUMNS)} FROM companies WHERE id = ?", (company_id,)
        )
        if row is None:
            return None
        data = dict(zip(COMPANY_COLUMNS, row, strict=True))
        data["name_from_key"] = bool(data["name_from_key"])
        company = Company(**data)
        for (alias,) in self._fetchall(
            f"SELECT alias FROM company_aliases WHERE company_id = ? ORDER BY {self._binary('key')}",
            (company_id,),
        ):
            if alias not in company.aliases and alias != company.name:
                company.aliases.append(alias)
        return company

    def subsidiaries(self, company_id: str) -> list[Company]:
        """The companies whose parent is `company_id`, by name."""
        found = []
        for row in self._fetchall(
            f"SELECT {', '.join(COMPANY_COLUMNS)} FROM companies WHERE parent_id = ? "
            f"ORDER BY {self._binary(self._lower('name'))}",
            (company_id,),
        ):
            data = dict(zip(COMPANY_COLUMNS, row, strict=True))
            data["name_from_key"] = bool(data["name_from_key"])
            found.append(Company(**data))
        return found

    def document_claims(self, document_id: str) -> list[tuple[Mention, EventSource | None]]:
        """A document's claims in text order, each with how it was placed (None: unresolved)."""
        rows = self._fetchall(
            f"SELECT {', '.join('m.' + c for c in MENTION_COLUMNS)}, d.origin, "
            f"{', '.join('es.' + c for c in SOURCE_COLUMNS)} "
            "FROM mentions m JOIN documents d ON d.id = m.document_id "
            "LEFT JOIN event_sources es ON es.mention_id = m.id "
            f"WHERE m.document_id = ? ORDER BY m.evidence_start, {self._binary('m.id')}",
            (document_id,),
        )
        n = len(MENTION_COLUMNS) + 1
        return [
            (
                _mention_from_row(row[:n]),
                _source_from_row(row[n:]) if row[n] is not None else None,
            )
            for row in rows
        ]

    def source_freshness(self) -> list[SourceFreshness]:
        """Stored documents by kind and outlet: how many, newest publication, last fetched."""
        return [
            SourceFreshness(r[0], r[1], int(r[2]), r[3], r[4])
            for r in self._fetchall(
                "SELECT source_kind, outlet, COUNT(*), MAX(published_at), MAX(fetched_at) "
                "FROM documents GROUP BY source_kind, outlet "
                f"ORDER BY {self._binary('source_kind')}, 3 DESC"
            )
        ]

    def facet_values(self, column: str) -> list[tuple[str, int]]:
        """The values of "industry" or "country" among current events, most common first."""
        if column not in ("industry", "country"):
            raise ValueError(f"no facet {column!r}")
        return [
            (r[0], int(r[1]))
            for r in self._fetchall(
                f"SELECT MIN(x.{column}), COUNT(*) FROM event_index x "
                f"WHERE x.{column}_key IS NOT NULL GROUP BY x.{column}_key "
                f"ORDER BY 2 DESC, {self._binary(f'MIN(x.{column})')}"
            )
        ]
