"""The connection every part of the Store shares: dialect hooks, transactions, the lock.

The SQL of the Store uses `?` placeholders (the qmark style) and never a literal `?` or `%`, so
a backend whose driver wants `%s` can translate it mechanically. What the dialects really
disagree on is behind small hooks: how to start a write transaction, a Unicode-aware lower(),
and a binary (code point) sort order.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from types import TracebackType
from typing import Any, ClassVar, TypeVar

from headcount.settings import DEFAULTS, current
from headcount.store.rows import Row

_C = TypeVar("_C", bound="StoreCore")

#: Seconds a writer waits for another writer's lock when HEADCOUNT_LOCK_TIMEOUT is not set.
DEFAULT_LOCK_TIMEOUT = DEFAULTS.lock_timeout


def lock_timeout() -> float:
    """Seconds a writer waits for another's write lock (the HEADCOUNT_LOCK_TIMEOUT setting).

    Long by default, because a resolve run over a large import holds the lock for its whole
    run, and a writer that gives up loses its work."""
    return current("lock_timeout").lock_timeout


class StoreCore(ABC):
    """A connection to one database: the dialect hooks a backend fills in, transactions and
    the write lock. Each part of the Store (documents, registry, ledger, feeds, read model)
    builds its SQL on these."""

    #: Raised when a write breaks a constraint (e.g. a mention of a document not stored):
    #: sqlite3.IntegrityError or psycopg.IntegrityError. Catch `store.IntegrityError`.
    IntegrityError: ClassVar[type[Exception]]

    #: Starts the outermost transaction of `transaction()`.
    _BEGIN: ClassVar[str] = "BEGIN"

    #: Whether a read is work done in this process on local pages (SQLite), not a wait for a
    #: database server: a caller on an event loop may run it in place.
    LOCAL_READS: ClassVar[bool] = False

    def __init__(self, migrated: Sequence[int] = ()) -> None:
        self._depth = 0
        #: Migration versions run when this store was opened (empty if it was up to date).
        self.migrated: tuple[int, ...] = tuple(migrated)

    # --- the dialect hooks -----------------------------------------------------------------

    @abstractmethod
    def _execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run one statement; return the number of rows it changed."""

    @abstractmethod
    def _executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> int:
        """Run one statement per row; return the total number of rows changed."""

    @abstractmethod
    def _fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        """Run a query; return its rows."""

    def _lower(self, expr: str) -> str:
        """SQL for `expr` folded to lower case across all of Unicode, like str.lower()."""
        return f"lower({expr})"

    def _binary(self, expr: str) -> str:
        """SQL for `expr` sorting by code point, as SQLite's default BINARY collation does."""
        return expr

    @abstractmethod
    def close(self) -> None: ...

    # --- shared behaviour ------------------------------------------------------------------

    def _fetchone(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        rows = self._fetchall(sql, params)
        return rows[0] if rows else None

    def __enter__(self: _C) -> _C:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Group several calls into one atomic, single-fsync transaction; nesting is allowed.

        Store methods open their own transaction, so this is only needed to make e.g. a
        document, its mentions and its extraction record land together or not at all.
        """
        # Inner levels are savepoints so a failing inner call (say, a batch of mentions that
        # breaks a foreign key halfway) is undone whole even if the caller catches the error
        # and carries on with the outer transaction. On PostgreSQL this also clears the
        # "transaction is aborted" state the failed statement left behind.
        level = self._depth
        name = f"store_{level}"
        self._execute(f"SAVEPOINT {name}" if level else self._BEGIN)
        self._depth += 1
        try:
            yield
        except BaseException:
            self._execute(f"ROLLBACK TO {name}" if level else "ROLLBACK")
            if level:
                self._execute(f"RELEASE {name}")
            raise
        else:
            self._execute(f"RELEASE {name}" if level else "COMMIT")
        finally:
            self._depth = level

    @contextmanager
    def write_lock(self) -> Iterator[None]:
        """A transaction during which no other writer of this database runs one of its own.

        For work that reads, computes and writes (a resolve run): what it read is still true
        when it writes, so two runs at once never both create the same event. Another writer
        waits for the lock (up to HEADCOUNT_LOCK_TIMEOUT seconds, 600 by default) and then
        goes on with what this one wrote.
        """
        with self.transaction():
            self._lock_writers()
            yield

    @abstractmethod
    def _lock_writers(self) -> None:
        """Hold the database's write lock until the current transaction ends."""

    def schema_versions(self) -> list[int]:
        """Every migration version recorded as applied, ascending."""
        return [row[0] for row in self._fetchall("SELECT version FROM schema_version ORDER BY 1")]

    def _count(self, sql: str, params: Sequence[Any] = ()) -> int:
        """The single number a COUNT query returns."""
        row = self._fetchone(sql, params)
        assert row is not None
        return int(row[0])

    @abstractmethod
    def serve_many_small_queries(self) -> None:
        """Set this connection up for a server's load: many short queries at once (the web
        app calls it on each connection it pools)."""
