"""The AI theme: layoff rounds whose sources state AI as a reason, over time and by company,
each with the sentence that says so, and how many rounds state any reason at all (most
tracker rows state none, so a share of all rounds would understate what the sources say)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from markupsafe import Markup

from headcount.model import Mention
from headcount.present.reasons import reason_tags
from headcount.store.event_index import UNDATED, EventFilter, Group, Totals
from headcount.web import charts, pages
from headcount.web.queries import EventRow, StorePool

AI = "ai"


@dataclass(frozen=True)
class CitedRound:
    """A round citing AI, with the claims whose stated reason is AI (their sentences)."""

    row: EventRow
    claims: list[Mention]


@dataclass(frozen=True)
class AiTheme:
    rounds: Totals  # every round the filter selects
    with_reason: int  # of those, rounds whose sources state a reason
    citing: Totals  # of those, rounds citing AI
    cited: list[CitedRound]  # the rounds citing AI, newest first (at most `limit`)
    per_year: Markup
    by_company: Markup


def _stating_ai(claims: list[Mention]) -> list[Mention]:
    return [m for m in claims if m.reason and AI in reason_tags([m.reason])]


def ai_theme(stores: StorePool, f: EventFilter, limit: int = 200) -> AiTheme:
    citing = dataclasses.replace(f, reason=AI)
    # month_reason's "*" groups are the rounds with any stated reason, month by month.
    with_reason = sum(g.events for g in stores.breakdown(f, "month_reason") if g.second == "*")
    cited = []
    for row in stores.events_page(citing, "-date", 1, limit).rows:
        detail = stores.event_detail(row.event.id)
        claims = [v.mention for v in detail.sources] if detail else []
        cited.append(CitedRound(row, _stating_ai(claims)))
    companies = stores.breakdown(citing, "company", 20)
    return AiTheme(
        rounds=stores.totals(f),
        with_reason=with_reason,
        citing=stores.totals(citing),
        cited=cited,
        per_year=_per_year(stores.breakdown(citing, "year")),
        by_company=charts.horizontal_bars(
            [g.label or g.key or "?" for g in companies],
            [g.headcount for g in companies],
            "Jobs cut in rounds citing AI, by company",
            links=[f"/companies/{g.key}" if g.key else None for g in companies],
        ),
    )


def _per_year(groups: list[Group]) -> Markup:
    years = sorted(g.key for g in groups if g.key and g.key != UNDATED)
    every = [str(y) for y in range(int(years[0]), int(years[-1]) + 1)] if years else []
    jobs = {g.key: float(g.headcount) for g in groups}
    chart = charts.columns(
        every,
        [jobs.get(y, 0.0) for y in every],
        "Jobs cut in rounds citing AI, per year",
        width=640,
        compact=True,
    )
    return chart + pages.undated_note(groups, "year")
