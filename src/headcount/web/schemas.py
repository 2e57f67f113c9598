"""The API's answers: their pydantic models, which document them (OpenAPI), and the functions
that shape them. Handlers return prepared JSON, so the models are never run over an answer.

Where a model mirrors a record of headcount.model (an event, a claim, a company), its fields
and their types are read from that record's dataclass, so a field added or retyped there is
documented here without being written out again.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import date
from typing import Any, TypeVar, cast, get_type_hints

from fastapi.responses import Response
from pydantic import BaseModel, Field, create_model

from headcount.model import Company, Event
from headcount.present.events import EVENT_FIELDS, SOURCE_CLAIM_PARTS
from headcount.present.formats import to_json
from headcount.store.event_index import Group, Totals, listed_record
from headcount.web.queries import EventRow, IngestResult

M = TypeVar("M", bound=BaseModel)
#: A record's fields as an answer names them: a field, or (field, the answer's name for it).
FieldNames = Sequence[str | tuple[str, str]]


def mirrors(
    *records: tuple[type[Any], FieldNames],
    described: Mapping[str, str] | None = None,
    optional: Collection[str] = (),
) -> Callable[[type[M]], type[M]]:
    """A class decorator: the model with, before its own fields, the named fields of each
    record dataclass, typed as the dataclass types them. Every one is required (an answer
    always carries it, None or not) unless `optional`; `described` gives descriptions."""
    described = described or {}

    def build(cls: type[M]) -> type[M]:
        base = cast(type[BaseModel], cls.__bases__[0])
        definitions: dict[str, Any] = {}
        for record, names in records:
            types = get_type_hints(record)
            for entry in names:
                name, shown = (entry, entry) if isinstance(entry, str) else entry
                default = None if shown in optional else ...
                definitions[shown] = (
                    types[name],
                    Field(default, description=described.get(shown)),
                )
        for name, info in cls.model_fields.items():
            if name not in base.model_fields:
                definitions[name] = (info.annotation, info)
        model = create_model(cls.__name__, __base__=base, __module__=cls.__module__, **definitions)
        return cast(type[M], model)

    return build


def _fields(record: type[Any]) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(record))


#: What the API says of a company, and of a breakdown's group, in this order.
COMPANY_FIELDS = ("id", "name", "aliases", "industry", "country", "workforce", "workforce_basis")
GROUP_FIELDS = ("key", "label", "second", "events", "headcount")
#: A source claim, record by record (present.events.SOURCE_CLAIM_PARTS: the one list the API's
#: answers and this schema share).
SOURCE_CLAIM_FIELDS: tuple[tuple[type[Any], FieldNames], ...] = SOURCE_CLAIM_PARTS


# --- models ------------------------------------------------------------------------------------


@mirrors(
    (Event, EVENT_FIELDS),
    described={
        "announced_on": "YYYY-MM-DD, YYYY-MM or YYYY",
        "headcount": "The figure counted in totals",
        "headcount_min": "Lowest figure any source gives",
        "headcount_max": "Highest figure any source gives",
        "estimated_headcount": "percent x known workforce; never counted",
        "sources": "Distinct documents behind the event",
    },
)
class EventOut(BaseModel):
    source_kinds: list[str] = Field(description="Kinds of document among its sources")
    reason_tags: list[str] = Field(description="Its stated reasons grouped: ai, costs, ...")
    states: list[str] = Field(description="US states its WARN notices are filed in (filter: state)")
    cities: list[str] = Field(
        description="Cities its records (WARN notices, tracker rows) name (filter: city)"
    )
    stage: str | None = Field(
        description="The company's funding stage as its tracker rows give it (filter: stage)"
    )
    funds_raised: float | None = Field(
        description="Funds the company raised, in millions of US dollars, as its tracker rows "
        "give them (filters: min_funds, max_funds)"
    )
    url: str = Field(description="The event's page")
    source_url: str | None = Field(
        description="The original source, an absolute web address: the lead claim's document's, "
        "else a primary source's; null when no source is on the web (a file, a pasted text)"
    )
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


@mirrors((Totals, _fields(Totals)), described={"headcount": "Sum of counted figures"})
class TotalsOut(BaseModel):
    pass


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


@mirrors(*SOURCE_CLAIM_FIELDS)
class SourceClaimOut(BaseModel):
    figure_span: list[int] | None = Field(description="[start, end) of the figure in evidence")
    confidence: float = Field(
        description="How sure the ledger is of this claim: the extractor's confidence, 1 for a "
        "record (WARN filing, tracker row)"
    )
    confirmed: bool = Field(
        description="Whether the confidence reaches the threshold; claims that do not are "
        "listed only with include_unconfirmed=true"
    )


@mirrors((Event, ("lead_mention_id",)))
class EventDetailOut(EventOut):
    source_claims: list[SourceClaimOut]
    unconfirmed_hidden: int = Field(
        description="Claims below the confidence threshold left out (include_unconfirmed=true "
        "lists them)"
    )
    threshold: float = Field(description="The confidence threshold claims are held to")
    changes: list[dict[str, Any]]


@mirrors((Company, COMPANY_FIELDS))
class CompanyOut(BaseModel):
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


@mirrors((Group, GROUP_FIELDS), optional=("label", "second"))
class GroupOut(BaseModel):
    pass


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


@mirrors((IngestResult, _fields(IngestResult)))
class IngestOut(BaseModel):
    pass


class ErrorOut(BaseModel):
    detail: Any


ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorOut, "description": "A bad parameter (dates, sort, unknown values)"},
    422: {"model": ErrorOut, "description": "A parameter of the wrong type or out of range"},
}


# --- answers -----------------------------------------------------------------------------------


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(
        to_json(data).encode("utf-8"),
        status_code=status,
        media_type="application/json",
        headers=headers,
    )


def record_fields(record: Any, names: Sequence[str]) -> dict[str, Any]:
    """The named fields of a record, in that order."""
    return {name: getattr(record, name) for name in names}


def event_json(row: EventRow, source_url: str | None = None) -> dict[str, Any]:
    """A listed event as the API gives it (EventOut), with its original source's address."""
    return listed_record(row.event, row.source_kinds, row.reason_tags, row.facts, source_url)


def totals_json(totals: Totals) -> dict[str, Any]:
    return record_fields(totals, _fields(Totals))


def group_json(group: Group) -> dict[str, Any]:
    return record_fields(group, GROUP_FIELDS)


def company_link(company: Company) -> dict[str, Any]:
    """A company named in another's answer: its id, name and page."""
    return {"id": company.id, "name": company.name, "url": f"/companies/{company.id}"}
