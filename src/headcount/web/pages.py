"""Server-rendered pages: Jinja2 templates with autoescaping on, so no text from an article,
a feed or a table can become markup, and no script runs but /static/app.js."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import jinja2
from markupsafe import Markup

from headcount import periods
from headcount.model import SOURCE_KINDS, Event, Mention
from headcount.present.figures import format_headline, format_range
from headcount.present.reasons import REASON_NAMES
from headcount.records.base import US_STATES
from headcount.store.event_index import SORTS, UNDATED, Group
from headcount.web import charts
from headcount.web.filters import FILTER_PARAMS
from headcount.web.highlight import figure_span, split_highlight
from headcount.web.tidy import distinct_places, grouped_companies

_HERE = Path(__file__).parent

SOURCE_LABELS = {
    "news": "News",
    "warn": "WARN notice",
    "table": "Tracker table",
    "manual": "Manual",
}
REASON_LABELS = {
    "ai": "AI / automation",
    "restructuring": "Restructuring",
    "costs": "Costs",
    "economy": "Economy / demand",
    "funding": "Funding",
    "merger": "Merger / acquisition",
    "closure": "Closure",
    "other": "Other",
}


def public_origin(origin: str) -> str:
    """Where a document was seen, as the public may see it: URLs and relative paths as they
    were given, but a file given by its absolute path by its name alone (with its record
    number), so that no page or API answer shows how the server's disks are laid out."""
    if origin.lower().startswith("file://"):
        origin = origin[len("file://") :]
    if "://" in origin or not origin:
        return origin
    path, hash_, record = origin.partition("#")
    windows = len(path) > 2 and path[1] == ":" and path[2] in "\\/"
    if path.startswith(("/", "\\", "~")) or windows:
        name = path.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]
        return name + hash_ + record
    return origin


def _num(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}"
    return f"{int(value):,}"


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:g}%"


def query_string(params: Mapping[str, Any], **changes: Any) -> str:
    """ "?a=1&b=2" from params with changes applied; empty values are left out."""
    merged = {k: v for k, v in params.items()}
    merged.update(changes)
    pairs = [(k, str(v)) for k, v in merged.items() if v not in (None, "")]
    return "?" + urlencode(pairs) if pairs else ""


def _highlighted(mention: Mention) -> Markup:
    before, figure, after = split_highlight(mention)
    if not figure:
        return Markup("{}").format(before)
    return Markup('{}<mark class="figure">{}</mark>{}').format(before, figure, after)


def document_html(text: str, mentions: Sequence[Mention], limit: int = 300_000) -> Markup:
    """The document's text with each claim's sentence marked and its figure highlighted."""
    text = text[:limit]
    spans = sorted(
        {
            (m.evidence_start, m.evidence_end, i)
            for i, m in enumerate(mentions)
            if 0 <= m.evidence_start < m.evidence_end <= len(text)
        }
    )
    out: list[Markup] = []
    position = 0
    for start, end, i in spans:
        if start < position:
            continue
        out.append(Markup("{}").format(text[position:start]))
        mention = mentions[i]
        sentence = text[start:end]
        span = figure_span(mention) if sentence == mention.evidence else None
        if span is not None:
            a, b = span
            inner = Markup('{}<mark class="figure">{}</mark>{}').format(
                sentence[:a], sentence[a:b], sentence[b:]
            )
        else:
            inner = Markup("{}").format(sentence)
        out.append(
            Markup('<span class="evidence" id="claim-{}">{}</span>').format(mention.id, inner)
        )
        position = end
    out.append(Markup("{}").format(text[position:]))
    return Markup("").join(out)


def _event_title(event: Event) -> str:
    return (event.company or "Unknown employer") + (
        f" · {event.announced_on}" if event.announced_on else ""
    )


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(_HERE / "templates")),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["num"] = _num
    env.filters["pct"] = _pct
    env.filters["public_origin"] = public_origin
    env.filters["places"] = distinct_places
    env.globals.update(
        query=query_string,
        grouped_companies=grouped_companies,
        headline=format_headline,
        figure_range=format_range,
        highlighted=_highlighted,
        event_title=_event_title,
        SOURCE_LABELS=SOURCE_LABELS,
        REASON_LABELS=REASON_LABELS,
        SOURCE_KINDS=SOURCE_KINDS,
        REASON_NAMES=REASON_NAMES,
        STATE_NAMES=sorted(US_STATES.values()),
        SORTS=tuple(SORTS),
        FILTER_PARAMS=FILTER_PARAMS,
        tojson=lambda v: json.dumps(v, ensure_ascii=False, indent=2),
    )
    return env


ENV = _environment()


def render(template: str, **context: Any) -> str:
    return ENV.get_template(template).render(**context)


# --- the charts page -----------------------------------------------------------------------


def _top_industries(groups: Sequence[Group], keep: int = 9) -> list[str]:
    totals: dict[str, int] = {}
    for g in groups:
        name = g.second or "Unknown"
        totals[name] = totals.get(name, 0) + g.headcount
    ranked = sorted(
        (n for n in totals if n.lower() not in ("other", "unknown")), key=lambda n: (-totals[n], n)
    )
    return ranked[:keep]


def monthly_by_industry(groups: Sequence[Group], months: int | None = None) -> Markup:
    """Jobs cut per month, stacked by industry (the largest nine, the rest as "Other"), from
    the first month with data (or the last `months` months); events whose date names no
    month are counted in a note under the chart, so the chart and the totals agree."""
    present = sorted({g.key for g in groups if g.key and g.key != UNDATED})
    all_months = periods.months(present[0], present[-1]) if present else []
    if months is not None:
        all_months = all_months[-months:]
    keep = _top_industries([g for g in groups if g.key in all_months])
    index = {m: i for i, m in enumerate(all_months)}
    values: dict[str, list[float]] = {name: [0.0] * len(all_months) for name in [*keep, "Other"]}
    for g in groups:
        if g.key not in index:
            continue
        name = g.second or "Unknown"
        values[name if name in keep else "Other"][index[g.key]] += g.headcount
    series = [
        charts.Series(name, values[name], charts.PALETTE[i % len(charts.PALETTE)])
        for i, name in enumerate([*keep, "Other"])
        if any(values[name])
    ]
    chart = charts.stacked_bars(all_months, series, "Jobs cut per month, by industry")
    undated = [g for g in groups if g.key == UNDATED]
    if not undated:
        return chart
    return chart + Markup(
        '<p class="hint" id="monthly-undated">Not shown: {} events ({} jobs) '
        "whose date gives no month.</p>"
    ).format(_num(sum(g.events for g in undated)), _num(sum(g.headcount for g in undated)))


def top_companies(groups: Sequence[Group]) -> Markup:
    return charts.horizontal_bars(
        [g.label or g.key or "?" for g in groups],
        [g.headcount for g in groups],
        "Companies with the most jobs cut",
        links=[f"/companies/{g.key}" if g.key else None for g in groups],
    )


def ai_share(groups: Sequence[Group], quarters: int = 24) -> Markup:
    """Per quarter, the share of rounds with a stated reason that cite AI (the month_reason
    breakdown: second=None is every round, "*" those with any reason, "ai" those citing AI)."""
    cited: dict[str, int] = {}
    with_reason: dict[str, int] = {}
    rounds: dict[str, int] = {}
    for g in groups:
        if not g.key or g.key == UNDATED:
            continue
        quarter = periods.quarter(g.key)
        target = {"ai": cited, "*": with_reason, None: rounds}.get(g.second)
        if target is not None:
            target[quarter] = target.get(quarter, 0) + g.events
    names = sorted(q for q, n in with_reason.items() if n)[-quarters:]
    values: list[float | None] = []
    notes: list[str] = []
    for q in names:
        total = with_reason[q]
        values.append(100.0 * cited.get(q, 0) / total)
        notes.append(
            f"{cited.get(q, 0)} of {total} rounds with a stated reason; {rounds.get(q, 0)} rounds in all"
        )
    return charts.line_chart(
        names, values, "Share of rounds citing AI among rounds with a stated reason", notes=notes
    )


def coverage(groups: Sequence[Group]) -> Markup:
    """Events per year with a WARN filing, a news report and a tracker row."""
    years = sorted(
        {g.key[:4] for g in groups if g.key and g.key != UNDATED and g.second is not None}
    )
    index = {y: i for i, y in enumerate(years)}
    kinds = ("warn", "news", "table")
    values = {k: [0.0] * len(years) for k in kinds}
    for g in groups:
        if g.key and g.key != UNDATED and g.second in kinds:
            values[g.second][index[g.key[:4]]] += g.events
    series = [
        charts.Series(SOURCE_LABELS[k], values[k], charts.PALETTE[i]) for i, k in enumerate(kinds)
    ]
    return charts.grouped_bars(years, series, "Events per year by kind of source")


# --- the tracker's headline -----------------------------------------------------------------


def undated_note(groups: Sequence[Group], what: str) -> Markup:
    """Under a chart by period: the jobs of the events whose date gives no `what` (year,
    month), which it cannot draw, so that its bars and the totals still agree."""
    jobs = sum(g.headcount for g in groups if g.key == UNDATED)
    if not jobs:
        return Markup("")
    return Markup('<p class="hint">Not shown: {} jobs whose date gives no {}.</p>').format(
        _num(jobs), what
    )


def jobs_per_period(years: Sequence[Group], months: Sequence[Group]) -> dict[str, Markup]:
    """The tracker's headline: jobs cut per year (every year from the first to the last) and
    per month (every month from the first to the last), for the tracker's filter. Events
    whose date gives no year (or no month) are counted in a note, so the bars and the
    tracker's total agree."""
    dated_years = sorted(g.key for g in years if g.key and g.key != UNDATED)
    all_years = (
        [str(y) for y in range(int(dated_years[0]), int(dated_years[-1]) + 1)]
        if dated_years
        else []
    )
    per_year = {g.key: float(g.headcount) for g in years}
    dated_months = sorted(g.key for g in months if g.key and g.key != UNDATED)
    all_months = periods.months(dated_months[0], dated_months[-1]) if dated_months else []
    per_month = {g.key: float(g.headcount) for g in months}

    return {
        "years": charts.columns(
            all_years,
            [per_year.get(y, 0.0) for y in all_years],
            "Jobs cut per year",
            width=480,
            compact=True,
        )
        + undated_note(years, "year"),
        "months": charts.columns(
            all_months, [per_month.get(m, 0.0) for m in all_months], "Jobs cut per month"
        )
        + undated_note(months, "month"),
    }
