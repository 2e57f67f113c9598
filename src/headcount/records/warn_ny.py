"""New York WARN notices as the state's Tableau dashboard exports them (warn-scraper ny.csv).

Two headers end in a space ("Date of WARN Notice ", "Number of Affected Workers ") and the count
appears in two columns; headers are compared trimmed, and the first filled count is read. A
notice re-posted on the dashboard differs only in "Date Posted" and the Tableau "Index", which
stay out of the text so that the re-posting is the same Document.
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
    "name": "warn-ny",
    "kind": "warn",
    "description": "New York DOL WARN notices (Tableau dashboard export)",
    "source_url": "https://dol.ny.gov/warn-dashboard",
    "columns": (
        "Business Legal Name", "Date Layoff/Closure Starts", "Date of WARN Notice", "Date Posted",
        "Impacted Site Address", "Impacted Site County", "Layoff or Closure?", "Measure Names",
        "Permanent or Temporary Layoff?", "Index", "Number of Affected Workers",
    ),
    "required": ("Business Legal Name", "Date of WARN Notice", "Number of Affected Workers"),
}  # fmt: skip


def parse(row: Row) -> Record:
    employer = row.require("Business Legal Name")
    workers = count(row, "Number of Affected Workers")
    notice = day(row, "Date of WARN Notice")
    when = notice or day(row, "Date Layoff/Closure Starts")
    county = row.get("Impacted Site County")
    where = places(f"{county} County" if county else None, "New York")
    text = warn_text(
        employer,
        where,
        notice,
        loose_day(row, "Date Layoff/Closure Starts"),
        workers,
        [
            ("Type", row.get("Layoff or Closure?")),
            ("Duration", row.get("Permanent or Temporary Layoff?")),
            ("Site", row.get("Impacted Site Address")),
        ],
    )
    return Record(
        text=text,
        employer=employer,
        headcount=workers,
        day=when,
        outlet="New York DOL WARN notices",
        locations=where,
    )
