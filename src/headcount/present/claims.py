"""Claims for other tools (CSV, JSON Lines) and for people (a text table)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, Final, TextIO

from headcount.model import Mention
from headcount.present import formats
from headcount.present.figures import format_percent, format_range

#: The fields of a claim in its exports: provenance first (which claim, which document), then
#: the claim, then its evidence, in the order of model.Mention.
CLAIM_FIELDS: Final[tuple[str, ...]] = formats.field_order(
    Mention, first=("id", "document_id", "doc", "company")
)


def claim_record(mention: Mention) -> dict[str, Any]:
    """The JSON shape of a claim: the fields of CLAIM_FIELDS."""
    data = mention.to_dict()
    return {name: data[name] for name in CLAIM_FIELDS}


def _records(mentions: Iterable[Mention]) -> Iterator[dict[str, Any]]:
    return (claim_record(mention) for mention in mentions)


def mentions_to_csv(mentions: Iterable[Mention], stream: TextIO) -> int:
    """Write a header and one row per claim; return the number of rows.

    Open files for this with newline="" so the csv module controls line endings (evidence
    sentences may hold newlines). Absent values are empty cells; lists are joined with "; ".
    """
    return formats.write_csv(CLAIM_FIELDS, _records(mentions), stream)


def mentions_to_jsonl(mentions: Iterable[Mention], stream: TextIO) -> int:
    """Write one JSON object per line per claim, with every field; return the number of lines."""
    return formats.write_jsonl(_records(mentions), stream)


def format_headcount(mention: Mention) -> str:
    """The headcount as a person would write it: 1,000 / ~1,000 / 200–900 / ≥7,500 / ≤2,500 / —."""
    return format_range(mention.headcount_min, mention.headcount_max, mention.approx)


def _one_line(text: str) -> str:
    return " ".join(text.split())


# (header, cell, widest the column may grow, right-aligned)
_Column = tuple[str, Callable[[Mention], str], int, bool]

_COLUMNS: Final[Sequence[_Column]] = (
    ("date", lambda m: m.date or formats.NONE, 10, False),
    ("company", lambda m: m.company or m.employer_text or formats.NONE, 24, False),
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
        [formats.truncate(_one_line(cell(m)), limit) for _, cell, limit, _ in columns]
        for m in mentions
    ]
    return formats.text_table([c[0] for c in columns], rows, [c[3] for c in columns])
