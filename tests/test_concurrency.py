"""Writers at once (issue 10): several processes importing and resolving into one database, on
SQLite and PostgreSQL, all succeed and leave the ledger one sequential run would leave."""

from __future__ import annotations

import multiprocessing
import traceback
from pathlib import Path
from typing import Any

from headcount.ingest import import_file
from headcount.resolve import resolve
from headcount.store import open_store
from test_store import (  # noqa: F401 - fixtures: a database target on each backend
    db_path,
    postgres_server,
    postgres_url,
    store_target,
)

HEADER = (
    "company,location,total_laid_off,date,percentage_laid_off,industry,source,stage,"
    "funds_raised,country,date_added\n"
)
WRITERS = 4


def _table(path: Path, prefix: str, rows: int) -> str:
    """A layoffs.fyi table of distinct companies, so that no order of imports changes events."""
    lines = [
        f"{prefix} Labs {i},SF Bay Area,{100 + i},2023-{1 + i % 12:02d}-{1 + i % 28:02d},0.1,"
        f"Retail,https://example.com/{prefix}/{i},Series B,50,United States,2023-12-01\n"
        for i in range(rows)
    ]
    path.write_text(HEADER + "".join(lines), encoding="utf-8")
    return str(path)


def _writer(target: str, table: str | None, barrier: Any, results: Any) -> None:
    """One writer process: import its table (if any), then resolve, starting with the others."""
    try:
        with open_store(target) as store:
            barrier.wait(timeout=60)
            if table is not None:
                import_file(store, "layoffs-fyi", table)
            report = resolve(store)
        results.put(("ok", report.claims))
    except BaseException:
        results.put(("failed", traceback.format_exc()))


def _ledger(target: str) -> list[tuple[str, Any, Any]]:
    with open_store(target) as store:
        return sorted(
            (event.id, event.company_id, event.headcount_min)
            for event in store.events(include_superseded=True)
        )


def test_writers_at_once_wait_for_each_other_and_all_succeed(
    store_target: str,  # noqa: F811 - the fixture imported above
    tmp_path: Path,
) -> None:
    shared = _table(tmp_path / "shared.csv", "Shared", 600)
    own = [_table(tmp_path / f"own{n}.csv", f"Own{n}", 150) for n in range(2)]
    with open_store(store_target) as store:
        # Claims every writer finds unplaced when it starts: the race the lock closes.
        import_file(store, "layoffs-fyi", shared)

    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(WRITERS)
    results = context.Queue()
    tables: list[str | None] = [own[0], None, own[1], None]
    workers = [
        context.Process(target=_writer, args=(store_target, table, barrier, results))
        for table in tables
    ]
    for worker in workers:
        worker.start()
    outcomes = [results.get(timeout=300) for _ in workers]
    for worker in workers:
        worker.join(timeout=60)
    failures = [detail for status, detail in outcomes if status != "ok"]
    assert not failures, failures[0]
    # Every claim was placed exactly once between them: 600 + 2 x 150 rows.
    assert sum(claims for _, claims in outcomes) == 900

    with open_store(store_target) as store:
        again = resolve(store)
    assert again.claims == 0 and again.events_created == 0  # idempotent afterwards

    sequential = str(tmp_path / "sequential.db")
    with open_store(sequential) as store:
        for table in (shared, *own):
            import_file(store, "layoffs-fyi", table)
        resolve(store)
    assert _ledger(store_target) == _ledger(sequential)
