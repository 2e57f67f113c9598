"""layoffs.fyi as republished on Kaggle (swaptr/layoffs-2022, the 11-column edition).

Counts are float strings ("700.0"), percentages fractions (0.15), dates M/D/YYYY, funds in
millions of US dollars. The source column is usually a URL but sometimes "Internal memo" or
"LinkedIn"; those stay in the text and give no link. The other layoffs.fyi layouts (the native
export, the classic tutorial copy) differ only in column names and number formats, so they read
their rows through `read_layoffs_fyi` here.
"""

from __future__ import annotations

from typing import NamedTuple

from headcount.records.base import (
    Metadata,
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

METADATA: Metadata = {
    "name": "layoffs-fyi-kaggle",
    "kind": "layoffs-fyi",
    "description": "layoffs.fyi tracker rows in the Kaggle swaptr/layoffs-2022 layout (11 columns, "
    "source URLs, fractional percentages)",
    "source_url": "https://www.kaggle.com/datasets/swaptr/layoffs-2022",
    "columns": (
        "company", "location", "total_laid_off", "date", "percentage_laid_off", "industry",
        "source", "stage", "funds_raised", "country", "date_added",
    ),
    "required": ("company", "location", "total_laid_off", "date", "percentage_laid_off", "source"),
}  # fmt: skip


class Columns(NamedTuple):
    """Where a layoffs.fyi layout keeps each field; None for a field it does not have."""

    company: str
    location: str
    laid_off: str
    date: str
    percent: str
    industry: str
    stage: str
    funds: str
    country: str
    source: str | None
    date_added: str | None


COLUMNS = Columns(
    company="company",
    location="location",
    laid_off="total_laid_off",
    date="date",
    percent="percentage_laid_off",
    industry="industry",
    stage="stage",
    funds="funds_raised",
    country="country",
    source="source",
    date_added="date_added",
)


def _funds(value: str | None) -> str | None:
    if value is None:
        return None
    amount = value.removeprefix("$").replace(",", "")
    try:
        return f"${float(amount):,g}M"
    except ValueError:
        return value  # shown as written: funding is context, not the claim


def read_layoffs_fyi(row: Row, columns: Columns, *, fraction: bool) -> Record:
    employer = row.require(columns.company)
    headcount = count(row, columns.laid_off)
    share = percent(row, columns.percent, fraction=fraction)
    when = day(row, columns.date)
    where = places(row.get(columns.location), country(row.get(columns.country)))
    source = row.get(columns.source) if columns.source else None
    text = layoff_text(
        employer,
        where,
        row.get(columns.industry),
        headcount,
        share,
        when,
        [
            ("Stage", row.get(columns.stage)),
            ("Raised", _funds(row.get(columns.funds))),
            ("Added", loose_day(row, columns.date_added) if columns.date_added else None),
        ],
        source,
    )
    return Record(
        text=text,
        employer=employer,
        headcount=headcount,
        day=when,
        percent=share,
        url=web_url(source),
        outlet="layoffs.fyi",
        locations=where,
        industry=row.get(columns.industry),
        country=country(row.get(columns.country)),
    )


def parse(row: Row) -> Record:
    return read_layoffs_fyi(row, COLUMNS, fraction=True)
