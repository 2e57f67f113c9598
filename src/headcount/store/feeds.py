"""Feeds (`headcount feeds`, `headcount watch`) and the progress of bulk runs
(`headcount batch`), as the store keeps them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from headcount.store.core import StoreCore
from headcount.store.feed_records import FEED_ITEMS, FEEDS, Feed, FeedEntry, feed_id


class FeedStore(StoreCore):
    """Subscribed feeds, the items they listed, and how far each bulk run has got."""

    def _feeds(self, where: str = "", params: Sequence[Any] = ()) -> list[Feed]:
        count = "(SELECT COUNT(*) FROM feed_items i WHERE i.feed_id = f.id{})"
        counts = ", ".join(
            count.format(condition)
            for condition in ("", " AND i.status = 'pending'", " AND i.status = 'failed'")
        )
        rows = self._fetchall(
            f"SELECT {FEEDS.select('f')}, {counts} "
            f"FROM feeds f {where} ORDER BY f.added_at, {self._binary('f.url')}",
            params,
        )
        return [
            FEEDS.record(row[:-3], items_seen=row[-3], items_pending=row[-2], items_failed=row[-1])
            for row in rows
        ]

    def add_feed(self, url: str, at: str) -> tuple[Feed, bool]:
        """Subscribe to the feed at url; (the feed, False) if it was already subscribed."""
        with self.transaction():
            new = Feed(
                id=feed_id(url),
                url=url,
                title=None,
                added_at=at,
                etag=None,
                last_modified=None,
                last_polled=None,
                last_success=None,
                last_error=None,
                last_error_at=None,
                errors=0,
                next_poll=None,
            )
            added = self._execute(
                FEEDS.insert("feeds", " ON CONFLICT (url) DO NOTHING"), FEEDS.row(new)
            )
        feed = self.get_feed(url)
        assert feed is not None
        return feed, added == 1

    def get_feed(self, id_or_url: str) -> Feed | None:
        found = self._feeds("WHERE f.id = ? OR f.url = ?", (id_or_url, id_or_url))
        return found[0] if found else None

    def feeds(self) -> list[Feed]:
        """Every subscribed feed with its health and item counts, oldest subscription first."""
        return self._feeds()

    def remove_feed(self, id_or_url: str) -> bool:
        """Unsubscribe; the documents and claims its items brought in stay."""
        feed = self.get_feed(id_or_url)
        if feed is None:
            return False
        with self.transaction():
            self._execute("DELETE FROM feed_items WHERE feed_id = ?", (feed.id,))
            self._execute("DELETE FROM feeds WHERE id = ?", (feed.id,))
        return True

    def feed_polled(
        self,
        feed_id: str,
        at: str,
        next_poll: str,
        etag: str | None,
        last_modified: str | None,
        title: str | None,
    ) -> None:
        """A poll that succeeded (new items or a 304): the failure streak ends."""
        with self.transaction():
            self._execute(
                "UPDATE feeds SET last_polled = ?, last_success = ?, next_poll = ?, etag = ?, "
                "last_modified = ?, title = COALESCE(?, title), errors = 0 WHERE id = ?",
                (at, at, next_poll, etag, last_modified, title, feed_id),
            )

    def feed_failed(self, feed_id: str, at: str, error: str, next_poll: str) -> None:
        """A poll that failed; its validators are kept for the next try."""
        with self.transaction():
            self._execute(
                "UPDATE feeds SET last_polled = ?, last_error = ?, last_error_at = ?, "
                "next_poll = ?, errors = errors + 1 WHERE id = ?",
                (at, error, at, next_poll, feed_id),
            )

    def add_feed_items(self, entries: Sequence[FeedEntry]) -> int:
        """Note items a feed listed; those already noted are left as they are. Returns new ones."""
        if not entries:
            return 0
        with self.transaction():
            return self._executemany(
                FEED_ITEMS.insert("feed_items", " ON CONFLICT (feed_id, key) DO NOTHING"),
                [FEED_ITEMS.row(entry) for entry in entries],
            )

    def feed_items(self, feed_id: str, status: str | None = None) -> list[FeedEntry]:
        """A feed's items (those with `status`, if given) in the order they were first seen."""
        sql = f"SELECT {FEED_ITEMS.select()} FROM feed_items WHERE feed_id = ?"
        params: list[Any] = [feed_id]
        if status is not None:
            sql += " AND status = ?"
            params.append(status)
        sql += f" ORDER BY first_seen, {self._binary('key')}"
        return [FEED_ITEMS.record(row) for row in self._fetchall(sql, params)]

    def feed_item_done(self, feed_id: str, key: str, document_id: str | None) -> None:
        with self.transaction():
            self._execute(
                "UPDATE feed_items SET status = 'done', attempts = attempts + 1, "
                "last_error = NULL, document_id = ? WHERE feed_id = ? AND key = ?",
                (document_id, feed_id, key),
            )

    def feed_item_failed(self, feed_id: str, key: str, error: str, give_up: bool) -> None:
        with self.transaction():
            self._execute(
                "UPDATE feed_items SET status = ?, attempts = attempts + 1, last_error = ? "
                "WHERE feed_id = ? AND key = ?",
                ("failed" if give_up else "pending", error, feed_id, key),
            )

    def batch_progress(self, run_id: str) -> tuple[int, int, int, str | None] | None:
        """(tasks done, documents, claims, finished at) of a bulk run, or None if never started."""
        row = self._fetchone(
            "SELECT tasks_done, documents, claims, finished_at FROM batch_runs WHERE run_id = ?",
            (run_id,),
        )
        return (int(row[0]), int(row[1]), int(row[2]), row[3]) if row is not None else None

    def set_batch_progress(
        self,
        run_id: str,
        inputs: str,
        tasks_done: int,
        documents: int,
        claims: int,
        at: str,
        finished: bool = False,
    ) -> None:
        """Record how far a bulk run has got (call it in the transaction that stored the work)."""
        with self.transaction():
            self._execute(
                "INSERT INTO batch_runs (run_id, inputs, tasks_done, documents, claims, "
                "started_at, updated_at, finished_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (run_id) DO UPDATE SET tasks_done = excluded.tasks_done, "
                "documents = excluded.documents, claims = excluded.claims, "
                "updated_at = excluded.updated_at, finished_at = excluded.finished_at",
                (run_id, inputs, tasks_done, documents, claims, at, at, at if finished else None),
            )
