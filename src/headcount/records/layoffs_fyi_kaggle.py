"""layoffs.fyi as republished on Kaggle (swaptr/layoffs-2022, the 11-column edition).

Counts are float strings ("700.0"), percentages fractions (0.15), dates M/D/YYYY, funds in
millions of US dollars. The source column is usually a URL but sometimes "Internal memo" or
"LinkedIn"; those stay in the text and give no link. Its column names are the defaults of
`layoffs_fyi.Columns`.
"""

from __future__ import annotations

from headcount.records.base import Metadata, Record, Row
from headcount.records.layoffs_fyi import Columns, read_layoffs_fyi

METADATA: Metadata = {
    "name": "layoffs-fyi-kaggle",
    "kind": "layoffs-fyi",
    "description": "layoffs.fyi tracker rows in the Kaggle swaptr/layoffs-2022 layout (11 columns, "
    "source URLs, fractional percentages)",
    "source_url": "https://www.kaggle.com/datasets/swaptr/layoffs-2022",
    "columns": (
        "company", "location", "total_laid_off", "date", "percentage_laid_off", "industry",
        "source", "stage", "funds_raised", "country", "date_added",
    ),
    "required": ("company", "location", "total_laid_off", "date", "percentage_laid_off", "source"),
}  # fmt: skip


COLUMNS = Columns()


def parse(row: Row) -> Record:
    return read_layoffs_fyi(row, COLUMNS, fraction=True)
