"""The tracker's read model (schema v5): records kept as JSON, the kept totals, the search
index and the upgrade of a v4 database, on a real SQLite file built from real records."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from headcount.model import Event
from headcount.present.formats import to_json
from headcount.store import Store, open_store
from headcount.store.event_index import EventFacts, EventFilter, fold, listed_record
from headcount.store.rows import bar_list
from headcount.store.schema import MIGRATIONS, for_dialect
from headcount.store.sqlite import apply_migrations
from web_support import build_ledger

# Filters and sorts as the tracker combines them.
FILTERS = [
    EventFilter(),
    EventFilter(company="amazon"),
    EventFilter(company="amazon", since="2023-01", until="2023-11-17"),
    EventFilter(q="alexa"),
    EventFilter(q="several hundred", since="2023"),
    EventFilter(source="warn"),
    EventFilter(industry="retail", min_headcount=100),
    EventFilter(since="2023-11-15"),
    EventFilter(until="2023-11"),
]
SORTS = ["-date", "company", "-headcount", "sources", "-first_seen"]


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> str:
    tmp = tmp_path_factory.mktemp("read_model")
    target = str(tmp / "ledger.db")
    build_ledger(target, tmp)
    with open_store(target) as store:
        store.refresh_event_index()
    return target


@pytest.fixture
def store(ledger: str) -> Iterator[Store]:
    with open_store(ledger) as opened:
        yield opened


def _searchable(store: Store) -> dict[str, str]:
    return {
        event_id: text
        for event_id, text in store._fetchall("SELECT event_id, search FROM event_search")
    }


def _holds(text: str, term: str) -> bool:
    """Whether a search text holds `term` as a search means it: the term's words in a row,
    each the start of a word of the text, the last a whole word when it has up to three
    characters ("ai" is not in "retail"); a term without words asks for nothing."""
    found = re.findall(r"\w+", fold(term))
    if not found:
        return True
    pattern = r"(?<!\w)" + r"\W+".join(re.escape(w) for w in found)
    if len(found[-1]) <= 3:
        pattern += r"(?!\w)"
    return re.search(pattern, text) is not None


def _kept_record(store: Store, event: Event, kinds: list[str], tags: list[str]) -> str:
    """The API record the read model should keep for a listed event: with the places and
    funding of its records and its original source, as the store answers them one by one."""
    facts = store.event_facts([event.id]).get(event.id, EventFacts())
    url = store.source_urls([event.id]).get(event.id)
    return to_json(listed_record(event, kinds, tags, facts, url))


def test_statements_per_dialect() -> None:
    steps = ["A", {"sqlite": "B"}, {"postgresql": "C"}, {"sqlite": "D", "postgresql": "E"}]
    assert for_dialect(steps, "sqlite") == ["A", "B", "D"]
    assert for_dialect(steps, "postgresql") == ["A", "C", "E"]


@pytest.mark.parametrize("f", FILTERS, ids=repr)
@pytest.mark.parametrize("sort", SORTS)
def test_a_page_of_records_is_the_page_of_events(store: Store, f: EventFilter, sort: str) -> None:
    found = store.find_events(f, sort, 0, 7)
    expected = [(e.id, _kept_record(store, e, kinds, tags)) for e, kinds, tags in found]
    assert store.find_event_records(f, sort, 0, 7) == expected
    assert store.event_page(f, sort, 0, 7) == (store.event_totals(f), expected)
    # A later page, and one past the end.
    assert store.event_page(f, sort, 3, 4)[1] == expected[3:7]
    assert store.event_page(f, sort, 10_000, 5)[1] == []


def test_kept_totals_of_everything_follow_the_events(ledger: str, tmp_path: Path) -> None:
    copy = tmp_path / "copy.db"
    with sqlite3.connect(ledger) as source, sqlite3.connect(copy) as target:
        source.backup(target)
    with open_store(copy) as store:
        assert store.event_totals() == store._count_totals()
        before = store.event_totals()
        event_id = store.find_events(EventFilter(min_headcount=1), "-headcount", 0, 1)[0][0].id
        store._execute(
            "UPDATE events SET headcount = headcount + 5, last_updated = '9999', "
            "revision = revision + 1 WHERE id = ?",
            (event_id,),
        )
        assert store.refresh_event_index() == 1
        after = store.event_totals()
        assert after == store._count_totals()
        assert after.headcount == before.headcount + 5


@pytest.mark.parametrize(
    "q",
    [
        "alexa",
        "amazon",
        "several hundred",
        "hundr",
        "al",
        "a",
        "a_b",
        "50%",
        "100\\",
        "xyzzy",
        "ŠKODA",
        "Amazon Seattle",
        '"quoted"',
        "ai",
        "AI Seattle",
        "dubai",
        "amazon.com",
    ],
)
def test_search_finds_exactly_the_events_whose_text_holds_every_word(store: Store, q: str) -> None:
    expected = {
        event_id
        for event_id, text in _searchable(store).items()
        if all(_holds(text, term) for term in q.split())
    }
    found = {e.id for e, _, _ in store.find_events(EventFilter(q=q), None, 0, None)}
    assert found == expected
    assert store.event_totals(EventFilter(q=q)).events == len(expected)


@pytest.mark.parametrize("q", ["amazon", "several hundred", "alexa", "al", "seattle"])
@pytest.mark.parametrize(
    "dates", [("2023", "2023"), ("2023-01-01", "2023-12-31"), ("2023-11", "2024"), ("2022", "2023")]
)
def test_search_within_dates_is_search_and_dates(
    store: Store, q: str, dates: tuple[str, str]
) -> None:
    """A search within one whole year is narrowed to the year inside the text index; any
    search with dates finds the events of the search that the dates alone find."""
    since, until = dates

    def ids(f: EventFilter) -> set[str]:
        return {e.id for e, _, _ in store.find_events(f, None, 0, None)}

    both = ids(EventFilter(q=q, since=since, until=until))
    assert both == ids(EventFilter(q=q)) & ids(EventFilter(since=since, until=until))
    assert store.event_totals(EventFilter(q=q, since=since, until=until)).events == len(both)


def test_search_index_follows_edits_and_checks_whole_words(ledger: str, tmp_path: Path) -> None:
    copy = tmp_path / "copy.db"
    with sqlite3.connect(ledger) as source, sqlite3.connect(copy) as target:
        source.backup(target)
    with open_store(copy) as store:
        event_id = next(iter(_searchable(store)))
        # Every trigram of "abcd" is in "abcxbcd" (abc, bcd) but the word is not.
        store._execute(
            "UPDATE event_search SET search = ? WHERE event_id = ?", (" zz abcxbcd ", event_id)
        )
        assert store.find_events(EventFilter(q="abcd"), None, 0, None) == []
        assert [e.id for e, _, _ in store.find_events(EventFilter(q="abcx"), None, 0, None)] == [
            event_id
        ]
        assert [
            e.id for e, _, _ in store.find_events(EventFilter(q="ABCXB zz"), None, 0, None)
        ] == [event_id]
        store._execute("DELETE FROM event_search WHERE event_id = ?", (event_id,))
        assert store.find_events(EventFilter(q="abcx"), None, 0, None) == []


def test_a_v4_database_upgrades_keeping_its_data(ledger: str, tmp_path: Path) -> None:
    """A database last opened by a v4 release: the step keeps every event, claim and document,
    and the next refresh rebuilds the read model, which then answers as a new one does."""
    old = tmp_path / "v4.db"
    conn = sqlite3.connect(old, isolation_level=None)
    apply_migrations(conn, MIGRATIONS[:4])
    conn.execute("ATTACH DATABASE ? AS built", (ledger,))
    tables = [
        "documents",
        "mentions",
        "extractions",
        "companies",
        "company_aliases",
        "events",
        "event_sources",
        "event_changes",
        "statistics",
        "document_origins",
        "record_facts",
        "event_index",
        "company_words",
    ]
    conn.execute("BEGIN")
    for table in tables:
        # The columns v4 had: later steps add some (event_index's confidence, version 7).
        columns = ", ".join(row[1] for row in conn.execute(f"PRAGMA main.table_info({table})"))
        conn.execute(f"INSERT INTO main.{table} SELECT {columns} FROM built.{table}")
    # v4's event_search: (event_id, search).
    conn.execute("INSERT INTO main.event_search SELECT event_id, search FROM built.event_search")
    conn.execute("COMMIT")
    conn.execute("DETACH DATABASE built")
    conn.close()

    with open_store(ledger) as new, open_store(old) as upgraded:
        assert upgraded.migrated == tuple(v for v, _ in MIGRATIONS[4:])
        assert upgraded.schema_versions() == [v for v, _ in MIGRATIONS]
        assert upgraded.event_count() == new.event_count()
        assert upgraded.mention_count() == new.mention_count()
        assert upgraded.document_count() == new.document_count()
        # The read model is derived: emptied by the step, rebuilt by the next refresh.
        assert upgraded.refresh_event_index() == new.event_count()
        assert upgraded.refresh_event_index() == 0
        for f in FILTERS:
            for sort in SORTS[:2]:
                assert upgraded.event_page(f, sort, 0, 20) == new.event_page(f, sort, 0, 20)
                assert upgraded.find_events(f, sort, 0, 20) == new.find_events(f, sort, 0, 20)


def test_records_carry_the_kinds_and_tags_of_the_index(store: Store) -> None:
    for event, kinds, tags in store.find_events(EventFilter(), None, 0, 30):
        (row,) = store._fetchall(
            "SELECT x.source_kinds, x.reason_tags, r.record FROM event_index x "
            "JOIN event_records r ON r.event_id = x.event_id WHERE x.event_id = ?",
            (event.id,),
        )
        assert bar_list(row[0]) == kinds and bar_list(row[1]) == tags
        assert row[2] == _kept_record(store, event, kinds, tags)
