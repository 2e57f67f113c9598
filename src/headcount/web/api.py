"""The JSON API: events (a page, downloads, one with its sources), companies, statistics and
writes (POST /api/ingest, with the token and a rate limit per client)."""

from __future__ import annotations

import csv
import dataclasses
import hmac
import io
import itertools
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Annotated, Any

from fastapi import APIRouter, Body, HTTPException, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool
from starlette.responses import StreamingResponse

from headcount.present.events import EVENT_FIELDS, detail_record
from headcount.present.formats import csv_cell
from headcount.present.reasons import reason_tags
from headcount.store.event_index import BREAKDOWNS, SORTS, EventFacts, EventFilter
from headcount.web import pages
from headcount.web.fast_path import EventsQuery, events_body, events_key
from headcount.web.filters import MAX_PAGE, Filter, FilterError, check_sort, filter_params
from headcount.web.highlight import figure_span
from headcount.web.middleware import client_key
from headcount.web.queries import MAX_PAGE_SIZE
from headcount.web.schemas import (
    COMPANY_FIELDS,
    ERRORS,
    CompaniesPageOut,
    CompanyOut,
    ErrorOut,
    EventDetailOut,
    EventsPageOut,
    IngestIn,
    IngestOut,
    StatisticsOut,
    company_link,
    event_json,
    group_json,
    json_response,
    record_fields,
    totals_json,
)
from headcount.web.state import Web, WebState

#: Rows a CSV or JSON download holds at most.
EXPORT_LIMIT = 200_000

router = APIRouter()


@router.get(
    "/api/events",
    response_model=EventsPageOut,
    responses=ERRORS,
    tags=["events"],
    summary="Events matching filters, one page, with their total count and totals",
)
async def api_events(
    request: Request,
    web: Web,
    f: Filter,
    sort: str = Query("-date", description=f"One of {', '.join(SORTS)}; '-' for descending"),
    page: int = Query(1, ge=1, le=MAX_PAGE),
    per_page: int = Query(50, ge=1, le=MAX_PAGE_SIZE),
) -> Response:
    # Plain queries are answered by EventsFastPath before they get here; this answers the
    # rest (say, with a parameter the API does not know) the same way.
    stores = web.stores
    if stores.sync_due():
        await run_in_threadpool(stores.sync)
    key = events_key(request.scope)
    found, body, generation = stores.lookup(key)
    if not found:
        query = EventsQuery(f, check_sort(sort), page, per_page, dict(request.query_params))
        result = await run_in_threadpool(
            stores.records_page, query.filter, query.sort, query.page, query.per_page
        )
        body = events_body(query, result)
        stores.remember(key, body, generation)
    return Response(body, media_type="application/json")


def _download(
    web: WebState,
    f: EventFilter,
    sort: str,
    write: Callable[[Iterator[dict[str, Any]]], Iterator[str]],
    media_type: str,
    extension: str,
    site: str | None = None,
) -> Response:
    """Every event `f` selects (EXPORT_LIMIT at most) as its JSON record, written out by
    `write` as the client reads, in a file named after the filter. With `site` (the
    server's address), each record also has its original source's address (source_url)
    and its page's (page_url), both absolute."""
    sort = check_sort(sort)  # a bad sort is a 400 before anything is sent

    def records() -> Iterator[dict[str, Any]]:
        rows = itertools.islice(web.fresh().iter_events(f, sort), EXPORT_LIMIT)
        while batch := list(itertools.islice(rows, 500)):
            urls = web.fresh().source_urls([row.event.id for row in batch]) if site else {}
            for row in batch:
                data = event_json(row)
                if site is not None:
                    data["source_url"] = urls.get(row.event.id)
                    data["page_url"] = site.rstrip("/") + data["url"]
                yield data

    return StreamingResponse(
        write(records()),
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{download_name(f, extension)}"'},
    )


def download_name(f: EventFilter, extension: str) -> str:
    """The file a download is saved as, named after the filter it holds:
    "headcount-events-company-amazon-since-2023-until-2023.csv"."""
    parts = ["headcount-events"]
    for name, value in filter_params(f).items():
        parts += [name, "all" if value is True else str(value)]
    slug = re.sub(r"[^a-z0-9]+", "-", "-".join(parts).lower()).strip("-")
    return f"{slug[:150].rstrip('-')}.{extension}"


def _csv(records: Iterator[dict[str, Any]]) -> Iterator[str]:
    columns = (
        *EVENT_FIELDS,
        "source_kinds",
        "reason_tags",
        "states",
        "cities",
        "stage",
        "funds_raised",
        "url",
        "source_url",
        "page_url",
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    for data in records:
        writer.writerow([csv_cell(data[c]) for c in columns])
        if buffer.tell() > 64_000:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _json_array(records: Iterator[dict[str, Any]]) -> Iterator[str]:
    yield "["
    first = True
    for data in records:
        yield ("" if first else ",\n") + json.dumps(data, ensure_ascii=False)
        first = False
    yield "]\n"


@router.get(
    "/api/events.csv",
    responses={
        200: {"content": {"text/csv": {}}, "description": "CSV with a header row"},
        **ERRORS,
    },
    tags=["downloads"],
    summary="Every event matching the filters as CSV",
    response_class=Response,
)
def api_events_csv(request: Request, web: Web, f: Filter, sort: str = Query("-date")) -> Response:
    site = str(request.base_url)
    return _download(web, f, sort, _csv, "text/csv; charset=utf-8", "csv", site)


@router.get(
    "/api/events.json",
    responses={200: {"description": "A JSON array of events"}, **ERRORS},
    tags=["downloads"],
    summary="Every event matching the filters as one JSON array",
    response_class=Response,
)
def api_events_download(
    request: Request, web: Web, f: Filter, sort: str = Query("-date")
) -> Response:
    site = str(request.base_url)
    return _download(web, f, sort, _json_array, "application/json", "json", site)


@router.get(
    "/api/events/{event_id}",
    response_model=EventDetailOut,
    responses={404: {"model": ErrorOut, "description": "No such event"}},
    tags=["events"],
    summary="One event with every source (its own figure and sentence) and its history",
)
def api_event(
    web: Web,
    event_id: str,
    include_unconfirmed: bool = Query(
        False,
        description="Also claims below the confidence threshold (and the event itself if "
        "no claim reaches it), each with its confidence",
    ),
) -> Response:
    shown = web.shown(event_id, include_unconfirmed)
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
    data["reason_tags"] = reason_tags(detail.event.reasons)
    facts = web.stores.event_facts([event_id]).get(event_id, EventFacts())
    data.update(
        states=list(facts.states),
        cities=list(facts.cities),
        stage=facts.stage,
        funds_raised=facts.funds_raised,
    )
    data["source_url"] = web.stores.source_urls([event_id]).get(event_id)
    return json_response(data)


@router.get(
    "/api/companies",
    response_model=CompaniesPageOut,
    responses=ERRORS,
    tags=["companies"],
    summary="Companies with events matching the filters, most events first",
)
def api_companies(
    web: Web,
    f: Filter,
    page: int = Query(1, ge=1, le=MAX_PAGE),
    per_page: int = Query(50, ge=1, le=MAX_PAGE_SIZE),
) -> Response:
    total, rows = web.fresh().companies(f, page, per_page)
    return json_response(
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


@router.get(
    "/api/companies/{company_id}",
    response_model=CompanyOut,
    responses={404: {"model": ErrorOut, "description": "No such company"}},
    tags=["companies"],
    summary="One company: parent, subsidiaries, totals and its (and its subsidiaries') events",
)
def api_company(web: Web, company_id: str) -> Response:
    view = web.fresh().company(company_id)
    if view is None:
        raise HTTPException(404, f"no company {company_id}")
    links = web.stores.source_urls([r.event.id for r in view.events])
    return json_response(
        {
            **record_fields(view.company, COMPANY_FIELDS),
            "parent": company_link(view.parent) if view.parent else None,
            "subsidiaries": [company_link(s) for s in view.subsidiaries],
            "totals": totals_json(view.totals),
            "events": [event_json(r, links.get(r.event.id)) for r in view.events],
            "url": f"/companies/{view.company.id}",
        }
    )


@router.get(
    "/api/statistics",
    response_model=StatisticsOut,
    responses=ERRORS,
    tags=["statistics"],
    summary="Events and jobs cut grouped by month, year, company, industry, country, "
    "reason or source (or month x industry/reason/source)",
)
def api_statistics(
    web: Web,
    f: Filter,
    by: str = Query("month", description=f"One of {', '.join(BREAKDOWNS)}"),
    limit: int | None = Query(None, ge=1, le=10_000, description="Keep this many groups"),
) -> Response:
    if by not in BREAKDOWNS:
        raise FilterError(f"unknown breakdown {by!r}; expected one of {', '.join(BREAKDOWNS)}")
    stores = web.fresh()
    return json_response(
        {
            "by": by,
            "filters": filter_params(f),
            "totals": totals_json(stores.totals(f)),
            "groups": [group_json(g) for g in stores.breakdown(f, by, limit)],
        }
    )


@router.post(
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
def api_ingest(request: Request, web: Web, article: Annotated[IngestIn, Body()]) -> Response:
    client = client_key(
        request.client.host if request.client else None,
        request.headers.getlist("x-forwarded-for"),
        web.proxies,
    )
    wait = web.limiter.take(client)
    if wait > 0:
        raise HTTPException(
            429,
            "too many write requests; try again later",
            headers={"Retry-After": str(max(1, round(wait)))},
        )
    if web.token is None:
        raise HTTPException(403, "writes are disabled: the server has no HEADCOUNT_TOKEN")
    given = request.headers.get("authorization", "")
    if not given.lower().startswith("bearer ") or not hmac.compare_digest(
        given[7:].strip().encode(), web.token.encode()
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
    result = web.stores.ingest(
        url=article.url,
        text=article.text if article.text and article.text.strip() else None,
        title=article.title,
        outlet=article.outlet,
        published=article.published,
    )
    return json_response(dataclasses.asdict(result), 201 if result.documents else 422)
