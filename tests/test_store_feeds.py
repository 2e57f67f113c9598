"""Feeds, feed items and bulk-run progress in the store: SQLite and PostgreSQL alike."""

from __future__ import annotations

from pathlib import Path

from headcount.scale import DatabaseSink, run_batch
from headcount.store import Store
from headcount.store.feed_records import FeedEntry, feed_id
from test_store import (  # noqa: F401 - fixtures: a store on each backend
    db_path,
    postgres_server,
    postgres_url,
    store,
    store_target,
)


def entry(feed: str, key: str, at: str = "2024-03-06T12:00:00+00:00") -> FeedEntry:
    return FeedEntry(
        feed, key, f"https://e/{key}", key.title(), None, "2024-03-05", at, "pending", 0, None, None
    )


def test_feeds_items_and_health(store: Store) -> None:  # noqa: F811
    feed, added = store.add_feed("https://e/feed.xml", "2024-03-06T11:00:00+00:00")
    assert added and feed.id == feed_id("https://e/feed.xml") and feed.errors == 0
    assert store.add_feed("https://e/feed.xml", "2024-03-06T11:30:00+00:00") == (feed, False)
    assert store.add_feed_items([entry(feed.id, "a"), entry(feed.id, "b")]) == 2
    assert store.add_feed_items([entry(feed.id, "b"), entry(feed.id, "c")]) == 1
    store.feed_failed(feed.id, "2024-03-06T12:00:00+00:00", "HTTP 500", "2024-03-06T12:15:00+00:00")
    store.feed_failed(feed.id, "2024-03-06T12:15:00+00:00", "HTTP 502", "2024-03-06T12:45:00+00:00")
    failing = store.get_feed(feed.url)
    assert failing is not None and (failing.errors, failing.last_error) == (2, "HTTP 502")
    store.feed_polled(
        feed.id, "2024-03-06T13:00:00+00:00", "2024-03-06T13:15:00+00:00", '"v2"', None, "Example"
    )
    store.feed_item_done(feed.id, "a", None)
    store.feed_item_failed(feed.id, "b", "timed out", give_up=False)
    store.feed_item_failed(feed.id, "c", "too large", give_up=True)
    (health,) = store.feeds()
    assert (health.errors, health.etag, health.title) == (0, '"v2"', "Example")
    assert health.last_error == "HTTP 502"  # kept, with its time, after the recovery
    assert (health.items_seen, health.items_pending, health.items_failed) == (3, 1, 1)
    (pending,) = store.feed_items(feed.id, "pending")
    assert (pending.key, pending.attempts, pending.last_error) == ("b", 1, "timed out")
    assert store.remove_feed(feed.id) and store.feeds() == [] and not store.remove_feed(feed.id)


def test_batch_progress_lands_with_the_work(store: Store, tmp_path: Path) -> None:  # noqa: F811
    corpus = tmp_path / "wire.jsonl"
    corpus.write_text(
        '{"id": 1, "text": "Acme Corp said it will cut 1,200 jobs at its plant in Ohio."}\n'
        '{"id": 2, "text": "The central bank cut interest rates on Tuesday."}\n',
        encoding="utf-8",
    )
    report = run_batch(
        [str(corpus)], lambda run_id: DatabaseSink(store, run_id, "test"), workers=1, task_size=1
    )
    assert (report.documents, report.claims, report.tasks) == (2, 1, 2)
    assert store.batch_progress(report.run_id) is not None
    done, documents, claims, finished = store.batch_progress(report.run_id) or (0, 0, 0, None)
    assert (done, documents, claims) == (2, 2, 1) and finished is not None
    assert [m.company for m in store.claims()] == ["Acme Corp"]
    assert store.batch_progress("unknown") is None
