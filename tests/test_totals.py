"""Numbers that add up (issue 10, section 3): on the layoffs.fyi table plus the sample, the same
question gets the same answer on every surface, and every total re-adds from the CSV export.

The ledger is real (a SQLite file, and a PostgreSQL schema of its own) and the surfaces are
read through the web app as a browser or a script would: the tracker page, /api/events,
/api/events.csv, the company list and pages, the charts and /api/statistics."""

from __future__ import annotations

import csv
import io
import os
import re
import warnings
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from typing import Any, NoReturn

import pytest

with warnings.catch_warnings():
    # Starlette suggests another HTTP client package for its TestClient; httpx works as is.
    warnings.simplefilter("ignore", UserWarning)
    from fastapi.testclient import TestClient

from headcount.ingest import import_file, ingest_inputs, sample_paths
from headcount.model import CORE_ROLES
from headcount.resolve import resolve
from headcount.store import open_store
from headcount.store.event_index import UNDATED
from headcount.web import create_app
from test_resolve import _postgres_schema  # a throwaway schema; fails in CI without a server

ROOT = Path(__file__).resolve().parents[1]
TABLE = (
    ROOT.parent / "shared" / "data" / "layoffs_fyi" / "layoffs_2020-03_to_2026-05_with_sources.csv"
)
WARN_SAMPLE = ROOT / "src" / "headcount" / "sample_data" / "warn_wa_sample.csv"
# An article without a date: its layoff is an undated event, which totals include and every
# breakdown by period must account for.
UNDATED_ARTICLE = "Initech will lay off 450 employees at its Austin office, the company said.\n"

#: Filters asked of every surface: none, a year, companies with subsidiaries, a source kind.
FILTERS = ("", "year=2023", "company=Amazon", "company=Microsoft", "year=2025&source=table")


def _unavailable(what: str) -> NoReturn:
    if os.environ.get("CI"):
        pytest.fail(f"required in CI: {what}", pytrace=False)
    pytest.skip(what)


def _fill(target: str, tmp: Path, warn: bool) -> None:
    """The layoffs.fyi table (with the bundled WARN notices when `warn`), the sample articles
    and one undated article, each import resolved as the commands do."""
    article = tmp / "undated.txt"
    article.write_text(UNDATED_ARTICLE, encoding="utf-8")
    with open_store(target) as store:
        import_file(store, "layoffs-fyi", str(TABLE))
        resolve(store)
        if warn:
            import_file(store, "warn", str(WARN_SAMPLE))
            resolve(store)
        ingest_inputs(store, [*sample_paths(), str(article)])
        resolve(store)


def _ledger(kind: str, tmp: Path, warn: bool) -> Iterator[str]:
    if not TABLE.exists():
        _unavailable(f"needs {TABLE}")
    if kind == "sqlite":
        target = str(tmp / "ledger.db")
        _fill(target, tmp, warn)
        yield target
    else:
        for target in _postgres_schema():
            _fill(target, tmp, warn)
            yield target


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The layoffs.fyi table plus the sample (`headcount ingest --sample`), as the issue asks."""
    yield from _ledger(request.param, tmp_path_factory.mktemp("totals"), warn=False)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def warn_db(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The same with the bundled WARN notices too (`make sample`): filings join tracker rows."""
    yield from _ledger(request.param, tmp_path_factory.mktemp("totals_warn"), warn=True)


@pytest.fixture(scope="module")
def client(db: str) -> Iterator[TestClient]:
    with TestClient(create_app(db)) as c:
        yield c


@pytest.fixture(scope="module")
def warn_client(warn_db: str) -> Iterator[TestClient]:
    with TestClient(create_app(warn_db)) as c:
        yield c


# --- reading the surfaces ------------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    events: int
    headcount: int
    without_figure: int | None = None


def _get(client: TestClient, url: str) -> Any:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code, response.text[:300])
    return response


def _number(text: str) -> int:
    return int(text.replace(",", ""))


def _section(html: str, section_id: str) -> str:
    start = html.index(f'id="{section_id}"')
    return html[start : html.index("</section>", start)]


def tracker(client: TestClient, query: str) -> Figures:
    """The totals the tracker page shows above its table."""
    box = _section(_get(client, f"/?{query}").text, "totals")
    found = dict(
        (label, _number(n))
        for n, label in re.findall(r"<strong>([\d,]+)</strong>\s*([a-z ]+?)\s*(?:<|$)", box)
    )
    return Figures(found["events"], found["jobs cut"], found["without a figure"])


def api(client: TestClient, query: str) -> Figures:
    totals = _get(client, f"/api/events?{query}").json()["totals"]
    return Figures(totals["events"], totals["headcount"], totals["without_figure"])


def export(client: TestClient, query: str) -> tuple[Figures, list[dict[str, str]]]:
    """The CSV download re-added: its rows, the sum of its headcount column, the empty cells."""
    rows = list(csv.DictReader(io.StringIO(_get(client, f"/api/events.csv?{query}").text)))
    figures = [r["headcount"] for r in rows]
    return (
        Figures(len(rows), sum(int(v) for v in figures if v), sum(1 for v in figures if not v)),
        rows,
    )


def charts(client: TestClient, query: str) -> tuple[Figures, str]:
    html = _get(client, f"/charts?{query}").text
    events, jobs = re.search(r"([\d,]+) events, ([\d,]+) jobs counted", html).groups()  # type: ignore[union-attr]
    return Figures(_number(events), _number(jobs)), html


def _marks(section: str) -> list[tuple[float, str]]:
    """(data-value, tooltip) of every data mark of a chart."""
    return [
        (float(value), unescape(title))
        for value, title in re.findall(
            r'class="mark"[^>]*data-value="([^"]+)"><title>([^<]*)</title>', section
        )
    ]


# --- one question, one answer ----------------------------------------------------------------


def _same_everywhere(client: TestClient, query: str) -> None:
    page = tracker(client, query)
    listed = api(client, query)
    readded, _ = export(client, query)
    charted, _ = charts(client, query)
    assert page == listed == readded, query
    assert (charted.events, charted.headcount) == (listed.events, listed.headcount), query
    stats = _get(client, f"/api/statistics?by=year&{query}").json()
    assert stats["totals"]["headcount"] == listed.headcount
    assert stats["totals"]["without_figure"] == listed.without_figure


@pytest.mark.parametrize("query", FILTERS)
def test_every_surface_gives_the_same_totals(client: TestClient, query: str) -> None:
    _same_everywhere(client, query)


@pytest.mark.parametrize("query", ["", "year=2023", "source=warn", "company_id=amazon"])
def test_every_surface_gives_the_same_totals_with_warn_notices(
    warn_client: TestClient, query: str
) -> None:
    _same_everywhere(warn_client, query)


@pytest.mark.parametrize("name", ["Amazon", "Microsoft"])
def test_a_company_has_one_total_everywhere(client: TestClient, name: str) -> None:
    cid = name.lower()
    filtered = api(client, f"company={name}")
    readded, rows = export(client, f"company={name}")
    assert filtered == readded
    # Its subsidiaries' rounds (LinkedIn, GitHub; Twitch, Zoox...) are in its totals.
    assert len({r["company"] for r in rows}) > 1
    page = _get(client, f"/api/companies/{cid}").json()["totals"]
    assert Figures(page["events"], page["headcount"], page["without_figure"]) == filtered
    # The page's link to all its events in the tracker keeps the company.
    assert tracker(client, f"company_id={cid}") == filtered
    html = _get(client, f"/companies/{cid}").text
    events, jobs = re.search(r"<dt>Events</dt><dd>([\d,]+), ([\d,]+) jobs counted", html).groups()  # type: ignore[union-attr]
    assert (_number(events), _number(jobs)) == (filtered.events, filtered.headcount)
    # The company list: its line, searched for or on the first page of every company.
    for query in (f"?company={name}", ""):
        listed = _get(client, f"/api/companies{query}").json()["companies"]
        line = next(c for c in listed if c["id"] == cid)
        assert (line["events"], line["headcount"]) == (filtered.events, filtered.headcount)
        html = _get(client, f"/companies{query}").text
        cells = re.search(
            rf'href="/companies/{cid}">[^<]*</a></td><td class="num">([\d,]+)</td>'
            r'<td class="num">([\d,]+)</td>',
            html,
        )
        assert cells is not None
        assert tuple(_number(v) for v in cells.groups()) == (filtered.events, filtered.headcount)
    # The charts: its bar among the companies with the most jobs cut, with and without the filter.
    for query in (f"company={name}", ""):
        _, html = charts(client, query)
        bars = {
            title.split(":")[0]: value for value, title in _marks(_section(html, "chart-companies"))
        }
        assert bars[name] == filtered.headcount
    top = _get(client, "/api/statistics?by=company&limit=50").json()["groups"]
    group = next(g for g in top if g["key"] == cid)
    assert (group["events"], group["headcount"]) == (filtered.events, filtered.headcount)


def test_company_lines_add_up_to_the_tracker(client: TestClient) -> None:
    """Each event is in one line of the company list (its owner's), so the lines re-add to the
    totals of the events that name a company."""
    first = _get(client, "/api/companies?per_page=500").json()
    lines = list(first["companies"])
    pages = -(-first["total"] // 500)
    for n in range(2, pages + 1):
        lines += _get(client, f"/api/companies?per_page=500&page={n}").json()["companies"]
    assert len(lines) == first["total"] == len({c["id"] for c in lines})
    _, rows = export(client, "")
    named = [r for r in rows if r["company_id"]]
    assert sum(c["events"] for c in lines) == len(named)
    assert sum(c["headcount"] for c in lines) == sum(int(r["headcount"] or 0) for r in named)


# --- periods: undated events, the monthly chart ------------------------------------------------


@pytest.mark.parametrize("by", ["year", "month", "month_industry"])
def test_period_breakdowns_account_for_undated_events(client: TestClient, by: str) -> None:
    stats = _get(client, f"/api/statistics?by={by}").json()
    groups, totals = stats["groups"], stats["totals"]
    assert sum(g["events"] for g in groups) == totals["events"]
    assert sum(g["headcount"] for g in groups) == totals["headcount"]
    undated = [g for g in groups if g["key"] == UNDATED]
    assert undated and sum(g["headcount"] for g in undated) >= 450  # Initech, at least
    assert groups[-1]["key"] == UNDATED  # after every date
    # The tracker's year menu offers the years, not the bucket (it is no filter value).
    html = _get(client, "/").text
    assert 'value="2023"' in html and f'value="{UNDATED}"' not in html


def test_monthly_chart_starts_at_the_first_month_and_adds_up(client: TestClient) -> None:
    charted, html = charts(client, "")
    section = _section(html, "chart-monthly")
    months = [g["key"] for g in _get(client, "/api/statistics?by=month").json()["groups"]]
    first_tick = re.search(r'<text class="tick"[^>]*text-anchor="middle">([^<]+)</text>', section)
    assert first_tick is not None and first_tick.group(1) == months[0]
    drawn = sum(value for value, _ in _marks(section))
    note = re.search(r"Not shown: ([\d,]+) events \(([\d,]+) jobs\)", section)
    assert note is not None
    assert drawn + _number(note.group(2)) == charted.headcount


# --- the AI-share chart ------------------------------------------------------------------------


def _quarter(day: str) -> str:
    return f"{day[:4]} Q{(int(day[5:7]) - 1) // 3 + 1}"


def test_ai_share_divides_by_rounds_with_a_stated_reason(client: TestClient) -> None:
    _, html = charts(client, "")
    section = _section(html, "chart-ai")
    _, rows = export(client, "")
    in_all: Counter[str] = Counter()
    with_reason: Counter[str] = Counter()
    citing: Counter[str] = Counter()
    for r in rows:
        if len(r["announced_on"]) < 7:
            continue
        quarter = _quarter(r["announced_on"])
        in_all[quarter] += 1
        tags = [t for t in r["reason_tags"].split("; ") if t]
        if tags:
            with_reason[quarter] += 1
        if "ai" in tags:
            citing[quarter] += 1
    marks = _marks(section)
    assert marks
    for value, title in marks:
        quarter, note = title.split(": ", 1)
        cited, reasoned, rounds = (int(n) for n in re.findall(r"\d+(?= (?:of|rounds))", note))
        assert (cited, reasoned, rounds) == (citing[quarter], with_reason[quarter], in_all[quarter])
        assert reasoned < rounds  # most tracker rows state no reason
        assert value == pytest.approx(100 * cited / reasoned)
    # The axis ticks say what they mark, whatever the scale.
    ticks = re.findall(r'<text class="tick"[^>]*text-anchor="end">([^<]+)</text>', section)
    assert len(ticks) == len(set(ticks)) > 2


def test_percent_axis_ticks_keep_their_decimals() -> None:
    from headcount.web import charts as drawing

    svg = str(drawing.line_chart(["2024 Q1", "2024 Q2"], [0.2, 0.4], "share"))
    ticks = re.findall(r'<text class="tick"[^>]*text-anchor="end">([^<]+)</text>', svg)
    assert ticks[:3] == ["0%", "0.1%", "0.2%"] and len(set(ticks)) == len(ticks)


# --- events: parts of one round, ranges -------------------------------------------------------


def _event(client: TestClient, company: str, day: str) -> dict[str, Any]:
    found = _get(client, f"/api/events?company={company}&since={day}&until={day}").json()["events"]
    assert len(found) == 1, found
    detail: dict[str, Any] = _get(client, f"/api/events/{found[0]['id']}").json()
    return detail


@pytest.mark.parametrize(
    ("company", "day", "parts"),
    [("Oracle", "2025-08-13", [289, 188, 161]), ("Salesforce", "2025-09-03", [93, 30])],
)
def test_rows_of_one_round_at_several_places_add_up(
    client: TestClient, company: str, day: str, parts: list[int]
) -> None:
    event = _event(client, company, day)
    assert event["headcount"] == sum(parts)
    assert (event["headcount_min"], event["headcount_max"]) == (min(parts), sum(parts))
    counted = sorted(c["headcount_min"] for c in event["source_claims"] if c["counted"])
    assert counted == sorted(parts)
    _, rows = export(client, f"company={company}&since={day}&until={day}")
    assert [int(r["headcount"]) for r in rows] == [sum(parts)]


def test_a_range_spans_every_source_figure(warn_client: TestClient, warn_db: str) -> None:
    # Amazon's 8,000 of January 2023 has a WARN filing of 2,320 in Washington.
    event = _event(warn_client, "Amazon", "2023-01-04")
    figures = [c["headcount_min"] for c in event["source_claims"] if c["headcount_min"]]
    assert 2320 in figures and event["headcount"] == 8000
    assert (event["headcount_min"], event["headcount_max"]) == (2320, 8000)
    # And so for every event: each figure of a claim that tells the event itself.
    with open_store(warn_db) as store:
        events = {e.id: e for e in store.events()}
        for source, mention, _doc in store.placed_claims():
            e = events.get(source.event_id or "")
            if e is None or source.role not in CORE_ROLES or source.superseded_by:
                continue
            for figure in (mention.headcount_min, mention.headcount_max):
                if figure is not None:
                    assert e.headcount_min is not None and e.headcount_max is not None, e.id
                    assert e.headcount_min <= figure <= e.headcount_max, (e.id, figure)
