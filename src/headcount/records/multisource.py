"""The multi-tracker JSON aggregate (bsat007/layoff-tracker): one array of records scraped from
layoffs.fyi, layoffstracker.com, peerlist.io, officepulse.live and others.

Each record names its tracker in "source", which becomes the Document's outlet and part of its
text, so the same layoff reported by two trackers stays two documents for the resolver to merge.
"description" is free text that is sometimes "Location: Adelaide", sometimes "Stage: Acquired" or
"Status: Unconfirmed"; a location found there joins the row's locations.
"""

from __future__ import annotations

from headcount.records.base import Metadata, Record, Row
from headcount.records.layoffs_fyi import TrackerColumns, read_tracker

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
_COLUMNS = TrackerColumns(
    company="company_name",
    laid_off="employees_affected",
    date="layoff_date",
    percent=None,
    source="source_url",
)


def parse(row: Row) -> Record:
    tracker = row.get("source")
    description = row.get("description")
    located = None
    if description and description.casefold().startswith(_LOCATION):
        located = description[len(_LOCATION) :].strip()
    details = [("", None if located else description), ("Tracker", tracker)]
    return read_tracker(
        row, _COLUMNS, fraction=False, location=located, details=details, outlet=tracker
    )
