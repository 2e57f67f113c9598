"""Writing a bulk run's claims and documents as Parquet (pyarrow, the headcount[scale] extra).

The output is a directory:

    claims.parquet      one row per claim, every field of a claim plus its document's origin
    documents.parquet   one row per document that has claims (its text, metadata and status);
                        a document met again at another origin is kept once, as in a database
    _progress.json      how far the run got, for resuming it

While the run goes on, results land in numbered part files under `_parts/`, each written whole
(to a temporary name, then renamed) before `_progress.json` is advanced past it. A run that is
stopped resumes after the last part; when it ends the parts are joined in order into the two
files above and removed. Part boundaries depend only on task numbers, so the output is the same
for any number of workers.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from headcount.scale.units import DocumentResult, TaskResult

INSTALL_HINT = "writing Parquet needs pyarrow: pip install 'headcount[scale]'"
PROGRESS = "_progress.json"
PARTS = "_parts"
# Tasks per part file: a stopped run redoes at most this many tasks.
TASKS_PER_PART = 16

CLAIM_FIELDS: tuple[tuple[str, str], ...] = (
    ("id", "string"),
    ("document_id", "string"),
    ("doc", "string"),
    ("employer_text", "string"),
    ("company", "string"),
    ("parent", "string"),
    ("canonical", "string"),
    ("kind", "string"),
    ("headcount_min", "int64"),
    ("headcount_max", "int64"),
    ("approx", "bool"),
    ("percent", "float64"),
    ("date", "string"),
    ("date_precision", "string"),
    ("units", "list"),
    ("locations", "list"),
    ("reason", "string"),
    ("evidence", "string"),
    ("evidence_start", "int64"),
    ("evidence_end", "int64"),
    ("extractor_version", "string"),
    ("confidence", "float64"),
)
DOCUMENT_FIELDS: tuple[tuple[str, str], ...] = (
    ("id", "string"),
    ("origin", "string"),
    ("url", "string"),
    ("outlet", "string"),
    ("title", "string"),
    ("published_at", "date"),
    ("language", "string"),
    ("source_kind", "string"),
    ("status", "string"),
    ("claims", "int64"),
    ("text", "string"),
)


def _pyarrow() -> Any:
    try:
        import pyarrow
        import pyarrow.parquet
    except ImportError:
        raise RuntimeError(INSTALL_HINT) from None
    return pyarrow


def _schema(fields: Sequence[tuple[str, str]]) -> Any:
    pa = _pyarrow()
    types = {
        "string": pa.string(),
        "int64": pa.int64(),
        "float64": pa.float64(),
        "bool": pa.bool_(),
        "date": pa.date32(),
        "list": pa.list_(pa.string()),
    }
    return pa.schema([(name, types[kind]) for name, kind in fields])


def claim_rows(results: Sequence[DocumentResult]) -> list[dict[str, Any]]:
    rows = []
    for result in results:
        for mention in result.mentions:
            row = mention.to_dict()
            rows.append({name: row[name] for name, _ in CLAIM_FIELDS})
    return rows


def document_rows(results: Sequence[DocumentResult]) -> list[dict[str, Any]]:
    return [
        {
            "id": r.document.id,
            "origin": r.document.origin,
            "url": r.document.url,
            "outlet": r.document.outlet,
            "title": r.document.title,
            "published_at": r.document.published_at,
            "language": r.document.language,
            "source_kind": r.document.source_kind,
            "status": r.status,
            "claims": len(r.mentions),
            "text": r.document.text,
        }
        for r in results
    ]


def _write_table(rows: list[dict[str, Any]], fields: Sequence[tuple[str, str]], path: Path) -> None:
    pa = _pyarrow()
    table = pa.Table.from_pylist(rows, schema=_schema(fields))
    temporary = path.with_name(path.name + ".tmp")
    pa.parquet.write_table(table, temporary)
    os.replace(temporary, path)


def read_table(path: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """The rows of a Parquet file as dicts, in file order (for tests and small outputs)."""
    pa = _pyarrow()
    rows: list[dict[str, Any]] = pa.parquet.read_table(path).to_pylist()
    return rows


class ParquetSink:
    """Results of a run, in task order, into a directory of Parquet files."""

    def __init__(
        self,
        directory: str | os.PathLike[str],
        run_id: str,
        tasks_per_part: int = TASKS_PER_PART,
    ) -> None:
        _pyarrow()  # fail before any work when pyarrow is missing
        self.directory = Path(directory)
        self.run_id = run_id
        self.tasks_per_part = tasks_per_part
        self._parts = self.directory / PARTS
        self._buffer: list[DocumentResult] = []
        self._buffered_tasks = 0
        self._seen: set[str] = set()
        self._state = self._load_state()

    def _load_state(self) -> dict[str, Any]:
        fresh = {
            "run_id": self.run_id,
            "tasks_done": 0,
            "documents": 0,
            "claims": 0,
            "parts": 0,
            "finished": False,
        }
        try:
            state: dict[str, Any] = json.loads((self.directory / PROGRESS).read_text())
        except (OSError, ValueError):
            return fresh
        if state.get("run_id") != self.run_id:
            # Other inputs or settings: what is there belongs to another run.
            return fresh
        return state

    def describe(self) -> str:
        return f"{self.directory}/ (Parquet)"

    def tasks_done(self) -> int:
        return int(self._state["tasks_done"])

    def totals(self) -> tuple[int, int]:
        """(documents, claims) written by earlier sessions of this run."""
        return int(self._state["documents"]), int(self._state["claims"])

    def finished(self) -> bool:
        return bool(self._state["finished"])

    def start(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        if self.tasks_done() == 0:
            shutil.rmtree(self._parts, ignore_errors=True)
            for name in ("claims.parquet", "documents.parquet"):
                (self.directory / name).unlink(missing_ok=True)
        self._parts.mkdir(exist_ok=True)
        # Parts past the recorded progress are from a session stopped while writing; they
        # are written again, so their documents do not count as seen.
        for number in range(int(self._state["parts"])):
            part = self._parts / f"part-{number:06d}.documents.parquet"
            ids = _pyarrow().parquet.read_table(part, columns=["id"]).column("id").to_pylist()
            self._seen.update(ids)
        self._save_state()

    def write(self, result: TaskResult) -> None:
        # A document met again (the same text at another origin) is one document, as in the
        # database: its first occurrence in input order is kept.
        written = []
        for item in result.with_claims:
            if item.document.id not in self._seen:
                self._seen.add(item.document.id)
                self._buffer.append(item)
                written.append(item)
        # The run's totals say what the files hold, not what was read (as the database sink).
        result.count_written(written, sum(len(item.mentions) for item in written))
        self._buffered_tasks += 1
        self._state["documents"] += result.documents
        self._state["claims"] += result.claims
        if (result.index + 1) % self.tasks_per_part == 0:
            self.flush(result.index + 1)

    def flush(self, tasks_done: int) -> None:
        if not self._buffered_tasks:
            return
        part = int(self._state["parts"])
        stem = self._parts / f"part-{part:06d}"
        _write_table(claim_rows(self._buffer), CLAIM_FIELDS, stem.with_suffix(".claims.parquet"))
        _write_table(
            document_rows(self._buffer), DOCUMENT_FIELDS, stem.with_suffix(".documents.parquet")
        )
        self._state["parts"] = part + 1
        self._state["tasks_done"] = tasks_done
        self._save_state()
        self._buffer = []
        self._buffered_tasks = 0

    def abandon(self) -> None:
        """Drop what was not flushed (a stopped run): progress stays at the last part."""
        self._state = self._load_state()
        self._buffer = []
        self._buffered_tasks = 0
        self._seen = set()

    def finish(self, tasks_done: int) -> None:
        if self.finished():
            return
        self.flush(tasks_done)
        pa = _pyarrow()
        for kind, fields in (("claims", CLAIM_FIELDS), ("documents", DOCUMENT_FIELDS)):
            parts = sorted(self._parts.glob(f"part-*.{kind}.parquet"))
            tables = [pa.parquet.read_table(part) for part in parts]
            table = pa.concat_tables(tables) if tables else _schema(fields).empty_table()
            temporary = self.directory / f"{kind}.parquet.tmp"
            pa.parquet.write_table(table, temporary)
            os.replace(temporary, self.directory / f"{kind}.parquet")
        self._state["finished"] = True
        self._save_state()
        shutil.rmtree(self._parts, ignore_errors=True)

    def _save_state(self) -> None:
        temporary = self.directory / (PROGRESS + ".tmp")
        temporary.write_text(json.dumps(self._state, indent=1) + "\n")
        os.replace(temporary, self.directory / PROGRESS)

    def close(self) -> None:
        pass
