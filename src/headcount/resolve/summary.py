"""An event's fields from its members: the counted figure, the range, the lead's facts.

`summarize()` is the one place an Event is computed: which members' figures are counted in
totals (a tracker row's own figure with the other parts of its round, else the sum of a WARN
filing's sites, else the best single news figure), the range over every source's own figure,
the share, the estimate from a known workforce, units, places, reasons and status.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from headcount.model import CORE_ROLES, Event, Status
from headcount.resolve.figures import Figure, as_figure
from headcount.resolve.ledger import EventState, Member
from headcount.resolve.registry import Registry


def _counted(
    core: Sequence[Member],
) -> tuple[list[Member], int | None, bool, tuple[int | None, int | None]]:
    """The members counted in the event's figure, that figure, whether it is approximate, and
    the range (low, high) that spans every source's own figure.

    The figure counted in totals: a tracker row's own figure (the first one with a figure),
    plus the other `part`s of its round (rows of the same table for the same company and day
    with other figures: other places or units of one round add up); else the sum of a WARN
    filing's sites; else the best news figure that is a single number."""
    tables = [m for m in core if m.claim.source.source_kind == "table"]
    warns = [m for m in core if m.claim.warn and m.role in ("primary", "part", "correction")]
    counted: list[Member] = []
    headline: int | None = None
    approx = False
    table_figures = [m for m in tables if m.claim.mention.headcount_min is not None]
    warn_figures = [m for m in warns if m.claim.mention.headcount_min is not None]
    if table_figures:
        first = min(table_figures, key=lambda m: m.position)
        counted = [first] + [
            m for m in table_figures
            if m is not first and m.role == "part" and m.claim.batch == first.claim.batch
        ]  # fmt: skip
        headline = sum(m.claim.mention.headcount_min or 0 for m in counted)
    elif warn_figures:
        counted = warn_figures
        headline = sum(m.claim.mention.headcount_min or 0 for m in counted)
    else:
        points = [
            m
            for m in core
            if not m.claim.structured
            and m.claim.mention.headcount_min is not None
            and m.claim.mention.headcount_min == m.claim.mention.headcount_max
        ]
        if points:
            best = min(points, key=lambda m: (m.claim.rank, m.position))
            counted, headline = [best], best.claim.mention.headcount_min
            approx = best.claim.mention.approx
    # The range spans the counted figure and every source's own figure: a WARN site of 2,320
    # under an announced 8,000 makes it 2,320-8,000, not 8,000-8,000.
    return counted, headline, approx, _range(headline, core)


def _range(headline: int | None, members: Iterable[Member]) -> tuple[int | None, int | None]:
    """(low, high) over the headline and the members' own figures."""
    lows = [headline] if headline is not None else []
    highs = [headline] if headline is not None else []
    for m in members:
        mention = m.claim.mention
        if mention.headcount_min is not None:
            lows.append(mention.headcount_min)
        if mention.headcount_max is not None:
            highs.append(mention.headcount_max)
    low = min(lows) if lows else None
    high = max(highs) if highs else None
    if low is not None and high is not None and high < low:
        high = low
    return low, high


def matching_range(core: Sequence[Member]) -> tuple[int | None, int | None]:
    """The figures a claim is compared with to join an event: the counted figure and the
    sources' own figures, but not single WARN sites (their sum stands for them) nor filings
    (one site of a larger layoff), nor the parts of a tracker's round (their sum stands for
    them), which would let a small figure match a large layoff."""
    counted, headline, _, _ = _counted(core)
    skip = {id(m) for m in core if m.claim.warn and m.role in ("primary", "part", "correction")}
    if len(counted) > 1:
        skip.update(id(m) for m in counted)
    return _range(headline, (m for m in core if m.role != "filing" and id(m) not in skip))


def comparable_figure(state: EventState) -> Figure | None:
    """The figures a claim is compared with (see matching_range), narrower than the event's
    shown range, which also spans filings and sites."""
    if state.current is None:
        return None
    low, high = matching_range(state.core())
    return as_figure(low, high, state.current.approx)


def summarize(state: EventState, registry: Registry, now: str) -> Event:
    """The event's fields as its active members make them, marking the counted members."""
    lead = state.lead()
    core = state.core()
    active = state.active()
    counted, headline, approx, (low, high) = _counted(core)
    if headline is None and low is not None:
        approx = True
    percent = next(
        (m.claim.mention.percent for m in sorted(core, key=lambda m: (m.claim.rank, m.position))
         if m.claim.mention.percent is not None),
        None,
    )  # fmt: skip
    company_id = lead.claim.company_id
    company = registry.companies.get(company_id) if company_id else None
    estimate = basis = None
    if headline is None and low is None and percent is not None and company and company.workforce:
        estimate = round(company.workforce * percent / 100)
        basis = f"estimate: {percent:g}% of a workforce of {company.workforce:,} ({company.workforce_basis})"
    ordered = [lead] + [m for m in sorted(active, key=lambda m: m.position) if m is not lead]
    described = [m for m in ordered if m.role in CORE_ROLES]
    units = list(dict.fromkeys(u for m in described for u in m.claim.mention.units))
    locations = list(dict.fromkeys(p for m in described for p in m.claim.mention.locations))
    reasons = list(
        dict.fromkeys(m.claim.mention.reason for m in described if m.claim.mention.reason)
    )
    status: Status
    if state.superseded_by:
        status = "superseded"
    elif state.has_record():
        status = "confirmed"
    else:
        status = "reported"
    mention = lead.claim.mention
    announced = mention.date
    precision = mention.date_precision
    if announced is None and lead.claim.source.published_at and not lead.claim.structured:
        announced, precision = lead.claim.source.published_at, "day"
    family = state.family_id
    chosen = {id(m) for m in counted}
    for m in state.members:
        m.counted = id(m) in chosen
    return Event(
        id=state.id,
        company_id=company_id,
        company=company.name if company else (mention.company or mention.employer_text),
        parent=registry.name(family) if family and family != company_id else None,
        announced_on=announced,
        date_precision=precision,
        headcount=headline,
        headcount_min=low,
        headcount_max=high,
        approx=approx,
        percent=percent,
        estimated_headcount=estimate,
        estimate_basis=basis,
        units=units,
        locations=locations,
        reasons=reasons,
        status=status,
        sources=len({m.claim.mention.document_id for m in active}),
        claims=len(active),
        lead_mention_id=lead.claim.id,
        first_seen=state.first_seen,
        last_updated=state.current.last_updated if state.current else now,
        superseded_by=state.superseded_by,
        industry=(company.industry if company else None) or lead.claim.source.industry,
        country=(company.country if company else None) or lead.claim.source.country,
        revision=state.revision,
        family_id=family,
    )
