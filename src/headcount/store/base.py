"""The Store every backend shares, assembled from one part per concern.

core.py holds the connection (dialect hooks, transactions, the write lock); rows.py turns the
model's records into rows and back; documents.py, registry.py, ledger.py and feeds.py keep
documents and claims, companies, events and feeds; index_refresh.py, index_pages.py and
index_groups.py keep and read the tracker's read model (event_index).
"""

from __future__ import annotations

from headcount.store.core import DEFAULT_LOCK_TIMEOUT, StoreCore, lock_timeout
from headcount.store.documents import ExtractionNote
from headcount.store.feeds import FeedStore
from headcount.store.index_groups import IndexGroups
from headcount.store.ledger import LedgerStore
from headcount.store.registry import RegistryStore
from headcount.store.rows import Row
from headcount.store.sql import now_iso

__all__ = [
    "DEFAULT_LOCK_TIMEOUT",
    "ExtractionNote",
    "Row",
    "Store",
    "StoreCore",
    "lock_timeout",
    "now_iso",
]


class Store(IndexGroups, LedgerStore, RegistryStore, FeedStore):
    """Documents, their claims and extraction outcomes, the company registry, the ledger of
    events, feeds and the tracker's read model, in SQLite or PostgreSQL.

    Get one from headcount.store.open_store() (or a backend's open()); use it as a context
    manager to close it. Every backend behaves the same; only `IntegrityError` names the
    driver's own exception class.
    """
