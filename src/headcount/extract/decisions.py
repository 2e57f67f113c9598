"""The trained decisions: is a candidate a claim, and of which kind; and the claims they make.

Two LightGBM models, trained by `headcount train` (learn/training.py) and shipped in
extract/data/: one scores each (sentence, employer) candidate, one names the kind of the
candidates it keeps. Both read the feature dicts extract/features.py builds, by name.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from importlib import resources
from typing import Any

import numpy as np

from headcount.extract.candidates import Candidate
from headcount.extract.companies import normalize_company
from headcount.model import KINDS
from headcount.settings import DEFAULTS

# Claims below this confidence are stored but not shown or counted by default: the default
# of HEADCOUNT_CONFIDENCE_THRESHOLD, which headcount.settings keeps.
DEFAULT_THRESHOLD = DEFAULTS.confidence_threshold


CONTEXT_FEATURES = (
    "ctx_p", "ctx_option_max", "ctx_option_rank", "ctx_option_n", "ctx_sentence_max_other",
    "ctx_doc_max_other", "ctx_same_figure_elsewhere",
)  # fmt: skip


def _option_key(candidate: Candidate) -> str | None:
    return normalize_company(candidate.option.text) if candidate.option.text else None


def context_rows(candidates: list[Candidate], first: np.ndarray) -> np.ndarray:
    """What the first look says about each candidate's neighbours in the page: the best
    reading of the same employer, of the same figure elsewhere, of the same sentence. A page
    tells one round several times and a figure belongs to one employer; the second model
    learns from these how a candidate's chances depend on the others'."""
    rows = np.zeros((len(candidates), len(CONTEXT_FEATURES)), dtype=np.float64)
    keys = [_option_key(c) for c in candidates]
    for i, candidate in enumerate(candidates):
        same = [j for j, k in enumerate(keys) if k == keys[i]]
        ranked = sorted((first[j] for j in same), reverse=True)
        in_sentence = [
            first[j]
            for j, c in enumerate(candidates)
            if j != i and c.sentence.start == candidate.sentence.start
        ]
        others = [first[j] for j, k in enumerate(keys) if k != keys[i]]
        q = candidate.quantity
        elsewhere = [
            first[j] for j in same
            if j != i and q is not None and candidates[j].quantity is not None
            and candidates[j].quantity.value == q.value  # type: ignore[union-attr]
            and candidates[j].sentence.start != candidate.sentence.start
        ]  # fmt: skip
        rows[i] = (
            first[i], ranked[0], float(ranked.index(first[i])), float(len(same)),
            max(in_sentence, default=0.0), max(others, default=0.0), max(elsewhere, default=0.0),
        )  # fmt: skip
    return rows


@dataclass
class Decisions:
    """Three LightGBM models over one feature list: a first look at each candidate alone, a
    second look that adds the first look at its neighbours (context_rows), and the kind."""

    feature_names: list[str]
    first_model: Any  # lightgbm.Booster
    claim_model: Any
    kind_model: Any
    keep_threshold: float = 0.35  # candidates scored below it are never claims
    # Isotonic map from a score to how often a candidate so scored was a gold claim on
    # documents the model had not seen (learn/training.py): the confidence readers see.
    calibration: tuple[list[float], list[float]] = field(
        default_factory=lambda: ([0.0, 1.0], [0.0, 1.0])
    )

    def calibrated(self, scores: np.ndarray) -> np.ndarray:
        points, values = self.calibration
        mapped = np.interp(
            scores, np.asarray(points, dtype=np.float64), np.asarray(values, dtype=np.float64)
        )
        return np.asarray(mapped, dtype=np.float64)

    @cached_property
    def _columns(self) -> dict[str, int]:
        return {name: i for i, name in enumerate(self.feature_names)}

    def matrix(self, candidates: list[Candidate]) -> np.ndarray:
        index = self._columns
        rows = np.full((len(candidates), len(self.feature_names)), np.nan, dtype=np.float64)
        for r, candidate in enumerate(candidates):
            for name, value in candidate.features.items():
                column = index.get(name)
                if column is not None:
                    rows[r, column] = value
        return rows

    def first_look(self, rows: np.ndarray) -> np.ndarray:
        # One thread: LightGBM's OpenMP pool must not exist in a process that later forks
        # (bulk runs fork their workers), or the children hang.
        return np.asarray(self.first_model.predict(rows, num_threads=1), dtype=np.float64)

    def score(
        self, candidates: list[Candidate], floor: float = 0.0
    ) -> tuple[np.ndarray, np.ndarray]:
        """(claim probability, kind probabilities) for each candidate; the kind only of those
        whose claim probability reaches `floor` (the others' stay 0: most candidates are not
        claims, and the kind model is the largest of the three)."""
        kinds = np.zeros((len(candidates), len(KINDS)))
        if not candidates:
            return np.zeros(0), kinds
        rows = self.matrix(candidates)
        full = np.hstack([rows, context_rows(candidates, self.first_look(rows))])
        claim = np.asarray(self.claim_model.predict(full, num_threads=1), dtype=np.float64)
        kept = claim >= floor
        if kept.any():
            found = self.kind_model.predict(full[kept], num_threads=1)
            kinds[kept] = np.asarray(found, dtype=np.float64).reshape(-1, len(KINDS))
        return claim, kinds

    def to_json(self) -> str:
        return json.dumps(
            {
                "kinds": list(KINDS),
                "feature_names": self.feature_names,
                "keep_threshold": self.keep_threshold,
                "calibration": [list(self.calibration[0]), list(self.calibration[1])],
                "first_model": self.first_model.model_to_string(),
                "claim_model": self.claim_model.model_to_string(),
                "kind_model": self.kind_model.model_to_string(),
            }
        )

    @classmethod
    def from_json(cls, text: str) -> Decisions:
        import lightgbm

        raw = json.loads(text)
        if tuple(raw.get("kinds", KINDS)) != KINDS:
            # The kind model's classes are positions in KINDS: another list misnames them.
            raise ValueError(
                "the extraction model was trained for other kinds: run `headcount train`"
            )
        return cls(
            raw["feature_names"],
            lightgbm.Booster(model_str=raw["first_model"]),
            lightgbm.Booster(model_str=raw["claim_model"]),
            lightgbm.Booster(model_str=raw["kind_model"]),
            raw["keep_threshold"],
            (raw["calibration"][0], raw["calibration"][1]),
        )


MODEL_FILE = "decisions.json"


@lru_cache(maxsize=1)
def shipped() -> Decisions | None:
    """The model that ships in the package, or None before `headcount train` has made one."""
    path = resources.files("headcount.extract").joinpath("data", MODEL_FILE)
    if not path.is_file():
        return None
    return Decisions.from_json(path.read_text(encoding="utf-8"))
