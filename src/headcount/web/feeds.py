"""Atom feeds of events: new layoffs overall, or of one company, newest first (/feeds/...).

Built with ElementTree so every text from the data is escaped as XML; entries carry the
event's figure, date, company and a link to its page, where every source is shown.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from headcount.model import Event
from headcount.present.figures import format_headline
from headcount.store.event_index import EventFilter
from headcount.web.filters import Filter
from headcount.web.schemas import ErrorOut
from headcount.web.state import Web, WebState

ATOM = "http://www.w3.org/2005/Atom"
ATOM_TYPE = "application/atom+xml; charset=utf-8"


def entry_title(event: Event) -> str:
    company = event.company or "Unknown employer"
    figure = format_headline(event)
    what = f"{figure} jobs" if figure != "—" else "layoffs (no figure)"
    if event.percent is not None:
        what += f", {event.percent:g}% of staff"
    return f"{company}: {what}" + (f" ({event.announced_on})" if event.announced_on else "")


def entry_summary(event: Event) -> str:
    parts = [entry_title(event) + "."]
    if event.parent:
        parts.append(f"Part of {event.parent}.")
    if event.units:
        parts.append("Units: " + ", ".join(event.units) + ".")
    if event.locations:
        parts.append("Locations: " + ", ".join(event.locations) + ".")
    if event.reasons:
        parts.append("Reasons given: " + "; ".join(event.reasons) + ".")
    parts.append(f"{event.sources} source(s); status {event.status}.")
    return " ".join(parts)


def events_feed(
    events: Sequence[Event], *, title: str, feed_url: str, site_url: str, base_url: str
) -> bytes:
    """An Atom document. base_url ends with "/" and prefixes event page paths."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    ET.SubElement(feed, f"{{{ATOM}}}title").text = title
    ET.SubElement(feed, f"{{{ATOM}}}id").text = feed_url
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="self", href=feed_url, type="application/atom+xml")
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="alternate", href=site_url, type="text/html")
    updated = max((e.last_updated for e in events), default="1970-01-01T00:00:00+00:00")
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = updated
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    ET.SubElement(author, f"{{{ATOM}}}name").text = "headcount"
    ET.SubElement(feed, f"{{{ATOM}}}generator").text = "headcount"
    for event in events:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        link = f"{base_url}events/{event.id}"
        ET.SubElement(entry, f"{{{ATOM}}}id").text = link
        ET.SubElement(entry, f"{{{ATOM}}}title").text = entry_title(event)
        ET.SubElement(entry, f"{{{ATOM}}}link", rel="alternate", href=link, type="text/html")
        ET.SubElement(entry, f"{{{ATOM}}}published").text = event.first_seen
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = event.last_updated
        ET.SubElement(entry, f"{{{ATOM}}}summary", type="text").text = entry_summary(event)
        if event.company:
            ET.SubElement(entry, f"{{{ATOM}}}category", term=event.company)
    body: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + body


router = APIRouter()


def _feed(web: WebState, request: Request, f: EventFilter, title: str, site_path: str) -> Response:
    rows = web.fresh().events_page(f, "-first_seen", 1, 50).rows
    base = str(request.base_url)
    body = events_feed(
        [r.event for r in rows],
        title=title,
        feed_url=str(request.url),
        site_url=base.rstrip("/") + site_path,
        base_url=base,
    )
    return Response(body, media_type=ATOM_TYPE)


@router.get(
    "/feeds/events.atom",
    tags=["feeds"],
    summary="Atom feed of the newest events (filters apply)",
    response_class=Response,
    responses={200: {"content": {"application/atom+xml": {}}}},
)
def feed_events(request: Request, web: Web, f: Filter) -> Response:
    return _feed(web, request, f, "headcount: new layoffs", "/")


@router.get(
    "/feeds/companies/{company_id}.atom",
    tags=["feeds"],
    summary="Atom feed of one company's newest events",
    response_class=Response,
    responses={200: {"content": {"application/atom+xml": {}}}, 404: {"model": ErrorOut}},
)
def feed_company(request: Request, web: Web, company_id: str) -> Response:
    view = web.fresh().company(company_id)
    if view is None:
        raise HTTPException(404, f"no company {company_id}")
    return _feed(
        web,
        request,
        EventFilter(company_id=company_id),
        f"headcount: layoffs at {view.company.name}",
        f"/companies/{company_id}",
    )
