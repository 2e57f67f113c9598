"""Running the pipeline over inputs: extract only, or extract and store.

Bad inputs never stop a run: each becomes a reported problem and the rest goes on.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timezone
from importlib import resources
from pathlib import Path

from headcount.extract.pipeline import PARTLY_READ, Extraction, extract_document
from headcount.model import Document, Mention, SourceError
from headcount.records import ImportedRow, RecordKind, RowError, import_records
from headcount.records.base import EXTRACTOR_VERSION as RECORDS_VERSION
from headcount.sources import load
from headcount.store import Store


@dataclass
class RunReport:
    documents: int = 0
    new_documents: int = 0
    claims: int = 0
    new_claims: int = 0
    skipped: list[str] = field(default_factory=list)  # documents read but not extracted, why
    partly: list[str] = field(default_factory=list)  # documents extracted from their opening only
    problems: list[SourceError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def sample_paths() -> list[str]:
    """The articles bundled with the package, for `make run` and first contact."""
    root = resources.files("headcount") / "sample_data"
    return sorted(
        str(Path(str(root)) / p.name) for p in root.iterdir() if p.name.endswith(".jsonl")
    )


def extract_inputs(
    inputs: Iterable[str], published: date | None = None, report: RunReport | None = None
) -> Iterator[Extraction]:
    """Documents from the inputs with their claims; problems are collected in `report`."""
    report = report if report is not None else RunReport()
    for item in load(inputs, published):
        if isinstance(item, SourceError):
            report.problems.append(item)
            continue
        report.documents += 1
        extraction = extract_document(item)
        if extraction.status.startswith("skipped"):
            report.skipped.append(f"{item.origin}: {extraction.status}")
        elif extraction.status.startswith(PARTLY_READ):
            report.partly.append(f"{item.origin}: {extraction.status}")
        report.claims += len(extraction.mentions)
        yield extraction


def ingest_inputs(store: Store, inputs: Iterable[str], published: date | None = None) -> RunReport:
    """Store documents and their claims; what is already stored is not added again."""
    report = RunReport()
    for extraction in extract_inputs(inputs, published, report):
        store_extraction(store, extraction.document, extraction, report)
    return report


def store_extraction(
    store: Store, doc: Document, extraction: Extraction, report: RunReport
) -> None:
    """Store one document with its claims and extraction status in one transaction."""
    with store.transaction():
        if store.add_document(doc):
            report.new_documents += 1
        store.add_document_origin(doc.id, doc.origin)
        report.new_claims += store.add_mentions(extraction.mentions)
        store.record_extraction(doc.id, extraction.extractor_version, extraction.status, None)


#: Rows stored per transaction by import_file.
IMPORT_BATCH = 500


@dataclass
class ImportReport:
    rows: int = 0
    new_documents: int = 0
    new_claims: int = 0
    row_errors: list[RowError] = field(default_factory=list)
    # Rows a layout leaves out on purpose (stale listings), by what they are: not errors.
    skipped: Counter[str] = field(default_factory=Counter)

    def skipped_summary(self) -> str | None:
        """One line for every row skipped on purpose ("1,368 stale WA listings skipped")."""
        if not self.skipped:
            return None
        return ", ".join(f"{n:,} {what} skipped" for what, n in sorted(self.skipped.items()))

    @property
    def file_failed(self) -> bool:
        """A whole-file problem (row 0), as opposed to individual bad rows."""
        return any(e.row == 0 for e in self.row_errors)


def import_file(store: Store, kind: RecordKind, path: str) -> ImportReport:
    """Store each good row of a layoffs.fyi table or WARN file as a document and its claim;
    bad rows are reported by number and skipped; re-importing adds nothing."""
    report = ImportReport()
    # One time for the whole file: the resolver tells the rows of one import (a table that
    # lists a company twice on one day) from a later import of an edited copy by it.
    imported_at = datetime.now(timezone.utc)
    batch: list[tuple[Document, list[Mention], str | None, str | None]] = []

    def flush() -> None:
        documents, claims = store.add_imported(batch, RECORDS_VERSION)
        report.new_documents += documents
        report.new_claims += claims
        batch.clear()

    for result in import_records(kind, path):
        if isinstance(result, RowError):
            if result.skipped is not None:
                report.skipped[result.skipped] += 1
            else:
                report.row_errors.append(result)
            continue
        assert isinstance(result, ImportedRow)
        report.rows += 1
        # A row repeated in the file (or in another copy of it) is one document seen at
        # several origins; each origin is kept so the duplicates stay visible as sources.
        document = replace(result.document, fetched_at=imported_at)
        batch.append((document, result.mentions, result.industry, result.country))
        if len(batch) >= IMPORT_BATCH:
            flush()
    flush()
    return report
