"""Texas WARN notices as the TWC's Excel workbook exports them (warn-scraper tx.csv).

The header row is 16,384 columns wide (Excel's limit) with only the first eight named; rows are
ragged. Dates are "YYYY-MM-DD 00:00:00". Names broken over lines carry Excel's "_x000D_" escape.
WFDD_RECEIVED_DATE holds a date for only some rows and a bare number (apparently a notice id)
for the rest, so it is shown as written, and LayOff_Date has typos (1930 for 2020).
"""

from __future__ import annotations

from headcount.records.base import loose_day
from headcount.records.warn import Cell, WarnExport, county

EXPORT = WarnExport(
    code="TX",
    agency="Texas Workforce Commission",
    made="Excel export",
    source_url="https://www.twc.texas.gov/data-reports/warn-notice",
    columns=(
        "NOTICE_DATE", "JOB_SITE_NAME", "COUNTY_NAME", "WDA_NAME", "TOTAL_LAYOFF_NUMBER",
        "LayOff_Date", "WFDD_RECEIVED_DATE", "CITY_NAME",
    ),
    required=("NOTICE_DATE", "JOB_SITE_NAME", "TOTAL_LAYOFF_NUMBER"),
    employer="JOB_SITE_NAME",
    workers="TOTAL_LAYOFF_NUMBER",
    notice="NOTICE_DATE",
    effective="LayOff_Date",
    places=(Cell("CITY_NAME"), Cell("COUNTY_NAME", county)),
    details=(
        ("Received", Cell("WFDD_RECEIVED_DATE", loose_day)),
        ("Workforce area", Cell("WDA_NAME")),
    ),
)  # fmt: skip
