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
import html
import io
import re
import sys
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO, Any

from headcount.model import Document, SourceError
from headcount.sources.decoding import SNIFF_BYTES, looks_binary, open_input, size_text
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
    with open_input(path, compressed) as raw:
        head = raw.read(_ENCODING_SNIFF)
        if looks_binary(head[:SNIFF_BYTES]):
            raise Unreadable("binary file, not text")
        raw.seek(0)
        # cp1252 leaves five bytes undefined; "replace" keeps them from ending the file.
        text = io.TextIOWrapper(raw, encoding=_encoding(head), errors="replace", newline="")
        yield from _rows(text, origin, max_bytes)


class CsvProblem(str):
    """Why one CSV record could not be read (a str: the reason, shown as is)."""


class _Replayable:
    """Lines for csv.reader that remembers the lines of the record being read, and can put
    lines back to be read again."""

    def __init__(self, lines: Iterable[str]) -> None:
        self._lines = iter(lines)
        self._pending: deque[str] = deque()
        self.taken: list[str] = []

    def __iter__(self) -> _Replayable:
        return self

    def __next__(self) -> str:
        line = self._pending.popleft() if self._pending else next(self._lines)
        self.taken.append(line)
        return line

    def replay(self, lines: list[str]) -> None:
        self._pending.extendleft(reversed(lines))


def csv_records(
    lines: Iterable[str], *, field_limit: int | None = None, **dialect: Any
) -> Iterator[list[str] | CsvProblem]:
    """The records of CSV text lines (newline="" lines, as csv.reader wants them).

    A quote left open would silently swallow every following line into one cell (up to the
    next quote in the file, or its end). The records are read strictly, so an open quote
    shows up as an error; its record is reported as a CsvProblem and the lines it swallowed
    are read again as records of their own. Other quirks of one line (text after a closing
    quote, as in '"Acme" Corp') are read leniently, as csv.reader reads them by default.
    field_limit raises csv's cell limit (128 KiB) for these reads only: the limit is one
    setting for the whole process, and other readers keep theirs.
    """
    feed = _Replayable(lines)
    reader = csv.reader(feed, strict=True, **dialect)
    while True:
        feed.taken = []
        previous = csv.field_size_limit(field_limit) if field_limit else None
        try:
            try:
                yield next(reader)
                continue
            except StopIteration:
                return
            except csv.Error as error:
                taken = feed.taken
                if len(taken) > 1:
                    feed.replay(taken[1:])
                    swallowed = len(taken) - 1
                    lines_word = "line" if swallowed == 1 else f"{swallowed} lines"
                    yield CsvProblem(
                        f"malformed CSV: a quote opened in this row is never closed ({error}); "
                        f"the {lines_word} after it are read as rows of their own"
                    )
                    continue
                if "unexpected end of data" in str(error):
                    yield CsvProblem("malformed CSV: a quote opened in this row is never closed")
                    continue
                try:
                    yield next(csv.reader(taken, **dialect))
                except csv.Error as lenient_error:
                    yield CsvProblem(f"malformed CSV: {lenient_error}")
        finally:
            if previous is not None:
                csv.field_size_limit(previous)


def _rows(text: IO[str], origin: str, max_bytes: int) -> Iterator[CsvRow | SourceError]:
    header: tuple[str, ...] | None = None
    number = 0
    first = True
    for cells in csv_records(text, field_limit=min(max_bytes, sys.maxsize)):
        if isinstance(cells, CsvProblem):
            number += 1
            yield SourceError(f"{origin}#{number}", f"row {number}: {cells}")
            continue
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
