"""New York WARN notices as the state's Tableau dashboard exports them (warn-scraper ny.csv).

Two headers end in a space ("Date of WARN Notice ", "Number of Affected Workers ") and the count
appears in two columns; headers are compared trimmed, and the first filled count is read. A
notice re-posted on the dashboard differs only in "Date Posted" and the Tableau "Index", which
stay out of the text so that the re-posting is the same Document.
"""

from __future__ import annotations

from headcount.records.warn import Cell, WarnExport, county

EXPORT = WarnExport(
    code="NY",
    agency="New York DOL",
    made="Tableau dashboard export",
    source_url="https://dol.ny.gov/warn-dashboard",
    columns=(
        "Business Legal Name", "Date Layoff/Closure Starts", "Date of WARN Notice", "Date Posted",
        "Impacted Site Address", "Impacted Site County", "Layoff or Closure?", "Measure Names",
        "Permanent or Temporary Layoff?", "Index", "Number of Affected Workers",
    ),
    required=("Business Legal Name", "Date of WARN Notice", "Number of Affected Workers"),
    employer="Business Legal Name",
    workers="Number of Affected Workers",
    notice="Date of WARN Notice",
    effective="Date Layoff/Closure Starts",
    places=(Cell("Impacted Site County", county),),
    details=(
        ("Type", Cell("Layoff or Closure?")),
        ("Duration", Cell("Permanent or Temporary Layoff?")),
        ("Site", Cell("Impacted Site Address")),
    ),
)  # fmt: skip
