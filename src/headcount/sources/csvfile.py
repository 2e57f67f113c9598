"""CSV files of articles: one document per row.

A first row that names a text or title column ("text", "body", "content", "description",
"title", "headline", ...) is a header, and the columns are read by name: also "url"/"link",
"published"/"date", "outlet"/"publisher" and "id". Without such a header (as in the AG News
export: class, title, description) each row is read by position: cells that are only a number
(a class label, a row number) are left out, the first remaining cell is the title and the rest
is the body.

Rows are streamed, so a file of any size can be read; each row is capped at max_bytes, and a
bad row is reported by its number while the rest of the file still loads.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import html
import io
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO

from headcount.model import Document, SourceError
from headcount.sources.decoding import SNIFF_BYTES, looks_binary, size_text
from headcount.sources.document import Unreadable, build_document
from headcount.sources.jsonl import parse_date

TEXT_COLUMNS = ("text", "body", "content", "article", "description", "story", "summary")
TITLE_COLUMNS = ("title", "headline")
URL_COLUMNS = ("url", "link")
DATE_COLUMNS = ("published", "published_at", "date", "pubdate")
OUTLET_COLUMNS = ("outlet", "publisher", "site")
ID_COLUMNS = ("id", "doc_id")

_NUMBER = re.compile(r"^\s*-?\d+(?:\.\d+)?\s*$")
# Sniffing the encoding: enough of the file to meet its first non-ASCII letters.
_ENCODING_SNIFF = 1 << 16


@dataclass(frozen=True)
class CsvRow:
    """One data row of a CSV file, as read by the (cheap) streaming pass."""

    origin: str  # the file
    number: int  # data rows counted from 1; the header row is not counted
    cells: tuple[str, ...]
    header: tuple[str, ...] | None  # lower-cased column names, when the file has a header


def _is_header(cells: list[str]) -> bool:
    names = {cell.strip().lower() for cell in cells}
    return bool(names.intersection(TEXT_COLUMNS + TITLE_COLUMNS))


def _encoding(head: bytes) -> str:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        # A multi-byte letter cut by the end of the sample is not a reason to doubt UTF-8.
        if error.start < len(head) - 4:
            return "cp1252"
    return "utf-8"


def csv_rows(path: Path, *, compressed: bool, max_bytes: int) -> Iterator[CsvRow | SourceError]:
    """The rows of a CSV file, each capped at max_bytes, without building documents."""
    origin = str(path)
    with gzip.open(path, "rb") if compressed else path.open("rb") as raw:
        head = raw.read(_ENCODING_SNIFF)
        if looks_binary(head[:SNIFF_BYTES]):
            raise Unreadable("binary file, not text")
        raw.seek(0)
        # cp1252 leaves five bytes undefined; "replace" keeps them from ending the file.
        text = io.TextIOWrapper(
            raw, encoding=_encoding(head), errors="replace", newline=""
        )
        yield from _rows(text, origin, max_bytes)


def _rows(text: IO[str], origin: str, max_bytes: int) -> Iterator[CsvRow | SourceError]:
    reader = csv.reader(text)
    header: tuple[str, ...] | None = None
    number = 0
    first = True
    limit = min(max_bytes, sys.maxsize)
    while True:
        # The csv module's field limit (128 KiB by default) would refuse long articles. It is
        # one setting for the whole process, so it is raised for each row read here only, and
        # other readers of CSV (the record importers) keep theirs.
        previous = csv.field_size_limit(limit)
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            number += 1
            yield SourceError(f"{origin}#{number}", f"row {number}: malformed CSV: {error}")
            continue
        finally:
            csv.field_size_limit(previous)
        if first:
            first = False
            if _is_header(cells):
                header = tuple(cell.strip().lower() for cell in cells)
                continue
        if not any(cell.strip() for cell in cells):
            continue
        number += 1
        size = sum(len(cell) for cell in cells)
        if size > max_bytes:
            reason = f"row {number}: too large: more than {size_text(max_bytes)} limit"
            yield SourceError(f"{origin}#{number}", reason)
            continue
        yield CsvRow(origin, number, tuple(cells), header)
    if first:
        yield SourceError(origin, "empty document")


def _cell(row: CsvRow, names: tuple[str, ...]) -> str | None:
    assert row.header is not None
    for name in names:
        if name in row.header:
            index = row.header.index(name)
            if index < len(row.cells) and row.cells[index].strip():
                return row.cells[index]
    return None


def row_document(row: CsvRow, published: date | None = None) -> Document | SourceError:
    """The document of one CSV row, or why there is none."""
    url: str | None = None
    outlet: str | None = None
    date_text: str | None = None
    record_id: str | None = None
    if row.header is not None:
        title = _cell(row, TITLE_COLUMNS)
        body = _cell(row, TEXT_COLUMNS) or ""
        url = _cell(row, URL_COLUMNS)
        outlet = _cell(row, OUTLET_COLUMNS)
        date_text = _cell(row, DATE_COLUMNS)
        record_id = _cell(row, ID_COLUMNS)
    else:
        texts = [cell for cell in row.cells if cell.strip() and not _NUMBER.match(cell)]
        title = texts[0] if len(texts) > 1 else None
        body = "\n\n".join(texts[1:] if len(texts) > 1 else texts)
    origin = f"{row.origin}#{record_id.strip() if record_id else row.number}"
    if not body.strip() and not (title and title.strip()):
        return SourceError(origin, f"row {row.number}: no text")
    # Exports of web news keep HTML entities ("&lt;", "&amp;"); CSV has no markup of its own,
    # so unescaping cannot damage anything.
    return build_document(
        html.unescape(body),
        origin,
        title=html.unescape(title) if title else None,
        url=url,
        outlet=outlet,
        published=(parse_date(date_text) if date_text else None) or published,
    )


def read_csv(
    path: Path, *, compressed: bool, published: date | None, max_bytes: int
) -> Iterator[Document | SourceError]:
    """Every row of a CSV file as a Document, or a SourceError naming the row."""
    for row in csv_rows(path, compressed=compressed, max_bytes=max_bytes):
        yield row if isinstance(row, SourceError) else row_document(row, published)
