"""The tracker's filters as the API and the pages take them: parsed and checked once, into
the store's EventFilter, with a bad value answered as 400 (or 422 when out of range)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields
from typing import Annotated, Any

from fastapi import Depends, Query, Request
from pydantic import BaseModel, Field

from headcount.model import SOURCE_KINDS
from headcount.periods import date_range
from headcount.present.reasons import REASON_NAMES
from headcount.store.event_index import (
    CONFIDENCE_SETTING,
    EventFilter,
    parse_sort,
    words,
)
from headcount.web.queries import MAX_PAGE_SIZE


class FilterError(ValueError):
    """A bad query parameter: 400 with the reason."""


class OutOfRange(FilterError):
    """A number no database column holds (beyond 64 bits): 422, as the API's own validation
    answers a number out of range, rather than an overflow deep in the store."""


#: The largest integer a filter or a page number may be: what a 64-bit column holds.
MAX_INT64 = 2**63 - 1
#: The largest page number: its first row's offset must still fit in 64 bits.
MAX_PAGE = MAX_INT64 // MAX_PAGE_SIZE

_YES = ("true", "1", "yes", "on")
_NO = ("false", "0", "no", "off", "")


def switch(value: str | int | bool | None, name: str = "include_unconfirmed") -> bool:
    """An on/off parameter as a form or a URL gives it: true/1/yes/on, or false/0/no/off."""
    if value is None or isinstance(value, bool):
        return bool(value)
    text = str(value).strip().lower()
    if text in _YES or text in _NO:
        return text in _YES
    raise FilterError(f"{name} must be true or false, got {value!r}")


class FilterQuery(BaseModel):
    """The tracker's filters as query parameters, by the names every surface takes: the API
    (which checks their types first, answering 422), the pages and their links, and the fast
    path. parse_filter reads them into the store's EventFilter."""

    q: str | None = Field(
        None,
        description="Words that must all appear as words, in any field or source sentence "
        '("AI" is not in "Retail"); a word of four letters or more also as the start of a word',
    )
    company: str | None = Field(
        None,
        description="Words each starting a word of the company's name, its owner's or an "
        "alias (any case)",
    )
    # A company page's "all its events" link names the company by id, with its subsidiaries,
    # so that the tracker counts what the page counts.
    company_id: str | None = Field(None, description="A company id: it and its subsidiaries")
    industry: str | None = Field(None, description="Industry (any case)")
    country: str | None = Field(None, description="Country (any case)")
    state: str | None = Field(
        None,
        description="A US state, by name or two-letter code (any case): events a WARN notice "
        "files there",
    )
    city: str | None = Field(
        None, description="A city a record (WARN notice, tracker row) names (any case)"
    )
    stage: str | None = Field(
        None, description='The company\'s funding stage ("Series B", "Post-IPO"; any case)'
    )
    min_funds: int | None = Field(
        None, ge=0, le=MAX_INT64, description="Funds the company raised, US$ millions, at least"
    )
    max_funds: int | None = Field(
        None, ge=0, le=MAX_INT64, description="Funds the company raised, US$ millions, at most"
    )
    source: str | None = Field(None, description=f"Kind of source: {', '.join(SOURCE_KINDS)}")
    reason: str | None = Field(None, description=f"Stated reason: {', '.join(REASON_NAMES)}")
    year: str | None = Field(None, description="YYYY: shorthand for since=YYYY&until=YYYY")
    since: str | None = Field(None, description="From this date: YYYY, YYYY-MM or YYYY-MM-DD")
    until: str | None = Field(None, description="Up to this date: YYYY, YYYY-MM or YYYY-MM-DD")
    min_headcount: int | None = Field(
        None, ge=0, le=MAX_INT64, description="Counted figure at least"
    )
    max_headcount: int | None = Field(
        None, ge=0, le=MAX_INT64, description="Counted figure at most"
    )
    include_unconfirmed: bool = Field(
        False,
        description="Also events whose every claim is below the confidence threshold "
        f"({CONFIDENCE_SETTING}, default 0.5), counted in the totals too; each event then "
        "carries its confidence and whether it is confirmed",
    )


#: The filter parameters, which the tracker keeps across its links (sorting, paging,
#: downloads, charts).
FILTER_PARAMS: tuple[str, ...] = tuple(FilterQuery.model_fields)
#: Those that are whole numbers.
NUMBER_PARAMS: tuple[str, ...] = tuple(
    name for name, info in FilterQuery.model_fields.items() if info.annotation == int | None
)
#: EventFilter's fields an answer echoes by name (the confidence one as include_unconfirmed).
_ECHOED = tuple(f.name for f in fields(EventFilter) if f.name != "min_confidence")

FilterValue = str | int | bool | None


def parse_filter(values: Mapping[str, FilterValue]) -> EventFilter:
    """The EventFilter that filter parameters (FILTER_PARAMS, as text from a URL or as typed
    values) ask for; a bad one is a FilterError (OutOfRange for a number beyond 64 bits)."""

    def text(name: str) -> str | None:
        value = values.get(name)
        return None if value is None else str(value)

    def number(name: str) -> int | None:
        value = values.get(name)
        if value is None or value == "":
            return None
        try:
            number = int(str(value).replace(",", "").strip())
        except ValueError:
            raise FilterError(f"{name} must be a whole number, got {value!r}") from None
        if abs(number) > MAX_INT64:
            raise OutOfRange(f"{name} is out of range (at most {MAX_INT64})")
        return number

    since, until, year = text("since"), text("until"), text("year")
    if year:
        if since or until:
            raise FilterError("give year or since/until, not both")
        if not (len(year) == 4 and year.isdigit()):
            raise FilterError(f"year must be YYYY, got {year!r}")
        since = until = year
    # Unless switched off, the filter's default applies: the configured threshold.
    unconfirmed = {"min_confidence": None} if switch(values.get("include_unconfirmed")) else {}
    given: dict[str, Any] = {
        name: number(name) if name in NUMBER_PARAMS else text(name) for name in _ECHOED
    }
    given.update(since=since, until=until, **unconfirmed)
    try:
        f = EventFilter(**given)
        # A company of punctuation alone (",,") matches no name; the store would refuse it
        # only when it runs, as a server error.
        if f.company is not None and not words(f.company):
            raise FilterError(f"company filter has no words: {f.company!r}")
        # Dates must be real ones ("2023-02-30" is not) and in order; the store checks that
        # when it runs.
        date_range(f.since, f.until)
    except FilterError:
        raise
    except ValueError as exc:
        raise FilterError(str(exc)) from None
    return f


async def api_filter(query: Annotated[FilterQuery, Query()]) -> EventFilter:
    return parse_filter(query.model_dump())


Filter = Annotated[EventFilter, Depends(api_filter)]


def filter_params(f: EventFilter) -> dict[str, Any]:
    """The filters an answer says it applied: those given, by name."""
    found = {name: getattr(f, name) for name in _ECHOED if getattr(f, name) is not None}
    # The default (confirmed events only) goes unsaid, like every other absent filter.
    if f.min_confidence is None:
        found["include_unconfirmed"] = True
    return found


def check_sort(sort: str | None) -> str:
    """A sort order as given ("-date", "company"), checked and written one way."""
    try:
        name, descending = parse_sort(sort)
    except ValueError as exc:
        raise FilterError(str(exc)) from None
    return ("-" if descending else "") + name


def page_filter(request: Request) -> tuple[EventFilter, dict[str, str]]:
    """A page's filter and the filter parameters it keeps across its links."""
    params = {k: v for k, v in request.query_params.items() if k in FILTER_PARAMS and v}
    return parse_filter(params), params


def page_int(request: Request, name: str, default: int, low: int, high: int) -> int:
    """A whole-number parameter of a page, from `low` to `high`."""
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
