"""The in-memory ledger of a run: events being resolved, their members, and how to find them.

An EventState holds an event's members (each claim placed on it, with its role and reason)
and the event's fields as stored and as they are now. The EventLedger files active events by
company family and by the year of their lead's date, so that a claim is compared only with
events that could be its layoff, and keeps an index of records by their identity (source,
tracker, company, day) for duplicates and corrections.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from headcount.model import CORE_ROLES, Event, EventSource, Role
from headcount.periods import Span, year_of
from headcount.resolve.facts import ClaimFacts

#: A record's identity: (source kind, tracker or None for WARN, company id, date).
RecordKey = tuple[str, str | None, str | None, str | None]


@dataclass(eq=False)
class Member:
    """A claim placed on an event (or kept without one), with its role and the reason."""

    claim: ClaimFacts
    role: Role
    reason: str
    position: int
    attached_at: str
    superseded_by: str | None = None
    counted: bool = False
    stored: EventSource | None = None  # as the store has it; None when new

    @classmethod
    def from_stored(cls, source: EventSource, claim: ClaimFacts) -> Member:
        return cls(
            claim,
            source.role,
            source.reason,
            source.position,
            source.attached_at,
            superseded_by=source.superseded_by,
            counted=source.counted,
            stored=source,
        )

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

    @classmethod
    def from_stored(cls, event: Event) -> EventState:
        """An event as the store has it, before its members are added."""
        return cls(
            event.id,
            event.family_id,
            [],
            event.first_seen,
            stored=event,
            current=event,
            revision=event.revision,
        )

    def active(self) -> list[Member]:
        return [m for m in self.members if m.superseded_by is None]

    def core(self) -> list[Member]:
        return [m for m in self.members if m.superseded_by is None and m.role in CORE_ROLES]

    def lead(self) -> Member:
        members = self.core() or self.active() or self.members
        return min(members, key=lambda m: (m.claim.rank, m.position))

    def has_record(self) -> bool:
        return any(m.claim.structured for m in self.core())

    def span(self) -> Span | None:
        return self.lead().claim.span

    def nominal(self) -> int | None:
        return self.lead().claim.nominal


def event_id_for(claim: ClaimFacts) -> str:
    return hashlib.sha256(f"event|{claim.id}".encode()).hexdigest()[:12]


def record_key(claim: ClaimFacts) -> RecordKey | None:
    """A record's identity; None for news and for records without a company or a date."""
    if not claim.structured or not claim.mention.date or claim.company_id is None:
        return None
    outlet = None if claim.warn else claim.source.outlet
    return (claim.source.source_kind, outlet, claim.company_id, claim.mention.date)


class EventLedger:
    """Active events by company family and year, plus an index of records by their identity."""

    def __init__(self, events: Iterable[EventState] = ()) -> None:
        self.events: dict[str, EventState] = {}
        self._years: dict[str | None, dict[int | None, list[EventState]]] = {}
        self._records: dict[RecordKey, EventState] = {}
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
        state.bucket = year_of(nominal) if nominal is not None else None
        families.setdefault(state.bucket, []).append(state)
        state.indexed = True

    def note_record(self, state: EventState, member: Member) -> None:
        key = record_key(member.claim)
        if key is not None and member.superseded_by is None and member.role != "filing":
            self._records.setdefault(key, state)

    def same_record(self, claim: ClaimFacts) -> EventState | None:
        key = record_key(claim)
        state = self._records.get(key) if key else None
        if state is not None and state.superseded_by is None:
            return state
        return None

    def near(self, family: str | None, window: Span) -> Iterator[EventState]:
        """Active events of a family whose lead could fall in the window (by year)."""
        years = self._years.get(family)
        if not years:
            return
        first, last = year_of(window[0]), year_of(window[1])
        for year in range(first - 1, last + 2):
            yield from list(years.get(year, ()))

    def family_events(self, family: str | None) -> list[EventState]:
        return [s for bucket in self._years.get(family, {}).values() for s in bucket]
