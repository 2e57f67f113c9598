"""PostgreSQL storage: the same Store, schema and behaviour as SQLite, on a shared server.

Importing this module imports psycopg, so headcount.store only imports it when a
postgresql:// URL is opened; without the driver that fails with a hint to install it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar, Final

try:
    import psycopg
    from psycopg.rows import TupleRow
except ImportError as exc:  # pragma: no cover - exercised by the test that hides psycopg
    raise ImportError(
        "PostgreSQL support needs the psycopg driver: install headcount[postgres] "
        "(pip install 'headcount[postgres]')"
    ) from exc

from headcount.store.base import Row, Store, lock_timeout, now_iso
from headcount.store.schema import (
    MIGRATIONS,
    SCHEMA_VERSION_DDL,
    Migration,
    for_dialect,
    pending,
)

# Key of the transaction-scoped advisory lock that serializes migrations ("headcoun" in ASCII).
# It is one lock for the whole database, so stores in different schemas wait for each other's
# migrations too, which costs nothing for steps this rare and short.
MIGRATION_LOCK: Final = 0x68_65_61_64_63_6F_75_6E

# Key of the transaction-scoped advisory lock writers take in Store.write_lock ("hcnt"), paired
# with a hash of the schema so that stores in different schemas of one database do not wait
# for each other.
WRITE_LOCK: Final = 0x68_63_6E_74

# A collation whose lower() folds all of Unicode whatever the database's locale; ICU has been
# in every mainstream PostgreSQL build since version 10.
_ICU_COLLATION: Final = "und-x-icu"


def _pyformat(sql: str) -> str:
    """The shared qmark SQL in psycopg's %s style (it holds no literal ? or %)."""
    return sql.replace("%", "%%").replace("?", "%s")


def apply_migrations(
    conn: psycopg.Connection[TupleRow], migrations: Sequence[Migration] = MIGRATIONS
) -> list[int]:
    """Run the steps the database behind `conn` has not run yet; return their versions.

    `conn` should be in autocommit mode, with no transaction open: the steps run in one
    transaction of their own, all or none.
    """
    ran: list[int] = []
    with conn.transaction():
        # Taken before anything else and held until commit, so two processes opening a fresh
        # database at once run one after the other and the second finds the steps done.
        # (CREATE TABLE IF NOT EXISTS alone is not enough: two of them racing can still
        # collide on the catalog.)
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
        conn.execute(SCHEMA_VERSION_DDL)
        applied = {row[0] for row in conn.execute("SELECT version FROM schema_version")}
        for version, statements in pending(applied, migrations):
            for statement in for_dialect(statements, "postgresql"):
                conn.execute(statement)  # no params: psycopg sends DDL text as is
            conn.execute(
                "INSERT INTO schema_version (version, applied_at) VALUES (%s, %s)",
                (version, now_iso()),
            )
            ran.append(version)
    return ran


def unicode_lower_collation(conn: psycopg.Connection[TupleRow]) -> str | None:
    """None if this database's lower() folds beyond ASCII, else a collation whose lower() does.

    PostgreSQL's lower() follows the database's LC_CTYPE: a UTF-8 locale (C.UTF-8,
    en_US.UTF-8, ...) folds all of Unicode like Python's str.lower(), but C or POSIX folds
    ASCII only, which would make "škoda" miss "ŠKODA" where SQLite finds it.
    """
    row = conn.execute("SELECT lower(%s) = %s", ("ÀŠ", "àš")).fetchone()
    if row is not None and row[0]:
        return None
    if conn.execute("SELECT 1 FROM pg_collation WHERE collname = %s", (_ICU_COLLATION,)).fetchone():
        return _ICU_COLLATION
    raise RuntimeError(
        "this PostgreSQL database's lower() only folds ASCII (its LC_CTYPE is C or POSIX) and "
        "the server has no ICU collations, so case-insensitive search would not match SQLite's; "
        "use a database created with a UTF-8 locale, e.g. LC_CTYPE 'C.UTF-8'"
    )


class PostgresStore(Store):
    """The Store in a PostgreSQL database. Build with PostgresStore.open() or open_store().

    Tables live in the connection's current schema (the first on its search_path), so one
    database can hold several stores: add `?options=-csearch_path%3Dname` to the URL.
    """

    IntegrityError: ClassVar[type[Exception]] = psycopg.IntegrityError

    def __init__(
        self,
        conn: psycopg.Connection[TupleRow],
        migrated: Sequence[int] = (),
        *,
        lower_collation: str | None = None,
    ) -> None:
        """`conn` must be in autocommit mode; `lower_collation` as unicode_lower_collation()."""
        super().__init__(migrated)
        self._conn = conn
        self._lower_collation = lower_collation

    @classmethod
    def open(cls, conninfo: str) -> PostgresStore:
        """Connect (a postgresql:// URL or libpq "key=value" string); bring the schema up to date."""
        conn = psycopg.connect(conninfo, autocommit=True)
        try:
            collation = unicode_lower_collation(conn)
            migrated = apply_migrations(conn)
        except BaseException:
            conn.close()
            raise
        return cls(conn, migrated, lower_collation=collation)

    def close(self) -> None:
        self._conn.close()

    def _execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        # Always pass params, even none: only then does psycopg turn %% back into %.
        return self._conn.execute(_pyformat(sql), params).rowcount

    def _executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> int:
        with self._conn.cursor() as cursor:
            cursor.executemany(_pyformat(sql), rows)
            return cursor.rowcount

    def _fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        return self._conn.execute(_pyformat(sql), params).fetchall()

    def _lock_writers(self) -> None:
        # READ COMMITTED lets two transactions read the same unplaced claims; the advisory lock
        # makes the second wait until the first commits, and its reads then see those writes.
        milliseconds = int(lock_timeout() * 1000)
        self._conn.execute(f"SET LOCAL lock_timeout = {milliseconds}")
        self._conn.execute(
            "SELECT pg_advisory_xact_lock(%s, hashtext(current_schema()))", (WRITE_LOCK,)
        )

    def _tables_rewritten(self, tables: Sequence[str]) -> None:
        if self._depth:  # VACUUM cannot run inside a transaction
            super()._tables_rewritten(tables)
            return
        # VACUUM also marks the pages all-visible, without which an index-only scan still
        # reads every row's page (autovacuum would do it, but only later).
        for table in tables:
            self._conn.execute(f"VACUUM (ANALYZE) {table}")

    def serve_many_small_queries(self) -> None:
        # A parallel plan takes worker processes from the other requests on the same cores
        # (and picks a parallel sequential scan over the trigram index for a search), and JIT
        # compiles for longer than these queries run.
        self._conn.execute("SET max_parallel_workers_per_gather = 0")
        self._conn.execute("SET jit = off")

    def _lower(self, expr: str) -> str:
        if self._lower_collation is None:
            return f"lower({expr})"
        return f'lower(({expr}) COLLATE "{self._lower_collation}")'

    def _binary(self, expr: str) -> str:
        # "C" compares UTF-8 bytes, which is code point order: SQLite's BINARY. The database's
        # own collation (say en_US.UTF-8) would sort "b" before "B" and skip punctuation.
        return f'({expr}) COLLATE "C"'
