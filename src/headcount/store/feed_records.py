"""Records of the feed reader and of bulk runs, as the store keeps them."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from headcount.store.rows import Shape


def feed_id(url: str) -> str:
    """A feed's id: short, stable, and the same in every database (a hash of its address)."""
    return hashlib.sha256(url.strip().encode("utf-8")).hexdigest()[:12]


@dataclass(frozen=True)
class Feed:
    """A subscribed feed and its health. Times are ISO 8601 strings in UTC."""

    id: str
    url: str
    title: str | None
    added_at: str
    etag: str | None  # validators of the last 200 answer, sent back on the next poll
    last_modified: str | None
    last_polled: str | None
    last_success: str | None
    last_error: str | None
    last_error_at: str | None
    errors: int  # failed polls in a row: what the backoff grows with
    next_poll: str | None  # not polled before this time (None: at the next chance)
    items_seen: int = 0
    items_pending: int = 0  # seen, article not stored yet (it will be tried again)
    items_failed: int = 0  # given up on after repeated failures


@dataclass(frozen=True)
class FeedEntry:
    """One item a feed has listed, and what became of it."""

    feed_id: str
    key: str
    link: str | None
    title: str | None
    summary: str | None
    published: str | None  # YYYY-MM-DD
    first_seen: str
    status: str  # "pending", "done" or "failed"
    attempts: int
    last_error: str | None
    document_id: str | None


# The item counts of a feed are counted from feed_items when it is read.
FEEDS = Shape(Feed, kept_apart=("items_seen", "items_pending", "items_failed"))
FEED_ITEMS = Shape(FeedEntry)
FEED_COLUMNS = FEEDS.columns
FEED_ITEM_COLUMNS = FEED_ITEMS.columns
