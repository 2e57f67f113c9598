"""Where documents and claims are kept. SQLite today; PostgreSQL will share the schema."""

from __future__ import annotations

import os
import re

from headcount.store.sqlite import Extraction, Store

__all__ = ["Extraction", "Store", "open_store"]

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")


def open_store(url_or_path: str | os.PathLike[str]) -> Store:
    """Open a store from a file path or a database URL.

    Accepted: a plain path, "sqlite:///relative/path", "sqlite:////absolute/path" (the
    SQLAlchemy convention, so the same URL works with other tools) and "sqlite://" for an
    in-memory database.
    """
    target = os.fspath(url_or_path)
    if not target.strip():
        raise ValueError("no database given: pass a file path or a sqlite:/// URL")
    match = _SCHEME.match(target)
    if match is None:
        return Store.open(target)
    scheme = match.group(1).lower()
    if scheme == "sqlite":
        rest = target[match.end() :]
        if not rest:
            return Store.open(":memory:")
        if not rest.startswith("/"):
            raise ValueError(
                f"cannot read {target!r}: write sqlite:///relative/path or sqlite:////absolute/path"
            )
        return Store.open(rest[1:])
    if scheme.split("+")[0] in ("postgresql", "postgres"):
        # The URL is not echoed back: it may carry a password.
        raise ValueError(
            "PostgreSQL support is not built yet; "
            "use a SQLite file path or a sqlite:///path URL for now"
        )
    raise ValueError(
        f"unsupported database URL scheme {scheme!r}; use a file path or a sqlite:///path URL"
    )
