"""California WARN notices as warn-scraper writes them from the EDD's yearly PDF reports and
its current xlsx (biglocalnews/warn-scraper, ca.csv).

Names and cities wrap across lines inside cells ("Rancho Santa\\r\\nMargarita"), counts carry
thousands separators ("1,529"), and rows from the xlsx have no city or count. The source_file
column names the report a row came from; it is not a fact about the layoff and stays out of the
text, so a notice listed in two reports is one Document.
"""

from __future__ import annotations

from headcount.records.base import loose_day
from headcount.records.warn import Cell, WarnExport

EXPORT = WarnExport(
    code="CA",
    agency="California EDD",
    made="warn-scraper raw export",
    source_url="https://edd.ca.gov/en/jobs_and_training/Layoff_Services_WARN",
    columns=(
        "notice_date", "effective_date", "received_date", "company", "city", "num_employees",
        "layoff_or_closure", "county", "address", "source_file",
    ),
    required=("notice_date", "effective_date", "received_date", "company", "num_employees"),
    employer="company",
    workers="num_employees",
    notice="notice_date",
    effective="effective_date",
    places=(Cell("city"), Cell("county")),
    details=(
        ("Received", Cell("received_date", loose_day)),
        ("Type", Cell("layoff_or_closure")),
        ("Site", Cell("address")),
    ),
)  # fmt: skip
