"""Documents and their claims: what was read, where it was seen, and what each extractor
version made of it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from headcount.model import KINDS, RECORD_KINDS, Document, EventSource, Mention
from headcount.periods import date_range
from headcount.store.core import StoreCore
from headcount.store.event_index import SourceFreshness
from headcount.store.rows import (
    DOCUMENTS,
    MENTION_COLUMNS,
    MENTIONS,
    SOURCES,
    mention_from_row,
    source_from_row,
)
from headcount.store.sql import chunks, finish, like_pattern, marks, now_iso


@dataclass(frozen=True)
class ExtractionNote:
    """What one extractor version did with one document (its status, and why), and when."""

    document_id: str
    extractor_version: str
    status: str
    detail: str | None
    recorded_at: str


# The writes a single document and a batch of imported rows share.
_ADD_DOCUMENT = DOCUMENTS.insert("documents", " ON CONFLICT (id) DO NOTHING")
_ADD_MENTION = MENTIONS.insert("mentions", " ON CONFLICT (id) DO NOTHING")
_ADD_ORIGIN = (
    "INSERT INTO document_origins (document_id, origin, first_seen) VALUES (?, ?, ?) "
    "ON CONFLICT (document_id, origin) DO NOTHING"
)
_NOTE_EXTRACTION = (
    "INSERT INTO extractions "
    "(document_id, extractor_version, status, detail, recorded_at) "
    "VALUES (?, ?, ?, ?, ?) "
    "ON CONFLICT (document_id, extractor_version) DO UPDATE SET "
    "status = excluded.status, detail = excluded.detail, "
    "recorded_at = excluded.recorded_at"
)

# The date a claim is filed under: its own when the text gave one, else when it was published.
_EFFECTIVE_DATE = "COALESCE(m.date, d.published_at)"


class DocumentStore(StoreCore):
    """Documents, their claims and extraction notes."""

    def add_document(self, doc: Document) -> bool:
        """Store `doc`; False if a document with its id is already stored (left unchanged)."""
        with self.transaction():
            added = self._execute(_ADD_DOCUMENT, DOCUMENTS.row(doc))
        return added == 1

    def get_document(self, document_id: str) -> Document | None:
        values = self._fetchone(
            f"SELECT {DOCUMENTS.select()} FROM documents WHERE id = ?", (document_id,)
        )
        return DOCUMENTS.record(values) if values is not None else None

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
            return self._executemany(_ADD_MENTION, [MENTIONS.row(m) for m in mentions])

    def record_extraction(
        self, document_id: str, extractor_version: str, status: str, detail: str | None
    ) -> None:
        """Note what `extractor_version` did with a document, replacing any earlier note."""
        with self.transaction():
            self._execute(
                _NOTE_EXTRACTION, (document_id, extractor_version, status, detail, now_iso())
            )

    def get_extraction(self, document_id: str, extractor_version: str) -> ExtractionNote | None:
        row = self._fetchone(
            "SELECT document_id, extractor_version, status, detail, recorded_at "
            "FROM extractions WHERE document_id = ? AND extractor_version = ?",
            (document_id, extractor_version),
        )
        return ExtractionNote(*row) if row is not None else None

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
            params += [like_pattern(company.strip())] * len(names)
        if kind is not None:
            if kind not in KINDS:
                raise ValueError(f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}")
            where.append("m.kind = ?")
            params.append(kind)
        since_day, until_day = date_range(since, until)
        if since_day or until_day:
            where.append(f"{_EFFECTIVE_DATE} IS NOT NULL")
        if min_confidence is not None:
            where.append(f"(m.confidence >= ? OR d.source_kind IN ({marks(RECORD_KINDS)}))")
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
            f"SELECT {MENTIONS.select('m')}, d.origin AS doc_origin "
            "FROM mentions m JOIN documents d ON d.id = m.document_id"
        )
        # NULL placement is spelled out because SQLite and PostgreSQL default to opposite ends,
        # and text sorts by code point on both, whatever the PostgreSQL database's locale.
        name = "COALESCE(m.company, m.employer_text)"
        order = (
            f"CASE WHEN {_EFFECTIVE_DATE} IS NULL THEN 1 ELSE 0 END,"
            f" {self._binary(_EFFECTIVE_DATE)} DESC,"
            f" CASE WHEN {name} IS NULL THEN 1 ELSE 0 END,"
            f" {self._binary(self._lower(name))},"
            f" {self._binary('m.document_id')}, m.evidence_start, {self._binary('m.id')}"
        )
        sql = finish(sql, where, order, limit, params)
        return [mention_from_row(row) for row in self._fetchall(sql, params)]

    def document_count(self) -> int:
        return self._count("SELECT COUNT(*) FROM documents")

    def mention_count(self) -> int:
        return self._count("SELECT COUNT(*) FROM mentions")

    # --- where documents were seen, and what their records say about the employer ------------

    def add_document_origin(self, document_id: str, origin: str) -> bool:
        """Note that a document was seen at `origin` (a file row, a URL); False if noted before.

        An exact duplicate row is one document; its second origin is kept here so the
        duplicate stays visible as a source of the event.
        """
        with self.transaction():
            added = self._execute(_ADD_ORIGIN, (document_id, origin, now_iso()))
        return added == 1

    def document_origins(self, document_ids: Sequence[str]) -> dict[str, list[str]]:
        """Every origin each document was seen at, in the order first seen."""
        found: dict[str, list[str]] = {}
        for chunk in chunks(list(dict.fromkeys(document_ids))):
            rows = self._fetchall(
                "SELECT document_id, origin FROM document_origins "
                f"WHERE document_id IN ({marks(chunk)}) "
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
                _ADD_DOCUMENT, [DOCUMENTS.row(doc) for doc, _, _, _ in rows]
            )
            self._executemany(_ADD_ORIGIN, [(doc.id, doc.origin, at) for doc, _, _, _ in rows])
            facts = [(doc.id, i, c) for doc, _, i, c in rows if i or c]
            if facts:
                self._executemany(
                    "INSERT INTO record_facts (document_id, industry, country) VALUES (?, ?, ?) "
                    "ON CONFLICT (document_id) DO NOTHING",
                    facts,
                )
            mentions = [MENTIONS.row(m) for _, claims, _, _ in rows for m in claims]
            added = self._executemany(_ADD_MENTION, mentions) if mentions else 0
            self._executemany(
                _NOTE_EXTRACTION,
                [(doc.id, extractor_version, "imported", None, at) for doc, _, _, _ in rows],
            )
        return documents, added

    def document_claims(self, document_id: str) -> list[tuple[Mention, EventSource | None]]:
        """A document's claims in text order, each with how it was placed (None: unresolved)."""
        rows = self._fetchall(
            f"SELECT {MENTIONS.select('m')}, d.origin, {SOURCES.select('es')} "
            "FROM mentions m JOIN documents d ON d.id = m.document_id "
            "LEFT JOIN event_sources es ON es.mention_id = m.id "
            f"WHERE m.document_id = ? ORDER BY m.evidence_start, {self._binary('m.id')}",
            (document_id,),
        )
        n = len(MENTION_COLUMNS) + 1
        return [
            (
                mention_from_row(row[:n]),
                source_from_row(row[n:]) if row[n] is not None else None,
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
