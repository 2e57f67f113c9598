"""GET /api/events, the hottest path: one answer function shared by the route and by an ASGI
middleware that answers plain queries before FastAPI's routing and per-parameter validation,
which cost as much as the queries, from the cache or the store."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import QueryParams

from headcount.present.formats import to_json
from headcount.store.event_index import EventFilter, confidence_threshold
from headcount.web.filters import (
    FILTER_PARAMS,
    NUMBER_PARAMS,
    FilterError,
    check_sort,
    filter_params,
    parse_filter,
)
from headcount.web.middleware import ASGIApp, Receive, Scope, Send
from headcount.web.pages import query_string
from headcount.web.queries import MAX_PAGE_SIZE, RecordsPage, StorePool
from headcount.web.schemas import totals_json


@dataclass(frozen=True)
class EventsQuery:
    """A valid GET /api/events query."""

    filter: EventFilter
    sort: str
    page: int
    per_page: int
    params: dict[str, str]  # every query parameter as given, for the next page's link


#: The parameters of a plain query: the filters, the sort order and the page.
_TEXT_PARAMS = (*(name for name in FILTER_PARAMS if name not in NUMBER_PARAMS), "sort")
_NUMBER_PARAMS = (*NUMBER_PARAMS, "page", "per_page")
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
        f = parse_filter({**params, **numbers})
        sort = check_sort(params.get("sort", "-date"))
    except FilterError:
        return None
    return EventsQuery(f, sort, page, per_page, dict(params))


def events_key(scope: Scope) -> tuple[str, str]:
    """What the answer to GET /api/events is cached by: its query string as sent."""
    return ("api_events", scope.get("query_string", b"").decode("latin-1"))


def events_body(query: EventsQuery, result: RecordsPage) -> bytes:
    """The JSON answer to GET /api/events. The events are the records the store keeps as
    JSON text, so no event is converted field by field; the bytes are those of to_json() over
    the whole answer."""
    next_url = None
    if query.page < result.pages:
        next_url = "/api/events" + query_string({**query.params, "page": str(query.page + 1)})
    head = to_json(
        {
            "total": result.totals.events,
            "page": query.page,
            "per_page": query.per_page,
            "pages": result.pages,
            "totals": totals_json(result.totals),
            "filters": filter_params(query.filter),
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


class EventsFastPath:
    """ASGI middleware for GET /api/events: it answers from the cache of answers, else, when
    the query is plain (see plain_events_query), from the store. Anything else (an error to
    report, an unusual parameter) goes on to the route, which answers with the very same
    function (events_body)."""

    def __init__(self, app: ASGIApp, stores: StorePool) -> None:
        self.app = app
        self.stores = stores

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET" and scope["path"] == "/api/events":
            if self.stores.sync_due():
                await run_in_threadpool(self.stores.sync)
            key = events_key(scope)
            found, body, generation = self.stores.lookup(key)
            if not found:
                query = plain_events_query(QueryParams(scope.get("query_string", b"")))
                if query is not None:
                    body = await self._answer(query)
                    self.stores.remember(key, body, generation)
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
        if self.stores.local_reads and all(len(term) >= 3 for term in f.terms()):
            page = self.stores.records_page_now(f, query.sort, query.page, query.per_page)
            if page is not None:
                return events_body(query, page)
        page = await run_in_threadpool(
            self.stores.records_page, f, query.sort, query.page, query.per_page
        )
        return events_body(query, page)
