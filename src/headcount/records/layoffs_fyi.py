"""The one reader of tracker rows. The layoffs.fyi layouts (the Kaggle edition, the site's own
export, the classic tutorial copy) differ only in column names and number formats, so each
layout module says where its fields stand (`Columns`) and reads its rows through
`read_layoffs_fyi`; the multi-tracker aggregate reads its own location, details and outlet and
the rest through `read_tracker`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from headcount.records.base import (
    Record,
    Row,
    count,
    country,
    day,
    layoff_text,
    loose_day,
    percent,
    places,
    web_url,
)


@dataclass(frozen=True)
class TrackerColumns:
    """Where a tracker table keeps what every tracker row states; None for what it lacks. The
    defaults are the names of layoffs.fyi's Kaggle edition, which its other copies mostly share."""

    company: str = "company"
    laid_off: str = "total_laid_off"
    date: str = "date"
    percent: str | None = "percentage_laid_off"
    industry: str = "industry"
    country: str = "country"
    source: str | None = "source"


@dataclass(frozen=True)
class Columns(TrackerColumns):
    """Where a layoffs.fyi layout keeps each field, the details only layoffs.fyi gives too."""

    location: str = "location"
    stage: str = "stage"
    funds: str = "funds_raised"
    date_added: str | None = "date_added"


def _funds(value: str | None) -> str | None:
    if value is None:
        return None
    amount = value.removeprefix("$").replace(",", "")
    try:
        return f"${float(amount):,g}M"
    except ValueError:
        return value  # shown as written: funding is context, not the claim


def read_tracker(
    row: Row,
    columns: TrackerColumns,
    *,
    fraction: bool,
    location: str | None,
    details: Sequence[tuple[str, str | None]],
    outlet: str | None,
) -> Record:
    """A tracker row as a Record, with the location, details and outlet its layout reads.
    fraction: a bare percentage is a fraction (0.15)."""
    employer = row.require(columns.company)
    headcount = count(row, columns.laid_off)
    share = percent(row, columns.percent, fraction=fraction) if columns.percent else None
    when = day(row, columns.date)
    nation = country(row.get(columns.country))
    where = places(location, nation)
    industry = row.get(columns.industry)
    source = row.get(columns.source) if columns.source else None
    text = layoff_text(employer, where, industry, headcount, share, when, details, source)
    return Record(
        text=text,
        employer=employer,
        headcount=headcount,
        day=when,
        percent=share,
        url=web_url(source),
        outlet=outlet,
        locations=where,
        industry=industry,
        country=nation,
    )


def read_layoffs_fyi(row: Row, columns: Columns, *, fraction: bool) -> Record:
    """A layoffs.fyi row as a Record; fraction: a bare percentage is a fraction (0.15)."""
    details = [
        ("Stage", row.get(columns.stage)),
        ("Raised", _funds(row.get(columns.funds))),
        ("Added", loose_day(row, columns.date_added) if columns.date_added else None),
    ]
    location = row.get(columns.location)
    return read_tracker(
        row, columns, fraction=fraction, location=location, details=details, outlet="layoffs.fyi"
    )
