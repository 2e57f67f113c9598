"""layoffs.fyi as republished on Kaggle (swaptr/layoffs-2022, the 11-column edition).

Counts are float strings ("700.0"), percentages fractions (0.15), dates M/D/YYYY, funds in
millions of US dollars. The source column is usually a URL but sometimes "Internal memo" or
"LinkedIn"; those stay in the text and give no link. Its column names are the defaults of
`layoffs_fyi.Columns`.
"""

from __future__ import annotations

import re

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


# A detail of a row's text as read_layoffs_fyi writes it: ". Label: value", up to the next
# detail, the source or the end.
_DETAIL = r"\. {label}: (.+?)(?=\. [A-Z][a-z]+: |\.$|$)"
_STAGE = re.compile(_DETAIL.format(label="Stage"))
_RAISED = re.compile(_DETAIL.format(label="Raised"))
# How layoffs.fyi writes a stage it does not know.
_UNKNOWN_STAGE = "Unknown"


def funding(text: str) -> tuple[str | None, float | None]:
    """The funding stage and the funds raised (US$ millions) that a tracker row's text states
    ("... Stage: Post-IPO. Raised: $108M. ..."), each None when it states none (or an Unknown
    stage, or funds that are not a number). The text is the row's document, so a database
    imported by any release answers alike."""
    stage = match.group(1) if (match := _STAGE.search(text)) else None
    funds = None
    if match := _RAISED.search(text):
        try:
            funds = float(match.group(1).removeprefix("$").removesuffix("M").replace(",", ""))
        except ValueError:
            funds = None  # written as the source had it: not a figure
    return (None if stage == _UNKNOWN_STAGE else stage), funds


def parse(row: Row) -> Record:
    return read_layoffs_fyi(row, COLUMNS, fraction=True)
