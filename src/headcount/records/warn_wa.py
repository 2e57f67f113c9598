"""Washington WARN notices (ESD) as warn-scraper writes them (wa.csv).

"Received Date" is when the state received the notice, which is the notice date; "Layoff Start
Date" is when the cuts take effect. Location may list several towns ("Des Moines, Auburn,
Puyallup").
"""

from __future__ import annotations

from headcount.records.warn import Cell, WarnExport

EXPORT = WarnExport(
    code="WA",
    agency="Washington ESD",
    made="warn-scraper raw export",
    source_url="https://esd.wa.gov/about-employees/WARN",
    columns=(
        "Company", "Location", "Layoff Start Date", "# of Workers", "Closure Layoff",
        "Type of Layoff", "Received Date",
    ),
    required=("Company", "Location", "Layoff Start Date", "# of Workers", "Received Date"),
    employer="Company",
    workers="# of Workers",
    notice="Received Date",
    effective="Layoff Start Date",
    places=(Cell("Location"),),
    details=(("Type", Cell("Closure Layoff")), ("Duration", Cell("Type of Layoff"))),
)  # fmt: skip
