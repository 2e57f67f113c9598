"""SQLite storage: the Store in one file, the default backend."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar

from headcount.store.base import Row, Store, now_iso
from headcount.store.schema import MIGRATIONS, SCHEMA_VERSION_DDL, Migration, pending


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
            for statement in statements:
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
        conn = sqlite3.connect(str(path), isolation_level=None, timeout=30.0)
        try:
            # WAL lets a reader (e.g. `headcount claims`) run while an ingest is writing.
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA foreign_keys=ON")
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

    def _execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        return self._conn.execute(sql, params).rowcount

    def _executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> int:
        return self._conn.executemany(sql, rows).rowcount

    def _fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        return self._conn.execute(sql, params).fetchall()
