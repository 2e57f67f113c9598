"""`headcount eval --cv K`: the learned extractor scored on documents its model never saw."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from headcount.evaluate.report import Evaluation, evaluate_predictions, load_gold_sets
from headcount.extract.decisions import DEFAULT_THRESHOLD
from headcount.learn.training import SEED, analyse_gold, cross_validate


def cross_validated(
    paths: Sequence[str | Path],
    folds: int = 5,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    rumor_as_new: bool | None = None,
    progress: Callable[[str], None] | None = None,
    seed: int = SEED,
) -> Evaluation:
    """K-fold cross-validation by document over every document of the gold files: each
    fold's model is trained on the other folds only, and the held-out predictions of all
    folds are scored together, per set and overall."""
    return cross_validated_seeds(
        paths,
        folds,
        (seed,),
        threshold=threshold,
        rumor_as_new=rumor_as_new,
        progress=progress,
    )[seed]


def cross_validated_seeds(
    paths: Sequence[str | Path],
    folds: int,
    seeds: Sequence[int],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    rumor_as_new: bool | None = None,
    progress: Callable[[str], None] | None = None,
) -> dict[int, Evaluation]:
    """The same cross-validation once per LightGBM seed (same folds, same documents analysed
    once): how far a figure moves between equally good models, so that a change smaller
    than that spread is not taken for a gain."""
    if folds < 2:
        raise ValueError("cross-validation needs at least 2 folds")
    if not seeds:
        raise ValueError("cross-validation needs at least one seed")
    sets = load_gold_sets(paths)
    data = analyse_gold(d for docs in sets.values() for d in docs)
    found: dict[int, Evaluation] = {}
    for seed in dict.fromkeys(seeds):
        if progress and len(seeds) > 1:
            progress(f"seed {seed}")
        predictions = cross_validate(data, folds, progress, seed)
        found[seed] = evaluate_predictions(
            sets, predictions, threshold=threshold, rumor_as_new=rumor_as_new
        )
    return found
