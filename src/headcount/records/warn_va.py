"""Virginia WARN notices (VEC) as warn-scraper writes them (va.csv).

Location is "Richmond VA", or several towns joined by commas and "&" ("Fairfax &amp; Woodbridge
VA"), with HTML entities left in. "Contact Person" and "Collective Bargaining Unit" hold the
names of private people as the state published them; they are never copied into the text.
"""

from __future__ import annotations

import html
import re

from headcount.records.base import Row
from headcount.records.warn import Cell, WarnExport

# "Williamsburg & Virginia Beach, VA 23462 VA": the state, a ZIP code and "and" are not towns.
_NOT_A_TOWN = re.compile(r"\bVA\b\.?|\b\d{5}(?:-\d{4})?\b|\band\b")


def _unescaped(row: Row, column: str) -> str | None:
    value = row.get(column)
    return html.unescape(value) if value else None


def _towns(row: Row, column: str) -> str:
    return _NOT_A_TOWN.sub(",", _unescaped(row, column) or "").replace("&", ",")


EXPORT = WarnExport(
    code="VA",
    agency="Virginia Employment Commission",
    made="warn-scraper raw export",
    source_url="https://www.vec.virginia.gov/warn-notices",
    columns=(
        "Company", "Notice Date", "Impact Date", "Employees Affected", "Location",
        "Contact Person", "Notice Type", "Collective Bargaining Unit",
    ),
    required=("Company", "Notice Date", "Impact Date", "Employees Affected", "Location"),
    employer="Company",
    workers="Employees Affected",
    notice="Notice Date",
    effective="Impact Date",
    places=(Cell("Location", _towns),),
    details=(("Type", Cell("Notice Type", _unescaped)),),
    company=html.unescape,
)  # fmt: skip
