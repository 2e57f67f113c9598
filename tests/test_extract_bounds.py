"""Numbers that look like years, and documents too long to read whole."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from headcount.cli import main
from headcount.extract.pipeline import PARTLY_READ, extract_document
from headcount.ingest import ingest_inputs
from headcount.model import Document
from headcount.store import open_store

FILLER = "The weather in the city was mild and markets were calm on the day. "


@pytest.mark.parametrize("extractor", ["rules", "learned"])
def test_a_count_that_looks_like_a_year_is_a_count_not_a_date(extractor: str) -> None:
    doc = Document.create(
        "Acme will cut 1914 jobs at its plant. It cut 200 jobs in 2019.", "a.txt", language="en"
    )
    found = extract_document(doc, extractor).mentions
    cut = [m for m in found if m.headcount_min == 1914]
    assert cut, f"{extractor}: the 1,914 jobs are a claim"
    assert all(m.date != "1914" for m in cut)


@pytest.mark.parametrize("extractor", ["rules", "learned"])
def test_a_year_before_a_job_noun_counts_only_without_a_determiner(extractor: str) -> None:
    counted = Document.create(
        "Initech is instituting 2000 white-collar layoffs in a restructuring bid.",
        "a.txt",
        language="en",
    )
    figures = {m.headcount_min for m in extract_document(counted, extractor).mentions}
    assert 2000 in figures, f"{extractor}: 'instituting 2000 white-collar layoffs' counts"
    for text in (
        "The 2023 layoffs at Initech hit engineering hardest, and it will cut 300 more jobs.",
        "Since the 2022 tech layoffs, Initech has cut 300 more jobs.",
    ):
        doc = Document.create(text, "b.txt", language="en")
        figures = {m.headcount_min for m in extract_document(doc, extractor).mentions}
        assert figures == {300}, f"{extractor}: {text!r} gave {figures}"


def test_a_long_document_is_read_from_its_opening_and_says_so(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    early = "Acme Robotics will cut 1,200 jobs, the company said on Tuesday.\n"
    late = "Globex Corporation will cut 800 jobs, it said.\n"
    text = early + FILLER * 60 + "\n" + late
    doc = Document.create(text, "long.txt", language="en")
    whole = extract_document(doc, "rules")
    assert {m.headcount_min for m in whole.mentions} == {1200, 800}
    assert whole.status == "extracted"

    monkeypatch.setenv("HEADCOUNT_MAX_EXTRACT_CHARS", "2000")
    opening = extract_document(doc, "rules")
    assert {m.headcount_min for m in opening.mentions} == {1200}
    assert (
        opening.status.startswith(PARTLY_READ) and f"of {len(text):,} characters" in opening.status
    )
    assert opening.document is doc  # the whole document is what gets stored
    for m in opening.mentions:
        assert text[m.evidence_start : m.evidence_end] == m.evidence

    result = CliRunner().invoke(main, ["extract", "-"], input=text)
    assert result.exit_code == 0
    assert "partly extracted" in result.stderr and "1,200" in result.stdout


def test_a_bad_limit_is_a_one_line_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HEADCOUNT_MAX_EXTRACT_CHARS", "lots")
    result = CliRunner().invoke(main, ["extract", "-"], input="Acme will cut 500 jobs.")
    assert result.exit_code == 2 and "HEADCOUNT_MAX_EXTRACT_CHARS='lots'" in result.output


def test_each_document_records_which_extractor_read_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = "Acme Robotics to cut 500 jobs\n\nAcme Robotics said on Monday it will cut 500 jobs."
    article = tmp_path / "a.txt"
    article.write_text(text, encoding="utf-8")
    doc_id = Document.create(text, "a.txt").id
    with open_store(str(tmp_path / "ledger.db")) as store:
        ingest_inputs(store, [str(article)])
        assert store.get_extraction(doc_id, "learned-0.1") is None
        monkeypatch.setenv("HEADCOUNT_EXTRACTOR", "learned")
        ingest_inputs(store, [str(article)])
        for version in ("rules-0.1", "learned-0.1"):
            recorded = store.get_extraction(doc_id, version)
            assert recorded is not None and recorded.status == "extracted"


def test_a_page_of_more_named_cuts_than_the_recognizer_remembers_is_read() -> None:
    # The recognizer keeps the entities of its last 512 sentences; a roundup page can hold more.
    # (The learned extractor reaches the same recognizer through the rules' opinion.)
    names = [f"{word.title()} Robotics" for word in _words(560)]
    lines = [f"{name} will cut {i + 20} jobs at its plant." for i, name in enumerate(names)]
    doc = Document.create("\n".join(lines), "roundup.txt", language="en")
    extraction = extract_document(doc, "rules")
    assert extraction.status == "extracted"
    assert {m.company for m in extraction.mentions} & {names[0], names[-1]}


def _words(n: int) -> list[str]:
    """n distinct made-up words of letters only (digits would read as figures)."""
    letters = "bcdfghjklmnprstvz"
    vowels = "aeiou"
    return [
        letters[i % 17] + vowels[(i // 17) % 5] + letters[(i // 85) % 17] + "ex" for i in range(n)
    ]
