"""Virginia WARN notices (VEC) as warn-scraper writes them (va.csv).

Location is "Richmond VA", or several towns joined by commas and "&" ("Fairfax &amp; Woodbridge
VA"), with HTML entities left in. "Contact Person" and "Collective Bargaining Unit" hold the
names of private people as the state published them; they are never copied into the text.
"""

from __future__ import annotations

import html
import re

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
    "name": "warn-va",
    "kind": "warn",
    "description": "Virginia Employment Commission WARN notices (warn-scraper raw export)",
    "source_url": "https://www.vec.virginia.gov/warn-notices",
    "columns": (
        "Company", "Notice Date", "Impact Date", "Employees Affected", "Location",
        "Contact Person", "Notice Type", "Collective Bargaining Unit",
    ),
    "required": ("Company", "Notice Date", "Impact Date", "Employees Affected", "Location"),
}  # fmt: skip

# "Williamsburg & Virginia Beach, VA 23462 VA": the state, a ZIP code and "and" are not towns.
_NOT_A_TOWN = re.compile(r"\bVA\b\.?|\b\d{5}(?:-\d{4})?\b|\band\b")


def _unescaped(row: Row, column: str) -> str | None:
    value = row.get(column)
    return html.unescape(value) if value else None


def parse(row: Row) -> Record:
    employer = row.require("Company")
    name = html.unescape(employer)
    workers = count(row, "Employees Affected")
    notice = day(row, "Notice Date")
    when = notice or day(row, "Impact Date")
    location = _unescaped(row, "Location")
    towns = _NOT_A_TOWN.sub(",", location or "").replace("&", ",")
    where = places(towns, "Virginia")
    text = warn_text(
        name,
        where,
        notice,
        loose_day(row, "Impact Date"),
        workers,
        [("Type", _unescaped(row, "Notice Type"))],
    )
    return Record(
        text=text,
        employer=employer,
        company=name,
        headcount=workers,
        day=when,
        outlet="Virginia Employment Commission WARN notices",
        locations=where,
    )
