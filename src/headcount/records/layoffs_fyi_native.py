"""layoffs.fyi's own Airtable export: "# Laid Off", "%" as "20%", "$ Raised (mm)" as "$56".

Files saved from the site start with a UTF-8 byte-order mark, and locations outside the US are
written "Tel Aviv,Non-U.S." with no space after the comma.
"""

from __future__ import annotations

from headcount.records.base import Metadata, Record, Row
from headcount.records.layoffs_fyi import Columns, read_layoffs_fyi

METADATA: Metadata = {
    "name": "layoffs-fyi-native",
    "kind": "layoffs-fyi",
    "description": "layoffs.fyi tracker rows as the site exports them (percent signs, dollar "
    "signs, BOM)",
    "source_url": "https://layoffs.fyi/",
    "columns": (
        "Company", "Location HQ", "# Laid Off", "Date", "%", "Industry", "Source", "Stage",
        "$ Raised (mm)", "Country", "Date Added",
    ),
    "required": ("Company", "Location HQ", "# Laid Off", "Date", "%"),
}  # fmt: skip

COLUMNS = Columns(
    company="Company",
    location="Location HQ",
    laid_off="# Laid Off",
    date="Date",
    percent="%",
    industry="Industry",
    stage="Stage",
    funds="$ Raised (mm)",
    country="Country",
    source="Source",
    date_added="Date Added",
)


def parse(row: Row) -> Record:
    return read_layoffs_fyi(row, COLUMNS, fraction=False)
