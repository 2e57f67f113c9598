"""What the web layer asks the store, through a small pool of connections and a cache.

The server answers requests on a pool of threads. They borrow stores (connections) from a pool
of a few, opened as needed and kept: a new SQLite connection starts with a cold page cache and a
PostgreSQL one costs a server process, so one per thread would be slower and heavier, and more
connections at work than cores only contend. Results are cached by question and dropped as soon
as the events change: once a second at most, `sync()` compares the store's event stamp with the
one last seen, brings the tracker's read model (event_index) up to date and clears the cache.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, TypeVar

from headcount.extract.pipeline import extract_document
from headcount.ingest import RunReport, store_extraction
from headcount.model import (
    Company,
    Document,
    Event,
    EventDetail,
    EventSource,
    EventSourceView,
    Mention,
    SourceError,
)
from headcount.resolve import resolve
from headcount.sources import load
from headcount.sources.document import build_document
from headcount.sources.url import fetch_policy
from headcount.store import Store, open_store
from headcount.store.event_index import (
    EventFacts,
    EventFilter,
    Group,
    SourceFreshness,
    Totals,
    backing_confidence,
    claim_confidence,
    confidence_threshold,
)
from headcount.store.feed_records import Feed

T = TypeVar("T")

#: The largest page the API serves.
MAX_PAGE_SIZE = 500
#: Stores a StorePool keeps open and lends at once (threads beyond that wait for one).
POOL_SIZE = 8


@dataclass(frozen=True)
class EventRow:
    """An event as the tracker lists it: with its kinds of source and reason tags."""

    event: Event
    source_kinds: list[str]
    reason_tags: list[str]
    # Set when unconfirmed events are asked for too, so that they can be told apart: how sure
    # the surest claim telling the event is, and whether that reaches the threshold.
    confidence: float | None = None
    confirmed: bool = True
    # The places its records name and its company's funding (Store.event_facts).
    facts: EventFacts = EventFacts()


def page_count(events: int, per_page: int) -> int:
    """Pages needed for `events` at `per_page` a page; an empty result is still one page."""
    return max(1, -(-events // per_page))


@dataclass(frozen=True)
class EventsPage:
    rows: list[EventRow]
    totals: Totals
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return page_count(self.totals.events, self.per_page)


@dataclass(frozen=True)
class RecordsPage:
    """A page of events as the API lists them: (event id, its JSON record) pairs."""

    records: list[tuple[str, str]]
    totals: Totals
    page: int
    per_page: int
    # Each listed event's confidence, when unconfirmed events are asked for too.
    confidences: dict[str, float] | None = None

    @property
    def pages(self) -> int:
        return page_count(self.totals.events, self.per_page)


@dataclass(frozen=True)
class CompanyView:
    company: Company
    parent: Company | None
    subsidiaries: list[Company]
    totals: Totals
    events: list[EventRow]


@dataclass(frozen=True)
class DocumentView:
    document: Document
    origins: list[str]
    claims: list[tuple[Mention, EventSource | None]]


@dataclass(frozen=True)
class ShownSource:
    """A source of an event as a reader sees it: how sure the ledger is of its claim (a
    record's is 1) and whether that reaches the threshold."""

    view: EventSourceView
    confidence: float
    confirmed: bool


@dataclass(frozen=True)
class ShownEvent:
    """An event with the sources a reader is shown: the confirmed ones, or all of them with
    `include_unconfirmed`. `hidden` counts those left out."""

    detail: EventDetail
    confidence: float
    confirmed: bool
    threshold: float
    sources: list[ShownSource]
    hidden: int


def shown_event(detail: EventDetail, threshold: float, include_unconfirmed: bool) -> ShownEvent:
    """What of `detail` a reader sees at `threshold`: claims below it are hidden unless
    `include_unconfirmed`. The event's own confidence is its surest telling claim's
    (event_index.backing_confidence), as the tracker filters by."""
    rated = [
        ShownSource(view, sure, sure >= threshold)
        for view in detail.sources
        for sure in (claim_confidence(view.document.source_kind, view.mention.confidence),)
    ]
    confidence = backing_confidence(
        (v.source.role, v.source.superseded_by, v.document.source_kind, v.mention.confidence)
        for v in detail.sources
    )
    shown = [s for s in rated if include_unconfirmed or s.confirmed]
    return ShownEvent(
        detail, confidence, confidence >= threshold, threshold, shown, len(rated) - len(shown)
    )


@dataclass(frozen=True)
class IngestResult:
    """What storing an article did: documents read and new, claims found and new, the ids
    of its documents, what could not be read, and the resolver's summary."""

    documents: int
    new_documents: int
    claims: int
    new_claims: int
    document_ids: list[str]
    problems: list[str]
    resolved: str


class StorePool:
    """The database behind a web app, shared by its threads: a pool of open stores (see the
    module's docstring) and a cache of answers, with the questions the app asks."""

    def __init__(
        self,
        db: str,
        *,
        cache_size: int = 2048,
        check_every: float = 1.0,
        pool_size: int = POOL_SIZE,
        allow_private_urls: bool | None = None,
    ) -> None:
        """allow_private_urls: whether ingest may fetch loopback and private addresses;
        None leaves it to HEADCOUNT_ALLOW_PRIVATE_URLS (off when unset)."""
        if pool_size < 1:
            raise ValueError(f"pool_size must be >= 1, got {pool_size}")
        self.db = db
        self.allow_private_urls = allow_private_urls
        self._pool_size = pool_size
        self._idle: list[Store] = []  # a stack: the most recently used store is the warmest
        self._open = 0  # stores open, idle or lent
        self._closed = False
        self._pool = threading.Condition()
        self._sync_lock = threading.Lock()
        self._cache_lock = threading.Lock()
        self._cache: OrderedDict[Hashable, Any] = OrderedDict()
        self._cache_size = cache_size
        self._check_every = check_every
        self._checked_at = float("-inf")
        self._version: tuple[str | None, int] | None = None
        self.generation = 0
        # Opening one store now reports a bad URL or an unreachable server at start-up.
        with self.connection() as store:
            #: Whether reads are work in this process (SQLite) rather than waits on a server.
            self.local_reads = store.LOCAL_READS

    # --- connections, freshness and the cache -------------------------------------------

    @contextlib.contextmanager
    def connection(self) -> Iterator[Store]:
        """Borrow a store for one thread's use; it goes back to the pool afterwards. A store
        whose use raised is closed instead (it may have lost its connection), unless what
        it raised is a ValueError: a question refused before reaching the database."""
        store = self._borrow()
        try:
            yield store
        except ValueError:
            self._give_back(store)
            raise
        except BaseException:
            self._drop(store)
            raise
        self._give_back(store)

    def _borrow(self) -> Store:
        with self._pool:
            while True:
                if self._closed:
                    raise RuntimeError("the store pool is closed")
                if self._idle:
                    return self._idle.pop()
                if self._open < self._pool_size:
                    break
                self._pool.wait()
            self._open += 1
        try:  # outside the lock: connecting can take a while
            store = open_store(self.db)
            store.serve_many_small_queries()
            return store
        except BaseException:
            with self._pool:
                self._open -= 1
                self._pool.notify()
            raise

    def _give_back(self, store: Store) -> None:
        with self._pool:
            if not self._closed:
                self._idle.append(store)
                self._pool.notify()
                return
        self._drop(store)

    def _drop(self, store: Store) -> None:
        with contextlib.suppress(Exception):  # a broken connection may fail to close
            store.close()
        with self._pool:
            self._open -= 1
            self._pool.notify()

    def pool_status(self) -> tuple[int, int]:
        """(stores open, of which idle): what the pool holds now."""
        with self._pool:
            return self._open, len(self._idle)

    def close(self) -> None:
        """Close every idle store; those lent out are closed when they come back."""
        with self._pool:
            self._closed = True
            idle, self._idle = self._idle, []
        for store in idle:
            self._drop(store)

    def sync(self, force: bool = False) -> None:
        """Refresh the read model and drop cached answers if events changed (checked at most
        every `check_every` seconds unless forced)."""
        now = time.monotonic()
        if not force and now - self._checked_at < self._check_every:
            return
        with self._sync_lock, self.connection() as store:
            if not force and now - self._checked_at < self._check_every:
                return
            version = store.events_version()
            if force or version != self._version:
                store.refresh_event_index()
                self._version = version
                with self._cache_lock:
                    self._cache.clear()
                    self.generation += 1
            self._checked_at = time.monotonic()

    def sync_due(self) -> bool:
        """Whether the next sync() would look at the store (so callers can run it off-loop)."""
        return time.monotonic() - self._checked_at >= self._check_every

    def lookup(self, key: Hashable) -> tuple[bool, Any, int]:
        """(found, value, generation) for a cached answer; pass the generation to remember()."""
        with self._cache_lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return True, self._cache[key], self.generation
            return False, None, self.generation

    def remember(self, key: Hashable, value: Any, generation: int) -> None:
        """Keep an answer computed at `generation`, unless the data changed meanwhile."""
        if self._cache_size <= 0:
            return
        with self._cache_lock:
            if generation == self.generation:
                self._cache[key] = value
                if len(self._cache) > self._cache_size:
                    self._cache.popitem(last=False)

    def cached(self, key: Hashable, compute: Callable[[], T]) -> T:
        if self._cache_size <= 0:
            return compute()
        with self._cache_lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]  # type: ignore[no-any-return]
            generation = self.generation
        value = compute()
        with self._cache_lock:
            if generation == self.generation:
                self._cache[key] = value
                if len(self._cache) > self._cache_size:
                    self._cache.popitem(last=False)
        return value

    # --- questions ------------------------------------------------------------------------

    def _ask(self, question: Callable[[Store], T]) -> T:
        with self.connection() as store:
            return question(store)

    def totals(self, f: EventFilter) -> Totals:
        return self.cached(("totals", f.key()), lambda: self._ask(lambda s: s.event_totals(f)))

    def events_page(self, f: EventFilter, sort: str | None, page: int, per_page: int) -> EventsPage:
        _check_page(page, per_page)
        totals = self.totals(f)

        def rows() -> list[EventRow]:
            def ask(store: Store) -> list[EventRow]:
                return _rated(store, f, _listed(store, f, sort, (page - 1) * per_page, per_page))

            return self._ask(ask)

        return EventsPage(
            self.cached(("events", f.key(), sort, page, per_page), rows), totals, page, per_page
        )

    def records_page_now(
        self, f: EventFilter, sort: str | None, page: int, per_page: int
    ) -> RecordsPage | None:
        """records_page() on an idle store, or None at once when no store is idle (so the
        caller, an event loop, never waits for one)."""
        with self._pool:
            if self._closed or not self._idle:
                return None
            store = self._idle.pop()
        try:
            page_found = self._records_page(
                f, sort, page, per_page, lambda question: question(store)
            )
        except BaseException:
            self._drop(store)
            raise
        self._give_back(store)
        return page_found

    def records_page(
        self, f: EventFilter, sort: str | None, page: int, per_page: int
    ) -> RecordsPage:
        """events_page() as the API's JSON records (see Store.find_event_records)."""
        return self._records_page(f, sort, page, per_page, self._ask)

    def _records_page(
        self,
        f: EventFilter,
        sort: str | None,
        page: int,
        per_page: int,
        ask: Callable[[Callable[[Store], Any]], Any],
    ) -> RecordsPage:
        _check_page(page, per_page)
        key = f.key()
        found, totals, generation = self.lookup(("totals", key))
        if found:
            records = self.cached(
                ("records", key, sort, page, per_page),
                lambda: ask(
                    lambda s: s.find_event_records(f, sort, (page - 1) * per_page, per_page)
                ),
            )
        else:
            totals, records = ask(lambda s: s.event_page(f, sort, (page - 1) * per_page, per_page))
            self.remember(("totals", key), totals, generation)
            self.remember(("records", key, sort, page, per_page), records, generation)
        confidences = None
        if f.min_confidence is None:
            # Only when unconfirmed events are asked for: the default answer stays the kept
            # records alone.
            ids = [event_id for event_id, _ in records]
            confidences = self.cached(
                ("confidences", key, sort, page, per_page),
                lambda: ask(lambda s: s.event_confidences(ids)),
            )
        return RecordsPage(records, totals, page, per_page, confidences)

    def iter_events(
        self, f: EventFilter, sort: str | None, chunk: int = 2000
    ) -> Iterator[EventRow]:
        """Every event `f` selects, for downloads, read in chunks (a connection is held per
        chunk, not while the client reads)."""
        offset = 0
        while True:
            found = self._ask(lambda s: _listed(s, f, sort, offset, chunk))  # noqa: B023
            yield from found
            if len(found) < chunk:
                return
            offset += chunk

    def source_urls(self, event_ids: list[str]) -> dict[str, str]:
        """Each listed event's original source as a web address (Store.source_urls)."""
        ids = tuple(event_ids)
        return self.cached(("source_urls", ids), lambda: self._ask(lambda s: s.source_urls(ids)))

    def event_facts(self, event_ids: list[str]) -> dict[str, EventFacts]:
        """Places and funding of each listed event (Store.event_facts)."""
        ids = tuple(event_ids)
        return self.cached(("facts", ids), lambda: self._ask(lambda s: s.event_facts(ids)))

    def event_detail(self, event_id: str) -> EventDetail | None:
        return self.cached(
            ("event", event_id), lambda: self._ask(lambda s: s.event_detail(event_id))
        )

    def breakdown(self, f: EventFilter, by: str, limit: int | None = None) -> list[Group]:
        return self.cached(
            ("breakdown", f.key(), by, limit),
            lambda: self._ask(lambda s: s.event_breakdown(f, by, limit)),
        )

    def companies(
        self, f: EventFilter, page: int, per_page: int
    ) -> tuple[int, list[tuple[str, str | None, int, int, str | None]]]:
        return self.cached(
            ("companies", f.key(), page, per_page),
            lambda: self._ask(lambda s: s.company_summaries(f, (page - 1) * per_page, per_page)),
        )

    def company(self, company_id: str, limit: int = 200) -> CompanyView | None:
        def compute(store: Store) -> CompanyView | None:
            company = store.get_company(company_id)
            if company is None:
                return None
            parent = store.get_company(company.parent_id) if company.parent_id else None
            f = EventFilter(company_id=company_id)
            rows = _listed(store, f, "-date", 0, limit)
            return CompanyView(
                company, parent, store.subsidiaries(company_id), store.event_totals(f), rows
            )

        return self.cached(("company", company_id, limit), lambda: self._ask(compute))

    def facets(self) -> dict[str, list[tuple[str, int]]]:
        def compute(store: Store) -> dict[str, list[tuple[str, int]]]:
            years = [(g.key or "", g.events) for g in store.event_breakdown(None, "year")]
            return {
                "industry": store.facet_values("industry"),
                "country": store.facet_values("country"),
                "stage": store.facet_values("stage"),
                "year": sorted(years, reverse=True),
            }

        return self.cached(("facets",), lambda: self._ask(compute))

    def freshness(self) -> list[SourceFreshness]:
        return self.cached(("freshness",), lambda: self._ask(lambda s: s.source_freshness()))

    def feeds(self) -> list[Feed]:
        return self.cached(("feeds",), lambda: self._ask(lambda s: s.feeds()))

    def document(self, document_id: str) -> DocumentView | None:
        def compute(store: Store) -> DocumentView | None:
            doc = store.get_document(document_id)
            if doc is None:
                return None
            origins = store.document_origins([document_id]).get(document_id, [doc.origin])
            return DocumentView(doc, origins, store.document_claims(document_id))

        return self.cached(("document", document_id), lambda: self._ask(compute))

    # --- writing ----------------------------------------------------------------------------

    def ingest(
        self,
        *,
        url: str | None = None,
        text: str | None = None,
        title: str | None = None,
        outlet: str | None = None,
        published: date | None = None,
    ) -> IngestResult:
        """Store one article (given as text, or fetched from url), extract its claims and
        resolve them into events."""
        items: list[Document | SourceError]
        if text is not None:
            origin = url or f"api:{title or 'article'}"
            items = [
                build_document(
                    text, origin, title=title, url=url, outlet=outlet, published=published
                )
            ]
        elif url is not None:
            # Anyone with the token can name the URL: by default it must be a public address,
            # or the server would fetch (and publish) what only it can reach.
            with fetch_policy(allow_private=self.allow_private_urls):
                items = list(load([url], published))
        else:
            raise ValueError("give the article's text or its url")
        report = RunReport()
        extractions = []
        for item in items:
            if isinstance(item, SourceError):
                report.problems.append(item)
            else:
                extractions.append(extract_document(item))
        resolved = ""
        with self.connection() as store:
            for extraction in extractions:
                store_extraction(store, extraction.document, extraction, report)
            if extractions:
                resolved = resolve(store).summary()
        self.sync(force=True)
        return IngestResult(
            documents=len(extractions),
            new_documents=report.new_documents,
            claims=sum(len(e.mentions) for e in extractions),
            new_claims=report.new_claims,
            document_ids=[e.document.id for e in extractions],
            problems=[str(problem) for problem in report.problems],
            resolved=resolved,
        )


def _rated(store: Store, f: EventFilter, rows: list[EventRow]) -> list[EventRow]:
    """`rows` with their events' confidence when `f` lets unconfirmed events in (otherwise
    every row is confirmed, and saying so costs a query for nothing)."""
    if f.min_confidence is not None or not rows:
        return rows
    threshold = confidence_threshold()
    sure = store.event_confidences([row.event.id for row in rows])
    return [
        replace(
            row,
            confidence=sure.get(row.event.id),
            confirmed=sure.get(row.event.id, 0.0) >= threshold,
        )
        for row in rows
    ]


def _listed(
    store: Store, f: EventFilter, sort: str | None, offset: int, limit: int
) -> list[EventRow]:
    """The events `f` selects (Store.find_events) as the tracker lists them: with the US
    states and cities their records name and their companies' funding."""
    rows = [EventRow(*found) for found in store.find_events(f, sort, offset, limit)]
    facts = store.event_facts([row.event.id for row in rows])
    return [replace(row, facts=facts.get(row.event.id, EventFacts())) for row in rows]


def _check_page(page: int, per_page: int) -> None:
    if page < 1:
        raise ValueError(f"page must be >= 1, got {page}")
    if not 1 <= per_page <= MAX_PAGE_SIZE:
        raise ValueError(f"per_page must be between 1 and {MAX_PAGE_SIZE}, got {per_page}")
