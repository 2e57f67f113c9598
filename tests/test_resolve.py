"""Resolve: the company registry, claims merged into events, the change log, and the bars of
issue 3 on the real layoffs.fyi table, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import csv
import json
import os
import urllib.parse
import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any, NoReturn

import pytest
from click.testing import CliRunner

from headcount.cli import main
from headcount.ingest import import_file, ingest_inputs, sample_paths
from headcount.model import ClaimSource, Mention
from headcount.records import import_records
from headcount.records.summary import yearly_totals
from headcount.resolve import resolve
from headcount.resolve.cluster import cluster
from headcount.resolve.facts import ClaimFacts, claims_for
from headcount.resolve.figures import compare
from headcount.resolve.ledger import EventLedger
from headcount.resolve.registry import Registry, company_key
from headcount.store import Store, open_store

DATA = Path(__file__).parent / "data" / "records"
SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
NEWER = SHARED / "layoffs_fyi" / "layoffs_2020-03_to_2026-05_with_sources.csv"
NOW = "2026-01-01T00:00:00+00:00"
HEADER = (
    "company,location,total_laid_off,date,percentage_laid_off,industry,source,stage,"
    "funds_raised,country,date_added\n"
)

# --- hand-built claims ---------------------------------------------------------------------


def mention(doc: str, **overrides: Any) -> Mention:
    fields: dict[str, Any] = dict(
        document_id=doc,
        employer_text=None,
        company=None,
        parent=None,
        canonical=None,
        kind="new",
        headcount_min=None,
        headcount_max=None,
        approx=False,
        percent=None,
        date=None,
        date_precision=None,
        units=[],
        locations=[],
        reason=None,
        evidence=f"Sentence of {doc}.",
        evidence_start=0,
        evidence_end=10,
        extractor_version="test",
        confidence=0.5,
    )
    fields.update(overrides)
    if fields["company"] and not fields["employer_text"]:
        fields["employer_text"] = fields["company"]
    if (
        fields["headcount_min"] is not None
        and fields["headcount_max"] is None
        and not fields.get("open")
    ):
        fields["headcount_max"] = fields["headcount_min"]
    return Mention(**fields)


def row(company: str, day: str, headcount: int | None = None, percent: float | None = None,
        file: str = "t.csv", n: int = 1, seen: str = "1") -> tuple[Mention, ClaimSource]:  # fmt: skip
    return (
        mention(
            f"{file}{n}",
            company=company,
            headcount_min=headcount,
            percent=percent,
            date=day,
            date_precision="day",
        ),  # fmt: skip
        ClaimSource(f"{file}#row={n}", "table", "layoffs.fyi", published_at=day, seen_at=seen),
    )


def news(company: str | None, published: str, kind: str = "new", doc: str = "article",
         **fields: Any) -> tuple[Mention, ClaimSource]:  # fmt: skip
    fields.setdefault("date", published)
    fields.setdefault("date_precision", "day" if fields["date"] else None)
    return (
        mention(doc, company=company, kind=kind, **fields),
        ClaimSource(doc, "news", "Example News", published_at=published),
    )


def run(pairs: list[tuple[Mention, ClaimSource]], ledger: EventLedger | None = None,
        registry: Registry | None = None) -> tuple[EventLedger, Any, dict[str, ClaimFacts]]:  # fmt: skip
    registry = registry or Registry()
    ledger = ledger or EventLedger()
    claims = claims_for(pairs, registry)
    outcome = cluster(claims, ledger, registry, NOW)
    return ledger, outcome, {c.id: c for c in claims}


def placement(ledger: EventLedger, outcome: Any, m: Mention) -> tuple[str | None, str]:
    """(event id, role) of a claim after a run."""
    for state in ledger.events.values():
        for member in state.members:
            if member.claim.id == m.id:
                return state.id, member.role
    for member in outcome.loose:
        if member.claim.id == m.id:
            return None, member.role
    raise AssertionError("claim not placed")


def active(ledger: EventLedger) -> list[Any]:
    return [s for s in ledger.events.values() if s.superseded_by is None]


# --- the registry ------------------------------------------------------------------------


def test_registry_resolves_suffixes_units_and_subsidiaries() -> None:
    registry = Registry()
    assert company_key("Amazon.com, Inc.") == company_key("AMAZON") == "amazon"
    google = registry.resolve("Google LLC")
    assert google == "google" and registry.family("google") == "alphabet"
    assert registry.companies["google"].parent_id == "alphabet"
    assert registry.resolve("Alphabet Inc.") == "alphabet"
    assert registry.resolve("Amazon.com Services LLC") == "amazon"
    assert registry.resolve("Amazon Corporate LLC - My Habits Business") == "amazon"
    assert registry.resolve("Oracle America, Inc.") == "oracle"
    assert registry.family(registry.resolve("Twitch") or "") == "amazon"
    assert registry.family(registry.resolve("Vauxhall") or "") == "general-motors"
    # A unit the alias table only knows in lower case takes the name a source writes.
    assert registry.resolve("YouTube") == "youtube"
    assert registry.companies["youtube"].name == "YouTube"


def test_registry_matches_loosely_only_under_guards() -> None:
    registry = Registry()
    for name in ("Salesforce", "Delta Air Lines", "Delta Dental", "Bolt Financial",
                 "General Motors", "Metabase"):  # fmt: skip
        registry.resolve(name)
    assert registry.lookup("Saleforce") is not None  # a near-identical spelling
    assert registry.lookup("Saleforce").how == "fuzzy"  # type: ignore[union-attr]
    assert registry.lookup("Apple Leisure Group") is None  # a brand word is not a filler
    assert registry.lookup("Delta") is None  # ambiguous: two longer names start with it
    assert registry.lookup("Bolt") is None  # too short to stand for a longer name
    assert registry.lookup("General") is None  # generic words never match loosely
    assert registry.lookup("Meta") is not None and registry.lookup("Meta").how == "exact"  # type: ignore[union-attr]
    assert registry.lookup("Metta") is None  # short names need an exact key
    assert registry.lookup("Acme Widgets 2") is None
    new = registry.resolve("Acme Widgets")
    assert registry.resolve("Acme Widgets 2") != new  # digits never match loosely


def test_percent_only_claim_gets_an_estimate_with_its_basis() -> None:
    ledger, _, _ = run([row("Acme", "2023-01-05", 100, 10.0, n=1),
                        row("Acme", "2023-06-01", None, 20.0, n=2)])  # fmt: skip
    events = sorted(active(ledger), key=lambda s: s.current.announced_on)
    assert events[0].current.headcount == 100 and events[0].current.estimated_headcount is None
    later = events[1].current
    assert later.headcount is None and later.headcount_min is None
    assert later.estimated_headcount == 200
    assert later.estimate_basis is not None
    assert "estimate" in later.estimate_basis and "1,000" in later.estimate_basis
    assert "2023-01-05" in later.estimate_basis


# --- clustering rules ----------------------------------------------------------------------


def test_compare_figures() -> None:
    assert compare((900, 1100), (1000, 1000)) == "match"
    assert compare((200, 900), (180, 180)) == "close"
    assert compare((200, 900), (30, 30)) == "conflict"
    assert compare(None, (30, 30)) == "unknown"


def test_news_joins_the_record_within_its_window_and_not_outside() -> None:
    table = row("Acme", "2023-03-01", 500)
    near = news("Acme", "2023-03-10", doc="near", headcount_min=500, approx=True)
    later = news("Acme", "2023-06-10", doc="later", headcount_min=500)
    ledger, outcome, _ = run([table, near, later])
    table_event, role = placement(ledger, outcome, table[0])
    assert role == "primary"
    assert placement(ledger, outcome, near[0]) == (table_event, "report")
    event, role = placement(ledger, outcome, later[0])
    assert event != table_event and role == "primary"


def test_conflicting_figures_do_not_merge() -> None:
    ledger, outcome, _ = run([row("Acme", "2023-03-01", 30),
                              news("Acme", "2023-03-05", headcount_min=5000)])  # fmt: skip
    assert len(active(ledger)) == 2


def test_month_precision_window() -> None:
    table = row("Acme", "2023-04-28", 120)
    month = news("Acme", "2023-06-20", doc="m", date="2023-05", date_precision="month",
                 headcount_min=120)  # fmt: skip
    far = news("Acme", "2023-09-20", doc="f", date="2023-08", date_precision="month",
               headcount_min=120)  # fmt: skip
    ledger, outcome, _ = run([table, month, far])
    event, _ = placement(ledger, outcome, table[0])
    assert placement(ledger, outcome, month[0]) == (event, "report")
    assert placement(ledger, outcome, far[0])[0] != event


def test_parent_claim_lands_on_subsidiary_record_but_own_company_first() -> None:
    google = row("Google", "2024-01-10", 1000, n=1)
    amazon = row("Amazon", "2024-01-10", None, n=2)
    twitch = row("Twitch", "2024-01-09", 500, n=3)
    alphabet = news("Alphabet", "2024-01-25", doc="a", headcount_min=1000, approx=True)
    amazon_news = news("Amazon", "2024-01-25", doc="b", headcount_min=200, headcount_max=900,
                       approx=True)  # fmt: skip
    ledger, outcome, _ = run([google, amazon, twitch, alphabet, amazon_news])
    assert placement(ledger, outcome, alphabet[0]) == (
        placement(ledger, outcome, google[0])[0],
        "report",
    )
    assert placement(ledger, outcome, amazon_news[0])[0] == placement(ledger, outcome, amazon[0])[0]


def test_past_cumulative_and_aggregate_never_create_events() -> None:
    pairs = [
        row("Amazon", "2022-11-16", 10000, n=1),
        row("Amazon", "2023-03-20", 9000, n=2),
        news("Amazon", "2023-11-20", doc="d", headcount_min=200, headcount_max=900, approx=True),
        news(
            "Amazon",
            "2023-11-20",
            kind="past",
            doc="d",
            date="2023",
            date_precision="year",
            headcount_min=9000,
            evidence_start=5,
        ),  # fmt: skip
        news(
            "Amazon",
            "2023-11-20",
            kind="cumulative",
            doc="d",
            date="2023",
            date_precision="year",
            headcount_min=27000,
            evidence_start=6,
        ),  # fmt: skip
        news(
            "Amazon",
            "2023-11-20",
            kind="past",
            doc="d",
            date="2022",
            date_precision="year",
            headcount_min=18000,
            evidence_start=7,
        ),  # fmt: skip
        news(
            None,
            "2023-11-20",
            kind="aggregate",
            doc="d",
            date="2023",
            date_precision="year",
            headcount_min=168032,
            evidence_start=8,
        ),  # fmt: skip
        news(
            "Initech",
            "2023-11-20",
            kind="past",
            doc="d",
            date="2023",
            date_precision="year",
            headcount_min=50,
            evidence_start=9,
        ),  # fmt: skip
    ]
    ledger, outcome, _ = run(pairs)
    # The two records, plus the article's own news (no Amazon record near November 2023).
    assert len(active(ledger)) == 3
    nine = placement(ledger, outcome, pairs[3][0])
    assert nine == (placement(ledger, outcome, pairs[1][0])[0], "report")
    assert placement(ledger, outcome, pairs[4][0])[1] == "context"
    eighteen = placement(ledger, outcome, pairs[5][0])
    assert eighteen == (placement(ledger, outcome, pairs[0][0])[0], "context")
    assert placement(ledger, outcome, pairs[6][0]) == (None, "statistic")
    assert [m.id for m in outcome.statistics] == [pairs[6][0].id]
    assert placement(ledger, outcome, pairs[7][0]) == (None, "context")


def test_same_tracker_rows_duplicate_and_later_import_corrects() -> None:
    ledger, outcome, _ = run([
        row("Acme", "2023-01-05", 100, 10.0, file="a.csv", n=1, seen="1"),
        row("Acme", "2023-01-05", 80, file="a.csv", n=2, seen="1"),
        row("Acme", "2023-02-05", 50, file="a.csv", n=3, seen="1"),
    ])  # fmt: skip
    assert len(active(ledger)) == 2
    edited = row("Acme", "2023-02-05", 70, file="b.csv", n=3, seen="2")
    same = row("Acme", "2023-01-05", 100, 10.0, file="b.csv", n=1, seen="2")
    _, outcome2, _ = run([edited, same], ledger=ledger)
    assert outcome2.created == 0
    event, role = placement(ledger, outcome2, edited[0])
    assert role == "correction"
    state = ledger.events[event]
    assert state.current.headcount == 70 and state.current.headcount_min == 70
    old = next(m for m in state.members if m.claim.mention.headcount_min == 50)
    assert old.superseded_by == edited[0].id
    change = next(c for c in outcome2.changes if c.field == "headcount")
    assert (change.old, change.new, change.caused_by) == (50, 70, edited[0].id)
    assert placement(ledger, outcome2, same[0])[1] == "duplicate"


def test_a_claim_whose_placement_fails_is_reported_and_the_others_land(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from headcount.resolve import cluster as cluster_module

    placing = cluster_module._Run.place_news

    def fragile(self: Any, claim: ClaimFacts) -> None:
        if claim.mention.company == "Brokenco":
            raise RuntimeError("cannot compare")
        placing(self, claim)

    monkeypatch.setattr(cluster_module._Run, "place_news", fragile)
    broken = news("Brokenco", "2024-03-01", doc="a1", headcount_min=10)
    fine = news("Fineco", "2024-03-01", doc="a2", headcount_min=20)
    ledger, outcome, _ = run([broken, fine])
    assert outcome.unplaced == [(broken[0].id, "RuntimeError: cannot compare")]
    assert placement(ledger, outcome, fine[0])[1] == "primary"


def test_news_event_is_superseded_when_a_record_arrives() -> None:
    article = news("Acme", "2023-03-10", headcount_min=500, approx=True)
    ledger, outcome, _ = run([article])
    (news_event,) = active(ledger)
    table = row("Acme", "2023-03-01", 500)
    _, outcome2, _ = run([table], ledger=ledger)
    assert news_event.superseded_by is not None and outcome2.superseded == 1
    target = ledger.events[news_event.superseded_by]
    assert {m.claim.id for m in target.members} == {article[0].id, table[0].id}
    assert any(c.event_id == news_event.id and c.field == "superseded_by" for c in outcome2.changes)


# --- stores on both backends -----------------------------------------------------------------

POSTGRES_URL = os.environ.get(
    "HEADCOUNT_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)


def _postgres_unavailable(reason: str) -> NoReturn:
    if os.environ.get("CI"):
        pytest.fail(f"PostgreSQL required in CI: {reason}", pytrace=False)
    pytest.skip(f"PostgreSQL tests skipped: {reason} (set HEADCOUNT_TEST_POSTGRES_URL)")


def _postgres_schema() -> Iterator[str]:
    try:
        import psycopg
        from psycopg import sql
    except ImportError:
        _postgres_unavailable("psycopg is not installed")
    name = f"hc_test_{uuid.uuid4().hex}"
    try:
        admin = psycopg.connect(POSTGRES_URL, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        _postgres_unavailable(f"cannot connect: {' '.join(str(exc).split())}")
    with admin:
        admin.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(name)))
        try:
            parts = urllib.parse.urlsplit(POSTGRES_URL)
            query = [*urllib.parse.parse_qsl(parts.query), ("options", f"-csearch_path={name}")]
            yield urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))
        finally:
            admin.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(name)))


def _target(kind: str, directory: Path) -> Iterator[str]:
    if kind == "sqlite":
        yield str(directory / "ledger.db")
    else:
        yield from _postgres_schema()


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    for target in _target(request.param, tmp_path):
        with open_store(target) as opened:
            yield opened


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def ledger(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Store]:
    """The newer layoffs.fyi table imported, then the bundled seed articles ingested."""
    if not NEWER.exists():
        pytest.skip(f"needs {NEWER}")
    for target in _target(request.param, tmp_path_factory.mktemp("ledger")):
        with open_store(target) as opened:
            import_file(opened, "layoffs-fyi", str(NEWER))
            resolve(opened)
            ingest_inputs(opened, sample_paths())
            resolve(opened)
            yield opened


def _row_number(origin: str) -> int:
    return int(origin.rpartition("#row=")[2])


def test_every_row_is_accounted_for_and_yearly_totals_match_the_csv(ledger: Store) -> None:
    with NEWER.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    placed = [p for p in ledger.placed_claims() if p[2].source_kind == "table"]
    origins = ledger.document_origins([m.document_id for _, m, _ in placed])
    by_row = {}
    for source, claim, _doc in placed:
        for origin in origins[claim.document_id]:
            by_row[_row_number(origin)] = source
    # Every row is its own event or merged with a stated reason.
    assert sorted(by_row) == list(range(1, len(rows) + 1))
    roles = Counter(source.role for source in by_row.values())
    assert set(roles) == {"primary", "duplicate", "part"}
    assert all(s.reason and s.event_id for s in by_row.values())
    events = ledger.events()
    assert len(events) == roles["primary"] == len(rows) - roles["duplicate"] - roles["part"]
    # The 19 repeated (company, date) pairs hold 21 extra rows: 11 repeat a figure (or give
    # none), 10 give another figure (Oracle's other two places, Salesforce's Dublin...) and
    # are parts of the round, which add up.
    assert (roles["duplicate"], roles["part"]) == (11, 10)
    for n, source in by_row.items():
        if source.role in ("duplicate", "part"):
            twin = rows[n - 1]
            assert any(
                r["company"].strip() == twin["company"].strip() and r["date"] == twin["date"]
                for i, r in enumerate(rows, 1) if i != n and by_row[i].event_id == source.event_id
            )  # fmt: skip
    # Yearly totals of events with a known headcount = the CSV's own sums over the rows not
    # merged as duplicates (read here with the csv module, not through the importer).
    direct: Counter[int] = Counter()
    dropped: Counter[int] = Counter()
    for n, r in enumerate(rows, 1):
        if not r["total_laid_off"]:
            continue
        month, day, year = (int(p) for p in r["date"].split("/"))
        figure = int(float(r["total_laid_off"]))
        if by_row[n].role == "duplicate":
            dropped[year] += figure
        else:
            direct[year] += figure
            assert by_row[n].counted
    totals: Counter[int] = Counter()
    for event in events:
        if event.headcount is not None and event.announced_on:
            totals[int(event.announced_on[:4])] += event.headcount
    assert totals == direct
    # ... which is the importer's yearly totals less the duplicates' figures.
    imported = yearly_totals(import_records("layoffs-fyi", NEWER))
    assert {y: imported[y] - dropped[y] for y in imported} == dict(direct)


def test_seed_claims_land_on_the_layoffs_fyi_events(ledger: Store) -> None:
    claims = {(m.document_id, m.kind, m.headcount_min): (s, m) for s, m, d in ledger.placed_claims()
              if d.source_kind == "news"}  # fmt: skip
    google = [e for e in ledger.events(company="google", since="2024-01-10", until="2024-01-10")]
    assert len(google) == 1 and google[0].headcount == 1000 and google[0].parent == "Alphabet"
    amazon = ledger.events(company="amazon", since="2023-11-17", until="2023-11-17")
    assert len(amazon) == 1
    alphabet = next(v for k, v in claims.items() if v[1].company == "Alphabet")
    assert (alphabet[0].event_id, alphabet[0].role) == (google[0].id, "report")
    alexa = next(v for k, v in claims.items() if "Alexa and AI unit" in v[1].units)
    assert (alexa[0].event_id, alexa[0].role) == (amazon[0].id, "report")
    assert amazon[0].headcount_min == 200 and amazon[0].headcount_max == 900
    assert "Alexa and AI unit" in amazon[0].units and amazon[0].sources == 2
    # The article's past rounds and running total create no event of their own.
    for figure in (18000, 9000, 27000):
        source, claim = next(v for k, v in claims.items() if k[2] == figure)
        assert source.role in ("context", "report") and source.event_id is not None
        assert claim.kind in ("past", "cumulative")
    lead_docs = {e.lead_mention_id for e in ledger.events()}
    assert not lead_docs & {m.id for _, m in claims.values()}
    assert len(ledger.statistics()) == 3
    detail = ledger.event_detail(google[0].id)
    assert detail is not None
    assert [c.field for c in detail.changes][0] == "created"
    assert any(c.caused_by == alphabet[1].id for c in detail.changes)


def test_resolving_again_changes_nothing(ledger: Store) -> None:
    before = (ledger.event_count(True), ledger.change_count())
    report = resolve(ledger)
    assert report.claims == 0 and report.changes == 0 and report.events_created == 0
    assert (ledger.event_count(True), ledger.change_count()) == before


def test_classic_duplicate_rows_are_one_document_with_every_row_as_a_source(store: Store) -> None:
    import_file(store, "layoffs-fyi", str(DATA / "layoffs_classic.csv"))
    resolve(store)
    (yahoo,) = store.events(company="yahoo")
    detail = store.event_detail(yahoo.id)
    assert detail is not None and len(detail.sources) == 1
    origins = detail.sources[0].origins
    assert len(origins) == 2 and all(o.startswith("layoffs_classic.csv#row=") for o in origins)
    cazoo = store.events(company="cazoo")
    assert len(cazoo) == 1
    with (DATA / "layoffs_classic.csv").open(newline="") as stream:
        keys = {tuple(r.values()) for r in csv.DictReader(stream)}
    assert store.event_count() == len(keys)  # one event per distinct row


def test_an_edited_row_supersedes_with_a_recorded_change(store: Store, tmp_path: Path) -> None:
    first, second = tmp_path / "v1", tmp_path / "v2"
    first.mkdir(), second.mkdir()
    text = HEADER + (
        "Acme,Seattle,2000.0,2/28/2025,,Hardware,https://news.example/acme,Post-IPO,1,United States,3/1/2025\n"
        "Initech,Austin,50.0,2/20/2025,0.1,Software,https://news.example/initech,Series B,5,United States,2/21/2025\n"
    )
    (first / "layoffs.csv").write_text(text, encoding="utf-8")
    (second / "layoffs.csv").write_text(text.replace("2000.0", "4000.0"), encoding="utf-8")
    import_file(store, "layoffs-fyi", str(first / "layoffs.csv"))
    resolve(store)
    (acme,) = store.events(company="acme")
    import_file(store, "layoffs-fyi", str(second / "layoffs.csv"))
    report = resolve(store)
    # The unchanged Initech row is the same document again: nothing new to place.
    assert report.claims == 1 and report.events_created == 0 and report.roles == {"correction": 1}
    (after,) = store.events(company="acme")
    assert after.id == acme.id and after.headcount == 4000 and after.revision > acme.revision
    detail = store.event_detail(acme.id)
    assert detail is not None
    old = next(v for v in detail.sources if v.mention.headcount_min == 2000)
    new = next(v for v in detail.sources if v.mention.headcount_min == 4000)
    assert old.source.superseded_by == new.mention.id and new.source.role == "correction"
    change = next(c for c in detail.changes if c.field == "headcount")
    assert (change.old, change.new, change.caused_by) == (2000, 4000, new.mention.id)
    (initech,) = store.events(company="initech")
    assert initech.claims == 1 and initech.sources == 1
    # The workforce a row implies (50 laid off = 10%) is known to the registry.
    companies, _ = store.companies()
    assert next(c for c in companies if c.name == "Initech").workforce == 500


def test_news_first_then_table_merges_and_supersedes(store: Store, tmp_path: Path) -> None:
    ingest_inputs(store, sample_paths())
    resolve(store)
    news_events = store.events()
    assert {e.status for e in news_events} == {"reported"}
    table = tmp_path / "layoffs.csv"
    table.write_text(
        HEADER
        + "Google,SF Bay Area,1000.0,1/10/2024,,Consumer,https://example.com/g,Post-IPO,26,United States,1/11/2024\n"
        + "Amazon,Seattle,,11/17/2023,,Retail,https://example.com/a,Post-IPO,108,United States,11/17/2023\n"
        + "Amazon,Seattle,9000.0,3/20/2023,,Retail,https://example.com/b,Post-IPO,108,United States,3/20/2023\n",
        encoding="utf-8",
    )
    import_file(store, "layoffs-fyi", str(table))
    report = resolve(store)
    assert report.events_superseded >= 2 and report.context_attached >= 1
    (google,) = store.events(company="google")
    assert google.announced_on == "2024-01-10" and google.headcount == 1000
    assert google.sources == 2 and google.status == "confirmed"
    superseded = [e for e in store.events(include_superseded=True) if e.superseded_by]
    assert google.id in {e.superseded_by for e in superseded}
    gone = next(e for e in superseded if e.superseded_by == google.id)
    history = store.event_changes(gone.id)
    assert any(c.field == "superseded_by" and c.new == google.id for c in history)
    march = store.events(company="amazon", since="2023-03-20", until="2023-03-20")
    assert len(march) == 1 and march[0].sources == 2  # the 9,000 past round found its event


@pytest.mark.parametrize("warn_first", [True, False])
def test_warn_notices_and_a_table_row_are_one_event_in_either_order(
    store: Store, tmp_path: Path, warn_first: bool
) -> None:
    table = tmp_path / "layoffs.csv"
    table.write_text(
        HEADER
        + "Microsoft,Seattle,10000.0,1/18/2023,0.05,Other,https://example.com/m,Post-IPO,1,United States,1/18/2023\n",
        encoding="utf-8",
    )
    steps = [("warn", str(DATA / "register_wa.csv")), ("layoffs-fyi", str(table))]
    for kind, path in steps if warn_first else steps[::-1]:
        import_file(store, kind, path)  # type: ignore[arg-type]
        resolve(store)
    (microsoft,) = store.events(company="microsoft")
    assert microsoft.announced_on == "2023-01-18" and microsoft.headcount == 10000
    assert microsoft.sources == 2 and microsoft.status == "confirmed"
    detail = store.event_detail(microsoft.id)
    assert detail is not None
    roles = {v.document.source_kind: (v.source.role, v.source.counted) for v in detail.sources}
    assert roles["table"][1] is True and roles["warn"][1] is False
    assert roles["warn"][0] == ("primary" if warn_first else "filing")
    assert "Redmond" in microsoft.locations
    # Two sites of one employer's notices on one day are parts of one event, summed.
    import_file(store, "warn", str(DATA / "register_ny.csv"))
    resolve(store)
    (knight,) = store.events(company="knight facilities")
    assert knight.headcount == 4 and knight.claims == 2


def test_unattributed_and_statistics_round_trip(store: Store) -> None:
    ingest_inputs(store, sample_paths())
    resolve(store)
    stats = store.statistics()
    assert sorted(m.headcount_min or 0 for m in stats) == [7500, 20000, 168032]


# --- the command line ------------------------------------------------------------------------


def cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_cli_resolve_events_and_event(tmp_path: Path) -> None:
    db = str(tmp_path / "ledger.db")
    table = tmp_path / "layoffs.csv"
    table.write_text(
        HEADER
        + "Google,SF Bay Area,1000.0,1/10/2024,,Consumer,https://example.com/g,Post-IPO,26,United States,1/11/2024\n"
        + "Acme,Austin,,2/1/2023,0.2,Retail,https://example.com/x,Seed,1,United States,2/2/2023\n",
        encoding="utf-8",
    )
    code, _, err = cli("--db", db, "import", "layoffs-fyi", str(table))
    assert code == 0 and "1 new documents" not in err and "resolved 2 claims" in err
    code, _, err = cli("--db", db, "ingest", "--sample")
    assert code == 0 and "documents read" in err and "resolved 10 claims" in err
    code, out, _ = cli("--db", db, "resolve")
    assert code == 0 and out.startswith("resolved 0 claims")
    code, out, _ = cli("--db", db, "events", "--json")
    rows = [json.loads(line) for line in out.splitlines()]
    for key in ("id", "company", "announced_on", "headcount_min", "headcount_max", "approx",
                "percent", "units", "locations", "reasons", "sources"):  # fmt: skip
        assert all(key in r for r in rows)
    google = next(r for r in rows if r["company"] == "Google")
    assert google["sources"] == 2 and google["headcount"] == 1000
    code, out, _ = cli("--db", db, "events", "--company", "alphabet", "--since", "2024", "--csv")
    assert [r["company"] for r in csv.DictReader(out.splitlines())] == ["Google"]
    code, out, _ = cli("--db", db, "events", "--until", "2023-12")
    assert "Acme" in out and "Google" not in out
    code, out, _ = cli("--db", db, "event", google["id"])
    assert code == 0 and "Alphabet, Google's parent company" in out and "history:" in out
    assert "created" in out and "why:" in out
    code, out, _ = cli("--db", db, "event", google["id"], "--json")
    detail = json.loads(out)
    assert {s["role"] for s in detail["source_claims"]} == {"primary", "report"}
    code, _, err = cli("--db", db, "event", "nope")
    assert code != 0 and "no event nope" in err
    code, _, err = cli("--db", db, "events", "--since", "2024-13")
    assert code != 0


def test_registry_is_saved_and_reloaded(store: Store) -> None:
    import_file(store, "layoffs-fyi", str(DATA / "layoffs_kaggle.csv"))
    resolve(store)
    companies, aliases = store.companies()
    registry = Registry(companies, aliases)
    assert registry.family(registry.resolve("LinkedIn") or "") == "microsoft"
    assert len(registry.companies) == len(companies)
    assert registry.pending() == ([], [])
    today = date.today().isoformat()
    assert all(e.first_seen[:4] <= today[:4] for e in store.events())


def test_a_percent_only_article_joins_the_tracker_row_it_matches(
    store: Store, tmp_path: Path
) -> None:
    """A news claim with a share and no headcount compared against a record with a headcount
    once crashed resolve and left every later run failing on the same claim."""
    table = tmp_path / "t.csv"
    table.write_text(
        HEADER + "Twitter,SF Bay Area,3700,11/4/2022,0.5,Consumer,https://example.com/a,"
        "Post-IPO,12900,United States,11/4/2022\n",
        encoding="utf-8",
    )
    article = tmp_path / "a.jsonl"
    article.write_text(
        json.dumps(
            {
                "id": "tw",
                "title": "Twitter lays off staff",
                "published": "2022-11-05",
                "text": "Twitter laid off 50% of its workforce on Friday, the company said.",
            }
        )
        + "\n",
        encoding="utf-8",
    )
    import_file(store, "layoffs-fyi", str(table))
    resolve(store)
    ingest_inputs(store, [str(article)])
    report = resolve(store)
    assert report.unplaced == [] and report.claims == 1
    (event,) = store.events()
    assert (event.company, event.headcount, event.sources) == ("Twitter", 3700, 2)
    assert store.unresolved_claims() == []
    assert resolve(store).claims == 0
