"""Keeping the read model up to date: the event_index row of every current event, its search
text and API record, the words of company names, and the unfiltered totals."""

from __future__ import annotations

import json
from collections.abc import Sequence

from headcount.records.layoffs_fyi_kaggle import funding
from headcount.store.core import StoreCore
from headcount.store.event_index import (
    INDEX_COLUMNS,
    IndexSource,
    Totals,
    company_words,
    confidence_threshold,
    index_row,
)
from headcount.store.rows import EVENTS, event_from_row
from headcount.store.sql import chunks, marks

# Where an event_index row holds the event's year.
_YEAR = INDEX_COLUMNS.index("year")

#: The rows of event_index_totals: every current event, and those confirmed at a threshold.
ALL_TOTALS = 1
CONFIRMED_TOTALS = 2


class IndexRefresh(StoreCore):
    """Writes event_index and what goes with it from the events; counts the totals."""

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
            for chunk in chunks(stale):
                held = marks(chunk)
                events = [
                    event_from_row(row)
                    for row in self._fetchall(
                        f"SELECT {EVENTS.select()} FROM events WHERE id IN ({held})",
                        chunk,
                    )
                ]
                owners = {
                    event_id: name
                    for event_id, name in self._fetchall(
                        "SELECT e.id, c.name FROM events e JOIN companies c ON c.id = e.family_id "
                        f"WHERE e.id IN ({held})",
                        chunk,
                    )
                }
                aliases: dict[str, list[str]] = {}
                company_ids = sorted({e.company_id for e in events if e.company_id})
                for ids in chunks(company_ids):
                    for company_id, alias in self._fetchall(
                        "SELECT company_id, alias FROM company_aliases "
                        f"WHERE company_id IN ({marks(ids)}) "
                        f"ORDER BY {self._binary('key')}",
                        ids,
                    ):
                        aliases.setdefault(company_id, []).append(alias)
                sources: dict[str, list[IndexSource]] = {}
                for (
                    event_id, kind, outlet, title, evidence, role, replaced, sure, places, url, lead
                ) in self._fetchall(
                    "SELECT es.event_id, d.source_kind, d.outlet, d.title, m.evidence, es.role, "
                    "es.superseded_by, m.confidence, m.locations, d.url, "
                    "m.id = e.lead_mention_id "
                    "FROM event_sources es JOIN mentions m ON m.id = es.mention_id "
                    "JOIN documents d ON d.id = m.document_id "
                    "JOIN events e ON e.id = es.event_id "
                    f"WHERE es.event_id IN ({held}) ORDER BY es.position",
                    chunk,
                ):  # fmt: skip
                    # A tracker row states its company's funding; its whole text is its sentence.
                    stage, funds = funding(evidence) if kind == "table" else (None, None)
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
                            tuple(json.loads(places)),
                            url,
                            bool(lead),
                            stage,
                            funds,
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
            for chunk in chunks(sorted(touched)):
                held = marks(chunk)
                names: dict[str, list[str]] = {}
                for company_id, name in self._fetchall(
                    f"SELECT id, name FROM companies WHERE id IN ({held})", chunk
                ):
                    names[company_id] = [name]
                for company_id, alias in self._fetchall(
                    f"SELECT company_id, alias FROM company_aliases WHERE company_id IN ({held}) "
                    f"ORDER BY {self._binary('key')}",
                    chunk,
                ):
                    names.setdefault(company_id, []).append(alias)
                self._executemany(
                    "INSERT INTO company_words (word, company_id) VALUES (?, ?) "
                    "ON CONFLICT (word, company_id) DO NOTHING",
                    [(word, cid) for cid, n in names.items() for word in company_words(n)],
                )
            for chunk in chunks(gone):
                held = marks(chunk)
                self._execute(f"DELETE FROM event_search WHERE event_id IN ({held})", chunk)
                self._execute(f"DELETE FROM event_records WHERE event_id IN ({held})", chunk)
                self._execute(f"DELETE FROM event_index WHERE event_id IN ({held})", chunk)
            # The totals of everything and of the confirmed events, for the unfiltered tracker,
            # in the same transaction as the rows they count.
            threshold = confidence_threshold()
            for row_id, least in ((ALL_TOTALS, None), (CONFIRMED_TOTALS, threshold)):
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
