"""`resolve(store)`: place every claim no run has placed yet, and save what changed.

Incremental: only claims without a placement are read, with the events of their companies
(and context claims of those companies that found no event before). Idempotent: a second run
finds nothing to place and writes nothing. One transaction: a run lands whole or not at all.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from headcount.model import Company, EventSource
from headcount.resolve.cluster import Outcome, cluster
from headcount.resolve.facts import ClaimFacts, claims_for
from headcount.resolve.ledger import EventLedger, EventState, Member
from headcount.resolve.registry import Registry
from headcount.store.base import Store, now_iso


@dataclass
class ResolveReport:
    claims: int = 0  # claims placed by this run
    events_created: int = 0
    events_updated: int = 0  # existing events a claim changed
    events_superseded: int = 0  # news-only events merged into a record's event
    roles: dict[str, int] = field(default_factory=dict)
    statistics: int = 0
    context_attached: int = 0  # context kept without an event earlier, attached now
    changes: int = 0
    companies: int = 0  # registry companies added or updated
    seconds: float = 0.0
    # Claims this run could not place, with why; they stay unplaced and are tried again.
    unplaced: list[tuple[str, str]] = field(default_factory=list)

    def summary(self) -> str:
        roles = ", ".join(f"{n} {role}" for role, n in sorted(self.roles.items()))
        return (
            f"resolved {self.claims} claims: {self.events_created} new events, "
            f"{self.events_updated} updated, {self.events_superseded} merged away"
            + (f" ({roles})" if roles else "")
            + f"; {self.changes} changes recorded in {self.seconds:.2f}s"
            + "".join(f"\nnot placed {claim}: {why}" for claim, why in self.unplaced)
        )


def resolve(store: Store, now: str | None = None) -> ResolveReport:
    """Merge unplaced claims into events (see headcount.resolve.cluster for the rules)."""
    started = time.perf_counter()
    now = now or now_iso()
    report = ResolveReport()
    # Reading, computing and writing are one unit that no other writer runs beside: two runs
    # at once would otherwise read the same unplaced claims and both create their events.
    with store.write_lock():
        outcome, changed_companies = _resolve_locked(store, now, report)
    report.unplaced = list(outcome.unplaced)
    report.claims -= len(outcome.unplaced)
    report.events_created = outcome.created
    report.roles = dict(outcome.roles)
    report.statistics = len(outcome.statistics)
    report.changes = len(outcome.changes)
    report.companies = len(changed_companies)
    report.seconds = time.perf_counter() - started
    return report


def _resolve_locked(store: Store, now: str, report: ResolveReport) -> tuple[Outcome, list[Company]]:
    """The work of `resolve`, inside its write lock; counts what it found in report."""
    companies, aliases = store.companies()
    registry = Registry(companies, aliases)
    claims = claims_for(store.unresolved_claims(), registry)
    report.claims = len(claims)
    families = sorted({c.family_id for c in claims if c.family_id is not None})

    states: dict[str, EventState] = {}
    if families:
        for event in store.active_events(families):
            states[event.id] = EventState.from_stored(event)
        for source, mention, doc in store.placed_claims(list(states)):
            state = states.get(source.event_id or "")
            if state is not None:
                claim = ClaimFacts(mention, doc, source.company_id, source.family_id)
                state.members.append(Member.from_stored(source, claim))
    retry = [
        (ClaimFacts(mention, doc, source.company_id, source.family_id), source)
        for source, mention, doc in store.unattached_context(families)
    ]
    ledger = EventLedger(states.values())
    outcome = cluster(claims, ledger, registry, now, retry)

    new_events, updated_events = [], []
    new_sources: list[EventSource] = []
    updated_sources: list[EventSource] = []
    for state in outcome.touched:
        if state.current is None:
            continue  # never summarised: nothing to write
        if state.stored is None:
            new_events.append(state.current)
        elif state.current != state.stored:
            updated_events.append(state.current)
            if state.superseded_by is not None:
                report.events_superseded += 1
            else:
                report.events_updated += 1
        for member in state.members:
            placed = member.source(state.id)
            if member.stored is None:
                new_sources.append(placed)
            elif placed != member.stored:
                updated_sources.append(placed)
                if member.stored.event_id is None:
                    report.context_attached += 1
    for member in outcome.loose:
        if member.stored is None:
            new_sources.append(member.source(None))
    changed_companies, new_aliases = registry.pending()
    store.save_companies(changed_companies, new_aliases)
    store.save_events(
        new_events,
        updated_events,
        new_sources,
        updated_sources,
        outcome.changes,
        outcome.statistics,
    )
    return outcome, changed_companies
