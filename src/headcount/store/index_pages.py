"""Reading the read model: what a filter selects in event_index, a page of it in a sort
order, and its totals."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from headcount.model import Event
from headcount.periods import date_range
from headcount.store.event_index import (
    SORTS,
    EventFacts,
    EventFilter,
    Totals,
    company_filter_words,
    fold,
    parse_sort,
)
from headcount.store.index_refresh import ALL_TOTALS, CONFIRMED_TOTALS, IndexRefresh
from headcount.store.rows import EVENT_COLUMNS, EVENTS, Row, bar_list, event_from_row
from headcount.store.sql import CHUNK, chunks, like_pattern, marks, window

# How far the company filter counts the companies a word starts, to pick the rarest word.
_WORD_COUNT_BOUND = 200


class IndexPages(IndexRefresh):
    """Filters, pages and totals over event_index (kept by IndexRefresh)."""

    def _search_condition(self, terms: Sequence[str], year: str | None) -> tuple[str, list[Any]]:
        """A condition on event_index x: every term is in the event's search text. `year`:
        the one whole year the filter's dates select, if they do (a backend may use it to
        narrow the search; the date conditions still decide)."""
        # Correlated, so that other filters narrow the rows first and each is probed by key.
        return (
            "EXISTS (SELECT 1 FROM event_search s WHERE s.event_id = x.event_id AND "
            + " AND ".join("s.search LIKE ? ESCAPE '\\'" for _ in terms)
            + ")",
            [like_pattern(term) for term in terms],
        )

    def _index_where(self, f: EventFilter) -> tuple[str, list[Any]]:
        """The WHERE clause (possibly empty) over event_index x that `f` selects."""
        where: list[str] = []
        params: list[Any] = []
        terms = f.terms()
        if terms:
            year = None
            if f.since and f.until:
                first, last = date_range(f.since, f.until)
                if first and last and first[4:] == "-01-01" and last == first[:4] + "-12-31":
                    year = first[:4]
            condition, values = self._search_condition(terms, year)
            where.append(condition)
            params += values
        if f.company is not None:
            # The few companies with a word starting with each word asked for (a range of the
            # company_words key), then their events through the indexes.
            asked = company_filter_words(f.company)
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
            elif len(ids) <= 4 * CHUNK:
                held = marks(ids)
                where.append(f"(x.company_id IN ({held}) OR x.family_id IN ({held}))")
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
        if f.state is not None:
            where.append("x.states LIKE ?")  # a state's name, as EventFilter writes it
            params.append(f"%|{f.state}|%")
        if f.city is not None:
            where.append("x.city_keys LIKE ? ESCAPE '\\'")
            params.append(like_pattern(f"|{fold(f.city)}|"))
        if f.stage is not None:
            where.append("x.stage_key = ?")
            params.append(fold(f.stage))
        if f.source is not None:
            where.append("x.source_kinds LIKE ?")
            params.append(f"%|{f.source}|%")
        if f.reason is not None:
            where.append("x.reason_tags LIKE ?")
            params.append(f"%|{f.reason}|%")
        if f.min_confidence is not None:
            where.append("x.confidence >= ?")
            params.append(f.min_confidence)
        since_day, until_day = date_range(f.since, f.until)
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
        # Ranges leave out the events without the figure (NULL compares as neither).
        for column, low, high in (
            ("x.figure", f.min_headcount, f.max_headcount),
            ("x.funds_raised", f.min_funds, f.max_funds),
        ):
            for bound, comparison in ((low, ">="), (high, "<=")):
                if bound is not None:
                    where.append(f"{column} {comparison} ?")
                    params.append(bound)
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
        f = f or EventFilter()
        order, direction = self._order(f, sort)
        if offset < 0:
            raise ValueError(f"offset must be >= 0, got {offset}")
        where, params = self._index_where(f)
        sql = (
            f"SELECT {EVENTS.select('e')}, x.source_kinds, x.reason_tags "
            f"FROM event_index x JOIN events e ON e.id = x.event_id{where} "
            f"ORDER BY {order} {direction}, x.event_id {direction}"
        )
        if limit is not None:
            window(0, limit)
            sql += " LIMIT ? OFFSET ?"
            params += [limit, offset]
        elif offset:
            sql += " LIMIT ? OFFSET ?"  # both engines take a LIMIT with OFFSET; "no limit" is not portable
            params += [2**62, offset]
        n = len(EVENT_COLUMNS)
        return [
            (event_from_row(row[:n]), bar_list(row[n]), bar_list(row[n + 1]))
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
        present.events.api_record) pairs. Reads event_index: call refresh_event_index() after
        events change."""
        f = f or EventFilter()
        return self._records(f, self._index_where(f), sort, offset, limit)

    def event_confidences(self, event_ids: Sequence[str]) -> dict[str, float]:
        """The confidence of each given current event: that of the surest claim telling it (a
        record's is 1; see event_index.backing_confidence). Reads event_index."""
        return {
            event_id: float(confidence)
            for event_id, confidence in self._index_rows("confidence", event_ids)
        }

    def event_facts(self, event_ids: Sequence[str]) -> dict[str, EventFacts]:
        """What the tracker lists of each given current event beside the event: the US
        states and cities its records name, its company's stage and funds raised (see
        event_index.event_facts). Reads event_index."""
        return {
            event_id: EventFacts(
                tuple(bar_list(states)),
                tuple(bar_list(cities)),
                stage,
                None if funds is None else float(funds),
            )
            for event_id, states, cities, stage, funds in self._index_rows(
                "states, cities, stage, funds_raised", event_ids
            )
        }

    def _index_rows(self, columns: str, event_ids: Sequence[str]) -> list[Row]:
        """(event id, *columns) of event_index for each given event id, each id asked once."""
        rows: list[Row] = []
        for chunk in chunks(list(dict.fromkeys(event_ids))):
            rows += self._fetchall(
                f"SELECT event_id, {columns} FROM event_index WHERE event_id IN ({marks(chunk)})",
                chunk,
            )
        return rows

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
        window(offset, limit)
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
        window(offset, limit)
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
                (ALL_TOTALS if least is None else CONFIRMED_TOTALS,),
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
