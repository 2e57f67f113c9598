"""The ledger as stored: events, how each claim was placed, their change log and
statistics; what the resolver reads and writes, and what people read of it."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, TypeVar

from headcount.model import (
    ClaimSource,
    Event,
    EventChange,
    EventDetail,
    EventSource,
    EventSourceView,
    Mention,
)
from headcount.periods import date_range
from headcount.store.documents import DocumentStore
from headcount.store.event_index import original_source
from headcount.store.rows import (
    CHANGES,
    CLAIM_JOIN,
    CLAIM_SOURCE_SQL,
    EVENTS,
    MENTIONS,
    SOURCE_COLUMNS,
    SOURCES,
    Shape,
    claim_from_row,
    event_from_row,
    mention_from_row,
    source_from_row,
)
from headcount.store.sql import chunks, finish, like_pattern, marks, now_iso

T = TypeVar("T")


class LedgerStore(DocumentStore):
    """Events and the placement of every claim (a ledger reads the claims it places)."""

    # --- what the resolver reads ----------------------------------------------------------

    def unresolved_claims(self) -> list[tuple[Mention, ClaimSource]]:
        """Claims no resolve run has placed yet (no event_sources row), with their documents."""
        rows = self._fetchall(
            f"SELECT {MENTIONS.select('m')}, {CLAIM_SOURCE_SQL} "
            f"{CLAIM_JOIN} LEFT JOIN event_sources es ON es.mention_id = m.id "
            f"WHERE es.mention_id IS NULL ORDER BY {self._binary('m.id')}"
        )
        return [claim_from_row(row) for row in rows]

    def _placed(
        self, where: str, params: Sequence[Any]
    ) -> list[tuple[EventSource, Mention, ClaimSource]]:
        rows = self._fetchall(
            f"SELECT {SOURCES.select('es')}, "
            f"{MENTIONS.select('m')}, {CLAIM_SOURCE_SQL} "
            f"{CLAIM_JOIN} JOIN event_sources es ON es.mention_id = m.id WHERE {where} "
            f"ORDER BY es.position, {self._binary('es.mention_id')}",
            params,
        )
        n = len(SOURCE_COLUMNS)
        return [(source_from_row(row[:n]), *claim_from_row(row[n:])) for row in rows]

    def placed_claims(
        self, event_ids: Sequence[str] | None = None
    ) -> list[tuple[EventSource, Mention, ClaimSource]]:
        """Resolved claims with how they were placed: of the given events, or all of them."""
        if event_ids is None:
            return self._placed("1 = 1", ())
        placed = []
        for chunk in chunks(list(dict.fromkeys(event_ids))):
            placed += self._placed(f"es.event_id IN ({marks(chunk)})", chunk)
        return placed

    def unattached_context(
        self, family_ids: Sequence[str]
    ) -> list[tuple[EventSource, Mention, ClaimSource]]:
        """Past rounds and running totals kept without an event, for the given companies."""
        placed = []
        for chunk in chunks(sorted(set(family_ids))):
            placed += self._placed(
                f"es.event_id IS NULL AND es.role = 'context' AND es.family_id IN ({marks(chunk)})",
                chunk,
            )
        return placed

    def active_events(self, family_ids: Sequence[str]) -> list[Event]:
        """Events of these company families that nothing has superseded."""
        found = []
        for chunk in chunks(sorted(set(family_ids))):
            found += [
                event_from_row(row)
                for row in self._fetchall(
                    f"SELECT {EVENTS.select()} FROM events "
                    f"WHERE superseded_by IS NULL AND family_id IN ({marks(chunk)})",
                    chunk,
                )
            ]
        return found

    # --- what the resolver writes ---------------------------------------------------------

    def _insert_and_update(
        self, table: str, shape: Shape[T], inserted: Sequence[T], updated: Sequence[T]
    ) -> None:
        """Insert new records and update known ones of a table whose first column is its key."""
        if inserted:
            self._executemany(shape.insert(table), [shape.row(r) for r in inserted])
        if updated:
            key, *rest = shape.columns
            self._executemany(
                f"UPDATE {table} SET {', '.join(f'{c} = ?' for c in rest)} WHERE {key} = ?",
                [(*row[1:], row[0]) for row in map(shape.row, updated)],
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
            self._insert_and_update("events", EVENTS, new, updated)
            self._insert_and_update("event_sources", SOURCES, new_sources, updated_sources)
            if changes:
                self._executemany(
                    CHANGES.insert("event_changes"), [CHANGES.row(c) for c in changes]
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
            pattern = like_pattern(company.strip())
            where.append(
                f"({self._lower('e.company')} LIKE ? ESCAPE '\\' "
                f"OR {self._lower('e.parent')} LIKE ? ESCAPE '\\' "
                "OR e.company_id IN (SELECT a.company_id FROM company_aliases a "
                f"WHERE {self._lower('a.alias')} LIKE ? ESCAPE '\\'))"
            )
            params += [pattern] * 3
        since_day, until_day = date_range(since, until)
        if since_day:
            where.append("e.announced_on >= substr(?, 1, length(e.announced_on))")
            params.append(since_day)
        if until_day:
            where.append("e.announced_on <= substr(?, 1, length(e.announced_on))")
            params.append(until_day)
        order = (
            "CASE WHEN e.announced_on IS NULL THEN 1 ELSE 0 END,"
            f" {self._binary('e.announced_on')} DESC,"
            f" {self._binary(self._lower('COALESCE(e.company, e.id)'))}, {self._binary('e.id')}"
        )
        sql = finish(f"SELECT {EVENTS.select('e')} FROM events e", where, order, limit, params)
        return [event_from_row(row) for row in self._fetchall(sql, params)]

    def source_urls(self, event_ids: Sequence[str]) -> dict[str, str]:
        """Each event's original source as a web address (event_index.original_source: its
        lead claim's document's, else a primary source's, else any source's); events without
        one are left out."""
        found: dict[str, str] = {}
        for chunk in chunks(list(dict.fromkeys(event_ids))):
            claims: dict[str, list[tuple[str | None, bool, bool]]] = {}
            for event_id, url, lead, primary in self._fetchall(
                "SELECT s.event_id, d.url, m.id = e.lead_mention_id, s.role = 'primary' "
                "FROM event_sources s JOIN events e ON e.id = s.event_id "
                "JOIN mentions m ON m.id = s.mention_id "
                "JOIN documents d ON d.id = m.document_id "
                f"WHERE s.event_id IN ({marks(chunk)}) AND s.superseded_by IS NULL",
                chunk,
            ):
                claims.setdefault(event_id, []).append((url, bool(lead), bool(primary)))
            for event_id, listed in claims.items():
                if (url := original_source(listed)) is not None:
                    found[event_id] = url
        return found

    def get_event(self, event_id: str) -> Event | None:
        row = self._fetchone(f"SELECT {EVENTS.select()} FROM events WHERE id = ?", (event_id,))
        return event_from_row(row) if row is not None else None

    def event_changes(self, event_id: str) -> list[EventChange]:
        return [
            CHANGES.record(row)
            for row in self._fetchall(
                f"SELECT {CHANGES.select()} FROM event_changes WHERE event_id = ? ORDER BY seq",
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
        return self._count(sql)

    def change_count(self) -> int:
        return self._count("SELECT COUNT(*) FROM event_changes")

    def statistics(self) -> list[Mention]:
        """Industry- or region-wide figures (aggregate claims), kept apart from events."""
        rows = self._fetchall(
            f"SELECT {MENTIONS.select('m')}, d.origin "
            "FROM statistics s JOIN mentions m ON m.id = s.mention_id "
            "JOIN documents d ON d.id = m.document_id "
            f"ORDER BY {self._binary('COALESCE(s.period, d.published_at)')} DESC, "
            f"{self._binary('s.mention_id')}"
        )
        return [mention_from_row(row) for row in rows]

    def events_version(self) -> tuple[str | None, int]:
        """A cheap stamp that changes when events change: (latest last_updated, event count)."""
        row = self._fetchone(
            "SELECT (SELECT MAX(last_updated) FROM events), (SELECT COUNT(*) FROM events)"
        )
        assert row is not None
        return row[0], int(row[1])
