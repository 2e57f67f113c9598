"""The trained decisions: is a candidate a claim, and of which kind; and the claims they make.

Two LightGBM models, trained by `headcount train` (extract/training.py) and shipped in
extract/data/: one scores each (sentence, employer) candidate, one names the kind of the
candidates it keeps. Both read the feature dicts extract/candidates.py builds, by name.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np

from headcount.extract.candidates import Candidate

KINDS = ("new", "past", "cumulative", "aggregate", "rumor")
# Claims below this confidence are stored but not shown or counted by default.
DEFAULT_THRESHOLD = 0.5


@dataclass
class Decisions:
    """A claim model and a kind model over one feature list."""

    feature_names: list[str]
    claim_model: Any  # lightgbm.Booster
    kind_model: Any  # lightgbm.Booster
    keep_threshold: float = 0.35  # candidates scored below it are never claims

    def matrix(self, candidates: list[Candidate]) -> np.ndarray:
        index = {name: i for i, name in enumerate(self.feature_names)}
        rows = np.full((len(candidates), len(self.feature_names)), np.nan, dtype=np.float64)
        for r, candidate in enumerate(candidates):
            for name, value in candidate.features.items():
                column = index.get(name)
                if column is not None:
                    rows[r, column] = value
        return rows

    def score(self, candidates: list[Candidate]) -> tuple[np.ndarray, np.ndarray]:
        """(claim probability, kind probabilities) for each candidate."""
        if not candidates:
            return np.zeros(0), np.zeros((0, len(KINDS)))
        rows = self.matrix(candidates)
        claim = np.asarray(self.claim_model.predict(rows, num_threads=1), dtype=np.float64)
        kinds = np.asarray(self.kind_model.predict(rows, num_threads=1), dtype=np.float64).reshape(len(candidates), len(KINDS))
        return claim, kinds

    def to_json(self) -> str:
        return json.dumps(
            {
                "feature_names": self.feature_names,
                "keep_threshold": self.keep_threshold,
                "claim_model": self.claim_model.model_to_string(),
                "kind_model": self.kind_model.model_to_string(),
            }
        )

    @classmethod
    def from_json(cls, text: str) -> Decisions:
        import lightgbm

        raw = json.loads(text)
        return cls(
            raw["feature_names"],
            lightgbm.Booster(model_str=raw["claim_model"]),
            lightgbm.Booster(model_str=raw["kind_model"]),
            raw["keep_threshold"],
        )


MODEL_FILE = "decisions.json"


@lru_cache(maxsize=1)
def shipped() -> Decisions | None:
    """The model that ships in the package, or None before `headcount train` has made one."""
    path = resources.files("headcount.extract").joinpath("data", MODEL_FILE)
    if not path.is_file():
        return None
    return Decisions.from_json(path.read_text(encoding="utf-8"))
