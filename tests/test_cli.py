"""The command line as a user runs it: real files, a real SQLite file, real exit codes."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from click.testing import CliRunner

from headcount.cli import main
from headcount.ingest import sample_paths

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
