"""A bulk run cut into work: cheap reading in one process, documents and claims in many.

The reading pass (`plan`) only splits inputs into units: a line of a JSON Lines file, a row of
a CSV file, a page of a WARC archive, or a whole file of any other kind. It decompresses and
splits, and builds no Document. Units are grouped into tasks of a fixed size, numbered in input
order, and `run_task` (in whichever process or Ray worker) turns a task into its documents,
their claims and its problems. Since the tasks and their numbers depend only on the inputs and
the task size, never on the number of workers, the results are the same however many run, and
"the first N tasks are done" is all a resumed run needs to know.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Literal

from headcount.extract.pipeline import EXTRACTOR_VERSION, extract_document
from headcount.extract.prefilter import may_contain_layoff
from headcount.model import Document, Mention, SourceError
from headcount.sources import file_kind, file_paths, load, url
from headcount.sources.csvfile import CsvRow, csv_rows, row_document
from headcount.sources.decoding import SNIFF_BYTES, looks_binary, open_input, regular_file
from headcount.sources.document import Unreadable
from headcount.sources.jsonl import jsonl_line, jsonl_lines
from headcount.sources.warc import WarcPage, page_documents, warc_pages

#: Units per task: big enough that sending a task costs little next to its work, small enough
#: that the cores finish together and an interrupted run redoes little.
TASK_SIZE = 256
MAX_BYTES = 20_000_000

UnitKind = Literal["file", "jsonl", "csv", "warc", "error"]


@dataclass(frozen=True)
class Unit:
    kind: UnitKind
    origin: str  # the file (or URL) it comes from
    number: int  # its line, row or record number in that file (0 for a whole file)
    payload: str | Unreadable | CsvRow | WarcPage | SourceError | None = None


@dataclass(frozen=True)
class Task:
    index: int  # 0-based, in input order
    units: tuple[Unit, ...]


@dataclass
class DocumentResult:
    """A document that has claims, as a sink stores it."""

    document: Document
    mentions: list[Mention]
    status: str


@dataclass
class TaskResult:
    index: int
    documents: int = 0
    text_bytes: int = 0
    passed_prefilter: int = 0
    claims: int = 0
    with_claims: list[DocumentResult] = field(default_factory=list)
    problems: list[SourceError] = field(default_factory=list)

    def count_written(self, written: list[DocumentResult], claims: int) -> None:
        """Make the claim counts those a sink wrote: a document read twice (the same article
        in two files, or already stored) is stored once, so its claims count once."""
        self.with_claims = written
        self.claims = claims


# --- reading: inputs -> units -> tasks -----------------------------------------------------


def input_files(inputs: Iterable[str]) -> Iterator[str | SourceError]:
    """The files (and URLs) the inputs name, in the order `load` would read them."""
    for item in inputs:
        if item == "-":
            yield SourceError("<stdin>", "batch reads files, not stdin (use `headcount ingest -`)")
        elif url.is_url(item):
            yield item
        elif "://" in item:
            yield SourceError(item, f"unsupported URL scheme {item.split('://', 1)[0]!r}")
        else:
            yield from file_paths(item)


def fingerprint(files: Sequence[str | SourceError], *parts: object) -> str:
    """What identifies a run: its files as they are now (size and time changed) and settings."""
    digest = hashlib.sha256()
    for item in files:
        if isinstance(item, SourceError):
            digest.update(f"error {item}\n".encode())
            continue
        try:
            stat = os.stat(item)
            digest.update(f"{item}\t{stat.st_size}\t{stat.st_mtime_ns}\n".encode())
        except OSError:
            digest.update(f"{item}\tmissing\n".encode())
    digest.update(json.dumps([str(part) for part in parts]).encode())
    return digest.hexdigest()[:20]


def plan(files: Iterable[str | SourceError], max_bytes: int = MAX_BYTES) -> Iterator[Unit]:
    """Every unit of work in the files, in input order; unreadable inputs become error units."""
    for item in files:
        if isinstance(item, SourceError):
            yield Unit("error", item.origin, 0, item)
            continue
        if url.is_url(item):
            yield Unit("file", item, 0)
            continue
        try:
            yield from _file_units(item, max_bytes)
        except Exception as error:
            yield Unit("error", item, 0, SourceError(item, _reason(error)))


def _reason(error: Exception) -> str:
    if isinstance(error, Unreadable):
        return str(error)
    if isinstance(error, FileNotFoundError):
        return "no such file or directory"
    if isinstance(error, PermissionError):
        return "permission denied"
    if isinstance(error, OSError):
        return (error.strerror or str(error)).lower()
    if isinstance(error, EOFError):
        return f"corrupt gzip file: {error}"
    return f"unexpected error: {type(error).__name__}: {error}"


def _file_units(item: str, max_bytes: int) -> Iterator[Unit]:
    path = Path(item)
    # A missing file is reported as missing whatever its name; a FIFO is never opened.
    regular_file(path)
    kind, compressed = file_kind(path)
    if kind == "jsonl":
        with open_input(path, compressed) as stream:
            if looks_binary(stream.read(SNIFF_BYTES)):
                raise Unreadable("binary file, not text")
            stream.seek(0)
            found = False
            for number, line in enumerate(jsonl_lines(stream, max_bytes), start=1):
                if isinstance(line, str) and not line.strip():
                    continue
                found = True
                yield Unit("jsonl", item, number, line)
            if not found:
                yield Unit("error", item, 0, SourceError(item, "empty document"))
    elif kind == "csv":
        for row in csv_rows(path, compressed=compressed, max_bytes=max_bytes):
            if isinstance(row, SourceError):
                yield Unit("error", item, 0, row)
            else:
                yield Unit("csv", item, row.number, row)
    elif kind == "warc":
        for page in warc_pages(path, max_bytes=max_bytes):
            if isinstance(page, SourceError):
                yield Unit("error", item, 0, page)
            else:
                yield Unit("warc", item, 0, page)
    else:
        yield Unit("file", item, 0)


def tasks(units: Iterable[Unit], size: int = TASK_SIZE) -> Iterator[Task]:
    batch: list[Unit] = []
    index = 0
    for unit in units:
        batch.append(unit)
        if len(batch) >= size:
            yield Task(index, tuple(batch))
            index += 1
            batch = []
    if batch:
        yield Task(index, tuple(batch))


# --- working: task -> documents and claims -------------------------------------------------


def _documents(
    unit: Unit, published: date | None, max_bytes: int
) -> Iterator[Document | SourceError]:
    payload = unit.payload
    if unit.kind == "error":
        assert isinstance(payload, SourceError)
        yield payload
    elif unit.kind == "jsonl":
        assert isinstance(payload, (str, Unreadable))
        result = jsonl_line(payload, unit.number, unit.origin, published, None)
        if result is not None:
            yield result
    elif unit.kind == "csv":
        assert isinstance(payload, CsvRow)
        yield row_document(payload, published)
    elif unit.kind == "warc":
        assert isinstance(payload, WarcPage)
        yield from page_documents(payload, published)
    else:
        yield from load([unit.origin], published, max_bytes=max_bytes)


def run_task(task: Task, published: date | None = None, max_bytes: int = MAX_BYTES) -> TaskResult:
    """Read, prefilter and extract every document of a task; keep what has claims."""
    result = TaskResult(task.index)
    for unit in task.units:
        try:
            for item in _documents(unit, published, max_bytes):
                if isinstance(item, SourceError):
                    result.problems.append(item)
                    continue
                _extract(item, result)
        except Exception as error:
            # One odd input must not end a run of millions: it is reported like a bad file.
            where = f"{unit.origin}#{unit.number}" if unit.number else unit.origin
            result.problems.append(SourceError(where, _reason(error)))
    return result


def _extract(doc: Document, result: TaskResult) -> None:
    result.documents += 1
    result.text_bytes += len(doc.text.encode("utf-8"))
    # Counted apart from extraction (which runs it too) so the share is known even for
    # documents extraction skips for their language.
    result.passed_prefilter += may_contain_layoff(doc.text)
    extraction = extract_document(doc)
    if extraction.mentions:
        result.claims += len(extraction.mentions)
        result.with_claims.append(DocumentResult(doc, extraction.mentions, extraction.status))


def warm_up() -> None:
    """Load what extraction loads lazily (automaton, NER model): once per worker process."""
    text = "Acme Corp said on Monday it will cut 1,200 jobs at its plant in Ohio."
    extract_document(Document.create(text, "warm-up", language="en"))


_NUMBERED = re.compile(r"^(?:line|row|record|item) \d+: ")


def problem_kind(problem: SourceError) -> str:
    """A problem's reason without its position, to count problems of a kind together."""
    return _NUMBERED.sub("", problem.reason)


__all__ = [
    "EXTRACTOR_VERSION",
    "MAX_BYTES",
    "TASK_SIZE",
    "DocumentResult",
    "Task",
    "TaskResult",
    "Unit",
    "fingerprint",
    "input_files",
    "plan",
    "problem_kind",
    "run_task",
    "tasks",
    "warm_up",
]
