"""How far cross-validated figures move between LightGBM seeds (`headcount eval --cv K
--seeds 7,8,9`).

One seed's cross-validation gives one equally good model's figures; another seed moves web F1
by about a point. The mean over seeds, with the lowest and highest, says whether a change is
larger than that.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

from headcount.evaluate.report import ALL_SETS, Evaluation

# The figures the spread table shows; the JSON and the floors use all of figures().
SHOWN = (
    ("event_f1", "F1"),
    ("event_precision", "P"),
    ("event_recall", "R"),
    ("headcount_agreement", "headcount"),
    ("precision_at_threshold", "P@threshold"),  # named by the threshold in the table
)


@dataclass(frozen=True)
class Spread:
    """One figure over seeds; None where a seed had nothing to measure."""

    by_seed: dict[int, float | None]

    @property
    def measured(self) -> list[float]:
        return [v for v in self.by_seed.values() if v is not None]

    @property
    def mean(self) -> float | None:
        values = self.measured
        return round(sum(values) / len(values), 3) if values else None

    @property
    def low(self) -> float | None:
        return min(self.measured, default=None)

    @property
    def high(self) -> float | None:
        return max(self.measured, default=None)


def seed_spreads(evaluations: Mapping[int, Evaluation]) -> dict[str, dict[str, Spread]]:
    """Set name (and "all") -> figure name -> its spread over the seeds."""
    per_seed = {
        seed: {**ev.set_figures(), ALL_SETS: ev.figures()} for seed, ev in evaluations.items()
    }
    first = next(iter(per_seed.values()))
    return {
        name: {
            figure: Spread({seed: figures[name][figure] for seed, figures in per_seed.items()})
            for figure in first[name]
        }
        for name in first
    }


def mean_figures(spreads: Mapping[str, Mapping[str, Spread]]) -> dict[str, dict[str, float | None]]:
    """Set name -> figure -> its mean over the seeds (what --floors checks with --seeds)."""
    return {name: {f: s.mean for f, s in figures.items()} for name, figures in spreads.items()}


def _cell(spread: Spread) -> str:
    if spread.mean is None:
        return "n/a"
    return f"{spread.mean:.3f} ({spread.low:.3f}–{spread.high:.3f})"


def format_spread(evaluations: Mapping[int, Evaluation]) -> str:
    spreads = seed_spreads(evaluations)
    seeds = list(evaluations)
    threshold = next(iter(evaluations.values())).overall.threshold
    labels = [label.replace("threshold", f"{threshold:g}") for _, label in SHOWN]
    width = max(12, *(len(n) for n in spreads))
    lines = [
        f"cross-validated figures over LightGBM seeds {', '.join(map(str, seeds))}: "
        "mean (lowest–highest)",
        f"{'set':{width}} " + " ".join(f"{label:>21}" for label in labels),
    ]
    for name, figures in spreads.items():
        lines.append(f"{name:{width}} " + " ".join(f"{_cell(figures[f]):>21}" for f, _ in SHOWN))
    lines += ["", "F1 by seed:", f"{'set':{width}} " + " ".join(f"{s:>7}" for s in seeds)]
    for name, figures in spreads.items():
        values = figures["event_f1"].by_seed
        lines.append(f"{name:{width}} " + " ".join(f"{values[s] or 0:7.3f}" for s in seeds))
    return "\n".join(lines)


def spread_to_json(evaluations: Mapping[int, Evaluation]) -> str:
    spreads = seed_spreads(evaluations)
    return json.dumps(
        {
            "seeds": list(evaluations),
            "sets": {
                name: {
                    figure: {
                        "mean": s.mean,
                        "low": s.low,
                        "high": s.high,
                        "by_seed": {str(k): v for k, v in s.by_seed.items()},
                    }
                    for figure, s in figures.items()
                }
                for name, figures in spreads.items()
            },
        },
        indent=2,
    )
