"""Import and resolve throughput on SQLite and PostgreSQL, and how resolve scales.

A measurement, not a test: it prints figures and exits non-zero only when it cannot run.

1. Real records, per backend, on a fresh database: import the normalized WARN register
   (WA, NY, TX, MA) and resolve it; then import the layoffs.fyi table and resolve again (its
   rows now also meet the WARN events). Rows/s for each import and claims/s for each resolve.
2. Scaling: synthetic-but-realistic claims built by duplicating those real rows: copy k shifts
   every date by k x 10 years, and odd copies also rename every employer ("Acme" -> "Acme
   Copy3"), so half the copies add new companies and half add more events to known ones. The
   claims are stored untimed, then one resolve run over all of them is timed, for each size.

Run from the project root:

    .venv/bin/python bench/bench_resolve.py
    .venv/bin/python bench/bench_resolve.py --sizes 10000,50000,100000 --backends sqlite
    .venv/bin/python bench/bench_resolve.py --postgres postgresql://postgres@127.0.0.1:5432/test
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from headcount.ingest import import_file
from headcount.model import Document, Mention
from headcount.records import ImportedRow, import_records
from headcount.resolve import resolve
from headcount.store import Store, open_store

ROOT = Path(__file__).resolve().parents[1]
WARN_FILES = ("wa.csv", "ny.csv", "tx.csv", "ma.csv")
TABLE = "layoffs_fyi/layoffs_2020-03_to_2026-05_with_sources.csv"
DEFAULT_POSTGRES = os.environ.get(
    "HEADCOUNT_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
SHIFT_DAYS = 3653  # ten years


@contextmanager
def fresh(backend: str, postgres: str) -> Iterator[Store]:
    """An empty store: a new SQLite file, or a new schema dropped afterwards."""
    if backend == "sqlite":
        with (
            tempfile.TemporaryDirectory() as directory,
            open_store(Path(directory) / "bench.db") as store,
        ):
            yield store
        return
    import psycopg
    from psycopg import sql

    name = f"hc_bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(name)))
        try:
            separator = "&" if "?" in postgres else "?"
            with open_store(f"{postgres}{separator}options=-csearch_path%3D{name}") as store:
                yield store
        finally:
            admin.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(name)))


def real_records(store: Store, shared: Path) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    started = time.perf_counter()
    rows = 0
    for name in WARN_FILES:
        rows += import_file(
            store, "warn", str(shared / "warn/normalized_warn_notice_register" / name)
        ).rows
    seconds = time.perf_counter() - started
    figures["warn_import"] = {"rows": rows, "seconds": seconds, "rows_per_s": rows / seconds}
    report = resolve(store)
    figures["warn_resolve"] = {
        "claims": report.claims,
        "seconds": report.seconds,
        "claims_per_s": report.claims / report.seconds,
        "events": report.events_created,
    }
    started = time.perf_counter()
    rows = import_file(store, "layoffs-fyi", str(shared / TABLE)).rows
    seconds = time.perf_counter() - started
    figures["table_import"] = {"rows": rows, "seconds": seconds, "rows_per_s": rows / seconds}
    report = resolve(store)
    figures["table_resolve"] = {
        "claims": report.claims,
        "seconds": report.seconds,
        "claims_per_s": report.claims / report.seconds,
        "events": report.events_created,
        "joined_warn_events": report.events_updated,
    }
    figures["events"] = store.event_count()
    return figures


def base_rows(shared: Path) -> list[ImportedRow]:
    rows: list[ImportedRow] = []
    for name in WARN_FILES:
        path = shared / "warn/normalized_warn_notice_register" / name
        rows += [r for r in import_records("warn", path) if isinstance(r, ImportedRow)]
    rows += [r for r in import_records("layoffs-fyi", shared / TABLE) if isinstance(r, ImportedRow)]
    return rows


def _shift(day: str | None, days: int) -> str | None:
    if not day:
        return day
    return (date.fromisoformat(day) + timedelta(days=days)).isoformat()


def synthetic(rows: list[ImportedRow], size: int) -> Iterator[tuple[Document, Mention]]:
    """`size` claims: the real rows again and again, each copy shifted in time (and every
    other copy renamed)."""
    made = 0
    copy = 0
    while made < size:
        days = SHIFT_DAYS * copy
        for row in rows:
            if made >= size:
                return
            doc, mention = row.document, row.mentions[0]
            company = mention.company or mention.employer_text or "Unknown"
            if copy % 2:
                company = f"{company} Copy{copy}"
            text = f"{doc.text} [synthetic copy {copy}]"
            published = doc.published_at + timedelta(days=days) if doc.published_at else None
            document = Document.create(
                text,
                f"synthetic-{copy}-{doc.origin}",
                url=doc.url,
                outlet=doc.outlet,
                published_at=published,
                language="en",
                source_kind=doc.source_kind,
            )
            yield (
                document,
                replace(
                    mention,
                    document_id=document.id,
                    company=company,
                    employer_text=company,
                    canonical=company if copy % 2 else mention.canonical,
                    parent=None if copy % 2 else mention.parent,
                    date=_shift(mention.date, days),
                    evidence=text,
                    evidence_end=len(text),
                ),
            )
            made += 1
        copy += 1


def scaling(backend: str, postgres: str, rows: list[ImportedRow], size: int) -> dict[str, Any]:
    with fresh(backend, postgres) as store:
        started = time.perf_counter()
        batch: list[tuple[Document, Mention]] = []

        def flush() -> None:
            with store.transaction():
                for document, _ in batch:
                    store.add_document(document)
                store.add_mentions([m for _, m in batch])
            batch.clear()

        for pair in synthetic(rows, size):
            batch.append(pair)
            if len(batch) >= 5000:
                flush()
        flush()
        load = time.perf_counter() - started
        report = resolve(store)
        return {
            "claims": report.claims,
            "load_seconds": load,
            "resolve_seconds": report.seconds,
            "claims_per_s": report.claims / report.seconds,
            "us_per_claim": report.seconds / report.claims * 1e6,
            "events": report.events_created,
            "changes": report.changes,
        }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--sizes", default="10000,50000,100000")
    parser.add_argument("--scaling-backends", default="sqlite,postgresql")
    parser.add_argument("--json", action="store_true", help="print all figures as one JSON object")
    args = parser.parse_args()
    if not (args.shared / TABLE).exists():
        print(f"cannot run: {args.shared / TABLE} is missing", file=sys.stderr)
        return 2
    backends = [b for b in args.backends.split(",") if b]
    results: dict[str, Any] = {"real": {}, "scaling": {}}
    for backend in backends:
        with fresh(backend, args.postgres) as store:
            figures = real_records(store, args.shared)
        results["real"][backend] = figures
        if not args.json:
            w, wr, t, tr = (
                figures[k] for k in ("warn_import", "warn_resolve", "table_import", "table_resolve")
            )
            print(
                f"{backend:>10}  WARN register import {w['rows']:>6,} rows {w['seconds']:6.2f}s "
                f"{w['rows_per_s']:8,.0f} rows/s | resolve {wr['claims']:>6,} claims "
                f"{wr['seconds']:6.2f}s {wr['claims_per_s']:8,.0f} claims/s"
            )
            print(
                f"{'':>10}  layoffs.fyi import   {t['rows']:>6,} rows {t['seconds']:6.2f}s "
                f"{t['rows_per_s']:8,.0f} rows/s | resolve {tr['claims']:>6,} claims "
                f"{tr['seconds']:6.2f}s {tr['claims_per_s']:8,.0f} claims/s "
                f"({tr['joined_warn_events']} WARN events joined); {figures['events']:,} events"
            )
    rows = base_rows(args.shared)
    for backend in [b for b in args.scaling_backends.split(",") if b]:
        baseline = None
        for size in (int(s) for s in args.sizes.split(",") if s):
            figures = scaling(backend, args.postgres, rows, size)
            results["scaling"].setdefault(backend, {})[size] = figures
            if baseline is None:
                baseline = figures["us_per_claim"]
            if not args.json:
                print(
                    f"{backend:>10}  synthetic {size:>7,} claims: resolve {figures['resolve_seconds']:7.2f}s "
                    f"{figures['claims_per_s']:8,.0f} claims/s {figures['us_per_claim']:6.0f} us/claim "
                    f"(x{figures['us_per_claim'] / baseline:.2f} of the smallest); "
                    f"{figures['events']:,} events; stored untimed in {figures['load_seconds']:.1f}s"
                )
    if args.json:
        print(json.dumps(results, indent=2))
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    if not args.json:
        print(f"1-minute load average: {load:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
