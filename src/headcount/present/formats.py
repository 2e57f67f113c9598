"""The formats every export shares: field lists from the model, CSV cells, JSON, text tables."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import fields
from typing import Any, Final, TextIO

NONE: Final = "—"
ELLIPSIS: Final = "…"
LIST_SEPARATOR: Final = "; "


def field_order(
    record: type,
    first: Sequence[str] = (),
    last: Sequence[str] = (),
    hidden: Sequence[str] = (),
) -> tuple[str, ...]:
    """The fields of the model dataclass `record` as an export lists them: `first`, then the
    others in the model's order, then `last`; `hidden` ones left out. A new field of the model
    thus appears in every export without being named again. (`first` may name a computed
    property, such as a mention's id.)"""
    names = [f.name for f in fields(record)]
    for name in (*first, *last, *hidden):
        if name not in names and not hasattr(record, name):
            raise ValueError(f"{record.__name__} has no field {name!r}")
    placed = {*first, *last, *hidden}
    return (*first, *(n for n in names if n not in placed), *last)


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


def write_csv(header: Sequence[str], records: Iterable[Mapping[str, Any]], stream: TextIO) -> int:
    """Write a header and one row of csv_cell()s per record; return the number of rows.

    Open files for this with newline="" so the csv module controls line endings (evidence
    sentences may hold newlines)."""
    writer = csv.writer(stream)
    writer.writerow(header)
    count = 0
    for record in records:
        writer.writerow([csv_cell(record[name]) for name in header])
        count += 1
    return count


def write_jsonl(records: Iterable[Mapping[str, Any]], stream: TextIO) -> int:
    """Write one JSON object per line per record; return the number of lines."""
    count = 0
    for record in records:
        stream.write(json.dumps(record, ensure_ascii=False) + "\n")
        count += 1
    return count


def to_json(data: Any) -> str:
    """JSON as the API sends it: compact, non-ASCII characters as themselves."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def truncate(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + ELLIPSIS


def text_table(headers: Sequence[str], rows: Sequence[Sequence[str]], right: Sequence[bool]) -> str:
    """A fixed-width table for a terminal: a header line, a rule, one line per row; columns
    whose `right` is true are right-aligned."""
    widths = [max([len(h)] + [len(row[i]) for row in rows]) for i, h in enumerate(headers)]

    def line(cells: Sequence[str]) -> str:
        padded = (
            cell.rjust(width) if align else cell.ljust(width)
            for cell, width, align in zip(cells, widths, right, strict=True)
        )
        return "  ".join(padded).rstrip()

    out = [line(headers), "  ".join("─" * width for width in widths)]
    out += [line(row) for row in rows]
    return "\n".join(out)
