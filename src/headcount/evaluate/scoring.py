"""Scoring extracted claims against gold events, as ../shared/eval/README.md describes.

A predicted claim matches a gold event of the same document when the employer matches after
normalization (case, legal suffixes, aliases) — or both are null for `aggregate` — and the
kinds are equal. The relaxed score counts new/past/rumor as one kind, to separate disputes
about kind from misses.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from headcount.evaluate.gold import GoldDocument
from headcount.extract.companies import same_company
from headcount.extract.pipeline import extract_document
from headcount.model import Mention

_RELAXED = {"new": "event", "past": "event", "rumor": "event", "planned": "event", "denied": "event"}


@dataclass
class Pair:
    doc: str
    gold: dict[str, Any]
    pred: Mention


@dataclass
class Miss:
    doc: str
    company: str | None
    kind: str
    headcount: str
    evidence: str


@dataclass
class Score:
    name: str
    tp: int = 0
    fp: int = 0
    fn: int = 0
    pairs: list[Pair] = field(default_factory=list)
    misses: list[Miss] = field(default_factory=list)
    false_positives: list[Miss] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def _company_match(gold: dict[str, Any], pred: Mention) -> bool:
    g = gold.get("company")
    if g is None or pred.company is None:
        return g is None and pred.company is None
    names = [n for n in (pred.company, pred.employer_text, pred.canonical) if n]
    return any(same_company(str(g), n) for n in names)


def _kind(kind: str, relaxed: bool) -> str:
    return _RELAXED.get(kind, kind) if relaxed else kind


def _range_text(lo: Any, hi: Any) -> str:
    if lo is None and hi is None:
        return "—"
    if lo == hi:
        return f"{lo:,}"
    return f"{'' if lo is None else f'{lo:,}'}–{'' if hi is None else f'{hi:,}'}"


def headcount_overlap(gold: dict[str, Any], pred: Mention) -> bool:
    glo, ghi = gold.get("headcount_min"), gold.get("headcount_max")
    plo, phi = pred.headcount_min, pred.headcount_max
    if glo is None and ghi is None:
        return plo is None and phi is None
    if plo is None and phi is None:
        return False
    a1, a2 = (glo if glo is not None else 0), (ghi if ghi is not None else float("inf"))
    b1, b2 = (plo if plo is not None else 0), (phi if phi is not None else float("inf"))
    return a1 <= b2 and b1 <= a2


def percent_equal(gold: dict[str, Any], pred: Mention) -> bool:
    g, p = gold.get("percent"), pred.percent
    if g is None or p is None:
        return g is None and p is None
    return abs(float(g) - float(p)) <= 1.0


def date_compatible(gold: dict[str, Any], pred: Mention) -> bool:
    g = gold.get("date")
    if not g or not pred.date:
        return not g and not pred.date
    return bool(pred.date[: len(str(g))] == str(g))


def _tokens(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in {"the", "and", "of", "its", "a"}}


def list_recall(gold_items: list[str], pred_items: list[str]) -> tuple[int, int]:
    """Gold items found among predictions, by shared words (units are free text)."""
    hit = 0
    pred_tokens = [_tokens(p) for p in pred_items]
    for g in gold_items:
        gt = _tokens(g)
        if gt and any(gt & pt and (len(gt & pt) / len(gt) >= 0.5 or pt <= gt) for pt in pred_tokens):
            hit += 1
    return hit, len(gold_items)


def score_documents(
    gold_docs: Iterable[GoldDocument],
    extract: Callable[[GoldDocument], list[Mention]] | None = None,
) -> tuple[Score, Score]:
    """Strict and relaxed scores over all documents."""
    strict, relaxed = Score("strict"), Score("relaxed")
    for gd in gold_docs:
        preds = extract(gd) if extract else extract_document(gd.document).mentions
        for score, is_relaxed in ((strict, False), (relaxed, True)):
            _score_one(score, gd, preds, is_relaxed)
    return strict, relaxed


def _agreement(g: dict[str, Any], p: Mention) -> int:
    """How well a compatible pair agrees: an equal range beats an overlap beats neither."""
    if (g.get("headcount_min"), g.get("headcount_max")) == (p.headcount_min, p.headcount_max):
        return 3 if p.kind == g["kind"] else 2
    return 1 if headcount_overlap(g, p) else 0


def _score_one(score: Score, gd: GoldDocument, preds: list[Mention], relaxed: bool) -> None:
    # Pairs are taken best first, so that a vague claim cannot take the partner of a precise
    # one ("almost a million" must not pair with "as many as 27 million").
    candidates = sorted(
        (
            (_agreement(g, p), -gi, -pi, gi, pi)
            for gi, g in enumerate(gd.events)
            for pi, p in enumerate(preds)
            if _kind(p.kind, relaxed) == _kind(g["kind"], relaxed) and _company_match(g, p)
        ),
        reverse=True,
    )
    used_gold: set[int] = set()
    used_pred: set[int] = set()
    for _, _, _, gi, pi in candidates:
        if gi in used_gold or pi in used_pred:
            continue
        used_gold.add(gi)
        used_pred.add(pi)
        score.tp += 1
        score.pairs.append(Pair(gd.doc, gd.events[gi], preds[pi]))
    for gi, g in enumerate(gd.events):
        if gi not in used_gold:
            score.fn += 1
            score.misses.append(
                Miss(gd.doc, g.get("company"), g["kind"], _range_text(g.get("headcount_min"), g.get("headcount_max")), g.get("evidence", ""))
            )
    for pi, p in enumerate(preds):
        if pi not in used_pred:
            score.fp += 1
            score.false_positives.append(
                Miss(gd.doc, p.company, p.kind, _range_text(p.headcount_min, p.headcount_max), p.evidence)
            )


@dataclass
class FieldAgreement:
    headcount: float
    percent: float
    date: float
    date_pairs: int
    unit_recall: float
    location_recall: float
    pairs: int


def field_agreement(score: Score) -> FieldAgreement:
    pairs = score.pairs
    n = len(pairs) or 1
    hc = sum(headcount_overlap(p.gold, p.pred) for p in pairs) / n
    pct = sum(percent_equal(p.gold, p.pred) for p in pairs) / n
    dated = [p for p in pairs if p.gold.get("date")]
    dt = sum(date_compatible(p.gold, p.pred) for p in dated) / (len(dated) or 1)
    uh = ut = lh = lt = 0
    for p in pairs:
        h, t = list_recall(p.gold.get("units") or [], p.pred.units)
        uh, ut = uh + h, ut + t
        h, t = list_recall(p.gold.get("locations") or [], p.pred.locations)
        lh, lt = lh + h, lt + t
    return FieldAgreement(hc, pct, dt, len(dated), uh / (ut or 1), lh / (lt or 1), len(pairs))
