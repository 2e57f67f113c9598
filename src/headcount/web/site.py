"""The tracker's pages for people: the event list, an event, companies, a document, charts,
the methodology and the API's description. Rendered on the server (see pages.py)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from headcount.present.figures import counted_figure, format_headline
from headcount.resolve.suggest import nearest_companies
from headcount.store.event_index import EventFilter, confidence_threshold
from headcount.web import charts, pages, themes
from headcount.web.filters import check_sort, page_filter, page_int, switch
from headcount.web.state import Web, unconfirmed_message

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def tracker(request: Request, web: Web) -> HTMLResponse:
    f, params = page_filter(request)
    sort = check_sort(request.query_params.get("sort"))
    page = page_int(request, "page", 1, 1, 1_000_000)
    per_page = page_int(request, "per_page", 50, 1, 200)
    stores = web.fresh()
    result = stores.events_page(f, sort, page, per_page)
    suggestions: list[tuple[str, str]] = []
    if f.company and not result.totals.events:
        # A misspelt company ("amazn"): offer the nearest names, most events first.
        _, listed = stores.companies(EventFilter(), 1, 100_000)
        suggestions = nearest_companies(f.company, ((c[0], c[1] or c[0]) for c in listed))
    html = pages.render(
        "tracker.html",
        suggestions=suggestions,
        links=stores.source_urls([r.event.id for r in result.rows]),
        result=result,
        params=params,
        sort=sort,
        per_page=per_page,
        facets=stores.facets(),
        headline=pages.jobs_per_period(stores.breakdown(f, "year"), stores.breakdown(f, "month")),
        threshold=confidence_threshold(),
        include_unconfirmed=f.min_confidence is None,
        page_params={
            **params,
            "sort": sort if sort != "-date" else "",
            "per_page": per_page if per_page != 50 else "",
        },
    )
    return HTMLResponse(html)


@router.get("/events/{event_id}", response_class=HTMLResponse)
def event_page(request: Request, web: Web, event_id: str) -> HTMLResponse:
    include_unconfirmed = switch(request.query_params.get("include_unconfirmed"))
    try:
        shown = web.shown(event_id, include_unconfirmed)
    except HTTPException as exc:
        if exc.detail != unconfirmed_message(event_id, confidence_threshold()):
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
        superseded_by = web.stores.event_detail(detail.event.superseded_by)
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


@router.get("/companies", response_class=HTMLResponse)
def companies_page(request: Request, web: Web) -> HTMLResponse:
    f, params = page_filter(request)
    page = page_int(request, "page", 1, 1, 1_000_000)
    total, rows = web.fresh().companies(f, page, 100)
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


@router.get("/companies/{company_id}", response_class=HTMLResponse)
def company_page(web: Web, company_id: str) -> HTMLResponse:
    view = web.fresh().company(company_id)
    if view is None:
        raise HTTPException(404, f"no company {company_id}")
    points = [
        (
            r.event.announced_on or "",
            float(counted_figure(r.event) or 0),
            f"{r.event.announced_on}: {format_headline(r.event)} jobs"
            + (f" ({r.event.company})" if r.event.company != view.company.name else ""),
            f"/events/{r.event.id}",
        )
        for r in view.events
    ]
    chart = charts.timeline(points, f"Layoff rounds at {view.company.name}")
    links = web.stores.source_urls([r.event.id for r in view.events])
    return HTMLResponse(
        pages.render("company.html", view=view, c=view.company, chart=chart, links=links)
    )


@router.get("/documents/{document_id}", response_class=HTMLResponse)
def document_page(web: Web, document_id: str) -> HTMLResponse:
    view = web.fresh().document(document_id)
    if view is None:
        raise HTTPException(404, f"no document {document_id}")
    text = pages.document_html(view.document.text, [m for m, _ in view.claims])
    return HTMLResponse(pages.render("document.html", view=view, d=view.document, text=text))


@router.get("/charts", response_class=HTMLResponse)
def charts_page(request: Request, web: Web) -> HTMLResponse:
    f, params = page_filter(request)
    stores = web.fresh()
    html = pages.render(
        "charts.html",
        params=params,
        totals=stores.totals(f),
        monthly=pages.monthly_by_industry(stores.breakdown(f, "month_industry")),
        top=pages.top_companies(stores.breakdown(f, "company", 20)),
        ai=pages.ai_share(stores.breakdown(f, "month_reason")),
        coverage=pages.coverage(stores.breakdown(f, "month_source")),
        reasons=stores.breakdown(f, "reason"),
    )
    return HTMLResponse(html)


@router.get("/ai", response_class=HTMLResponse)
def ai_page(request: Request, web: Web) -> HTMLResponse:
    f, params = page_filter(request)
    theme = themes.ai_theme(web.fresh(), f)
    return HTMLResponse(pages.render("ai.html", theme=theme, params=params))


@router.get("/methodology", response_class=HTMLResponse)
def methodology_page(web: Web) -> HTMLResponse:
    stores = web.fresh()
    return HTMLResponse(
        pages.render(
            "methodology.html",
            accuracy=accuracy_figures(web.accuracy_dir),
            freshness=stores.freshness(),
            feeds=stores.feeds(),
            totals=stores.totals(EventFilter()),
        )
    )


@router.get("/api", response_class=HTMLResponse)
def api_page(request: Request) -> HTMLResponse:
    return HTMLResponse(pages.render("api.html", schema=request.app.openapi()))


@router.get("/favicon.ico")
def favicon() -> Response:
    return RedirectResponse("/static/favicon.svg")


def accuracy_figures(accuracy_dir: str | os.PathLike[str] | None) -> list[dict[str, Any]]:
    """The pinned accuracy figures (accuracy/*floors.json), for the methodology page: in
    `accuracy_dir` (the setting), else ./accuracy, else the source checkout's."""
    candidates = [
        Path(accuracy_dir) if accuracy_dir else None,
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
