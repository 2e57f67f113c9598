"""Events for other tools (JSON Lines, CSV, the API's JSON) and for people (text)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Final, TextIO

from headcount.model import (
    ClaimSource,
    Event,
    EventChange,
    EventDetail,
    EventSource,
    EventSourceView,
    Mention,
)
from headcount.present.figures import counted_figure, format_headline, format_percent, format_range
from headcount.present.formats import (
    NONE,
    field_order,
    text_table,
    truncate,
    write_csv,
    write_jsonl,
)

#: The fields of an event in every export and in the API, in the order of model.Event but for
#: the names and the bookkeeping placed first and last. (The lead claim and the family, which
#: only merging uses, are not shown.)
EVENT_FIELDS: Final[tuple[str, ...]] = field_order(
    Event,
    first=("id", "company", "parent", "company_id"),
    last=(
        "status",
        "industry",
        "country",
        "first_seen",
        "last_updated",
        "superseded_by",
        "revision",
    ),
    hidden=("lead_mention_id", "family_id"),
)

# A source claim as an event's detail shows it: how it was placed, the claim, its document.
_PLACEMENT: Final = field_order(
    EventSource, hidden=("event_id", "position", "company_id", "family_id", "attached_at")
)
_CLAIM: Final = field_order(
    Mention,
    first=("kind",),
    last=("document_id",),
    hidden=("parent", "canonical", "evidence_start", "evidence_end", "extractor_version")
    + ("confidence", "doc"),
)
_DOCUMENT: Final = field_order(
    ClaimSource, first=("source_kind",), hidden=("origin", "industry", "country", "seen_at")
)

#: A field of a record, or (the field, the name a source claim shows it under).
FieldName = str | tuple[str, str]

#: One of an event's source claims (event_detail's `source_claims`), record by record: how it
#: joined (EventSource), what it says (Mention: its own `reason` is shown as `reason_given`,
#: beside the reason it joined), its document (ClaimSource) and every origin that document was
#: seen at (EventSourceView). The API's schema is built from this too.
SOURCE_CLAIM_PARTS: Final[tuple[tuple[type, tuple[FieldName, ...]], ...]] = (
    (EventSource, _PLACEMENT),
    (Mention, tuple(("reason", "reason_given") if n == "reason" else n for n in _CLAIM)),
    (ClaimSource, _DOCUMENT),
    (EventSourceView, ("origins",)),
)

#: The names of a source claim's fields, in order.
SOURCE_CLAIM_FIELDS: Final[tuple[str, ...]] = tuple(
    entry if isinstance(entry, str) else entry[1]
    for _, names in SOURCE_CLAIM_PARTS
    for entry in names
)

#: The fields of one recorded change of an event (its event is the one shown).
CHANGE_FIELDS: Final[tuple[str, ...]] = field_order(EventChange, hidden=("event_id",))


def event_record(event: Event) -> dict[str, Any]:
    """The JSON shape of an event: the fields of EVENT_FIELDS, where `sources` is the number of
    distinct documents behind it and `headcount` is counted_figure(event), the figure its
    totals add (so that a download's headcount column re-adds to them)."""
    data = {name: getattr(event, name) for name in EVENT_FIELDS}  # asdict() would deep-copy
    data["headcount"] = counted_figure(event)
    return data


def api_record(
    event: Event,
    source_kinds: list[str],
    reason_tags: list[str],
    *,
    states: Sequence[str] = (),
    cities: Sequence[str] = (),
    stage: str | None = None,
    funds_raised: float | None = None,
    source_url: str | None = None,
) -> dict[str, Any]:
    """An event as the events API lists it: its event_record, the kinds of its sources, its
    reason tags, the US states and cities its records name, its company's funding stage and
    funds raised as its tracker rows give them, the path of its page on the tracker and the
    address of its original source."""
    data = event_record(event)
    data["source_kinds"] = source_kinds
    data["reason_tags"] = reason_tags
    data["states"] = list(states)
    data["cities"] = list(cities)
    data["stage"] = stage
    data["funds_raised"] = funds_raised
    data["url"] = f"/events/{event.id}"
    data["source_url"] = source_url
    return data


def _records(events: Iterable[Event]) -> Iterator[dict[str, Any]]:
    return (event_record(event) for event in events)


def events_to_jsonl(events: Iterable[Event], stream: TextIO) -> int:
    return write_jsonl(_records(events), stream)


def events_to_csv(events: Iterable[Event], stream: TextIO) -> int:
    return write_csv(EVENT_FIELDS, _records(events), stream)


def format_events(events: Sequence[Event]) -> str:
    headers = ("date", "company", "headcount", "range", "percent", "sources", "status", "id")
    rows = [
        (
            event.announced_on or NONE,
            truncate(
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
    return text_table(headers, rows, (False, False, True, True, True, True, False, False))


def source_claim_record(view: EventSourceView) -> dict[str, Any]:
    """One source claim of an event (SOURCE_CLAIM_FIELDS): its placement, its own figure and
    sentence, its document and every origin that document was seen at."""
    data: dict[str, Any] = {}
    for part, (_, names) in zip(
        (view.source, view.mention, view.document, view), SOURCE_CLAIM_PARTS, strict=True
    ):
        for entry in names:
            name, shown = (entry, entry) if isinstance(entry, str) else entry
            data[shown] = getattr(part, name)
    return data


def detail_record(detail: EventDetail) -> dict[str, Any]:
    """An event with every source (its own figure, sentence and document) and its history."""
    data = event_record(detail.event)
    data["lead_mention_id"] = detail.event.lead_mention_id
    data["source_claims"] = [source_claim_record(view) for view in detail.sources]
    data["changes"] = [
        {name: getattr(change, name) for name in CHANGE_FIELDS} for change in detail.changes
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
