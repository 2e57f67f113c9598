"""Claims -> events: which claims tell the same layoff, and why.

Everything here is in memory and deterministic: `cluster()` takes claims (already matched to
registry companies) and the events they may join, and places every claim, recording for each a
role and a reason in words. The service loads its inputs from the store and writes its outcome.

The rules, in the order a run applies them:

1. Records (layoffs.fyi-style rows, WARN notices) first, oldest first.
   - The same tracker's row for the same company and day is a `duplicate` (the same figures,
     in the same file or another copy of the table), a `part` of the same round (the same file
     with another figure: another place or unit; parts add up) or a `correction` that
     supersedes the older row (a later import with different figures). WARN notices of one company on one day are
     `part`s of one event (other sites) or `duplicate`s (same figure).
   - A WARN notice near an announced layoff (another tracker's row) whose figure fits inside it
     is a `filing` of it; another tracker's row with a compatible figure is a `report`.
   - Anything else creates an event.
2. Events only news had told, for companies that just got records, are merged into the record's
   event when their lead claim fits it: the news event is superseded, never deleted.
3. News claims, by publication date:
   - `new` and `planned` join the best event of the same company (or its parent/subsidiary)
     whose date falls in the claim's window and whose figure is compatible, as a `report`;
     else they create an event. Windows by date precision: a day +-14 days; a month +-1 month;
     a year the same year; a claim dated only by its article's publication, the 30 days before
     it (and 3 after).
   - `past` joins an earlier event with a matching figure as a `report`, else the nearest
     earlier event as `context`; `cumulative` always as `context`; neither ever creates an
     event. With no earlier event it is kept as context and tried again on later runs.
   - `aggregate` figures become statistics; `rumor`/`denied` are context.
   - A claim that names no employer is `unattributed`.

Among candidates the order is: the claim's own company before its parent or subsidiary, then
a matching figure before a compatible or unknown one, then records before news, then the
nearest date.
"""

from __future__ import annotations

import calendar
import hashlib
import math
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from functools import partial

from headcount.model import ClaimSource, Event, EventChange, EventSource, Mention
from headcount.resolve.changes import diff_events
from headcount.resolve.registry import Registry

STRUCTURED = frozenset({"table", "warn"})
#: Roles whose figures describe the event itself (context does not).
CORE_ROLES = frozenset({"primary", "duplicate", "correction", "report", "part", "filing"})
DAY_WINDOW = 14
PUBLISHED_LOOKBACK = 30
PUBLISHED_AHEAD = 3
UNDATED_PAST_LOOKBACK = 730
#: Two figures that do not overlap are still compatible within this ratio.
CLOSE_RATIO = 1.5
#: "about 1,000" is read as 900-1,100 when compared.
APPROX_SLACK = 0.1
#: A WARN notice fits an announced total up to this much above it.
FILING_SLACK = 1.1

Span = tuple[int, int]  # first and last day, as date ordinals


def _span(value: str | None, precision: str | None) -> Span | None:
    if not value:
        return None
    try:
        parts = [int(p) for p in value.split("-")]
        if len(parts) == 3:
            day = date(parts[0], parts[1], parts[2]).toordinal()
            return day, day
        if len(parts) == 2:
            year, month = parts
            last = calendar.monthrange(year, month)[1]
            return date(year, month, 1).toordinal(), date(year, month, last).toordinal()
        return date(parts[0], 1, 1).toordinal(), date(parts[0], 12, 31).toordinal()
    except (ValueError, IndexError):
        return None


def _month_shift(ordinal: int, months: int) -> int:
    day = date.fromordinal(ordinal)
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    if months < 0:
        return date(year, month + 1, 1).toordinal()
    return date(year, month + 1, calendar.monthrange(year, month + 1)[1]).toordinal()


def _iso(ordinal: int) -> str:
    return date.fromordinal(ordinal).isoformat()


def _fmt(low: float, high: float) -> str:
    if high == math.inf:
        return f">={low:,.0f}"
    return f"{low:,.0f}" if low == high else f"{low:,.0f}-{high:,.0f}"


class Claim:
    """A mention with what resolving it needs: its document, its company, its dates."""

    def __init__(
        self,
        mention: Mention,
        source: ClaimSource,
        company_id: str | None,
        family_id: str | None,
    ) -> None:
        self.mention = mention
        self.source = source
        self.id = mention.id
        self.company_id = company_id
        self.family_id = family_id
        self.kind = mention.kind
        self.structured = source.source_kind in STRUCTURED
        self.warn = source.source_kind == "warn"
        file, _, row = source.origin.rpartition("#row=")
        self.file = file if row.isdigit() else source.origin
        self.row = int(row) if row.isdigit() else 0
        published = _span(source.published_at, "day")
        self.published = published[0] if published else None
        own = _span(mention.date, mention.date_precision)
        # The extractor dates a claim by its article when the text gives no date of its own:
        # the layoff was then announced on or before that day, not on it.
        self.dated_by_publication = not self.structured and (
            own is None or (mention.date == source.published_at and own[0] == own[1])
        )
        if self.dated_by_publication and self.published is not None:
            self.span: Span | None = (self.published - PUBLISHED_LOOKBACK, self.published)
            self.nominal: int | None = self.published
        else:
            self.span = own
            self.nominal = (own[0] + own[1]) // 2 if own else None
        self.figure = _figure(mention)
        self.seen = source.seen_at or ""
        # Rows of one import share their file and the time it was imported.
        self.batch = (self.file, self.seen)
        if self.structured:
            self.rank = 0 if not self.warn else 1
        elif self.kind in ("new", "planned"):
            self.rank = 3 if self.dated_by_publication else 2
        else:
            self.rank = 4

    def window(self) -> Span | None:
        """The days an event may be on to be this claim's layoff."""
        if self.span is None:
            return None
        if self.dated_by_publication:
            return self.span[0], self.span[1] + PUBLISHED_AHEAD
        precision = self.mention.date_precision
        if precision == "month":
            return _month_shift(self.span[0], -1), _month_shift(self.span[1], 1)
        if precision == "year":
            return self.span
        return self.span[0] - DAY_WINDOW, self.span[1] + DAY_WINDOW

    def describe_date(self) -> str:
        if self.dated_by_publication and self.published is not None:
            return f"published {_iso(self.published)}"
        return self.mention.date or "undated"


def _figure(mention: Mention) -> tuple[float, float] | None:
    low, high = mention.headcount_min, mention.headcount_max
    if low is None and high is None:
        return None
    lo = float(low) if low is not None else 0.0
    hi = float(high) if high is not None else math.inf
    if mention.approx and lo == hi:
        lo, hi = lo * (1 - APPROX_SLACK), hi * (1 + APPROX_SLACK)
    return lo, hi


def compare(a: tuple[float, float] | None, b: tuple[float, float] | None) -> str:
    """'match' (ranges overlap), 'close' (within CLOSE_RATIO), 'unknown' or 'conflict'."""
    if a is None or b is None:
        return "unknown"
    if a[0] <= b[1] and b[0] <= a[1]:
        return "match"
    low, high = (a, b) if a[1] < b[0] else (b, a)
    if low[1] > 0 and high[0] / low[1] <= CLOSE_RATIO:
        return "close"
    return "conflict"


_FIGURE_TIER = {"match": 0, "close": 1, "unknown": 1}


@dataclass(eq=False)
class Member:
    """A claim placed on an event (or kept without one), with its role and the reason."""

    claim: Claim
    role: str
    reason: str
    position: int
    attached_at: str
    superseded_by: str | None = None
    counted: bool = False
    stored: EventSource | None = None  # as the store has it; None when new

    def source(self, event_id: str | None) -> EventSource:
        return EventSource(
            mention_id=self.claim.id,
            event_id=event_id,
            role=self.role,
            reason=self.reason,
            counted=self.counted,
            superseded_by=self.superseded_by,
            position=self.position,
            company_id=self.claim.company_id,
            family_id=self.claim.family_id,
            attached_at=self.stored.attached_at if self.stored else self.attached_at,
        )


@dataclass(eq=False)
class EventState:
    """An event being resolved: its members, and its fields as stored and as they are now."""

    id: str
    family_id: str | None
    members: list[Member]
    first_seen: str
    stored: Event | None = None
    current: Event | None = None
    superseded_by: str | None = None
    revision: int = 0
    bucket: int | None = None
    indexed: bool = False

    def active(self) -> list[Member]:
        return [m for m in self.members if m.superseded_by is None]

    def core(self) -> list[Member]:
        return [m for m in self.members if m.superseded_by is None and m.role in CORE_ROLES]

    def lead(self) -> Member:
        members = self.core() or self.active() or self.members
        return min(members, key=lambda m: (m.claim.rank, m.position))

    def has_record(self) -> bool:
        return any(m.claim.structured for m in self.core())

    def figure(self) -> tuple[float, float] | None:
        """The figures a claim is compared with (see _matching_range), narrower than the
        event's shown range, which also spans filings and sites."""
        event = self.current
        if event is None:
            return None
        low, high = _matching_range(self.core())
        if low is None and high is None:
            return None
        lo = float(low) if low is not None else 0.0
        hi = float(high) if high is not None else math.inf
        if event.approx and lo == hi:
            lo, hi = lo * (1 - APPROX_SLACK), hi * (1 + APPROX_SLACK)
        return lo, hi

    def span(self) -> Span | None:
        return self.lead().claim.span

    def nominal(self) -> int | None:
        return self.lead().claim.nominal


def event_id_for(claim: Claim) -> str:
    return hashlib.sha256(f"event|{claim.id}".encode()).hexdigest()[:12]


# --- an event's fields from its members ----------------------------------------------------


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


def _matching_range(core: Sequence[Member]) -> tuple[int | None, int | None]:
    """The figures a claim is compared with to join an event: the counted figure and the
    sources' own figures, but not single WARN sites (their sum stands for them) nor filings
    (one site of a larger layoff), nor the parts of a tracker's round (their sum stands for
    them), which would let a small figure match a large layoff."""
    counted, headline, _, _ = _counted(core)
    skip = {id(m) for m in core if m.claim.warn and m.role in ("primary", "part", "correction")}
    if len(counted) > 1:
        skip.update(id(m) for m in counted)
    return _range(headline, (m for m in core if m.role != "filing" and id(m) not in skip))


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
    if state.superseded_by:
        status = "superseded"
    elif state.has_record():
        status = "confirmed"
    elif lead.claim.kind == "planned":
        status = "planned"
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


# --- the ledger of events being resolved ---------------------------------------------------


class Ledger:
    """Active events by company family and year, plus an index of records by their identity."""

    def __init__(self, events: Iterable[EventState] = ()) -> None:
        self.events: dict[str, EventState] = {}
        self._years: dict[str | None, dict[int | None, list[EventState]]] = {}
        self._records: dict[tuple[str, str | None, str | None, str | None], EventState] = {}
        for state in events:
            self.add(state)

    def add(self, state: EventState) -> None:
        self.events[state.id] = state
        self.reindex(state)
        for member in state.members:
            self.note_record(state, member)

    def reindex(self, state: EventState) -> None:
        """File the event under the year of its lead's date (after the lead or date changed)."""
        families = self._years.setdefault(state.family_id, {})
        if state.indexed:
            families[state.bucket].remove(state)
            state.indexed = False
        if state.superseded_by is not None:
            return
        nominal = state.nominal()
        state.bucket = date.fromordinal(nominal).year if nominal is not None else None
        families.setdefault(state.bucket, []).append(state)
        state.indexed = True

    @staticmethod
    def record_key(claim: Claim) -> tuple[str, str | None, str | None, str | None] | None:
        if not claim.structured or not claim.mention.date or claim.company_id is None:
            return None
        outlet = None if claim.warn else claim.source.outlet
        return (claim.source.source_kind, outlet, claim.company_id, claim.mention.date)

    def note_record(self, state: EventState, member: Member) -> None:
        key = self.record_key(member.claim)
        if key is not None and member.superseded_by is None and member.role != "filing":
            self._records.setdefault(key, state)

    def same_record(self, claim: Claim) -> EventState | None:
        key = self.record_key(claim)
        state = self._records.get(key) if key else None
        if state is not None and state.superseded_by is None:
            return state
        return None

    def near(self, family: str | None, window: Span) -> Iterator[EventState]:
        """Active events of a family whose lead could fall in the window (by year)."""
        years = self._years.get(family)
        if not years:
            return
        first, last = date.fromordinal(window[0]).year, date.fromordinal(window[1]).year
        for year in range(first - 1, last + 2):
            yield from list(years.get(year, ()))

    def family_events(self, family: str | None) -> list[EventState]:
        return [s for bucket in self._years.get(family, {}).values() for s in bucket]


# --- placing claims ------------------------------------------------------------------------


@dataclass
class Outcome:
    """What a run did: events touched, claims kept without an event, changes, counts."""

    touched: list[EventState] = field(default_factory=list)
    loose: list[Member] = field(default_factory=list)  # statistics, unattributed, context
    statistics: list[Mention] = field(default_factory=list)
    changes: list[EventChange] = field(default_factory=list)
    roles: Counter[str] = field(default_factory=Counter)
    created: int = 0
    superseded: int = 0
    unplaced: list[tuple[str, str]] = field(default_factory=list)  # (claim id, why)


@dataclass(frozen=True)
class _Candidate:
    state: EventState
    key: tuple[int, ...]
    why: str


class _Run:
    def __init__(self, ledger: Ledger, registry: Registry, now: str) -> None:
        self.ledger = ledger
        self.registry = registry
        self.now = now
        self.out = Outcome()
        self._touched: dict[str, EventState] = {}

    # --- bookkeeping ----------------------------------------------------------------------

    def refresh(self, state: EventState, cause: str | None, note: str | None) -> None:
        before = state.current
        after = summarize(state, self.registry, self.now)
        changes = diff_events(before, after)
        if changes:
            for name, old, new in changes:
                state.revision += 1
                self.out.changes.append(
                    EventChange(state.id, state.revision, self.now, name, old, new, cause, note)
                )
            after = replace(after, revision=state.revision, last_updated=self.now)
        state.current = after
        self.ledger.reindex(state)
        if state.id not in self._touched:
            self._touched[state.id] = state
            self.out.touched.append(state)

    def attach(self, state: EventState, claim: Claim, role: str, reason: str,
               stored: EventSource | None = None) -> Member:  # fmt: skip
        member = Member(claim, role, reason, len(state.members), self.now, stored=stored)
        state.members.append(member)
        self.ledger.note_record(state, member)
        self.out.roles[role] += 1
        self.refresh(state, claim.id, f"{role}: {reason}")
        return member

    def create(self, claim: Claim, reason: str) -> EventState:
        state = EventState(event_id_for(claim), claim.family_id, [], self.now)
        member = Member(claim, "primary", reason, 0, self.now)
        state.members.append(member)
        state.revision = 1
        self.out.changes.append(
            EventChange(state.id, 1, self.now, "created", None, claim.id, claim.id, reason)
        )
        self.ledger.add(state)
        self.out.roles["primary"] += 1
        self.out.created += 1
        self.refresh(state, claim.id, f"primary: {reason}")
        return state

    def keep(self, claim: Claim, role: str, reason: str, stored: EventSource | None = None) -> None:
        member = Member(claim, role, reason, 0, self.now, stored=stored)
        self.out.loose.append(member)
        self.out.roles[role] += 1

    def _company_tier(self, claim: Claim, state: EventState) -> tuple[int, str]:
        lead = state.lead().claim
        if lead.company_id == claim.company_id:
            return 0, "same company"
        relation = "parent" if state.family_id == claim.company_id else "same owner"
        mine = self.registry.name(claim.company_id) or "?"
        theirs = self.registry.name(lead.company_id) or "?"
        return 1, f"{mine} and {theirs} ({relation})"

    # --- records --------------------------------------------------------------------------

    def place_record(self, claim: Claim) -> None:
        same = self.ledger.same_record(claim)
        if same is not None:
            self._same_record(same, claim)
            return
        best = self._best(claim, records_only=True)
        if best is not None:
            lead = best.state.lead().claim
            role = "filing" if claim.warn and not lead.warn else "report"
            self.attach(best.state, claim, role, best.why)
            return
        self.create(claim, f"first record of this layoff ({claim.source.outlet or claim.file})")

    def _same_record(self, state: EventState, claim: Claim) -> None:
        key = Ledger.record_key(claim)
        others = sorted(
            (m for m in state.active() if Ledger.record_key(m.claim) == key),
            key=lambda m: m.position,
        )
        if not others:
            others = [state.lead()]
        mine = claim.mention
        if claim.warn:
            same = next(
                (m for m in others
                 if m.claim.mention.headcount_min == mine.headcount_min
                 and set(m.claim.mention.locations) == set(mine.locations)),
                None,
            )  # fmt: skip
            if same is not None:
                self.attach(state, claim, "duplicate",
                            f"same employer, notice date, place and figure as {_where(same.claim)}")  # fmt: skip
            else:
                self.attach(state, claim, "part",
                            f"another site of the same employer's notices of {mine.date}")  # fmt: skip
            return
        agreeing = next((m for m in others if _same_figures(mine, m.claim.mention)), None)
        if agreeing is not None:
            copy = (
                "the same table"
                if claim.batch == agreeing.claim.batch
                else "another copy of the table"
            )
            self.attach(state, claim, "duplicate",
                        f"same company, date and figures as {_where(agreeing.claim)} in {copy}")  # fmt: skip
            return
        same_file = [m for m in others if m.claim.batch == claim.batch]
        if same_file:
            other = same_file[0]
            if mine.headcount_min is not None and all(
                m.claim.mention.headcount_min != mine.headcount_min for m in others
            ):
                # The tracker lists this round as several rows with their own figures (Oracle's
                # 289, 188 and 161 in three places on one day): parts of one round, which add up.
                self.attach(
                    state,
                    claim,
                    "part",
                    f"same company and date as {_where(other.claim)} in the same table with "
                    f"another figure ({_fmt_mention(mine)}): another part of the same round",
                )
                return
            self.attach(
                state,
                claim,
                "duplicate",
                f"same company and date as {_where(other.claim)} in the same table; figures "
                f"{_fmt_mention(other.claim.mention)} and {_fmt_mention(mine)} kept as a range",
            )
            return
        # The same tracker's row from another import, with other figures: an edited row. The
        # later import supersedes it, unless that import held several rows for this company and
        # day, when it is not clear which one was edited.
        batches = Counter(m.claim.batch for m in others)
        latest = max(others, key=lambda m: (m.claim.seen, m.position))
        if batches[latest.claim.batch] > 1:
            self.attach(
                state,
                claim,
                "duplicate",
                f"same company and date as {len(others)} rows of the same tracker with other "
                f"figures; {_fmt_mention(mine)} kept as one more figure of the range",
            )
            return
        latest.superseded_by = claim.id
        self.attach(
            state,
            claim,
            "correction",
            f"edited row: {_where(latest.claim)} said {_fmt_mention(latest.claim.mention)}, "
            f"this later import says {_fmt_mention(mine)}",
        )

    # --- candidates -----------------------------------------------------------------------

    def _best(
        self,
        claim: Claim,
        *,
        records_only: bool = False,
        exclude: EventState | None = None,
    ) -> _Candidate | None:
        window = claim.window()
        if window is None or claim.family_id is None:
            return None
        found: list[_Candidate] = []
        for state in self.ledger.near(claim.family_id, window):
            if state is exclude or state.superseded_by is not None:
                continue
            span = state.span()
            if span is None or span[1] < window[0] or span[0] > window[1]:
                continue
            has_record = state.has_record()
            if records_only and not has_record:
                continue
            if claim.structured and not self._record_fits(claim, state):
                continue
            verdict = self._figures(claim, state)
            if verdict == "conflict":
                continue
            tier, company = self._company_tier(claim, state)
            if tier and claim.structured:
                continue  # records name their employer exactly: no parent/subsidiary merges
            nominal = state.nominal()
            distance = abs((claim.nominal or 0) - (nominal or 0))
            key = (tier, _FIGURE_TIER.get(verdict, 1), 0 if has_record else 1, distance)
            lead = state.lead().claim
            why = (
                f"{company}; {lead.describe_date()} within the window of {claim.describe_date()}; "
                f"figure {_verdict_words(verdict, claim, state)}"
            )
            found.append(_Candidate(state, key, why))
        if not found:
            return None
        return min(found, key=lambda c: (c.key, c.state.id))

    def _record_fits(self, claim: Claim, state: EventState) -> bool:
        """A record joins another source's record event, never its own tracker's other rows,
        and a WARN notice never joins another day's notice."""
        for m in state.core():
            if not m.claim.structured:
                continue
            if claim.warn and m.claim.warn:
                return False
            if not claim.warn and not m.claim.warn and m.claim.source.outlet == claim.source.outlet:
                return False
        return True

    def _figures(self, claim: Claim, state: EventState) -> str:
        lead = state.lead().claim
        event_figure = state.figure()
        if claim.warn and claim.figure and event_figure and not lead.warn:
            # A notice covers one site: it fits when it is not larger than the whole.
            return "match" if claim.figure[0] <= event_figure[1] * FILING_SLACK else "conflict"
        if claim.structured and not claim.warn and lead.warn and claim.figure and event_figure:
            return "match" if event_figure[0] <= claim.figure[1] * FILING_SLACK else "conflict"
        verdict = compare(claim.figure, event_figure)
        if verdict == "unknown" and claim.figure is None and state.current is not None:
            mine, theirs = claim.mention.percent, state.current.percent
            if mine is not None and theirs is not None:
                return "match" if abs(mine - theirs) <= max(2.0, 0.25 * theirs) else "conflict"
        return verdict

    # --- news -----------------------------------------------------------------------------

    def place_news(self, claim: Claim) -> None:
        kind = claim.kind
        if kind == "aggregate":
            self.out.statistics.append(claim.mention)
            self.keep(claim, "statistic", "an industry- or region-wide figure, kept as a statistic")
            return
        if claim.family_id is None:
            self.keep(claim, "unattributed", "names no employer")
            return
        if kind in ("past", "cumulative"):
            self.place_context(claim)
            return
        best = self._best(claim)
        if kind in ("rumor", "denied"):
            if best is not None:
                self.attach(best.state, claim, "context", f"{kind}: {best.why}")
            else:
                self.keep(claim, "context", f"{kind} about no known event")
            return
        if best is not None:
            self.attach(best.state, claim, "report", best.why)
            return
        self.create(claim, f"no known event of this company near {claim.describe_date()}")

    def place_context(self, claim: Claim, stored: EventSource | None = None) -> bool:
        """A past round or running total: onto an earlier event, never a new one."""
        published = claim.published if claim.published is not None else claim.nominal
        own = None if claim.dated_by_publication else claim.span
        if own is not None:
            precision = claim.mention.date_precision
            if precision == "day":
                window = (own[0] - DAY_WINDOW, own[1] + DAY_WINDOW)
            elif precision == "month":
                window = (_month_shift(own[0], -1), _month_shift(own[1], 1))
            else:
                window = own
        elif published is not None:
            window = (published - UNDATED_PAST_LOOKBACK, published)
        else:
            window = None
        if window is not None and published is not None:
            window = (window[0], min(window[1], published))
        candidates: list[EventState] = []
        if window is not None and window[0] <= window[1]:
            for state in self.ledger.near(claim.family_id, window):
                nominal = state.nominal()
                if nominal is None or not window[0] <= nominal <= window[1]:
                    continue
                if any(
                    m.claim.mention.document_id == claim.mention.document_id
                    and m.claim.kind in ("new", "planned")
                    for m in state.core()
                ):
                    continue  # the article's own news is not its past
                candidates.append(state)
        label = "past round" if claim.kind == "past" else "running total"
        if claim.kind == "past":
            matches = [s for s in candidates if compare(claim.figure, s.figure()) == "match"]
            if matches:
                state = min(
                    matches, key=lambda s: (abs((s.nominal() or 0) - (claim.nominal or 0)), s.id)
                )
                self._place_loose(state, claim, "report",
                                  f"{label} cited later ({claim.describe_date()}); "
                                  f"figure matches this event", stored)  # fmt: skip
                return True
        if candidates:
            state = max(candidates, key=lambda s: (s.nominal() or 0, s.id))
            self._place_loose(state, claim, "context",
                              f"{label} cited later ({claim.describe_date()}); "
                              "attached to the nearest earlier event of the company as context",
                              stored)  # fmt: skip
            return True
        if stored is None:
            self.keep(claim, "context", f"{label} ({claim.describe_date()}) with no earlier event "
                      "of the company known yet; kept as context")  # fmt: skip
        return False

    def _place_loose(self, state: EventState, claim: Claim, role: str, reason: str,
                     stored: EventSource | None) -> None:  # fmt: skip
        self.attach(state, claim, role, reason, stored=stored)

    # --- merging events news told before a record arrived -----------------------------------

    def absorb(self, families: Iterable[str]) -> None:
        for family in sorted(families):
            for state in sorted(self.ledger.family_events(family), key=lambda s: s.id):
                if state.superseded_by is not None or state.has_record():
                    continue
                lead = state.lead().claim
                if lead.kind not in ("new", "planned"):
                    continue
                best = self._best(lead, records_only=True, exclude=state)
                if best is not None:
                    self.merge(state, best.state, lead, best.why)

    def merge(self, source: EventState, target: EventState, cause: Claim, why: str) -> None:
        for member in source.members:
            role = "report" if member.role == "primary" else member.role
            moved = Member(
                member.claim,
                role,
                f"merged from event {source.id}: {why}",
                len(target.members),
                self.now,
                superseded_by=member.superseded_by,
                stored=member.stored,
            )
            target.members.append(moved)
        self.refresh(target, cause.id, f"merged event {source.id}")
        source.superseded_by = target.id
        self.refresh(source, cause.id, f"merged into event {target.id}: {why}")
        # Its claims now belong to the target; the superseded event keeps its last fields.
        source.members = []
        self.out.superseded += 1

    def reprice(self, company_ids: set[str]) -> None:
        """Events whose company's workforce became known or changed get their estimate again."""
        if not company_ids:
            return
        for state in list(self.ledger.events.values()):
            event = state.current
            if (
                state.superseded_by is None
                and event is not None
                and event.company_id in company_ids
                and event.percent is not None
            ):
                self.refresh(state, None, "workforce of the company updated")


def _where(claim: Claim) -> str:
    return f"row {claim.row} of {claim.file}" if claim.row else claim.source.origin


def _same_figures(a: Mention, b: Mention) -> bool:
    """Two copies of a row agree when every figure both state is the same; a copy that leaves
    one out (an export without percentages) does not contradict one that gives it, and
    percentages agree to half a point (one copy rounds 1.85% to 2%)."""
    if (
        a.headcount_min is not None
        and b.headcount_min is not None
        and a.headcount_min != b.headcount_min
    ):
        return False
    if a.percent is not None and b.percent is not None:
        return abs(a.percent - b.percent) <= 0.5 + 1e-9
    return True


def _fmt_mention(mention: Mention) -> str:
    figure = _figure(replace(mention, approx=False))
    parts = [_fmt(*figure) if figure else "no headcount"]
    if mention.percent is not None:
        parts.append(f"{mention.percent:g}%")
    return " / ".join(parts)


def _verdict_words(verdict: str, claim: Claim, state: EventState) -> str:
    if verdict == "unknown":
        return "not comparable (one side has none)"
    words = {"match": "matches", "close": "is close to"}.get(verdict, verdict)
    theirs, mine = state.figure(), claim.figure
    if mine is not None and theirs is not None:
        return f"{_fmt(*mine)} {words} {_fmt(*theirs)}"
    # A claim with a share and no headcount is compared by share (see _Run._figures).
    their_share = state.current.percent if state.current is not None else None
    return f"{_share(claim.mention.percent)} of staff {words} {_share(their_share)}"


def _share(percent: float | None) -> str:
    return "no share" if percent is None else f"{percent:g}%"


def _record_order(claim: Claim) -> tuple[str, str, str, str, int, str]:
    # By date, then in the order the records were first seen: a later import of a tracker's
    # row is the newer copy.
    return (claim.mention.date or "9999", claim.seen, claim.source.outlet or "", claim.file,
            claim.row, claim.id)  # fmt: skip


def _news_order(claim: Claim) -> tuple[str, str, int, str]:
    return (
        claim.source.published_at or claim.mention.date or "9999",
        claim.mention.document_id,
        claim.mention.evidence_start,
        claim.id,
    )


def cluster(
    claims: Sequence[Claim],
    ledger: Ledger,
    registry: Registry,
    now: str,
    retry: Sequence[tuple[Claim, EventSource]] = (),
) -> Outcome:
    """Place every claim (records first, then news) on the events in `ledger`, which it
    updates; `retry` are context claims kept without an event by an earlier run."""
    run = _Run(ledger, registry, now)
    records = sorted((c for c in claims if c.structured), key=_record_order)
    news = sorted((c for c in claims if not c.structured), key=_news_order)
    for claim in records:
        _isolated(run, claim, run.place_record)
    run.absorb({c.family_id for c in records if c.family_id is not None})
    for claim in news:
        _isolated(run, claim, run.place_news)
    for claim, stored in retry:
        _isolated(run, claim, partial(run.place_context, stored=stored))
    run.reprice(registry.workforce_changed)
    return run.out


def _isolated(run: _Run, claim: Claim, place: Callable[[Claim], object]) -> None:
    """One claim that cannot be placed must not stop the run: it stays unplaced (the next run
    tries it again) and is reported with its reason."""
    try:
        place(claim)
    except Exception as error:  # noqa: BLE001 - any defect in one placement, reported below
        reason = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
        run.out.unplaced.append((claim.id, reason))


def claims_for(pairs: Iterable[tuple[Mention, ClaimSource]], registry: Registry) -> list[Claim]:
    """Claims with their registry companies: the fullest name a source gives, else its
    canonical, else the employer as written. Records also teach the registry their
    employer's industry, country and (from a headcount with its share) workforce."""
    claims = []
    for mention, source in pairs:
        company_id = None
        for name in (mention.company, mention.canonical, mention.employer_text):
            if name and name.strip():
                company_id = registry.resolve(
                    name,
                    source.outlet or source.source_kind,
                    clean=source.source_kind == "table",
                )
                if company_id:
                    break
        family = registry.family(company_id) if company_id else None
        if company_id and source.source_kind in STRUCTURED:
            registry.note_facts(company_id, source.industry, source.country)
            if (
                mention.headcount_min is not None
                and mention.percent is not None
                and mention.date
                and source.source_kind == "table"
            ):
                registry.note_workforce(
                    company_id,
                    mention.headcount_min,
                    mention.percent,
                    mention.date,
                    source.outlet or "table",
                )
        claims.append(Claim(mention, source, company_id, family))
    return claims
