"""Figures as people read them, and the one figure an event adds to every total."""

from __future__ import annotations

from headcount.model import Event
from headcount.present.formats import NONE


def counted_figure(event: Event) -> int | None:
    """What an event adds to every total, and the `headcount` of every export: its own
    counted figure (a tracker row's, a WARN filing's sum of sites, a single news figure),
    else the low end of the range its sources give ("several hundred" adds 200, "more than
    7,500" adds 7,500), else the high end; None when no source gives a figure.

    This is the one definition: the tracker's and the API's totals, the breakdowns, the
    company list and pages, the charts and the CSV/JSON exports all add this number, so each
    of them can be re-added from an export. An estimate from a percent is never counted."""
    for value in (event.headcount, event.headcount_min, event.headcount_max):
        if value is not None:
            return value
    return None


def format_range(low: int | None, high: int | None, approx: bool) -> str:
    """A headcount as a person would write it: 1,000 / ~1,000 / 200–900 / ≥7,500 / ≤2,500 / —."""
    if low is not None and high is not None:
        text = f"{low:,}" if low == high else f"{low:,}–{high:,}"
        return f"~{text}" if approx else text
    # An open bound already says "not exact", so "≥~7,500" would add nothing but noise.
    if low is not None:
        return f"≥{low:,}"
    if high is not None:
        return f"≤{high:,}"
    return NONE


def format_percent(percent: float | None) -> str:
    if percent is None:
        return NONE
    return f"{percent:.2f}".rstrip("0").rstrip(".") + "%"


def format_headline(event: Event) -> str:
    """The counted figure, or the range, or an estimate marked as one."""
    if event.headcount is not None:
        return f"~{event.headcount:,}" if event.approx else f"{event.headcount:,}"
    if event.headcount_min is not None or event.headcount_max is not None:
        return format_range(event.headcount_min, event.headcount_max, event.approx)
    if event.estimated_headcount is not None:
        return f"est. {event.estimated_headcount:,}"
    return NONE
