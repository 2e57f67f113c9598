"""The web tracker and JSON API: `create_app(db_url)` returns the ASGI application.

Reading is public. Writing (POST /api/ingest) needs the token from `token` or the
HEADCOUNT_TOKEN environment variable, and is rate-limited per client address. Every response
carries a Content-Security-Policy that allows scripts, styles and images from this site only;
the pages have no inline script and render every text from the data escaped.
"""

from __future__ import annotations

import csv
import hmac
import io
import ipaddress
import json
import os
import re
import threading
import time
from collections.abc import (
    AsyncIterator,
    Awaitable,
    Callable,
    Iterable,
    Iterator,
    MutableMapping,
    Sequence,
)
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Annotated, Any

from fastapi import Body, Depends, FastAPI, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import QueryParams
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import StreamingResponse

from headcount.model import Event
from headcount.store.event_export import EVENT_FIELDS, detail_record, format_headline
from headcount.store.event_index import (
    BREAKDOWNS,
    CONFIDENCE_SETTING,
    REASON_NAMES,
    SORTS,
    SOURCE_KINDS,
    EventFilter,
    api_record,
    confidence_threshold,
    to_json,
    words,
)
from headcount.store.export import csv_cell
from headcount.web import charts, pages
from headcount.web.feeds import ATOM_TYPE, events_feed
from headcount.web.highlight import figure_span
from headcount.web.queries import (
    MAX_PAGE_SIZE,
    EventRow,
    Ledger,
    RecordsPage,
    ShownEvent,
    shown_event,
)

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
    (b"x-frame-options", b"DENY"),
]
STATIC_DIR = Path(__file__).parent / "static"
#: Rows a CSV or JSON download holds at most.
EXPORT_LIMIT = 200_000

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class SecurityHeaders:
    """ASGI middleware adding the CSP and friends to every HTTP response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers += [(n, v) for n, v in SECURITY_HEADERS if n not in present]
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception:
            # Starlette answers an unhandled error from outside every middleware, so without
            # this its 500 would go out bare. The error is raised on for the server to log; the
            # outer handler sees the answer started and sends nothing more.
            if not started:
                json_answer = str(scope.get("path", "")).startswith(("/api", "/feeds"))
                body, kind = (
                    (b'{"detail":"internal server error"}', b"application/json")
                    if json_answer
                    else (b"Internal Server Error", b"text/plain; charset=utf-8")
                )
                await send_with_headers(
                    {
                        "type": "http.response.start",
                        "status": 500,
                        "headers": [
                            (b"content-type", kind),
                            (b"content-length", str(len(body)).encode()),
                        ],
                    }
                )
                await send({"type": "http.response.body", "body": body})
            raise


class EventsFastPath:
    """ASGI middleware for GET /api/events, the hottest path: it answers from the ledger's
    cache, else, when the query is plain (see plain_events_query), from the store, without
    going through FastAPI's routing and per-parameter validation, which cost as much as the
    queries. Anything else (an error to report, an unusual parameter) goes on to the route,
    which answers with the very same function (events_body)."""

    def __init__(self, app: ASGIApp, ledger: Ledger) -> None:
        self.app = app
        self.ledger = ledger

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET" and scope["path"] == "/api/events":
            if self.ledger.sync_due():
                await run_in_threadpool(self.ledger.sync)
            key = _events_key(scope)
            found, body, generation = self.ledger.lookup(key)
            if not found:
                query = plain_events_query(QueryParams(scope.get("query_string", b"")))
                if query is not None:
                    body = await self._answer(query)
                    self.ledger.remember(key, body, generation)
                    found = True
            if found:
                await send(
                    {
                        "type": "http.response.start",
                        "status": 200,
                        "headers": [
                            (b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode()),
                        ],
                    }
                )
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)

    async def _answer(self, query: EventsQuery) -> bytes:
        # A SQLite read is CPU work this worker would do anyway (no server to wait for, no
        # writer to wait behind in WAL mode); handing it to a thread and back cost more CPU
        # than most of these queries (GIL hand-offs, wake-ups: 1.1-1.2 ms a request against
        # 0.85-0.95 ms in place, in bench_api). So it runs in place on an idle store, unless a
        # search word is too short for the text index and the query may read every row, or no
        # store is idle: then in a thread, as on PostgreSQL, where a query waits on a server.
        f = query.filter
        if self.ledger.local_reads and all(len(term) >= 3 for term in f.terms()):
            page = self.ledger.records_page_now(f, query.sort, query.page, query.per_page)
            if page is not None:
                return events_body(query, page)
        page = await run_in_threadpool(
            self.ledger.records_page, f, query.sort, query.page, query.per_page
        )
        return events_body(query, page)


class RateLimiter:
    """A token bucket per client: `burst` requests at once, refilled at `per_minute`."""

    def __init__(self, per_minute: float = 10.0, burst: int = 5) -> None:
        self.rate = per_minute / 60.0
        self.burst = burst
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, client: str) -> float:
        """0 if the request may go ahead, else the seconds to wait."""
        now = time.monotonic()
        with self._lock:
            tokens, at = self._buckets.get(client, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - at) * self.rate)
            if tokens >= 1:
                self._buckets[client] = (tokens - 1, now)
                return 0.0
            self._buckets[client] = (tokens, now)
            if len(self._buckets) > 10_000:  # forget idle clients
                for key in [k for k, (t, a) in self._buckets.items() if now - a > 3600]:
                    del self._buckets[key]
            return (1 - tokens) / self.rate if self.rate > 0 else 3600.0


TRUSTED_PROXIES_ENV = "HEADCOUNT_TRUSTED_PROXIES"
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_proxies(value: str | Iterable[str] | None) -> tuple[Network, ...]:
    """Proxy addresses or networks ("10.0.0.5", "10.0.0.0/8", "::1"), as a list or one
    comma-separated string; raises ValueError for one that is neither."""
    if value is None:
        return ()
    items = value.split(",") if isinstance(value, str) else list(value)
    networks = []
    for item in (i.strip() for i in items):
        if item:
            try:
                networks.append(ipaddress.ip_network(item, strict=False))
            except ValueError:
                raise ValueError(f"not a proxy address or network: {item!r}") from None
    return tuple(networks)


def _host(value: str) -> str:
    """The address in an X-Forwarded-For entry: "1.2.3.4:80" and "[::1]:80" without the port."""
    value = value.strip()
    if value.startswith("["):
        return value[1:].split("]", 1)[0]
    if value.count(":") == 1:
        return value.split(":", 1)[0]
    return value


def _trusted(host: str, proxies: tuple[Network, ...]) -> bool:
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return any(address in network for network in proxies)


def client_key(peer: str | None, forwarded_for: Sequence[str], proxies: tuple[Network, ...]) -> str:
    """Who a request comes from, for the rate limit.

    X-Forwarded-For is believed only when it comes from a configured proxy: then the client
    is its rightmost address that is not a proxy. Otherwise it is ignored, so that a client
    cannot get a fresh allowance by sending a new value. One more case: the server itself may
    already have put a forwarded address in place of the peer (uvicorn does for loopback peers
    by default); the peer is then one of the forwarded addresses, and with no proxy configured
    such requests share a single allowance, as all requests from one proxy would."""
    peer = peer or "unknown"
    hops = [_host(part) for value in forwarded_for for part in value.split(",") if part.strip()]
    if not hops:
        return peer
    rewritten = peer in hops
    if _trusted(peer, proxies) or (rewritten and proxies):
        for hop in reversed(hops):
            if not _trusted(hop, proxies):
                return hop
        return peer
    return "forwarded (no trusted proxy configured)" if rewritten else peer


class FilterError(ValueError):
    """A bad query parameter: 400 with the reason."""


class OutOfRange(FilterError):
    """A number no database column holds (beyond 64 bits): 422, as the API's own validation
    answers a number out of range, rather than an overflow deep in the store."""


#: The largest integer a filter or a page number may be: what a 64-bit column holds.
MAX_INT64 = 2**63 - 1
#: The largest page number: its first row's offset must still fit in 64 bits.
MAX_PAGE = MAX_INT64 // MAX_PAGE_SIZE


# --- response models (they document the API; handlers return prepared JSON) ---------------


class EventOut(BaseModel):
    id: str
    company: str | None
    parent: str | None
    company_id: str | None
    announced_on: str | None = Field(description="YYYY-MM-DD, YYYY-MM or YYYY")
    date_precision: str | None
    headcount: int | None = Field(description="The figure counted in totals")
    headcount_min: int | None = Field(description="Lowest figure any source gives")
    headcount_max: int | None = Field(description="Highest figure any source gives")
    approx: bool
    percent: float | None
    estimated_headcount: int | None = Field(description="percent x known workforce; never counted")
    estimate_basis: str | None
    units: list[str]
    locations: list[str]
    reasons: list[str]
    sources: int = Field(description="Distinct documents behind the event")
    claims: int
    status: str
    industry: str | None
    country: str | None
    first_seen: str
    last_updated: str
    superseded_by: str | None
    revision: int
    source_kinds: list[str] = Field(description="Kinds of document among its sources")
    reason_tags: list[str] = Field(description="Its stated reasons grouped: ai, costs, ...")
    url: str = Field(description="The event's page")
    confidence: float | None = Field(
        None,
        description="With include_unconfirmed=true: the confidence of the surest claim telling "
        "the event (1 for a record)",
    )
    confirmed: bool | None = Field(
        None,
        description="With include_unconfirmed=true: whether that confidence reaches the "
        "threshold (events that do not are left out of every default answer and total)",
    )


class TotalsOut(BaseModel):
    events: int
    headcount: int = Field(description="Sum of counted figures")
    without_figure: int
    companies: int


class EventsPageOut(BaseModel):
    total: int = Field(description="Events matching the filters, over all pages")
    page: int
    per_page: int
    pages: int
    totals: TotalsOut
    filters: dict[str, Any]
    sort: str
    events: list[EventOut]
    next: str | None


class SourceClaimOut(BaseModel):
    mention_id: str
    role: str
    reason: str
    counted: bool
    superseded_by: str | None
    kind: str
    employer_text: str | None
    company: str | None
    headcount_min: int | None
    headcount_max: int | None
    approx: bool
    percent: float | None
    date: str | None
    evidence: str
    figure_span: list[int] | None = Field(description="[start, end) of the figure in evidence")
    document_id: str
    source_kind: str
    outlet: str | None
    url: str | None
    published_at: str | None
    origins: list[str]
    confidence: float = Field(
        description="How sure the ledger is of this claim: the extractor's confidence, 1 for a "
        "record (WARN filing, tracker row)"
    )
    confirmed: bool = Field(
        description="Whether the confidence reaches the threshold; claims that do not are "
        "listed only with include_unconfirmed=true"
    )


class EventDetailOut(EventOut):
    lead_mention_id: str | None
    source_claims: list[SourceClaimOut]
    unconfirmed_hidden: int = Field(
        description="Claims below the confidence threshold left out (include_unconfirmed=true "
        "lists them)"
    )
    threshold: float = Field(description="The confidence threshold claims are held to")
    changes: list[dict[str, Any]]


class CompanyOut(BaseModel):
    id: str
    name: str
    aliases: list[str]
    industry: str | None
    country: str | None
    workforce: int | None
    workforce_basis: str | None
    parent: dict[str, Any] | None
    subsidiaries: list[dict[str, Any]]
    totals: TotalsOut
    events: list[EventOut]
    url: str


class CompanySummaryOut(BaseModel):
    id: str
    name: str | None
    events: int
    headcount: int
    latest: str | None
    url: str


class CompaniesPageOut(BaseModel):
    total: int
    page: int
    per_page: int
    companies: list[CompanySummaryOut]


class GroupOut(BaseModel):
    key: str | None
    label: str | None = None
    second: str | None = None
    events: int
    headcount: int


class StatisticsOut(BaseModel):
    by: str
    filters: dict[str, Any]
    totals: TotalsOut
    groups: list[GroupOut]


class IngestIn(BaseModel):
    url: str | None = Field(None, max_length=2048, description="Fetched when no text is given")
    text: str | None = Field(None, max_length=2_000_000)
    title: str | None = Field(None, max_length=1000)
    outlet: str | None = Field(None, max_length=200)
    published: date | None = None


class IngestOut(BaseModel):
    documents: int
    new_documents: int
    claims: int
    new_claims: int
    document_ids: list[str]
    problems: list[str]
    resolved: str


class ErrorOut(BaseModel):
    detail: Any


ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorOut, "description": "A bad parameter (dates, sort, unknown values)"},
    422: {"model": ErrorOut, "description": "A parameter of the wrong type or out of range"},
}


# --- filters shared by pages and API --------------------------------------------------------


_YES = ("true", "1", "yes", "on")
_NO = ("false", "0", "no", "off", "")


def switch(value: str | bool | None, name: str = "include_unconfirmed") -> bool:
    """An on/off parameter as a form or a URL gives it: true/1/yes/on, or false/0/no/off."""
    if value is None or isinstance(value, bool):
        return bool(value)
    text = value.strip().lower()
    if text in _YES or text in _NO:
        return text in _YES
    raise FilterError(f"{name} must be true or false, got {value!r}")


def build_filter(
    *,
    q: str | None = None,
    company: str | None = None,
    company_id: str | None = None,
    industry: str | None = None,
    country: str | None = None,
    source: str | None = None,
    reason: str | None = None,
    year: str | None = None,
    since: str | None = None,
    until: str | None = None,
    min_headcount: str | int | None = None,
    max_headcount: str | int | None = None,
    include_unconfirmed: str | bool | None = None,
) -> EventFilter:
    def number(name: str, value: str | int | None) -> int | None:
        if value is None or value == "":
            return None
        try:
            number = int(str(value).replace(",", "").strip())
        except ValueError:
            raise FilterError(f"{name} must be a whole number, got {value!r}") from None
        if abs(number) > MAX_INT64:
            raise OutOfRange(f"{name} is out of range (at most {MAX_INT64})")
        return number

    if year not in (None, ""):
        assert year is not None
        if since or until:
            raise FilterError("give year or since/until, not both")
        if not (len(year) == 4 and year.isdigit()):
            raise FilterError(f"year must be YYYY, got {year!r}")
        since = until = year
    # None leaves the filter's default, the configured threshold.
    unconfirmed: dict[str, Any] = {"min_confidence": None} if switch(include_unconfirmed) else {}
    try:
        f = EventFilter(
            q=q,
            company=company,
            company_id=company_id,
            industry=industry,
            country=country,
            source=source or None,
            reason=reason or None,
            since=since,
            until=until,
            min_headcount=number("min_headcount", min_headcount),
            max_headcount=number("max_headcount", max_headcount),
            **unconfirmed,
        )
        # A company of punctuation alone (",,") matches no name; the store would refuse it
        # only when it runs, as a server error.
        if f.company is not None and not words(f.company):
            raise FilterError(f"company filter has no words: {f.company!r}")
        # Dates must be real ones ("2023-02-30" is not); the store checks that when it runs.
        from headcount.store.base import _period

        for name in ("since", "until"):
            value = getattr(f, name)
            if value is not None:
                _period(value, name)
        if f.since and f.until and _period(f.since, "since")[0] > _period(f.until, "until")[1]:
            raise FilterError(f"since ({f.since}) is after until ({f.until})")
    except FilterError:
        raise
    except ValueError as exc:
        raise FilterError(str(exc)) from None
    return f


async def api_filter(
    q: str | None = Query(
        None, description="Words that must all appear (any field or source sentence)"
    ),
    company: str | None = Query(None, description="Company, parent or alias (substring, any case)"),
    company_id: str | None = Query(None, description="A company id: it and its subsidiaries"),
    industry: str | None = Query(None, description="Industry (any case)"),
    country: str | None = Query(None, description="Country (any case)"),
    source: str | None = Query(None, description=f"Kind of source: {', '.join(SOURCE_KINDS)}"),
    reason: str | None = Query(None, description=f"Stated reason: {', '.join(REASON_NAMES)}"),
    year: str | None = Query(None, description="YYYY: shorthand for since=YYYY&until=YYYY"),
    since: str | None = Query(None, description="From this date: YYYY, YYYY-MM or YYYY-MM-DD"),
    until: str | None = Query(None, description="Up to this date: YYYY, YYYY-MM or YYYY-MM-DD"),
    min_headcount: int | None = Query(
        None, ge=0, le=MAX_INT64, description="Counted figure at least"
    ),
    max_headcount: int | None = Query(
        None, ge=0, le=MAX_INT64, description="Counted figure at most"
    ),
    include_unconfirmed: bool = Query(
        False,
        description="Also events whose every claim is below the confidence threshold "
        f"({CONFIDENCE_SETTING}, default 0.5), counted in the totals too; each event then "
        "carries its confidence and whether it is confirmed",
    ),
) -> EventFilter:
    return build_filter(
        q=q,
        company=company,
        company_id=company_id,
        industry=industry,
        country=country,
        source=source,
        reason=reason,
        year=year,
        since=since,
        until=until,
        min_headcount=min_headcount,
        max_headcount=max_headcount,
        include_unconfirmed=include_unconfirmed,
    )


Filter = Annotated[EventFilter, Depends(api_filter)]


def _filter_params(f: EventFilter) -> dict[str, Any]:
    found = {
        k: v
        for k, v in zip(
            (
                "q",
                "company",
                "company_id",
                "industry",
                "country",
                "source",
                "reason",
                "since",
                "until",
                "min_headcount",
                "max_headcount",
            ),
            f.key()[:-1],
            strict=True,
        )
        if v is not None
    }
    # The default (confirmed events only) goes unsaid, like every other absent filter.
    if f.min_confidence is None:
        found["include_unconfirmed"] = True
    return found


def _check_sort(sort: str | None) -> str:
    from headcount.store.event_index import parse_sort

    try:
        name, descending = parse_sort(sort)
    except ValueError as exc:
        raise FilterError(str(exc)) from None
    return ("-" if descending else "") + name


def _event_json(row: EventRow) -> dict[str, Any]:
    return api_record(row.event, row.source_kinds, row.reason_tags)


def _totals_json(totals: Any) -> dict[str, Any]:
    return {
        "events": totals.events,
        "headcount": totals.headcount,
        "without_figure": totals.without_figure,
        "companies": totals.companies,
    }


def _dumps(data: Any) -> bytes:
    return to_json(data).encode("utf-8")


def _json(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(
        _dumps(data), status_code=status, media_type="application/json", headers=headers
    )


def _company_json(company: Any) -> dict[str, Any]:
    return {"id": company.id, "name": company.name, "url": f"/companies/{company.id}"}


# --- GET /api/events ---------------------------------------------------------------------------


@dataclass(frozen=True)
class EventsQuery:
    """A valid GET /api/events query."""

    filter: EventFilter
    sort: str
    page: int
    per_page: int
    params: dict[str, str]  # every query parameter as given, for the next page's link


_TEXT_PARAMS = (
    "q",
    "company",
    "company_id",
    "industry",
    "country",
    "source",
    "reason",
    "year",
    "since",
    "until",
    "include_unconfirmed",
    "sort",
)
_NUMBER_PARAMS = ("min_headcount", "max_headcount", "page", "per_page")
_PLAIN_NUMBER = re.compile(r"0|[1-9][0-9]{0,8}")


def plain_events_query(params: QueryParams) -> EventsQuery | None:
    """The query of GET /api/events when it is plain: known parameters, each given once,
    numbers in plain digits and in range, a valid filter and sort. None otherwise, so that
    the route answers it with FastAPI's validation and error responses."""
    if len(params.multi_items()) != len(params) or not all(
        name in _TEXT_PARAMS or name in _NUMBER_PARAMS for name in params
    ):
        return None
    numbers: dict[str, int] = {}
    for name in _NUMBER_PARAMS:
        value = params.get(name)
        if value is not None:
            if not _PLAIN_NUMBER.fullmatch(value):
                return None
            numbers[name] = int(value)
    page, per_page = numbers.get("page", 1), numbers.get("per_page", 50)
    if page < 1 or not 1 <= per_page <= MAX_PAGE_SIZE:
        return None
    try:
        f = build_filter(
            **{name: params.get(name) for name in _TEXT_PARAMS if name != "sort"},
            min_headcount=numbers.get("min_headcount"),
            max_headcount=numbers.get("max_headcount"),
        )
        sort = _check_sort(params.get("sort", "-date"))
    except FilterError:
        return None
    return EventsQuery(f, sort, page, per_page, dict(params))


def _events_key(scope: Scope) -> tuple[str, str]:
    return ("api_events", scope.get("query_string", b"").decode("latin-1"))


def events_body(query: EventsQuery, result: RecordsPage) -> bytes:
    """The JSON answer to GET /api/events. The events are the records the store keeps as
    JSON text, so no event is converted field by field; the bytes are those of to_json() over
    the whole answer."""
    next_url = None
    if query.page < result.pages:
        next_url = "/api/events" + pages._query({**query.params, "page": str(query.page + 1)})
    head = to_json(
        {
            "total": result.totals.events,
            "page": query.page,
            "per_page": query.per_page,
            "pages": result.pages,
            "totals": _totals_json(result.totals),
            "filters": _filter_params(query.filter),
            "sort": query.sort,
        }
    )
    records = [record for _, record in result.records]
    if result.confidences is not None:
        # Unconfirmed events asked for: each says how sure it is (only then, so the default
        # answer is the kept records as they are).
        threshold = confidence_threshold()
        records = []
        for event_id, record in result.records:
            data = json.loads(record)
            sure = result.confidences.get(event_id)
            data["confidence"] = sure
            data["confirmed"] = sure is not None and sure >= threshold
            records.append(to_json(data))
    events = ",".join(records)
    return f'{head[:-1]},"events":[{events}],"next":{to_json(next_url)}}}'.encode()


# --- the application -------------------------------------------------------------------------


def create_app(
    db_url: str,
    token: str | None = None,
    *,
    rate_per_minute: float = 10.0,
    rate_burst: int = 5,
    cache_size: int = 2048,
    accuracy_dir: str | os.PathLike[str] | None = None,
    trusted_proxies: str | Iterable[str] | None = None,
    allow_private_urls: bool | None = None,
) -> FastAPI:
    """The tracker over the database at `db_url` (a SQLite path or a database URL).

    token: what writes must present (Authorization: Bearer TOKEN); defaults to the
    HEADCOUNT_TOKEN environment variable; with neither, writes are refused.
    accuracy_dir: where the pinned accuracy figures (floors.json) are, for the methodology
    page; defaults to HEADCOUNT_ACCURACY_DIR, else ./accuracy, else the source checkout's.
    trusted_proxies: the reverse proxies whose X-Forwarded-For is believed (addresses or
    networks); defaults to HEADCOUNT_TRUSTED_PROXIES (comma-separated), else none.
    allow_private_urls: whether POST /api/ingest may fetch loopback and private addresses;
    defaults to HEADCOUNT_ALLOW_PRIVATE_URLS, else no.
    """
    token = token if token is not None else os.environ.get("HEADCOUNT_TOKEN") or None
    proxies = parse_proxies(
        trusted_proxies if trusted_proxies is not None else os.environ.get(TRUSTED_PROXIES_ENV)
    )
    # A bad threshold setting is one error at start-up, not a failure of every request.
    confidence_threshold()
    ledger = Ledger(db_url, cache_size=cache_size, allow_private_urls=allow_private_urls)
    limiter = RateLimiter(rate_per_minute, rate_burst)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await run_in_threadpool(ledger.sync, True)
        yield
        ledger.close()

    app = FastAPI(
        title="headcount",
        version="1",
        description=(
            "A ledger of layoffs built from the news. Every event merges the claims of its "
            "sources; every figure can be traced to the sentence and document behind it."
        ),
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/openapi.json",
        lifespan=lifespan,
    )
    app.state.ledger = ledger
    app.add_middleware(EventsFastPath, ledger=ledger)
    app.add_middleware(SecurityHeaders)  # outermost: every answer gets the headers
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")

    def wants_json(request: Request) -> bool:
        return request.url.path.startswith(("/api", "/feeds"))

    def error_page(request: Request, status: int, message: str) -> Response:
        if wants_json(request):
            return _json({"detail": message}, status)
        html = pages.render("error.html", status=status, message=message)
        return HTMLResponse(html, status_code=status)

    @app.exception_handler(FilterError)
    async def on_filter_error(request: Request, exc: FilterError) -> Response:
        return error_page(request, 422 if isinstance(exc, OutOfRange) else 400, str(exc))

    @app.exception_handler(StarletteHTTPException)
    async def on_http_error(request: Request, exc: StarletteHTTPException) -> Response:
        response = error_page(request, exc.status_code, str(exc.detail))
        for name, value in (exc.headers or {}).items():
            response.headers[name] = value
        return response

    @app.exception_handler(RequestValidationError)
    async def on_validation_error(request: Request, exc: RequestValidationError) -> Response:
        if wants_json(request):
            errors = [
                {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
                for e in exc.errors()
            ]
            return _json({"detail": errors}, 422)
        message = "; ".join(
            f"{'.'.join(str(p) for p in e.get('loc', ())[1:])}: {e.get('msg', '')}"
            for e in exc.errors()
        )
        return error_page(request, 400, message)

    def fresh() -> Ledger:
        ledger.sync()
        return ledger

    def _shown(event_id: str, include_unconfirmed: bool) -> ShownEvent:
        """An event as a reader sees it; one no claim of which reaches the confidence
        threshold is, without include_unconfirmed, as absent as from the tracker."""
        detail = fresh().event_detail(event_id)
        if detail is None:
            raise HTTPException(404, f"no event {event_id}")
        shown = shown_event(detail, confidence_threshold(), include_unconfirmed)
        if not shown.confirmed and not include_unconfirmed:
            raise HTTPException(404, _unconfirmed_message(event_id, shown.threshold))
        return shown

    # --- JSON API ------------------------------------------------------------------------

    @app.get(
        "/api/events",
        response_model=EventsPageOut,
        responses=ERRORS,
        tags=["events"],
        summary="Events matching filters, one page, with their total count and totals",
    )
    async def api_events(
        request: Request,
        f: Filter,
        sort: str = Query("-date", description=f"One of {', '.join(SORTS)}; '-' for descending"),
        page: int = Query(1, ge=1, le=MAX_PAGE),
        per_page: int = Query(50, ge=1, le=MAX_PAGE_SIZE),
    ) -> Response:
        # Plain queries are answered by EventsFastPath before they get here; this answers the
        # rest (say, with a parameter the API does not know) the same way.
        if ledger.sync_due():
            await run_in_threadpool(ledger.sync)
        key = _events_key(request.scope)
        found, body, generation = ledger.lookup(key)
        if not found:
            query = EventsQuery(f, _check_sort(sort), page, per_page, dict(request.query_params))
            result = await run_in_threadpool(
                ledger.records_page, query.filter, query.sort, query.page, query.per_page
            )
            body = events_body(query, result)
            ledger.remember(key, body, generation)
        return Response(body, media_type="application/json")

    def _download_rows(f: EventFilter, sort: str) -> Iterator[EventRow]:
        for n, row in enumerate(fresh().iter_events(f, sort)):
            if n >= EXPORT_LIMIT:
                return
            yield row

    @app.get(
        "/api/events.csv",
        responses={
            200: {"content": {"text/csv": {}}, "description": "CSV with a header row"},
            **ERRORS,
        },
        tags=["downloads"],
        summary="Every event matching the filters as CSV",
        response_class=Response,
    )
    def api_events_csv(f: Filter, sort: str = Query("-date")) -> Response:
        sort = _check_sort(sort)
        rows = _download_rows(f, sort)
        columns = (*EVENT_FIELDS, "source_kinds", "reason_tags", "url")

        def stream() -> Iterator[str]:
            buffer = io.StringIO()
            writer = csv.writer(buffer)
            writer.writerow(columns)
            for row in rows:
                data = _event_json(row)
                writer.writerow([csv_cell(data[c]) for c in columns])
                if buffer.tell() > 64_000:
                    yield buffer.getvalue()
                    buffer.seek(0)
                    buffer.truncate()
            yield buffer.getvalue()

        return StreamingResponse(
            stream(),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="headcount-events.csv"'},
        )

    @app.get(
        "/api/events.json",
        responses={200: {"description": "A JSON array of events"}, **ERRORS},
        tags=["downloads"],
        summary="Every event matching the filters as one JSON array",
        response_class=Response,
    )
    def api_events_download(f: Filter, sort: str = Query("-date")) -> Response:
        sort = _check_sort(sort)
        rows = _download_rows(f, sort)

        def stream() -> Iterator[str]:
            yield "["
            first = True
            for row in rows:
                yield ("" if first else ",\n") + json.dumps(_event_json(row), ensure_ascii=False)
                first = False
            yield "]\n"

        return StreamingResponse(
            stream(),
            media_type="application/json",
            headers={"Content-Disposition": 'attachment; filename="headcount-events.json"'},
        )

    @app.get(
        "/api/events/{event_id}",
        response_model=EventDetailOut,
        responses={404: {"model": ErrorOut, "description": "No such event"}},
        tags=["events"],
        summary="One event with every source (its own figure and sentence) and its history",
    )
    def api_event(
        event_id: str,
        include_unconfirmed: bool = Query(
            False,
            description="Also claims below the confidence threshold (and the event itself if "
            "no claim reaches it), each with its confidence",
        ),
    ) -> Response:
        shown = _shown(event_id, include_unconfirmed)
        detail = replace(shown.detail, sources=[s.view for s in shown.sources])
        data = detail_record(detail)
        for claim, source in zip(data["source_claims"], shown.sources, strict=True):
            view = source.view
            span = figure_span(view.mention)
            claim["figure_span"] = list(span) if span else None
            claim["origins"] = [pages.public_origin(o) for o in claim["origins"]]
            claim["confidence"] = source.confidence
            claim["confirmed"] = source.confirmed
        data["confidence"] = shown.confidence
        data["confirmed"] = shown.confirmed
        data["threshold"] = shown.threshold
        data["unconfirmed_hidden"] = shown.hidden
        data["url"] = f"/events/{event_id}"
        data["source_kinds"] = sorted({v.document.source_kind for v in detail.sources})
        from headcount.store.event_index import reason_tags

        data["reason_tags"] = reason_tags(detail.event.reasons)
        return _json(data)

    @app.get(
        "/api/companies",
        response_model=CompaniesPageOut,
        responses=ERRORS,
        tags=["companies"],
        summary="Companies with events matching the filters, most events first",
    )
    def api_companies(
        f: Filter,
        page: int = Query(1, ge=1, le=MAX_PAGE),
        per_page: int = Query(50, ge=1, le=MAX_PAGE_SIZE),
    ) -> Response:
        total, rows = fresh().companies(f, page, per_page)
        return _json(
            {
                "total": total,
                "page": page,
                "per_page": per_page,
                "companies": [
                    {
                        "id": cid,
                        "name": name,
                        "events": n,
                        "headcount": hc,
                        "latest": latest,
                        "url": f"/companies/{cid}",
                    }
                    for cid, name, n, hc, latest in rows
                ],
            }
        )

    @app.get(
        "/api/companies/{company_id}",
        response_model=CompanyOut,
        responses={404: {"model": ErrorOut, "description": "No such company"}},
        tags=["companies"],
        summary="One company: parent, subsidiaries, totals and its (and its subsidiaries') events",
    )
    def api_company(company_id: str) -> Response:
        view = fresh().company(company_id)
        if view is None:
            raise HTTPException(404, f"no company {company_id}")
        c = view.company
        return _json(
            {
                "id": c.id,
                "name": c.name,
                "aliases": c.aliases,
                "industry": c.industry,
                "country": c.country,
                "workforce": c.workforce,
                "workforce_basis": c.workforce_basis,
                "parent": _company_json(view.parent) if view.parent else None,
                "subsidiaries": [_company_json(s) for s in view.subsidiaries],
                "totals": _totals_json(view.totals),
                "events": [_event_json(r) for r in view.events],
                "url": f"/companies/{c.id}",
            }
        )

    @app.get(
        "/api/statistics",
        response_model=StatisticsOut,
        responses=ERRORS,
        tags=["statistics"],
        summary="Events and jobs cut grouped by month, year, company, industry, country, "
        "reason or source (or month x industry/reason/source)",
    )
    def api_statistics(
        f: Filter,
        by: str = Query("month", description=f"One of {', '.join(BREAKDOWNS)}"),
        limit: int | None = Query(None, ge=1, le=10_000, description="Keep this many groups"),
    ) -> Response:
        if by not in BREAKDOWNS:
            raise FilterError(f"unknown breakdown {by!r}; expected one of {', '.join(BREAKDOWNS)}")
        ledger = fresh()
        groups = ledger.breakdown(f, by, limit)
        return _json(
            {
                "by": by,
                "filters": _filter_params(f),
                "totals": _totals_json(ledger.totals(f)),
                "groups": [
                    {
                        "key": g.key,
                        "label": g.label,
                        "second": g.second,
                        "events": g.events,
                        "headcount": g.headcount,
                    }
                    for g in groups
                ],
            }
        )

    @app.post(
        "/api/ingest",
        response_model=IngestOut,
        status_code=201,
        responses={
            401: {"model": ErrorOut, "description": "Missing or wrong token"},
            403: {"model": ErrorOut, "description": "Writes are disabled (no token configured)"},
            429: {"model": ErrorOut, "description": "Too many writes; see Retry-After"},
            **ERRORS,
        },
        tags=["writes"],
        summary="Store one article (text, or a URL to fetch), extract its claims, resolve events",
    )
    def api_ingest(request: Request, article: Annotated[IngestIn, Body()]) -> Response:
        client = client_key(
            request.client.host if request.client else None,
            request.headers.getlist("x-forwarded-for"),
            proxies,
        )
        wait = limiter.take(client)
        if wait > 0:
            raise HTTPException(
                429,
                "too many write requests; try again later",
                headers={"Retry-After": str(max(1, round(wait)))},
            )
        if token is None:
            raise HTTPException(403, "writes are disabled: the server has no HEADCOUNT_TOKEN")
        given = request.headers.get("authorization", "")
        if not given.lower().startswith("bearer ") or not hmac.compare_digest(
            given[7:].strip().encode(), token.encode()
        ):
            raise HTTPException(
                401,
                "a valid token is required: Authorization: Bearer TOKEN",
                headers={"WWW-Authenticate": "Bearer"},
            )
        if not (article.text and article.text.strip()) and not article.url:
            raise FilterError("give the article's text or its url")
        if article.url and not article.text and not article.url.startswith(("http://", "https://")):
            raise FilterError("url must be an http:// or https:// address")
        result = ledger.ingest(
            url=article.url,
            text=article.text if article.text and article.text.strip() else None,
            title=article.title,
            outlet=article.outlet,
            published=article.published,
        )
        status = 201 if result.documents else 422
        return _json(
            {
                "documents": result.documents,
                "new_documents": result.new_documents,
                "claims": result.claims,
                "new_claims": result.new_claims,
                "document_ids": result.document_ids,
                "problems": result.problems,
                "resolved": result.resolved,
            },
            status,
        )

    # --- Atom feeds ----------------------------------------------------------------------

    def _feed(request: Request, f: EventFilter, title: str, site_path: str) -> Response:
        rows = fresh().events_page(f, "-first_seen", 1, 50).rows
        base = str(request.base_url)
        body = events_feed(
            [r.event for r in rows],
            title=title,
            feed_url=str(request.url),
            site_url=base.rstrip("/") + site_path,
            base_url=base,
        )
        return Response(body, media_type=ATOM_TYPE)

    @app.get(
        "/feeds/events.atom",
        tags=["feeds"],
        summary="Atom feed of the newest events (filters apply)",
        response_class=Response,
        responses={200: {"content": {"application/atom+xml": {}}}},
    )
    def feed_events(request: Request, f: Filter) -> Response:
        return _feed(request, f, "headcount: new layoffs", "/")

    @app.get(
        "/feeds/companies/{company_id}.atom",
        tags=["feeds"],
        summary="Atom feed of one company's newest events",
        response_class=Response,
        responses={200: {"content": {"application/atom+xml": {}}}, 404: {"model": ErrorOut}},
    )
    def feed_company(request: Request, company_id: str) -> Response:
        view = fresh().company(company_id)
        if view is None:
            raise HTTPException(404, f"no company {company_id}")
        return _feed(
            request,
            EventFilter(company_id=company_id),
            f"headcount: layoffs at {view.company.name}",
            f"/companies/{company_id}",
        )

    # --- pages -----------------------------------------------------------------------------

    def page_filter(request: Request) -> tuple[EventFilter, dict[str, str]]:
        params = {k: v for k, v in request.query_params.items() if k in pages.FILTER_PARAMS and v}
        return build_filter(**params), params

    def page_int(request: Request, name: str, default: int, low: int, high: int) -> int:
        raw = request.query_params.get(name) or str(default)
        try:
            value = int(raw)
        except ValueError:
            raise FilterError(f"{name} must be a whole number, got {raw!r}") from None
        if abs(value) > MAX_INT64:
            raise OutOfRange(f"{name} is out of range (at most {MAX_INT64})")
        if not low <= value <= high:
            raise FilterError(f"{name} must be between {low} and {high}, got {value}")
        return value

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def tracker(request: Request) -> HTMLResponse:
        f, params = page_filter(request)
        sort = _check_sort(request.query_params.get("sort"))
        page = page_int(request, "page", 1, 1, 1_000_000)
        per_page = page_int(request, "per_page", 50, 1, 200)
        ledger = fresh()
        result = ledger.events_page(f, sort, page, per_page)
        html = pages.render(
            "tracker.html",
            result=result,
            params=params,
            sort=sort,
            per_page=per_page,
            facets=ledger.facets(),
            threshold=confidence_threshold(),
            include_unconfirmed=f.min_confidence is None,
            page_params={
                **params,
                "sort": sort if sort != "-date" else "",
                "per_page": per_page if per_page != 50 else "",
            },
        )
        return HTMLResponse(html)

    @app.get("/events/{event_id}", response_class=HTMLResponse, include_in_schema=False)
    def event_page(request: Request, event_id: str) -> HTMLResponse:
        include_unconfirmed = switch(request.query_params.get("include_unconfirmed"))
        try:
            shown = _shown(event_id, include_unconfirmed)
        except HTTPException as exc:
            if exc.detail != _unconfirmed_message(event_id, confidence_threshold()):
                raise
            # A page can offer the switch as a link, not only name it.
            html = pages.render(
                "error.html",
                status=404,
                message=exc.detail,
                link=(f"/events/{event_id}?include_unconfirmed=true", "Show the unconfirmed event"),
            )
            return HTMLResponse(html, status_code=404)
        detail = shown.detail
        superseded_by = None
        if detail.event.superseded_by:
            superseded_by = ledger.event_detail(detail.event.superseded_by)
        return HTMLResponse(
            pages.render(
                "event.html",
                detail=detail,
                e=detail.event,
                shown=shown,
                include_unconfirmed=include_unconfirmed,
                successor=superseded_by,
            )
        )

    @app.get("/companies", response_class=HTMLResponse, include_in_schema=False)
    def companies_page(request: Request) -> HTMLResponse:
        f, params = page_filter(request)
        page = page_int(request, "page", 1, 1, 1_000_000)
        total, rows = fresh().companies(f, page, 100)
        return HTMLResponse(
            pages.render(
                "companies.html",
                total=total,
                rows=rows,
                page=page,
                pages=max(1, -(-total // 100)),
                params=params,
            )
        )

    @app.get("/companies/{company_id}", response_class=HTMLResponse, include_in_schema=False)
    def company_page(company_id: str) -> HTMLResponse:
        view = fresh().company(company_id)
        if view is None:
            raise HTTPException(404, f"no company {company_id}")
        points = [
            (
                r.event.announced_on or "",
                float(_figure(r.event) or 0),
                f"{r.event.announced_on}: {format_headline(r.event)} jobs"
                + (f" ({r.event.company})" if r.event.company != view.company.name else ""),
                f"/events/{r.event.id}",
            )
            for r in view.events
        ]
        chart = charts.timeline(points, f"Layoff rounds at {view.company.name}")
        return HTMLResponse(pages.render("company.html", view=view, c=view.company, chart=chart))

    @app.get("/documents/{document_id}", response_class=HTMLResponse, include_in_schema=False)
    def document_page(document_id: str) -> HTMLResponse:
        view = fresh().document(document_id)
        if view is None:
            raise HTTPException(404, f"no document {document_id}")
        text = pages._document_html(view.document.text, [m for m, _ in view.claims])
        return HTMLResponse(pages.render("document.html", view=view, d=view.document, text=text))

    @app.get("/charts", response_class=HTMLResponse, include_in_schema=False)
    def charts_page(request: Request) -> HTMLResponse:
        f, params = page_filter(request)
        ledger = fresh()
        html = pages.render(
            "charts.html",
            params=params,
            totals=ledger.totals(f),
            monthly=pages.monthly_by_industry(ledger.breakdown(f, "month_industry")),
            top=pages.top_companies(ledger.breakdown(f, "company", 20)),
            ai=pages.ai_share(ledger.breakdown(f, "month_reason")),
            coverage=pages.coverage(ledger.breakdown(f, "month_source")),
            reasons=ledger.breakdown(f, "reason"),
        )
        return HTMLResponse(html)

    @app.get("/methodology", response_class=HTMLResponse, include_in_schema=False)
    def methodology_page() -> HTMLResponse:
        ledger = fresh()
        return HTMLResponse(
            pages.render(
                "methodology.html",
                accuracy=_accuracy(accuracy_dir),
                freshness=ledger.freshness(),
                feeds=ledger.feeds(),
                totals=ledger.totals(EventFilter()),
            )
        )

    @app.get("/api", response_class=HTMLResponse, include_in_schema=False)
    def api_page() -> HTMLResponse:
        return HTMLResponse(pages.render("api.html", schema=app.openapi()))

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:
        return RedirectResponse("/static/favicon.svg")

    return app


def _unconfirmed_message(event_id: str, threshold: float) -> str:
    return (
        f"event {event_id} is unconfirmed: no claim behind it reaches the confidence threshold "
        f"({threshold:g}); ask with include_unconfirmed=true to see it"
    )


def _figure(event: Event) -> int | None:
    from headcount.store.event_index import counted_figure

    return counted_figure(event)


def _accuracy(accuracy_dir: str | os.PathLike[str] | None) -> list[dict[str, Any]]:
    """The pinned accuracy figures (accuracy/*floors.json), for the methodology page."""
    candidates = [
        Path(accuracy_dir) if accuracy_dir else None,
        Path(os.environ["HEADCOUNT_ACCURACY_DIR"])
        if os.environ.get("HEADCOUNT_ACCURACY_DIR")
        else None,
        Path.cwd() / "accuracy",
        Path(__file__).resolve().parents[3] / "accuracy",
    ]
    for directory in candidates:
        if directory is None or not directory.is_dir():
            continue
        found = []
        for path in sorted(directory.glob("*floors.json")):
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            if isinstance(data, dict) and isinstance(data.get("floors"), dict):
                found.append({"file": path.name, **data})
        if found:
            return found
    return []


def app_from_env() -> FastAPI:
    """The app for HEADCOUNT_DB (and HEADCOUNT_TOKEN, HEADCOUNT_CACHE_SIZE: answers kept per
    process, 0 for none): for `uvicorn --factory` and `headcount serve --workers`."""
    return create_app(
        os.environ.get("HEADCOUNT_DB", "headcount.db"),
        cache_size=int(os.environ.get("HEADCOUNT_CACHE_SIZE", "2048")),
    )
