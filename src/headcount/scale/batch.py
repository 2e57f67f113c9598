"""`run_batch`: the pipeline over a large corpus, on local processes or on Ray, resumable.

    inputs ──plan──> units ──tasks──> engine (local processes | Ray) ──in order──> sink

The same inputs and task size give the same tasks, the engines hand results back in task order,
and the sink (a database or a Parquet directory) writes them in that order and records how many
tasks have landed with them. So the output does not depend on the number of workers or on the
engine, and a run stopped at any moment resumes after the last task that landed.
"""

from __future__ import annotations

import itertools
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from headcount.extract.pipeline import chosen_version
from headcount.model import SourceError
from headcount.scale.local import default_workers, local_results
from headcount.scale.sinks import Sink
from headcount.scale.units import (
    MAX_BYTES,
    TASK_SIZE,
    Task,
    TaskResult,
    fingerprint,
    input_files,
    plan,
    problem_kind,
    tasks,
)

Engine = Literal["local", "ray"]
# Problems kept in full for the report; beyond that they are only counted (by kind).
KEPT_PROBLEMS = 1000


@dataclass
class BatchReport:
    run_id: str
    engine: str
    workers: int
    tasks_skipped: int = 0  # done by an earlier session of the same run
    tasks: int = 0  # run in this session
    documents: int = 0  # read in this session
    text_bytes: int = 0
    passed_prefilter: int = 0
    claims: int = 0
    documents_with_claims: int = 0
    problem_count: int = 0
    problems: list[SourceError] = field(default_factory=list)  # the first KEPT_PROBLEMS
    problem_kinds: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0
    already_complete: bool = False
    interrupted: bool = False
    total_documents: int = 0  # over every session of the run
    total_claims: int = 0

    @property
    def docs_per_second(self) -> float:
        return self.documents / self.seconds if self.seconds > 0 else 0.0

    @property
    def mb_per_second(self) -> float:
        return self.text_bytes / 1e6 / self.seconds if self.seconds > 0 else 0.0

    @property
    def prefilter_share(self) -> float:
        return self.passed_prefilter / self.documents if self.documents else 0.0

    def add(self, result: TaskResult) -> None:
        self.tasks += 1
        self.documents += result.documents
        self.text_bytes += result.text_bytes
        self.passed_prefilter += result.passed_prefilter
        self.claims += result.claims
        self.documents_with_claims += len(result.with_claims)
        self.problem_count += len(result.problems)
        for problem in result.problems:
            self.problem_kinds[problem_kind(problem)] += 1
            if len(self.problems) < KEPT_PROBLEMS:
                self.problems.append(problem)


def run_id(
    inputs: Iterable[str], published: date | None = None, task_size: int = TASK_SIZE
) -> tuple[str, list[str | SourceError]]:
    """(the run's id, the files its inputs name). The id changes when a file or setting does."""
    files = list(input_files(inputs))
    # A run read by another extractor is another run: it does not resume this one.
    return fingerprint(files, published, task_size, chosen_version()), files


def run_batch(
    inputs: Iterable[str],
    sink_for: Callable[[str], Sink],
    *,
    engine: Engine = "local",
    workers: int | None = None,
    published: date | None = None,
    task_size: int = TASK_SIZE,
    max_bytes: int = MAX_BYTES,
    ray_address: str | None = None,
    on_result: Callable[[TaskResult], None] = lambda _result: None,
) -> BatchReport:
    """Run the pipeline over inputs into the sink `sink_for(run id)` gives; see the module.

    A KeyboardInterrupt (Ctrl-C, or SIGTERM turned into one) stops the run cleanly: what has
    landed stays, the report says `interrupted`, and the same call later resumes.
    """
    workers = workers or default_workers()
    identity, files = run_id(inputs, published, task_size)
    sink = sink_for(identity)
    report = BatchReport(identity, engine, workers)
    if sink.finished():
        report.already_complete = True
        report.total_documents, report.total_claims = sink.totals()
        return report
    sink.start()
    done = sink.tasks_done()
    report.tasks_skipped = done
    # Tasks that landed in an earlier session are read again (cheap) but not run.
    todo: Iterator[Task] = itertools.islice(tasks(plan(files, max_bytes), task_size), done, None)
    started = time.perf_counter()
    index = done
    try:
        for result in _results(engine, todo, workers, published, max_bytes, ray_address):
            sink.write(result)
            report.add(result)
            index = result.index + 1
            on_result(result)
        sink.finish(index)
    except KeyboardInterrupt:
        sink.abandon()
        report.interrupted = True
    finally:
        report.seconds = time.perf_counter() - started
    report.total_documents, report.total_claims = sink.totals()
    return report


def _results(
    engine: Engine,
    todo: Iterator[Task],
    workers: int,
    published: date | None,
    max_bytes: int,
    ray_address: str | None,
) -> Iterator[TaskResult]:
    if engine == "ray":
        from headcount.scale.ray_engine import ray_results

        return ray_results(
            todo, workers=workers, published=published, max_bytes=max_bytes, address=ray_address
        )
    return local_results(todo, workers=workers, published=published, max_bytes=max_bytes)
