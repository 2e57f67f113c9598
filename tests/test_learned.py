"""The learned extractor: trained reproducibly from the gold, measured only on documents its
model never saw, and behaving as a reader expects on documents of any kind."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from headcount.cli import main
from headcount.evaluate.report import check_floors, evaluate_predictions, load_gold_sets
from headcount.extract.candidates import analyse
from headcount.extract.decisions import MODEL_FILE, shipped
from headcount.extract.pipeline import extract_document, extract_learned
from headcount.learn import training
from headcount.learn.training import Labelled, analyse_gold, cross_validate, fit, fold_of
from headcount.model import Document

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CV_FLOORS = ROOT / "accuracy" / "cv_floors.json"


def _needs_shared() -> None:
    if not (SHARED / "eval").is_dir():
        if os.environ.get("CI"):
            pytest.fail("../shared/eval is required in CI", pytrace=False)
        pytest.skip("needs ../shared/eval")


@pytest.fixture(scope="module")
def analysed() -> Iterator[tuple[dict[str, list[Any]], list[Labelled]]]:
    """Every gold document analysed once (the slow part), shared by the tests below."""
    _needs_shared()
    sets = load_gold_sets([SHARED / p for p in training.DEFAULT_GOLD])
    yield sets, analyse_gold(d for docs in sets.values() for d in docs)


def test_retraining_gives_the_shipped_model(
    analysed: tuple[dict[str, list[Any]], list[Labelled]],
) -> None:
    _, data = analysed
    package = Path(training.package_data_dir())
    retrained = json.loads(fit(data).to_json())
    shipped_model = json.loads((package / MODEL_FILE).read_text(encoding="utf-8"))
    assert retrained == shipped_model, "run `make model` (headcount train) and commit the model"
    assert (package / "companies.txt").read_text(
        encoding="utf-8"
    ).splitlines() == training.gazetteer_names(SHARED)


def test_cross_validated_accuracy_holds_its_floors(
    analysed: tuple[dict[str, list[Any]], list[Labelled]], monkeypatch: pytest.MonkeyPatch
) -> None:
    sets, data = analysed
    seen: list[set[str]] = []
    fitting = training.fit

    def recording_fit(train: list[Labelled], names: list[str] | None = None, seed: int = 7) -> Any:
        seen.append({d.gold.doc for d in train})
        return fitting(train, names, seed)

    monkeypatch.setattr(training, "fit", recording_fit)
    predictions = cross_validate(data, 5)
    # No fold's model saw a document it predicted.
    assert len(seen) == 5
    for fold, trained_on in enumerate(seen):
        held_out = {d.gold.doc for d in data if fold_of(d.gold.doc, 5) == fold}
        assert held_out and not trained_on & held_out
    assert set(predictions) == {d.gold.doc for d in data}
    ev = evaluate_predictions(sets, predictions)
    assert check_floors(ev, CV_FLOORS) == []


def test_the_model_ships_and_loads() -> None:
    decisions = shipped()
    assert decisions is not None
    assert len(decisions.feature_names) > 50


def test_claims_carry_a_confidence_and_their_sentence() -> None:
    text = (
        "Acme Robotics to lay off 1,200 workers\n\n"
        "Acme Robotics said on Tuesday it would cut 1,200 jobs, about 10% of its staff, "
        "as demand for warehouse robots slowed. The company laid off 300 people last year."
    )
    doc = Document.create(text, "acme.txt", language="en")
    found = extract_learned(doc).mentions
    assert found, "a plain layoff story yields claims"
    for m in found:
        assert 0.0 <= m.confidence <= 1.0
        assert text[m.evidence_start : m.evidence_end] == m.evidence
        assert m.extractor_version.startswith("learned")
    assert any(m.company == "Acme Robotics" and m.headcount_min == 1200 for m in found)


def test_documents_that_are_not_english_or_not_about_cuts_give_nothing() -> None:
    german = Document.create("Die Firma streicht 500 Stellen in Berlin.", "de.txt", language="de")
    assert extract_learned(german).status.startswith("skipped: language de")
    unrelated = Document.create(
        "The central bank cut interest rates by half a point.", "bank.txt", language="en"
    )
    assert extract_learned(unrelated).mentions == []


def test_a_page_the_rules_find_no_claim_on_is_not_parsed_but_is_trained_on() -> None:
    # The rules gate the page (candidates.analyse): the model is never asked about it, which
    # is most of the learned extractor's speed on general news; training reads it anyway.
    page = Document.create(
        "Bank cuts rates\nThe central bank cut interest rates by 25 basis points on Tuesday, "
        "and shares of Acme Corp rose 200 points as staff cheered.",
        "bank.txt",
        language="en",
    )
    read = analyse(page)
    assert read.candidates == [] and not read.rules_found_claims
    assert extract_learned(page).mentions == []
    assert analyse(page, gated=False).candidates, "training still learns from the page"
    cut = Document.create(
        "Acme to cut jobs\nAcme Corp said on Tuesday it will cut 200 jobs at its Ohio plant.",
        "acme.txt",
        language="en",
    )
    assert analyse(cut).rules_found_claims
    assert any(m.headcount_min == 200 for m in extract_learned(cut).mentions)


def test_the_extractor_setting_chooses_the_learned_one(monkeypatch: pytest.MonkeyPatch) -> None:
    doc = Document.create(
        "Acme to cut 500 jobs\n\nAcme said on Monday it will cut 500 jobs.", "a.txt", language="en"
    )
    monkeypatch.setenv("HEADCOUNT_EXTRACTOR", "learned")
    learned = extract_document(doc).mentions
    assert learned and {m.extractor_version for m in learned} == {"learned-0.1"}
    monkeypatch.setenv("HEADCOUNT_EXTRACTOR", "rules")
    assert {m.extractor_version for m in extract_document(doc).mentions} == {"rules-0.1"}
    monkeypatch.setenv("HEADCOUNT_EXTRACTOR", "nonsense")
    result = CliRunner().invoke(main, ["extract", "-"], input="Acme will cut 500 jobs.")
    assert result.exit_code == 2 and "HEADCOUNT_EXTRACTOR='nonsense'" in result.output


class _EveryNamedFigureAClaim:
    """Stands in for the trained models: every named candidate with a figure is a claim, and
    the kind model gives `new` the probability `new` and `past` the rest."""

    keep_threshold = 0.35

    def __init__(self, new: float) -> None:
        self.new = new

    def score(self, candidates: list[Any], floor: float = 0.0) -> tuple[Any, Any]:
        import numpy as np

        from headcount.model import KINDS

        claim = np.array(
            [0.9 if c.option.text and c.quantity else 0.0 for c in candidates], dtype=float
        )
        kinds = np.zeros((len(candidates), len(KINDS)))
        kinds[:, KINDS.index("new")] = self.new
        kinds[:, KINDS.index("past")] = 1.0 - self.new
        return claim, kinds

    def calibrated(self, scores: Any) -> Any:
        return scores


@pytest.mark.parametrize(("new", "kinds"), [(0.9, ["new", "past"]), (0.99, ["new"])])
def test_a_page_reports_one_current_round_per_employer(new: float, kinds: list[str]) -> None:
    """A second figure the model reads as another current round of the same employer becomes
    an earlier round when the kind model allows it, and is dropped when it does not: the
    ledger never shows one page's employer with two current rounds."""
    from headcount.extract.candidates import analyse
    from headcount.extract.learned import decide, to_mentions

    text = (
        "Acme Robotics will lay off 1,200 workers\n\n"
        "Acme Robotics said it would cut 1,200 jobs. "
        "Acme Robotics laid off 300 people in a previous round."
    )
    analysed = analyse(Document.create(text, "acme.txt", language="en"))
    found = to_mentions(analysed, decide(analysed, _EveryNamedFigureAClaim(new)))  # type: ignore[arg-type]
    assert sorted(m.kind for m in found) == kinds
    current = [m for m in found if m.kind == "new"]
    assert [(m.company, m.headcount_min) for m in current] == [("Acme Robotics", 1200)]


class _EveryNamedCandidateOfOneKind:
    """Stands in for the trained models: every named candidate, with a figure or not, is a
    claim of `kind`."""

    keep_threshold = 0.35

    def __init__(self, kind: str) -> None:
        self.kind = kind

    def score(self, candidates: list[Any], floor: float = 0.0) -> tuple[Any, Any]:
        import numpy as np

        from headcount.model import KINDS

        claim = np.array(
            [(0.9 if c.quantity else 0.8) if c.option.text else 0.0 for c in candidates]
        )
        kinds = np.zeros((len(candidates), len(KINDS)))
        kinds[:, KINDS.index(self.kind)] = 1.0
        return claim, kinds

    def calibrated(self, scores: Any) -> Any:
        return scores


@pytest.mark.parametrize(("kind", "claims"), [("past", [None, 18000]), ("new", [18000])])
def test_a_figureless_earlier_round_stays_apart_but_a_current_one_is_restated(
    kind: str, claims: list[int | None]
) -> None:
    """Earlier rounds are often several, so "similar layoffs in the music and gaming
    divisions" is not folded into the 18,000 of another sentence; the current round is one
    per page, so there a figure-less sentence only restates it."""
    from headcount.extract.candidates import analyse
    from headcount.extract.learned import decide, to_mentions

    text = (
        "Acme Robotics eliminated 18,000 positions across its departments.\n\n"
        "Acme Robotics made similar layoffs in the music and gaming divisions."
    )
    analysed = analyse(Document.create(text, "acme.txt", language="en"), gated=False)
    found = to_mentions(analysed, decide(analysed, _EveryNamedCandidateOfOneKind(kind)))  # type: ignore[arg-type]
    assert {m.company for m in found} == {"Acme Robotics"}
    assert sorted((m.headcount_min for m in found), key=lambda v: v or 0) == claims


class _EveryUnnamedFigureAStatistic:
    """Stands in for the trained models: every candidate without an employer that has a
    figure is an industry-wide claim."""

    keep_threshold = 0.35

    def score(self, candidates: list[Any], floor: float = 0.0) -> tuple[Any, Any]:
        import numpy as np

        from headcount.model import KINDS

        claim = np.array([0.9 if c.option.text is None and c.quantity else 0.0 for c in candidates])
        kinds = np.zeros((len(candidates), len(KINDS)))
        kinds[:, KINDS.index("aggregate")] = 1.0
        return claim, kinds

    def calibrated(self, scores: Any) -> Any:
        return scores


def test_an_industry_figure_needs_a_number_not_vague_words() -> None:
    """ "Thousands of tech workers" is no statistic a reader can quote: vague words give a
    range only for one named employer, so an industry-wide claim needs a number."""
    from headcount.extract.candidates import analyse
    from headcount.extract.learned import decide, to_mentions

    text = (
        "Tech layoffs slowed in March.\n\n"
        "Thousands of tech workers were laid off across the industry last year. "
        "Tech companies laid off 12,400 workers in March, according to the tracker."
    )
    analysed = analyse(Document.create(text, "tracker.txt", language="en"), gated=False)
    found = to_mentions(analysed, decide(analysed, _EveryUnnamedFigureAStatistic()))  # type: ignore[arg-type]
    assert [(m.kind, m.company, m.headcount_min) for m in found] == [("aggregate", None, 12400)]


class _OneEmployersFiguresClaims(_EveryNamedFigureAClaim):
    """Stands in for the trained models: every candidate of one employer with a figure is a
    current round, the headline's the likeliest."""

    def __init__(self, employer: str) -> None:
        super().__init__(1.0)
        self.employer = employer

    def score(self, candidates: list[Any], floor: float = 0.0) -> tuple[Any, Any]:
        claim, kinds = super().score(candidates, floor)
        for i, c in enumerate(candidates):
            mine = c.option.text == self.employer and c.quantity is not None
            claim[i] = (0.95 if c.sentence.index == 0 else 0.9) if mine else 0.0
        return claim, kinds


def test_a_claim_carries_the_units_and_places_its_restatements_name() -> None:
    """A page tells its round in the headline and again in the body, where it says which
    units and where: the claim, told by its likeliest sentence, carries what the others add."""
    from headcount.extract.candidates import analyse
    from headcount.extract.learned import decide, to_mentions

    text = (
        "Acme Robotics will lay off 1,200 workers\n\n"
        "The 1,200 job cuts at Acme Robotics fall on its sales and marketing teams in Ohio "
        "and Texas, as demand slows."
    )
    analysed = analyse(Document.create(text, "acme.txt", language="en"), gated=False)
    found = to_mentions(analysed, decide(analysed, _OneEmployersFiguresClaims("Acme Robotics")))  # type: ignore[arg-type]
    assert [(m.company, m.headcount_min) for m in found] == [("Acme Robotics", 1200)]
    (claim,) = found
    assert {"Ohio", "Texas"} <= set(claim.locations)
    assert any("sales" in u.lower() and "marketing" in u.lower() for u in claim.units)


class _EveryUnnamedFigureAnAggregate(_EveryNamedFigureAClaim):
    """Stands in for the trained models: every figure no employer is read into is a statistic."""

    def score(self, candidates: list[Any], floor: float = 0.0) -> tuple[Any, Any]:
        import numpy as np

        from headcount.model import KINDS

        claim = np.array([0.9 if c.option.text is None and c.quantity else 0.0 for c in candidates])
        kinds = np.zeros((len(candidates), len(KINDS)))
        kinds[:, KINDS.index("aggregate")] = 1.0
        return claim, kinds


def test_a_statistic_is_about_the_one_country_the_story_opens_with() -> None:
    """A jobs report says once that it counts U.S.-based employers; each of its statistics is
    about the United States. A page that opens with two countries lends its statistics none."""
    from headcount.extract.candidates import analyse
    from headcount.extract.learned import decide, to_mentions

    def places(text: str) -> list[list[str]]:
        analysed = analyse(Document.create(text, "report.txt", language="en"), gated=False)
        found = to_mentions(analysed, decide(analysed, _EveryUnnamedFigureAnAggregate(0.0)))  # type: ignore[arg-type]
        return [m.locations for m in found]

    report = (
        "Job cuts surge in January\n\n"
        "U.S.-based employers announced 108,435 job cuts in January, a report said. "
        "The technology sector announced 22,000 of the cuts."
    )
    assert places(report) and all(p == ["U.S."] for p in places(report))
    two = report.replace("U.S.-based employers", "Employers in Canada and Mexico")
    assert places(two) == [["Canada", "Mexico"], []]


def test_training_labels_a_claims_own_figure_not_any_number_inside_its_range() -> None:
    from headcount.evaluate.gold import GoldDocument

    text = (
        "Microsoft will lay off at least 300 more employees, it said on Monday.\n"
        "Microsoft had 228,000 employees as of June.\n"
        "Novartis expects to cut as many as 8,000 jobs, some 1,400 of them in Switzerland."
    )
    event = {"company": "Microsoft", "kind": "new", "headcount_min": 300, "headcount_max": None}
    novartis = {"company": "Novartis", "kind": "new", "headcount_min": None, "headcount_max": 8000}
    events = [
        {**event, "evidence": "Microsoft will lay off at least 300 more employees"},
        {**novartis, "evidence": "Novartis expects to cut as many as 8,000 jobs"},
    ]
    document = Document.create(text, "page.txt", language="en")
    read = analyse(document, gated=False)
    labels = training.label(GoldDocument("x", document, events), read)
    labelled = {
        (c.option.text, c.quantity.value if c.quantity else None)
        for c, y in zip(read.candidates, labels, strict=True)
        if y
    }
    assert ("Microsoft", 300) in labelled and ("Novartis", 8000) in labelled
    # The workforce's size is at least 300 too, and 1,400 is as many as 8,000, but neither
    # is the claim's figure: a model taught they were would report them.
    assert ("Microsoft", 228000) not in labelled and ("Novartis", 1400) not in labelled


def test_a_sentence_word_is_learned_only_when_enough_pages_use_it() -> None:
    """The words of a candidate's sentence are features (when a round happened is spread over
    them: "two months before that"), kept when enough training pages use them; a roundup that
    repeats one sentence in a candidate per name and figure is still one page."""
    from headcount.evaluate.gold import GoldDocument

    def page(text: str, origin: str) -> Labelled:
        document = Document.create(text, origin, language="en")
        read = analyse(document, gated=False)
        no_events: list[dict[str, Any]] = []
        return Labelled(GoldDocument(origin, document, no_events), read, [0] * len(read.candidates))

    companies = ["Acme", "Globex", "Initech", "Hooli", "Umbrella", "Vandelay", "Soylent", "Wonka"]
    pages = [
        page(f"{name} laid off {100 + i} workers two months before that.", f"p{i}.txt")
        for i, name in enumerate(companies[: training.MIN_SENTENCE_WORD_PAGES])
    ]
    roundup = page(
        "In Zanzibar, Acme laid off 10 workers, Globex 20, Initech 30 and Hooli 40.", "r.txt"
    )
    zanzibar = "w_sentence=zanzibar"
    assert sum(zanzibar in c.features for c in roundup.analysed.candidates) >= 8
    names = training.feature_names([*pages, roundup])
    assert {"w_sentence=before", "w_sentence=months_before"} <= set(names)
    assert zanzibar not in names
    assert "w_sentence=before" not in training.feature_names([*pages[1:], roundup])


@pytest.fixture(scope="module")
def small_gold(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The first 40 web gold pages as a gold file of their own (texts read from ../shared)."""
    _needs_shared()
    root = tmp_path_factory.mktemp("shared")
    (root / "data").symlink_to(SHARED / "data")
    (root / "eval").mkdir()
    lines = (SHARED / "eval" / "dev_gold_web.jsonl").read_text(encoding="utf-8").splitlines()
    path = root / "eval" / "small_web.jsonl"
    path.write_text("\n".join(lines[:40]) + "\n", encoding="utf-8")
    return path


def test_another_seed_trains_another_model(
    analysed: tuple[dict[str, list[Any]], list[Labelled]],
) -> None:
    _, data = analysed
    some = data[:60]
    assert fit(some, seed=8).to_json() != fit(some, seed=7).to_json()
    assert fit(some, seed=8).to_json() == fit(some, seed=8).to_json()


def test_eval_over_seeds_shows_how_far_each_figure_moves(small_gold: Path) -> None:
    """`eval --cv K --seeds` cross-validates once per seed: each seed's figures are what
    `eval --cv K` alone gives with that seed, and the means are what --floors checks."""
    from headcount.learn.crossval import cross_validated

    runner = CliRunner()
    result = runner.invoke(main, ["eval", "--cv", "2", "--seeds", "7,8", "--json", str(small_gold)])
    assert result.exit_code == 0, result.output
    f1 = json.loads(result.stdout)["sets"]["small_web"]["event_f1"]
    assert set(f1["by_seed"]) == {"7", "8"}
    assert f1["low"] <= f1["mean"] <= f1["high"]
    assert f1["low"] == min(f1["by_seed"].values()) and f1["high"] == max(f1["by_seed"].values())
    alone = cross_validated([small_gold], 2, seed=8).set_figures()["small_web"]["event_f1"]
    assert f1["by_seed"]["8"] == alone

    floors = small_gold.parent / "floors.json"
    floors.write_text(json.dumps({"floors": {"event_f1": 0.999}}), encoding="utf-8")
    failed = runner.invoke(
        main, ["eval", "--cv", "2", "--seeds", "7,8", "--floors", str(floors), str(small_gold)]
    )
    assert failed.exit_code == 1
    assert "mean (lowest–highest)" in failed.stdout
    assert f"event_f1: {f1['mean']:.3f} is below the floor 0.999" in failed.stderr


def test_eval_seeds_need_cross_validation_and_whole_numbers(small_gold: Path) -> None:
    runner = CliRunner()
    alone = runner.invoke(main, ["eval", "--seeds", "7,8", str(small_gold)])
    assert alone.exit_code == 2 and "--seeds needs --cv" in alone.output
    wrong = runner.invoke(main, ["eval", "--cv", "2", "--seeds", "7,x", str(small_gold)])
    assert wrong.exit_code == 2 and "not a comma-separated list of whole numbers" in wrong.output
