"""`headcount eval --cv K`: the learned extractor scored on documents its model never saw."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from headcount.evaluate.report import Evaluation, evaluate_predictions, load_gold_sets
from headcount.extract.decisions import DEFAULT_THRESHOLD
from headcount.learn.training import analyse_gold, cross_validate


def cross_validated(
    paths: Sequence[str | Path],
    folds: int = 5,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    rumor_as_new: bool | None = None,
    progress: Callable[[str], None] | None = None,
) -> Evaluation:
    """K-fold cross-validation by document over every document of the gold files: each
    fold's model is trained on the other folds only, and the held-out predictions of all
    folds are scored together, per set and overall."""
    if folds < 2:
        raise ValueError("cross-validation needs at least 2 folds")
    sets = load_gold_sets(paths)
    data = analyse_gold(d for docs in sets.values() for d in docs)
    predictions = cross_validate(data, folds, progress)
    return evaluate_predictions(sets, predictions, threshold=threshold, rumor_as_new=rumor_as_new)
