"""Where documents and claims are kept: SQLite or PostgreSQL, one schema and one behaviour."""

from __future__ import annotations

import os
import re

from headcount.store.base import ExtractionNote, Store
from headcount.store.sqlite import SQLiteStore

__all__ = ["ExtractionNote", "SQLiteStore", "Store", "open_store"]

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")


def open_store(url_or_path: str | os.PathLike[str]) -> Store:
    """Open a store from a file path or a database URL.

    Accepted: a plain path, "sqlite:///relative/path", "sqlite:////absolute/path" (the
    SQLAlchemy convention, so the same URL works with other tools), "sqlite://" for an
    in-memory database, and "postgresql://..." or "postgres://..." (libpq URLs; a
    "+driver" suffix as in "postgresql+psycopg://" is ignored). PostgreSQL needs the
    headcount[postgres] extra; its driver is imported only here, when such a URL is opened.
    """
    target = os.fspath(url_or_path)
    if not target.strip():
        raise ValueError("no database given: pass a file path, a sqlite:/// or a postgresql:// URL")
    match = _SCHEME.match(target)
    if match is None:
        return SQLiteStore.open(target)
    scheme = match.group(1).lower()
    rest = target[match.end() :]
    if scheme == "sqlite":
        if not rest:
            return SQLiteStore.open(":memory:")
        if not rest.startswith("/"):
            raise ValueError(
                f"cannot read {target!r}: write sqlite:///relative/path or sqlite:////absolute/path"
            )
        return SQLiteStore.open(rest[1:])
    if scheme.split("+")[0] in ("postgresql", "postgres"):
        from headcount.store.postgres import PostgresStore

        return PostgresStore.open(f"postgresql://{rest}")
    # The URL is not echoed back: it may carry a password.
    raise ValueError(
        f"unsupported database URL scheme {scheme!r}; "
        "use a file path, a sqlite:///path or a postgresql:// URL"
    )
