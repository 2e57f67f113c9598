"""The multi-tracker JSON aggregate (bsat007/layoff-tracker): one array of records scraped from
layoffs.fyi, layoffstracker.com, peerlist.io, officepulse.live and others.

Each record names its tracker in "source", which becomes the Document's outlet and part of its
text, so the same layoff reported by two trackers stays two documents for the resolver to merge.
"description" is free text that is sometimes "Location: Adelaide", sometimes "Stage: Acquired" or
"Status: Unconfirmed"; a location found there joins the row's locations.
"""

from __future__ import annotations

from headcount.records.base import (
    Metadata,
    Record,
    Row,
    count,
    country,
    day,
    layoff_text,
    places,
    web_url,
)

METADATA: Metadata = {
    "name": "multisource-json",
    "kind": "layoffs-fyi",
    "description": "multi-tracker JSON aggregate (layoffs.fyi, layoffstracker.com, peerlist.io, "
    "officepulse.live, ...), one object per layoff",
    "source_url": "https://github.com/bsat007/layoff-tracker",
    "columns": (
        "id", "company_name", "industry", "layoff_date", "employees_affected",
        "employees_remaining", "source", "source_url", "country", "description", "unique_id",
        "scraped_at",
    ),
    "required": ("company_name", "layoff_date", "employees_affected", "source"),
}  # fmt: skip

_LOCATION = "location:"


def parse(row: Row) -> Record:
    employer = row.require("company_name")
    headcount = count(row, "employees_affected")
    when = day(row, "layoff_date")
    tracker = row.get("source")
    description = row.get("description")
    located = None
    if description and description.casefold().startswith(_LOCATION):
        located = description[len(_LOCATION) :].strip()
    where = places(located, country(row.get("country")))
    source = row.get("source_url")
    text = layoff_text(
        employer,
        where,
        row.get("industry"),
        headcount,
        None,
        when,
        [("", None if located else description), ("Tracker", tracker)],
        source,
    )
    return Record(
        text=text,
        employer=employer,
        headcount=headcount,
        day=when,
        url=web_url(source),
        outlet=tracker,
        locations=where,
        industry=row.get("industry"),
        country=country(row.get("country")),
    )
