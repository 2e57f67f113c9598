"""Figures over imported records."""

from __future__ import annotations

from collections.abc import Iterable

from headcount.records.base import ImportedRow, RecordResult


def yearly_totals(results: Iterable[RecordResult]) -> dict[int, int]:
    """People laid off per calendar year of each claim's date, years in order.

    A claim counts once however often its row repeats: exact duplicate rows are one Document
    and one Mention, as the store keeps them, so the totals are those of the imported ledger.
    Claims without a headcount or a date add nothing; errors are ignored.
    """
    totals: dict[int, int] = {}
    seen: set[str] = set()
    for result in results:
        if not isinstance(result, ImportedRow):
            continue
        for mention in result.mentions:
            if mention.headcount_min is None or mention.date is None or mention.id in seen:
                continue
            seen.add(mention.id)
            year = int(mention.date[:4])
            totals[year] = totals.get(year, 0) + mention.headcount_min
    return dict(sorted(totals.items()))
