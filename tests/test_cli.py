"""The command line as a user runs it: real files, a real SQLite file, real exit codes."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner

from headcount.cli import main
from headcount.ingest import sample_paths
from web_support import free_port

SEEDS = sorted(
    str(p) for p in (Path(__file__).resolve().parents[2] / "shared" / "seeds").glob("*.txt")
)


def run(*args: str, input: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), input=input)
    return result.exit_code, result.stdout, result.stderr


def test_extract_json_has_every_gold_field_and_offsets() -> None:
    code, out, _ = run("extract", "--json", "--published", "2023-11-20", SEEDS[1])
    assert code == 0
    rows = [json.loads(line) for line in out.splitlines()]
    assert rows
    text = Path(SEEDS[1]).read_text(encoding="utf-8")
    for row in rows:
        for key in (
            "doc",
            "company",
            "parent",
            "kind",
            "headcount_min",
            "headcount_max",
            "approx",
            "percent",
            "date",
            "units",
            "locations",
            "reason",
            "evidence",
            "evidence_start",
            "evidence_end",
        ):
            assert key in row
        assert text[row["evidence_start"] : row["evidence_end"]] == row["evidence"]
    alexa = next(r for r in rows if r["kind"] == "new")
    assert (alexa["company"], alexa["headcount_min"], alexa["headcount_max"]) == (
        "Amazon",
        200,
        900,
    )


def test_extract_reads_stdin_and_reports_bad_files(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    code, out, err = run(
        "extract",
        "--published",
        "2024-03-06",
        "-",
        str(empty),
        input="Initech said on Tuesday it will cut 300 jobs at its Austin office.",
    )
    assert code == 1  # something failed, and says so
    assert "Initech" in out and "300" in out
    assert "empty.txt" in err


def test_sample_ships_with_the_package() -> None:
    assert [Path(p).name for p in sample_paths()] == ["seeds.jsonl"]


def test_ingest_twice_adds_nothing_twice_and_claims_filter(tmp_path: Path) -> None:
    db = str(tmp_path / "ledger.db")
    code, _, err = run("--db", db, "ingest", "--sample")
    assert code == 0, err
    code, _, err2 = run("--db", db, "ingest", "--sample")
    assert code == 0 and "(0 new)" in err2
    code, out, _ = run("--db", db, "claims", "--json")
    all_rows = [json.loads(line) for line in out.splitlines()]
    assert len(all_rows) == len({r["id"] for r in all_rows}) > 0
    code, out, _ = run("--db", db, "claims", "--company", "amazon", "--kind", "past", "--csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows and all(r["kind"] == "past" and "Amazon" in r["company"] for r in rows)


def test_claims_rejects_bad_dates(tmp_path: Path) -> None:
    db = str(tmp_path / "ledger.db")
    run("--db", db, "ingest", "--sample")
    code, _, err = run("--db", db, "claims", "--since", "2023-13-45")
    assert code != 0 and "2023-13-45" in err


def test_eval_prints_scores_and_enforces_floors(tmp_path: Path) -> None:
    gold = Path(__file__).resolve().parents[2] / "shared" / "eval" / "seeds_gold.jsonl"
    if not gold.exists():
        return
    code, out, _ = run("eval", str(gold))
    assert code == 0 and "strict" in out and "relaxed" in out and "headcount" in out
    floors = tmp_path / "floors.json"
    floors.write_text(json.dumps({"floors": {"event_f1": 1.5}}))
    code, _, err = run("eval", "--quiet", "--floors", str(floors), str(gold))
    assert code == 1 and "below floor" in err


def test_database_password_is_never_printed(tmp_path: Path) -> None:
    code, _, err = run("--db", "postgresql://user:s3cret@127.0.0.1:1/nowhere", "ingest", "--sample")
    assert code != 0
    assert "s3cret" not in err and "***" in err


def test_import_table_twice_adds_nothing_and_reports_bad_rows(tmp_path: Path) -> None:
    table = tmp_path / "layoffs.csv"
    table.write_text(
        "company,location,industry,total_laid_off,percentage_laid_off,date,stage,country,funds_raised_millions\n"
        "Acme,SF Bay Area,Retail,120,0.1,2/1/2023,Series B,United States,50\n"
        "Globex,Seattle,Retail,lots,NULL,2/30/2023,Post-IPO,United States,NULL\n",
        encoding="utf-8",
    )
    db = str(tmp_path / "ledger.db")
    code, _, err = run("--db", db, "import", "layoffs-fyi", str(table))
    assert code == 0, err
    assert "row=2" in err and "1 new documents" in err
    code, _, err = run("--db", db, "import", "layoffs-fyi", str(table))
    assert "0 new documents" in err and "0 new claims" in err
    code, out, _ = run("--db", db, "claims", "--json", "--company", "acme")
    rows = [json.loads(line) for line in out.splitlines()]
    assert [(r["company"], r["headcount_min"], r["date"]) for r in rows] == [
        ("Acme", 120, "2023-02-01")
    ]


def _table(tmp_path: Path) -> Path:
    table = tmp_path / "layoffs.csv"
    table.write_text(
        "company,location,industry,total_laid_off,percentage_laid_off,date,stage,country,funds_raised_millions\n"
        "Acme,SF Bay Area,Retail,120,0.1,2/1/2023,Series B,United States,50\n",
        encoding="utf-8",
    )
    return table


def test_db_is_taken_after_the_sub_command_too(tmp_path: Path) -> None:
    db = str(tmp_path / "after.db")
    elsewhere = str(tmp_path / "before.db")
    code, _, err = run("import", "layoffs-fyi", str(_table(tmp_path)), "--db", db)
    assert code == 0, err
    assert Path(db).exists() and not Path(elsewhere).exists()
    code, out, err = run("resolve", "--db", db)
    assert code == 0, err
    # The nearest --db wins: one after the sub-command's name over one before it.
    code, out, err = run("--db", elsewhere, "events", "--json", "--db", db)
    assert code == 0, err
    (acme,) = [json.loads(line) for line in out.splitlines()]
    assert (acme["company"], acme["headcount"]) == ("Acme", 120)
    code, out, err = run("event", acme["id"], "--db", db, "--json")
    assert code == 0 and json.loads(out)["id"] == acme["id"], err
    code, out, err = run("claims", "--db", db, "--csv")
    assert code == 0 and "Acme" in out, err
    assert not Path(elsewhere).exists()
    code, _, err = run("events", "--db", elsewhere)
    assert code == 1 and f"no database at {elsewhere}" in err


def test_db_after_group_sub_commands(tmp_path: Path) -> None:
    db = str(tmp_path / "feeds.db")
    code, out, err = run("feeds", "add", "https://news.example.com/rss.xml", "--db", db)
    assert code == 0 and "added" in out, err
    for args in (("feeds", "list", "--db", db), ("feeds", "--db", db, "list")):
        code, out, err = run(*args)
        assert code == 0 and "https://news.example.com/rss.xml" in out, (args, err)
    code, out, err = run("feeds", "remove", "https://news.example.com/rss.xml", "--db", db)
    assert code == 0 and "removed" in out, err
    code, out, _ = run("feeds", "list", "--db", db)
    assert "no feeds" in out
    code, _, err = run("watch", "--once", "--db", db)
    assert code == 1 and "no feeds to watch" in err


def test_db_after_batch_and_ingest(tmp_path: Path) -> None:
    db = tmp_path / "bulk.db"
    articles = tmp_path / "articles.jsonl"
    articles.write_text(
        json.dumps(
            {
                "id": "a1",
                "published": "2024-03-06",
                "text": "Initech said on Tuesday it will cut 300 jobs at its Austin office.",
            }
        )
        + "\n",
        encoding="utf-8",
    )
    code, _, err = run("batch", str(articles), "--workers", "1", "--db", str(db))
    assert code == 0, err
    assert db.exists() and "1 documents" in err
    code, _, err = run("ingest", str(articles), "--db", str(db))
    assert code == 0 and "(0 new)" in err and str(db) in err


def test_the_db_setting_and_a_bad_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "from_env.db"
    monkeypatch.setenv("HEADCOUNT_DB", str(db))
    code, _, err = run("import", "layoffs-fyi", str(_table(tmp_path)))
    assert code == 0 and db.exists(), err
    monkeypatch.setenv("HEADCOUNT_CACHE_SIZE", "plenty")
    code, _, err = run("events")
    assert code == 2 and "HEADCOUNT_CACHE_SIZE='plenty': give a number of answers" in err


def _pages(base: str, times: int) -> list[str]:
    """The methodology page (it lists the feeds), fetched `times` times, each time on a new
    connection so that the workers of a multi-process server each get some."""
    pages = []
    for _ in range(times):
        with urllib.request.urlopen(f"{base}/methodology", timeout=30) as response:
            pages.append(response.read().decode("utf-8"))
    return pages


@contextmanager
def _serving(db: str, *options: str, env: dict[str, str]) -> Iterator[str]:
    """`headcount serve` as a user starts it, in its own process group; yields its address."""
    port = free_port()
    command = [sys.executable, "-m", "headcount.cli", "serve", "--db", db, "--port", str(port)]
    environment = {k: v for k, v in os.environ.items() if not k.startswith("HEADCOUNT_")}
    server = subprocess.Popen(
        [*command, *options],
        env={**environment, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                _pages(base, 1)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the server did not start: {server.stderr}") from None
                time.sleep(0.2)
        yield base
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


@pytest.mark.parametrize(
    ("workers", "options", "env", "fresh"),
    [
        ("1", (), {"HEADCOUNT_CACHE_SIZE": "0"}, True),
        ("2", (), {"HEADCOUNT_CACHE_SIZE": "0"}, True),
        ("1", ("--cache-size", "0"), {"HEADCOUNT_CACHE_SIZE": "2048"}, True),
        # The control: with answers kept, a change that leaves the events alone is not seen.
        ("1", (), {}, False),
    ],
)
def test_the_cache_size_reaches_every_server_worker(
    tmp_path: Path, workers: str, options: tuple[str, ...], env: dict[str, str], fresh: bool
) -> None:
    db = str(tmp_path / "served.db")
    assert run("feeds", "add", "https://first.example.com/rss.xml", "--db", db)[0] == 0
    with _serving(db, "--workers", workers, *options, env=env) as base:
        assert all("first.example.com" in page for page in _pages(base, 12))
        # A new feed changes no event: only a worker that keeps no answers shows it at once.
        assert run("feeds", "add", "https://second.example.com/rss.xml", "--db", db)[0] == 0
        time.sleep(1.5)  # past the server's once-a-second look at whether events changed
        seen = ["second.example.com" in page for page in _pages(base, 12)]
    assert all(seen) if fresh else not any(seen)
