"""Load benchmark of the events API on SQLite and PostgreSQL.

A measurement, not a test: it prints figures and exits non-zero only when it cannot run.

1. Build a ledger of --events events (100k) and 5 claims each (500k): the real layoffs.fyi table
   and WARN register are imported and resolved once, then their events are copied: copy k moves
   every date back k x 10 years and odd copies rename every company ("Acme" -> "Acme Copy3",
   a new company with its own parent), each event keeps its own claims and gets copies of its
   lead claim from further documents until it has five. Rows go in with executemany.
2. Start `uvicorn headcount.web.app:app_from_env` in a subprocess on 127.0.0.1.
3. Run a closed-loop load generator on loopback: --clients connections (50), each sending the
   next request as soon as the last answer arrived, for --seconds (bounded by --max-requests).
   The requests are typical tracker queries: a company, a company and a year, a year and an
   industry or country, a kind of source, a reason, a headcount range with a sort, a word to
   search, plain pages 1-5; drawn from a fixed pool of distinct URLs with a seed.
4. Print requests/s, errors and p50/p95/p99 latency, with the answers cache on (the default;
   measured after --warmup seconds of the same load) and off (every request reads the database);
   p50/p95 for each kind of query; the server's CPU time per request (its processes', from
   /proc: unlike latency it hardly moves when other work shares the machine) and the client's;
   and the 1-minute load average before each run.

The client is a minimal HTTP/1.1 keep-alive client on asyncio streams, so that the load
generator (which shares the machine's cores with the server) costs as little as possible;
--client httpx uses httpx.AsyncClient instead.

    .venv/bin/python bench/bench_api.py                          # SQLite and PostgreSQL
    .venv/bin/python bench/bench_api.py --backends sqlite --seconds 10
    .venv/bin/python bench/bench_api.py --events 20000 --json
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from headcount.ingest import import_file
from headcount.model import Event, EventChange, EventSource
from headcount.resolve import resolve
from headcount.store import Store, open_store
from headcount.store.rows import (
    COMPANY_COLUMNS,
    DOCUMENT_COLUMNS,
    EVENT_COLUMNS,
    MENTION_COLUMNS,
    SOURCE_COLUMNS,
    event_from_row,
    source_from_row,
)
from headcount.store.sql import now_iso

ROOT = Path(__file__).resolve().parents[1]
WARN_FILES = ("wa.csv", "ny.csv", "tx.csv", "ma.csv")
TABLE = "layoffs_fyi/layoffs_2020-03_to_2026-05_with_sources.csv"
DEFAULT_POSTGRES = os.environ.get(
    "HEADCOUNT_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
CLAIMS_PER_EVENT = 5
BATCH = 5000


# --- building the ledger -------------------------------------------------------------------


def base_ledger(shared: Path, directory: Path) -> Path:
    """The real records imported and resolved into a SQLite file (the rows to copy)."""
    path = directory / "base.db"
    with open_store(path) as store:
        for name in WARN_FILES:
            import_file(store, "warn", str(shared / "warn/normalized_warn_notice_register" / name))
        import_file(store, "layoffs-fyi", str(shared / TABLE))
        resolve(store)
    return path


def _shift(day: str | None, years: int) -> str | None:
    if not day:
        return day
    return f"{int(day[:4]) - years:04d}{day[4:]}"


def _rows(
    conn: sqlite3.Connection, table: str, columns: Sequence[str], where: str = ""
) -> list[tuple[Any, ...]]:
    return conn.execute(f"SELECT {', '.join(columns)} FROM {table} {where}").fetchall()


def fill(store: Store, base: Path, events_wanted: int) -> dict[str, Any]:
    """Copy the base ledger's events (with claims, documents, companies) until there are
    `events_wanted` events with CLAIMS_PER_EVENT claims each."""
    conn = sqlite3.connect(base)
    companies = _rows(conn, "companies", COMPANY_COLUMNS)
    events = [
        event_from_row(r)
        for r in _rows(conn, "events", EVENT_COLUMNS, "WHERE superseded_by IS NULL ORDER BY id")
    ]
    placed: dict[str, list[tuple[EventSource, tuple[Any, ...], tuple[Any, ...]]]] = {}
    m_cols = ", ".join("m." + c for c in MENTION_COLUMNS)
    d_cols = ", ".join("d." + c for c in DOCUMENT_COLUMNS)
    s_cols = ", ".join("es." + c for c in SOURCE_COLUMNS)
    for row in conn.execute(
        f"SELECT {s_cols}, {m_cols}, {d_cols} FROM event_sources es "
        "JOIN mentions m ON m.id = es.mention_id JOIN documents d ON d.id = m.document_id "
        "WHERE es.event_id IS NOT NULL ORDER BY es.position"
    ):
        ns, nm = len(SOURCE_COLUMNS), len(MENTION_COLUMNS)
        source = source_from_row(row[:ns])
        assert source.event_id is not None
        placed.setdefault(source.event_id, []).append((source, row[ns : ns + nm], row[ns + nm :]))
    conn.close()
    events = [e for e in events if e.id in placed]
    copies = -(-events_wanted // len(events))
    m_index = {c: i for i, c in enumerate(MENTION_COLUMNS)}
    d_index = {c: i for i, c in enumerate(DOCUMENT_COLUMNS)}
    c_index = {c: i for i, c in enumerate(COMPANY_COLUMNS)}
    at = now_iso()
    started = time.perf_counter()
    counts = {"events": 0, "claims": 0, "documents": 0, "companies": 0}

    def company_rows(k: int) -> list[tuple[Any, ...]]:
        renamed = k % 2 == 1
        out = []
        for row in companies:
            values = list(row)
            if renamed:
                values[c_index["id"]] = f"{row[c_index['id']]}-copy{k}"
                values[c_index["name"]] = f"{row[c_index['name']]} Copy{k}"
                if row[c_index["parent_id"]]:
                    values[c_index["parent_id"]] = f"{row[c_index['parent_id']]}-copy{k}"
            out.append((*values, at))
        # Parents before their subsidiaries (foreign keys are checked row by row).
        return sorted(out, key=lambda r: r[c_index["parent_id"]] is not None)

    def insert(
        sql_table: str, columns: Sequence[str], rows: list[tuple[Any, ...]], conflict: str = ""
    ) -> None:
        for start in range(0, len(rows), BATCH):
            store._executemany(  # the bulk path the store's own batch writes use
                f"INSERT INTO {sql_table} ({', '.join(columns)}) "
                f"VALUES ({', '.join('?' * len(columns))}) {conflict}",
                rows[start : start + BATCH],
            )

    for k in range(copies):
        if counts["events"] >= events_wanted:
            break
        renamed = k % 2 == 1
        suffix = f"~{k}" if k else ""
        with store.transaction():
            if k == 0 or renamed:
                rows = company_rows(k)
                insert(
                    "companies",
                    (*COMPANY_COLUMNS, "updated_at"),
                    rows,
                    "ON CONFLICT (id) DO NOTHING",
                )
                counts["companies"] += len(rows)
            documents: list[tuple[Any, ...]] = []
            mentions: list[tuple[Any, ...]] = []
            new_events: list[Event] = []
            sources: list[EventSource] = []
            changes: list[EventChange] = []
            for event in events:
                if counts["events"] + len(new_events) >= events_wanted:
                    break
                event_id = event.id + suffix
                company_id = event.company_id
                family_id = event.family_id
                company, parent = event.company, event.parent
                if renamed:
                    company_id = f"{company_id}-copy{k}" if company_id else None
                    family_id = f"{family_id}-copy{k}" if family_id else None
                    company = f"{company} Copy{k}" if company else None
                    parent = f"{parent} Copy{k}" if parent else None
                claims = placed[event.id]
                padded = [claims[i % len(claims)] for i in range(CLAIMS_PER_EVENT)]
                for position, (source, mention, document) in enumerate(padded):
                    tag = f"{suffix}#{position}" if position >= len(claims) else suffix
                    doc = list(document)
                    doc[d_index["id"]] = document[d_index["id"]] + tag
                    doc[d_index["origin"]] = document[d_index["origin"]] + tag
                    doc[d_index["published_at"]] = _shift(document[d_index["published_at"]], 10 * k)
                    m = list(mention)
                    m[m_index["id"]] = mention[m_index["id"]] + tag
                    m[m_index["document_id"]] = doc[d_index["id"]]
                    m[m_index["date"]] = _shift(mention[m_index["date"]], 10 * k)
                    if renamed:
                        for name in ("company", "canonical", "employer_text"):
                            if m[m_index[name]]:
                                m[m_index[name]] = f"{m[m_index[name]]} Copy{k}"
                    documents.append(tuple(doc))
                    mentions.append(tuple(m))
                    sources.append(
                        EventSource(
                            mention_id=m[m_index["id"]],
                            event_id=event_id,
                            role=source.role if position < len(claims) else "report",
                            reason=source.reason,
                            counted=source.counted and position < len(claims),
                            position=position,
                            company_id=company_id,
                            family_id=family_id,
                            attached_at=at,
                        )
                    )
                new_events.append(
                    Event(
                        **{
                            **event.to_dict(),
                            "id": event_id,
                            "company_id": company_id,
                            "family_id": family_id,
                            "company": company,
                            "parent": parent,
                            "announced_on": _shift(event.announced_on, 10 * k),
                            "sources": event.sources + max(0, CLAIMS_PER_EVENT - len(claims)),
                            "claims": CLAIMS_PER_EVENT,
                            "lead_mention_id": (event.lead_mention_id or "") + suffix,
                            "first_seen": at,
                            "last_updated": at,
                            "revision": 1,
                        }
                    )
                )
                changes.append(
                    EventChange(event_id, 1, at, "created", None, None, None, "bench copy")
                )
            insert("documents", DOCUMENT_COLUMNS, documents, "ON CONFLICT (id) DO NOTHING")
            insert("mentions", MENTION_COLUMNS, mentions, "ON CONFLICT (id) DO NOTHING")
            store.save_events(new_events, [], sources, [], changes, [])
            counts["events"] += len(new_events)
            counts["claims"] += len(mentions)
            counts["documents"] += len(documents)
        print(
            f"  copy {k}: {counts['events']:,} events, {counts['claims']:,} claims "
            f"({time.perf_counter() - started:.0f}s)",
            file=sys.stderr,
        )
    counts["fill_seconds"] = round(time.perf_counter() - started, 1)
    started = time.perf_counter()
    store.refresh_event_index()
    counts["index_seconds"] = round(time.perf_counter() - started, 1)
    counts["events_in_store"] = store.event_count()
    counts["claims_in_store"] = store.mention_count()
    return counts


# --- the requests ---------------------------------------------------------------------------


def request_pool(store: Store, size: int, seed: int) -> list[tuple[str, str]]:
    """Typical tracker queries over what the store holds: (shape, URL) pairs, the shape
    naming the kind of query ("company+year", "q+year", ...)."""
    rng = random.Random(seed)
    companies = [g.label for g in store.event_breakdown(None, "company", 300) if g.label]
    years = [g.key for g in store.event_breakdown(None, "year") if g.key and g.events > 50]
    industries = [v for v, _ in store.facet_values("industry")[:20]]
    countries = [v for v, _ in store.facet_values("country")[:10]]
    words = [
        "alexa",
        "cloud",
        "restructuring",
        "warehouse",
        "hospital",
        "bank",
        "seattle",
        "california",
        "software",
        "retail",
    ]
    makers: list[tuple[str, Callable[[], dict[str, Any]]]] = [
        ("company", lambda: {"company": rng.choice(companies)}),
        ("company+year", lambda: {"company": rng.choice(companies), "year": rng.choice(years)}),
        (
            "word+since+until",
            lambda: dict(
                zip(
                    ("company", "since", "until"),
                    (
                        rng.choice(companies).split()[0],
                        *(
                            f"{a}-01-01" if i == 0 else f"{b}-12-31"
                            for i, (a, b) in enumerate([sorted(rng.sample(years, 2))] * 2)
                        ),
                    ),
                    strict=True,
                )
            ),
        ),
        ("year+industry", lambda: {"year": rng.choice(years), "industry": rng.choice(industries)}),
        ("year+country", lambda: {"year": rng.choice(years), "country": rng.choice(countries)}),
        (
            "source+year",
            lambda: {"source": rng.choice(["warn", "table"]), "year": rng.choice(years)},
        ),
        (
            "min_headcount+year",
            lambda: {
                "min_headcount": rng.choice([500, 1000, 5000]),
                "sort": "-headcount",
                "year": rng.choice(years),
            },
        ),
        ("q+year", lambda: {"q": rng.choice(words), "year": rng.choice(years)}),
        ("page", lambda: {"page": rng.randint(1, 5)}),
        (
            "industry+sort",
            lambda: {
                "industry": rng.choice(industries),
                "sort": rng.choice(["-date", "company"]),
                "page": rng.randint(1, 3),
            },
        ),
    ]
    pool = []
    for _ in range(size):
        shape, make = rng.choice(makers)
        pool.append((shape, "/api/events?" + urllib.parse.urlencode(make())))
    return pool


# --- the load generator ------------------------------------------------------------------------


async def _raw_client(
    host: str,
    port: int,
    pool: list[str],
    deadline: float,
    budget: list[int],
    latencies: list[tuple[str, float]],
    errors: list[str],
    rng: random.Random,
) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while time.perf_counter() < deadline and budget[0] > 0:
            budget[0] -= 1
            path = rng.choice(pool)
            request = f"GET {path} HTTP/1.1\r\nHost: {host}\r\nAccept: application/json\r\n\r\n"
            started = time.perf_counter()
            writer.write(request.encode())
            status_line = await reader.readline()
            length = 0
            chunked = False
            while True:
                line = await reader.readline()
                if line in (b"\r\n", b""):
                    break
                name, _, value = line.decode("latin-1").partition(":")
                if name.lower() == "content-length":
                    length = int(value)
                elif name.lower() == "transfer-encoding" and "chunked" in value:
                    chunked = True
            if chunked:
                while True:
                    size = int((await reader.readline()).strip(), 16)
                    await reader.readexactly(size + 2)
                    if size == 0:
                        break
            else:
                await reader.readexactly(length)
            latencies.append((path, time.perf_counter() - started))
            status = status_line.split(b" ")[1] if status_line else b"---"
            if status != b"200":
                errors.append(f"{status.decode()} {path}")
    except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
        errors.append(f"{type(exc).__name__}: {exc}")
    finally:
        writer.close()


async def _httpx_client(
    base: str,
    pool: list[str],
    deadline: float,
    budget: list[int],
    latencies: list[tuple[str, float]],
    errors: list[str],
    rng: random.Random,
) -> None:
    import httpx

    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        while time.perf_counter() < deadline and budget[0] > 0:
            budget[0] -= 1
            path = rng.choice(pool)
            started = time.perf_counter()
            try:
                response = await client.get(path)
            except httpx.HTTPError as exc:
                errors.append(f"{type(exc).__name__}: {exc}")
                continue
            latencies.append((path, time.perf_counter() - started))
            if response.status_code != 200:
                errors.append(f"{response.status_code} {path}")


def _percentile(ordered: Sequence[float], p: float) -> float:
    return 1000 * ordered[min(len(ordered) - 1, int(p * len(ordered)))] if ordered else 0.0


def server_cpu_seconds(pid: int) -> float | None:
    """CPU time (user + system) used so far by process `pid` and its live children (uvicorn's
    workers), from /proc; None where there is no /proc. Unlike latency it hardly moves when
    other work shares the machine."""
    proc = Path("/proc")
    if not proc.is_dir():
        return None
    total = 0
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            # Fields after the command name (which may hold spaces) in parentheses.
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(entry.name) == pid or int(fields[1]) == pid:
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def load(
    port: int,
    pool: list[tuple[str, str]],
    clients: int,
    seconds: float,
    max_requests: int,
    client: str,
    seed: int,
    server_pid: int | None = None,
) -> dict[str, Any]:
    latencies: list[tuple[str, float]] = []
    errors: list[str] = []
    budget = [max_requests]
    shape_of = dict((url, shape) for shape, url in pool)
    urls = list(shape_of)
    cpu_before = server_cpu_seconds(server_pid) if server_pid else None

    async def run() -> float:
        started = time.perf_counter()
        deadline = started + seconds
        tasks = []
        for i in range(clients):
            rng = random.Random(seed * 1000 + i)
            if client == "httpx":
                tasks.append(
                    _httpx_client(
                        f"http://127.0.0.1:{port}", urls, deadline, budget, latencies, errors, rng
                    )
                )
            else:
                tasks.append(
                    _raw_client("127.0.0.1", port, urls, deadline, budget, latencies, errors, rng)
                )
        await asyncio.gather(*tasks)
        return time.perf_counter() - started

    client_cpu = time.process_time()
    elapsed = asyncio.run(run())
    client_cpu = time.process_time() - client_cpu
    cpu_after = server_cpu_seconds(server_pid) if server_pid else None
    ordered = sorted(t for _, t in latencies)
    by_shape: dict[str, list[float]] = {}
    for path, t in latencies:
        by_shape.setdefault(shape_of[path], []).append(t)
    shapes = {}
    for shape, times in sorted(by_shape.items()):
        times.sort()
        shapes[shape] = {
            "requests": len(times),
            "p50_ms": round(_percentile(times, 0.50), 1),
            "p95_ms": round(_percentile(times, 0.95), 1),
        }
    cpu_ms = None
    if cpu_before is not None and cpu_after is not None and latencies:
        cpu_ms = round(1000 * (cpu_after - cpu_before) / len(latencies), 2)
    return {
        "requests": len(latencies),
        "seconds": round(elapsed, 2),
        "requests_per_s": round(len(latencies) / elapsed, 1) if elapsed else 0.0,
        "errors": len(errors),
        "error_samples": errors[:5],
        "p50_ms": round(_percentile(ordered, 0.50), 1),
        "p95_ms": round(_percentile(ordered, 0.95), 1),
        "p99_ms": round(_percentile(ordered, 0.99), 1),
        "mean_ms": round(1000 * statistics.fmean(ordered), 1) if ordered else 0.0,
        "server_cpu_ms_per_request": cpu_ms,
        # The load generator shares the machine: what it takes is not the server's.
        "client_cpu_ms_per_request": round(1000 * client_cpu / len(latencies), 2)
        if latencies
        else None,
        "shapes": shapes,
    }


# --- the server ----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def server(db: str, workers: int, cache_size: int) -> Iterator[tuple[int, int]]:
    """A uvicorn server over `db` in a subprocess: yields (its port, its process id)."""
    port = free_port()
    env = {**os.environ, "HEADCOUNT_DB": db, "HEADCOUNT_CACHE_SIZE": str(cache_size)}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "headcount.web.app:app_from_env",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        env=env,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the server did not start") from None
                time.sleep(0.2)
        # Warm every worker (start-up refresh, first connections) before measuring.
        import urllib.request

        for _ in range(4 * workers):
            with urllib.request.urlopen(
                f"http://127.0.0.1:{port}/api/events?per_page=1", timeout=120
            ):
                pass
        yield port, process.pid
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


@contextmanager
def target(backend: str, postgres: str, directory: Path, given: str | None = None) -> Iterator[str]:
    if given:
        yield given
        return
    if backend == "sqlite":
        yield str(directory / "bench_api.db")
        return
    import psycopg
    from psycopg import sql

    name = f"hc_bench_api_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(name)))
        try:
            parts = urllib.parse.urlsplit(postgres)
            query = [*urllib.parse.parse_qsl(parts.query), ("options", f"-csearch_path={name}")]
            yield urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))
        finally:
            admin.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(name)))


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument(
        "--warmup",
        type=float,
        default=10.0,
        help="seconds of the same load before measuring (fills the cache)",
    )
    parser.add_argument("--max-requests", type=int, default=200_000)
    parser.add_argument("--workers", type=int, default=2, help="server processes")
    parser.add_argument("--pool", type=int, default=2000, help="distinct request URLs")
    parser.add_argument("--client", choices=("raw", "httpx"), default="raw")
    parser.add_argument("--cache", choices=("both", "on", "off"), default="both")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--db",
        help="measure this already filled ledger (a SQLite path or a "
        "postgresql:// URL) instead of building one",
    )
    args = parser.parse_args()
    if not (args.shared / TABLE).exists():
        print(f"cannot run: {args.shared / TABLE} is missing", file=sys.stderr)
        return 2
    results: dict[str, Any] = {
        "clients": args.clients,
        "workers": args.workers,
        "client": args.client,
        "cpus": os.cpu_count(),
    }
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        if args.db:
            args.backends = "postgresql" if args.db.startswith("postgres") else "sqlite"
            base = directory
        else:
            print("importing and resolving the real records once ...", file=sys.stderr)
            base = base_ledger(args.shared, directory)
        for backend in [b.strip() for b in args.backends.split(",") if b.strip()]:
            with target(backend, args.postgres, directory, args.db) as db:
                with open_store(args.db or db) as store:
                    if args.db:
                        db = args.db
                        built = {
                            "fill_seconds": 0,
                            "index_seconds": 0,
                            "events_in_store": store.event_count(),
                            "claims_in_store": store.mention_count(),
                        }
                    else:
                        print(f"{backend}: filling {args.events:,} events ...", file=sys.stderr)
                        built = fill(store, base, args.events)
                    pool = request_pool(store, args.pool, args.seed)
                runs = {}
                for cache in ("on", "off") if args.cache == "both" else (args.cache,):
                    with server(db, args.workers, 2048 if cache == "on" else 0) as (port, pid):
                        print(f"{backend}: load, cache {cache} ...", file=sys.stderr)
                        if args.warmup > 0:
                            load(
                                port,
                                pool,
                                args.clients,
                                args.warmup,
                                args.max_requests,
                                args.client,
                                args.seed + 1,
                            )
                        # Other work on the machine slows the server: say how busy it was.
                        before = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
                        runs[f"cache_{cache}"] = load(
                            port,
                            pool,
                            args.clients,
                            args.seconds,
                            args.max_requests,
                            args.client,
                            args.seed,
                            pid,
                        )
                        runs[f"cache_{cache}"]["load_1m_before"] = before
                results[backend] = {"ledger": built, **runs}
    load_1m = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    results["load_1m"] = load_1m
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    print(
        f"\nevents API under load: {args.clients} concurrent keep-alive clients on loopback, "
        f"{args.seconds:g}s per run after {args.warmup:g}s of warm-up, {args.workers} server "
        f"worker(s), {os.cpu_count()} CPUs, client {args.client}, {args.pool} distinct URLs "
        "drawn uniformly"
    )
    for backend in ("sqlite", "postgresql"):
        if backend not in results:
            continue
        built = results[backend]["ledger"]
        print(
            f"\n{backend}: {built['events_in_store']:,} events, {built['claims_in_store']:,} claims "
            f"(filled in {built['fill_seconds']}s, read model built in {built['index_seconds']}s)"
        )
        print(
            f"  {'cache':<6} {'requests':>9} {'req/s':>8} {'errors':>7} {'p50 ms':>8} {'p95 ms':>8} "
            f"{'p99 ms':>8} {'CPU ms/req':>11} {'load':>5}  target p95 < 50 ms"
        )
        runs = {k[6:]: v for k, v in results[backend].items() if k.startswith("cache_")}
        for cache, run in runs.items():
            mark = "PASS" if run["p95_ms"] < 50 and run["errors"] == 0 else "BELOW"
            cpu = run["server_cpu_ms_per_request"]
            busy = run["load_1m_before"]
            print(
                f"  {cache:<6} {run['requests']:>9,} {run['requests_per_s']:>8,.0f} "
                f"{run['errors']:>7} {run['p50_ms']:>8.1f} {run['p95_ms']:>8.1f} "
                f"{run['p99_ms']:>8.1f} {'-' if cpu is None else f'{cpu:.2f}':>11} "
                f"{'-' if busy is None else f'{busy:.1f}':>5}  "
                f"{mark if backend == 'sqlite' else ''}"
            )
            for sample in run["error_samples"]:
                print(f"    error: {sample}")
        # Which kinds of query are slow: p50 / p95 of each, per run.
        print(f"\n  {'p50 / p95 ms by query':<24}" + "".join(f"{'cache ' + c:>18}" for c in runs))
        for shape in sorted({shape for run in runs.values() for shape in run["shapes"]}):
            cells = []
            for run in runs.values():
                got = run["shapes"].get(shape)
                cells.append(f"{got['p50_ms']:.1f} / {got['p95_ms']:.1f}" if got else "-")
            print(f"  {shape:<24}" + "".join(f"{c:>18}" for c in cells))
    if load_1m is not None:
        print(f"\n1-minute load average at the end: {load_1m:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
