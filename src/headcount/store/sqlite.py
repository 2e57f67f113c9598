"""SQLite storage: the Store in one file, the default backend."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar, Final

from headcount.store.base import Row, Store, lock_timeout, now_iso
from headcount.store.schema import (
    MIGRATIONS,
    SCHEMA_VERSION_DDL,
    Migration,
    for_dialect,
    pending,
)

#: Bytes of the database file each connection maps into memory (address space, not RAM: the
#: pages are the operating system's file cache, shared by every connection and process).
MMAP_SIZE: Final = 1 << 30
#: Each connection's own page cache, in KiB.
CACHE_KIB: Final = 32 * 1024


def _unicode_lower(value: str | None) -> str | None:
    return value.lower() if isinstance(value, str) else value


def apply_migrations(
    conn: sqlite3.Connection, migrations: Sequence[Migration] = MIGRATIONS
) -> list[int]:
    """Run the steps `conn` has not run yet; return their versions.

    `conn` must be in autocommit mode (isolation_level=None) so the transactions here are ours.
    """
    conn.execute(SCHEMA_VERSION_DDL)
    ran: list[int] = []
    # IMMEDIATE takes the write lock before reading schema_version, so two processes opening a
    # fresh file at once cannot both decide to run the same step.
    conn.execute("BEGIN IMMEDIATE")
    try:
        applied = {row[0] for row in conn.execute("SELECT version FROM schema_version")}
        for version, statements in pending(applied, migrations):
            for statement in for_dialect(statements, "sqlite"):
                conn.execute(statement)
            conn.execute(
                "INSERT INTO schema_version (version, applied_at) VALUES (?, ?)",
                (version, now_iso()),
            )
            ran.append(version)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return ran


class SQLiteStore(Store):
    """The Store in one SQLite file. Build with SQLiteStore.open()."""

    IntegrityError: ClassVar[type[Exception]] = sqlite3.IntegrityError

    # IMMEDIATE because every caller of transaction() writes: a deferred BEGIN that later
    # upgrades to a write lock fails at once with "database is locked" if another writer got
    # in between, instead of waiting out the busy timeout.
    _BEGIN: ClassVar[str] = "BEGIN IMMEDIATE"

    # In WAL mode a reader never waits for a writer, and the pages are memory-mapped.
    LOCAL_READS: ClassVar[bool] = True

    def __init__(self, conn: sqlite3.Connection, migrated: Sequence[int] = ()) -> None:
        super().__init__(migrated)
        self._conn = conn

    @classmethod
    def open(cls, path: str | Path) -> SQLiteStore:
        """Open the database at `path`, creating the file and bringing its schema up to date."""
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        # Autocommit mode: the sqlite3 module's implicit transactions would otherwise wrap
        # migrations and batches in ways we do not control.
        # check_same_thread off: the web server keeps a pool of stores and lends each to one
        # thread at a time, not always the thread that opened it.
        # timeout: how long a writer waits for another's write lock (a resolve run holds it
        # while it reads, computes and writes) before "database is locked".
        conn = sqlite3.connect(
            str(path), isolation_level=None, timeout=lock_timeout(), check_same_thread=False
        )
        try:
            # WAL lets a reader (e.g. `headcount claims`) run while an ingest is writing.
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA foreign_keys=ON")
            # Reads through a memory map instead of a read() call per page, and a page cache
            # larger than the 2 MB default: the tracker's indexes of a 100k-event ledger are
            # tens of MB, read over and over.
            conn.execute(f"PRAGMA mmap_size={MMAP_SIZE}")
            conn.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
            # SQLite's built-in lower() folds ASCII only; PostgreSQL's folds all of Unicode.
            # Overriding it keeps the shared query text behaving the same on both, so that
            # a search for "škoda" finds "ŠKODA".
            conn.create_function("lower", 1, _unicode_lower, deterministic=True)
            migrated = apply_migrations(conn)
        except BaseException:
            conn.close()
            raise
        return cls(conn, migrated)

    def close(self) -> None:
        self._conn.close()

    def _lock_writers(self) -> None:
        pass  # the transaction's BEGIN IMMEDIATE took the database's one write lock already

    def serve_many_small_queries(self) -> None:
        pass  # every SQLite connection is set up for it already (open())

    def _execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        return self._conn.execute(sql, params).rowcount

    def _executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> int:
        return self._conn.executemany(sql, rows).rowcount

    def _fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        return self._conn.execute(sql, params).fetchall()

    def _search_condition(self, terms: Sequence[str], year: str | None) -> tuple[str, list[Any]]:
        # The trigram index narrows the rows first: FTS5 finds the texts that hold each term's
        # trigrams in a row, a superset of LIKE's answer (both sides folded the same way);
        # LIKE, tested only on the rows every filter kept, then decides exactly as before.
        # Terms under three characters have no trigram: those searches test every row.
        exact, params = super()._search_condition(terms, year)
        if any(len(term) < 3 for term in terms):
            return exact, params
        phrases = " AND ".join('search : "' + term.replace('"', '""') + '"' for term in terms)
        if year is not None:
            # Within a year (the tracker's search box with its year selector) the index
            # intersects the words' rows with the year's before any row is read.
            phrases += f' AND year : "{year}"'

        return (
            "x.event_id IN (SELECT s.event_id FROM event_search s WHERE s.id IN "
            "(SELECT rowid FROM event_search_fts WHERE event_search_fts MATCH ?)) AND " + exact,
            [phrases, *params],
        )
