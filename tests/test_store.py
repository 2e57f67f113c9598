from __future__ import annotations

import csv
import dataclasses
import io
import json
import os
import sqlite3
import sys
import threading
import urllib.parse
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, NoReturn

import pytest

from headcount.model import Document, Mention
from headcount.present.claims import (
    CLAIM_FIELDS,
    format_headcount,
    format_table,
    mentions_to_csv,
    mentions_to_jsonl,
)
from headcount.present.formats import field_order
from headcount.store import SQLiteStore, Store, open_store
from headcount.store.rows import MENTION_COLUMNS, Shape
from headcount.store.schema import MIGRATIONS, pending
from headcount.store.sqlite import apply_migrations

FETCHED = datetime(2024, 2, 1, 12, 30, tzinfo=timezone.utc)


def make_doc(text: str, origin: str, published_at: date | None = None) -> Document:
    return Document(
        id=f"doc-{origin}",
        text=text,
        origin=origin,
        url=f"https://news.example/{origin}",
        outlet="Example News",
        title=f"Title of {origin}",
        published_at=published_at,
        fetched_at=FETCHED,
        language="en",
        source_kind="news",
    )


def make_mention(document_id: str, **overrides: Any) -> Mention:
    fields: dict[str, Any] = dict(
        document_id=document_id,
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
        evidence="Some sentence about layoffs.",
        evidence_start=0,
        evidence_end=28,
        extractor_version="test-1",
        confidence=0.5,
        doc="",
    )
    fields.update(overrides)
    return Mention(**fields)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "headcount.db"


# --- PostgreSQL: a fresh schema per test on the server at HEADCOUNT_TEST_POSTGRES_URL ------

POSTGRES_URL = os.environ.get(
    "HEADCOUNT_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)


def _postgres_unavailable(reason: str) -> NoReturn:
    reason = " ".join(reason.split())
    if os.environ.get("CI"):
        pytest.fail(f"PostgreSQL required in CI: {reason}", pytrace=False)
    pytest.skip(f"PostgreSQL tests skipped: {reason} (set HEADCOUNT_TEST_POSTGRES_URL)")


@pytest.fixture(scope="session")
def postgres_server() -> str:
    """The server's URL, checked once per session: skipped (failed in CI) if unreachable."""
    try:
        import psycopg
    except ImportError:
        _postgres_unavailable("psycopg is not installed (pip install -e '.[test]')")
    try:
        with psycopg.connect(POSTGRES_URL, connect_timeout=3):
            pass
    except psycopg.OperationalError as exc:
        url = urllib.parse.urlsplit(POSTGRES_URL)  # shown without user and password
        where = f"{url.hostname}:{url.port or 5432}{url.path}"
        _postgres_unavailable(f"cannot connect to {where}: {exc}")
    return POSTGRES_URL


def with_search_path(url: str, schema: str) -> str:
    parts = urllib.parse.urlsplit(url)
    query = [*urllib.parse.parse_qsl(parts.query), ("options", f"-csearch_path={schema}")]
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))


@pytest.fixture
def postgres_url(postgres_server: str) -> Iterator[str]:
    """A URL whose connections work in a new, empty schema, dropped after the test."""
    import psycopg
    from psycopg import sql

    name = f"hc_test_{uuid.uuid4().hex}"
    with psycopg.connect(postgres_server, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(name)))
        try:
            yield with_search_path(postgres_server, name)
        finally:
            admin.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(name)))


@pytest.fixture(params=["sqlite", "postgresql"])
def store_target(request: pytest.FixtureRequest, db_path: Path) -> str:
    """What open_store() is given: a fresh SQLite file, or a PostgreSQL URL on a fresh schema."""
    if request.param == "sqlite":
        return str(db_path)
    url: str = request.getfixturevalue("postgres_url")
    return url


@pytest.fixture
def store(store_target: str) -> Iterator[Store]:
    with open_store(store_target) as opened:
        yield opened


# --- schema and migrations ---------------------------------------------------------------


def test_open_creates_file_and_schema(db_path: Path) -> None:
    with SQLiteStore.open(db_path) as store:
        assert store.migrated == tuple(v for v, _ in MIGRATIONS)
        assert store.schema_versions() == [v for v, _ in MIGRATIONS]
    assert db_path.exists()
    conn = sqlite3.connect(db_path)
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"schema_version", "documents", "mentions", "extractions"} <= tables
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()


def test_foreign_keys_are_enforced(store: Store) -> None:
    with pytest.raises(store.IntegrityError):
        store.record_extraction("no-such-doc", "test-1", "extracted", None)


def test_reopening_applies_no_migration_twice(store_target: str) -> None:
    with open_store(store_target) as first:
        assert first.migrated == tuple(v for v, _ in MIGRATIONS)
    with open_store(store_target) as store:
        assert store.migrated == ()
        assert store.schema_versions() == [v for v, _ in MIGRATIONS]


def test_only_missing_migrations_run(db_path: Path) -> None:
    SQLiteStore.open(db_path).close()
    later = (*MIGRATIONS, (MIGRATIONS[-1][0] + 1, ["CREATE TABLE later (x INTEGER)"]))
    conn = sqlite3.connect(db_path, isolation_level=None)
    assert apply_migrations(conn, later) == [later[-1][0]]
    assert apply_migrations(conn, later) == []
    versions = [row[0] for row in conn.execute("SELECT version FROM schema_version")]
    assert sorted(versions) == [v for v, _ in later]
    conn.close()


def test_failed_migration_leaves_nothing_behind(db_path: Path) -> None:
    SQLiteStore.open(db_path).close()
    broken = (*MIGRATIONS, (99, ["CREATE TABLE half (x INTEGER)", "NOT SQL AT ALL"]))
    conn = sqlite3.connect(db_path, isolation_level=None)
    with pytest.raises(sqlite3.OperationalError):
        apply_migrations(conn, broken)
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "half" not in tables
    assert 99 not in {row[0] for row in conn.execute("SELECT version FROM schema_version")}
    conn.close()


def test_postgres_migrations_run_once_in_the_url_schema_and_fail_whole(
    postgres_url: str,
) -> None:
    import psycopg

    from headcount.store.postgres import apply_migrations

    open_store(postgres_url).close()
    later = (*MIGRATIONS, (MIGRATIONS[-1][0] + 1, ["CREATE TABLE later (x INTEGER)"]))
    broken = (*later, (99, ["CREATE TABLE half (x INTEGER)", "NOT SQL AT ALL"]))
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        assert apply_migrations(conn, later) == [later[-1][0]]
        assert apply_migrations(conn, later) == []
        with pytest.raises(psycopg.errors.SyntaxError):
            apply_migrations(conn, broken)
        schema, tables = conn.execute(
            "SELECT current_schema(), array_agg(table_name::text) FROM information_schema.tables "
            "WHERE table_schema = current_schema()"
        ).fetchone() or (None, None)
        versions = [row[0] for row in conn.execute("SELECT version FROM schema_version")]
    assert schema is not None and schema.startswith("hc_test_")
    # Every step's tables, in the URL's schema (later steps add more than the first).
    assert {"schema_version", "documents", "mentions", "extractions", "later"} <= set(tables)
    assert sorted(versions) == [v for v, _ in later]


def test_postgres_stores_opened_at_once_migrate_once(postgres_url: str) -> None:
    from headcount.store.postgres import PostgresStore

    start = threading.Barrier(4)

    def open_one(_: int) -> tuple[int, ...]:
        start.wait()
        with PostgresStore.open(postgres_url) as store:
            return store.migrated

    with ThreadPoolExecutor(max_workers=4) as pool:
        migrated = sorted(pool.map(open_one, range(4)))
    assert migrated == [(), (), (), tuple(v for v, _ in MIGRATIONS)]
    with open_store(postgres_url) as store:
        assert store.schema_versions() == [v for v, _ in MIGRATIONS]


def test_pending_rejects_bad_histories() -> None:
    with pytest.raises(ValueError, match="newer release"):
        pending({1, 42}, [(1, [])])
    with pytest.raises(ValueError, match="ascending"):
        pending(set(), [(2, []), (1, [])])


# --- documents, mentions, extractions ------------------------------------------------------


def test_same_document_twice_is_stored_once(store: Store) -> None:
    doc = make_doc("Acme cut 100 jobs.", "a.txt", date(2023, 11, 5))
    assert store.add_document(doc) is True
    assert store.add_document(doc) is False
    assert store.document_count() == 1
    assert store.get_document(doc.id) == doc
    assert store.get_document("missing") is None


def test_document_with_datetime_published_keeps_the_day(store: Store) -> None:
    doc = dataclasses.replace(
        make_doc("t", "b.txt"), published_at=datetime(2023, 11, 5, 23, 0, tzinfo=timezone.utc)
    )
    store.add_document(doc)
    stored = store.get_document(doc.id)
    assert stored is not None and stored.published_at == date(2023, 11, 5)


def test_same_mentions_twice_are_stored_once(store: Store) -> None:
    doc = make_doc("Acme cut 100 jobs. Beta cut 5%.", "a.txt")
    store.add_document(doc)
    first = make_mention(
        doc.id,
        employer_text="Acme",
        company="Acme Corp",
        parent="Acme Holdings",
        canonical="Acme Holdings",
        headcount_min=100,
        headcount_max=100,
        approx=True,
        date="2023-11",
        date_precision="month",
        units=["cloud", "ads"],
        locations=["Dublin"],
        reason="cost cutting",
        confidence=0.9,
    )
    second = make_mention(doc.id, company="Beta", percent=5.0, evidence_start=19)
    assert store.add_mentions([first, second, first]) == 2
    assert store.add_mentions([first, second]) == 0
    assert store.add_mentions([]) == 0
    assert store.mention_count() == 2
    stored = {m.id: m for m in store.claims()}
    assert stored[first.id] == dataclasses.replace(first, doc="a.txt")
    assert stored[second.id] == dataclasses.replace(second, doc="a.txt")


def test_mentions_of_unknown_document_add_nothing(store: Store) -> None:
    doc = make_doc("text", "a.txt")
    store.add_document(doc)
    good = make_mention(doc.id, company="Acme")
    orphan = make_mention("not-stored", company="Ghost")
    with pytest.raises(store.IntegrityError):
        store.add_mentions([good, orphan])
    assert store.mention_count() == 0


def test_transaction_groups_calls_and_inner_failure_is_undone_whole(store: Store) -> None:
    doc = make_doc("text", "a.txt")
    with store.transaction():
        store.add_document(doc)
        with pytest.raises(store.IntegrityError):
            store.add_mentions([make_mention(doc.id), make_mention("not-stored")])
        store.record_extraction(doc.id, "test-1", "extracted", None)
    assert store.document_count() == 1
    assert store.mention_count() == 0
    assert store.get_extraction(doc.id, "test-1") is not None

    other = make_doc("other", "b.txt")
    with pytest.raises(RuntimeError), store.transaction():
        store.add_document(other)
        raise RuntimeError("boom")
    assert store.get_document(other.id) is None


def test_round_trips_unicode_dates_and_floats_exactly(store: Store) -> None:
    # NFD on purpose (the store must not normalize), astral emoji, RTL, a zero-width joiner,
    # U+2028, and the characters placeholder and LIKE handling could trip on.
    text = "Ünïcode: 東京 🦄👩\u200d💻 Cafe\u0301 עברית\u2028tab\tquote ' \" \\ % ? _ $1 :x"
    doc = Document(
        id="doc-unicode",
        text=text,
        origin="ü/東京 🦄.txt",
        url="https://例え.jp/ü?q=%20&x=?",
        outlet="Zeit 🗞",
        title=text[:12],
        published_at=date(2024, 2, 29),
        fetched_at=datetime(
            2024, 2, 29, 23, 59, 59, 999999, timezone(timedelta(hours=5, minutes=45))
        ),
        language="und",
        source_kind="manual",
    )
    naive = dataclasses.replace(
        make_doc("naive", "naive.txt", date(1, 1, 1)), fetched_at=datetime(9999, 12, 31, 0, 0, 1)
    )
    for document in (doc, naive):
        assert store.add_document(document) is True
        stored_doc = store.get_document(document.id)
        assert stored_doc == document
        # Aware datetimes compare as instants; the offset must survive too.
        assert stored_doc.fetched_at.isoformat() == document.fetched_at.isoformat()
    mentions = [
        make_mention(
            doc.id,
            employer_text="Škoda?%_",
            company="ŠKODA AUTO a.s. 🚗",
            parent="Volkswagen AG",
            canonical="Volkswagen",
            kind="rumor",
            headcount_min=0,
            headcount_max=2**31 - 1,
            approx=True,
            percent=0.1 + 0.2,
            date="2024-02-29",
            date_precision="day",
            units=["云计算", "🚀 rockets", 'quote " and \\ backslash'],
            locations=["Zürich", "São Paulo", ""],
            reason="ümlaut reason ? %s",
            evidence=text,
            evidence_end=len(text),
            confidence=1 / 3,
        ),
        make_mention(doc.id, company="tiny", percent=5e-324, confidence=0.7, evidence_start=1),
        make_mention(doc.id, company="huge", percent=1.7976931348623157e308, evidence_start=2),
    ]
    assert store.add_mentions(mentions) == 3
    stored = {m.id: m for m in store.claims()}
    for mention in mentions:
        assert stored[mention.id] == dataclasses.replace(mention, doc=doc.origin)
        for name in ("percent", "confidence"):
            assert repr(getattr(stored[mention.id], name)) == repr(getattr(mention, name))
    assert companies(store.claims(company="škoda?%_")) == ["ŠKODA AUTO a.s. 🚗"]
    assert companies(store.claims(company="🚗")) == ["ŠKODA AUTO a.s. 🚗"]
    assert companies(store.claims(company="%s")) == []


def test_record_extraction_upserts(store: Store) -> None:
    doc = make_doc("Egy szöveg.", "hu.txt")
    store.add_document(doc)
    store.record_extraction(doc.id, "v1", "skipped", "language hu not supported yet")
    store.record_extraction(doc.id, "v1", "extracted", None)
    store.record_extraction(doc.id, "v2", "skipped", "language hu not supported yet")
    v1 = store.get_extraction(doc.id, "v1")
    assert v1 is not None and (v1.status, v1.detail) == ("extracted", None)
    v2 = store.get_extraction(doc.id, "v2")
    assert v2 is not None and v2.detail == "language hu not supported yet"
    assert store.get_extraction(doc.id, "v3") is None


# --- claims queries ------------------------------------------------------------------------


def fill_claims(store: Store) -> Store:
    dated = make_doc("dated", "dated.txt", date(2023, 12, 10))
    undated = make_doc("undated", "undated.txt", None)
    store.add_document(dated)
    store.add_document(undated)
    d, u = dated.id, undated.id
    store.add_mentions(
        [
            make_mention(d, company="Google", date="2023-11", evidence_start=1),
            make_mention(d, company="Meta", kind="past", date="2023", evidence_start=2),
            make_mention(d, company="Amazon", date=None, evidence_start=3),
            make_mention(u, company="Twitter", date=None, evidence_start=4),
            make_mention(
                d,
                company="ŠKODA AUTO",
                employer_text="Škoda",
                kind="rumor",
                date="2024-01-15",
                evidence_start=5,
            ),
            make_mention(
                d,
                company="YouTube",
                parent="Alphabet",
                date="2023-11-20",
                evidence_start=6,
            ),
            make_mention(d, company="100%_Pure", date="2022-05", evidence_start=7),
        ]
    )
    return store


@pytest.fixture
def claims_store(store: Store) -> Store:
    return fill_claims(store)


def companies(mentions: list[Mention]) -> list[str | None]:
    return [m.company for m in mentions]


def test_claims_newest_first_undated_last(claims_store: Store) -> None:
    assert companies(claims_store.claims()) == [
        "ŠKODA AUTO",  # 2024-01-15
        "Amazon",  # no date of its own: document published 2023-12-10
        "YouTube",  # 2023-11-20
        "Google",  # 2023-11
        "Meta",  # 2023
        "100%_Pure",  # 2022-05
        "Twitter",  # no date anywhere
    ]
    assert companies(claims_store.claims(limit=2)) == ["ŠKODA AUTO", "Amazon"]
    assert {m.doc for m in claims_store.claims()} == {"dated.txt", "undated.txt"}


def test_claims_company_filter(claims_store: Store) -> None:
    assert companies(claims_store.claims(company="gOOgle")) == ["Google"]
    assert companies(claims_store.claims(company="alphabet")) == ["YouTube"]  # parent
    assert companies(claims_store.claims(company="škoda")) == ["ŠKODA AUTO"]  # beyond ASCII
    assert companies(claims_store.claims(company="AUTO")) == ["ŠKODA AUTO"]  # substring
    # LIKE wildcards in the search are literal characters.
    assert companies(claims_store.claims(company="0%_p")) == ["100%_Pure"]
    assert claims_store.claims(company="%") == [claims_store.claims(company="100%")[0]]
    assert claims_store.claims(company="nobody") == []


def test_postgres_lower_falls_back_to_icu(postgres_url: str) -> None:
    """What a database with LC_CTYPE C gets: its lower() folds only ASCII, ICU's all."""
    import psycopg

    from headcount.store.postgres import PostgresStore, apply_migrations

    with psycopg.connect(postgres_url, autocommit=True) as conn:
        if (
            conn.execute("SELECT 1 FROM pg_collation WHERE collname = 'und-x-icu'").fetchone()
            is None
        ):
            pytest.skip("this PostgreSQL server has no ICU collations")
        store = fill_claims(
            PostgresStore(conn, apply_migrations(conn), lower_collation="und-x-icu")
        )
        assert companies(store.claims(company="škoda")) == ["ŠKODA AUTO"]
        assert companies(store.claims(company="gOOgle")) == ["Google"]
        assert companies(store.claims(company="0%_p")) == ["100%_Pure"]


def test_claims_on_one_day_sort_by_code_point_of_the_lowered_name(store: Store) -> None:
    # A PostgreSQL database in, say, en_US.UTF-8 would put "Éclair" before "Zeta" and ignore
    # the "_"; SQLite compares code points, and so must every backend.
    names = ["Zeta", "éclair", "_under", "apple", "Äpfel", "Bravo", "banana", "ZZ top"]
    doc = make_doc("sorting", "sort.txt", date(2024, 3, 1))
    store.add_document(doc)
    store.add_mentions(
        [make_mention(doc.id, company=name, evidence_start=i) for i, name in enumerate(names)]
    )
    assert companies(store.claims()) == sorted(names, key=str.lower)


def test_claims_kind_filter(claims_store: Store) -> None:
    assert companies(claims_store.claims(kind="rumor")) == ["ŠKODA AUTO"]
    assert companies(claims_store.claims(kind="past")) == ["Meta"]
    assert claims_store.claims(kind="cumulative") == []


@pytest.mark.parametrize(
    ("since", "until", "expected"),
    [
        # A month-precision claim counts from the first of its month...
        ("2023-11-01", None, {"ŠKODA AUTO", "Amazon", "YouTube", "Google", "Meta"}),
        # ...and for a range starting inside its month, as does a year-precision one.
        ("2023-11-15", None, {"ŠKODA AUTO", "Amazon", "YouTube", "Google", "Meta"}),
        ("2023-12", None, {"ŠKODA AUTO", "Amazon", "Meta"}),
        ("2024", None, {"ŠKODA AUTO"}),
        (None, "2023-10-31", {"Meta", "100%_Pure"}),
        (None, "2022", {"100%_Pure"}),
        ("2023-11", "2023-11", {"YouTube", "Google", "Meta"}),
        ("2023-11-21", "2023-11-30", {"Google", "Meta"}),
        ("2023-12-10", "2023-12-10", {"Amazon", "Meta"}),  # Amazon via published_at
        ("2025", None, set()),
    ],
)
def test_claims_date_range(
    claims_store: Store, since: str | None, until: str | None, expected: set[str]
) -> None:
    found = claims_store.claims(since=since, until=until)
    assert set(companies(found)) == expected
    assert "Twitter" not in companies(found)  # never dated, so outside every range


def test_claims_filters_combine(claims_store: Store) -> None:
    assert companies(claims_store.claims(company="o", kind="new", since="2023-11")) == [
        "Amazon",
        "YouTube",
        "Google",
    ]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"kind": "layoff"},
        {"since": "Nov 2023"},
        {"until": "2023-13"},
        {"since": "2023-02-30"},
        {"since": "2024", "until": "2023"},
        {"company": "  "},
        {"limit": -1},
    ],
)
def test_claims_rejects_bad_filters(claims_store: Store, kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        claims_store.claims(**kwargs)


# --- open_store ----------------------------------------------------------------------------


def test_open_store_accepts_paths_and_sqlite_urls(tmp_path: Path) -> None:
    with open_store(str(tmp_path / "plain.db")) as store:
        store.add_document(make_doc("x", "x.txt"))
    with open_store(f"sqlite:///{tmp_path / 'plain.db'}") as store:  # sqlite:////abs/path
        assert store.document_count() == 1
    with open_store("sqlite://") as store:
        assert store.document_count() == 0


def test_open_store_opens_postgresql_urls(postgres_url: str) -> None:
    from headcount.store.postgres import PostgresStore

    rest = postgres_url.split("://", 1)[1]
    with open_store(postgres_url) as store:
        assert isinstance(store, PostgresStore)
        store.add_document(make_doc("x", "x.txt"))
    for scheme in ("postgres", "postgresql+psycopg", "POSTGRESQL"):
        with open_store(f"{scheme}://{rest}") as store:
            assert isinstance(store, PostgresStore)
            assert store.document_count() == 1


def test_open_store_without_psycopg_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)  # makes `import psycopg` fail
    monkeypatch.delitem(sys.modules, "headcount.store.postgres", raising=False)
    with pytest.raises(ImportError, match=r"install headcount\[postgres\]") as err:
        open_store("postgresql://user:secret@db.example/headcount")
    assert "secret" not in str(err.value)
    # SQLite never needed the driver.
    with open_store("sqlite://") as store:
        assert store.document_count() == 0


def test_open_store_refuses_other_schemes() -> None:
    with pytest.raises(ValueError, match="unsupported") as err:
        open_store("mysql://user:secret@db.example/headcount")
    assert "secret" not in str(err.value)


# --- export --------------------------------------------------------------------------------


def export_sample() -> list[Mention]:
    return [
        make_mention(
            "doc-1",
            employer_text="Acme",
            company="Acme Corp",
            canonical="Acme Holdings",
            headcount_min=200,
            headcount_max=900,
            approx=True,
            percent=12.5,
            date="2023-11",
            date_precision="month",
            units=["cloud", "ads"],
            locations=["Dublin", "Zürich"],
            reason="cost cutting",
            evidence='Acme said "200 to 900" jobs,\nmaybe more.',
            confidence=0.8,
            doc="a.txt",
        ),
        make_mention("doc-2", company="Beta", doc="b.txt"),
    ]


def test_claim_fields_cover_the_model() -> None:
    assert set(CLAIM_FIELDS) == set(export_sample()[0].to_dict())


def test_csv_round_trip() -> None:
    buffer = io.StringIO(newline="")
    assert mentions_to_csv(export_sample(), buffer) == 2
    rows = list(csv.DictReader(io.StringIO(buffer.getvalue(), newline="")))
    assert len(rows) == 2
    first, second = rows
    assert list(first) == list(CLAIM_FIELDS)
    assert first["id"] == export_sample()[0].id
    assert first["company"] == "Acme Corp"
    assert first["canonical"] == "Acme Holdings"
    assert (first["headcount_min"], first["headcount_max"]) == ("200", "900")
    assert first["approx"] == "true"
    assert float(first["percent"]) == 12.5
    assert first["units"] == "cloud; ads"
    assert first["locations"] == "Dublin; Zürich"
    assert first["evidence"] == 'Acme said "200 to 900" jobs,\nmaybe more.'
    assert first["doc"] == "a.txt"
    assert (second["headcount_min"], second["percent"], second["units"]) == ("", "", "")
    assert second["approx"] == "false"


def test_jsonl_round_trip() -> None:
    buffer = io.StringIO()
    assert mentions_to_jsonl(export_sample(), buffer) == 2
    lines = buffer.getvalue().splitlines()
    assert len(lines) == 2
    records = [json.loads(line) for line in lines]
    for record, mention in zip(records, export_sample(), strict=True):
        assert record == mention.to_dict()
        assert list(record) == list(CLAIM_FIELDS)
    assert records[0]["units"] == ["cloud", "ads"]
    assert records[0]["approx"] is True
    assert records[1]["percent"] is None


# --- table ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("low", "high", "approx", "expected"),
    [
        (1000, 1000, False, "1,000"),
        (1000, 1000, True, "~1,000"),
        (200, 900, False, "200–900"),
        (200, 900, True, "~200–900"),
        (7500, None, False, "≥7,500"),
        (None, 2500, False, "≤2,500"),
        (None, None, False, "—"),
    ],
)
def test_format_headcount(low: int | None, high: int | None, approx: bool, expected: str) -> None:
    mention = make_mention("d", headcount_min=low, headcount_max=high, approx=approx)
    assert format_headcount(mention) == expected


def test_format_table() -> None:
    mentions = [
        *export_sample(),
        make_mention(
            "doc-3",
            company="Initech",
            headcount_min=12000,
            headcount_max=12000,
            approx=True,
            date="2024-01-15",
            reason="a very long reason " * 10,
        ),
        make_mention("doc-4", employer_text="the retailer", headcount_min=7500),
    ]
    table = format_table(mentions)
    lines = table.splitlines()
    assert lines[0].split() == [
        "date",
        "company",
        "kind",
        "headcount",
        "percent",
        "units",
        "locations",
        "reason",
    ]
    assert set(lines[1]) <= {"─", " "}
    assert len(lines) == 2 + len(mentions)
    acme, beta, initech, retailer = lines[2:]
    assert "~200–900" in acme and "12.5%" in acme and "cloud, ads" in acme
    assert "Dublin, Zürich" in acme and "2023-11" in acme
    assert beta.startswith("—") and "Beta" in beta
    assert "~12,000" in initech and initech.endswith("…")
    assert "the retailer" in retailer and "≥7,500" in retailer
    # Right-aligned headcounts end in the same column.
    column_end = lines[0].index("headcount") + len("headcount")
    for line in lines[2:]:
        assert line[column_end - 1] in "0123456789—"
    assert format_table([]).splitlines()[0].startswith("date")


def test_columns_and_export_fields_follow_the_model() -> None:
    # A field added to a record is a column and an export field without being named again;
    # a field whose stored form is unknown is refused when the module loads, not stored wrongly.
    @dataclasses.dataclass
    class Grown:
        id: str
        tags: list[str]
        flag: bool
        added: str | None = None

    shape = Shape(Grown)
    assert shape.columns == ("id", "tags", "flag", "added")
    assert shape.row(Grown("a", ["x"], True)) == ("a", '["x"]', 1, None)
    assert shape.record(("a", '["x"]', 1, "new")) == Grown("a", ["x"], True, "new")
    assert field_order(Grown, first=("flag",), hidden=("tags",)) == ("flag", "id", "added")
    with pytest.raises(ValueError, match="no field 'missing'"):
        field_order(Grown, hidden=("missing",))

    @dataclasses.dataclass
    class Unknown:
        id: str
        tags: list[str] | None

    with pytest.raises(TypeError, match="Unknown.tags"):
        Shape(Unknown)
    assert set(MENTION_COLUMNS) == {"id"} | {
        f.name for f in dataclasses.fields(Mention) if f.name != "doc"
    }
    assert set(CLAIM_FIELDS) == set(MENTION_COLUMNS) | {"doc"}
