"""Following feeds against a real HTTP server on loopback: RSS and Atom, new and unchanged
feeds (304), a feed that fails and recovers, malformed XML, an article that times out, a
redirect loop and a 20 MB response. Each case is reported, and everything else still lands."""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from headcount.cli_scale import feeds, watch_command
from headcount.sources.feeds import FeedError, parse_feed
from headcount.store import SQLiteStore
from headcount.watch import PollReport, Stopper, WatchOptions, backoff, poll_once, watch

T0 = datetime(2024, 3, 6, 12, 0, tzinfo=timezone.utc)
OPTIONS = WatchOptions(interval=900, fetch_timeout=0.5, max_attempts=2)
LAST_MODIFIED = format_datetime(datetime(2024, 3, 6, 11, 0, tzinfo=timezone.utc), usegmt=True)


def article(title: str, body: str, published: str | None = None) -> bytes:
    meta = f'<meta property="article:published_time" content="{published}">' if published else ""
    paragraphs = "".join(f"<p>{p}</p>" for p in body.split("\n"))
    filler = (
        "<p>The company did not say how many of the affected employees work in engineering. "
        "Analysts said the move was widely expected after a weak quarter for the business.</p>"
    )
    return (
        f"<!doctype html><html><head><title>{title}</title>{meta}</head><body>"
        f"<nav><a href='/'>Home</a> | <a href='/tech'>Tech</a></nav>"
        f"<article><h1>{title}</h1>{paragraphs}{filler}</article>"
        f"<footer>Copyright 2024 Example News</footer></body></html>"
    ).encode()


ARTICLES = {
    "/news/acme.html": article(
        "Acme to cut 1,200 jobs",
        "Acme Corp said on Tuesday it will cut 1,200 jobs at its plant in Ohio as demand for "
        "its appliances slows.\nThe layoffs will take effect in April, the company said.",
        "2024-03-05",
    ),
    "/news/globex.html": article(
        "Globex lays off 300 workers",
        "Globex Corporation said on Monday that it had laid off 300 workers at its Denver "
        "office as part of a restructuring.\nThe cuts affect its sales division.",
    ),
    "/news/initech.html": article(
        "Initech to eliminate 450 positions",
        "Initech said on Wednesday it would eliminate 450 positions in Austin, Texas, to "
        "reduce costs.\nA spokesman declined to comment further.",
        "2024-03-06",
    ),
    "/news/hooli.html": article(
        "Hooli cuts 800 jobs",
        "Hooli Inc said on Thursday it will cut 800 jobs, about 5% of its workforce, in its "
        "hardware unit.\nThe company cited slowing sales.",
        "2024-03-07",
    ),
}
LINKLESS_SUMMARY = (
    "Vandelay Industries said on Tuesday it will lay off 250 employees at its New Jersey "
    "warehouse as imports fall."
)


def rss(base: str) -> bytes:
    items = [
        (
            "Acme to cut 1,200 jobs",
            f"{base}/news/acme.html",
            "acme-1",
            "Tue, 05 Mar 2024 09:00:00 GMT",
        ),
        (
            "Globex lays off 300",
            f"{base}/news/globex.html",
            "globex-1",
            "Mon, 04 Mar 2024 08:00:00 GMT",
        ),
        ("A slow page", f"{base}/slow.html", "slow-1", None),
        ("A redirect loop", f"{base}/loop/a", "loop-1", None),
        ("A huge page", f"{base}/huge.html", "huge-1", None),
    ]
    xml = "".join(
        f"<item><title>{title}</title><link>{link}</link><guid>{guid}</guid>"
        + (f"<pubDate>{date_}</pubDate>" if date_ else "")
        + "<description>&lt;p&gt;Summary&amp;nbsp;text&lt;/p&gt;</description></item>"
        for title, link, guid, date_ in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Example Business News</title><link>{base}/</link>{xml}</channel></rss>"
    ).encode()


def atom(base: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        "<title>Example Tech Wire</title><id>urn:example:wire</id>"
        "<updated>2024-03-06T10:00:00Z</updated>"
        "<entry><id>urn:example:initech</id><title>Initech to eliminate 450 positions</title>"
        f'<link rel="alternate" href="{base}/news/initech.html"/>'
        "<published>2024-03-06T07:00:00Z</published><updated>2024-03-06T07:00:00Z</updated>"
        "<summary>Initech cuts.</summary></entry>"
        "<entry><id>urn:example:vandelay</id><title>Vandelay to lay off 250</title>"
        "<updated>2024-03-05T07:00:00Z</updated>"
        f"<summary>{LINKLESS_SUMMARY}</summary></entry>"
        "</feed>"
    ).encode()


def flaky_feed(base: str) -> bytes:
    return (
        '<rss version="2.0"><channel><title>Flaky</title><item><title>Hooli cuts 800 jobs</title>'
        f"<link>{base}/news/hooli.html</link><guid>hooli-1</guid></item></channel></rss>"
    ).encode()


@dataclass
class ServerState:
    base: str = ""
    flaky_fails: bool = True
    hits: Counter[str] = field(default_factory=Counter)  # requests per path
    bodies: Counter[str] = field(default_factory=Counter)  # 200 answers per path


class Handler(BaseHTTPRequestHandler):
    state: ServerState

    def _send(self, body: bytes, content_type: str, headers: dict[str, str] | None = None) -> None:
        self.state.bodies[self.path] += 1
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        state = self.state
        state.hits[self.path] += 1
        path = self.path
        if path == "/rss.xml":
            if self.headers.get("If-None-Match") == '"rss-v1"':
                self.send_response(304)
                self.end_headers()
                return
            self._send(rss(state.base), "application/rss+xml", {"ETag": '"rss-v1"'})
        elif path == "/atom.xml":
            if self.headers.get("If-Modified-Since") == LAST_MODIFIED:
                self.send_response(304)
                self.end_headers()
                return
            self._send(atom(state.base), "application/atom+xml", {"Last-Modified": LAST_MODIFIED})
        elif path == "/flaky.xml":
            if state.flaky_fails:
                self.send_error(500, "Internal Server Error")
                return
            self._send(flaky_feed(state.base), "application/rss+xml")
        elif path == "/malformed.xml":
            self._send(b"<rss><channel><item><title>Broken</channel></rss>", "text/xml")
        elif path in ARTICLES:
            self._send(ARTICLES[path], "text/html; charset=utf-8")
        elif path == "/slow.html":
            time.sleep(2.0)
            self._send(article("Slow", "Too late."), "text/html")
        elif path.startswith("/loop/"):
            self.send_response(302)
            self.send_header("Location", "/loop/b" if path == "/loop/a" else "/loop/a")
            self.end_headers()
        elif path == "/huge.html":
            # 20 MB without a Content-Length: only counting while reading can stop it.
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            chunk = b"<p>" + b"lorem ipsum " * 8000 + b"</p>"
            try:
                for _ in range(20_000_000 // len(chunk) + 1):
                    self.wfile.write(chunk)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the reader gave up at its limit, as it should
        else:
            self.send_error(404, "Not Found")

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[ServerState]:
    state = ServerState()
    handler = type("BoundHandler", (Handler,), {"state": state})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    state.base = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield state
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "http_proxy",
        "https_proxy",
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "all_proxy",
        "ALL_PROXY",
    ):
        monkeypatch.delenv(name, raising=False)
    # The test server is on loopback, which is refused unless the operator allows it.
    monkeypatch.setenv("HEADCOUNT_ALLOW_PRIVATE_URLS", "1")


def outcomes(report: PollReport, server: ServerState) -> dict[str, object]:
    return {o.url.removeprefix(server.base): o for o in report.feeds}


def stored_origins(store: SQLiteStore) -> list[str]:
    return sorted(row[0] for row in store._fetchall("SELECT origin FROM documents"))


def test_watch_reports_every_case_and_the_rest_lands(tmp_path: Path, server: ServerState) -> None:
    base = server.base
    store = SQLiteStore.open(tmp_path / "ledger.db")
    for path in ("/rss.xml", "/atom.xml", "/flaky.xml", "/malformed.xml"):
        store.add_feed(base + path, T0.isoformat())

    # Round 1: new items everywhere, one feed down, one malformed, three articles that fail.
    report = poll_once(store, T0, options=OPTIONS, resolver=None)
    by_feed = {o.url.removeprefix(base): o for o in report.feeds}
    rss_out, atom_out = by_feed["/rss.xml"], by_feed["/atom.xml"]
    assert (rss_out.status, rss_out.new_items, rss_out.stored) == ("new items", 5, 2)
    failures = sorted(rss_out.item_errors)
    assert len(failures) == 3
    assert "timed out" in next(f for f in failures if "/slow.html" in f)
    assert "redirect" in next(f for f in failures if "/loop/a" in f)
    assert "too large" in next(f for f in failures if "/huge.html" in f)
    assert (atom_out.status, atom_out.new_items, atom_out.stored) == ("new items", 2, 2)
    assert by_feed["/flaky.xml"].status == "error"
    assert "HTTP 500" in str(by_feed["/flaky.xml"].error)
    assert by_feed["/malformed.xml"].status == "error"
    assert "malformed XML" in str(by_feed["/malformed.xml"].error)
    assert stored_origins(store) == sorted(
        [
            f"{base}/news/acme.html",
            f"{base}/news/globex.html",
            f"{base}/news/initech.html",
            f"{base}/atom.xml#urn:example:vandelay",
        ]
    )
    claims = store.claims()
    companies = {c.company for c in claims}
    assert {"Acme Corp", "Globex Corporation", "Initech", "Vandelay Industries"} <= companies
    assert report.claims == len(claims)

    # The page's date wins; the feed's date stands in when the page has none.
    documents = {d.origin: d for d in map(store.get_document, _ids(store)) if d is not None}
    assert documents[f"{base}/news/acme.html"].published_at == date(2024, 3, 5)
    assert documents[f"{base}/news/globex.html"].published_at == date(2024, 3, 4)
    # A story without a page of its own is credited to its feed.
    assert documents[f"{base}/atom.xml#urn:example:vandelay"].outlet == "Example Tech Wire"

    health = {f.url.removeprefix(base): f for f in store.feeds()}
    assert health["/rss.xml"].items_seen == 5 and health["/rss.xml"].items_pending == 3
    assert health["/rss.xml"].last_success == T0.isoformat()
    assert health["/flaky.xml"].errors == 1 and "HTTP 500" in str(health["/flaky.xml"].last_error)
    assert health["/flaky.xml"].last_success is None
    assert health["/malformed.xml"].next_poll == (T0 + timedelta(seconds=900)).isoformat()

    # Round 2, a second later: nothing is due, nothing is fetched again.
    hits_before = sum(server.hits.values())
    report = poll_once(store, T0 + timedelta(seconds=1), options=OPTIONS, resolver=None)
    assert {o.status for o in report.feeds} == {"waiting"}
    assert sum(server.hits.values()) == hits_before

    # Round 3, after the interval: unchanged feeds answer 304, the flaky one has recovered,
    # the malformed one fails again and backs off twice as long; failed articles are retried
    # once more and then given up (max_attempts=2).
    server.flaky_fails = False
    later = T0 + timedelta(seconds=1000)
    report = poll_once(store, later, options=OPTIONS, resolver=None)
    by_feed = {o.url.removeprefix(base): o for o in report.feeds}
    assert by_feed["/rss.xml"].status == "not modified"
    assert by_feed["/atom.xml"].status == "not modified"
    assert (by_feed["/flaky.xml"].status, by_feed["/flaky.xml"].stored) == ("new items", 1)
    assert by_feed["/malformed.xml"].status == "error"
    assert len(by_feed["/rss.xml"].item_errors) == 3
    assert server.bodies["/rss.xml"] == 1 and server.hits["/rss.xml"] == 2
    assert server.bodies["/atom.xml"] == 1 and server.hits["/atom.xml"] == 2
    health = {f.url.removeprefix(base): f for f in store.feeds()}
    assert (
        health["/flaky.xml"].errors == 0 and health["/flaky.xml"].last_success == later.isoformat()
    )
    assert health["/malformed.xml"].errors == 2
    assert health["/malformed.xml"].next_poll == (later + timedelta(seconds=1800)).isoformat()
    assert (health["/rss.xml"].items_pending, health["/rss.xml"].items_failed) == (0, 3)
    assert len(stored_origins(store)) == 5
    assert f"{base}/news/hooli.html" in stored_origins(store)

    # Round 4: nothing new anywhere; nothing is added twice.
    mentions = store.mention_count()
    poll_once(store, later + timedelta(seconds=4000), options=OPTIONS, resolver=None)
    assert len(stored_origins(store)) == 5 and store.mention_count() == mentions
    store.close()


def _ids(store: SQLiteStore) -> list[str]:
    return [row[0] for row in store._fetchall("SELECT id FROM documents")]


def test_a_stop_at_any_moment_loses_nothing_and_adds_nothing_twice(
    tmp_path: Path, server: ServerState
) -> None:
    base = server.base
    db = tmp_path / "ledger.db"
    store = SQLiteStore.open(db)
    store.add_feed(f"{base}/rss.xml", T0.isoformat())
    store.add_feed(f"{base}/atom.xml", T0.isoformat())
    # Stop after the first article has been stored: the rest of the round is left undone.
    first = poll_once(
        store, T0, options=OPTIONS, resolver=None, stop=lambda: store.document_count() >= 1
    )
    assert first.stored == 1
    # Feeds are fetched at once, so the Atom feed may have been listed (its items noted, no
    # article stored) or not reached at all when the stop came; either way its articles are pending.
    assert first.feeds[0].status == "new items"
    assert first.feeds[1].status in ("new items", "stopped")
    store.close()

    # The next start (a new process, here a new connection) goes on where it stopped, at once
    # for the items never tried, without fetching the feed again.
    store = SQLiteStore.open(db)
    second = poll_once(store, T0 + timedelta(seconds=5), options=OPTIONS, resolver=None)
    assert server.hits["/rss.xml"] == 1
    assert sum(o.stored for o in second.feeds) == 3  # the rest of RSS (1 good) + Atom (2)
    assert len(stored_origins(store)) == 4
    # A third round stores nothing more.
    poll_once(store, T0 + timedelta(seconds=2000), options=OPTIONS, resolver=None)
    assert len(stored_origins(store)) == 4
    assert store.mention_count() == len({c.id for c in store.claims()})
    store.close()


def test_backoff_doubles_up_to_its_cap() -> None:
    options = WatchOptions(interval=60, max_backoff=300)
    assert [backoff(n, options) for n in (1, 2, 3, 4, 5)] == [60, 120, 240, 300, 300]


def test_watch_loop_runs_rounds_and_stops_on_request(tmp_path: Path, server: ServerState) -> None:
    store = SQLiteStore.open(tmp_path / "ledger.db")
    store.add_feed(f"{server.base}/atom.xml", T0.isoformat())
    rounds: list[PollReport] = []
    assert (
        watch(store, options=OPTIONS, rounds=2, tick=0.01, on_round=rounds.append, resolver=None)
        == 2
    )
    assert rounds[0].stored == 2 and rounds[1].stored == 0
    stopper = Stopper()
    stopper.set()
    assert watch(store, options=OPTIONS, tick=0.01, resolver=None, stopper=stopper) == 0
    store.close()


def test_feed_parser_refuses_entity_attacks_and_reads_rdf() -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        b"<rss><channel><title>&lol2;</title></channel></rss>"
    )
    with pytest.raises(FeedError, match="declares XML entities"):
        parse_feed(bomb)
    external = (
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b"<rss><channel><title>&x;</title></channel></rss>"
    )
    with pytest.raises(FeedError, match="declares XML entities"):
        parse_feed(external)
    with pytest.raises(FeedError, match="not an RSS or Atom feed"):
        parse_feed(b"<html><body>Not a feed</body></html>")
    rdf = (
        b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        b'xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        b'<channel rdf:about="http://e/"><title>RDF</title></channel>'
        b'<item rdf:about="http://e/1"><title>One &amp; two&nbsp;three</title>'
        b"<link>http://e/1</link><dc:date>2024-02-03T10:00:00Z</dc:date></item></rdf:RDF>"
    )
    parsed = parse_feed(rdf)
    assert parsed.kind == "rdf" and parsed.title == "RDF"
    (item,) = parsed.items
    assert (item.key, item.link, item.published) == ("http://e/1", "http://e/1", date(2024, 2, 3))
    assert item.title == "One & two three"  # &nbsp; understood, spaces collapsed


def _cli() -> click.Group:
    @click.group()
    @click.option("--db", required=True)
    @click.pass_context
    def cli(ctx: click.Context, db: str) -> None:
        ctx.obj = {"db": db}

    cli.add_command(feeds)
    cli.add_command(watch_command)
    return cli


def test_feeds_commands_and_watch_once(tmp_path: Path, server: ServerState) -> None:
    db = str(tmp_path / "ledger.db")
    runner = CliRunner()
    cli = _cli()
    result = runner.invoke(cli, ["--db", db, "feeds", "list"])
    assert result.exit_code == 0 and "no feeds" in result.output
    result = runner.invoke(cli, ["--db", db, "watch", "--once"])
    assert result.exit_code != 0 and "no feeds to watch" in result.output
    result = runner.invoke(
        cli, ["--db", db, "feeds", "add", f"{server.base}/atom.xml", f"{server.base}/flaky.xml"]
    )
    assert result.exit_code == 0 and result.output.count("(added)") == 2
    result = runner.invoke(cli, ["--db", db, "feeds", "add", f"{server.base}/atom.xml"])
    assert "already subscribed" in result.output
    assert runner.invoke(cli, ["--db", db, "feeds", "add", "ftp://x"]).exit_code != 0

    result = runner.invoke(cli, ["--db", db, "watch", "--once", "--timeout", "2"])
    assert result.exit_code == 0, result.output
    assert "resolved" in result.stderr  # the new claims were placed into events
    assert "atom.xml: new items, 2 new items, 2 articles stored" in result.stderr
    assert "flaky.xml: error (cannot fetch feed: HTTP 500" in result.stderr

    result = runner.invoke(cli, ["--db", db, "feeds", "list"])
    assert "Example Tech Wire" in result.output and "2 items seen" in result.output
    assert "last error" in result.output and "HTTP 500" in result.output
    result = runner.invoke(cli, ["--db", db, "feeds", "list", "--json"])
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert {r["url"].rsplit("/", 1)[1]: r["items_seen"] for r in rows} == {
        "atom.xml": 2,
        "flaky.xml": 0,
    }
    flaky = next(r for r in rows if r["url"].endswith("flaky.xml"))
    assert flaky["errors_in_a_row"] == 1 and flaky["last_success"] is None

    result = runner.invoke(cli, ["--db", db, "feeds", "remove", flaky["id"]])
    assert result.exit_code == 0
    result = runner.invoke(cli, ["--db", db, "feeds", "remove", "nope"])
    assert result.exit_code != 0 and "no such feed" in result.output
    result = runner.invoke(cli, ["--db", db, "feeds", "list", "--json"])
    assert len(result.output.splitlines()) == 1
