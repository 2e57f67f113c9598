"""The classic layoffs.fyi copy used in SQL data-cleaning tutorials (AlexTheAnalyst, to 2023-03).

It is the older 9-column Kaggle edition, deliberately dirty: missing values are the literal
string NULL, five rows are exact duplicates, some company names carry stray spaces and one
country is "United States." with a full stop. There is no source column.
"""

from __future__ import annotations

from headcount.records.base import Metadata, Record, Row
from headcount.records.layoffs_fyi import Columns, read_layoffs_fyi

METADATA: Metadata = {
    "name": "layoffs-fyi-classic",
    "kind": "layoffs-fyi",
    "description": "layoffs.fyi tracker rows in the older 9-column Kaggle layout with NULLs "
    "(AlexTheAnalyst's data-cleaning copy)",
    "source_url": "https://github.com/AlexTheAnalyst/MySQL-YouTube-Series",
    "columns": (
        "company", "location", "industry", "total_laid_off", "percentage_laid_off", "date",
        "stage", "country", "funds_raised_millions",
    ),
    "required": ("company", "location", "total_laid_off", "percentage_laid_off", "date",
                 "funds_raised_millions"),
}  # fmt: skip

COLUMNS = Columns(funds="funds_raised_millions", source=None, date_added=None)


def parse(row: Row) -> Record:
    return read_layoffs_fyi(row, COLUMNS, fraction=True)
