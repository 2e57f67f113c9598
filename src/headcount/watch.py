"""Following feeds: poll each subscribed RSS/Atom feed, store every new article and its claims.

`poll_once(store, now)` is one round: every feed that is due is fetched with a conditional GET,
the items it lists are noted in the store (in the same transaction as the feed's new ETag, so an
item is never forgotten), and then each item not stored yet has its article fetched, read
(trafilatura), extracted and stored together with the item's "done" mark. A stop at any moment
loses nothing: an item whose article was not stored is still pending at the next start, and
what was stored is never stored twice (documents are keyed by their text).

A feed that fails (unreachable, HTTP error, malformed XML, too large) is reported, keeps its
validators and is tried again after a backoff that doubles with each failure in a row. An
article that fails is tried again at the next polls, and given up after `max_attempts`.

Feeds are fetched at once on a small thread pool (one feed per thread), every fetch has a total
deadline (`fetch_deadline`), and only public addresses are fetched unless `allow_private` (or
HEADCOUNT_ALLOW_PRIVATE_URLS) says otherwise; see `sources.url`. So one slow or trickling feed
costs its own thread at most the deadline, and the others' articles land meanwhile.

`watch(store, ...)` repeats rounds until stopped: Ctrl-C or SIGTERM end it within a fraction of a
second, fetches in flight included.
"""

from __future__ import annotations

import dataclasses
import queue
import signal
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from types import FrameType

from headcount.extract.pipeline import extract_document
from headcount.ingest import RunReport, store_extraction
from headcount.model import Document, SourceError
from headcount.sources import load
from headcount.sources.document import build_document
from headcount.sources.feeds import (
    FeedError,
    FeedItem,
    FeedResponse,
    ParsedFeed,
    fetch_feed,
    parse_feed,
)
from headcount.sources.url import DEFAULT_DEADLINE, FetchPolicy, fetch_policy
from headcount.store import Store
from headcount.store.feed_records import Feed, FeedEntry


@dataclass(frozen=True)
class WatchOptions:
    interval: float = 900.0  # seconds between two polls of one feed
    max_backoff: float = 6 * 3600.0  # the longest wait after failures in a row
    fetch_timeout: float = 10.0  # per connection step, for feeds and articles
    fetch_deadline: float = DEFAULT_DEADLINE  # for a whole fetch, redirects included
    concurrency: int = 4  # feeds whose network work runs at once
    allow_private: bool | None = None  # private addresses; None: HEADCOUNT_ALLOW_PRIVATE_URLS
    max_bytes: int = 10_000_000  # per feed and per article
    max_attempts: int = 3  # fetches of one article before it is given up


@dataclass
class FeedOutcome:
    """What one round did with one feed."""

    url: str
    status: str  # "new items", "unchanged", "not modified", "error", "waiting", "stopped"
    new_items: int = 0
    stored: int = 0  # articles stored in this round (new ones and retried ones)
    claims: int = 0  # claims found in those articles
    error: str | None = None  # why the feed itself failed
    item_errors: list[str] = field(default_factory=list)  # "link: reason", one per article

    def summary(self) -> str:
        text = f"{self.url}: {self.status}"
        if self.status == "error":
            text += f" ({self.error})"
        if self.new_items or self.stored:
            text += f", {self.new_items} new items, {self.stored} articles stored"
            text += f", {self.claims} claims"
        if self.item_errors:
            text += f", {len(self.item_errors)} articles failed"
        return text


@dataclass
class PollReport:
    feeds: list[FeedOutcome] = field(default_factory=list)
    document_ids: list[str] = field(default_factory=list)  # documents stored in this round
    resolved: str | None = None  # the resolver's summary, when it ran

    @property
    def stored(self) -> int:
        return sum(outcome.stored for outcome in self.feeds)

    @property
    def claims(self) -> int:
        return sum(outcome.claims for outcome in self.feeds)


def _iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat()


def _due(feed: Feed, now: datetime) -> bool:
    return feed.next_poll is None or datetime.fromisoformat(feed.next_poll) <= now


def backoff(errors: int, options: WatchOptions) -> float:
    """Seconds to wait after the errors-th failure in a row: interval, doubling, capped."""
    return float(min(options.interval * 2 ** max(errors - 1, 0), options.max_backoff))


Resolver = Callable[[Store], str | None]


def resolve_events(store: Store) -> str | None:
    """Place the new claims into events (the resolve stage); its one-line summary."""
    from headcount.resolve import resolve

    return resolve(store).summary()


def poll_once(
    store: Store,
    now: datetime | None = None,
    *,
    options: WatchOptions | None = None,
    resolver: Resolver | None = resolve_events,
    stop: Callable[[], bool] = lambda: False,
) -> PollReport:
    """One round over every feed that is due at `now`; see the module's description.

    The network work (feeds and their articles) runs on `options.concurrency` threads, one
    feed per thread at a time, so a slow feed holds one thread and nothing else; everything
    that touches the store (and extraction) runs here, in the calling thread, as results
    arrive. `stop` is asked here only, a few times a second; a stop also cuts the fetches in
    flight short."""
    options = options or WatchOptions()
    now = now or datetime.now(timezone.utc)
    if now.tzinfo is None:
        now = now.replace(tzinfo=timezone.utc)
    report = PollReport()
    _Round(store, now, options, report, stop).run()
    if report.document_ids and resolver is not None:
        report.resolved = resolver(store)
    return report


@dataclass(frozen=True)
class _FeedFetched:
    feed: Feed
    response: FeedResponse | None
    parsed: ParsedFeed | None
    error: str | None


@dataclass(frozen=True)
class _ArticleRead:
    feed: Feed
    entry: FeedEntry
    documents: list[Document]
    reason: str | None  # why nothing was read


@dataclass(frozen=True)
class _FeedDone:
    feed: Feed


_Message = _FeedFetched | _ArticleRead | _FeedDone
# How often the round looks at its stop callback while it waits for the network.
_STOP_POLL = 0.1


class _Round:
    """One poll_once: jobs on a thread pool send results back through a queue to this thread,
    which alone reads and writes the store."""

    def __init__(
        self,
        store: Store,
        now: datetime,
        options: WatchOptions,
        report: PollReport,
        stop: Callable[[], bool],
    ) -> None:
        self.store, self.now, self.options, self.report, self.stop = (
            store,
            now,
            options,
            report,
            stop,
        )
        self.results: queue.Queue[_Message] = queue.Queue()
        self.stopping = threading.Event()
        self.outcomes: dict[str, FeedOutcome] = {}
        self.outlets: dict[str, str | None] = {}
        self.jobs = 0

    def run(self) -> None:
        feeds = self.store.feeds()
        pool = ThreadPoolExecutor(max(1, self.options.concurrency), thread_name_prefix="watch")
        try:
            for feed in feeds:
                if self.stop():
                    self.stopping.set()
                if self.stopping.is_set():
                    self.outcomes[feed.id] = FeedOutcome(feed.url, "stopped")
                elif _due(feed, self.now):
                    # "stopped" until its answer is handled: a stop before that leaves it undone.
                    self.outcomes[feed.id] = FeedOutcome(feed.url, "stopped")
                    self._submit(pool, self._fetch_feed, feed)
                else:
                    # Items a stopped round noted but never fetched are fetched at once, not at
                    # the feed's next poll; items that failed wait for that poll to be tried again.
                    self.outcomes[feed.id] = FeedOutcome(feed.url, "waiting")
                    self._articles(pool, feed, untried_only=True)
            while self.jobs and not self.stopping.is_set():
                if self.stop():
                    self.stopping.set()
                    break
                try:
                    message = self.results.get(timeout=_STOP_POLL)
                except queue.Empty:
                    continue
                self._handle(pool, message)
        finally:
            # On a stop, fetches in flight see `stopping` and end within a fraction of a
            # second; what they read is dropped and read again next time (it is still pending).
            self.stopping.set()
            pool.shutdown(wait=False, cancel_futures=True)
        self.report.feeds.extend(self.outcomes[feed.id] for feed in feeds)

    def _submit(self, pool: ThreadPoolExecutor, job: Callable[..., None], *args: object) -> None:
        self.jobs += 1
        pool.submit(job, *args)

    def _handle(self, pool: ThreadPoolExecutor, message: _Message) -> None:
        if isinstance(message, _FeedFetched):
            self.jobs -= 1
            self._feed_answered(message)
            # Articles left over from an earlier round are fetched even when the feed itself
            # is unchanged or failing now: they were listed, and nothing listed is lost.
            self._articles(pool, message.feed, untried_only=False)
        elif isinstance(message, _ArticleRead):
            self._article_read(message)
        else:
            self.jobs -= 1

    def _articles(self, pool: ThreadPoolExecutor, feed: Feed, *, untried_only: bool) -> None:
        entries = [
            entry
            for entry in self.store.feed_items(feed.id, "pending")
            if not (untried_only and entry.attempts)
        ]
        if entries:
            current = self.store.get_feed(feed.id)
            self.outlets[feed.id] = current.title if current is not None else None
            self._submit(pool, self._read_articles, feed, entries)

    # --- in the pool's threads: the network, no store ------------------------------------

    def _policy(self) -> AbstractContextManager[FetchPolicy]:
        return fetch_policy(
            allow_private=self.options.allow_private,
            deadline=self.options.fetch_deadline,
            cancelled=self.stopping.is_set,
        )

    def _fetch_feed(self, feed: Feed) -> None:
        response = parsed = error = None
        try:
            with self._policy() as policy:
                response = fetch_feed(
                    feed.url,
                    etag=feed.etag,
                    last_modified=feed.last_modified,
                    timeout=self.options.fetch_timeout,
                    max_bytes=self.options.max_bytes,
                    policy=policy,
                )
            if response.status == 200:
                parsed = parse_feed(response.body, response.url)
        except FeedError as exc:
            error = str(exc)
        except Exception as exc:
            error = f"unexpected error: {type(exc).__name__}: {exc}"
        self.results.put(_FeedFetched(feed, response, parsed, error))

    def _read_articles(self, feed: Feed, entries: list[FeedEntry]) -> None:
        try:
            with self._policy():
                for entry in entries:
                    if self.stopping.is_set():
                        return
                    try:
                        documents, errors = _read_item(feed, entry, self.options)
                        reason = (
                            None
                            if documents
                            else ("; ".join(error.reason for error in errors) or "no text")
                        )
                    except Exception as exc:
                        # A bug met by one odd article must not stop the feed reader.
                        documents, reason = [], f"unexpected error: {type(exc).__name__}: {exc}"
                    self.results.put(_ArticleRead(feed, entry, documents, reason))
        finally:
            self.results.put(_FeedDone(feed))

    # --- here: the store -----------------------------------------------------------------

    def _feed_answered(self, message: _FeedFetched) -> None:
        feed, outcome, at = message.feed, self.outcomes[message.feed.id], _iso(self.now)
        outcome.status = "new items"
        if message.error is not None or message.response is None:
            reason = message.error or "no answer"
            outcome.status, outcome.error = "error", reason
            wait = backoff(feed.errors + 1, self.options)
            self.store.feed_failed(feed.id, at, reason, _iso(self.now + timedelta(seconds=wait)))
            return
        response, parsed = message.response, message.parsed
        next_poll = _iso(self.now + timedelta(seconds=self.options.interval))
        with self.store.transaction():
            if parsed is None:
                outcome.status = "not modified"
            else:
                entries = [_entry(feed.id, item, at) for item in parsed.items]
                outcome.new_items = self.store.add_feed_items(entries)
                outcome.status = "new items" if outcome.new_items else "unchanged"
            title = parsed.title if parsed is not None else None
            self.store.feed_polled(
                feed.id, at, next_poll, response.etag, response.last_modified, title
            )

    def _article_read(self, message: _ArticleRead) -> None:
        feed, entry, outcome = message.feed, message.entry, self.outcomes[message.feed.id]
        reason = message.reason
        if message.documents:
            try:
                run = RunReport()
                outlet = self.outlets.get(feed.id)
                with self.store.transaction():
                    for doc in message.documents:
                        if doc.outlet is None and outlet:
                            doc = dataclasses.replace(doc, outlet=outlet)
                        store_extraction(self.store, doc, extract_document(doc), run)
                    self.store.feed_item_done(feed.id, entry.key, message.documents[0].id)
                self.report.document_ids.extend(doc.id for doc in message.documents)
                outcome.stored += 1
                outcome.claims += run.new_claims
                return
            except Exception as exc:
                # A bug met by one odd article must not stop the feed reader.
                reason = f"unexpected error: {type(exc).__name__}: {exc}"
        reason = reason or "no text"
        give_up = entry.attempts + 1 >= self.options.max_attempts
        self.store.feed_item_failed(feed.id, entry.key, reason, give_up)
        outcome.item_errors.append(f"{entry.link or entry.key}: {reason}")


def _entry(feed_id: str, item: FeedItem, at: str) -> FeedEntry:
    published = item.published.isoformat() if item.published else None
    return FeedEntry(
        feed_id,
        item.key,
        item.link,
        item.title,
        item.summary,
        published,
        at,
        "pending",
        0,
        None,
        None,
    )


def _read_item(
    feed: Feed, entry: FeedEntry, options: WatchOptions
) -> tuple[list[Document], list[SourceError]]:
    published = date.fromisoformat(entry.published) if entry.published else None
    results: list[Document | SourceError]
    if entry.link:
        # The page's own date wins; the feed's date stands in when the page gives none.
        results = list(
            load(
                [entry.link],
                published,
                fetch_timeout=options.fetch_timeout,
                max_bytes=options.max_bytes,
            )
        )
    else:
        # An item without a link carries its whole story in the feed.
        origin = f"{feed.url}#{entry.key}"
        results = [
            build_document(entry.summary or "", origin, title=entry.title, published=published)
        ]
    documents = [r for r in results if isinstance(r, Document)]
    errors = [r for r in results if isinstance(r, SourceError)]
    return documents, errors


class Stopper:
    """A stop flag raised by SIGTERM (and SIGINT): a round sees it within a fraction of a
    second and cuts its fetches in flight short; what was not stored is pending next time."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def __call__(self) -> bool:
        return self._event.is_set()

    def set(self, *_args: object) -> None:
        self._event.set()

    def wait(self, seconds: float) -> bool:
        return self._event.wait(seconds)


@contextmanager
def _signals(stopper: Stopper) -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handle(_signum: int, _frame: FrameType | None) -> None:
        stopper.set()

    previous = {sig: signal.signal(sig, handle) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def watch(
    store: Store,
    *,
    options: WatchOptions | None = None,
    rounds: int | None = None,
    tick: float = 30.0,
    on_round: Callable[[PollReport], None] = lambda _report: None,
    resolver: Resolver | None = resolve_events,
    stopper: Stopper | None = None,
) -> int:
    """Poll rounds until stopped (SIGTERM, Ctrl-C) or `rounds` are done; returns rounds run.

    Between rounds it sleeps `tick` seconds at most (each feed keeps its own schedule); a stop
    request ends the sleep at once, and a round (fetches in flight included) within a second.
    """
    stopper = stopper or Stopper()
    done = 0
    with _signals(stopper):
        while not stopper() and (rounds is None or done < rounds):
            on_round(poll_once(store, options=options, resolver=resolver, stop=stopper))
            done += 1
            if rounds is not None and done >= rounds:
                break
            stopper.wait(max(0.0, min(tick, _until_next(store))))
    return done


def _until_next(store: Store) -> float:
    """Seconds until the first feed is due (0 if one is due now; a day if there are none)."""
    now = datetime.now(timezone.utc)
    feeds = store.feeds()
    if not feeds:
        return 86_400.0
    if any(feed.next_poll is None for feed in feeds):
        return 0.0
    return min(
        (datetime.fromisoformat(f.next_poll) - now).total_seconds() for f in feeds if f.next_poll
    )
