"""The Ray engine: the same tasks and the same run_task, on Ray Data (the headcount[ray] extra).

Without an address Ray starts a local cluster on this machine with `workers` CPUs; with one
(`ray://host:10001` or `auto`) the run goes to that cluster. Each Ray worker is an actor that
loads the extraction models once in its constructor and then runs task after task. Tasks go
to Ray in windows, so the driver never holds more than one window of the corpus, and Ray Data
is asked to preserve order, so the results, and what the sink writes, are those of the local
engine exactly.
"""

from __future__ import annotations

import itertools
import logging
import os
import pickle
from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from headcount.scale.units import Task, TaskResult, run_task, warm_up

INSTALL_HINT = "the Ray engine needs Ray: pip install 'headcount[ray]'"
# Tasks handed to Ray per dataset: bounds the driver's memory, amortizes Ray's start-up.
WINDOW_TASKS = 512


def _ray() -> Any:
    try:
        import ray
        import ray.data
    except ImportError:
        raise RuntimeError(INSTALL_HINT) from None
    return ray


class _Extractor:
    """A Ray actor: models loaded once, then tasks (pickled, in a pyarrow batch) to results."""

    def __init__(self, published: date | None, max_bytes: int) -> None:
        warm_up()
        self.published = published
        self.max_bytes = max_bytes

    def __call__(self, batch: Any) -> Any:
        import pyarrow as pa

        results = [
            pickle.dumps(run_task(pickle.loads(blob), self.published, self.max_bytes))
            for blob in batch.column("task").to_pylist()
        ]
        return pa.table({"result": pa.array(results, type=pa.binary())})


def start(workers: int, address: str | None = None) -> None:
    """Connect to Ray (a local cluster of `workers` CPUs when no address is given)."""
    ray = _ray()
    if ray.is_initialized():
        return
    # Ray's own start-up chatter would bury the run's progress line.
    os.environ.setdefault("RAY_DEDUP_LOGS", "0")
    kwargs: dict[str, Any] = {
        "include_dashboard": False,
        "logging_level": logging.WARNING,
        "log_to_driver": False,
        "configure_logging": True,
    }
    if address:
        ray.init(address=address, **kwargs)
    else:
        # A local cluster talks over loopback only, never over the machine's other interfaces.
        ray.init(num_cpus=workers, _node_ip_address="127.0.0.1", **kwargs)
    context = ray.data.DataContext.get_current()
    context.execution_options.preserve_order = True
    context.execution_options.verbose_progress = False
    context.enable_progress_bars = False


def ray_results(
    tasks: Iterable[Task],
    *,
    workers: int,
    published: date | None,
    max_bytes: int,
    address: str | None = None,
) -> Iterator[TaskResult]:
    """run_task over tasks on Ray Data, `workers` actors, yielded in task order."""
    ray = _ray()
    import pyarrow as pa

    start(workers, address)
    iterator = iter(tasks)
    while window := list(itertools.islice(iterator, WINDOW_TASKS)):
        # One block per task, made here: a repartition step would need CPUs of its own, which
        # the actors (one CPU each, every CPU of a local cluster) never give back.
        blocks = [
            pa.table({"task": pa.array([pickle.dumps(task)], type=pa.binary())}) for task in window
        ]
        out = ray.data.from_arrow(blocks).map_batches(
            _Extractor,
            fn_constructor_kwargs={"published": published, "max_bytes": max_bytes},
            batch_size=1,
            batch_format="pyarrow",
            compute=ray.data.ActorPoolStrategy(size=max(1, min(workers, len(window)))),
            num_cpus=1,
        )
        for batch in out.iter_batches(batch_format="pyarrow", batch_size=None):
            for blob in batch.column("result").to_pylist():
                result: TaskResult = pickle.loads(blob)
                yield result


def stop() -> None:
    ray = _ray()
    if ray.is_initialized():
        ray.shutdown()
