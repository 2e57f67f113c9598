"""The accuracy report printed by `headcount eval`, and the floors CI holds it to.

Each gold file is one set (named by its stem, e.g. `dev_gold_web`), scored on its own and
all sets together, by the rules of the reference scorer (see scoring.py). The extractor is a
parameter so that cross-validation can score each fold with a model that never saw it.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from headcount.evaluate.gold import GoldDocument, load_gold
from headcount.evaluate.scoring import FIELDS, GoldEvents, Score, score

# The confidence a claim needs to be shown by default, defined once with the decisions; the
# report also gives precision above it (re-exported for `headcount eval --threshold`).
from headcount.extract.decisions import DEFAULT_THRESHOLD as DEFAULT_THRESHOLD
from headcount.extract.pipeline import extract_document
from headcount.model import Mention

#: What `evaluate` runs on each gold document.
Extractor = Callable[[GoldDocument], list[Mention]]
#: Name of the figures over all sets together.
ALL_SETS = "all"

# Rows and columns of the kind confusion matrix in reading order; kinds outside this list
# (an extractor's `planned`, `denied`) follow alphabetically.
_KIND_ORDER = ("new", "past", "rumor", "cumulative", "aggregate")
MISSED = "(missed)"
UNMATCHED = "(none)"
_CORNER = "gold \\ predicted"


def shipped_extractor(gd: GoldDocument) -> list[Mention]:
    return extract_document(gd.document).mentions


@dataclass
class KindConfusion:
    """Gold kind × predicted kind over relaxed-matched pairs (the relaxed match ignores
    new/past/rumor, so those cells show kind disputes); misses are the column MISSED, false
    positives the row UNMATCHED. Predicted kinds are as scored (rumor is new on web sets)."""

    counts: dict[tuple[str, str], int]

    @classmethod
    def of(cls, relaxed: Score) -> KindConfusion:
        counts: Counter[tuple[str, str]] = Counter()
        for pair in relaxed.pairs:
            counts[(pair.gold["kind"], pair.pred_kind)] += 1
        for miss in relaxed.misses:
            counts[(miss.kind, MISSED)] += 1
        for false in relaxed.false_positives:
            counts[(UNMATCHED, false.kind)] += 1
        return cls(dict(counts))

    def _kinds(self, index: int) -> list[str]:
        seen = {key[index] for key in self.counts} - {MISSED, UNMATCHED}
        return [k for k in _KIND_ORDER if k in seen] + sorted(seen - set(_KIND_ORDER))

    def format(self) -> list[str]:
        rows = [*self._kinds(0), UNMATCHED]
        cols = [*self._kinds(1), MISSED]
        width = max(len(c) for c in cols) + 1
        lines = [f"{_CORNER:18}" + "".join(f"{c:>{width}}" for c in cols)]
        for row in rows:
            cells = [self.counts.get((row, col), 0) for col in cols]
            lines.append(f"{row:18}" + "".join(f"{n:>{width}}" for n in cells))
        return lines

    def to_dict(self) -> dict[str, dict[str, int]]:
        table: dict[str, dict[str, int]] = {}
        for (gold, pred), n in sorted(self.counts.items()):
            table.setdefault(gold, {})[pred] = n
        return table


@dataclass
class SetEvaluation:
    """One gold set's figures (or all sets together)."""

    name: str
    documents: int
    gold_events: int
    strict: Score
    relaxed: Score
    confident: Score  # strict, over the predictions whose confidence reaches the threshold
    threshold: float

    @property
    def confusion(self) -> KindConfusion:
        return KindConfusion.of(self.relaxed)

    def figures(self) -> dict[str, float | None]:
        """The numbers floors are pinned on, rounded as printed; None where there was nothing
        to compare (no gold event with that field among the matched pairs)."""
        s = self.strict
        fields = {
            "headcount_agreement": s.headcount.value,
            "percent_agreement": s.percent.value,
            "date_agreement": s.date.value,
            "unit_recall": s.units.value,
            "location_recall": s.locations.value,
        }
        return {
            "event_precision": round(s.precision, 3),
            "event_recall": round(s.recall, 3),
            "event_f1": round(s.f1, 3),
            "relaxed_precision": round(self.relaxed.precision, 3),
            "relaxed_recall": round(self.relaxed.recall, 3),
            "relaxed_f1": round(self.relaxed.f1, 3),
            **{k: None if v is None else round(v, 3) for k, v in fields.items()},
            "precision_at_threshold": round(self.confident.precision, 3),
            "recall_at_threshold": round(self.confident.recall, 3),
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "documents": self.documents,
            "gold_events": self.gold_events,
            **self.figures(),
            "fields": {
                n: {"hits": self.strict.ratio(n).hits, "total": self.strict.ratio(n).total}
                for n in FIELDS
            },
            "counts": {
                s.name: {"tp": s.tp, "fp": s.fp, "fn": s.fn}
                for s in (self.strict, self.relaxed, self.confident)
            },
            "reference": {
                "strict": self.strict.reference_line(),
                "relaxed": self.relaxed.reference_line(),
            },
            "kind_confusion": self.confusion.to_dict(),
        }


@dataclass
class Evaluation:
    overall: SetEvaluation
    sets: list[SetEvaluation]

    # All sets together, under the names accuracy/floors.json pins.
    def figures(self) -> dict[str, float | None]:
        return self.overall.figures()

    def set_figures(self) -> dict[str, dict[str, float | None]]:
        return {s.name: s.figures() for s in self.sets}


def load_gold_sets(paths: Sequence[str | Path]) -> dict[str, list[GoldDocument]]:
    """Gold documents by set name (the file's stem; the path when two files share a stem)."""
    sets: dict[str, list[GoldDocument]] = {}
    for path in paths:
        name = Path(path).stem
        sets[str(path) if name in sets else name] = list(load_gold(path))
    return sets


def evaluate(
    paths: Sequence[str | Path],
    extract: Extractor | None = None,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    rumor_as_new: bool | None = None,
) -> Evaluation:
    """Run `extract` (default: the shipped extractor) over the gold files and score it."""
    run = extract or shipped_extractor
    sets = load_gold_sets(paths)
    predictions = {gd.doc: run(gd) for docs in sets.values() for gd in docs}
    return evaluate_predictions(sets, predictions, threshold=threshold, rumor_as_new=rumor_as_new)


def evaluate_predictions(
    sets: Mapping[str, Sequence[GoldEvents]],
    predictions: Mapping[str, Sequence[Mention]],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    rumor_as_new: bool | None = None,
) -> Evaluation:
    """Score given predictions (gold doc id -> claims) per set and over all sets.

    `rumor_as_new` as in `scoring.score`: None decides per document (web sets score rumor as
    new), True/False applies to every document."""
    confident = {
        doc: [m for m in mentions if m.confidence >= threshold]
        for doc, mentions in predictions.items()
    }

    def one(name: str, docs: Sequence[GoldEvents]) -> SetEvaluation:
        return SetEvaluation(
            name,
            len({d.doc for d in docs}),
            sum(len(d.events) for d in docs),
            score(docs, predictions, rumor_as_new=rumor_as_new),
            score(docs, predictions, relaxed=True, rumor_as_new=rumor_as_new),
            score(docs, confident, rumor_as_new=rumor_as_new, name=f"conf≥{threshold:g}"),
            threshold,
        )

    per_set = [one(name, docs) for name, docs in sets.items()]
    overall = one(ALL_SETS, [d for docs in sets.values() for d in docs])
    return Evaluation(overall, per_set)


def _figure(value: float | None, width: int) -> str:
    return f"{'n/a':>{width}}" if value is None else f"{value:{width}.3f}"


def format_report(ev: Evaluation, show_errors: bool = True) -> str:
    rows = ev.sets + ([ev.overall] if len(ev.sets) > 1 else [])
    name_width = max([12, *(len(s.name) for s in rows)])
    lines = [
        f"{'set':{name_width}} {'docs':>5} {'events':>6}   {'P':>5} {'R':>5} {'F1':>5} {'TP':>4} {'FP':>4} {'FN':>4}"
        f"   relaxed {'P':>5} {'R':>5} {'F1':>5}   P@{ev.overall.threshold:g} {'n':>5}"
    ]
    for s in rows:
        st, rl, cf = s.strict, s.relaxed, s.confident
        lines.append(
            f"{s.name:{name_width}} {s.documents:5} {s.gold_events:6}   {st.precision:5.3f} {st.recall:5.3f} {st.f1:5.3f}"
            f" {st.tp:4} {st.fp:4} {st.fn:4}           {rl.precision:5.3f} {rl.recall:5.3f} {rl.f1:5.3f}"
            f"   {cf.precision:5.3f} {cf.tp + cf.fp:5}"
        )
    lines += [
        "",
        "field agreement over strictly matched pairs (in brackets: pairs whose gold has the field):",
        f"{'set':{name_width}} " + " ".join(f"{n:>15}" for n in FIELDS),
    ]
    for s in rows:
        cells = [
            f"{_figure(s.strict.ratio(n).value, 5)} ({s.strict.ratio(n).total})" for n in FIELDS
        ]
        lines.append(f"{s.name:{name_width}} " + " ".join(f"{c:>15}" for c in cells))
    lines += ["", "as ../shared/eval/score.py prints them (strict; relaxed):"]
    for s in rows:
        lines.append(f"{s.name}: {s.strict.reference_line()}")
        lines.append(f"{'':{len(s.name)}}  {s.relaxed.reference_line()}")
    whole = ev.sets[0] if len(ev.sets) == 1 else ev.overall
    lines += ["", f"kind confusion, {whole.name} (relaxed match):", *whole.confusion.format()]
    if show_errors:
        lines += ["", f"misses ({len(ev.overall.strict.misses)}):"]
        for m in ev.overall.strict.misses:
            lines.append(f"  {m.doc} {m.kind} {m.company} {m.headcount} | {_one_line(m.evidence)}")
        lines += ["", f"false positives ({len(ev.overall.strict.false_positives)}):"]
        for m in ev.overall.strict.false_positives:
            lines.append(f"  {m.doc} {m.kind} {m.company} {m.headcount} | {_one_line(m.evidence)}")
    return "\n".join(lines)


def _one_line(text: str, limit: int = 160) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def check_floors(ev: Evaluation, floors_path: str | Path) -> list[str]:
    """Figures below their pinned floor, as messages; empty when all hold. `floors` pins the
    figures of all sets together; `sets` (optional) pins one set's figures by set name."""
    return check_figure_floors({**ev.set_figures(), ALL_SETS: ev.figures()}, floors_path)


def check_figure_floors(
    figures: Mapping[str, Mapping[str, float | None]], floors_path: str | Path
) -> list[str]:
    """As check_floors, for figures by set name ("all" for all sets together)."""
    spec = json.loads(Path(floors_path).read_text(encoding="utf-8"))
    failures = _below(figures[ALL_SETS], spec.get("floors", {}), "")
    per_set = {name: f for name, f in figures.items() if name != ALL_SETS}
    for name, floors in spec.get("sets", {}).items():
        if name not in per_set:
            failures.append(f"{name}: no such set among the gold files")
        else:
            failures += _below(per_set[name], floors, f"{name} ")
    return failures


def _below(
    figures: Mapping[str, float | None], floors: Mapping[str, float], prefix: str
) -> list[str]:
    failures = []
    for name, floor in floors.items():
        if name not in figures:
            failures.append(f"{prefix}{name}: no such figure")
            continue
        value = figures[name]
        if value is None:
            failures.append(
                f"{prefix}{name}: nothing to measure (no matched gold event has the field)"
            )
        elif value < floor:
            failures.append(f"{prefix}{name}: {value:.3f} is below the floor {floor:.3f}")
    return failures


def to_json(ev: Evaluation) -> str:
    return json.dumps(
        {
            **ev.overall.to_dict(),
            "threshold": ev.overall.threshold,
            "sets": {s.name: s.to_dict() for s in ev.sets},
        },
        indent=2,
        ensure_ascii=False,
    )
