"""`headcount eval` scores exactly as the reference scorer ../shared/eval/score.py does.

The agreement tests run the shipped extractor over the dev gold, write its claims as
`headcount extract --json` prints them, score them with score.py in a subprocess and compare
every figure of its summary line (and which events it misses and which claims it rejects) with
ours. The unit tests pin the matching rules on hand-built claims.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from headcount.evaluate.gold import load_gold
from headcount.evaluate.report import (
    MISSED,
    UNMATCHED,
    KindConfusion,
    check_floors,
    evaluate,
    evaluate_predictions,
    shipped_extractor,
)
from headcount.evaluate.scoring import Score, normalise_company, same_company, score
from headcount.model import Mention

EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval"
SCORE_PY = EVAL / "score.py"


def _shared(*names: str) -> list[Path]:
    """The shared files, or a skip when ../shared is absent — a failure in CI, which has it."""
    paths = [EVAL / n for n in names]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI needs ../shared: missing {missing}", pytrace=False)
        pytest.skip(f"../shared is absent: {missing}")
    return paths


# --- agreement with score.py on the shipped extractor's output --------------------------------

SETS = ("dev_gold_web", "dev_gold_bbc", "dev_gold_reuters")


@pytest.fixture(scope="module")
def predictions(
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[str, tuple[Path, Path, dict[str, list[Mention]]]]:
    """Per set: the gold path, the predictions file score.py reads, and the claims by doc."""
    out: dict[str, tuple[Path, Path, dict[str, list[Mention]]]] = {}
    folder = tmp_path_factory.mktemp("predictions")
    for name, gold in zip(SETS, _shared(*(f"{s}.jsonl" for s in SETS), "score.py"), strict=False):
        claims = {gd.doc: shipped_extractor(gd) for gd in load_gold(gold)}
        pred = folder / f"{name}.pred.jsonl"
        with pred.open("w", encoding="utf-8") as fh:
            for doc, mentions in claims.items():
                for m in mentions:
                    # As `headcount extract --json` prints a claim, named by its gold document.
                    fh.write(json.dumps({**m.to_dict(), "doc": doc}, ensure_ascii=False) + "\n")
        out[name] = (gold, pred, claims)
    return out


def _reference(
    gold: Path, pred: Path, flags: list[str]
) -> tuple[str, Counter[tuple[str, str, str, str]]]:
    """score.py's summary line, and its misses and false positives as (tag, doc, company, kind)."""
    run = subprocess.run(
        [sys.executable, str(SCORE_PY), str(gold), str(pred), "--show", *flags],
        capture_output=True,
        text=True,
        check=True,
    )
    lines = run.stdout.splitlines()
    errors: Counter[tuple[str, str, str, str]] = Counter()
    for line in lines[:-1]:
        head = line.split(" | ", 1)[0]
        prefix, kind, _range = head.rsplit(" ", 2)
        tag, rest = prefix.split(" ", 1)
        doc, company = rest.split(": ", 1)
        errors[(tag, doc, company, kind)] += 1
    return lines[-1], errors


def _figures(line: str) -> dict[str, str]:
    return dict(item.split("=", 1) for item in line.split())


def _ours(s: Score) -> dict[str, str]:
    """Our figures, from the Score's counts (not from its formatted line)."""

    def ratio(hits: int, total: int) -> str:
        return f"{hits / total:.3f}({total})" if total else "n/a"

    return {
        "F1": f"{s.f1:.3f}",
        "P": f"{s.precision:.3f}",
        "R": f"{s.recall:.3f}",
        "tp": str(s.tp),
        "fp": str(s.fp),
        "fn": str(s.fn),
        **{
            n: ratio(s.ratio(n).hits, s.ratio(n).total)
            for n in ("headcount", "percent", "date", "units", "locations")
        },
    }


@pytest.mark.parametrize(
    ("name", "flags", "rumor_as_new"),
    [
        ("dev_gold_web", ["--rumor-as-new"], None),  # the web set scores rumor as new by itself
        ("dev_gold_web", ["--rumor-as-new", "--relaxed"], None),
        ("dev_gold_bbc", [], None),
        ("dev_gold_bbc", ["--relaxed"], None),
        ("dev_gold_bbc", ["--rumor-as-new"], True),  # and the explicit switch does what it says
        ("dev_gold_reuters", [], None),
        ("dev_gold_reuters", ["--relaxed"], None),
    ],
)
def test_figures_equal_the_reference_scorer(
    predictions: dict[str, tuple[Path, Path, dict[str, list[Mention]]]],
    name: str,
    flags: list[str],
    rumor_as_new: bool | None,
) -> None:
    gold, pred, claims = predictions[name]
    line, errors = _reference(gold, pred, flags)
    ours = score(load_gold(gold), claims, relaxed="--relaxed" in flags, rumor_as_new=rumor_as_new)
    assert _ours(ours) == _figures(line)
    assert ours.reference_line() == line
    mine = Counter(("MISS", m.doc, str(m.company), m.kind) for m in ours.misses)
    mine += Counter(("FALSE", m.doc, str(m.company), m.kind) for m in ours.false_positives)
    assert mine == errors


def test_report_per_set_equals_the_reference(
    predictions: dict[str, tuple[Path, Path, dict[str, list[Mention]]]],
) -> None:
    sets = {name: list(load_gold(gold)) for name, (gold, _, _) in predictions.items()}
    claims = {doc: ms for _, _, c in predictions.values() for doc, ms in c.items()}
    ev = evaluate_predictions(sets, claims, threshold=0.0)
    for s in ev.sets:
        gold, pred, _ = predictions[s.name]
        flags = ["--rumor-as-new"] if s.name == "dev_gold_web" else []
        assert s.strict.reference_line() == _reference(gold, pred, flags)[0]
        assert s.relaxed.reference_line() == _reference(gold, pred, [*flags, "--relaxed"])[0]
    # All sets together are the sum of the sets, each scored by its own rumor rule.
    assert ev.overall.strict.tp == sum(s.strict.tp for s in ev.sets)
    assert ev.overall.strict.fp == sum(s.strict.fp for s in ev.sets)
    assert ev.overall.documents == sum(s.documents for s in ev.sets) == 335 + 74 + 143


def test_company_normalisation_is_the_reference_norm() -> None:
    path = _shared("score.py")[0]
    spec = importlib.util.spec_from_file_location("reference_score", path)
    assert spec and spec.loader
    reference = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(reference)
    names = [
        "Macy's",
        "Macy’s",
        "McDonald's Corp.",
        "Alphabet Inc.",
        "The Walt Disney Company",
        "Société Générale SA",
        "Nestlé",
        "H&M Group",
        "AT&T",
        "Co-op",
        "the",
        "Inc.",
        "",
        None,
        "GitHub",
        "Whole Foods Market",
        "X",
        "Ford Motor Co.",
        "Deutsche Bank AG",
        "3M",
    ]
    for name in names:
        assert normalise_company(name) == _norm(reference)(name), name
    for a in names:
        for b in [*names, "Meta", "Amazon", "Microsoft", "Twitter", "Macy", "Ford"]:
            assert same_company(a, b) == _same(reference)(a, b), (a, b)


def _norm(module: ModuleType) -> Any:
    return module.norm


def _same(module: ModuleType) -> Any:
    return module.same_company


# --- the matching rules on hand-built claims --------------------------------------------------


@dataclass(frozen=True)
class Gold:
    doc: str
    events: list[dict[str, Any]] = field(default_factory=list)


def claim(
    company: str | None,
    kind: str = "new",
    lo: int | None = None,
    hi: int | None = None,
    *,
    percent: float | None = None,
    date: str | None = None,
    units: list[str] | None = None,
    locations: list[str] | None = None,
    confidence: float = 0.9,
    employer_text: str | None = None,
) -> Mention:
    return Mention(
        document_id="d",
        employer_text=employer_text,
        company=company,
        parent=None,
        canonical=None,
        kind=kind,
        headcount_min=lo,
        headcount_max=hi,
        approx=False,
        percent=percent,
        date=date,
        date_precision=None,
        units=units or [],
        locations=locations or [],
        reason=None,
        evidence=f"{company} cuts",
        evidence_start=0,
        evidence_end=0,
        extractor_version="test",
        confidence=confidence,
    )


def event(
    company: str | None,
    kind: str = "new",
    lo: int | None = None,
    hi: int | None = None,
    **more: Any,
) -> dict[str, Any]:
    return {"company": company, "kind": kind, "headcount_min": lo, "headcount_max": hi, **more}


def test_names_match_without_possessive_suffix_or_punctuation() -> None:
    assert normalise_company("Macy's") == "macy"
    assert normalise_company("Macy’s") == "macys"  # the curly apostrophe is lost in the ASCII fold
    assert normalise_company("The Walt Disney Company") == "walt disney"
    assert normalise_company("Alphabet Inc.") == "alphabet"
    assert normalise_company("Société Générale") == "societe generale"
    assert normalise_company("Inc.") is None
    assert same_company("Ford Motor Co.", "Ford Motor")
    assert same_company("General Motors Corp", "General Motors")
    assert same_company("Amazon Web Services", "Amazon")  # one name's words start the other's
    assert not same_company("General Electric", "General Motors")
    assert not same_company("Meta", "Metaverse Inc")  # words, not characters


def test_aliases_and_the_gold_parent_match_either_way() -> None:
    assert same_company("Google", "Alphabet") and same_company("Alphabet", "Google")
    assert same_company("Instagram", "Meta")
    assert same_company("X", "Twitter")
    assert not same_company("Google", "Meta")
    assert not same_company("Genentech", "Roche")
    assert same_company("Genentech", "Roche", gold_parent="Roche")
    assert not same_company("Roche", "Genentech", gold_parent="Novartis")


def test_null_companies_match_only_each_other_and_kinds_must_agree() -> None:
    gold = [Gold("bbc:1", [event(None, "aggregate", 5000, 5000), event("Acme", "new", 100, 100)])]
    preds = {
        "bbc:1": [
            claim("Challenger", "aggregate", 5000, 5000),
            claim(None, "aggregate", 4000, 6000),
            claim(None, "new", 100, 100),
        ]
    }
    s = score(gold, preds)
    assert (s.tp, s.fp, s.fn) == (1, 2, 1)
    assert s.pairs[0].pred.company is None and s.pairs[0].gold["kind"] == "aggregate"
    assert [m.company for m in s.false_positives] == ["Challenger", None]


def test_match_is_on_the_printed_company_only() -> None:
    gold = [Gold("bbc:1", [event("Acme", "new")])]
    s = score(gold, {"bbc:1": [claim("Acme Widgets Holdings Ltd", employer_text="Acme")]})
    assert s.tp == 1
    s = score(gold, {"bbc:1": [claim("Globex", employer_text="Acme")]})
    assert (s.tp, s.fp, s.fn) == (0, 1, 1)


def test_rumor_is_new_in_web_documents_and_on_request() -> None:
    web, bbc = Gold("web:7", [event("Acme", "new")]), Gold("bbc:7", [event("Acme", "new")])
    preds = {"web:7": [claim("Acme", "rumor")], "bbc:7": [claim("Acme", "rumor")]}
    assert score([web], preds).tp == 1
    assert score([bbc], preds).tp == 0
    assert score([web], preds, rumor_as_new=False).tp == 0
    assert score([bbc], preds, rumor_as_new=True).tp == 1
    # A gold rumor is still a rumor: only predictions are renamed.
    assert (
        score([Gold("web:8", [event("Acme", "rumor")])], {"web:8": [claim("Acme", "rumor")]}).tp
        == 0
    )


def test_relaxed_joins_new_past_rumor_but_not_totals() -> None:
    gold = [Gold("bbc:1", [event("Acme", "past", 100, 100), event("Acme", "cumulative", 900, 900)])]
    preds = {"bbc:1": [claim("Acme", "new", 100, 100), claim("Acme", "rumor", 900, 900)]}
    assert score(gold, preds).tp == 0
    relaxed = score(gold, preds, relaxed=True)
    assert (relaxed.tp, relaxed.fp, relaxed.fn) == (1, 1, 1)


def test_a_gold_event_prefers_an_overlapping_claim_but_matching_is_greedy() -> None:
    gold = [Gold("bbc:1", [event("Acme", "new", 100, 100)])]
    s = score(gold, {"bbc:1": [claim("Acme", "new", 500, 500), claim("Acme", "new", 90, 120)]})
    assert s.pairs[0].pred.headcount_min == 90 and (s.headcount.hits, s.headcount.total) == (1, 1)
    # The first gold event takes the first claim when none overlaps, though the second gold
    # event would have fitted it: greedy in gold order, as score.py.
    gold = [Gold("bbc:1", [event("Acme", "new", 100, 100), event("Acme", "new", 500, 500)])]
    s = score(gold, {"bbc:1": [claim("Acme", "new", 500, 500), claim("Acme", "new", 900, 900)]})
    assert s.tp == 2 and (s.headcount.hits, s.headcount.total) == (0, 2)


def test_field_figures_count_only_gold_that_has_the_field() -> None:
    gold = [
        Gold(
            "bbc:1",
            [
                event(
                    "A",
                    "new",
                    None,
                    None,
                    percent=33.3,
                    date="2024-03",
                    units=["Cloud division"],
                    locations=["Texas"],
                ),
                event("B", "new", 200, None, percent=10, date="2024-03-05", units=["Ads"]),
                event("C", "new", None, 50),
                event("D", "new", 10, 10),
            ],
        )
    ]
    preds = {
        "bbc:1": [
            claim("A", percent=33, date="2024-03-05", units=["cloud"], locations=["Austin, Texas"]),
            claim("B", lo=150, hi=250, percent=11, date="2024-03"),
            claim("C", lo=60, hi=None),
            claim("D"),
        ]
    }
    s = score(gold, preds)
    assert s.tp == 4
    assert (s.headcount.hits, s.headcount.total) == (
        1,
        3,
    )  # B overlaps; C 60+ vs ≤50 and D none do not
    assert (s.percent.hits, s.percent.total) == (1, 2)  # 33 ~ 33.3 within 0.51; 11 vs 10 is not
    assert (s.date.hits, s.date.total) == (
        1,
        2,
    )  # a day agrees with its month; a month is not a day
    assert (s.units.hits, s.units.total) == (1, 2)
    assert (s.locations.hits, s.locations.total) == (1, 1)
    assert s.reference_line() == (
        "F1=1.000 P=1.000 R=1.000 tp=4 fp=0 fn=0 headcount=0.333(3) percent=0.500(2) "
        "date=0.500(2) units=0.500(2) locations=1.000(1)"
    )


def test_nothing_predicted_is_precision_zero_and_fields_not_applicable() -> None:
    s = score([Gold("bbc:1", [event("Acme")])], {})
    assert (s.precision, s.recall, s.f1) == (0.0, 0.0, 0.0)
    assert s.reference_line().endswith("headcount=n/a percent=n/a date=n/a units=n/a locations=n/a")
    # Predictions for documents that are not in the gold are not counted.
    assert score([Gold("bbc:1")], {"bbc:2": [claim("Acme")]}).fp == 0


def test_sets_threshold_and_kind_confusion() -> None:
    sets = {
        "web": [Gold("web:1", [event("Acme", "new", 100, 100), event("Initech", "past", 5, 5)])],
        "bbc": [Gold("bbc:1", [event("Globex", "rumor")]), Gold("bbc:2")],
    }
    preds = {
        "web:1": [
            claim("Acme", "rumor", 100, 100, confidence=0.9),
            claim("Initech", "new", 5, 5, confidence=0.3),
        ],
        "bbc:1": [claim("Globex", "rumor", confidence=0.4)],
        "bbc:2": [claim("Hooli", "new", confidence=0.8)],
    }
    ev = evaluate_predictions(sets, preds, threshold=0.5)
    web, bbc = ev.sets
    assert (web.name, web.strict.tp, web.strict.fp, web.strict.fn) == ("web", 1, 1, 1)
    assert (bbc.name, bbc.strict.tp, bbc.strict.fp, bbc.strict.fn) == ("bbc", 1, 1, 0)
    assert (
        ev.overall.strict.tp,
        ev.overall.strict.fp,
        ev.overall.strict.fn,
        ev.overall.documents,
        ev.overall.gold_events,
    ) == (2, 2, 1, 3, 3)
    # Above 0.5 only Acme (right) and Hooli (wrong) are left.
    assert ev.figures()["precision_at_threshold"] == 0.5
    assert ev.set_figures()["web"]["precision_at_threshold"] == 1.0
    assert ev.set_figures()["bbc"]["event_precision"] == 0.5
    assert KindConfusion.of(ev.overall.relaxed).counts == {
        ("new", "new"): 1,
        ("past", "new"): 1,
        ("rumor", "rumor"): 1,
        (UNMATCHED, "new"): 1,
    }
    assert KindConfusion.of(web.strict).counts[("past", MISSED)] == 1


def test_floors_apply_to_all_sets_and_to_one_set(tmp_path: Path) -> None:
    ev = evaluate_predictions(
        {"a": [Gold("bbc:1", [event("Acme")])], "b": [Gold("bbc:2", [event("Globex")])]},
        {"bbc:1": [claim("Acme")]},
    )
    floors = tmp_path / "floors.json"
    floors.write_text(
        json.dumps(
            {
                "floors": {"event_recall": 0.5, "percent_agreement": 0.1},
                "sets": {"b": {"event_recall": 0.5}, "c": {}},
            }
        )
    )
    assert check_floors(ev, floors) == [
        "percent_agreement: nothing to measure (no matched gold event has the field)",
        "b event_recall: 0.000 is below the floor 0.500",
        "c: no such set among the gold files",
    ]


def test_evaluate_runs_the_extractor_it_is_given() -> None:
    seeds = _shared("seeds_gold.jsonl")[0]
    seen: list[str] = []

    def nothing(gd: Any) -> list[Mention]:
        seen.append(gd.doc)
        return []

    ev = evaluate([seeds], extract=nothing)
    assert len(seen) == 2 and ev.sets[0].name == "seeds_gold"
    assert (ev.overall.strict.tp, ev.overall.strict.fp, ev.overall.strict.fn) == (0, 0, 10)
    # By default the shipped extractor runs (how well it does is test_accuracy's business).
    default = evaluate([seeds])
    assert default.figures() == evaluate([seeds], extract=shipped_extractor).figures()
    assert default.overall.strict.tp + default.overall.strict.fp > 0
