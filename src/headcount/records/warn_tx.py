"""Texas WARN notices as the TWC's Excel workbook exports them (warn-scraper tx.csv).

The header row is 16,384 columns wide (Excel's limit) with only the first eight named; rows are
ragged. Dates are "YYYY-MM-DD 00:00:00". Names broken over lines carry Excel's "_x000D_" escape.
WFDD_RECEIVED_DATE holds a date for only some rows and a bare number (apparently a notice id)
for the rest, so it is shown as written, and LayOff_Date has typos (1930 for 2020).
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
    "name": "warn-tx",
    "kind": "warn",
    "description": "Texas Workforce Commission WARN notices (Excel export)",
    "source_url": "https://www.twc.texas.gov/data-reports/warn-notice",
    "columns": (
        "NOTICE_DATE", "JOB_SITE_NAME", "COUNTY_NAME", "WDA_NAME", "TOTAL_LAYOFF_NUMBER",
        "LayOff_Date", "WFDD_RECEIVED_DATE", "CITY_NAME",
    ),
    "required": ("NOTICE_DATE", "JOB_SITE_NAME", "TOTAL_LAYOFF_NUMBER"),
}  # fmt: skip


def parse(row: Row) -> Record:
    employer = row.require("JOB_SITE_NAME")
    workers = count(row, "TOTAL_LAYOFF_NUMBER")
    notice = day(row, "NOTICE_DATE")
    when = notice or day(row, "LayOff_Date")
    county = row.get("COUNTY_NAME")
    where = places(row.get("CITY_NAME"), f"{county} County" if county else None, "Texas")
    text = warn_text(
        employer,
        where,
        notice,
        loose_day(row, "LayOff_Date"),
        workers,
        [
            ("Received", loose_day(row, "WFDD_RECEIVED_DATE")),
            ("Workforce area", row.get("WDA_NAME")),
        ],
    )
    return Record(
        text=text,
        employer=employer,
        headcount=workers,
        day=when,
        outlet="Texas Workforce Commission WARN notices",
        locations=where,
    )
