"""The default engine: worker processes on this machine, results in task order.

One worker runs everything in this process. More start that many processes, each with the
extraction models loaded once (see `_context`), keep a bounded number of tasks in flight, so
memory stays flat however large the corpus, and hand results back in task order.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from datetime import date

from headcount.scale.units import Task, TaskResult, run_task, warm_up
from headcount.settings import current

# Tasks in flight per worker: enough that no worker waits for the next one.
IN_FLIGHT_PER_WORKER = 4


def default_workers() -> int:
    """Every core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


# How often a worker checks that its parent is still there.
_PARENT_CHECK = 0.5


def _worker_start(parent: int) -> None:
    # Ctrl-C reaches every process of the terminal's group; the parent alone decides what a
    # stop means (finish the results it has, then leave), so workers do not die mid-task.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_with, args=(parent,), name="parent-watch", daemon=True).start()
    warm_up()


def _exit_with(parent: int) -> None:
    """Ends this worker once its parent is gone. A parent killed outright (kill -9, the OOM
    killer) closes nothing: its forked workers hold both ends of the task pipe, so they would
    wait for the next task forever. The parent's process id changing (the worker is adopted
    by init or a subreaper) is the sign that works on every Unix."""
    while os.getppid() == parent:
        time.sleep(_PARENT_CHECK)
    os._exit(1)


def _context() -> multiprocessing.context.BaseContext:
    """How workers start. On Linux they are forked from this process once it has loaded the
    models, so they start at once and share the models' memory until they write to it;
    elsewhere (macOS, Windows: fork is unsafe or missing) each is spawned and loads its own.
    HEADCOUNT_START_METHOD=spawn|forkserver|fork overrides the choice."""
    method = current("start_method").start_method or (
        "fork" if sys.platform.startswith("linux") else "spawn"
    )
    if method == "fork":
        warm_up()
    return multiprocessing.get_context(method)


def local_results(
    tasks: Iterable[Task], *, workers: int, published: date | None, max_bytes: int
) -> Iterator[TaskResult]:
    """run_task over tasks, on `workers` processes, yielded in task order."""
    if workers <= 1:
        warm_up()
        for task in tasks:
            yield run_task(task, published, max_bytes)
        return
    pool = ProcessPoolExecutor(
        workers, mp_context=_context(), initializer=_worker_start, initargs=(os.getpid(),)
    )
    pending: deque[Future[TaskResult]] = deque()
    try:
        for task in tasks:
            pending.append(pool.submit(run_task, task, published, max_bytes))
            if len(pending) >= workers * IN_FLIGHT_PER_WORKER:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
