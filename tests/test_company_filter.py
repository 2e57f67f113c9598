"""The company filter means one thing on the web, in the API and in the CLI: words each
starting a word of the company's name, its owner's or an alias, with legal suffixes and a
trailing ".com" not counting; a name with no match offers the nearest companies."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from headcount.cli import main
from headcount.web import create_app
from web_support import build_ledger


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    tmp = tmp_path_factory.mktemp("company-filter")
    path = str(tmp / "ledger.db")
    build_ledger(path, tmp)
    return path


@pytest.fixture(scope="module")
def client(db: str) -> Iterator[TestClient]:
    with TestClient(create_app(db)) as c:
        yield c


def _cli(db: str, company: str) -> tuple[set[str], str]:
    result = CliRunner().invoke(main, ["--db", db, "events", "--company", company, "--json"])
    assert result.exit_code == 0, result.output
    found = {json.loads(line)["id"] for line in result.stdout.splitlines()}
    table = CliRunner().invoke(main, ["--db", db, "events", "--company", company])
    return found, table.stdout


def _api(client: TestClient, company: str) -> set[str]:
    answer = client.get(
        "/api/events", params={"company": company, "include_unconfirmed": "true", "per_page": 200}
    )
    assert answer.status_code == 200
    return {e["id"] for e in answer.json()["events"]}


def _page(client: TestClient, company: str) -> tuple[set[str], str]:
    html = client.get(
        "/", params={"company": company, "include_unconfirmed": "true", "per_page": 200}
    ).text
    return set(re.findall(r'<tr data-event="([0-9a-f]+)"', html)), html


@pytest.mark.parametrize(
    "company", ["amazon", "Amazon.com", "Amazon, Inc.", "amazon web", "alphabet", "mazon", "amazn"]
)
def test_the_same_events_on_web_api_and_cli(db: str, client: TestClient, company: str) -> None:
    cli, _ = _cli(db, company)
    page, _ = _page(client, company)
    assert cli == _api(client, company) == page


def test_amazon_com_is_amazon_and_a_word_inside_a_name_is_not(db: str, client: TestClient) -> None:
    amazon = _api(client, "amazon")
    assert amazon and _api(client, "amazon.com") == amazon
    assert _api(client, "Amazon Inc") == amazon
    assert _api(client, "mazon") == set()  # not the start of a word: offered instead


@pytest.mark.parametrize("typed", ["amazn", "mazon"])
def test_a_misspelt_company_offers_amazon_everywhere(
    db: str, client: TestClient, typed: str
) -> None:
    _, table = _cli(db, typed)
    assert table.startswith("no events match; did you mean Amazon")
    _, html = _page(client, typed)
    offer = re.search(r'id="did-you-mean">(.*?)</p>', html, re.S)
    assert offer is not None and ">Amazon</a>" in offer.group(1)
