"""Washington WARN notices (ESD) as warn-scraper writes them (wa.csv).

"Received Date" is when the state received the notice, which is the notice date; "Layoff Start
Date" is when the cuts take effect. Location may list several towns ("Des Moines, Auburn,
Puyallup").
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
    "name": "warn-wa",
    "kind": "warn",
    "description": "Washington ESD WARN notices (warn-scraper raw export)",
    "source_url": "https://esd.wa.gov/about-employees/WARN",
    "columns": (
        "Company", "Location", "Layoff Start Date", "# of Workers", "Closure Layoff",
        "Type of Layoff", "Received Date",
    ),
    "required": ("Company", "Location", "Layoff Start Date", "# of Workers", "Received Date"),
}  # fmt: skip


def parse(row: Row) -> Record:
    employer = row.require("Company")
    workers = count(row, "# of Workers")
    notice = day(row, "Received Date")
    when = notice or day(row, "Layoff Start Date")
    where = places(row.get("Location"), "Washington")
    text = warn_text(
        employer,
        where,
        notice,
        loose_day(row, "Layoff Start Date"),
        workers,
        [("Type", row.get("Closure Layoff")), ("Duration", row.get("Type of Layoff"))],
    )
    return Record(
        text=text,
        employer=employer,
        headcount=workers,
        day=when,
        outlet="Washington ESD WARN notices",
        locations=where,
    )
