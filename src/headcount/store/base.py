"""What every backend shares: the Store API, its SQL written once, and row conversion.

The SQL here uses `?` placeholders (the qmark style) and never a literal `?` or `%`, so a backend
whose driver wants `%s` can translate it mechanically. What the dialects really disagree on is
behind small hooks: how to start a write transaction, a Unicode-aware lower(), and a binary
(code point) sort order.
"""

from __future__ import annotations

import calendar
import json
import re
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timezone
from types import TracebackType
from typing import Any, ClassVar, TypeVar, cast

from headcount.model import KINDS, Document, Mention, Precision, SourceKind

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


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat()


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
        date_precision=cast(Precision | None, row["date_precision"]),
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

    def schema_versions(self) -> list[int]:
        """Every migration version recorded as applied, ascending."""
        return [row[0] for row in self._fetchall("SELECT version FROM schema_version ORDER BY 1")]

    def add_document(self, doc: Document) -> bool:
        """Store `doc`; False if a document with its id is already stored (left unchanged)."""
        row = (
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
    ) -> list[Mention]:
        """Stored claims, newest first, each with `doc` set to its document's origin.

        company: case-insensitive substring of the company, employer text, parent or
        canonical name.
        kind: one of model.KINDS.
        since, until: YYYY, YYYY-MM or YYYY-MM-DD, inclusive. A claim dated only to a month or
        year counts if that period overlaps the range. Undated claims use their document's
        publication date, and are left out if that is unknown too.
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
            if limit < 0:
                raise ValueError(f"limit must be >= 0, got {limit}")
            sql += " LIMIT ?"
            params.append(limit)
        return [_mention_from_row(row) for row in self._fetchall(sql, params)]

    def document_count(self) -> int:
        row = self._fetchone("SELECT COUNT(*) FROM documents")
        assert row is not None
        return int(row[0])

    def mention_count(self) -> int:
        row = self._fetchone("SELECT COUNT(*) FROM mentions")
        assert row is not None
        return int(row[0])
