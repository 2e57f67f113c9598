"""Groupings of the read model: breakdowns by period, company, industry, country, reason
and source, the company list, and the values the filters offer."""

from __future__ import annotations

from headcount.model import SOURCE_KINDS
from headcount.present.reasons import REASON_NAMES
from headcount.store.event_index import (
    BREAKDOWNS,
    UNDATED,
    EventFilter,
    Group,
    fold,
)
from headcount.store.index_pages import IndexPages


class IndexGroups(IndexPages):
    """Events that a filter selects, grouped and counted."""

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

    def facet_values(self, column: str) -> list[tuple[str, int]]:
        """The values of "industry", "country" or "stage" among current events, most common
        first."""
        if column not in ("industry", "country", "stage"):
            raise ValueError(f"no facet {column!r}")
        return [
            (r[0], int(r[1]))
            for r in self._fetchall(
                f"SELECT MIN(x.{column}), COUNT(*) FROM event_index x "
                f"WHERE x.{column}_key IS NOT NULL GROUP BY x.{column}_key "
                f"ORDER BY 2 DESC, {self._binary(f'MIN(x.{column})')}"
            )
        ]
