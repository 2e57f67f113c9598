"""The prefilter must never be the reason a real layoff is missed."""

from __future__ import annotations

from pathlib import Path

import pytest

from headcount.evaluate.gold import load_gold
from headcount.extract.prefilter import may_contain_layoff

EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval"


@pytest.mark.skipif(not EVAL.exists(), reason="needs ../shared/eval")
def test_every_gold_document_with_an_event_passes() -> None:
    missed = [
        gd.doc
        for path in sorted(EVAL.glob("*.jsonl"))
        for gd in load_gold(path)
        if gd.events and not may_contain_layoff(gd.document.text)
    ]
    assert missed == []


def test_unrelated_news_is_dropped() -> None:
    assert not may_contain_layoff("The central bank cut interest rates by half a point on Tuesday.")
    assert not may_contain_layoff(
        "Staff at the museum welcomed visitors." + " filler" * 40 + " Prices were cut."
    )
    assert may_contain_layoff("The firm will cut 200 jobs.")
    assert may_contain_layoff("Acme announced layoffs.")
