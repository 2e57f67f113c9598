"""Claims out of the store: CSV and JSON Lines for other tools, a text table for people."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Final, TextIO

from headcount.model import Mention

# Provenance first (which claim, which document), then the claim, then its evidence.
CLAIM_FIELDS: Final[tuple[str, ...]] = (
    "id",
    "document_id",
    "doc",
    "company",
    "employer_text",
    "parent",
    "canonical",
    "kind",
    "headcount_min",
    "headcount_max",
    "approx",
    "percent",
    "date",
    "date_precision",
    "units",
    "locations",
    "reason",
    "evidence",
    "evidence_start",
    "evidence_end",
    "extractor_version",
    "confidence",
)

LIST_SEPARATOR: Final = "; "


def _record(mention: Mention) -> dict[str, Any]:
    data = mention.to_dict()
    return {name: data[name] for name in CLAIM_FIELDS}


# A spreadsheet runs a cell that starts with one of these as a formula ("CSV injection"), so
# text that does is written with a leading apostrophe, which spreadsheets show as text.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> str:
    """One value as a CSV cell, the same in every CSV export: empty for absent values,
    lowercase booleans, lists joined with "; ", and text that a spreadsheet would run as a
    formula neutralised. Numbers are written as they are (a negative number is no formula)."""
    if value is None:
        return ""
    # Lowercase like JSON, so the two exports read the same and spreadsheets don't localize it.
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    text = LIST_SEPARATOR.join(str(v) for v in value) if isinstance(value, list) else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def mentions_to_csv(mentions: Iterable[Mention], stream: TextIO) -> int:
    """Write a header and one row per claim; return the number of rows.

    Open files for this with newline="" so the csv module controls line endings (evidence
    sentences may hold newlines). Absent values are empty cells; lists are joined with "; ".
    """
    writer = csv.writer(stream)
    writer.writerow(CLAIM_FIELDS)
    count = 0
    for mention in mentions:
        writer.writerow([csv_cell(value) for value in _record(mention).values()])
        count += 1
    return count


def mentions_to_jsonl(mentions: Iterable[Mention], stream: TextIO) -> int:
    """Write one JSON object per line per claim, with every field; return the number of lines."""
    count = 0
    for mention in mentions:
        stream.write(json.dumps(_record(mention), ensure_ascii=False) + "\n")
        count += 1
    return count


NONE: Final = "—"
ELLIPSIS: Final = "…"


def format_headcount(mention: Mention) -> str:
    """The headcount as a person would write it: 1,000 / ~1,000 / 200–900 / ≥7,500 / ≤2,500 / —."""
    low, high = mention.headcount_min, mention.headcount_max
    if low is not None and high is not None:
        text = f"{low:,}" if low == high else f"{low:,}–{high:,}"
        return f"~{text}" if mention.approx else text
    # An open bound already says "not exact", so "≥~7,500" would add nothing but noise.
    if low is not None:
        return f"≥{low:,}"
    if high is not None:
        return f"≤{high:,}"
    return NONE


def format_percent(percent: float | None) -> str:
    if percent is None:
        return NONE
    return f"{percent:.2f}".rstrip("0").rstrip(".") + "%"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _truncate(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + ELLIPSIS


# (header, cell, widest the column may grow, right-aligned)
_Column = tuple[str, Callable[[Mention], str], int, bool]

_COLUMNS: Final[Sequence[_Column]] = (
    ("date", lambda m: m.date or NONE, 10, False),
    ("company", lambda m: m.company or m.employer_text or NONE, 24, False),
    ("kind", lambda m: m.kind, 10, False),
    ("headcount", format_headcount, 15, True),
    ("percent", lambda m: format_percent(m.percent), 7, True),
    ("units", lambda m: ", ".join(m.units), 24, False),
    ("locations", lambda m: ", ".join(m.locations), 24, False),
    ("reason", lambda m: m.reason or "", 40, False),
)


#: The column `format_table(..., confidence=True)` adds: claims below the threshold are shown
#: beside the others, so each says how sure the extractor was.
_CONFIDENCE_COLUMN: Final[_Column] = ("confidence", lambda m: f"{m.confidence:.2f}", 10, True)


def format_table(mentions: Iterable[Mention], confidence: bool = False) -> str:
    """A fixed-width table of claims for a terminal; long cells end in "…". `confidence`
    adds a column with each claim's confidence."""
    columns = [*_COLUMNS, _CONFIDENCE_COLUMN] if confidence else list(_COLUMNS)
    rows = [
        [_truncate(_one_line(cell(m)), limit) for _, cell, limit, _ in columns] for m in mentions
    ]
    headers = [header for header, *_ in columns]
    widths = [
        max([len(header)] + [len(row[i]) for row in rows]) for i, header in enumerate(headers)
    ]
    right = [align for *_, align in columns]

    def line(cells: Sequence[str]) -> str:
        padded = (
            cell.rjust(width) if align else cell.ljust(width)
            for cell, width, align in zip(cells, widths, right, strict=True)
        )
        return "  ".join(padded).rstrip()

    out = [line(headers), "  ".join("─" * width for width in widths)]
    out += [line(row) for row in rows]
    return "\n".join(out)
