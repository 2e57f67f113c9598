"""Security: server-side request forgery (URLs, feed links, the ingest API), the rate limit
behind proxies, oversized integers, security headers on every answer, CSV formula injection
and server paths on public pages. Network cases run against loopback servers started here:
loopback is exactly what must be refused by default and allowed by the operator's opt-in."""

from __future__ import annotations

import csv
import io
import socket
import threading
from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from click.testing import CliRunner
from fastapi.testclient import TestClient

from headcount.cli_scale import watch_command
from headcount.ingest import ingest_inputs
from headcount.model import Document, Event, Mention, SourceError
from headcount.present.claims import mentions_to_csv
from headcount.present.events import events_to_csv
from headcount.resolve import resolve
from headcount.sources import load
from headcount.sources import url as url_module
from headcount.sources.feeds import FeedError, fetch_feed
from headcount.sources.url import ALLOW_PRIVATE_ENV, REFUSED, fetch_policy, is_public_address
from headcount.store import SQLiteStore
from headcount.watch import WatchOptions, poll_once
from headcount.web import api as api_module
from headcount.web import create_app
from headcount.web.app import client_key, parse_proxies

TOKEN = "s3cret-token"
ARTICLE = (
    b"<html><head><title>Acme to cut 1,200 jobs</title></head><body><article>"
    b"<p>Acme Corp said on Tuesday it will cut 1,200 jobs at its plant in Ohio as demand for "
    b"its appliances slows.</p><p>The layoffs will take effect in April.</p></article>"
    b"</body></html>"
)
REFUSED_REASON = f"cannot fetch: {REFUSED}"


class _Handler(BaseHTTPRequestHandler):
    hits: Counter[str]
    host_headers: list[str]

    def do_GET(self) -> None:
        self.hits[self.path] += 1
        self.host_headers.append(self.headers.get("Host", ""))
        if self.path.startswith("/redirect-to/"):
            self.send_response(302)
            self.send_header("Location", self.path.removeprefix("/redirect-to/"))
            self.end_headers()
            return
        if self.path == "/feed.xml":
            body = (
                b"<rss version='2.0'><channel><title>Wire</title><item><title>Acme</title>"
                b"<link>http://10.255.255.1/internal</link><guid>acme-1</guid></item>"
                b"</channel></rss>"
            )
            kind = "application/rss+xml"
        else:
            body, kind = ARTICLE, "text/html; charset=utf-8"
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[tuple[str, int, type[_Handler]]]:
    handler = type("Handler", (_Handler,), {"hits": Counter(), "host_headers": []})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield "127.0.0.1", httpd.server_address[1], handler
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(autouse=True)
def _defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    # The default (no opt-in) is what is under test unless a test opts in itself.
    monkeypatch.delenv(ALLOW_PRIVATE_ENV, raising=False)
    monkeypatch.delenv("HEADCOUNT_TRUSTED_PROXIES", raising=False)
    for name in (
        "http_proxy",
        "https_proxy",
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "all_proxy",
        "ALL_PROXY",
    ):
        monkeypatch.delenv(name, raising=False)


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _split(results: list[Document | SourceError]) -> tuple[list[Document], list[str]]:
    documents = [r for r in results if isinstance(r, Document)]
    return documents, [r.reason for r in results if isinstance(r, SourceError)]


# --- SSRF -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "127.1.2.3",
        "10.0.0.1",
        "172.16.5.4",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "224.0.0.1",
        "239.255.255.250",
        "240.0.0.1",
        "255.255.255.255",
        "::1",
        "::",
        "fe80::1",
        "fc00::1",
        "fd12:3456::1",
        "ff02::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "::127.0.0.1",
        "2002:7f00:1::1",
        "64:ff9b::7f00:1",
        "2001:db8::1",
        "not an address",
    ],
)
def test_addresses_that_are_not_globally_routable_are_not_public(address: str) -> None:
    assert not is_public_address(address)


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111"])
def test_globally_routable_addresses_are_public(address: str) -> None:
    assert is_public_address(address)


def test_loopback_in_every_spelling_is_refused_with_one_message(
    server: tuple[str, int, type[_Handler]],
) -> None:
    _, port, handler = server
    urls = [
        f"http://127.0.0.1:{port}/article",
        f"http://localhost:{port}/article",
        f"http://2130706433:{port}/article",  # 127.0.0.1 as one decimal number
        f"http://0x7f000001:{port}/article",
        f"http://127.1:{port}/article",
        f"http://[::ffff:127.0.0.1]:{port}/article",
        f"http://[::1]:{port}/article",
        f"http://127.0.0.1:{_closed_port()}/article",  # closed: must read the same as open
        "http://10.255.255.1/article",
        "http://169.254.169.254/latest/meta-data/",
    ]
    documents, reasons = _split(list(load(urls, fetch_timeout=2)))

    assert documents == []
    assert reasons == [REFUSED_REASON] * len(urls)
    assert sum(handler.hits.values()) == 0  # refused before connecting


def test_the_opt_in_fetches_private_addresses(
    server: tuple[str, int, type[_Handler]], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, port, _ = server
    urls = [
        f"http://127.0.0.1:{port}/article",
        f"http://localhost:{port}/article",
        f"http://2130706433:{port}/article",
    ]
    with fetch_policy(allow_private=True):
        documents, reasons = _split(list(load(urls, fetch_timeout=5)))
    assert reasons == [] and len(documents) == 3

    monkeypatch.setenv(ALLOW_PRIVATE_ENV, "1")  # the operator's setting, for the CLI and server
    documents, reasons = _split(list(load(urls[:1], fetch_timeout=5)))
    assert reasons == [] and documents[0].title == "Acme to cut 1,200 jobs"


def test_every_redirect_hop_is_checked(
    server: tuple[str, int, type[_Handler]], monkeypatch: pytest.MonkeyPatch
) -> None:
    host, port, handler = server
    # Stand-in for a public site: 127.0.0.1 passes the check, every other address fails it.
    monkeypatch.setattr(url_module, "is_public_address", lambda address: address == host)
    private = f"http://127.0.0.2:{port}/article"
    documents, reasons = _split(list(load([f"http://{host}:{port}/redirect-to/{private}"])))

    assert documents == [] and reasons == [REFUSED_REASON]
    assert handler.hits == Counter({f"/redirect-to/{private}": 1})
    # The same chain to an allowed address is followed.
    documents, _ = _split(list(load([f"http://{host}:{port}/redirect-to//article"])))
    assert len(documents) == 1 and documents[0].url == f"http://{host}:{port}/article"


def test_the_checked_address_is_the_one_connected_to(
    server: tuple[str, int, type[_Handler]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A name that answers a public address to the check and a private one afterwards (DNS
    rebinding) is not looked up twice: the connection goes to the address checked."""
    host, port, handler = server
    monkeypatch.setattr(url_module, "is_public_address", lambda address: address == host)
    answers = iter([host, "10.255.255.1", "10.255.255.1"])
    lookups: list[str] = []

    def rebinding(name: str, port: int, *args: Any, **kwargs: Any) -> list[Any]:
        lookups.append(name)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (next(answers), port))]

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    documents, reasons = _split(
        list(load([f"http://news.example:{port}/article"], fetch_timeout=5))
    )

    assert reasons == [] and len(documents) == 1
    assert lookups == ["news.example"]
    assert handler.host_headers == [f"news.example:{port}"]  # the name, not the address


def test_feed_and_its_item_links_are_refused_by_default(
    server: tuple[str, int, type[_Handler]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    host, port, handler = server
    with pytest.raises(FeedError, match=REFUSED):
        fetch_feed(f"http://{host}:{port}/feed.xml", timeout=2, max_bytes=100_000)
    assert sum(handler.hits.values()) == 0

    # A feed on an allowed address whose item links to the intranet: the link is refused.
    monkeypatch.setattr(url_module, "is_public_address", lambda address: address == host)
    store = SQLiteStore.open(tmp_path / "ledger.db")
    store.add_feed(f"http://{host}:{port}/feed.xml", datetime.now(timezone.utc).isoformat())
    report = poll_once(store, options=WatchOptions(fetch_timeout=2), resolver=None)
    (outcome,) = report.feeds
    assert outcome.status == "new items" and outcome.stored == 0
    assert outcome.item_errors == [f"http://10.255.255.1/internal: {REFUSED_REASON}"]
    store.close()


def test_watch_flag_opts_in(server: tuple[str, int, type[_Handler]], tmp_path: Path) -> None:
    host, port, _ = server
    db = tmp_path / "ledger.db"
    store = SQLiteStore.open(db)
    store.add_feed(f"http://{host}:{port}/feed.xml", datetime.now(timezone.utc).isoformat())
    store.close()
    runner = CliRunner()
    args = ["--once", "--no-resolve", "--timeout", "2"]
    result = runner.invoke(watch_command, args, obj={"db": str(db)})
    assert result.exit_code == 0, result.output
    assert f"feed.xml: error (cannot fetch feed: {REFUSED})" in result.stderr

    store = SQLiteStore.open(db)
    store._execute("UPDATE feeds SET next_poll = NULL")  # due again at once
    store.close()
    result = runner.invoke(watch_command, [*args, "--allow-private-urls"], obj={"db": str(db)})
    assert result.exit_code == 0, result.output
    assert "feed.xml: new items, 1 new items" in result.stderr


def _empty_db(tmp_path: Path) -> str:
    path = tmp_path / "ledger.db"
    SQLiteStore.open(path).close()
    return str(path)


def test_ingest_api_refuses_private_urls_unless_allowed(
    server: tuple[str, int, type[_Handler]], tmp_path: Path
) -> None:
    host, port, handler = server
    db = _empty_db(tmp_path)
    auth = {"Authorization": f"Bearer {TOKEN}"}
    with TestClient(create_app(db, token=TOKEN)) as client:
        for target in (f"http://{host}:{port}/article", f"http://localhost:{_closed_port()}/x"):
            answer = client.post("/api/ingest", json={"url": target}, headers=auth)
            assert answer.status_code == 422
            assert answer.json()["documents"] == 0
            assert answer.json()["problems"] == [f"{target}: {REFUSED_REASON}"]
    assert sum(handler.hits.values()) == 0

    with TestClient(create_app(db, token=TOKEN, allow_private_urls=True)) as client:
        answer = client.post(
            "/api/ingest", json={"url": f"http://{host}:{port}/article"}, headers=auth
        )
        assert answer.status_code == 201, answer.text
        (document_id,) = answer.json()["document_ids"]
        assert "Acme" in client.get(f"/documents/{document_id}").text


# --- the rate limit behind proxies ------------------------------------------------------------


def test_forwarded_for_is_believed_only_from_configured_proxies() -> None:
    none = parse_proxies(None)
    proxies = parse_proxies("10.0.0.5, 192.168.0.0/16")
    # No proxy configured: the header is ignored, whatever it says.
    assert client_key("203.0.113.9", ["1.1.1.1"], none) == "203.0.113.9"
    assert client_key("203.0.113.9", [], proxies) == "203.0.113.9"
    # From a configured proxy: the rightmost address that is not a proxy.
    assert client_key("10.0.0.5", ["6.6.6.6, 203.0.113.9, 192.168.1.2"], proxies) == "203.0.113.9"
    # From anyone else: ignored.
    assert client_key("203.0.113.7", ["6.6.6.6"], proxies) == "203.0.113.7"
    # A peer the server already replaced by a forwarded address cannot pick its own key.
    assert client_key("6.6.6.6", ["6.6.6.6"], none) == client_key("7.7.7.7", ["7.7.7.7"], none)
    with pytest.raises(ValueError, match="not a proxy"):
        parse_proxies("proxy.local")


def test_a_new_forwarded_for_value_gets_no_fresh_allowance(tmp_path: Path) -> None:
    """Through a real server started the way `headcount serve` starts it (uvicorn's default
    settings, which rewrite the client address from X-Forwarded-For for loopback peers)."""
    db = _empty_db(tmp_path)
    app = create_app(db, token=TOKEN, rate_per_minute=0.001, rate_burst=2)
    port = _closed_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as http:
            for _ in range(200):
                try:
                    http.get("/api/openapi.json")
                    break
                except httpx.TransportError:
                    threading.Event().wait(0.05)
            statuses = [
                http.post(
                    "/api/ingest",
                    json={"text": "x"},
                    headers={"X-Forwarded-For": f"198.51.100.{n}"},
                ).status_code
                for n in range(5)
            ]
    finally:
        server.should_exit = True
        thread.join(10)
    assert statuses[:2] == [401, 401]  # no token: refused, but counted
    assert statuses[2:] == [429, 429, 429]


# --- oversized integers and security headers ----------------------------------------------------

HUGE = str(10**30)
SECURITY_HEADER_NAMES = ("content-security-policy", "x-content-type-options", "x-frame-options")


@pytest.mark.parametrize(
    "path",
    [
        f"/api/events?page={HUGE}",
        f"/api/events?min_headcount={HUGE}",
        f"/api/events?max_headcount={HUGE}",
        f"/api/events?page={2**63}",
        f"/api/companies?page={HUGE}",
        f"/api/statistics?min_headcount={HUGE}",
        f"/api/events.csv?max_headcount={HUGE}",
        f"/?min_headcount={HUGE}",
        f"/?max_headcount={HUGE}",
        f"/?page={HUGE}",
        f"/companies?page={HUGE}",
        f"/charts?min_headcount={HUGE}",
    ],
)
def test_integers_beyond_64_bits_are_422_with_security_headers(tmp_path: Path, path: str) -> None:
    with TestClient(create_app(_empty_db(tmp_path)), raise_server_exceptions=False) as client:
        answer = client.get(path)
    assert answer.status_code == 422, (path, answer.status_code, answer.text[:300])
    for name in SECURITY_HEADER_NAMES:
        assert name in answer.headers, (path, name)


def test_an_unexpected_error_is_a_500_with_security_headers(tmp_path: Path) -> None:
    app = create_app(_empty_db(tmp_path))

    def broken() -> None:
        raise RuntimeError("a bug")

    app.add_api_route("/api/broken", broken)
    app.add_api_route("/broken", broken)
    with TestClient(app, raise_server_exceptions=False) as client:
        for path in ("/api/broken", "/broken"):
            answer = client.get(path)
            assert answer.status_code == 500
            assert "a bug" not in answer.text
            for name in SECURITY_HEADER_NAMES:
                assert name in answer.headers, (path, name)
        assert client.get("/api/events").status_code == 200  # the app still answers


# --- CSV formula injection -----------------------------------------------------------------------

FORMULAS = ['=HYPERLINK("http://evil")', "+1+1", "-2+3", "@SUM(A1)", "\tx", "\r=1"]


def _mention(employer: str, evidence: str) -> Mention:
    return Mention(
        document_id="d1",
        employer_text=employer,
        company=employer,
        parent=None,
        canonical=employer,
        kind="new",
        headcount_min=-5,
        headcount_max=100,
        approx=False,
        percent=None,
        date="2024-01-02",
        date_precision="day",
        units=["=unit"],
        locations=["Ohio"],
        reason=None,
        evidence=evidence,
        evidence_start=0,
        evidence_end=len(evidence),
        extractor_version="test",
    )


def _event(company: str) -> Event:
    return Event(
        id="e1",
        company_id="c1",
        company=company,
        parent=None,
        announced_on="2024-01",
        date_precision="month",
        headcount=100,
        headcount_min=100,
        headcount_max=100,
        approx=False,
        percent=None,
        estimated_headcount=None,
        estimate_basis=None,
        units=["+unit"],
        locations=["-where"],
        reasons=["@why"],
        status="reported",
        sources=1,
        claims=1,
        lead_mention_id=None,
        first_seen="2024-01-02",
        last_updated="2024-01-02",
    )


def _cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


@pytest.mark.parametrize("formula", FORMULAS)
def test_csv_exports_neutralise_formulas(formula: str) -> None:
    claims, events = io.StringIO(), io.StringIO()
    mentions_to_csv([_mention(formula, formula)], claims)
    events_to_csv([_event(formula)], events)

    for cells in (_cells(claims.getvalue()), _cells(events.getvalue())):
        assert "'" + formula in cells
        text_cells = [cell for cell in cells if cell != "-5"]  # a number, not a formula
        assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in text_cells)
    assert "'=unit" in _cells(claims.getvalue())
    assert {"'+unit", "'-where", "'@why"} <= set(_cells(events.getvalue()))
    assert "-5" in _cells(claims.getvalue())  # a number stays a number


def test_csv_download_of_the_api_neutralises_formulas(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "ledger.db"
    path = tmp_path / "article.txt"
    path.write_text(
        "Acme Corp said on Tuesday it will cut 1,200 jobs at its plant in Ohio as demand "
        "slows. The layoffs take effect in April.",
        encoding="utf-8",
    )
    store = SQLiteStore.open(db)
    ingest_inputs(store, [str(path)], date(2024, 3, 5))
    resolve(store)
    store.close()
    # The extractor does not name employers "=..."; a record could (a table's company
    # column), so the event's fields are made hostile on their way to the download.
    original = api_module.event_json

    def hostile(row: Any) -> dict[str, Any]:
        return {**original(row), "company": FORMULAS[0], "units": ["@SUM(A1)"]}

    monkeypatch.setattr(api_module, "event_json", hostile)
    with TestClient(create_app(str(db))) as client:
        answer = client.get("/api/events.csv")
    assert answer.status_code == 200
    cells = _cells(answer.text)
    assert "'" + FORMULAS[0] in cells and "'@SUM(A1)" in cells
    assert not any(cell.startswith(("=", "+", "@", "\t", "\r")) for cell in cells), cells


# --- no server paths on public pages -----------------------------------------------------------


def test_pages_and_api_show_file_names_not_server_paths(tmp_path: Path) -> None:
    corpus = tmp_path / "private" / "corpus"
    corpus.mkdir(parents=True)
    article = corpus / "acme.txt"
    article.write_text(
        "Acme Corp said on Tuesday it will cut 1,200 jobs at its plant in Ohio as demand for "
        "its appliances slows. The layoffs will take effect in April, the company said.",
        encoding="utf-8",
    )
    db = tmp_path / "ledger.db"
    store = SQLiteStore.open(db)
    ingest_inputs(store, [str(article.resolve())], date(2024, 3, 5))
    resolve(store)
    (event,) = store.events()
    ((document_id,),) = store._fetchall("SELECT id FROM documents")
    store.close()

    with TestClient(create_app(str(db))) as client:
        page = client.get(f"/documents/{document_id}").text
        detail = client.get(f"/api/events/{event.id}").json()
        event_page = client.get(f"/events/{event.id}").text
    assert "acme.txt" in page
    origins = [o for claim in detail["source_claims"] for o in claim["origins"]]
    assert origins == ["acme.txt"]
    for shown in (page, str(detail), event_page):
        assert str(tmp_path) not in shown and "private/corpus" not in shown
