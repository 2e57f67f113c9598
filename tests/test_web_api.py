"""The JSON API, feeds, downloads and security headers, against a real SQLite file (and a few
against PostgreSQL), through the ASGI app with httpx's TestClient."""

from __future__ import annotations

import csv
import io
import json
import os
import sqlite3
import threading
import time
import urllib.parse
import uuid
import warnings
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, NoReturn

import pytest

with warnings.catch_warnings():
    # Starlette suggests another HTTP client package for its TestClient; httpx works as is.
    warnings.simplefilter("ignore", UserWarning)
    from fastapi.testclient import TestClient

from headcount.present.reasons import REASON_NAMES, reason_tags
from headcount.store import open_store
from headcount.store.event_index import BREAKDOWNS, SOURCE_KINDS, EventFilter
from headcount.web import create_app
from headcount.web.fast_path import plain_events_query
from headcount.web.middleware import CSP
from headcount.web.queries import StorePool
from web_support import build_ledger

TOKEN = "test-token-123"
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    tmp = tmp_path_factory.mktemp("web")
    target = str(tmp / "ledger.db")
    build_ledger(target, tmp)
    return target


@pytest.fixture(scope="module")
def client(db: str) -> Iterator[TestClient]:
    with TestClient(create_app(db, token=TOKEN)) as c:
        yield c


def get(client: TestClient, url: str, status: int = 200) -> Any:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code, response.text[:500])
    return response.json()


def alexa_event(client: TestClient) -> dict[str, Any]:
    found = get(client, "/api/events?q=alexa")["events"]
    assert len(found) == 1, found
    event: dict[str, Any] = found[0]
    return event


# --- /api/events -----------------------------------------------------------------------------


def test_events_page_carries_events_total_and_totals(client: TestClient) -> None:
    page = get(client, "/api/events")
    assert page["page"] == 1 and page["per_page"] == 50
    assert page["total"] == page["totals"]["events"] > 200
    assert len(page["events"]) == 50
    assert page["pages"] == -(-page["total"] // 50)
    assert page["next"] == "/api/events?page=2"
    first = page["events"][0]
    for field in (
        "id",
        "company",
        "announced_on",
        "headcount",
        "headcount_min",
        "headcount_max",
        "sources",
        "source_kinds",
        "reason_tags",
        "url",
        "status",
        "industry",
    ):
        assert field in first
    dates = [e["announced_on"] for e in page["events"] if e["announced_on"]]
    assert dates == sorted(dates, reverse=True)
    assert all(e["status"] != "superseded" for e in page["events"])


def test_company_and_date_range_as_in_the_issue(client: TestClient) -> None:
    page = get(client, "/api/events?company=Amazon&since=2023-01-01&until=2023-12-31")
    events = page["events"]
    assert page["total"] == len(events) >= 4
    assert all("2023-01-01" <= e["announced_on"] <= "2023-12-31" for e in events)
    assert all("amazon" in (e["company"] + " " + (e["parent"] or "")).lower() for e in events)
    figures = {e["headcount"] for e in events}
    assert {8000, 9000, 180} <= figures
    assert page["filters"] == {"company": "Amazon", "since": "2023-01-01", "until": "2023-12-31"}
    assert page["totals"]["headcount"] >= 8000 + 9000 + 180 + 200


def test_year_is_since_and_until(client: TestClient) -> None:
    a = get(client, "/api/events?company=amazon&year=2023")
    b = get(client, "/api/events?company=amazon&since=2023&until=2023")
    assert a["total"] == b["total"] and [e["id"] for e in a["events"]] == [
        e["id"] for e in b["events"]
    ]


def test_full_text_search_reads_source_sentences(client: TestClient) -> None:
    event = alexa_event(client)
    assert event["company"] == "Amazon" and event["announced_on"] == "2023-11-17"
    assert (event["headcount_min"], event["headcount_max"]) == (200, 900)
    assert event["source_kinds"] == ["news", "table"]
    assert "ai" in event["reason_tags"]
    # Every word must match; "alexa" with a word of another event finds nothing.
    assert get(client, "/api/events?q=alexa+kraken")["total"] == 0
    assert get(client, "/api/events?q=ALEXA")["total"] == 1


@pytest.mark.parametrize(
    ("query", "check"),
    [
        ("industry=retail", lambda e: e["industry"] == "Retail"),
        ("country=sweden", lambda e: e["country"] == "Sweden"),
        ("source=warn", lambda e: "warn" in e["source_kinds"]),
        ("source=news", lambda e: "news" in e["source_kinds"]),
        ("source=table", lambda e: "table" in e["source_kinds"]),
        ("reason=ai", lambda e: "ai" in e["reason_tags"]),
        ("min_headcount=5000", lambda e: (e["headcount"] or e["headcount_min"]) >= 5000),
        ("max_headcount=50", lambda e: (e["headcount"] or e["headcount_min"] or 0) <= 50),
        (
            "min_headcount=100&max_headcount=200",
            lambda e: 100 <= (e["headcount"] or e["headcount_min"]) <= 200,
        ),
        ("since=2024-01", lambda e: e["announced_on"] >= "2024-01"),
        ("until=2022", lambda e: e["announced_on"][:4] <= "2022"),
        ("company_id=amazon", lambda e: e["company"] in ("Amazon", "Twitch")),
        ("state=washington", lambda e: "Washington" in e["states"]),
        ("state=WA", lambda e: "Washington" in e["states"]),
        ("city=redmond", lambda e: "Redmond" in e["cities"]),
        ("city=SF+Bay+Area", lambda e: "SF Bay Area" in e["cities"]),
        ("stage=post-ipo", lambda e: e["stage"] == "Post-IPO"),
        ("stage=Series+B", lambda e: e["stage"] == "Series B"),
        ("min_funds=1000", lambda e: e["funds_raised"] >= 1000),
        ("max_funds=50", lambda e: e["funds_raised"] <= 50),
        ("min_funds=100&max_funds=200", lambda e: 100 <= e["funds_raised"] <= 200),
    ],
)
def test_each_filter_selects_what_it_says(client: TestClient, query: str, check: Any) -> None:
    page = get(client, f"/api/events?per_page=500&{query}")
    assert page["total"] == len(page["events"]) > 0, query
    assert all(check(e) for e in page["events"]), query
    everything = get(client, "/api/events?per_page=500")
    assert page["total"] < everything["total"]


def test_states_and_cities_are_those_the_records_file(client: TestClient) -> None:
    """A WARN notice names its city, county and state; a tracker row its city and country.
    The state is the notice's, a county is no city, and a place in prose is neither."""
    microsoft = get(client, "/api/events?company=microsoft&state=washington&per_page=500")
    assert microsoft["total"] > 0
    assert any("Redmond" in e["cities"] for e in microsoft["events"])
    for event in microsoft["events"]:
        assert event["states"] == ["Washington"]
        assert not any(city.endswith("County") for city in event["cities"])
    (spotify,) = get(client, "/api/events?company=spotify&city=stockholm")["events"]
    assert spotify["cities"] == ["Stockholm"] and spotify["states"] == []
    # Equal ignoring case, not a part of a name; a state by name or code.
    assert get(client, "/api/events?city=STOCKHOLM")["total"] == 1
    assert get(client, "/api/events?city=stock")["total"] == 0
    assert get(client, "/api/events?city=a_b")["total"] == 0
    by_code = get(client, "/api/events?state=wa")["total"]
    assert by_code == get(client, "/api/events?state=Washington")["total"] > 0
    assert get(client, "/api/events?state=georgia")["total"] == 0
    # A tracker row ends with its country, never a state; the places its news sources name
    # (Canada, India) are neither states nor cities.
    alexa = alexa_event(client)
    assert {"Canada", "India"} <= set(alexa["locations"])
    assert alexa["cities"] == ["Seattle"] and alexa["states"] == []


def test_stage_and_funds_are_those_the_tracker_rows_state(client: TestClient) -> None:
    """layoffs.fyi rows state the company's funding stage and funds raised (US$ millions);
    events without such a row (WARN notices alone, news) have neither."""
    amazon = get(client, "/api/events?company=amazon&year=2023&per_page=500")["events"]
    rows = [e for e in amazon if "table" in e["source_kinds"]]
    assert rows and all((e["stage"], e["funds_raised"]) == ("Post-IPO", 108) for e in rows)
    (spotify,) = get(client, "/api/events?company=spotify")["events"]
    assert (spotify["stage"], spotify["funds_raised"]) == ("Post-IPO", 2100)
    warn_only = get(client, "/api/events?source=warn&per_page=500")["events"]
    alone = [e for e in warn_only if e["source_kinds"] == ["warn"]]
    assert alone and all(e["stage"] is None and e["funds_raised"] is None for e in alone)
    # layoffs.fyi's "Unknown" is no stage.
    assert get(client, "/api/events?stage=unknown")["total"] == 0
    page = get(client, "/api/events?min_funds=2000&max_funds=2100&per_page=500")
    assert spotify["id"] in {e["id"] for e in page["events"]}
    assert "Spotify" in client.get("/?stage=post-ipo&min_funds=2000").text


def test_funding_is_read_from_a_tracker_rows_text() -> None:
    from headcount.records.layoffs_fyi_kaggle import funding

    text = (
        "Amazon (Seattle, United States; Retail) laid off 8,000 (2%) on 2023-01-04. "
        "Stage: Post-IPO. Raised: $1,200M. Added: 2023-01-04. Source: https://example.com/a"
    )
    assert funding(text) == ("Post-IPO", 1200.0)
    assert funding("X laid off 5 on 2023-01-04. Stage: Series B.") == ("Series B", None)
    assert funding("X laid off 5 on 2023-01-04. Stage: Unknown. Raised: $0.5M.") == (None, 0.5)
    assert funding("X laid off 5. Raised: a lot. Source: https://example.com/b") == (None, None)


def test_company_id_includes_subsidiaries(client: TestClient) -> None:
    page = get(client, "/api/events?company_id=amazon&per_page=500")
    companies = {e["company"] for e in page["events"]}
    assert {"Amazon", "Twitch"} <= companies


def test_paging_walks_every_event_once(client: TestClient) -> None:
    total = get(client, "/api/events?source=table")["total"]
    seen: list[str] = []
    url: str | None = "/api/events?source=table&per_page=7&sort=company"
    pages = 0
    while url:
        page = get(client, url)
        assert page["total"] == total
        seen += [e["id"] for e in page["events"]]
        url = page["next"]
        pages += 1
    assert len(seen) == len(set(seen)) == total
    assert pages == -(-total // 7)
    beyond = get(client, f"/api/events?source=table&per_page=7&page={pages + 1}")
    assert beyond["events"] == [] and beyond["next"] is None


@pytest.mark.parametrize(
    "sort",
    [
        "date",
        "-date",
        "company",
        "-company",
        "headcount",
        "-headcount",
        "sources",
        "-sources",
        "first_seen",
        "-first_seen",
    ],
)
def test_sort_orders(client: TestClient, sort: str) -> None:
    events = get(client, f"/api/events?sort={sort}&per_page=500")["events"]
    name = sort.lstrip("-")

    def key(e: dict[str, Any]) -> Any:
        if name == "date":
            return e["announced_on"] or ""
        if name == "company":
            return (e["company"] or e["id"]).lower()
        if name == "headcount":
            value = e["headcount"] if e["headcount"] is not None else e["headcount_min"]
            value = value if value is not None else e["headcount_max"]
            return value if value is not None else -1
        return e[name]

    keys = [key(e) for e in events]
    assert keys == sorted(keys, reverse=sort.startswith("-"))


@pytest.mark.parametrize(
    ("url", "status", "message"),
    [
        ("/api/events?since=2023-13", 400, "not a real date"),
        ("/api/events?since=2023-02-30", 400, "not a real date"),
        ("/api/events?until=23-01-01", 400, "YYYY"),
        ("/api/events?since=2024&until=2023", 400, "after"),
        ("/api/events?year=2023&since=2023-01", 400, "not both"),
        ("/api/events?year=twenty", 400, "year"),
        ("/api/events?sort=size", 400, "unknown sort"),
        ("/api/events?source=blog", 400, "unknown source"),
        ("/api/events?reason=boredom", 400, "unknown reason"),
        ("/api/events?min_headcount=10&max_headcount=5", 400, "above"),
        ("/api/events?per_page=501", 422, "less than or equal"),
        ("/api/events?per_page=100000", 422, "less than or equal"),
        ("/api/events?per_page=0", 422, "greater than"),
        ("/api/events?page=0", 422, "greater than"),
        ("/api/events?page=x", 422, "integer"),
        ("/api/events?min_headcount=-1", 422, "greater than"),
        ("/api/companies?per_page=1000", 422, "less than or equal"),
        ("/api/statistics?by=weekday", 400, "unknown breakdown"),
        ("/api/statistics?since=yesterday", 400, "YYYY"),
        ("/api/events.csv?since=2023-99", 400, "not a real date"),
        ("/feeds/events.atom?until=nope", 400, "YYYY"),
        ("/api/events/0000notanid", 404, "no event"),
        ("/api/companies/no-such-company", 404, "no company"),
        ("/feeds/companies/no-such-company.atom", 404, "no company"),
        ("/api/nothing-here", 404, "Not Found"),
        ("/api/events?company=%2C%2C", 400, "company filter has no words"),
        ("/api/events?state=Ontario", 400, "unknown state"),
        ("/api/events?min_funds=10&max_funds=5", 400, "min_funds (10) is above max_funds (5)"),
        ("/api/events?min_funds=-1", 422, "greater than"),
        ("/api/events.csv?state=XX", 400, "unknown state"),
    ],
)
def test_error_responses(client: TestClient, url: str, status: int, message: str) -> None:
    response = client.get(url)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert message.lower() in json.dumps(response.json()["detail"]).lower()


@pytest.mark.parametrize(
    "query",
    [
        "",
        "year=2023&sort=company",
        "q=amazon&per_page=3&page=2",
        "company=amazon&since=2023-01",
        "source=warn&min_headcount=10&sort=-headcount",
        "industry=retail&reason=ai",
    ],
)
def test_queries_the_route_answers_agree_with_plain_ones(client: TestClient, query: str) -> None:
    """A plain query is answered before FastAPI's route (EventsFastPath); one with a parameter
    the API does not know goes through the route. Both give the same answer."""
    plain = get(client, f"/api/events?{query}")
    routed = get(client, f"/api/events?{query}&utm_source=feed")
    for answer in (plain, routed):
        answer.pop("next")
    assert routed == plain


@pytest.mark.parametrize(
    "query",
    [
        "year=2023&year=2024",
        "utm=1",
        "page=007",
        "page=+2",
        "page=0",
        "per_page=501",
        "per_page=",
        "min_headcount=5.0",
        "sort=weekday",
        "year=23",
        "since=2024&until=2023",
        "company=%2C%2C",
    ],
)
def test_unusual_queries_are_left_to_the_route(query: str) -> None:
    from starlette.datastructures import QueryParams

    assert plain_events_query(QueryParams(query)) is None


def test_every_filter_the_store_knows_is_a_parameter_of_every_surface() -> None:
    """The API, the pages and the fast path read FILTER_PARAMS; a field added to EventFilter
    but not to them would be a filter no URL can set."""
    from dataclasses import fields

    from headcount.web.filters import FILTER_PARAMS

    stored = {f.name for f in fields(EventFilter)} - {"min_confidence"}
    assert set(FILTER_PARAMS) == stored | {"year", "include_unconfirmed"}


def test_plain_queries_are_read_as_the_route_reads_them() -> None:
    from starlette.datastructures import QueryParams

    query = plain_events_query(
        QueryParams("q=Alexa&year=2023&sort=company&page=2&per_page=20&min_headcount=0")
    )
    assert query is not None
    assert (query.sort, query.page, query.per_page) == ("company", 2, 20)
    assert query.filter == EventFilter(q="Alexa", since="2023", until="2023", min_headcount=0)
    default = plain_events_query(QueryParams(""))
    assert default is not None and (default.sort, default.page, default.per_page) == (
        "-date",
        1,
        50,
    )


def test_ledger_pool_lends_at_most_its_size_and_takes_every_store_back(db: str) -> None:
    ledger = StorePool(db, cache_size=0, pool_size=3)
    ledger.sync(force=True)  # the read model, as the app's start-up brings it up to date
    lent = 0
    most = 0
    lock = threading.Lock()

    def use(_: int) -> int:
        nonlocal lent, most
        with ledger.connection() as store:
            with lock:
                lent += 1
                most = max(most, lent)
            time.sleep(0.01)
            count = store.event_count()
            with lock:
                lent -= 1
        return count

    with ThreadPoolExecutor(max_workers=12) as pool:
        counts = list(pool.map(use, range(60)))
    assert len(set(counts)) == 1 and most <= 3
    assert ledger.pool_status() == (3, 3)  # all open stores are back, idle
    # A question refused (ValueError) leaves the store in the pool; a store whose use failed
    # otherwise (a lost connection, say) is closed, not lent again.
    with pytest.raises(ValueError), ledger.connection() as store:
        store.find_events(EventFilter(), "weekday")
    assert ledger.pool_status() == (3, 3)
    with pytest.raises(ConnectionError), ledger.connection():
        raise ConnectionError("the server went away")
    assert ledger.pool_status() == (2, 2)
    # Answers through the pool; an event loop's call never waits for a store: None when
    # every store is lent.
    f = EventFilter(q="alexa")
    assert ledger.records_page(f, "-date", 1, 10).totals.events == 1
    assert ledger.records_page_now(f, "-date", 1, 10) == ledger.records_page(f, "-date", 1, 10)
    with ledger.connection(), ledger.connection():
        assert ledger.records_page_now(f, "-date", 1, 10) is None
    assert ledger.pool_status() == (2, 2)
    ledger.close()
    assert ledger.pool_status() == (0, 0)
    with pytest.raises(RuntimeError), ledger.connection():
        pass


# --- one event, companies, statistics --------------------------------------------------------


def test_event_with_every_source_its_figure_span_and_history(client: TestClient) -> None:
    event_id = alexa_event(client)["id"]
    detail = get(client, f"/api/events/{event_id}")
    assert detail["id"] == event_id and detail["url"] == f"/events/{event_id}"
    by_kind = {c["source_kind"]: c for c in detail["source_claims"]}
    news, table = by_kind["news"], by_kind["table"]
    start, end = news["figure_span"]
    assert news["evidence"][start:end] == "several hundred"
    assert (news["headcount_min"], news["headcount_max"]) == (200, 900)
    assert table["url"].startswith("https://www.geekwire.com/")
    assert table["figure_span"] is None  # "an undisclosed number"
    assert detail["changes"][0]["field"] == "created"
    assert any(c["field"] == "headcount_min" and c["new"] == 200 for c in detail["changes"])


def test_companies_list_and_one_company(client: TestClient) -> None:
    page = get(client, "/api/companies?per_page=5")
    assert page["total"] > 100 and len(page["companies"]) == 5
    counts = [c["events"] for c in page["companies"]]
    assert counts == sorted(counts, reverse=True)
    assert "microsoft" in [c["id"] for c in page["companies"]]  # many WARN notices
    found = get(client, "/api/companies?company=spotify")
    assert [c["name"] for c in found["companies"]] == ["Spotify"]

    amazon = get(client, "/api/companies/amazon")
    assert amazon["name"] == "Amazon" and amazon["parent"] is None
    assert "twitch" in [s["id"] for s in amazon["subsidiaries"]]
    assert amazon["totals"]["events"] == len(amazon["events"])
    assert {e["company"] for e in amazon["events"]} >= {"Amazon", "Twitch"}
    twitch = get(client, "/api/companies/twitch")
    assert twitch["parent"]["id"] == "amazon"


@pytest.mark.parametrize("by", BREAKDOWNS)
def test_statistics_every_breakdown(client: TestClient, by: str) -> None:
    stats = get(client, f"/api/statistics?by={by}")
    assert stats["by"] == by and stats["groups"]
    totals = stats["totals"]
    groups = stats["groups"]
    if by in ("company", "industry", "country"):
        assert sum(g["events"] for g in groups) == totals["events"]
        assert sum(g["headcount"] for g in groups) == totals["headcount"]
        heads = [g["headcount"] for g in groups]
        assert heads == sorted(heads, reverse=True)
    elif by in ("month", "year"):
        keys = [g["key"] for g in groups]
        assert keys == sorted(keys)
        assert sum(g["events"] for g in groups) <= totals["events"]
    elif by in ("reason", "source"):
        names = REASON_NAMES if by == "reason" else SOURCE_KINDS
        assert [g["key"] for g in groups] == list(names)
    else:
        assert all(g["key"] for g in groups)


def test_statistics_follow_the_filters(client: TestClient) -> None:
    stats = get(client, "/api/statistics?by=year&company=amazon")
    events = get(client, "/api/events?company=amazon&per_page=500")
    assert stats["totals"] == events["totals"]
    assert sum(g["events"] for g in stats["groups"]) == events["total"]
    by_source = {g["key"]: g["events"] for g in get(client, "/api/statistics?by=source")["groups"]}
    assert by_source["warn"] == get(client, "/api/events?source=warn")["total"]
    top = get(client, "/api/statistics?by=company&limit=3")["groups"]
    assert len(top) == 3 and top[0]["label"] == "Amazon"


# --- downloads and feeds -------------------------------------------------------------------------


def test_csv_and_json_downloads_of_a_filtered_view(client: TestClient) -> None:
    query = "company=amazon&since=2023"
    total = get(client, f"/api/events?{query}")["total"]
    response = client.get(f"/api/events.csv?{query}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == total
    assert all(r["announced_on"] >= "2023" for r in rows)
    assert {"id", "company", "headcount", "source_kinds", "url"} <= set(rows[0])

    response = client.get(f"/api/events.json?{query}&sort=-headcount")
    assert response.status_code == 200 and "attachment" in response.headers["content-disposition"]
    data = response.json()
    assert len(data) == total and data[0]["headcount"] == max(e["headcount"] or 0 for e in data)
    everything = client.get("/api/events.csv")
    assert (
        len(list(csv.DictReader(io.StringIO(everything.text))))
        == get(client, "/api/events")["total"]
    )


def test_original_source_on_every_event_of_the_api_and_the_downloads(client: TestClient) -> None:
    """Each listed event carries its original source's absolute address: the API's kept
    records and the downloads (read through Store.source_urls) agree event by event."""
    page = get(client, "/api/events?company=amazon&per_page=500")
    listed = {e["id"]: e["source_url"] for e in page["events"]}
    assert all(url and url.startswith(("http://", "https://")) for url in listed.values())
    alexa = alexa_event(client)
    assert alexa["source_url"] == (
        "https://www.geekwire.com/2023/amazon-will-cut-several-hundred-more-jobs-on-alexa-team"
        "-as-it-discontinues-some-initiatives/"
    )
    csv_rows = list(csv.DictReader(io.StringIO(client.get("/api/events.csv?company=amazon").text)))
    assert {r["id"]: r["source_url"] for r in csv_rows} == listed
    downloaded = client.get("/api/events.json?company=amazon").json()
    assert {e["id"]: e["source_url"] for e in downloaded} == listed
    for event in downloaded:
        assert event["page_url"] == f"http://testserver/events/{event['id']}"
    # One event's answer and its company's say the same.
    detail = get(client, f"/api/events/{alexa['id']}")
    assert detail["source_url"] == alexa["source_url"]
    assert (detail["states"], detail["cities"]) == (alexa["states"], alexa["cities"])
    company = get(client, "/api/companies/amazon")
    assert {e["id"]: e["source_url"] for e in company["events"]} == {
        k: v for k, v in listed.items() if k in {e["id"] for e in company["events"]}
    }
    # A record without a web address (a file) gives none rather than a path.
    everything = get(client, "/api/events?per_page=500")["events"]
    assert all(e["source_url"] is None or "://" in e["source_url"] for e in everything)


def test_csv_and_json_downloads_carry_states_and_cities(client: TestClient) -> None:
    query = "state=WA&city=seattle"
    page = get(client, f"/api/events?{query}&per_page=500")
    assert page["total"] > 1
    response = client.get(f"/api/events.csv?{query}")
    assert response.status_code == 200
    assert "state-washington-city-seattle" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == page["total"]
    for row, event in zip(rows, page["events"], strict=True):
        assert row["id"] == event["id"]
        assert row["states"] == "; ".join(event["states"]) and "Washington" in row["states"]
        assert row["cities"] == "; ".join(event["cities"])
        assert "Seattle" in row["cities"].split("; ")
        assert row["stage"] == (event["stage"] or "")
        assert row["funds_raised"] == (
            "" if event["funds_raised"] is None else str(event["funds_raised"])
        )
    downloaded = client.get(f"/api/events.json?{query}").json()
    assert [(e["states"], e["cities"]) for e in downloaded] == [
        (e["states"], e["cities"]) for e in page["events"]
    ]


def test_atom_feeds_overall_and_per_company(client: TestClient) -> None:
    response = client.get("/feeds/events.atom")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 50
    first = entries[0]
    assert first.findtext(f"{ATOM}title") and first.findtext(f"{ATOM}updated")
    link = first.find(f"{ATOM}link")
    assert link is not None and "/events/" in link.get("href", "")
    published = [e.findtext(f"{ATOM}published") or "" for e in entries]
    assert published == sorted(published, reverse=True)

    feed = ET.fromstring(client.get("/feeds/companies/amazon.atom").content)
    titles = [e.findtext(f"{ATOM}title") or "" for e in feed.findall(f"{ATOM}entry")]
    assert titles and all(t.startswith(("Amazon", "Twitch")) for t in titles)
    assert "Amazon" in (feed.findtext(f"{ATOM}title") or "")
    filtered = ET.fromstring(client.get("/feeds/events.atom?source=news").content)
    assert 0 < len(filtered.findall(f"{ATOM}entry")) < 50


# --- the schema, headers and pages ---------------------------------------------------------------


def test_openapi_schema_documents_every_endpoint(client: TestClient) -> None:
    schema = get(client, "/api/openapi.json")
    assert schema["openapi"].startswith("3.")
    paths = schema["paths"]
    for path in (
        "/api/events",
        "/api/events/{event_id}",
        "/api/events.csv",
        "/api/events.json",
        "/api/companies",
        "/api/companies/{company_id}",
        "/api/statistics",
        "/api/ingest",
        "/feeds/events.atom",
        "/feeds/companies/{company_id}.atom",
    ):
        assert path in paths, path
    params = {p["name"]: p for p in paths["/api/events"]["get"]["parameters"]}
    for name in (
        "q",
        "company",
        "industry",
        "country",
        "state",
        "city",
        "stage",
        "min_funds",
        "max_funds",
        "source",
        "reason",
        "year",
        "since",
        "until",
        "min_headcount",
        "max_headcount",
        "sort",
        "page",
        "per_page",
    ):
        assert name in params, name
    assert params["per_page"]["schema"]["maximum"] == 500
    assert "post" in paths["/api/ingest"]
    responses = paths["/api/events"]["get"]["responses"]
    assert "EventsPageOut" in json.dumps(responses["200"])
    assert {"400", "422"} <= set(responses)
    assert "EventOut" in schema["components"]["schemas"]
    assert "two-letter code" in params["state"]["description"]
    event = schema["components"]["schemas"]["EventOut"]
    assert {"states", "cities", "stage", "funds_raised", "source_url"} <= set(event["required"])
    assert "millions" in params["min_funds"]["description"]
    assert "absolute" in event["properties"]["source_url"]["description"]
    assert not any(path.startswith(("/events/", "/companies/")) for path in paths)  # pages


def test_the_schema_names_every_field_the_answers_carry(client: TestClient) -> None:
    """The models are documentation only (handlers send prepared JSON), so nothing else keeps
    them and the answers together."""
    schema = get(client, "/api/openapi.json")["components"]["schemas"]

    def fields(model: str) -> set[str]:
        return set(schema[model]["properties"])

    detail = get(client, f"/api/events/{alexa_event(client)['id']}?include_unconfirmed=true")
    assert set(detail) == fields("EventDetailOut")
    assert len(detail["source_claims"]) > 1
    for claim in detail["source_claims"]:
        assert set(claim) == fields("SourceClaimOut")
    page = get(client, "/api/events?include_unconfirmed=true&per_page=5")
    assert set(page) == fields("EventsPageOut") and set(page["totals"]) == fields("TotalsOut")
    for event in page["events"]:
        assert set(event) == fields("EventOut")
    company = get(client, "/api/companies/amazon")
    assert set(company) == fields("CompanyOut")
    companies = get(client, "/api/companies")
    assert set(companies["companies"][0]) == fields("CompanySummaryOut")
    statistics = get(client, "/api/statistics?by=month_reason")
    assert set(statistics) == fields("StatisticsOut")
    assert set(statistics["groups"][0]) == fields("GroupOut")


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/api/events",
        "/events/nope",
        "/static/style.css",
        "/api/openapi.json",
        "/charts",
        "/feeds/events.atom",
        "/?since=bad",
    ],
)
def test_every_response_carries_a_content_security_policy(client: TestClient, url: str) -> None:
    response = client.get(url)
    assert response.headers["content-security-policy"] == CSP
    assert "script-src 'self'" in CSP and "unsafe-inline" not in CSP
    assert response.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/?company=amazon&year=2023&sort=-headcount",
        "/?q=alexa",
        "/?source=warn&page=2",
        "/charts",
        "/charts?company=amazon",
        "/methodology",
        "/api",
        "/companies",
        "/companies?company=goo",
        "/companies/amazon",
        "/companies/twitch",
    ],
)
def test_pages_render(client: TestClient, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 200, response.text[:2000]
    assert response.headers["content-type"].startswith("text/html")
    assert "<script>" not in response.text  # no inline script anywhere
    assert '<script src="/static/app.js" defer></script>' in response.text


def test_event_and_document_pages_highlight_the_figure(client: TestClient) -> None:
    event_id = alexa_event(client)["id"]
    html = client.get(f"/events/{event_id}").text
    assert '<mark class="figure">several hundred</mark>' in html
    assert 'href="https://www.geekwire.com/2023/amazon-will-cut' in html
    detail = get(client, f"/api/events/{event_id}")
    news = next(c for c in detail["source_claims"] if c["source_kind"] == "news")
    page = client.get(f"/documents/{news['document_id']}")
    assert page.status_code == 200
    assert '<mark class="figure">several hundred</mark>' in page.text
    assert f'id="claim-{news["mention_id"]}"' in page.text


def test_page_errors_are_html(client: TestClient) -> None:
    response = client.get("/events/nope")
    assert response.status_code == 404 and "no event nope" in response.text
    response = client.get("/?since=2023-02-30")
    assert response.status_code == 400 and "not a real date" in response.text
    assert client.get("/?per_page=1000").status_code == 400
    assert client.get("/documents/nope").status_code == 404


def test_methodology_shows_accuracy_and_freshness(client: TestClient) -> None:
    html = client.get("/methodology").text
    assert "event f1" in html and "floors.json" in html
    assert "layoffs.fyi" in html and "WARN notice" in html


# --- writes: token, rate limit, escaping ---------------------------------------------------------


ARTICLE = (
    "Zyxcorp Industries said on Monday it would cut 420 jobs, or about 8% of its workforce, "
    "as it closes its <script>window.__xss = 1; alert('body')</script> plant in Springfield. "
    "The company said the layoffs would take effect in March."
)
TITLE = "Zyxcorp to cut 420 jobs <script>alert('title')</script><img src=x onerror=alert(1)>"


@pytest.fixture
def writable_db(db: str, tmp_path: Path) -> str:
    """A copy of the module's ledger, so writes leave the shared one as it was."""
    copy = str(tmp_path / "copy.db")
    with sqlite3.connect(db) as source, sqlite3.connect(copy) as target:
        source.backup(target)
    return copy


def test_writes_need_a_token_and_are_rate_limited(writable_db: str) -> None:
    db = writable_db
    with TestClient(create_app(db)) as no_token:
        response = no_token.post("/api/ingest", json={"text": "x"})
        assert response.status_code == 403 and "disabled" in response.text
    app = create_app(db, token=TOKEN, rate_per_minute=1, rate_burst=3)
    with TestClient(app) as c:
        assert c.post("/api/ingest", json={"text": "x"}).status_code == 401
        bad = c.post("/api/ingest", json={"text": "x"}, headers={"Authorization": "Bearer nope"})
        assert bad.status_code == 401 and bad.headers["www-authenticate"] == "Bearer"
        empty = c.post(
            "/api/ingest", json={"title": "t"}, headers={"Authorization": f"Bearer {TOKEN}"}
        )
        assert empty.status_code == 400
        limited = c.post("/api/ingest", json={"text": "x"})
        assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1
        # Reading is never limited.
        assert all(c.get("/api/events?per_page=1").status_code == 200 for _ in range(20))


def test_ingested_article_is_stored_resolved_and_escaped(writable_db: str) -> None:
    with TestClient(create_app(writable_db, token=TOKEN)) as c:
        response = c.post(
            "/api/ingest",
            json={
                "text": ARTICLE,
                "title": TITLE,
                "url": "https://news.example/zyx",
                "outlet": "Example <b>News</b>",
                "published": "2024-02-05",
            },
            headers={"Authorization": f"Bearer {TOKEN}"},
        )
        assert response.status_code == 201, response.text
        result = response.json()
        assert result["new_documents"] == 1 and result["claims"] >= 1
        page = get(c, "/api/events?q=zyxcorp")
        assert page["total"] == 1
        event = page["events"][0]
        assert event["headcount"] == 420
        html = c.get(f"/events/{event['id']}").text
        document = c.get(f"/documents/{result['document_ids'][0]}").text
        tracker = c.get("/?q=zyxcorp").text
        for text in (html, document, tracker):
            assert "<script>window" not in text and "<script>alert" not in text
            assert "<img src=x" not in text and "<b>News</b>" not in text
        assert "&lt;script&gt;" in document
        assert "Example &lt;b&gt;News&lt;/b&gt;" in html
        again = c.post(
            "/api/ingest",
            json={"text": ARTICLE, "title": TITLE},
            headers={"Authorization": f"Bearer {TOKEN}"},
        )
        assert again.json()["new_claims"] == 0


def test_reason_tags() -> None:
    assert reason_tags(["strategic shift towards generative AI"]) == ["ai", "restructuring"]
    assert reason_tags(["cost cutting"]) == ["costs"]
    assert reason_tags(["the weather"]) == ["other"]
    assert reason_tags([]) == []
    assert reason_tags(["said"]) == ["other"]


# --- PostgreSQL: the same answers ------------------------------------------------------------------

POSTGRES_URL = os.environ.get(
    "HEADCOUNT_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)


def _postgres_unavailable(reason: str) -> NoReturn:
    if os.environ.get("CI"):
        pytest.fail(f"PostgreSQL required in CI: {reason}", pytrace=False)
    pytest.skip(f"PostgreSQL tests skipped: {reason} (set HEADCOUNT_TEST_POSTGRES_URL)")


@pytest.fixture(scope="module")
def pg_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    try:
        import psycopg
        from psycopg import sql
    except ImportError:
        _postgres_unavailable("psycopg is not installed")
    name = f"hc_web_{uuid.uuid4().hex}"
    try:
        admin = psycopg.connect(POSTGRES_URL, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        _postgres_unavailable(f"cannot connect: {' '.join(str(exc).split())}")
    with admin:
        admin.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(name)))
        try:
            parts = urllib.parse.urlsplit(POSTGRES_URL)
            query = [*urllib.parse.parse_qsl(parts.query), ("options", f"-csearch_path={name}")]
            url = urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))
            build_ledger(url, tmp_path_factory.mktemp("pg"))
            with TestClient(create_app(url)) as c:
                yield c
        finally:
            admin.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(name)))


@pytest.mark.parametrize(
    "url",
    [
        "/api/events?company=Amazon&since=2023-01-01&until=2023-12-31",
        "/api/events?q=alexa",
        "/api/events?q=several+hundred&since=2023",
        "/api/events?q=al",
        "/api/events?q=a_b",
        "/api/events?source=warn&sort=-headcount&per_page=20&page=2",
        "/api/events?industry=retail&min_headcount=100&sort=company",
        "/api/events?state=wa&city=SEATTLE",
        "/api/events?stage=post-ipo&min_funds=100&sort=-headcount",
        "/api/statistics?by=company&limit=10",
        "/api/statistics?by=month_source",
        "/api/companies?per_page=10",
    ],
)
def test_postgresql_answers_like_sqlite(
    client: TestClient, pg_client: TestClient, url: str
) -> None:
    def strip(value: Any) -> Any:
        # Stamps of when rows were stored differ between the two databases.
        if isinstance(value, dict):
            return {
                k: strip(v) for k, v in value.items() if k not in ("first_seen", "last_updated")
            }
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value

    assert strip(get(pg_client, url)) == strip(get(client, url))


def test_postgresql_event_pages(pg_client: TestClient) -> None:
    event = get(pg_client, "/api/events?q=alexa")["events"][0]
    html = pg_client.get(f"/events/{event['id']}").text
    assert '<mark class="figure">several hundred</mark>' in html
    assert pg_client.get("/charts").status_code == 200


def test_index_refresh_is_incremental(db: str) -> None:
    with open_store(db) as store:
        assert store.refresh_event_index() == 0
        total = store.event_totals()
        assert total.events == store.event_count()


def test_serve_command_needs_a_database(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from headcount.cli import main

    result = CliRunner().invoke(main, ["--db", str(tmp_path / "missing.db"), "serve"])
    assert result.exit_code != 0 and "no database" in result.output
    result = CliRunner().invoke(main, ["serve", "--help"])
    assert result.exit_code == 0 and "--port" in result.output and "--host" in result.output
