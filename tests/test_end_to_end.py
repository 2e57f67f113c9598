"""End to end on real data (issue 10, section 4), on SQLite and on PostgreSQL.

One ledger per backend is built as a user builds it with the commands: `import layoffs-fyi` of
the layoffs.fyi table, `import warn` of the bundled Washington notices and of the normalized
WARN register (MA, NY, TX, WA: every file, ~15,800 current notices, imported in about two
seconds; its 1,368 stale WA listings are skipped by design), `ingest` of the bundled sample and
of every gold document in ../shared/eval (seeds, BBC, Reuters, web), each followed by
`resolve`. Then the same again, which must add nothing. The ledger is then read through the
web app as a browser or a script would.

Measured on the 2-core development machine: about 60 s on SQLite and 70 s on PostgreSQL, of
which 25-30 s build the ledger twice (mostly extracting the 554 gold documents each time)."""

from __future__ import annotations

import json
import sqlite3
import warnings
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

with warnings.catch_warnings():
    # Starlette suggests another HTTP client package for its TestClient; httpx works as is.
    warnings.simplefilter("ignore", UserWarning)
    from fastapi.testclient import TestClient

from headcount.evaluate.gold import load_gold
from headcount.extract.pipeline import extract_document
from headcount.ingest import import_file, ingest_inputs, sample_paths, store_extraction
from headcount.present.formats import to_json
from headcount.records import RecordKind
from headcount.resolve import resolve
from headcount.resolve.service import ResolveReport
from headcount.store import Store, open_store
from headcount.store.event_index import UNDATED
from headcount.store.schema import MIGRATIONS
from headcount.store.sqlite import SQLiteStore
from headcount.store.sqlite import apply_migrations as sqlite_migrations
from headcount.web import create_app
from test_resolve import _target  # a throwaway PostgreSQL schema; fails in CI without a server
from test_totals import _get, _same_everywhere, _unavailable, api, export

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
TABLE = SHARED / "data" / "layoffs_fyi" / "layoffs_2020-03_to_2026-05_with_sources.csv"
WARN_SAMPLE = ROOT / "src" / "headcount" / "sample_data" / "warn_wa_sample.csv"
WARN_REGISTER = SHARED / "data" / "warn" / "normalized_warn_notice_register"
GOLD_SETS = ("seeds_gold", "dev_gold_bbc", "dev_gold_reuters", "dev_gold_web")

# Every event page and API record takes 2-4 ms through the TestClient; all ~18,000 events and
# ~20,000 documents would add some two minutes per backend. So the pages read are those of every
# event a news article is behind or that merges several claims (~1,600: where placing, ranges
# and highlighting are hard), every STRIDE-th of the rest (~650 single tracker rows and WARN
# notices, whose pages are alike), every document behind them and every news document.
STRIDE = 25


@dataclass
class Counts:
    documents: int
    claims: int
    events: int  # superseded ones included: nothing is ever deleted
    current_events: int
    changes: int

    @classmethod
    def of(cls, target: str) -> Counts:
        with open_store(target) as store:
            return cls(
                store.document_count(),
                store.mention_count(),
                store.event_count(include_superseded=True),
                store.event_count(),
                store.change_count(),
            )


@dataclass
class Run:
    """What one pass of the commands reported."""

    new_documents: int = 0
    new_claims: int = 0
    row_errors: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    resolves: list[ResolveReport] = field(default_factory=list)


@dataclass
class Ledger:
    kind: str  # sqlite or postgresql
    target: str
    first: Run
    second: Run
    after_first: Counts
    after_second: Counts
    unresolved: list[str]  # claims no run placed, after both runs


def _inputs() -> tuple[list[Path], list[Path]]:
    register = sorted(WARN_REGISTER.glob("*.csv"))
    gold = [SHARED / "eval" / f"{name}.jsonl" for name in GOLD_SETS]
    missing = [p for p in (TABLE, *gold) if not p.exists()]
    if missing or not register:
        _unavailable(f"needs ../shared: {', '.join(map(str, missing)) or WARN_REGISTER}")
    return register, gold


def _pass(target: str, register: list[Path], gold: list[Path]) -> Run:
    """One pass of the commands, each import or ingest resolved at its end as the CLI does."""
    run = Run()
    with open_store(target) as store:
        imports: list[tuple[RecordKind, list[Path]]] = [
            ("layoffs-fyi", [TABLE]),
            ("warn", [WARN_SAMPLE, *register]),
        ]
        for kind, paths in imports:
            for path in paths:
                imported = import_file(store, kind, str(path))
                run.new_documents += imported.new_documents
                run.new_claims += imported.new_claims
                run.row_errors += [f"{path.name}: {e}" for e in imported.row_errors]
            run.resolves.append(resolve(store))
        ingested = ingest_inputs(store, sample_paths())
        # The gold documents are built as `headcount eval` reads them (the web set exactly as
        # ingest builds a JSON Lines record) and stored as ingest stores a document.
        for path in gold:
            for item in load_gold(path):
                store_extraction(store, item.document, extract_document(item.document), ingested)
        run.new_documents += ingested.new_documents
        run.new_claims += ingested.new_claims
        run.problems += [str(p) for p in ingested.problems]
        run.resolves.append(resolve(store))
    return run


def _build(kind: str, target: str) -> Ledger:
    register, gold = _inputs()
    first = _pass(target, register, gold)
    after_first = Counts.of(target)
    second = _pass(target, register, gold)
    with open_store(target) as store:
        unresolved = sorted(mention.id for mention, _ in store.unresolved_claims())
    return Ledger(kind, target, first, second, after_first, Counts.of(target), unresolved)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def ledger(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Ledger]:
    _inputs()  # skip (or fail in CI) before asking for a PostgreSQL schema
    for target in _target(request.param, tmp_path_factory.mktemp("end_to_end")):
        yield _build(request.param, target)


@pytest.fixture(scope="module")
def client(ledger: Ledger) -> Iterator[TestClient]:
    with TestClient(create_app(ledger.target)) as c:
        yield c


@pytest.fixture(scope="module")
def exported(client: TestClient) -> dict[str, dict[str, str]]:
    """Every current event as the CSV download gives it, by id."""
    _, rows = export(client, "")
    return {r["id"]: r for r in rows}


# --- the ledger --------------------------------------------------------------------------------


def test_every_input_lands(ledger: Ledger) -> None:
    first = ledger.first
    assert first.row_errors == [] and first.problems == []
    counts = ledger.after_first
    # Each gold document and table row, the register's current notices: all of them stored.
    assert counts.documents > 20_000 and counts.claims > counts.documents
    assert counts.current_events > 15_000 and counts.changes >= counts.events
    assert first.new_documents == counts.documents and first.new_claims == counts.claims


def test_no_claim_is_left_unplaced_without_a_reason(ledger: Ledger) -> None:
    for report in (*ledger.first.resolves, *ledger.second.resolves):
        assert all(why.strip() for _, why in report.unplaced), report.unplaced
    # Each run tries every unplaced claim again, so the last report names every claim still
    # unplaced, with its reason.
    last = ledger.second.resolves[-1]
    assert ledger.unresolved == sorted(claim for claim, _ in last.unplaced)
    # And on this data none is: a claim is only left unplaced when placing it raised, which is
    # a defect of resolve.
    assert ledger.unresolved == [], last.summary()


def test_a_second_run_adds_nothing(ledger: Ledger) -> None:
    second = ledger.second
    assert (second.new_documents, second.new_claims) == (0, 0)
    assert ledger.after_second == ledger.after_first
    for report in second.resolves:
        done = (report.claims, report.events_created, report.events_updated, report.changes)
        assert done == (0, 0, 0, 0), report.summary()


# --- every page answers ----------------------------------------------------------------------


def _sample(exported: dict[str, dict[str, str]]) -> list[str]:
    hard = [
        event_id
        for event_id, r in exported.items()
        if "news" in r["source_kinds"].split("; ") or int(r["claims"]) > 1
    ]
    rest = sorted(set(exported) - set(hard))
    return sorted(hard) + rest[::STRIDE]


def _no_server_paths(text: str, url: str) -> None:
    # A page names a source file by its name, never where it sits on the server.
    assert str(SHARED) not in text and str(ROOT) not in text, url


def test_event_pages_records_and_documents_answer(
    client: TestClient, ledger: Ledger, exported: dict[str, dict[str, str]]
) -> None:
    sample = _sample(exported)
    assert len(sample) > 1_000
    documents: set[str] = set()
    for event_id in sample:
        page = _get(client, f"/events/{event_id}")
        _no_server_paths(page.text, page.url)
        record: dict[str, Any] = _get(client, f"/api/events/{event_id}").json()
        _no_server_paths(json.dumps(record), f"/api/events/{event_id}")
        # The record is the export's row: the same figure counted.
        row = exported[event_id]
        assert record["id"] == event_id
        assert record["headcount"] == (int(row["headcount"]) if row["headcount"] else None)
        assert record["source_claims"], event_id
        documents.update(c["document_id"] for c in record["source_claims"])
    with open_store(ledger.target) as store:
        news = [
            row[0] for row in store._fetchall("SELECT id FROM documents WHERE source_kind = 'news'")
        ]
    assert len(news) > 500  # the gold sets and the sample
    for document_id in sorted(documents | set(news)):
        page = _get(client, f"/documents/{document_id}")
        _no_server_paths(page.text, page.url)


# --- every total re-adds from the export -------------------------------------------------------


def _listing(client: TestClient) -> dict[str, int | None]:
    """The headcount of every event as /api/events lists it, page by page, by id."""
    found: dict[str, int | None] = {}
    page = 1
    while True:
        events = _get(client, f"/api/events?per_page=500&page={page}").json()["events"]
        if not events:
            return found
        found.update((e["id"], e["headcount"]) for e in events)
        page += 1


def _listing_adds_up(client: TestClient) -> None:
    """The records /api/events lists are the export's rows, and re-add to its totals."""
    readded, rows = export(client, "")
    listed = _listing(client)
    assert listed == {r["id"]: int(r["headcount"]) if r["headcount"] else None for r in rows}
    totals = api(client, "")
    assert totals == readded
    assert sum(v for v in listed.values() if v is not None) == totals.headcount
    assert sum(1 for v in listed.values() if v is None) == totals.without_figure


def test_the_listing_re_adds_to_the_totals(client: TestClient) -> None:
    _listing_adds_up(client)


def test_every_year_re_adds_from_the_export(
    client: TestClient, exported: dict[str, dict[str, str]]
) -> None:
    events: Counter[str] = Counter()
    jobs: Counter[str] = Counter()
    for r in exported.values():
        year = r["announced_on"][:4] or UNDATED
        events[year] += 1
        jobs[year] += int(r["headcount"] or 0)
    groups = _get(client, "/api/statistics?by=year").json()["groups"]
    assert {g["key"]: (g["events"], g["headcount"]) for g in groups} == {
        year: (events[year], jobs[year]) for year in events
    }
    # Reuters 1987 to the tracker's 2026: a span that each year's filter must also re-add.
    assert len(events) > 20 and events[UNDATED] > 0


def _years(exported: dict[str, dict[str, str]]) -> list[str]:
    return sorted({r["announced_on"][:4] for r in exported.values() if r["announced_on"]})


def test_every_filter_gives_one_total_everywhere(
    client: TestClient, exported: dict[str, dict[str, str]]
) -> None:
    """Tracker page, /api/events, the CSV re-added, the charts and /api/statistics agree, for
    everything, each year, each kind of source and companies with subsidiaries."""
    queries = [
        "",
        *(f"year={year}" for year in _years(exported)),
        "source=news",
        "source=warn",
        "source=table",
        "company=Amazon",
        "company=Alphabet",
    ]
    for query in queries:
        _same_everywhere(client, query)


# --- an upgraded database ----------------------------------------------------------------------

#: The tables of a version-5 database, parents before children (PostgreSQL checks references).
V5_TABLES = (
    "documents", "mentions", "extractions", "companies", "company_aliases", "events",
    "event_sources", "event_changes", "statistics", "document_origins", "record_facts",
    "feeds", "feed_items", "batch_runs", "event_index", "event_search", "company_words",
    "event_records", "event_index_totals",
)  # fmt: skip


def _at_version_5(kind: str, built: str, old: str) -> Store:
    """A database at schema version 5 at `old` holding everything of the ledger at `built`
    (each table's version-5 columns), as a Store that has not migrated it any further."""
    if kind == "sqlite":
        conn = sqlite3.connect(old, isolation_level=None)
        sqlite_migrations(conn, MIGRATIONS[:5])
        conn.execute("ATTACH DATABASE ? AS built", (built,))
        conn.execute("BEGIN")
        for table in V5_TABLES:
            columns = ", ".join(row[1] for row in conn.execute(f"PRAGMA main.table_info({table})"))
            conn.execute(
                f"INSERT INTO main.{table} ({columns}) SELECT {columns} FROM built.{table}"
            )
        conn.execute("COMMIT")
        conn.execute("DETACH DATABASE built")
        return SQLiteStore(conn)
    import psycopg
    from psycopg import sql

    from headcount.store.postgres import PostgresStore
    from headcount.store.postgres import apply_migrations as postgres_migrations

    with psycopg.connect(built) as source:
        row = source.execute("SELECT current_schema()").fetchone()
        assert row is not None
        source_schema = str(row[0])
    pg = psycopg.connect(old, autocommit=True)
    postgres_migrations(pg, MIGRATIONS[:5])
    with pg.transaction():
        for table in V5_TABLES:
            listed = sql.SQL(", ").join(
                sql.Identifier(name)
                for (name,) in pg.execute(
                    "SELECT column_name FROM information_schema.columns "
                    "WHERE table_schema = current_schema() AND table_name = %s "
                    "ORDER BY ordinal_position",
                    (table,),
                )
            )
            pg.execute(
                sql.SQL("INSERT INTO {} ({}) SELECT {} FROM {}.{}").format(
                    sql.Identifier(table),
                    listed,
                    listed,
                    sql.Identifier(source_schema),
                    sql.Identifier(table),
                )
            )
    return PostgresStore(pg)


def test_a_database_at_the_previous_version_upgrades_and_adds_up(
    ledger: Ledger, tmp_path: Path
) -> None:
    """A database last written at schema version 5 by a release before event_export's
    counted_figure: its read model kept each record's `headcount` as the event's own figure
    (null for "several hundred"), and a refresh never rebuilds a row whose event did not
    change, so its listings did not re-add to its totals or its CSV. The next steps empty the
    read model, so the first request after the upgrade rebuilds it."""
    with open_store(ledger.target) as built:
        built.refresh_event_index()  # whether or not a test before read it through the web
    for old in _target(ledger.kind, tmp_path):
        with _at_version_5(ledger.kind, ledger.target, old) as store:
            assert store.schema_versions() == [1, 2, 3, 4, 5]
            stale = [
                (to_json({**json.loads(record), "headcount": own}), event_id)
                for event_id, record, own in store._fetchall(
                    "SELECT r.event_id, r.record, e.headcount "
                    "FROM event_records r JOIN events e ON e.id = r.event_id"
                )
                if json.loads(record)["headcount"] != own
            ]
            # News figures given as a range: "several hundred", "more than 7,500".
            assert len(stale) > 50
            with store.transaction():
                store._executemany("UPDATE event_records SET record = ? WHERE event_id = ?", stale)

        with open_store(old) as upgraded:
            assert upgraded.migrated == tuple(v for v, _ in MIGRATIONS[5:])
            assert upgraded.schema_versions() == [v for v, _ in MIGRATIONS]
        # Only derived rows were dropped.
        assert Counts.of(old) == ledger.after_second
        with TestClient(create_app(old)) as client:
            _listing_adds_up(client)
            for query in ("", "year=2023", "source=news"):
                _same_everywhere(client, query)
            # Search is rebuilt with the rest.
            found = _get(client, "/api/events?q=alexa").json()["events"]
            assert any(e["company_id"] == "amazon" for e in found), found
