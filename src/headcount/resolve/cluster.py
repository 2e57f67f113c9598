"""Claims -> events: which claims tell the same layoff, and why.

Everything here is in memory and deterministic: `cluster()` takes claims (already matched to
registry companies) and the events they may join, and places every claim, recording for each a
role and a reason in words. The service loads its inputs from the store and writes its outcome.

The rules, in the order a run applies them:

1. Records (layoffs.fyi-style rows, WARN notices) first, oldest first.
   - The same tracker's row for the same company and day is a `duplicate` (the same figures,
     in the same file or another copy of the table), a `part` of the same round (the same file
     with another figure: another place or unit; parts add up) or a `correction` that
     supersedes the older row (a later import with different figures). WARN notices of one
     company on one day are `part`s of one event (other sites) or `duplicate`s (same figure).
   - A WARN notice near an announced layoff (another tracker's row) whose figure fits inside it
     is a `filing` of it; another tracker's row with a compatible figure is a `report`.
   - Anything else creates an event.
2. Events only news had told, for companies that just got records, are merged into the record's
   event when their lead claim fits it: the news event is superseded, never deleted.
3. News claims, by publication date:
   - `new` claims join the best event of the same company (or its parent/subsidiary)
     whose date falls in the claim's window and whose figure is compatible, as a `report`;
     else they create an event. Windows by date precision (windows.py): a day +-14 days; a
     month +-1 month; a year the same year; a claim dated only by its article's publication,
     the 30 days before it (and 3 after).
   - `past` joins an earlier event with a matching figure as a `report`, else the nearest
     earlier event as `context`; `cumulative` always as `context`; neither ever creates an
     event. With no earlier event it is kept as context and tried again on later runs.
   - `aggregate` figures become statistics; a `rumor` is context.
   - A claim that names no employer is `unattributed`.

Among candidates the order is: the claim's own company before its parent or subsidiary, then
a matching figure before a compatible or unknown one, then records before news, then the
nearest date.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import partial

from headcount.model import EventChange, EventSource, Mention, Role
from headcount.resolve.changes import diff_events
from headcount.resolve.facts import ClaimFacts
from headcount.resolve.figures import (
    FIGURE_TIER,
    FILING_SLACK,
    Verdict,
    compare,
    compare_shares,
    fmt_mention,
    same_figures,
    verdict_words,
)
from headcount.resolve.ledger import EventLedger, EventState, Member, event_id_for, record_key
from headcount.resolve.registry import Registry
from headcount.resolve.summary import comparable_figure, summarize


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
    def __init__(self, ledger: EventLedger, registry: Registry, now: str) -> None:
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

    def attach(self, state: EventState, claim: ClaimFacts, role: Role, reason: str,
               stored: EventSource | None = None) -> Member:  # fmt: skip
        member = Member(claim, role, reason, len(state.members), self.now, stored=stored)
        state.members.append(member)
        self.ledger.note_record(state, member)
        self.out.roles[role] += 1
        self.refresh(state, claim.id, f"{role}: {reason}")
        return member

    def create(self, claim: ClaimFacts, reason: str) -> EventState:
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

    def keep(
        self, claim: ClaimFacts, role: Role, reason: str, stored: EventSource | None = None
    ) -> None:
        member = Member(claim, role, reason, 0, self.now, stored=stored)
        self.out.loose.append(member)
        self.out.roles[role] += 1

    def _company_tier(self, claim: ClaimFacts, state: EventState) -> tuple[int, str]:
        lead = state.lead().claim
        if lead.company_id == claim.company_id:
            return 0, "same company"
        relation = "parent" if state.family_id == claim.company_id else "same owner"
        mine = self.registry.name(claim.company_id) or "?"
        theirs = self.registry.name(lead.company_id) or "?"
        return 1, f"{mine} and {theirs} ({relation})"

    # --- records --------------------------------------------------------------------------

    def place_record(self, claim: ClaimFacts) -> None:
        same = self.ledger.same_record(claim)
        if same is not None:
            self._same_record(same, claim)
            return
        best = self._best(claim, records_only=True)
        if best is not None:
            lead = best.state.lead().claim
            role: Role = "filing" if claim.warn and not lead.warn else "report"
            self.attach(best.state, claim, role, best.why)
            return
        self.create(claim, f"first record of this layoff ({claim.source.outlet or claim.file})")

    def _same_record(self, state: EventState, claim: ClaimFacts) -> None:
        key = record_key(claim)
        others = sorted(
            (m for m in state.active() if record_key(m.claim) == key),
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
                            f"same employer, notice date, place and figure as {same.claim.where()}")  # fmt: skip
            else:
                self.attach(state, claim, "part",
                            f"another site of the same employer's notices of {mine.date}")  # fmt: skip
            return
        agreeing = next((m for m in others if same_figures(mine, m.claim.mention)), None)
        if agreeing is not None:
            copy = (
                "the same table"
                if claim.batch == agreeing.claim.batch
                else "another copy of the table"
            )
            self.attach(state, claim, "duplicate",
                        f"same company, date and figures as {agreeing.claim.where()} in {copy}")  # fmt: skip
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
                    f"same company and date as {other.claim.where()} in the same table with "
                    f"another figure ({fmt_mention(mine)}): another part of the same round",
                )
                return
            self.attach(
                state,
                claim,
                "duplicate",
                f"same company and date as {other.claim.where()} in the same table; figures "
                f"{fmt_mention(other.claim.mention)} and {fmt_mention(mine)} kept as a range",
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
                f"figures; {fmt_mention(mine)} kept as one more figure of the range",
            )
            return
        latest.superseded_by = claim.id
        self.attach(
            state,
            claim,
            "correction",
            f"edited row: {latest.claim.where()} said {fmt_mention(latest.claim.mention)}, "
            f"this later import says {fmt_mention(mine)}",
        )

    # --- candidates -----------------------------------------------------------------------

    def _best(
        self,
        claim: ClaimFacts,
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
            key = (tier, FIGURE_TIER.get(verdict, 1), 0 if has_record else 1, distance)
            lead = state.lead().claim
            why = (
                f"{company}; {lead.describe_date()} within the window of {claim.describe_date()}; "
                f"figure {self._verdict_words(verdict, claim, state)}"
            )
            found.append(_Candidate(state, key, why))
        if not found:
            return None
        return min(found, key=lambda c: (c.key, c.state.id))

    def _record_fits(self, claim: ClaimFacts, state: EventState) -> bool:
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

    def _figures(self, claim: ClaimFacts, state: EventState) -> Verdict:
        lead = state.lead().claim
        event_figure = comparable_figure(state)
        if claim.warn and claim.figure and event_figure and not lead.warn:
            # A notice covers one site: it fits when it is not larger than the whole.
            return "match" if claim.figure[0] <= event_figure[1] * FILING_SLACK else "conflict"
        if claim.structured and not claim.warn and lead.warn and claim.figure and event_figure:
            return "match" if event_figure[0] <= claim.figure[1] * FILING_SLACK else "conflict"
        verdict = compare(claim.figure, event_figure)
        if verdict == "unknown" and claim.figure is None and state.current is not None:
            mine, theirs = claim.mention.percent, state.current.percent
            if mine is not None and theirs is not None:
                return compare_shares(mine, theirs)
        return verdict

    @staticmethod
    def _verdict_words(verdict: Verdict, claim: ClaimFacts, state: EventState) -> str:
        their_share = state.current.percent if state.current is not None else None
        return verdict_words(
            verdict, claim.figure, comparable_figure(state), claim.mention.percent, their_share
        )

    # --- news -----------------------------------------------------------------------------

    def place_news(self, claim: ClaimFacts) -> None:
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
        if kind == "rumor":
            if best is not None:
                self.attach(best.state, claim, "context", f"{kind}: {best.why}")
            else:
                self.keep(claim, "context", f"{kind} about no known event")
            return
        if best is not None:
            self.attach(best.state, claim, "report", best.why)
            return
        self.create(claim, f"no known event of this company near {claim.describe_date()}")

    def place_context(self, claim: ClaimFacts, stored: EventSource | None = None) -> bool:
        """A past round or running total: onto an earlier event, never a new one."""
        window = claim.past_window()
        candidates: list[EventState] = []
        if window is not None and window[0] <= window[1]:
            for state in self.ledger.near(claim.family_id, window):
                nominal = state.nominal()
                if nominal is None or not window[0] <= nominal <= window[1]:
                    continue
                if any(
                    m.claim.mention.document_id == claim.mention.document_id
                    and m.claim.kind == "new"
                    for m in state.core()
                ):
                    continue  # the article's own news is not its past
                candidates.append(state)
        label = "past round" if claim.kind == "past" else "running total"
        if claim.kind == "past":
            matches = [
                s for s in candidates if compare(claim.figure, comparable_figure(s)) == "match"
            ]
            if matches:
                state = min(
                    matches, key=lambda s: (abs((s.nominal() or 0) - (claim.nominal or 0)), s.id)
                )
                self.attach(state, claim, "report",
                            f"{label} cited later ({claim.describe_date()}); "
                            f"figure matches this event", stored)  # fmt: skip
                return True
        if candidates:
            state = max(candidates, key=lambda s: (s.nominal() or 0, s.id))
            self.attach(state, claim, "context",
                        f"{label} cited later ({claim.describe_date()}); "
                        "attached to the nearest earlier event of the company as context",
                        stored)  # fmt: skip
            return True
        if stored is None:
            self.keep(claim, "context", f"{label} ({claim.describe_date()}) with no earlier event "
                      "of the company known yet; kept as context")  # fmt: skip
        return False

    # --- merging events news told before a record arrived -----------------------------------

    def absorb(self, families: Iterable[str]) -> None:
        for family in sorted(families):
            for state in sorted(self.ledger.family_events(family), key=lambda s: s.id):
                if state.superseded_by is not None or state.has_record():
                    continue
                lead = state.lead().claim
                if lead.kind != "new":
                    continue
                best = self._best(lead, records_only=True, exclude=state)
                if best is not None:
                    self.merge(state, best.state, lead, best.why)

    def merge(self, source: EventState, target: EventState, cause: ClaimFacts, why: str) -> None:
        for member in source.members:
            role: Role = "report" if member.role == "primary" else member.role
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


def _record_order(claim: ClaimFacts) -> tuple[str, str, str, str, int, str]:
    # By date, then in the order the records were first seen: a later import of a tracker's
    # row is the newer copy.
    return (claim.mention.date or "9999", claim.seen, claim.source.outlet or "", claim.file,
            claim.row, claim.id)  # fmt: skip


def _news_order(claim: ClaimFacts) -> tuple[str, str, int, str]:
    return (
        claim.source.published_at or claim.mention.date or "9999",
        claim.mention.document_id,
        claim.mention.evidence_start,
        claim.id,
    )


def cluster(
    claims: Sequence[ClaimFacts],
    ledger: EventLedger,
    registry: Registry,
    now: str,
    retry: Sequence[tuple[ClaimFacts, EventSource]] = (),
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


def _isolated(run: _Run, claim: ClaimFacts, place: Callable[[ClaimFacts], object]) -> None:
    """One claim that cannot be placed must not stop the run: it stays unplaced (the next run
    tries it again) and is reported with its reason."""
    try:
        place(claim)
    except Exception as error:  # noqa: BLE001 - any defect in one placement, reported below
        reason = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
        run.out.unplaced.append((claim.id, reason))
