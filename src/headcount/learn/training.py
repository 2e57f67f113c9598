"""Training the decision models from the gold files, and cross-validating them by document.

`headcount train` calls `train_from_gold`: every gold document is analysed once (candidates
and features), each candidate is labelled by the gold event it matches (same sentence, same
employer, compatible figure), and two LightGBM models are fitted with fixed seeds and one
thread, so the same gold gives the same model. `cross_validate` fits a model per fold on the
other folds' documents and predicts the held-out ones, so no document is scored by a model
that saw it.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import html
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from headcount.evaluate.gold import GoldDocument
from headcount.extract.candidates import Analysed, Candidate, analyse
from headcount.extract.companies import normalize_company, same_company
from headcount.extract.decisions import MODEL_FILE, Decisions, context_rows, shipped
from headcount.extract.features import SENTENCE_WORD
from headcount.extract.learned import decide, to_mentions
from headcount.model import KINDS, Mention

_KIND_INDEX: dict[str, int] = {kind: i for i, kind in enumerate(KINDS)}
# LightGBM samples rows and features by this seed: the shipped model's. Another seed gives
# another, equally good model (`headcount eval --cv K --seeds`).
SEED = 7
_PARAMS: dict[str, Any] = {
    "learning_rate": 0.03,
    "num_leaves": 31,
    "min_data_in_leaf": 20,
    "feature_fraction": 0.5,
    "bagging_fraction": 0.8,
    "bagging_freq": 1,
    "lambda_l2": 1.0,
    "deterministic": True,
    "force_row_wise": True,
    "num_threads": 1,
    "verbose": -1,
}
ROUNDS = 600


@dataclass
class Labelled:
    gold: GoldDocument
    analysed: Analysed
    labels: list[int]  # index into KINDS + 1, or 0 for "not a claim"


def _evidence_span(text: str, evidence: str) -> tuple[int, int] | None:
    # The gold quotes the source as stored ("&lt;RENA.PA>"); documents are read decoded.
    if "&" in evidence and html.unescape(evidence) != evidence and evidence not in text:
        evidence = html.unescape(evidence)
    at = text.find(evidence)
    if at >= 0:
        return at, at + len(evidence)
    words = evidence.split()
    if not words:
        return None
    pattern = r"\s+".join(re.escape(w) for w in words[:12])
    m = re.search(pattern, text)
    if m:
        return m.start(), m.start() + len(evidence)
    return None


def _overlaps(span: tuple[int, int], candidate: Candidate) -> bool:
    s = candidate.sentence
    inter = min(span[1], s.end) - max(span[0], s.start)
    return inter > 0 and inter >= 0.5 * min(span[1] - span[0], s.end - s.start)


def _figure_fits(event: dict[str, Any], candidate: Candidate) -> bool:
    """The candidate's figure is the event's: overlapping ranges, or neither has one."""
    lo, hi = event.get("headcount_min"), event.get("headcount_max")
    q = candidate.quantity
    if lo is None and hi is None:
        return q is None
    if q is None:
        return False
    a1, a2 = (lo if lo is not None else 0), (hi if hi is not None else 10**12)
    b1 = q.minimum if q.minimum is not None else 0
    b2 = q.maximum if q.maximum is not None else 10**12
    return a1 <= b2 and b1 <= a2


def _kind(kind: str) -> str:
    return kind if kind in _KIND_INDEX else "new"


def _figure_exact(event: dict[str, Any], candidate: Candidate) -> bool:
    """The candidate's figure is the event's own, not merely inside its range: a bound equals
    it, or it lies inside a closed range. "At least 300" is not restated by "228,000
    employees", though 228,000 is at least 300."""
    lo, hi = event.get("headcount_min"), event.get("headcount_max")
    q = candidate.quantity
    if q is None or (lo is None and hi is None):
        return q is None and lo is None and hi is None
    ends = {lo, hi} - {None}
    if ends & {q.value, q.minimum, q.maximum}:
        return True
    return lo is not None and hi is not None and q.value is not None and lo <= q.value <= hi


def _names_employer(event: dict[str, Any], candidate: Candidate) -> bool:
    option = candidate.option.text
    company = event.get("company")
    if company is None:
        return option is None
    names = [n for n in (company, event.get("parent")) if n]
    return option is not None and any(same_company(n, option) for n in names)


def label(gold: GoldDocument, analysed: Analysed) -> list[int]:
    text = gold.document.text
    spans = [_evidence_span(text, e.get("evidence") or "") for e in gold.events]
    labels = [0] * len(analysed.candidates)
    for event, span in zip(gold.events, spans, strict=True):
        if span is None:
            continue
        kind = _KIND_INDEX[_kind(event["kind"])] + 1
        fitting = [
            i
            for i, candidate in enumerate(analysed.candidates)
            if not labels[i]
            and _overlaps(span, candidate)
            and _names_employer(event, candidate)
            and _figure_fits(event, candidate)
        ]
        # Of several figures in the evidence that fit an open range ("as many as 8,000 jobs,
        # some 1,400 in Switzerland"), the event's own is the claim; any fitting one only when
        # none is exactly it.
        exact = [i for i in fitting if _figure_exact(event, analysed.candidates[i])]
        for i in exact or fitting:
            labels[i] = kind
    # A restatement elsewhere (headline, lead, body) of a named event with the same figure is
    # the same claim: decoding merges it, so the model should not learn to reject it.
    for event in gold.events:
        company = event.get("company")
        if company is None or (
            event.get("headcount_min") is None
            and event.get("headcount_max") is None
            and event.get("percent") is None
        ):
            continue
        for i, candidate in enumerate(analysed.candidates):
            option = candidate.option.text
            if labels[i] or option is None or not same_company(company, option):
                continue
            # A restatement may leave out the share ("at least 115 people" in the headline of
            # "115 people, 13% of the newsroom"), but may not give another.
            percent_ok = (
                event.get("percent") is None
                or (candidate.percent is None and candidate.quantity is not None)
                or (candidate.percent is not None and abs(candidate.percent - event["percent"]) < 1)
            )
            if candidate.quantity is None:
                figure_ok = candidate.percent is not None and _figure_fits(event, candidate)
            else:
                figure_ok = _figure_exact(event, candidate)
            if percent_ok and figure_ok:
                labels[i] = _KIND_INDEX[_kind(event["kind"])] + 1
    return labels


def analyse_gold(docs: Iterable[GoldDocument]) -> list[Labelled]:
    out = []
    for gold in docs:
        analysed = analyse(gold.document, gated=False)
        out.append(Labelled(gold, analysed, label(gold, analysed)))
    return out


# A word feature seen in fewer candidates than this is dropped: too rare to learn from.
MIN_WORD_COUNT = 5


# A sentence's words are kept when this many training pages use them: counted by page, since
# a roundup's sentence is repeated in one candidate per name and figure it holds.
MIN_SENTENCE_WORD_PAGES = 8


def feature_names(data: list[Labelled]) -> list[str]:
    counts: Counter[str] = Counter(
        name for d in data for c in d.analysed.candidates for name in c.features
    )
    pages: Counter[str] = Counter(
        name
        for d in data
        for name in {n for c in d.analysed.candidates for n in c.features}
        if name.startswith(SENTENCE_WORD)
    )

    def kept(name: str, count: int) -> bool:
        if name.startswith(SENTENCE_WORD):
            return pages[name] >= MIN_SENTENCE_WORD_PAGES
        return not name.startswith(("w_", "figure_head=")) or count >= MIN_WORD_COUNT

    return sorted(n for n, k in counts.items() if kept(n, k))


INNER_FOLDS = 3


def _train(
    rows: np.ndarray, labels: np.ndarray, objective: dict[str, Any], seed: int = SEED
) -> Any:
    import lightgbm

    return lightgbm.train(
        {**_PARAMS, **objective, "seed": seed},
        lightgbm.Dataset(rows, labels, free_raw_data=False),
        num_boost_round=ROUNDS,
    )


def isotonic(
    scores: np.ndarray, outcomes: np.ndarray, bins: int = 20
) -> tuple[list[float], list[float]]:
    """A non-decreasing map from score to observed rate (pool adjacent violators over
    equal-count bins), as interpolation points."""
    order = np.argsort(scores, kind="stable")
    scores, outcomes = scores[order], outcomes[order].astype(np.float64)
    groups = [g for g in np.array_split(np.arange(len(scores)), bins) if len(g)]
    blocks = [[float(scores[g].mean()), float(outcomes[g].sum()), float(len(g))] for g in groups]
    merged: list[list[float]] = []
    for block in blocks:
        merged.append(block)
        while len(merged) > 1 and merged[-2][1] / merged[-2][2] > merged[-1][1] / merged[-1][2]:
            right = merged.pop()
            left = merged[-1]
            left[0] = (left[0] * left[2] + right[0] * right[2]) / (left[2] + right[2])
            left[1] += right[1]
            left[2] += right[2]
    # Below the first and above the last bin the rate stays that of the nearest bin.
    points = [0.0, *(round(b[0], 6) for b in merged), 1.0]
    rates = [round(b[1] / b[2], 6) for b in merged]
    return points, [rates[0], *rates, rates[-1]]


def fit(data: list[Labelled], names: list[str] | None = None, seed: int = SEED) -> Decisions:
    """The three models of Decisions. The second look is trained on first looks the first
    model gave without seeing the document (inner folds), as it will meet them on new pages."""
    names = names or feature_names(data)
    shape = Decisions(names, None, None, None)
    binary = {"objective": "binary"}
    rows = {d.gold.doc: shape.matrix(d.analysed.candidates) for d in data}
    labels = {d.gold.doc: np.array(d.labels, dtype=int) for d in data}

    def stacked(docs: list[Labelled]) -> tuple[np.ndarray, np.ndarray]:
        return np.vstack([rows[d.gold.doc] for d in docs]), np.concatenate(
            [labels[d.gold.doc] for d in docs]
        )

    all_rows, all_labels = stacked(data)
    first = _train(all_rows, (all_labels > 0).astype(int), binary, seed)
    context: dict[str, np.ndarray] = {}
    for fold in range(INNER_FOLDS):
        inner = [d for d in data if fold_of(d.gold.doc + "#inner", INNER_FOLDS) != fold]
        held = [d for d in data if fold_of(d.gold.doc + "#inner", INNER_FOLDS) == fold]
        inner_rows, inner_labels = stacked(inner)
        model = _train(inner_rows, (inner_labels > 0).astype(int), binary, seed)
        looks = Decisions(names, model, None, None)
        for d in held:
            candidates = d.analysed.candidates
            context[d.gold.doc] = context_rows(candidates, looks.first_look(rows[d.gold.doc]))
    full_rows = {d.gold.doc: np.hstack([rows[d.gold.doc], context[d.gold.doc]]) for d in data}
    full = np.vstack([full_rows[d.gold.doc] for d in data])
    claim = _train(full, (all_labels > 0).astype(int), binary, seed)
    held_scores: list[np.ndarray] = []
    held_labels: list[np.ndarray] = []
    for fold in range(INNER_FOLDS):
        inner = [d for d in data if fold_of(d.gold.doc + "#inner", INNER_FOLDS) != fold]
        held = [d for d in data if fold_of(d.gold.doc + "#inner", INNER_FOLDS) == fold]
        second = _train(
            np.vstack([full_rows[d.gold.doc] for d in inner]),
            (np.concatenate([labels[d.gold.doc] for d in inner]) > 0).astype(int),
            binary,
            seed,
        )
        for d in held:
            held_scores.append(np.asarray(second.predict(full_rows[d.gold.doc], num_threads=1)))
            held_labels.append(labels[d.gold.doc] > 0)
    positive = all_labels > 0
    kind = _train(
        full[positive],
        all_labels[positive] - 1,
        {"objective": "multiclass", "num_class": len(KINDS)},
        seed,
    )
    calibration = isotonic(np.concatenate(held_scores), np.concatenate(held_labels))
    return Decisions(names, first, claim, kind, calibration=calibration)


# The gold files the shipped model is trained on, relative to the shared folder.
DEFAULT_GOLD = (
    "eval/dev_gold_web.jsonl",
    "eval/dev_gold_bbc.jsonl",
    "eval/dev_gold_reuters.jsonl",
    "eval/seeds_gold.jsonl",
)

GAZETTEER_SOURCES = (
    "data/layoffs_fyi/layoffs_2020-03_to_2026-05_with_sources.csv",
    "data/layoffs_fyi/layoffs_fyi_native_export_format_2020-03_to_2025-05.csv",
    "data/layoffs_fyi/multisource_layoffs_all_2026-01.json.gz",
)


def gazetteer_names(shared: Path) -> list[str]:
    """Normalized company names of the layoff trackers' tables under `shared`, sorted."""
    names: set[str] = set()
    for relative in GAZETTEER_SOURCES:
        path = shared / relative
        if path.suffix == ".gz":
            with gzip.open(path, "rt", encoding="utf-8") as fh:
                names.update(str(r.get("company_name") or "") for r in json.load(fh))
        else:
            with path.open(encoding="utf-8-sig", newline="") as fh:
                names.update(
                    row.get("company") or row.get("Company") or "" for row in csv.DictReader(fh)
                )
    keys = {normalize_company(n) for n in names if n and n.strip()}
    return sorted(k for k in keys if len(k) >= 2)


def possessive_names(shared: Path) -> list[str]:
    """Tracker names that end in 's themselves, lower case ("mcdonald's")."""
    found: set[str] = set()
    for relative in GAZETTEER_SOURCES[:2]:
        with (shared / relative).open(encoding="utf-8-sig", newline="") as fh:
            for row in csv.DictReader(fh):
                name = (
                    (row.get("company") or row.get("Company") or "")
                    .strip()
                    .lower()
                    .replace("’", "'")
                )
                if name.endswith("'s"):
                    found.add(name)
    return sorted(found)


def fold_of(doc: str, folds: int) -> int:
    """A document's fold, from a hash of its id: stable across runs and machines."""
    return int(hashlib.sha256(doc.encode()).hexdigest(), 16) % folds


def cross_validate(
    data: list[Labelled],
    folds: int = 5,
    progress: Callable[[str], None] | None = None,
    seed: int = SEED,
) -> dict[str, list[Mention]]:
    """Held-out predictions for every document: doc id -> its claims. `seed` is LightGBM's
    (the folds do not depend on it)."""
    predictions: dict[str, list[Mention]] = {}
    for fold in range(folds):
        train = [d for d in data if fold_of(d.gold.doc, folds) != fold]
        test = [d for d in data if fold_of(d.gold.doc, folds) == fold]
        # Even which words are common enough to be features is learnt from the training
        # folds only.
        model = fit(train, feature_names(train), seed)
        for d in test:
            predictions[d.gold.doc] = to_mentions(d.analysed, decide(d.analysed, model))
        if progress:
            progress(
                f"fold {fold + 1}/{folds}: trained on {len(train)} documents, predicted {len(test)}"
            )
    return predictions


def package_data_dir() -> Path:
    """extract/data/ of the installed package (the checkout's, in an editable install)."""
    import headcount.extract

    return Path(headcount.extract.__file__).parent / "data"


@dataclass
class TrainingReport:
    documents: int
    candidates: int
    positives: int
    gazetteer: int
    model_path: Path


def train_from_gold(
    gold_paths: list[Path],
    shared: Path | None,
    out_dir: Path,
    log: Callable[[str], None] | None = None,
) -> TrainingReport:
    """Build the gazetteer (when `shared` holds the trackers' tables) and the decision models
    from the gold files, and write both into `out_dir` (the package's extract/data/)."""
    from headcount.evaluate.gold import load_gold
    from headcount.extract.cues import gazetteer

    out_dir.mkdir(parents=True, exist_ok=True)
    if shared is not None:
        names = gazetteer_names(shared)
        (out_dir / "companies.txt").write_text("\n".join(names) + "\n", encoding="utf-8")
        possessives = possessive_names(shared)
        (out_dir / "possessive_companies.txt").write_text(
            "\n".join(possessives) + "\n", encoding="utf-8"
        )
        gazetteer.cache_clear()
    size = len(gazetteer())
    data = analyse_gold(d for path in gold_paths for d in load_gold(path))
    if log:
        log(f"analysed {len(data)} gold documents; gazetteer of {size} companies")
    decisions = fit(data)
    model_path = out_dir / MODEL_FILE
    model_path.write_text(decisions.to_json(), encoding="utf-8")
    shipped.cache_clear()
    return TrainingReport(
        len(data),
        sum(len(d.analysed.candidates) for d in data),
        sum(1 for d in data for y in d.labels if y),
        size,
        model_path,
    )
