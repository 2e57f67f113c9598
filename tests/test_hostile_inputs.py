"""Hostile inputs (issue 10): each is reported in one line and skipped, and the rest lands.

Symbolic link loops, FIFOs, deeply nested or container-stuffed JSON, gzip bombs and unclosed
CSV quotes, read by `load` (ingest, extract), the bulk reader (batch) and the record importer;
plus what `import` and `batch` report.
"""

from __future__ import annotations

import gzip
import os
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

import pytest
from click.testing import CliRunner

from headcount.cli import main
from headcount.ingest import import_file
from headcount.model import Document, SourceError
from headcount.records import ImportedRow, RowError, import_records
from headcount.scale.sinks import DatabaseSink
from headcount.scale.units import DocumentResult, TaskResult, input_files, plan
from headcount.sources import load
from headcount.store import open_store

RECORDS = Path(__file__).parent / "data" / "records"
ARTICLE = '{{"id": "{0}", "text": "{0} Corp said on Monday it will cut 500 jobs."}}\n'
TABLE_HEADER = (
    "company,location,total_laid_off,date,percentage_laid_off,industry,source,stage,"
    "funds_raised,country,date_added\n"
)
T = TypeVar("T")


def finishes(work: Callable[[], T], seconds: float = 30.0) -> T:
    """work's result; the test fails (instead of hanging) when work blocks."""
    outcome: list[T] = []
    thread = threading.Thread(target=lambda: outcome.append(work()), daemon=True)
    thread.start()
    thread.join(seconds)
    assert outcome, f"still blocked after {seconds} s"
    return outcome[0]


def split(results: Iterable[Document | SourceError]) -> tuple[list[str], list[SourceError]]:
    documents: list[str] = []
    errors: list[SourceError] = []
    for item in results:
        if isinstance(item, SourceError):
            errors.append(item)
        else:
            documents.append(item.origin)
    return documents, errors


def article(path: Path, name: str) -> str:
    path.write_text(f"{name} Corp said on Monday it will cut 500 jobs.\n", encoding="utf-8")
    return str(path)


# --- symbolic link loops and special files ---------------------------------------------------


def test_a_symlink_loop_in_a_directory_is_one_error_and_later_files_load(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    article(folder / "a.txt", "Acme")
    (folder / "loop1.txt").symlink_to("loop2.txt")
    (folder / "loop2.txt").symlink_to("loop1.txt")
    (folder / "self.txt").symlink_to("self.txt")
    article(folder / "z.txt", "Zeta")
    documents, errors = split(load([str(folder)]))
    assert documents == [str(folder / "a.txt"), str(folder / "z.txt")]
    assert sorted(Path(e.origin).name for e in errors) == ["loop1.txt", "loop2.txt", "self.txt"]
    assert all("symbolic links" in e.reason for e in errors)
    # The bulk reader lists the same files and problems.
    listed = list(input_files([str(folder)]))
    assert [x for x in listed if isinstance(x, str)] == documents


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_fifo_is_refused_without_being_opened(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    article(folder / "a.txt", "Acme")
    os.mkfifo(folder / "pipe.txt")
    os.mkfifo(tmp_path / "pipe.jsonl")
    os.mkfifo(tmp_path / "pipe.csv")
    article(folder / "z.txt", "Zeta")
    inputs = [str(folder), str(tmp_path / "pipe.jsonl"), str(tmp_path / "pipe.csv")]
    documents, errors = finishes(lambda: split(load(inputs)))
    assert [Path(d).name for d in documents] == ["a.txt", "z.txt"]
    assert [Path(e.origin).name for e in errors] == ["pipe.txt", "pipe.jsonl", "pipe.csv"]
    assert all(e.reason == "not a regular file (a named pipe), not read" for e in errors)

    units = finishes(lambda: list(plan(input_files(inputs))))
    assert sorted(u.origin for u in units if u.kind == "error") == sorted(
        [str(folder / "pipe.txt"), *inputs[1:]]
    )
    [problem] = finishes(lambda: list(import_records("warn", tmp_path / "pipe.csv")))
    assert isinstance(problem, RowError) and "named pipe" in problem.reason


# --- JSON nested too deep, or too many containers -------------------------------------------


def test_a_deeply_nested_jsonl_line_is_one_error_and_the_rest_of_the_file_loads(
    tmp_path: Path,
) -> None:
    nested = '{"text": "x", "deep": ' + "[" * 100_000 + "]" * 100_000 + "}\n"
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text(ARTICLE.format("Acme") + nested + ARTICLE.format("Zeta"), encoding="utf-8")
    documents, errors = split(load([str(corpus)]))
    assert documents == [f"{corpus}#Acme", f"{corpus}#Zeta"]
    [error] = errors
    assert error.origin == f"{corpus}#2"
    assert error.reason == (
        "line 2: JSON nested deeper than 64 levels (HEADCOUNT_MAX_JSON_DEPTH raises the limit)"
    )
    # The bulk reader's units go through the same line reader.
    assert [u.number for u in plan([str(corpus)])] == [1, 2, 3]


def test_json_depth_and_container_limits_are_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    five_deep = '{"text": "Acme Corp will cut 500 jobs.", "x": [[[[1]]]]}\n'
    many = '{"text": "Beta Corp will cut 500 jobs.", "x": [' + "{}," * 2000 + "{}]}\n"
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text(five_deep + many, encoding="utf-8")
    assert len(split(load([str(corpus)]))[0]) == 2  # the defaults allow both
    monkeypatch.setenv("HEADCOUNT_MAX_JSON_DEPTH", "3")
    monkeypatch.setenv("HEADCOUNT_MAX_JSON_CONTAINERS", "1000")
    documents, errors = split(load([str(corpus)]))
    assert documents == []
    assert [e.reason.split(":")[1].strip()[:22] for e in errors] == [
        "JSON nested deeper tha",
        "more than 1,000 JSON a",
    ]


def test_a_nested_json_file_given_to_import_is_one_error_and_later_files_import(
    tmp_path: Path,
) -> None:
    nested = tmp_path / "nested.json"
    nested.write_text("[" * 200_000 + "]" * 200_000, encoding="utf-8")
    table = tmp_path / "table.csv"
    table.write_text(
        TABLE_HEADER + "Acme,SF Bay Area,120,2023-01-10,0.1,Retail,https://example.com/a,"
        "Series B,50,United States,2023-01-11\n",
        encoding="utf-8",
    )
    [problem] = import_records("layoffs-fyi", nested)
    assert isinstance(problem, RowError) and problem.row == 0
    assert "nested deeper than 64 levels" in problem.reason

    database = tmp_path / "ledger.db"
    result = CliRunner().invoke(
        main, ["--db", str(database), "import", "layoffs-fyi", str(nested), str(table)]
    )
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "table.csv: 1 rows, 1 new documents, 1 new claims" in result.output
    assert "resolved 1 claims: 1 new events" in result.output  # resolve still ran
    with open_store(database) as store:
        assert store.event_count() == 1


# --- gzip bombs ------------------------------------------------------------------------------


def _gzip(path: Path, *parts: bytes) -> Path:
    with gzip.open(path, "wb", compresslevel=9) as stream:
        for part in parts:
            stream.write(part)
    return path


def test_a_jsonl_gz_bomb_is_stopped_at_its_bound_and_later_files_load(tmp_path: Path) -> None:
    # 14 KB that would inflate to 15 MB of "{}," (5 million dicts: gigabytes once parsed).
    line = b'{"text": "x", "y": [' + b"{}," * 5_000_000 + b"{}]}\n"
    bomb = _gzip(tmp_path / "bomb.jsonl.gz", ARTICLE.format("Acme").encode(), line)
    assert bomb.stat().st_size < 20_000
    later = article(tmp_path / "later.txt", "Zeta")
    documents, errors = split(load([str(bomb), later]))
    assert documents == [f"{bomb}#Acme", later]
    [error] = errors
    assert error.origin == str(bomb)
    assert "refused as a likely zip bomb (HEADCOUNT_MAX_INFLATE_RATIO" in error.reason
    units = list(plan([str(bomb)]))
    assert units[0].kind == "jsonl" and units[-1].kind == "error"
    assert "zip bomb" in str(units[-1].payload)


def test_a_csv_gz_bomb_is_stopped_for_sources_and_for_import(tmp_path: Path) -> None:
    row = "Acme,SF Bay Area,120,2023-01-10,0.1,Retail,https://example.com/a,Series B,50,US,2023\n"
    filler = b"\n" * 60_000_000  # blank lines: 60 MB from about 60 KB
    articles = b"title,text\nAcme cuts,Acme Corp will cut 500 jobs\n"
    news = _gzip(tmp_path / "news.csv.gz", articles, filler)
    documents, errors = split(load([str(news)]))
    assert documents == [f"{news}#1"]
    assert [e.origin for e in errors] == [str(news)] and "zip bomb" in errors[0].reason

    bomb = _gzip(tmp_path / "bomb.csv.gz", (TABLE_HEADER + row).encode(), filler)
    results = list(import_records("layoffs-fyi", bomb))
    assert [type(r) for r in results] == [ImportedRow, RowError]
    assert "zip bomb" in results[1].reason  # type: ignore[union-attr]


def test_the_inflation_bound_is_a_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = b'{"text": "Acme Corp said it will cut 500 jobs."}\n' + b"\n" * 3_000_000
    squeezed = _gzip(tmp_path / "squeezed.jsonl.gz", text)  # about 1,000 to 1
    assert split(load([str(squeezed)]))[1]  # refused by default
    monkeypatch.setenv("HEADCOUNT_MAX_INFLATE_RATIO", "5000")
    documents, errors = split(load([str(squeezed)]))
    assert len(documents) == 1 and errors == []


# --- unclosed CSV quotes ---------------------------------------------------------------------


def test_an_unclosed_csv_quote_is_reported_and_the_rows_it_swallowed_load(
    tmp_path: Path,
) -> None:
    articles = tmp_path / "articles.csv"
    articles.write_text(
        "id,title,text\n"
        '1,"Acme cuts,Acme Corp will cut 500 jobs\n'
        "2,Beta cuts,Beta Corp will cut 700 jobs\n"
        '3,"Gamma cuts","Gamma Corp will cut 900 jobs"\n'
        '4,Delta cuts,"Delta Corp will cut 100 jobs\n'
        "5,Eta cuts,Eta Corp will cut 300 jobs\n",
        encoding="utf-8",
    )
    documents, errors = split(load([str(articles)]))
    assert documents == [f"{articles}#2", f"{articles}#3", f"{articles}#5"]
    assert [e.origin for e in errors] == [f"{articles}#1", f"{articles}#4"]
    assert all("a quote opened in this row is never closed" in e.reason for e in errors)
    assert "the 2 lines after it are read as rows of their own" in errors[0].reason

    table = tmp_path / "table.csv"
    table.write_text(
        TABLE_HEADER
        + 'Acme,"SF Bay Area,120,2023-01-10,0.1,Retail,,Series B,50,United States,2023\n'
        + "Beta,Boston,70,2023-02-10,0.1,Retail,,Series B,50,United States,2023\n",
        encoding="utf-8",
    )
    results = list(import_records("layoffs-fyi", table))
    assert [type(r) for r in results] == [RowError, ImportedRow]
    assert results[1].mentions[0].company == "Beta"  # type: ignore[union-attr]


# --- what import and batch report ------------------------------------------------------------


def test_stale_listings_are_counted_in_one_line_not_reported_as_row_errors(
    tmp_path: Path,
) -> None:
    with open_store(tmp_path / "ledger.db") as store:
        report = import_file(store, "warn", str(RECORDS / "register_wa.csv"))
    assert report.row_errors == []
    assert report.skipped == {"stale WA listings": 3}
    result = CliRunner().invoke(
        main, ["--db", str(tmp_path / "cli.db"), "import", "warn", str(RECORDS / "register_wa.csv")]
    )
    assert result.exit_code == 0, result.output
    assert "stale" not in result.output.replace("3 stale WA listings skipped", "")
    assert "0 row errors; 3 stale WA listings skipped" in result.output


def test_batch_counts_what_the_database_sink_wrote(tmp_path: Path) -> None:
    from headcount.extract.pipeline import extract_document

    documents = [
        Document.create(f"{name} Corp said on Monday it will cut 500 jobs.", f"{name}.txt")
        for name in ("Acme", "Beta")
    ]
    found = []
    for document in documents:
        extraction = extract_document(document)
        assert extraction.mentions
        found.append(DocumentResult(document, extraction.mentions, extraction.status))
    # The same article read twice (two files hold it) in one task, and again in the next.
    first = TaskResult(0, documents=3, with_claims=[found[0], found[1], found[0]])
    first.claims = sum(len(item.mentions) for item in first.with_claims)
    second = TaskResult(1, documents=1, with_claims=[found[1]], claims=len(found[1].mentions))
    with open_store(tmp_path / "ledger.db") as store:
        sink = DatabaseSink(store, "run", "[]")
        sink.write(first)
        sink.write(second)
        stored = store.mention_count()
        assert store.document_count() == len(first.with_claims) == 2
    assert first.claims == stored
    assert (second.claims, second.with_claims) == (0, [])
    assert sink.totals() == (4, stored)
