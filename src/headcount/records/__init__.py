"""Structured layoff records (layoffs.fyi-style tables, WARN notices) -> Documents and Mentions.

One module per record source, each with a METADATA dict (name, kind, description, source_url,
columns, required) and a `parse(row) -> Record`; a state's own WARN export is described by a
`warn.WarnExport` instead, which gives both, so adding a state is describing its columns. `import_records` recognizes the layout from a
CSV header (or a JSON file's keys) and turns every row into an ImportedRow: a Document whose
text is a one-line rendering of the row (so its id is stable across re-imports and changes when
the row is edited) and the one claim it makes. A row that cannot be read becomes a RowError with
its number; a file that cannot be read at all becomes one RowError with row 0. No input
raises.

Rows are numbered from 1 after the header (the n-th record, not the n-th line: cells may hold
line breaks); JSON records from 1 in file order.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from typing import get_args

from headcount.records import (
    layoffs_fyi_classic,
    layoffs_fyi_kaggle,
    layoffs_fyi_native,
    multisource,
    warn_ca,
    warn_ny,
    warn_register,
    warn_tx,
    warn_va,
    warn_wa,
)
from headcount.records.base import (
    EXTRACTOR_VERSION,
    ImportedRow,
    Metadata,
    RecordKind,
    RecordResult,
    RowError,
)
from headcount.records.reading import Layout, read_records

__all__ = [
    "EXTRACTOR_VERSION",
    "LAYOUTS",
    "RECORD_FILE_KINDS",
    "ImportedRow",
    "Metadata",
    "RecordKind",
    "RecordResult",
    "RowError",
    "import_records",
]

_LAYOUTS = (
    Layout(layoffs_fyi_kaggle.METADATA, layoffs_fyi_kaggle.parse),
    Layout(layoffs_fyi_native.METADATA, layoffs_fyi_native.parse),
    Layout(layoffs_fyi_classic.METADATA, layoffs_fyi_classic.parse),
    Layout(multisource.METADATA, multisource.parse, json=True),
    Layout(warn_register.METADATA, warn_register.parse),
    Layout(warn_ca.EXPORT.metadata, warn_ca.EXPORT.parse),
    Layout(warn_ny.EXPORT.metadata, warn_ny.EXPORT.parse),
    Layout(warn_tx.EXPORT.metadata, warn_tx.EXPORT.parse),
    Layout(warn_va.EXPORT.metadata, warn_va.EXPORT.parse),
    Layout(warn_wa.EXPORT.metadata, warn_wa.EXPORT.parse),
)

#: What a file given to import_records may hold (RecordKind): named apart from model.KINDS, the
#: kinds of claim.
RECORD_FILE_KINDS: tuple[RecordKind, ...] = get_args(RecordKind)
# Every recognized layout by name, for listing them (`headcount records --layouts`).
LAYOUTS: Mapping[str, Metadata] = {layout.name: layout.metadata for layout in _LAYOUTS}


def import_records(kind: RecordKind, path: str | os.PathLike[str]) -> Iterator[RecordResult]:
    """Every row of the file at path as an ImportedRow, or a RowError saying why not.

    kind says what the file should hold: "layoffs-fyi" (tracker tables and the multi-tracker
    JSON) or "warn" (WARN notices). An unknown kind is a caller's mistake and raises ValueError.
    """
    if kind not in RECORD_FILE_KINDS:
        raise ValueError(f"kind must be one of {', '.join(RECORD_FILE_KINDS)}, got {kind!r}")
    return read_records(kind, path, _LAYOUTS)
