"""The store's schema as ordered migration steps, shared by every backend.

The DDL sticks to what SQLite and PostgreSQL both accept and mean the same by, so both backends
run these very steps and need no per-dialect variant (see the notes on types below). If a later
step ever needs one, map the differing type names per dialect here, keeping this one list.

Never edit a step that has shipped: databases that already ran it would silently differ from new
ones. Append a new (version, statements) step instead.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Final

Migration = tuple[int, Sequence[str]]

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

MIGRATIONS: Final[tuple[Migration, ...]] = ((1, _V1),)

LATEST_VERSION: Final = MIGRATIONS[-1][0]


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
