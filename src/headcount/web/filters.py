"""The tracker's filters as the API and the pages take them: parsed and checked once, into
the store's EventFilter, with a bad value answered as 400 (or 422 when out of range)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Query, Request

from headcount.store.event_index import (
    CONFIDENCE_SETTING,
    REASON_NAMES,
    SOURCE_KINDS,
    EventFilter,
    parse_sort,
    words,
)
from headcount.web import pages
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


def filter_params(f: EventFilter) -> dict[str, Any]:
    """The filters an answer says it applied: those given, by name."""
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


def check_sort(sort: str | None) -> str:
    """A sort order as given ("-date", "company"), checked and written one way."""
    try:
        name, descending = parse_sort(sort)
    except ValueError as exc:
        raise FilterError(str(exc)) from None
    return ("-" if descending else "") + name


def page_filter(request: Request) -> tuple[EventFilter, dict[str, str]]:
    """A page's filter and the filter parameters it keeps across its links."""
    params = {k: v for k, v in request.query_params.items() if k in pages.FILTER_PARAMS and v}
    return build_filter(**params), params


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
