"""Bulk runs: every input kind, the same output for any number of workers (and for Ray),
resuming after an interruption, a database or Parquet, and WARC archives of real articles."""

from __future__ import annotations

import csv
import gzip
import html
import importlib.util
import io
import json
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner

from headcount.cli_scale import batch_command
from headcount.ingest import RunReport, extract_inputs
from headcount.model import Document, SourceError
from headcount.scale import BatchReport, DatabaseSink, ParquetSink, run_batch
from headcount.scale.parquet import read_table
from headcount.scale.units import TaskResult
from headcount.sources import load
from headcount.store import SQLiteStore

SHARED = Path(__file__).resolve().parents[2] / "shared"
CANDIDATES = SHARED / "data" / "layoff_news" / "keyword_candidates_en_bbc_reuters.jsonl"

LAYOFF_TEXTS = [
    "Acme Corp said on Tuesday it will cut 1,200 jobs at its plant in Ohio as demand slows.",
    "Globex Corporation said on Monday that it had laid off 300 workers at its Denver office.",
    "Initech said it would eliminate 450 positions in Austin, Texas, to reduce costs.",
    "Hooli Inc said on Thursday it will cut 800 jobs, about 5% of its workforce.",
    "Vandelay Industries will lay off 250 employees at its New Jersey warehouse.",
]
OTHER_TEXTS = [
    "The central bank cut interest rates by half a point on Tuesday, its first move in a year.",
    "The home side won 3-1 after a late goal in the second half of a tense match.",
    "Shares rose two percent in early trading as investors welcomed the quarterly results.",
]


def make_corpus(root: Path) -> list[str]:
    """A small corpus with every input kind: JSONL.gz, CSV with and without a header, a
    directory of text and HTML files, and a bad line and a bad file among them."""
    root.mkdir(parents=True, exist_ok=True)
    lines = []
    for i, text in enumerate(LAYOFF_TEXTS[:3] + OTHER_TEXTS * 4):
        lines.append(json.dumps({"id": f"w{i}", "text": text, "published": "2024-03-05"}))
    lines.insert(4, "{not json")
    with gzip.open(root / "wire.jsonl.gz", "wt", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["id", "title", "text", "date", "url"])
    writer.writerow(["c1", "Hooli cuts jobs", LAYOFF_TEXTS[3], "2024-03-07", "https://e/h"])
    writer.writerow(["c2", "Markets", OTHER_TEXTS[2], "2024-03-07", ""])
    (root / "table.csv").write_text(buffer.getvalue(), encoding="utf-8")
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["3", "Vandelay to lay off 250", LAYOFF_TEXTS[4]])
    writer.writerow(["1", "Sport", OTHER_TEXTS[1]])
    with gzip.open(root / "headerless.csv.gz", "wt", encoding="utf-8", newline="") as fh:
        fh.write(buffer.getvalue())
    pages = root / "pages"
    pages.mkdir(exist_ok=True)
    (pages / "a.txt").write_text(LAYOFF_TEXTS[1] + " " + OTHER_TEXTS[0], encoding="utf-8")
    (pages / "b.html").write_text(
        f"<html><head><title>Initech</title></head><body><p>{LAYOFF_TEXTS[2]}</p></body></html>",
        encoding="utf-8",
    )
    (pages / "c.pdf").write_bytes(b"%PDF-1.4 not an article")
    return [str(root / "wire.jsonl.gz"), str(root / "*.csv*"), str(pages)]


def parquet_run(inputs: list[str], out: Path, **kwargs: Any) -> BatchReport:
    return run_batch(inputs, lambda run_id: ParquetSink(out, run_id, tasks_per_part=2), **kwargs)


def tables(out: Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    return read_table(out / "claims.parquet"), read_table(out / "documents.parquet")


def test_every_input_kind_lands_and_workers_do_not_change_the_output(tmp_path: Path) -> None:
    inputs = make_corpus(tmp_path / "corpus")
    one = parquet_run(inputs, tmp_path / "one", workers=1, task_size=3)
    two = parquet_run(inputs, tmp_path / "two", workers=2, task_size=3)
    assert one.documents == two.documents == 3 + 12 + 2 + 2 + 2
    assert one.problem_count == two.problem_count == 2
    problems = {Path(p.origin).name: p.reason for p in one.problems}
    assert problems["wire.jsonl.gz#5"].startswith("line 5: invalid JSON")
    assert problems["c.pdf"].startswith("unsupported file type .pdf")
    assert 0 < one.passed_prefilter < one.documents
    claims_one, documents_one = tables(tmp_path / "one")
    assert (claims_one, documents_one) == tables(tmp_path / "two")
    assert (tmp_path / "one" / "claims.parquet").read_bytes() == (
        tmp_path / "two" / "claims.parquet"
    ).read_bytes()
    companies = [c["company"] for c in claims_one]
    # In input order: JSON Lines, then both CSV files (in name order), then the pages.
    # b.html holds the very text of wire.jsonl.gz#w2: one document, kept once.
    assert companies == [
        "Acme Corp",
        "Globex Corporation",
        "Initech",
        "Vandelay Industries",
        "Hooli Inc",
        "Globex Corporation",
    ]
    origins = [d["origin"].removeprefix(str(tmp_path / "corpus") + "/") for d in documents_one]
    assert origins[:5] == [
        "wire.jsonl.gz#w0",
        "wire.jsonl.gz#w1",
        "wire.jsonl.gz#w2",
        "headerless.csv.gz#1",
        "table.csv#c1",
    ]
    hooli = next(d for d in documents_one if d["origin"].endswith("#c1"))
    assert (hooli["url"], str(hooli["published_at"]), hooli["title"]) == (
        "https://e/h",
        "2024-03-07",
        "Hooli cuts jobs",
    )
    # The report counts what was written: b.html's document (wire.jsonl.gz#w2 again) once.
    assert (
        (one.claims, one.documents_with_claims) == (len(claims_one), len(documents_one)) == (6, 6)
    )
    assert len(documents_one) == len({d["id"] for d in documents_one}) == 6

    # The same run into a database holds the same claims, and running it again adds nothing.
    db = tmp_path / "ledger.db"
    store = SQLiteStore.open(db)
    report = run_batch(
        inputs,
        lambda run_id: DatabaseSink(store, run_id, "test", str(db)),
        workers=1,
        task_size=3,
    )
    assert report.claims == 6
    assert sorted(m.id for m in store.claims()) == sorted(c["id"] for c in claims_one)
    again = run_batch(inputs, lambda run_id: DatabaseSink(store, run_id, "test"), task_size=3)
    assert (
        again.already_complete and again.total_claims == 6
    )  # what was written: a repeated document once
    assert store.mention_count() == len(claims_one)
    store.close()


def interrupt_after(tasks: int) -> Callable[[TaskResult], None]:
    seen = []

    def on_result(result: TaskResult) -> None:
        seen.append(result.index)
        if len(seen) == tasks:
            raise KeyboardInterrupt

    return on_result


def test_an_interrupted_run_resumes_where_it_stopped(tmp_path: Path) -> None:
    inputs = make_corpus(tmp_path / "corpus")
    whole = tmp_path / "whole"
    tasks = parquet_run(inputs, whole, workers=1, task_size=2).tasks
    assert tasks == 12

    # Parquet: progress advances with each part (2 tasks here); an interrupted part is redone.
    out = tmp_path / "resumed"
    first = parquet_run(inputs, out, workers=2, task_size=2, on_result=interrupt_after(5))
    assert first.interrupted and not (out / "claims.parquet").exists()
    second = parquet_run(inputs, out, workers=2, task_size=2)
    assert second.tasks_skipped == 4 and not second.interrupted
    assert first.tasks == 5 and second.tasks_skipped + second.tasks == tasks
    assert tables(out) == tables(whole)
    third = parquet_run(inputs, out, workers=1, task_size=2)
    assert third.already_complete and tables(out) == tables(whole)

    # A database: every task lands whole with its progress, so none is redone.
    db = tmp_path / "ledger.db"
    store = SQLiteStore.open(db)

    def sink(run_id: str) -> DatabaseSink:
        return DatabaseSink(store, run_id, "test")

    first = run_batch(inputs, sink, workers=1, task_size=2, on_result=interrupt_after(3))
    assert first.interrupted
    second = run_batch(inputs, sink, workers=1, task_size=2)
    assert second.tasks_skipped == 3
    assert second.total_documents == first.documents + second.documents
    assert sorted(m.id for m in store.claims()) == sorted(
        c["id"] for c in read_table(whole / "claims.parquet")
    )
    store.close()


# --- WARC ------------------------------------------------------------------------------------


def warc_record(kind: str, uri: str | None, block: bytes, content_type: str) -> bytes:
    headers = [
        "WARC/1.0",
        f"WARC-Type: {kind}",
        f"WARC-Record-ID: <urn:uuid:{uuid.uuid4()}>",
        "WARC-Date: 2024-03-06T12:00:00Z",
        *([f"WARC-Target-URI: {uri}"] if uri else []),
        f"Content-Type: {content_type}",
        f"Content-Length: {len(block)}",
    ]
    record = ("\r\n".join(headers) + "\r\n\r\n").encode() + block + b"\r\n\r\n"
    return gzip.compress(record)  # one gzip member per record, as crawlers write them


def http_response(body: bytes, content_type: str, status: str = "200 OK") -> bytes:
    head = (
        f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


def page(title: str, text: str) -> bytes:
    paragraphs = "".join(f"<p>{html.escape(p.strip())}</p>" for p in text.split("\n") if p.strip())
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
        f"</head><body><nav><a href='/'>Home</a></nav><article><h1>{html.escape(title)}</h1>"
        f"{paragraphs}</article><footer>Archive copy</footer></body></html>"
    ).encode()


def real_articles(limit: int) -> list[dict[str, Any]]:
    rows = [json.loads(line) for line in CANDIDATES.read_text(encoding="utf-8").splitlines()]
    return [r for r in rows if r.get("text")][:limit]


def claim_key(row: dict[str, Any]) -> tuple[Any, ...]:
    return (
        row["document_id"],
        row["kind"],
        row["company"],
        row["headcount_min"],
        row["headcount_max"],
        row["evidence_start"],
        row["evidence"],
    )


@pytest.mark.skipif(not CANDIDATES.exists(), reason="needs ../shared/data/layoff_news")
def test_warc_of_real_articles_gives_the_same_claims_as_extract(tmp_path: Path) -> None:
    articles = real_articles(24)
    pages_dir = tmp_path / "pages"
    pages_dir.mkdir()
    records = [
        warc_record("warcinfo", None, b"software: headcount tests\r\n", "application/warc-fields")
    ]
    html_files = []
    for number, row in enumerate(articles):
        body = page(row["title"], row["text"])
        uri = f"https://news.example/{row['corpus']}/{number}.html"
        request = f"GET /{number}.html HTTP/1.1\r\nHost: news.example\r\n\r\n".encode()
        records.append(warc_record("request", uri, request, "application/http; msgtype=request"))
        records.append(
            warc_record(
                "response",
                uri,
                http_response(body, "text/html; charset=utf-8"),
                "application/http; msgtype=response",
            )
        )
        path = pages_dir / f"{number:03d}.html"
        path.write_bytes(body)
        html_files.append(str(path))
        if number == 3:  # what a crawl holds besides articles: none of it is a document
            records.append(
                warc_record(
                    "response",
                    "https://news.example/logo.png",
                    http_response(b"\x89PNG\r\n", "image/png"),
                    "application/http; msgtype=response",
                )
            )
            records.append(
                warc_record(
                    "response",
                    "https://news.example/gone",
                    http_response(b"<p>Not found</p>", "text/html", "404 Not Found"),
                    "application/http; msgtype=response",
                )
            )
    archive = tmp_path / "crawl.warc.gz"
    archive.write_bytes(b"".join(records))

    out = tmp_path / "out"
    report = parquet_run([str(archive)], out, workers=1)
    assert report.problem_count == 0 and report.documents == len(articles)
    claims, documents = tables(out)
    assert {d["url"] for d in documents} <= {
        f"https://news.example/{r['corpus']}/{n}.html" for n, r in enumerate(articles)
    }

    extract_report = RunReport()
    expected = [
        m.to_dict() for e in extract_inputs(html_files, None, extract_report) for m in e.mentions
    ]
    assert extract_report.problems == []
    assert len(expected) >= 10
    assert [claim_key(c) for c in claims] == [claim_key(e) for e in expected]

    # load(), and so `headcount extract`, reads the archive too.
    loaded = [d for d in load([str(archive)]) if isinstance(d, Document)]
    assert [d.id for d in loaded] == [d.id for d in load(html_files) if isinstance(d, Document)]


def test_damaged_and_empty_warc_files_are_reported(tmp_path: Path) -> None:
    good = warc_record(
        "response",
        "https://e/1",
        http_response(page("Acme", LAYOFF_TEXTS[0]), "text/html"),
        "application/http; msgtype=response",
    )
    truncated = tmp_path / "cut.warc.gz"
    truncated.write_bytes(good + good[: len(good) // 2])
    empty = tmp_path / "empty.warc"
    empty.write_bytes(b"")
    notwarc = tmp_path / "notes.warc"
    notwarc.write_text("hello")
    results = list(load([str(truncated), str(empty), str(notwarc)]))
    documents = [r for r in results if isinstance(r, Document)]
    errors = {Path(r.origin).name: r.reason for r in results if isinstance(r, SourceError)}
    assert len(documents) == 1
    assert set(errors) == {"cut.warc.gz#2", "empty.warc", "notes.warc"}
    assert errors["cut.warc.gz#2"].startswith("record 2: no HTTP status line")
    assert "not a WARC file" in errors["notes.warc"]


def test_csv_source_with_and_without_header(tmp_path: Path) -> None:
    path = tmp_path / "news.csv"
    path.write_text(
        'Headline,Body,Link\nAcme cuts,"' + LAYOFF_TEXTS[0] + '",https://e/a\n,,\nEmpty body,,\n',
        encoding="utf-8",
    )
    results = list(load([str(path)]))
    (first, second) = results
    assert isinstance(first, Document) and first.title == "Acme cuts"
    assert first.url == "https://e/a" and first.origin == f"{path}#1"
    assert isinstance(second, Document) and second.text == "Empty body"
    long = tmp_path / "long.csv"
    long.write_text('title,text\nLong,"' + "Word " * 50_000 + '"\n', encoding="utf-8")
    (doc,) = list(load([str(long)]))  # over the csv module's own 128 KiB field limit
    assert isinstance(doc, Document) and len(doc.text) > 200_000
    latin = tmp_path / "latin.csv"
    latin.write_bytes("2,Caf\xe9 closes,Staff at the caf\xe9 lose jobs\n".encode("cp1252"))
    (doc,) = list(load([str(latin)]))
    assert isinstance(doc, Document) and doc.title == "Café closes"
    assert doc.text.endswith("Staff at the café lose jobs")


def _cli() -> click.Group:
    @click.group()
    def cli() -> None:
        pass

    cli.add_command(batch_command)
    return cli


def test_batch_command(tmp_path: Path) -> None:
    inputs = make_corpus(tmp_path / "corpus")
    out = str(tmp_path / "claims.parquet")
    problems = tmp_path / "problems.jsonl"
    runner = CliRunner()
    args = ["batch", *inputs, "--out", out, "--workers", "1", "--problems", str(problems)]
    result = runner.invoke(_cli(), args)
    assert result.exit_code == 1, result.output  # two inputs failed, and it says so
    assert "21 documents" in result.stderr and "documents/s" in result.stderr
    assert "prefilter passed" in result.stderr and "6 claims in 6 documents" in result.stderr
    assert len(problems.read_text().splitlines()) == 2
    assert len(read_table(Path(out) / "claims.parquet")) == 6
    result = runner.invoke(_cli(), args)
    assert "already complete" in result.stderr
    db = tmp_path / "ledger.db"
    result = runner.invoke(_cli(), ["batch", inputs[0], "--out", str(db), "--progress"])
    assert result.exit_code == 1 and "3 claims" in result.stderr
    assert "resolved 3 claims" in result.stderr  # and placed into events
    if importlib.util.find_spec("ray") is None:
        result = runner.invoke(_cli(), ["batch", inputs[0], "--out", str(db), "--engine", "ray"])
        assert result.exit_code != 0 and "headcount[ray]" in result.output


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # Ray's own, about its settings
@pytest.mark.skipif(
    importlib.util.find_spec("ray") is None,
    reason="Ray is not installed (pip install 'headcount[ray]'); the Ray engine is not tested",
)
def test_ray_engine_gives_the_local_engine_output(tmp_path: Path) -> None:
    from headcount.scale import ray_engine

    inputs = make_corpus(tmp_path / "corpus")
    if CANDIDATES.exists():
        inputs.append(str(CANDIDATES))
    local = parquet_run(inputs, tmp_path / "local", workers=2, task_size=16)
    try:
        on_ray = parquet_run(inputs, tmp_path / "ray", workers=2, task_size=16, engine="ray")
    finally:
        ray_engine.stop()
    assert (on_ray.documents, on_ray.claims, on_ray.problem_count) == (
        local.documents,
        local.claims,
        local.problem_count,
    )
    assert tables(tmp_path / "ray") == tables(tmp_path / "local")
