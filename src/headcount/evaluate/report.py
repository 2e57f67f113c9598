"""The accuracy report printed by `headcount eval`, and the floors CI holds it to."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from headcount.evaluate.gold import load_gold
from headcount.evaluate.scoring import FieldAgreement, Score, field_agreement, score_documents


@dataclass
class Evaluation:
    documents: int
    gold_events: int
    strict: Score
    relaxed: Score
    fields: FieldAgreement

    def figures(self) -> dict[str, float]:
        """The numbers floors are pinned on, rounded as printed."""
        return {
            "event_precision": round(self.strict.precision, 3),
            "event_recall": round(self.strict.recall, 3),
            "event_f1": round(self.strict.f1, 3),
            "relaxed_f1": round(self.relaxed.f1, 3),
            "headcount_agreement": round(self.fields.headcount, 3),
            "percent_agreement": round(self.fields.percent, 3),
            "date_agreement": round(self.fields.date, 3),
            "unit_recall": round(self.fields.unit_recall, 3),
            "location_recall": round(self.fields.location_recall, 3),
        }


def evaluate(paths: list[str]) -> Evaluation:
    docs = [d for p in paths for d in load_gold(p)]
    strict, relaxed = score_documents(docs)
    return Evaluation(len(docs), sum(len(d.events) for d in docs), strict, relaxed, field_agreement(strict))


def format_report(ev: Evaluation, show_errors: bool = True) -> str:
    lines = [f"documents {ev.documents}, gold events {ev.gold_events}", ""]
    lines.append(f"{'':10} {'precision':>9} {'recall':>7} {'F1':>6} {'TP':>5} {'FP':>5} {'FN':>5}")
    for s in (ev.strict, ev.relaxed):
        lines.append(f"{s.name:10} {s.precision:9.3f} {s.recall:7.3f} {s.f1:6.3f} {s.tp:5} {s.fp:5} {s.fn:5}")
    f = ev.fields
    lines += [
        "",
        f"over {f.pairs} matched events (strict):",
        f"  headcount ranges overlap  {f.headcount:.3f}",
        f"  percent equal             {f.percent:.3f}",
        f"  date compatible           {f.date:.3f}  ({f.date_pairs} gold events with a date)",
        f"  unit recall               {f.unit_recall:.3f}",
        f"  location recall           {f.location_recall:.3f}",
    ]
    if show_errors:
        lines += ["", f"misses ({len(ev.strict.misses)}):"]
        for m in ev.strict.misses:
            lines.append(f"  {m.doc} {m.kind} {m.company} {m.headcount} | {_one_line(m.evidence)}")
        lines += ["", f"false positives ({len(ev.strict.false_positives)}):"]
        for m in ev.strict.false_positives:
            lines.append(f"  {m.doc} {m.kind} {m.company} {m.headcount} | {_one_line(m.evidence)}")
    return "\n".join(lines)


def _one_line(text: str, limit: int = 160) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def check_floors(ev: Evaluation, floors_path: str | Path) -> list[str]:
    """Figures below their pinned floor, as messages; empty when all hold."""
    floors = json.loads(Path(floors_path).read_text(encoding="utf-8"))
    figures = ev.figures()
    failures = []
    for name, floor in floors.get("floors", {}).items():
        value = figures.get(name)
        if value is None:
            failures.append(f"{name}: no such figure")
        elif value < floor:
            failures.append(f"{name}: {value:.3f} is below the floor {floor:.3f}")
    return failures


def to_json(ev: Evaluation) -> str:
    return json.dumps({"documents": ev.documents, "gold_events": ev.gold_events, **ev.figures(),
                       "fields": asdict(ev.fields)}, indent=2)
