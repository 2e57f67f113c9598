"""JSON and JSON Lines records: one document per object.

A record holds its article in "text" (or "body"), and optionally "title", "url", "outlet",
"published" (or "date") and "id". Each record stands alone: a broken line or record is
reported with its position and the rest of the file still loads.
"""

from __future__ import annotations

import email.utils
import html
import json
import re
from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any, Protocol

from headcount.model import Document, SourceError
from headcount.sources.decoding import Limits, decode, size_text
from headcount.sources.document import Unreadable, build_document

_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[T ]|$)")
# Reuters-21578: "26-FEB-1987 15:17:11.20"
_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})-([A-Za-z]{3})-(\d{4})\b")
_MONTHS = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
        start=1,
    )
}


def parse_date(value: str) -> date | None:
    """The calendar date of a YYYY-MM-DD, ISO datetime, Reuters or RFC 2822 date; else None.

    A datetime's date is taken as written, not converted to UTC: the publisher's own calendar
    day is the one its "today" and "yesterday" refer to.
    """
    value = value.strip()
    try:
        if match := _ISO_DATE.match(value):
            year, month, day = (int(group) for group in match.groups())
            return date(year, month, day)
        if match := _DAY_MONTH_YEAR.match(value):
            named_month = _MONTHS.get(match.group(2).lower())
            if named_month is None:
                return None
            return date(int(match.group(3)), named_month, int(match.group(1)))
        parsed = email.utils.parsedate_to_datetime(value)
    except (ValueError, TypeError, IndexError):
        return None
    return parsed.date()


def _string(record: dict[str, Any], *keys: str) -> str | None:
    for key in keys:
        value = record.get(key)
        if isinstance(value, str) and value.strip():
            return value
    return None


def _record_document(
    record: object, base: str, where: str, position: str, published: date | None, url: str | None
) -> Document | SourceError:
    """where names the record in messages ("line 3"); position stands in for a missing id."""
    prefix = f"{where}: " if where else ""
    record_id = record.get("id") if isinstance(record, dict) else None
    if isinstance(record_id, (str, int)) and not isinstance(record_id, bool) and str(record_id):
        origin = f"{base}#{record_id}"
    else:
        origin = f"{base}#{position}" if position else base
    if not isinstance(record, dict):
        return SourceError(origin, f"{prefix}expected a JSON object, got {type(record).__name__}")
    # Wire archives keep HTML entities in their text ("&lt;IBM>"); JSON has no markup of its
    # own, so unescaping cannot damage anything.
    body = html.unescape(_string(record, "text", "body") or "")
    title = _string(record, "title")
    if not body and not title:
        return SourceError(origin, f'{prefix}no text (expected a "text" or "body" field)')
    date_text = _string(record, "published", "date")
    return build_document(
        body,
        origin,
        title=html.unescape(title) if title else None,
        url=_string(record, "url") or url,
        outlet=_string(record, "outlet"),
        published=(parse_date(date_text) if date_text else None) or published,
    )


# A JSON string, escapes included: brackets inside one are text, not structure.
_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
_BRACKET = re.compile(r"[\[\]{}]")


def json_shape_problem(text: str, limits: Limits | None = None) -> str | None:
    """Why text would cost too much to parse as JSON (nested too deep, too many arrays and
    objects), or None. Checked before json.loads, whose recursion would raise RecursionError on
    deep nesting and whose objects would fill memory (see Limits)."""
    limits = limits or Limits.from_env()
    bound = min(limits.json_depth, limits.json_containers)
    # Fast path for ordinary records: no deeper, and no more containers, than brackets.
    if text.count("{") + text.count("[") <= bound:
        return None
    structure = _JSON_STRING.sub('""', text)
    opened = structure.count("{") + structure.count("[")
    if opened > limits.json_containers:
        return (
            f"more than {limits.json_containers:,} JSON arrays and objects "
            "(HEADCOUNT_MAX_JSON_CONTAINERS raises the limit)"
        )
    if opened <= limits.json_depth:
        return None
    depth = 0
    for bracket in _BRACKET.findall(structure):
        if bracket in "[{":
            depth += 1
            if depth > limits.json_depth:
                return (
                    f"JSON nested deeper than {limits.json_depth} levels "
                    "(HEADCOUNT_MAX_JSON_DEPTH raises the limit)"
                )
        else:
            depth -= 1
    return None


def load_json(text: str) -> Any:
    """json.loads(text), with a value too costly to parse refused as Unreadable first."""
    problem = json_shape_problem(text)
    if problem is not None:
        raise Unreadable(problem)
    try:
        return json.loads(text)
    except RecursionError:
        # Only reachable when HEADCOUNT_MAX_JSON_DEPTH is set above Python's recursion limit.
        raise Unreadable("JSON nested deeper than Python can parse") from None


def _json_problem(error: json.JSONDecodeError) -> str:
    # json's messages are made to be followed by a position ("Invalid control character at").
    problem = error.msg.removesuffix(" at").removesuffix(" starting")
    return problem[:1].lower() + problem[1:]


def parse_json(
    text: str, origin: str, *, published: date | None = None, url: str | None = None
) -> Iterator[Document | SourceError]:
    """A .json file: one object, or an array of objects. JSON Lines under a .json name loads too."""
    try:
        value = load_json(text)
    except Unreadable as error:
        yield SourceError(origin, str(error))
        return
    except json.JSONDecodeError as error:
        if error.msg == "Extra data":
            # A valid value followed by more: JSON Lines saved as .json, which is common.
            yield from parse_jsonl(text, origin, published=published, url=url)
            return
        where = f"line {error.lineno}, column {error.colno}"
        yield SourceError(origin, f"invalid JSON: {_json_problem(error)} ({where})")
        return
    if isinstance(value, list):
        if not value:
            yield SourceError(origin, "empty document")
        for index, item in enumerate(value, start=1):
            yield _record_document(item, origin, f"item {index}", str(index), published, url)
    else:
        yield _record_document(value, origin, "", "", published, url)


def parse_jsonl(
    text: str, origin: str, *, published: date | None = None, url: str | None = None
) -> Iterator[Document | SourceError]:
    """JSON Lines already in memory (from stdin or a URL)."""
    # Not splitlines(): JSON strings may hold U+2028 and other characters it would split on.
    yield from _records(text.split("\n"), origin, published, url)


class LineReadable(Protocol):
    """A binary stream read line by line: an open file or a gzip stream."""

    def readline(self, size: int = -1, /) -> bytes: ...


def read_jsonl(
    stream: LineReadable, origin: str, *, published: date | None = None, max_bytes: int
) -> Iterator[Document | SourceError]:
    """JSON Lines streamed from a file of any size; max_bytes limits each line, not the file."""
    yield from _records(_lines(stream, max_bytes), origin, published, None)


# Lines are read in pieces of this size while skipping the rest of an over-long one.
_SKIP_CHUNK = 1 << 20


def _lines(stream: LineReadable, max_bytes: int) -> Iterator[str | Unreadable]:
    while line := stream.readline(max_bytes + 1):
        if len(line) > max_bytes and not line.endswith(b"\n"):
            while (rest := stream.readline(_SKIP_CHUNK)) and not rest.endswith(b"\n"):
                pass
            yield Unreadable(f"too large: more than {size_text(max_bytes)} limit")
            continue
        try:
            yield line.decode("utf-8")
        except UnicodeDecodeError:
            try:
                yield decode(line)
            except Unreadable as error:
                yield error


def _records(
    lines: Iterable[str | Unreadable], origin: str, published: date | None, url: str | None
) -> Iterator[Document | SourceError]:
    found = False
    for number, line in enumerate(lines, start=1):
        result = jsonl_line(line, number, origin, published, url)
        if result is not None:
            found = True
            yield result
    if not found:
        yield SourceError(origin, "empty document")


def jsonl_lines(stream: LineReadable, max_bytes: int) -> Iterator[str | Unreadable]:
    """The decoded lines of a JSON Lines stream (line number = position + 1), each capped at
    max_bytes: what `jsonl_line` turns into documents, one line at a time (in another process,
    for a bulk run)."""
    return _lines(stream, max_bytes)


def jsonl_line(
    line: str | Unreadable, number: int, origin: str, published: date | None, url: str | None
) -> Document | SourceError | None:
    """The document on line `number` of a JSON Lines file, its error, or None for a blank line."""
    if isinstance(line, Unreadable):
        return SourceError(f"{origin}#{number}", f"line {number}: {line}")
    # The line end goes, or a record cut off inside a string reports a "control character".
    line = line.rstrip("\r\n")
    if number == 1:
        line = line.removeprefix("\ufeff")
    if not line.strip():
        return None
    try:
        record = load_json(line)
    except Unreadable as error:
        return SourceError(f"{origin}#{number}", f"line {number}: {error}")
    except json.JSONDecodeError as error:
        reason = f"line {number}: invalid JSON: {_json_problem(error)} (column {error.colno})"
        return SourceError(f"{origin}#{number}", reason)
    return _record_document(record, origin, f"line {number}", str(number), published, url)
