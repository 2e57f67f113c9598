"""The store's schema as ordered migration steps, shared by every backend.

The DDL sticks to what SQLite and PostgreSQL both accept and mean the same by, so both backends
run these very steps and need no per-dialect variant (see the notes on types below). If a later
step ever needs one, map the differing type names per dialect here, keeping this one list.

Never edit a step that has shipped: databases that already ran it would silently differ from new
ones. Append a new (version, statements) step instead.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Final

#: One step's statement: SQL that every backend runs, or SQL per dialect ("sqlite",
#: "postgresql") for the rare object one engine has and the other has not; a dialect missing
#: from the mapping skips it.
Statement = str | Mapping[str, str]
Migration = tuple[int, Sequence[Statement]]

# Bootstrapped outside the numbered steps: it must exist before we can ask which steps ran.
SCHEMA_VERSION_DDL: Final = """CREATE TABLE IF NOT EXISTS schema_version (
    version INTEGER PRIMARY KEY,
    applied_at TEXT NOT NULL
)"""

# Dates are TEXT in ISO form, not DATE: a claim's date may be just "2023" or "2023-11", which no
# DATE type can hold, and the claims query compares claim and publication dates at the claim's
# precision by string prefix. published_at is TEXT too so COALESCE(claim date, published_at)
# has one type in PostgreSQL.
# Floats are DOUBLE PRECISION rather than REAL because PostgreSQL's REAL is 4-byte and would turn
# a confidence of 0.7 into 0.699999988; SQLite gives the name REAL affinity, so it is portable.
# Booleans are INTEGER 0/1 because SQLite has no BOOLEAN type. INTEGER holds 4 bytes in
# PostgreSQL (8 in SQLite), ample for headcounts and character offsets.
# TEXT compares by code point in SQLite; the PostgreSQL store sorts with COLLATE "C" to match.
_V1: Final[tuple[str, ...]] = (
    """CREATE TABLE documents (
    id TEXT PRIMARY KEY,
    origin TEXT NOT NULL,
    url TEXT,
    outlet TEXT,
    title TEXT,
    published_at TEXT,
    fetched_at TEXT NOT NULL,
    language TEXT,
    source_kind TEXT NOT NULL,
    text TEXT NOT NULL
)""",
    """CREATE TABLE mentions (
    id TEXT PRIMARY KEY,
    document_id TEXT NOT NULL REFERENCES documents (id),
    employer_text TEXT,
    company TEXT,
    parent TEXT,
    canonical TEXT,
    kind TEXT NOT NULL,
    headcount_min INTEGER,
    headcount_max INTEGER,
    approx INTEGER NOT NULL,
    percent DOUBLE PRECISION,
    date TEXT,
    date_precision TEXT,
    units TEXT NOT NULL,
    locations TEXT NOT NULL,
    reason TEXT,
    evidence TEXT NOT NULL,
    evidence_start INTEGER NOT NULL,
    evidence_end INTEGER NOT NULL,
    extractor_version TEXT NOT NULL,
    confidence DOUBLE PRECISION NOT NULL
)""",
    # Neither engine indexes foreign-key columns on its own; the claims join needs this one.
    "CREATE INDEX mentions_document_id ON mentions (document_id)",
    "CREATE INDEX mentions_kind ON mentions (kind)",
    "CREATE INDEX mentions_date ON mentions (date)",
    """CREATE TABLE extractions (
    document_id TEXT NOT NULL REFERENCES documents (id),
    extractor_version TEXT NOT NULL,
    status TEXT NOT NULL,
    detail TEXT,
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (document_id, extractor_version)
)""",
)

# Version 2: the resolved ledger. Companies (the registry) and their aliases; events and the
# claims behind them (event_sources: one row per resolved claim, so "unresolved" is a claim
# without one); the change log of every event; industry-wide statistics; and where each
# document was seen (a row repeated in a table is one document seen at two origins) together
# with the industry and country its record gave. Nothing here is ever deleted: a merged or
# corrected event or claim points to what superseded it.
_V2: Final[tuple[str, ...]] = (
    """CREATE TABLE companies (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    parent_id TEXT REFERENCES companies (id),
    industry TEXT,
    country TEXT,
    workforce INTEGER,
    workforce_basis TEXT,
    workforce_as_of TEXT,
    source TEXT NOT NULL,
    name_from_key INTEGER NOT NULL,
    updated_at TEXT NOT NULL
)""",
    """CREATE TABLE company_aliases (
    key TEXT PRIMARY KEY,
    company_id TEXT NOT NULL REFERENCES companies (id),
    alias TEXT NOT NULL,
    how TEXT NOT NULL
)""",
    "CREATE INDEX company_aliases_company ON company_aliases (company_id)",
    """CREATE TABLE events (
    id TEXT PRIMARY KEY,
    company_id TEXT REFERENCES companies (id),
    family_id TEXT,
    company TEXT,
    parent TEXT,
    announced_on TEXT,
    date_precision TEXT,
    headcount INTEGER,
    headcount_min INTEGER,
    headcount_max INTEGER,
    approx INTEGER NOT NULL,
    percent DOUBLE PRECISION,
    estimated_headcount INTEGER,
    estimate_basis TEXT,
    units TEXT NOT NULL,
    locations TEXT NOT NULL,
    reasons TEXT NOT NULL,
    status TEXT NOT NULL,
    sources INTEGER NOT NULL,
    claims INTEGER NOT NULL,
    lead_mention_id TEXT,
    industry TEXT,
    country TEXT,
    first_seen TEXT NOT NULL,
    last_updated TEXT NOT NULL,
    superseded_by TEXT REFERENCES events (id),
    revision INTEGER NOT NULL
)""",
    "CREATE INDEX events_family ON events (family_id)",
    "CREATE INDEX events_announced_on ON events (announced_on)",
    """CREATE TABLE event_sources (
    mention_id TEXT PRIMARY KEY REFERENCES mentions (id),
    event_id TEXT REFERENCES events (id),
    role TEXT NOT NULL,
    reason TEXT NOT NULL,
    counted INTEGER NOT NULL,
    superseded_by TEXT,
    position INTEGER NOT NULL,
    company_id TEXT,
    family_id TEXT,
    attached_at TEXT NOT NULL
)""",
    "CREATE INDEX event_sources_event ON event_sources (event_id)",
    "CREATE INDEX event_sources_family ON event_sources (family_id)",
    """CREATE TABLE event_changes (
    event_id TEXT NOT NULL REFERENCES events (id),
    seq INTEGER NOT NULL,
    at TEXT NOT NULL,
    field TEXT NOT NULL,
    old TEXT,
    new TEXT,
    caused_by TEXT,
    note TEXT,
    PRIMARY KEY (event_id, seq)
)""",
    """CREATE TABLE statistics (
    mention_id TEXT PRIMARY KEY REFERENCES mentions (id),
    period TEXT,
    date_precision TEXT,
    headcount_min INTEGER,
    headcount_max INTEGER,
    approx INTEGER NOT NULL,
    percent DOUBLE PRECISION,
    units TEXT NOT NULL,
    locations TEXT NOT NULL,
    evidence TEXT NOT NULL,
    recorded_at TEXT NOT NULL
)""",
    """CREATE TABLE document_origins (
    document_id TEXT NOT NULL REFERENCES documents (id),
    origin TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    PRIMARY KEY (document_id, origin)
)""",
    """CREATE TABLE record_facts (
    document_id TEXT PRIMARY KEY REFERENCES documents (id),
    industry TEXT,
    country TEXT
)""",
)

# Version 3: the feed reader and bulk runs. Each feed with its conditional-GET validators and
# health (last poll, last success, last error, failures in a row for the backoff); every item a
# feed has listed, so a restarted `watch` fetches what it had not finished and nothing twice;
# and how far each `batch` run has got, written in the same transaction as its results.
_V3: Final[tuple[str, ...]] = (
    """CREATE TABLE feeds (
    id TEXT PRIMARY KEY,
    url TEXT NOT NULL UNIQUE,
    title TEXT,
    added_at TEXT NOT NULL,
    etag TEXT,
    last_modified TEXT,
    last_polled TEXT,
    last_success TEXT,
    last_error TEXT,
    last_error_at TEXT,
    errors INTEGER NOT NULL,
    next_poll TEXT
)""",
    """CREATE TABLE feed_items (
    feed_id TEXT NOT NULL REFERENCES feeds (id),
    key TEXT NOT NULL,
    link TEXT,
    title TEXT,
    summary TEXT,
    published TEXT,
    first_seen TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    last_error TEXT,
    document_id TEXT,
    PRIMARY KEY (feed_id, key)
)""",
    "CREATE INDEX feed_items_status ON feed_items (feed_id, status)",
    """CREATE TABLE batch_runs (
    run_id TEXT PRIMARY KEY,
    inputs TEXT NOT NULL,
    tasks_done INTEGER NOT NULL,
    documents INTEGER NOT NULL,
    claims INTEGER NOT NULL,
    started_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    finished_at TEXT
)""",
)

# Version 4: the tracker's read model. One narrow row per current (not superseded) event with
# what the web tracker filters, sorts and groups by, computed once instead of per request: the
# kinds of source behind the event, its stated reasons as tags, the figure counted in totals,
# keys folded to lower case in Python (SQLite's lower() is ASCII-only, and calling a Python
# function on every row is slow), and sort keys that need no CASE, so an index serves ORDER BY.
# The words an event can be found by live apart (event_search) to keep scans of event_index
# short, and so do the words of the names each company answers to (company_words).
# All three are derived: Store.refresh_event_index() rebuilds any row whose event changed (by
# last_updated and revision) and drops the rows of superseded events.
_V4: Final[tuple[str, ...]] = (
    """CREATE TABLE event_index (
    event_id TEXT PRIMARY KEY REFERENCES events (id),
    day TEXT NOT NULL,
    month TEXT,
    year TEXT,
    company_id TEXT,
    family_id TEXT,
    company TEXT,
    owner TEXT,
    company_key TEXT NOT NULL,
    industry TEXT,
    industry_key TEXT,
    country TEXT,
    country_key TEXT,
    figure INTEGER,
    figure_sort INTEGER NOT NULL,
    source_kinds TEXT NOT NULL,
    reason_tags TEXT NOT NULL,
    sources INTEGER NOT NULL,
    first_seen TEXT NOT NULL,
    stamp TEXT NOT NULL,
    revision INTEGER NOT NULL
)""",
    # The date, industry and country indexes carry what totals and filters read, so counting
    # a year's events is an index-only scan.
    "CREATE INDEX event_index_day ON event_index "
    "(day, event_id, figure, family_id, company_id, source_kinds, reason_tags)",
    "CREATE INDEX event_index_company_id ON event_index (company_id, day)",
    "CREATE INDEX event_index_family ON event_index (family_id, day)",
    "CREATE INDEX event_index_company_key ON event_index (company_key, event_id)",
    "CREATE INDEX event_index_figure ON event_index (figure_sort, event_id)",
    "CREATE INDEX event_index_first_seen ON event_index (first_seen, event_id)",
    "CREATE INDEX event_index_industry ON event_index "
    "(industry_key, day, figure, family_id, company_id)",
    "CREATE INDEX event_index_country ON event_index "
    "(country_key, day, figure, family_id, company_id)",
    """CREATE TABLE event_search (
    event_id TEXT PRIMARY KEY REFERENCES events (id),
    search TEXT NOT NULL
)""",
    # Every word of a company's name and aliases, folded: the company filter matches words by
    # their start ("amazon", "amaz", "amazon web") through this table's primary key.
    """CREATE TABLE company_words (
    word TEXT NOT NULL,
    company_id TEXT NOT NULL REFERENCES companies (id),
    PRIMARY KEY (word, company_id)
)""",
    "CREATE INDEX company_words_company ON company_words (company_id, word)",
    "CREATE INDEX events_last_updated ON events (last_updated)",
    "CREATE INDEX companies_parent ON companies (parent_id)",
)

# Version 5: what the events API reads per request, computed when an event is indexed rather
# than per request, so that a page costs a few index lookups whatever the filter.
# - event_records: each current event as the API lists it (its JSON text), so that a page is
#   read from one narrow key lookup per row instead of a join to events and a conversion of
#   every field in Python.
# - event_index_totals: the totals of every current event (the tracker's front page), which
#   otherwise read all of event_index on every request; one row, written by each refresh.
# - Search through an index: on SQLite a trigram FTS5 table over event_search (its LIKE
#   finds the same rows as LIKE on the text, and FTS5 needs a stable integer key, hence the
#   new event_search layout); on PostgreSQL a pg_trgm GIN index when the server has that
#   extension (without it search still works, by scanning).
# All of it is derived: the step empties event_index so that the next refresh rebuilds every
# row with its record (events, claims and documents are untouched).
_V5: Final[tuple[Statement, ...]] = (
    """CREATE TABLE event_records (
    event_id TEXT PRIMARY KEY REFERENCES events (id),
    record TEXT NOT NULL
)""",
    """CREATE TABLE event_index_totals (
    id INTEGER PRIMARY KEY,
    events INTEGER NOT NULL,
    headcount BIGINT NOT NULL,
    without_figure INTEGER NOT NULL,
    companies INTEGER NOT NULL
)""",
    # The tracker's common view of an industry sorted by company: read in order from this
    # index instead of sorting the industry's every event (or walking every company).
    "CREATE INDEX event_index_industry_company ON event_index (industry_key, company_key, event_id)",
    "DELETE FROM event_index",
    {"postgresql": "DELETE FROM event_search"},
    # The event's year beside its words, so that a search within a year (the tracker's search
    # box with its year selector) is narrowed to the year inside the text index.
    {"postgresql": "ALTER TABLE event_search ADD COLUMN year TEXT"},
    # An INTEGER PRIMARY KEY is SQLite's rowid, which VACUUM keeps (an implicit rowid it may
    # renumber, which would point the FTS index at other rows).
    {"sqlite": "DROP TABLE event_search"},
    {
        "sqlite": """CREATE TABLE event_search (
    id INTEGER PRIMARY KEY,
    event_id TEXT NOT NULL UNIQUE REFERENCES events (id),
    search TEXT NOT NULL,
    year TEXT
)"""
    },
    {
        "sqlite": "CREATE VIRTUAL TABLE event_search_fts USING fts5"
        "(search, year, content='event_search', content_rowid='id', tokenize='trigram')"
    },
    # External-content FTS5 is kept in step with its table by triggers (the FTS5 manual's
    # recipe): an old text is removed with the 'delete' command before a new one goes in.
    {
        "sqlite": "CREATE TRIGGER event_search_ai AFTER INSERT ON event_search BEGIN "
        "INSERT INTO event_search_fts (rowid, search, year) VALUES (new.id, new.search, new.year); "
        "END"
    },
    {
        "sqlite": "CREATE TRIGGER event_search_ad AFTER DELETE ON event_search BEGIN "
        "INSERT INTO event_search_fts (event_search_fts, rowid, search, year) "
        "VALUES ('delete', old.id, old.search, old.year); END"
    },
    {
        "sqlite": "CREATE TRIGGER event_search_au AFTER UPDATE ON event_search BEGIN "
        "INSERT INTO event_search_fts (event_search_fts, rowid, search, year) "
        "VALUES ('delete', old.id, old.search, old.year); "
        "INSERT INTO event_search_fts (rowid, search, year) "
        "VALUES (new.id, new.search, new.year); END"
    },
    # Best effort, each part in its own subtransaction: pg_trgm is a contrib extension that a
    # server may lack or a role may not be allowed to create. It goes to public when it can, so
    # that several stores (schemas) of one database share it, else to the store's schema.
    {
        "postgresql": """DO $$
DECLARE
    home TEXT;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
        BEGIN
            CREATE EXTENSION pg_trgm SCHEMA public;
        EXCEPTION WHEN OTHERS THEN
            BEGIN
                CREATE EXTENSION pg_trgm;
            EXCEPTION WHEN OTHERS THEN
                RAISE NOTICE 'pg_trgm unavailable (%): search will scan', SQLERRM;
            END;
        END;
    END IF;
    SELECT extnamespace::regnamespace::text INTO home FROM pg_extension WHERE extname = 'pg_trgm';
    IF home IS NOT NULL THEN
        BEGIN
            EXECUTE format(
                'CREATE INDEX event_search_trigrams ON event_search USING gin (search %s.gin_trgm_ops)',
                home
            );
        EXCEPTION WHEN OTHERS THEN
            RAISE NOTICE 'no trigram index (%): search will scan', SQLERRM;
        END;
    END IF;
END
$$"""
    },
)

# Version 6: no new objects; the read model is emptied so that the next refresh (the web's
# first request, `Store.refresh_event_index()`) rebuilds it under today's rules. A refresh only
# rebuilds rows whose event changed (by last_updated and revision), so rows written by an older
# release keep what that release computed until their event is touched: records whose
# `headcount` was the event's own figure rather than the counted one (see
# present.figures.counted_figure), so that an upgraded database's listings did not re-add to its
# totals or its CSV. Events, claims, documents and the change log are untouched. event_search is
# emptied too: a refresh drops the search text of a superseded event only while its
# event_index row exists, so once event_index is empty such text would never be dropped.
# company_words stays: it holds every name's words whatever the rules, and only grows.
_V6: Final[tuple[Statement, ...]] = (
    "DELETE FROM event_index_totals",
    "DELETE FROM event_records",
    "DELETE FROM event_search",
    "DELETE FROM event_index",
)

# Version 7: confidence a reader can use. Each event_index row keeps the confidence of the surest
# claim telling its event (a record's is 1), so the tracker counts only events at or above the
# configured threshold by comparing one column, whatever the threshold; the indexes that serve
# totals carry it, so counting stays an index-only scan. event_index_totals gains a second row,
# the totals of the events at the threshold the last refresh used (min_confidence says which;
# the first row, with none, counts every event). The read model is emptied, as by version 6, so
# that the next refresh fills the new column.
_V7: Final[tuple[Statement, ...]] = (
    "DELETE FROM event_index_totals",
    "DELETE FROM event_records",
    "DELETE FROM event_search",
    "DELETE FROM event_index",
    "ALTER TABLE event_index ADD COLUMN confidence DOUBLE PRECISION NOT NULL DEFAULT 0",
    "ALTER TABLE event_index_totals ADD COLUMN min_confidence DOUBLE PRECISION",
    "DROP INDEX event_index_day",
    "CREATE INDEX event_index_day ON event_index "
    "(day, event_id, figure, family_id, company_id, source_kinds, reason_tags, confidence)",
    "DROP INDEX event_index_industry",
    "CREATE INDEX event_index_industry ON event_index "
    "(industry_key, day, figure, family_id, company_id, confidence)",
    "DROP INDEX event_index_country",
    "CREATE INDEX event_index_country ON event_index "
    "(country_key, day, figure, family_id, company_id, confidence)",
)

# Version 8: search by words. event_search holds each event's folded words between single
# spaces (event_index.search_words), so that a search for "AI" finds the word and not the
# letters inside "Retail" or "Dubai" (EventFilter.terms). The read model is emptied, as by
# version 6, so that the next refresh writes every search text in the new form.
_V8: Final[tuple[Statement, ...]] = _V6

# Version 9: places and sources a reader filters and links by. Each event_index row keeps the
# US states and the cities its records name (event_index.event_places) as '|a|b|' lists, the
# cities also folded for the city filter; each event's API record gains them and its original
# source's address. The read model is emptied, as by version 6, so that the next refresh fills
# them.
_V9: Final[tuple[Statement, ...]] = (
    *_V6,
    "ALTER TABLE event_index ADD COLUMN states TEXT NOT NULL DEFAULT '||'",
    "ALTER TABLE event_index ADD COLUMN cities TEXT NOT NULL DEFAULT '||'",
    "ALTER TABLE event_index ADD COLUMN city_keys TEXT NOT NULL DEFAULT '||'",
)

# Version 10: the company's funding as its tracker rows state it. Each event_index row keeps
# the funding stage ("Series B", "Post-IPO") and funds raised (US$ millions) its tracker rows
# state (records.layoffs_fyi_kaggle.funding reads them from the row's text, which every
# release has stored), for the stage filter and the funds range. The read model is emptied,
# as by version 6, so that the next refresh fills them.
_V10: Final[tuple[Statement, ...]] = (
    *_V6,
    "ALTER TABLE event_index ADD COLUMN stage TEXT",
    "ALTER TABLE event_index ADD COLUMN stage_key TEXT",
    "ALTER TABLE event_index ADD COLUMN funds_raised DOUBLE PRECISION",
)

MIGRATIONS: Final[tuple[Migration, ...]] = (
    (1, _V1),
    (2, _V2),
    (3, _V3),
    (4, _V4),
    (5, _V5),
    (6, _V6),
    (7, _V7),
    (8, _V8),
    (9, _V9),
    (10, _V10),
)

LATEST_VERSION: Final = MIGRATIONS[-1][0]


def for_dialect(statements: Sequence[Statement], dialect: str) -> list[str]:
    """The SQL of one step's statements that `dialect` runs, in order."""
    out: list[str] = []
    for statement in statements:
        if isinstance(statement, str):
            out.append(statement)
        elif dialect in statement:
            out.append(statement[dialect])
    return out


def pending(
    applied: Collection[int], migrations: Sequence[Migration] = MIGRATIONS
) -> list[Migration]:
    """The steps not yet in `applied`, in the order they must run."""
    versions = [version for version, _ in migrations]
    # A misnumbered list would apply steps out of order or skip one forever; fail loudly instead.
    if versions != sorted(set(versions)) or any(v < 1 for v in versions):
        raise ValueError(f"migration versions must be unique, ascending and >= 1: {versions}")
    unknown = set(applied) - set(versions)
    if unknown:
        raise ValueError(
            f"database has schema version(s) {sorted(unknown)} that this headcount does not know; "
            "it was probably written by a newer release"
        )
    return [(version, steps) for version, steps in migrations if version not in applied]
