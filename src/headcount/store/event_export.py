"""Events out of the store: JSON Lines and CSV for other tools, text for people."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Sequence
from typing import Any, Final, TextIO

from headcount.model import Event, EventDetail
from headcount.store.export import ELLIPSIS, NONE, csv_cell, format_percent

EVENT_FIELDS: Final[tuple[str, ...]] = (
    "id",
    "company",
    "parent",
    "company_id",
    "announced_on",
    "date_precision",
    "headcount",
    "headcount_min",
    "headcount_max",
    "approx",
    "percent",
    "estimated_headcount",
    "estimate_basis",
    "units",
    "locations",
    "reasons",
    "sources",
    "claims",
    "status",
    "industry",
    "country",
    "first_seen",
    "last_updated",
    "superseded_by",
    "revision",
)


def counted_figure(event: Event) -> int | None:
    """What an event adds to every total, and the `headcount` of every export: its own
    counted figure (a tracker row's, a WARN filing's sum of sites, a single news figure),
    else the low end of the range its sources give ("several hundred" adds 200, "more than
    7,500" adds 7,500), else the high end; None when no source gives a figure.

    This is the one definition: the tracker's and the API's totals, the breakdowns, the
    company list and pages, the charts and the CSV/JSON exports all add this number, so each
    of them can be re-added from an export. An estimate from a percent is never counted."""
    for value in (event.headcount, event.headcount_min, event.headcount_max):
        if value is not None:
            return value
    return None


def event_record(event: Event) -> dict[str, Any]:
    """The JSON shape of an event: `sources` is the number of distinct documents behind it and
    `headcount` is counted_figure(event), the figure its totals add."""
    data = event.to_dict()
    record = {name: data[name] for name in EVENT_FIELDS}
    record["headcount"] = counted_figure(event)
    return record


def events_to_jsonl(events: Iterable[Event], stream: TextIO) -> int:
    count = 0
    for event in events:
        stream.write(json.dumps(event_record(event), ensure_ascii=False) + "\n")
        count += 1
    return count


def events_to_csv(events: Iterable[Event], stream: TextIO) -> int:
    writer = csv.writer(stream)
    writer.writerow(EVENT_FIELDS)
    count = 0
    for event in events:
        writer.writerow([csv_cell(v) for v in event_record(event).values()])
        count += 1
    return count


def format_range(low: int | None, high: int | None, approx: bool) -> str:
    if low is not None and high is not None:
        text = f"{low:,}" if low == high else f"{low:,}–{high:,}"
        return f"~{text}" if approx else text
    if low is not None:
        return f"≥{low:,}"
    if high is not None:
        return f"≤{high:,}"
    return NONE


def format_headline(event: Event) -> str:
    """The counted figure, or the range, or an estimate marked as one."""
    if event.headcount is not None:
        return f"~{event.headcount:,}" if event.approx else f"{event.headcount:,}"
    if event.headcount_min is not None or event.headcount_max is not None:
        return format_range(event.headcount_min, event.headcount_max, event.approx)
    if event.estimated_headcount is not None:
        return f"est. {event.estimated_headcount:,}"
    return NONE


def _truncate(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + ELLIPSIS


def format_events(events: Sequence[Event]) -> str:
    headers = ("date", "company", "headcount", "range", "percent", "sources", "status", "id")
    rows = [
        (
            event.announced_on or NONE,
            _truncate(
                event.company + (f" ({event.parent})" if event.parent else "")
                if event.company
                else NONE,
                32,
            ),
            format_headline(event),
            format_range(event.headcount_min, event.headcount_max, False)
            if event.headcount is not None and event.headcount_min != event.headcount_max
            else "",
            format_percent(event.percent),
            str(event.sources),
            event.status,
            event.id,
        )
        for event in events
    ]
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(headers)]
    right = (False, False, True, True, True, True, False, False)

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            c.rjust(w) if r else c.ljust(w) for c, w, r in zip(cells, widths, right, strict=True)
        ).rstrip()

    return "\n".join([line(headers), "  ".join("─" * w for w in widths)] + [line(r) for r in rows])


def detail_record(detail: EventDetail) -> dict[str, Any]:
    """An event with every source (its own figure, sentence and document) and its history."""
    data = event_record(detail.event)
    data["lead_mention_id"] = detail.event.lead_mention_id
    data["source_claims"] = [
        {
            "mention_id": view.source.mention_id,
            "role": view.source.role,
            "reason": view.source.reason,
            "counted": view.source.counted,
            "superseded_by": view.source.superseded_by,
            "kind": view.mention.kind,
            "employer_text": view.mention.employer_text,
            "company": view.mention.company,
            "headcount_min": view.mention.headcount_min,
            "headcount_max": view.mention.headcount_max,
            "approx": view.mention.approx,
            "percent": view.mention.percent,
            "date": view.mention.date,
            "date_precision": view.mention.date_precision,
            "units": view.mention.units,
            "locations": view.mention.locations,
            "reason_given": view.mention.reason,
            "evidence": view.mention.evidence,
            "document_id": view.mention.document_id,
            "source_kind": view.document.source_kind,
            "outlet": view.document.outlet,
            "url": view.document.url,
            "published_at": view.document.published_at,
            "origins": view.origins,
        }
        for view in detail.sources
    ]
    data["changes"] = [
        {
            "seq": c.seq,
            "at": c.at,
            "field": c.field,
            "old": c.old,
            "new": c.new,
            "caused_by": c.caused_by,
            "note": c.note,
        }
        for c in detail.changes
    ]
    return data


def _figure(low: int | None, high: int | None, approx: bool, percent: float | None) -> str:
    text = format_range(low, high, approx)
    if percent is not None:
        text = f"{text} ({format_percent(percent)})" if text != NONE else format_percent(percent)
    return text


def format_event_detail(detail: EventDetail) -> str:
    e = detail.event
    company = e.company or NONE
    if e.parent:
        company += f" (part of {e.parent})"
    out = [
        f"event {e.id}: {company}",
        f"  announced   {e.announced_on or NONE}"
        + (f" ({e.date_precision})" if e.date_precision else ""),
        f"  headcount   {format_headline(e)}"
        + (
            f"   range {format_range(e.headcount_min, e.headcount_max, False)}"
            if e.headcount_min is not None
            else ""
        ),
    ]
    if e.percent is not None:
        out.append(f"  percent     {format_percent(e.percent)}")
    if e.estimated_headcount is not None:
        out.append(f"  estimated   {e.estimated_headcount:,} ({e.estimate_basis})")
    for label, values in (("units", e.units), ("locations", e.locations), ("reasons", e.reasons)):
        if values:
            out.append(f"  {label:<11} {', '.join(values)}")
    out.append(f"  status      {e.status}" + (f" by {e.superseded_by}" if e.superseded_by else ""))
    if e.industry or e.country:
        out.append(f"  company     {', '.join(v for v in (e.industry, e.country) if v)}")
    out.append(f"  first seen  {e.first_seen}; last updated {e.last_updated}")
    out.append("")
    out.append(f"sources ({e.sources} documents, {len(detail.sources)} claims):")
    for view in detail.sources:
        s, m, d = view.source, view.mention, view.document
        marks = []
        if s.counted:
            marks.append("counted")
        if s.superseded_by:
            marks.append(f"superseded by claim {s.superseded_by}")
        head = f"  [{s.role}{'; ' + '; '.join(marks) if marks else ''}] "
        head += f"{m.kind} {_figure(m.headcount_min, m.headcount_max, m.approx, m.percent)}"
        head += f" {m.date or ''}".rstrip()
        out.append(head)
        where = d.outlet or d.source_kind
        if d.published_at:
            where += f", {d.published_at}"
        out.append(f"      from {where}: {d.url or view.origins[0]}")
        for origin in view.origins if len(view.origins) > 1 else ():
            out.append(f"      also at {origin}")
        out.append(f'      "{" ".join(m.evidence.split())}"')
        out.append(f"      why: {s.reason}")
    out.append("")
    out.append("history:")
    for c in detail.changes:
        cause = f" (claim {c.caused_by})" if c.caused_by else ""
        if c.field == "created":
            out.append(f"  {c.at}  created{cause}: {c.note or ''}")
        else:
            out.append(f"  {c.at}  {c.field}: {_show(c.old)} -> {_show(c.new)}{cause}")
    return "\n".join(out)


def _show(value: Any) -> str:
    if value is None:
        return NONE
    if isinstance(value, list):
        return "[" + ", ".join(str(v) for v in value) + "]"
    return str(value)
