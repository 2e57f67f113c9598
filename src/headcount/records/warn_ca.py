"""California WARN notices as warn-scraper writes them from the EDD's yearly PDF reports and
its current xlsx (biglocalnews/warn-scraper, ca.csv).

Names and cities wrap across lines inside cells ("Rancho Santa\\r\\nMargarita"), counts carry
thousands separators ("1,529"), and rows from the xlsx have no city or count. The source_file
column names the report a row came from; it is not a fact about the layoff and stays out of the
text, so a notice listed in two reports is one Document.
"""

from __future__ import annotations

from headcount.records.base import (
    Metadata,
    Record,
    Row,
    count,
    day,
    loose_day,
    places,
    warn_text,
)

METADATA: Metadata = {
    "name": "warn-ca",
    "kind": "warn",
    "description": "California EDD WARN notices (warn-scraper raw export)",
    "source_url": "https://edd.ca.gov/en/jobs_and_training/Layoff_Services_WARN",
    "columns": (
        "notice_date", "effective_date", "received_date", "company", "city", "num_employees",
        "layoff_or_closure", "county", "address", "source_file",
    ),
    "required": ("notice_date", "effective_date", "received_date", "company", "num_employees"),
}  # fmt: skip


def parse(row: Row) -> Record:
    employer = row.require("company")
    workers = count(row, "num_employees")
    notice = day(row, "notice_date")
    when = notice or day(row, "effective_date")
    where = places(row.get("city"), row.get("county"), "California")
    text = warn_text(
        employer,
        where,
        notice,
        loose_day(row, "effective_date"),
        workers,
        [
            ("Received", loose_day(row, "received_date")),
            ("Type", row.get("layoff_or_closure")),
            ("Site", row.get("address")),
        ],
    )
    return Record(
        text=text,
        employer=employer,
        headcount=workers,
        day=when,
        outlet="California EDD WARN notices",
        locations=where,
    )
