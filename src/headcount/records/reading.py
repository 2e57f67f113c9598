"""Files to rows: opening (gzip, encodings, binary), CSV and JSON shapes, and which layout a
header belongs to. Every problem becomes a RowError; nothing here raises for bad input.
"""

from __future__ import annotations

import codecs
import io
import itertools
import json
import os
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from headcount.model import SourceKind
from headcount.records.base import (
    Metadata,
    Record,
    RecordKind,
    RecordResult,
    Row,
    RowError,
    RowProblem,
    RowSkipped,
    build,
    column_key,
)
from headcount.sources.csvfile import CsvProblem, csv_records
from headcount.sources.decoding import (
    SNIFF_BYTES,
    decode,
    looks_binary,
    open_input,
    read_file,
    regular_file,
)
from headcount.sources.document import Unreadable
from headcount.sources.jsonl import load_json

_GZIP_MAGIC = b"\x1f\x8b"
# A JSON document has to be read whole; past this it is not a record file anyone exports.
MAX_JSON_BYTES = 500_000_000
_DELIMITERS = (",", "\t", ";")
# Errors a stream can raise part-way: a truncated gzip, a disk error, undecodable UTF-16.
_STREAM_ERRORS = (OSError, EOFError, zlib.error, UnicodeError)
# Layout detection looks at the keys of this many JSON records, enough to see optional ones.
_JSON_KEY_SAMPLE = 50
_HEADER_PREVIEW = 6


@dataclass(frozen=True)
class Layout:
    metadata: Metadata
    parse: Callable[[Row], Record]
    json: bool = False

    @property
    def name(self) -> str:
        return self.metadata["name"]

    def fit(self, columns: set[str]) -> int | None:
        """How many of this layout's columns a header has, or None if it lacks a required one."""
        if not all(column_key(c) in columns for c in self.metadata["required"]):
            return None
        return sum(column_key(c) in columns for c in self.metadata["columns"])


def _choose(
    layouts: Sequence[Layout], kind: RecordKind, names: Iterable[str], *, json: bool
) -> Layout | str:
    """The layout a header belongs to, or the reason none does."""
    columns = {column_key(name) for name in names if name.strip()}
    fits = [(fit, layout) for layout in layouts if layout.json == json
            if (fit := layout.fit(columns)) is not None]  # fmt: skip
    ours = [(fit, layout) for fit, layout in fits if layout.metadata["kind"] == kind]
    if ours:
        return max(ours, key=lambda pair: pair[0])[1]
    if fits:
        other = max(fits, key=lambda pair: pair[0])[1]
        return (
            f"this is a {other.metadata['kind']} file ({other.name} layout), "
            f"not {kind}; import it as {other.metadata['kind']}"
        )
    shown = [name.strip() for name in names if name.strip()]
    preview = ", ".join(repr(name) for name in shown[:_HEADER_PREVIEW])
    more = f", ... ({len(shown):,} named columns)" if len(shown) > _HEADER_PREVIEW else ""
    known = ", ".join(layout.name for layout in layouts if layout.metadata["kind"] == kind)
    return f"unknown {kind} layout: columns {preview or 'none'}{more}; known layouts: {known}"


def _open(path: Path, compressed: bool) -> BinaryIO:
    return open_input(path, compressed)


def _sniff(path: Path) -> tuple[bytes, bool]:
    """The first bytes of the content (gunzipped) and whether the file is gzip."""
    regular_file(path)  # a FIFO would block the open below until something wrote to it
    with path.open("rb") as raw:
        compressed = raw.read(2) == _GZIP_MAGIC
    with _open(path, compressed) as stream:
        return stream.read(SNIFF_BYTES), compressed


def _repaired(lines: Iterable[str]) -> Iterator[str]:
    """Lines read as UTF-8, with any line that is not UTF-8 read again as cp1252 (what Excel on
    Windows writes), so one odd line costs neither the file nor its other lines' accents."""
    for line in lines:
        if not line.isascii():
            try:
                line.encode("utf-8")
            except UnicodeEncodeError:
                raw = line.encode("utf-8", "surrogateescape")
                line = raw.decode("cp1252", errors="replace")
        yield line


def _origin(name: str, row: int) -> str:
    return f"{name}#row={row}"


def _result(layout: Layout, row: Row, name: str, number: int) -> RecordResult:
    origin = _origin(name, number)
    try:
        record = layout.parse(row)
    except RowSkipped as skipped:
        return RowError(origin, number, str(skipped), skipped=skipped.what)
    except RowProblem as problem:
        return RowError(origin, number, str(problem))
    kind: SourceKind = "table" if layout.metadata["kind"] == "layoffs-fyi" else "warn"
    return build(record, origin, number, kind)


def read_records(
    kind: RecordKind, path: str | os.PathLike[str], layouts: Sequence[Layout]
) -> Iterator[RecordResult]:
    file = Path(path)
    name = file.name
    try:
        head, compressed = _sniff(file)
    except Unreadable as error:
        yield RowError(name, 0, f"cannot read: {error}")
        return
    except _STREAM_ERRORS as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        yield RowError(name, 0, f"cannot read: {reason}")
        return
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    elif looks_binary(head):
        yield RowError(name, 0, "binary file, not a table of records")
        return
    else:
        encoding = "utf-8-sig"
    start = head.decode(encoding, errors="ignore").lstrip("\ufeff \t\r\n")
    if not start:
        yield RowError(name, 0, "empty file")
    elif start[0] in "[{":
        yield from _read_json(kind, file, compressed, layouts)
    else:
        yield from _read_csv(kind, file, compressed, encoding, layouts)


def _read_csv(
    kind: RecordKind, file: Path, compressed: bool, encoding: str, layouts: Sequence[Layout]
) -> Iterator[RecordResult]:
    name = file.name
    number = 0
    try:
        with _open(file, compressed) as binary:
            text = io.TextIOWrapper(binary, encoding=encoding, errors="surrogateescape", newline="")
            lines = _repaired(text)
            first = next((line for line in lines if line.strip()), "")
            delimiter = max(_DELIMITERS, key=first.count)
            reader = csv_records(itertools.chain([first], lines), delimiter=delimiter)
            header = next(reader, None)
            if isinstance(header, CsvProblem):
                yield RowError(name, 0, f"unreadable header: {header}")
                return
            if header is None:
                yield RowError(name, 0, "empty file")
                return
            # Excel pads a sheet's header to its last used column; only named columns count.
            while header and not header[-1].strip():
                header.pop()
            layout = _choose(layouts, kind, header, json=False)
            if isinstance(layout, str):
                yield RowError(name, 0, layout)
                return
            width = len(header)
            keys = [column_key(column) for column in header]
            while True:
                number += 1
                cells = next(reader, None)
                if cells is None:
                    return
                if isinstance(cells, CsvProblem):
                    yield RowError(_origin(name, number), number, cells)
                    continue
                if not any(cell.strip() for cell in cells):
                    continue  # a blank line or an empty spreadsheet row holds no record
                stray = sum(1 for cell in itertools.islice(cells, width, None) if cell.strip())
                if stray:
                    yield RowError(
                        _origin(name, number),
                        number,
                        f"{stray} value(s) beyond the {width} named columns; the row is shifted",
                    )
                    continue
                # The first filled cell wins when a header repeats a name (New York's count).
                values: dict[str, str] = {}
                for key, cell in zip(keys, cells, strict=False):
                    if key and not values.get(key, "").strip():
                        values[key] = cell
                yield _result(layout, Row(values, keyed=True), name, number)
    except (Unreadable, *_STREAM_ERRORS) as error:
        # Unreadable: a compressed file that inflates past its bound (see sources.decoding).
        if number == 0:
            yield RowError(name, 0, f"cannot read: {error}")
        else:
            yield RowError(_origin(name, number), number, f"file unreadable from here on: {error}")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return json.dumps(value, ensure_ascii=False)


def _json_records(text: str) -> list[Any] | str:
    """The records of a JSON array, of an object holding one array, or of JSON Lines;
    or the reason there are none."""
    try:
        # load_json refuses JSON nested too deep or too big to parse before json.loads sees it.
        value = load_json(text)
    except (Unreadable, json.JSONDecodeError) as error:
        lines = [line for line in text.splitlines() if line.strip()]
        # JSON Lines: one object a line, where a broken line must not cost the others.
        if len(lines) < 2 or not lines[0].lstrip().startswith("{"):
            if isinstance(error, Unreadable):
                return str(error)
            return f"invalid JSON: {error.msg} (line {error.lineno}, column {error.colno})"
        records: list[Any] = []
        for line in lines:
            try:
                records.append(load_json(line))
            except Unreadable as line_problem:
                records.append(RowProblem(str(line_problem)))
            except json.JSONDecodeError as line_error:
                records.append(RowProblem(f"invalid JSON: {line_error.msg}"))
        return records
    if isinstance(value, list):
        return value
    if isinstance(value, dict):
        arrays = [v for v in value.values() if isinstance(v, list) and v and isinstance(v[0], dict)]
        return arrays[0] if len(arrays) == 1 else [value]
    return f"expected JSON records, got a {type(value).__name__}"


def _read_json(
    kind: RecordKind, file: Path, compressed: bool, layouts: Sequence[Layout]
) -> Iterator[RecordResult]:
    name = file.name
    try:
        text = decode(read_file(file, MAX_JSON_BYTES, compressed=compressed))
    except Unreadable as error:
        yield RowError(name, 0, str(error))
        return
    except _STREAM_ERRORS as error:
        yield RowError(name, 0, f"cannot read: {error}")
        return
    records = _json_records(text)
    if isinstance(records, str):
        yield RowError(name, 0, records)
        return
    keys: set[str] = set()
    for record in itertools.islice((r for r in records if isinstance(r, dict)), _JSON_KEY_SAMPLE):
        keys.update(str(key) for key in record)
    layout = _choose(layouts, kind, sorted(keys), json=True)
    if isinstance(layout, str):
        yield RowError(name, 0, layout)
        return
    for number, record in enumerate(records, start=1):
        if isinstance(record, RowProblem):
            yield RowError(_origin(name, number), number, str(record))
        elif not isinstance(record, dict):
            problem = f"expected a JSON object, got {type(record).__name__}"
            yield RowError(_origin(name, number), number, problem)
        else:
            row = Row({str(key): _cell(value) for key, value in record.items()})
            yield _result(layout, row, name, number)
