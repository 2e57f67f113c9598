"""Confidence a reader can use (issue 9, point 3): claims below the threshold stay stored but are
left out of what `extract`, `claims`, the tracker and the API show and count, unless asked for
(`--all`, `include_unconfirmed=true`, the pages' switch); records are confirmed whatever their
confidence field says; and every surface counts the same events in either mode.

The ledger is built by hand: Mentions with chosen confidences, stored through the store API and
resolved as `headcount ingest` resolves, so no model's output decides what the tests see."""

from __future__ import annotations

import json
import re
import warnings
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

with warnings.catch_warnings():
    warnings.simplefilter("ignore", UserWarning)
    from fastapi.testclient import TestClient

from headcount.cli import main
from headcount.extract.decisions import DEFAULT_THRESHOLD
from headcount.model import CORE_ROLES, Document, Mention
from headcount.resolve import resolve
from headcount.sources.document import build_document
from headcount.store import open_store
from headcount.store.event_index import (
    BACKING_ROLES,
    CONFIDENCE_SETTING,
    EventFilter,
    confidence_threshold,
)
from headcount.web import create_app
from test_store import make_mention
from test_totals import Figures, api, charts, export, tracker

DAY = date(2024, 3, 5)


def _document(text: str, origin: str, kind: str = "news") -> Document:
    doc = build_document(text, origin, title=text[:40], outlet="Wire", published=DAY)
    assert isinstance(doc, Document)
    return replace(doc, source_kind=kind)  # type: ignore[arg-type]


def _claim(doc: Document, company: str, figure: int, confidence: float) -> Mention:
    return make_mention(
        doc.id,
        employer_text=company,
        company=company,
        canonical=company,
        headcount_min=figure,
        headcount_max=figure,
        date=DAY.isoformat(),
        date_precision="day",
        evidence=doc.text,
        evidence_end=len(doc.text),
        confidence=confidence,
        doc=doc.origin,
    )


# What the ledger holds: a sure claim of Acme's cut and a doubtful report of the same cut; a
# doubtful claim alone (Zenith: an unconfirmed event); a tracker-table row whose confidence
# field is low (Recordco: confirmed all the same, being a record).
CLAIMS = (
    ("Acme will cut 300 jobs, the company said.", "acme-sure", "news", "Acme", 300, 0.9),
    ("Acme may be cutting 300 people, a blog says.", "acme-doubt", "news", "Acme", 300, 0.2),
    ("Zenith is said to be laying off 700 staff.", "zenith", "news", "Zenith", 700, 0.3),
    ("Recordco, 500 laid off, 2024-03-05.", "recordco", "table", "Recordco", 500, 0.1),
)
UNCONFIRMED_FIGURE = 700  # Zenith's: the only event no sure claim or record tells


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    target = str(tmp_path_factory.mktemp("confidence") / "ledger.db")
    with open_store(target) as store:
        for text, origin, kind, company, figure, confidence in CLAIMS:
            doc = _document(text, origin, kind)
            store.add_document(doc)
            store.add_mentions([_claim(doc, company, figure, confidence)])
        resolve(store)
    return target


@pytest.fixture(scope="module")
def client(db: str) -> Iterator[TestClient]:
    with TestClient(create_app(db)) as c:
        yield c


def _events(client: TestClient, query: str = "") -> dict[str, dict[str, object]]:
    answer = client.get(f"/api/events?{query}")
    assert answer.status_code == 200, answer.text
    return {str(e["company"]): e for e in answer.json()["events"]}


def _event_id(client: TestClient, company: str) -> str:
    return str(_events(client, "include_unconfirmed=true")[company]["id"])


# --- the setting ----------------------------------------------------------------------------


def test_threshold_setting_defaults_to_the_documented_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(CONFIDENCE_SETTING, raising=False)
    assert confidence_threshold() == DEFAULT_THRESHOLD
    assert EventFilter().min_confidence == DEFAULT_THRESHOLD
    monkeypatch.setenv(CONFIDENCE_SETTING, "0.8")
    assert confidence_threshold() == 0.8 and EventFilter().min_confidence == 0.8
    for bad in ("high", "1.5", "-0.1", "nan"):
        monkeypatch.setenv(CONFIDENCE_SETTING, bad)
        with pytest.raises(ValueError, match=CONFIDENCE_SETTING):
            confidence_threshold()


def test_the_roles_that_back_an_event_are_the_resolvers() -> None:
    assert BACKING_ROLES == CORE_ROLES


def test_eval_reads_the_one_threshold() -> None:
    from headcount.evaluate import report

    assert report.DEFAULT_THRESHOLD is DEFAULT_THRESHOLD


# --- the store ------------------------------------------------------------------------------


def test_store_counts_confirmed_events_unless_asked(
    db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(CONFIDENCE_SETTING, raising=False)
    with open_store(db) as store:
        store.refresh_event_index()
        confirmed = store.event_totals()
        every = store.event_totals(EventFilter(min_confidence=None))
        assert every.events == confirmed.events + 1
        assert every.headcount == confirmed.headcount + UNCONFIRMED_FIGURE
        names = {e.company for e, _, _ in store.find_events(EventFilter(), None, 0, None)}
        assert names == {"Acme", "Recordco"}
        # A threshold the last refresh did not count at is counted on the spot, and agrees.
        low = EventFilter(min_confidence=0.25)
        assert store.event_totals(low) == every
        assert store.event_totals(EventFilter(min_confidence=0.95)).events == 1  # the record
        # Claims: a record's whatever its confidence field; news only at the threshold.
        kept = {(m.company, m.confidence) for m in store.claims(min_confidence=DEFAULT_THRESHOLD)}
        assert kept == {("Acme", 0.9), ("Recordco", 0.1)}
        assert len(store.claims()) == len(CLAIMS)


# --- the command line -----------------------------------------------------------------------


def test_claims_command_hides_unconfirmed_claims_unless_all(db: str) -> None:
    runner = CliRunner()
    shown = runner.invoke(main, ["--db", db, "claims"])
    assert shown.exit_code == 0, shown.output
    assert "Recordco" in shown.output and "Acme" in shown.output
    assert "Zenith" not in shown.output and "confidence" not in shown.output
    listed = runner.invoke(main, ["--db", db, "claims", "--json"])
    assert sorted(json.loads(line)["confidence"] for line in listed.output.splitlines()) == [
        0.1,
        0.9,
    ]
    every = runner.invoke(main, ["--db", db, "claims", "--all"])
    assert every.exit_code == 0, every.output
    assert "Zenith" in every.output
    header = every.output.splitlines()[0].split()
    assert header[-1] == "confidence"
    assert re.search(r"Zenith.*\b0\.30$", every.output, re.MULTILINE)
    assert len(
        runner.invoke(main, ["--db", db, "claims", "--all", "--csv"]).output.splitlines()
    ) == 1 + len(CLAIMS)


def test_extract_shows_claims_at_the_threshold_unless_all(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    article = tmp_path / "initech.txt"
    article.write_text(
        "Initech will lay off 450 employees at its Austin office, the company said.\n",
        encoding="utf-8",
    )
    runner = CliRunner()
    args = ["extract", "--published", "2024-03-05", str(article)]
    # At the default threshold the rules' claim (0.7 or 0.9) is shown, with its confidence in JSON.
    monkeypatch.delenv(CONFIDENCE_SETTING, raising=False)
    found = runner.invoke(main, [*args, "--json"])
    assert found.exit_code == 0, found.output
    (claim,) = [json.loads(line) for line in found.output.splitlines() if line.startswith("{")]
    assert claim["company"] == "Initech" and claim["confidence"] >= DEFAULT_THRESHOLD
    # Above the claim's confidence: hidden by default, said so, and shown by --all.
    monkeypatch.setenv(CONFIDENCE_SETTING, str(min(1.0, claim["confidence"] + 0.05)))
    hidden = runner.invoke(main, args)
    assert hidden.exit_code == 0, hidden.output
    assert "no layoff claims found" in hidden.output and "Initech" not in hidden.output
    assert "1 below confidence" in hidden.output
    assert runner.invoke(main, [*args, "--json"]).output.count("{") == 0
    every = runner.invoke(main, [*args, "--all"])
    assert "Initech" in every.output
    assert every.output.splitlines()[0].split()[-1] == "confidence"
    assert f"{claim['confidence']:.2f}" in every.output
    assert runner.invoke(main, [*args, "--all", "--json"]).output.count('"confidence"') == 1
    monkeypatch.setenv(CONFIDENCE_SETTING, "lots")
    refused = runner.invoke(main, args)
    assert refused.exit_code == 2 and CONFIDENCE_SETTING in refused.output


# --- the API --------------------------------------------------------------------------------


def test_api_lists_unconfirmed_events_only_on_request(client: TestClient) -> None:
    default = _events(client)
    assert set(default) == {"Acme", "Recordco"}
    assert "confirmed" not in default["Acme"]
    every = _events(client, "include_unconfirmed=true")
    assert set(every) == {"Acme", "Recordco", "Zenith"}
    assert every["Zenith"]["confirmed"] is False and every["Zenith"]["confidence"] == 0.3
    assert every["Recordco"]["confirmed"] is True and every["Recordco"]["confidence"] == 1.0
    assert every["Acme"]["confidence"] == 0.9
    answer = client.get("/api/events?include_unconfirmed=true").json()
    assert answer["filters"] == {"include_unconfirmed": True}
    # The routed answer (an unusual parameter skips the fast path) says the same.
    routed = client.get("/api/events?include_unconfirmed=1&per_page=50&page=1&page=1").json()
    assert {e["company"] for e in routed["events"]} == set(every)
    assert client.get("/api/events?include_unconfirmed=maybe").status_code in (400, 422)


def test_api_event_hides_unconfirmed_claims_and_events_unless_asked(client: TestClient) -> None:
    acme = _event_id(client, "Acme")
    detail = client.get(f"/api/events/{acme}").json()
    assert [c["confidence"] for c in detail["source_claims"]] == [0.9]
    assert detail["unconfirmed_hidden"] == 1 and detail["confirmed"] is True
    every = client.get(f"/api/events/{acme}?include_unconfirmed=true").json()
    assert sorted((c["confidence"], c["confirmed"]) for c in every["source_claims"]) == [
        (0.2, False),
        (0.9, True),
    ]
    assert every["unconfirmed_hidden"] == 0
    zenith = _event_id(client, "Zenith")
    missing = client.get(f"/api/events/{zenith}")
    assert missing.status_code == 404 and "include_unconfirmed=true" in missing.json()["detail"]
    shown = client.get(f"/api/events/{zenith}?include_unconfirmed=true").json()
    assert shown["confirmed"] is False and shown["source_claims"][0]["confirmed"] is False
    record = client.get(f"/api/events/{_event_id(client, 'Recordco')}").json()
    assert [(c["confidence"], c["confirmed"]) for c in record["source_claims"]] == [(1.0, True)]


def test_openapi_documents_the_switch(client: TestClient) -> None:
    schema = client.get("/api/openapi.json").json()
    for path in ("/api/events", "/api/events/{event_id}", "/api/events.csv"):
        names = [p["name"] for p in schema["paths"][path]["get"]["parameters"]]
        assert "include_unconfirmed" in names, path
    claim = schema["components"]["schemas"]["SourceClaimOut"]["properties"]
    assert {"confidence", "confirmed"} <= set(claim)


# --- the pages ------------------------------------------------------------------------------


def test_tracker_shows_unconfirmed_events_with_the_switch(client: TestClient) -> None:
    page = client.get("/").text
    assert "Zenith" not in page and "Acme" in page and "Recordco" in page
    assert 'id="unconfirmed-switch" href="?include_unconfirmed=true"' in page
    assert 'name="include_unconfirmed"' in page
    switched = client.get("/?include_unconfirmed=true").text
    row = re.search(r'<tr data-event="[^"]+" class="unconfirmed">.*?</tr>', switched, re.DOTALL)
    assert row is not None and "Zenith" in row.group(0)
    assert "unconfirmed · 0.30" in row.group(0) and "?include_unconfirmed=true" in row.group(0)
    assert switched.count('class="unconfirmed"') == 1
    # The switch is kept by the tracker's links (charts, downloads).
    assert "/api/events.csv?include_unconfirmed=true" in switched


def test_event_page_shows_unconfirmed_sources_with_the_switch(client: TestClient) -> None:
    acme = _event_id(client, "Acme")
    page = client.get(f"/events/{acme}").text
    assert "Acme will cut" in page and "a blog says" not in page
    assert "1 unconfirmed source" in page and f"/events/{acme}?include_unconfirmed=true" in page
    switched = client.get(f"/events/{acme}?include_unconfirmed=true").text
    assert "a blog says" in switched
    doubt = re.search(r'<li class="source unconfirmed".*?</li>', switched, re.DOTALL)
    assert doubt is not None and "a blog says" in doubt.group(0)
    assert "confidence 0.20" in doubt.group(0) and ">unconfirmed<" in doubt.group(0)
    zenith = _event_id(client, "Zenith")
    hidden = client.get(f"/events/{zenith}")
    assert hidden.status_code == 404 and f"/events/{zenith}?include_unconfirmed=true" in hidden.text
    shown = client.get(f"/events/{zenith}?include_unconfirmed=true")
    assert shown.status_code == 200 and 'id="unconfirmed-event"' in shown.text


# --- totals agree in both modes ---------------------------------------------------------------


@pytest.mark.parametrize("switch", ["", "include_unconfirmed=true"])
def test_every_surface_counts_the_same_events(client: TestClient, switch: str) -> None:
    page = tracker(client, switch)
    listed = api(client, switch)
    readded, rows = export(client, switch)
    charted, _ = charts(client, switch)
    assert page == listed == readded
    assert (charted.events, charted.headcount) == (listed.events, listed.headcount)
    stats = client.get(f"/api/statistics?by=year&{switch}").json()["totals"]
    assert (stats["events"], stats["headcount"]) == (listed.events, listed.headcount)
    companies = client.get(f"/api/companies?{switch}").json()["companies"]
    assert sum(c["headcount"] for c in companies) == listed.headcount
    assert ("Zenith" in {r["company"] for r in rows}) == bool(switch)
    expected = 300 + 500 + (UNCONFIRMED_FIGURE if switch else 0)
    assert listed == Figures(2 + bool(switch), expected, 0)
