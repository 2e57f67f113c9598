"""Where a bulk run's results go: a database (the Store) or a Parquet directory.

Both take task results strictly in task order and remember how many tasks are done, in the
same step that stores their results, so an interrupted run resumes right after the last task
that landed and stores nothing twice.
"""

from __future__ import annotations

import os
import re
from typing import Protocol

from headcount.extract.pipeline import Extraction, chosen_version
from headcount.ingest import RunReport, store_extraction
from headcount.scale.units import TaskResult
from headcount.store import Store
from headcount.store.base import now_iso


class Sink(Protocol):
    run_id: str

    def describe(self) -> str: ...

    def tasks_done(self) -> int: ...

    def totals(self) -> tuple[int, int]: ...

    def finished(self) -> bool: ...

    def start(self) -> None: ...

    def write(self, result: TaskResult) -> None: ...

    def abandon(self) -> None: ...

    def finish(self, tasks_done: int) -> None: ...

    def close(self) -> None: ...


class DatabaseSink:
    """Documents that have claims, their claims and extraction records, into a Store.

    Documents without claims are counted but not stored: a corpus of millions of articles
    would otherwise be copied whole into the database to keep the 2% that matter.
    """

    def __init__(self, store: Store, run_id: str, inputs: str, target: str = "") -> None:
        self.store = store
        self.run_id = run_id
        self.inputs = inputs
        self.target = target
        progress = store.batch_progress(run_id)
        self._done, self._documents, self._claims, finished = progress or (0, 0, 0, None)
        self._finished = finished is not None

    def describe(self) -> str:
        # A database URL may carry a password; it is not shown.
        return re.sub(r"(://[^:/@]+:)[^@]*@", r"\1***@", self.target) or "database"

    def tasks_done(self) -> int:
        return self._done

    def totals(self) -> tuple[int, int]:
        return self._documents, self._claims

    def finished(self) -> bool:
        return self._finished

    def start(self) -> None:
        pass

    def write(self, result: TaskResult) -> None:
        report = RunReport()
        written = []
        with self.store.transaction():
            for item in result.with_claims:
                extraction = Extraction(item.document, item.mentions, item.status, chosen_version())
                before = report.new_claims
                store_extraction(self.store, item.document, extraction, report)
                if report.new_claims > before:
                    written.append(item)
            # The report and the run's totals say what landed, not what was read: the same
            # document in two inputs (or from an earlier run) adds its claims once.
            result.count_written(written, report.new_claims)
            self.store.set_batch_progress(
                self.run_id,
                self.inputs,
                result.index + 1,
                self._documents + result.documents,
                self._claims + result.claims,
                now_iso(),
            )
        self._done = result.index + 1
        self._documents += result.documents
        self._claims += result.claims

    def abandon(self) -> None:
        pass  # every write was committed whole; there is nothing half-done to drop

    def finish(self, tasks_done: int) -> None:
        self.store.set_batch_progress(
            self.run_id,
            self.inputs,
            tasks_done,
            self._documents,
            self._claims,
            now_iso(),
            finished=True,
        )
        self._finished = True

    def close(self) -> None:
        self.store.close()


def is_parquet_target(out: str) -> bool:
    """Whether --out names a Parquet directory rather than a database."""
    return out.endswith(("/", os.sep, ".parquet")) or os.path.isdir(out)
