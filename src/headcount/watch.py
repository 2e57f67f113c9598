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

`watch(store, ...)` repeats rounds until stopped (Ctrl-C or SIGTERM end it between two items).
"""

from __future__ import annotations

import dataclasses
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from types import FrameType

from headcount.extract.pipeline import extract_document
from headcount.ingest import RunReport, store_extraction
from headcount.model import Document, SourceError
from headcount.sources import load
from headcount.sources.document import build_document
from headcount.sources.feeds import FeedError, FeedItem, fetch_feed, parse_feed
from headcount.store import Store
from headcount.store.feed_records import Feed, FeedEntry


@dataclass(frozen=True)
class WatchOptions:
    interval: float = 900.0  # seconds between two polls of one feed
    max_backoff: float = 6 * 3600.0  # the longest wait after failures in a row
    fetch_timeout: float = 10.0  # per connection step, for feeds and articles
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
    """One round over every feed that is due at `now`; see the module's description."""
    options = options or WatchOptions()
    now = now or datetime.now(timezone.utc)
    if now.tzinfo is None:
        now = now.replace(tzinfo=timezone.utc)
    report = PollReport()
    for feed in store.feeds():
        if stop():
            report.feeds.append(FeedOutcome(feed.url, "stopped"))
            continue
        if _due(feed, now):
            outcome = _poll_feed(store, feed, now, options)
            # Articles left over from an earlier round are fetched even when the feed itself
            # is unchanged or failing now: they were listed, and nothing listed is lost.
            _fetch_articles(store, feed, outcome, report, options, stop, untried_only=False)
        else:
            # Items a stopped round noted but never fetched are fetched at once, not at the
            # feed's next poll; items that failed wait for that poll to be tried again.
            outcome = FeedOutcome(feed.url, "waiting")
            _fetch_articles(store, feed, outcome, report, options, stop, untried_only=True)
        report.feeds.append(outcome)
    if report.document_ids and resolver is not None:
        report.resolved = resolver(store)
    return report


def _poll_feed(store: Store, feed: Feed, now: datetime, options: WatchOptions) -> FeedOutcome:
    at = _iso(now)
    outcome = FeedOutcome(feed.url, "new items")
    try:
        response = fetch_feed(
            feed.url,
            etag=feed.etag,
            last_modified=feed.last_modified,
            timeout=options.fetch_timeout,
            max_bytes=options.max_bytes,
        )
        parsed = parse_feed(response.body, response.url) if response.status == 200 else None
    except Exception as error:
        reason = str(error) if isinstance(error, FeedError) else (
            f"unexpected error: {type(error).__name__}: {error}"
        )
        outcome.status, outcome.error = "error", reason
        wait = backoff(feed.errors + 1, options)
        store.feed_failed(feed.id, at, reason, _iso(now + timedelta(seconds=wait)))
        return outcome
    next_poll = _iso(now + timedelta(seconds=options.interval))
    with store.transaction():
        if parsed is None:
            outcome.status = "not modified"
        else:
            entries = [_entry(feed.id, item, at) for item in parsed.items]
            outcome.new_items = store.add_feed_items(entries)
            outcome.status = "new items" if outcome.new_items else "unchanged"
        title = parsed.title if parsed is not None else None
        store.feed_polled(
            feed.id, at, next_poll, response.etag, response.last_modified, title
        )
    return outcome


def _entry(feed_id: str, item: FeedItem, at: str) -> FeedEntry:
    published = item.published.isoformat() if item.published else None
    return FeedEntry(
        feed_id, item.key, item.link, item.title, item.summary, published, at, "pending", 0,
        None, None,
    )


def _fetch_articles(
    store: Store,
    feed: Feed,
    outcome: FeedOutcome,
    report: PollReport,
    options: WatchOptions,
    stop: Callable[[], bool],
    *,
    untried_only: bool,
) -> None:
    current = store.get_feed(feed.id)
    outlet = current.title if current is not None else None
    for entry in store.feed_items(feed.id, "pending"):
        if stop():
            return
        if untried_only and entry.attempts:
            continue
        try:
            documents, errors = _read_item(feed, entry, options)
            if documents:
                run = RunReport()
                with store.transaction():
                    for doc in documents:
                        if doc.outlet is None and outlet:
                            doc = dataclasses.replace(doc, outlet=outlet)
                        store_extraction(store, doc, extract_document(doc), run)
                    store.feed_item_done(feed.id, entry.key, documents[0].id)
                report.document_ids.extend(doc.id for doc in documents)
                outcome.stored += 1
                outcome.claims += run.new_claims
                continue
            reason = "; ".join(error.reason for error in errors) or "no text"
        except Exception as error:
            # A bug met by one odd article must not stop the feed reader.
            reason = f"unexpected error: {type(error).__name__}: {error}"
        give_up = entry.attempts + 1 >= options.max_attempts
        store.feed_item_failed(feed.id, entry.key, reason, give_up)
        outcome.item_errors.append(f"{entry.link or entry.key}: {reason}")


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
        results = [build_document(entry.summary or "", origin, title=entry.title, published=published)]
    documents = [r for r in results if isinstance(r, Document)]
    errors = [r for r in results if isinstance(r, SourceError)]
    return documents, errors


class Stopper:
    """A stop flag raised by SIGTERM (and SIGINT): the loop ends between two articles."""

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
    request ends the sleep at once and a round between two articles.
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
    return min((datetime.fromisoformat(f.next_poll) - now).total_seconds() for f in feeds if f.next_poll)
