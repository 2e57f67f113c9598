"""Runs that never end: a server that trickles a byte at a time is cut off at the fetch's total
deadline; a slow feed does not hold up the other feeds of a `watch` round; `watch` stops
promptly on SIGTERM and SIGINT; killing the parent of `batch` leaves no worker behind.

Servers are on loopback, started here (with the operator's opt-in for private addresses).
Time bounds are generous: they tell "stops" from "hangs for minutes", not fast from slow."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from headcount.sources import load
from headcount.sources.feeds import FeedError, fetch_feed
from headcount.sources.url import ALLOW_PRIVATE_ENV, FetchPolicy, fetch_policy
from headcount.store import SQLiteStore
from headcount.watch import WatchOptions, poll_once

HEADCOUNT = Path(sys.executable).parent / "headcount"
# How long the trickling server keeps going: far past every deadline used here, so that only
# a deadline (or a stop) can end a fetch early.
TRICKLE_FOR = 40.0
ARTICLE = (
    b"<html><head><title>Acme to cut 1,200 jobs</title></head><body><article><p>Acme Corp "
    b"said on Tuesday it will cut 1,200 jobs at its plant in Ohio as demand for its appliances "
    b"slows.</p><p>The layoffs will take effect in April.</p></article></body></html>"
)


@dataclass
class State:
    base: str = ""
    requested: threading.Event = field(default_factory=threading.Event)  # a trickle began
    release: threading.Event = field(default_factory=threading.Event)  # end the trickle
    released_while_open: bool = False  # release came while the slow answer was still read


class Handler(BaseHTTPRequestHandler):
    state: State

    def do_GET(self) -> None:
        state = self.state
        if self.path == "/article":
            self._send(ARTICLE, "text/html")
        elif self.path == "/fast.xml":
            self._send(
                f"<rss version='2.0'><channel><title>Fast</title><item><title>Acme</title>"
                f"<link>{state.base}/article</link><guid>acme</guid></item></channel></rss>".encode(),
                "application/rss+xml",
            )
        elif self.path in ("/trickle.html", "/trickle.xml"):
            state.requested.set()
            kind = "text/html" if self.path.endswith(".html") else "application/rss+xml"
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.end_headers()
            head = b"<html><body>" if kind == "text/html" else b"<rss version='2.0'><channel>"
            self._trickle(head, b" ", b"</channel></rss>")
        elif self.path == "/trickle-headers":
            state.requested.set()
            self.wfile.write(b"HTTP/1.0 200 OK\r\nX-Slow: ")
            self._trickle(b"", b"a", b"\r\n\r\nhello")
        else:
            self.send_error(404)

    def _send(self, body: bytes, kind: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _trickle(self, head: bytes, drip: bytes, tail: bytes) -> None:
        ends = time.monotonic() + TRICKLE_FOR
        try:
            self.wfile.write(head)
            self.wfile.flush()
            while time.monotonic() < ends and not self.state.release.is_set():
                self.wfile.write(drip)
                self.wfile.flush()
                self.state.release.wait(0.5)
            if self.state.release.is_set():
                # Still writing without error: the reader was still there when released.
                self.wfile.write(drip)
                self.wfile.flush()
                self.state.released_while_open = True
            self.wfile.write(tail)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the reader gave up, as it should at its deadline

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[State]:
    state = State()
    handler = type("BoundHandler", (Handler,), {"state": state})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    state.base = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield state
    state.release.set()
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(autouse=True)
def _opt_in(monkeypatch: pytest.MonkeyPatch) -> None:
    # The servers are on loopback, which is refused unless the operator allows it.
    monkeypatch.setenv(ALLOW_PRIVATE_ENV, "1")
    for name in (
        "http_proxy",
        "https_proxy",
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "all_proxy",
        "ALL_PROXY",
    ):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize("path", ["/trickle.html", "/trickle-headers"])
def test_a_trickling_answer_is_cut_off_at_the_deadline(server: State, path: str) -> None:
    started = time.monotonic()
    with fetch_policy(deadline=2):
        results = list(load([server.base + path], fetch_timeout=10))
    elapsed = time.monotonic() - started

    assert [getattr(r, "reason", None) for r in results] == [
        "cannot fetch: timed out: no complete answer within 2 s"
    ]
    assert elapsed < TRICKLE_FOR / 2  # cut at the deadline, not when the server ended


def test_a_trickling_feed_is_cut_off_at_the_deadline(server: State) -> None:
    started = time.monotonic()
    with pytest.raises(FeedError, match="timed out: no complete answer within 2 s"):
        fetch_feed(
            server.base + "/trickle.xml",
            timeout=10,
            max_bytes=100_000,
            policy=FetchPolicy(allow_private=True, deadline=2),
        )
    assert time.monotonic() - started < TRICKLE_FOR / 2


def test_a_slow_feed_does_not_hold_up_the_others(server: State, tmp_path: Path) -> None:
    store = SQLiteStore.open(tmp_path / "ledger.db")
    now = datetime.now(timezone.utc).isoformat()
    store.add_feed(server.base + "/trickle.xml", now)  # first: it would be polled first
    store.add_feed(server.base + "/fast.xml", now)

    def fast_feed_landed() -> bool:
        # Asked by the round between results: once the fast feed's article is stored, the
        # slow feed may finish.
        if store.document_count() >= 1:
            server.release.set()
        return False

    report = poll_once(
        store,
        options=WatchOptions(fetch_timeout=10, fetch_deadline=TRICKLE_FOR * 2),
        resolver=None,
        stop=fast_feed_landed,
    )
    statuses = {o.url.removeprefix(server.base): (o.status, o.stored) for o in report.feeds}
    assert statuses == {"/trickle.xml": ("unchanged", 0), "/fast.xml": ("new items", 1)}
    # The fast feed's article landed while the slow feed was still being read.
    assert server.released_while_open
    store.close()


def _watch_process(db: Path, tmp_path: Path) -> subprocess.Popen[str]:
    env = {**os.environ, ALLOW_PRIVATE_ENV: "1"}
    return subprocess.Popen(
        [str(HEADCOUNT), "--db", str(db), "watch", "--interval", "60", "--no-resolve"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=tmp_path,
    )


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_watch_stops_promptly_on_a_signal_mid_fetch(
    server: State, tmp_path: Path, sig: signal.Signals
) -> None:
    db = tmp_path / "ledger.db"
    store = SQLiteStore.open(db)
    store.add_feed(server.base + "/trickle.xml", datetime.now(timezone.utc).isoformat())
    store.close()
    process = _watch_process(db, tmp_path)
    try:
        assert server.requested.wait(60), "watch never fetched the feed"
        time.sleep(0.5)
        process.send_signal(sig)
        _, stderr = process.communicate(timeout=TRICKLE_FOR / 2)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, stderr
    assert "stopped" in stderr


def _children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        # A thread that ends while it is read has no file any more: it has no children either.
        with contextlib.suppress(OSError):
            found.update(int(c) for c in (task / "children").read_text().split())
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"  # a zombie has ended; only its parent's bookkeeping is left


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads /proc (Linux)")
def test_killing_the_parent_of_batch_leaves_no_worker_behind(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.jsonl"
    with corpus.open("w", encoding="utf-8") as out:
        for n in range(20_000):
            text = (
                f"Company{n} Corp said on Tuesday it will cut {100 + n} jobs at its plant "
                "in Ohio as demand slows. The layoffs take effect in April. "
            ) * 4
            out.write(json.dumps({"id": n, "text": text}) + "\n")
    process = subprocess.Popen(
        [
            str(HEADCOUNT),
            "--db",
            str(tmp_path / "out.db"),
            "batch",
            str(corpus),
            "--workers",
            "2",
            "--no-progress",
            "--no-resolve",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=tmp_path,
    )
    try:
        workers: set[int] = set()
        deadline = time.monotonic() + 120
        while len(workers) < 2 and time.monotonic() < deadline and process.poll() is None:
            workers = _children(process.pid)
            time.sleep(0.2)
        assert len(workers) >= 2, "batch never started its workers"
        time.sleep(1.0)  # workers busy with tasks
        process.kill()
        process.wait()
        assert any(_alive(pid) for pid in workers), "the run ended before it was killed"
        ends = time.monotonic() + 30
        while any(_alive(pid) for pid in workers) and time.monotonic() < ends:
            time.sleep(0.2)
        left = [pid for pid in workers if _alive(pid)]
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    for pid in left:  # do not leave them running after a failure either
        os.kill(pid, signal.SIGKILL)
    assert left == []
