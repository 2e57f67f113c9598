"""Scoring extracted claims against gold events by the rules of the reference scorer.

`../shared/eval/score.py` scores the held-back set, so `headcount eval` must count exactly what
it counts on the same predictions; every rule here follows it, quirks included:

- a prediction matches a gold event of the same document when the kinds are equal (relaxed:
  new/past/rumor are one kind) and the companies match after normalisation — equal, related
  by the alias table, the prediction names the gold parent, or one name's words start the
  other's ("general motors corp" ~ "general motors"); two null companies match;
- gold events are taken in order; each takes the first compatible prediction left, or the
  first one whose headcount range overlaps when there is one (greedy, never revisited);
- field figures are ratios over the matched pairs where the gold has something to compare:
  headcount overlap where gold has a bound, percent within 0.51 where gold has a percent, date
  by prefix where gold has a date, units/locations recall by normalised substring.

The prediction's company is `Mention.company` alone — the `company` field that
`headcount extract --json` prints and score.py reads — so both scorers see the same name.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files
from typing import Any, Protocol

from headcount.model import Mention

#: Kinds a company round can have; the relaxed score does not tell them apart.
COMPANY_KINDS = frozenset({"new", "past", "rumor"})
#: Gold sets whose documents carry this prefix have no `rumor` kind (GUIDELINES.md).
WEB_PREFIX = "web:"
#: Field ratios are computed in one order, the order score.py prints them.
FIELDS = ("headcount", "percent", "date", "units", "locations")


class GoldEvents(Protocol):
    """What scoring needs of a gold document: its id and its events (GoldDocument has both)."""

    @property
    def doc(self) -> str: ...

    @property
    def events(self) -> Sequence[Mapping[str, Any]]: ...


@lru_cache(maxsize=1)
def _names() -> tuple[re.Pattern[str], dict[str, str]]:
    data = json.loads(files("headcount.evaluate").joinpath("scoring_names.json").read_text("utf-8"))
    words = "|".join(re.escape(w) for w in data["suffixes"])
    return re.compile(rf"\b({words})\b\.?", re.I), dict(data["aliases"])


def normalise_company(name: str | None) -> str | None:
    """score.py's `norm`: ASCII-folded, lower case, possessive 's and legal suffixes dropped,
    punctuation to spaces; None when nothing is left."""
    if not name:
        return None
    suffix, _ = _names()
    s = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    # The curly apostrophe is already gone after the ASCII fold ("Macy’s" -> "macys"); the
    # pattern keeps it only to stay the reference's pattern character for character.
    s = re.sub(r"['’]s\b", "", s)
    s = suffix.sub(" ", s)
    s = re.sub(r"[^a-z0-9 ]+", " ", s)
    return " ".join(s.split()) or None


def same_company(gold: str | None, pred: str | None, gold_parent: str | None = None) -> bool:
    a, b = normalise_company(gold), normalise_company(pred)
    if a is None or b is None:
        return a is None and b is None
    _, aliases = _names()
    if a == b or aliases.get(a) == b or aliases.get(b) == a:
        return True
    if gold_parent and normalise_company(gold_parent) == b:
        return True
    ta, tb = a.split(), b.split()
    return ta[: len(tb)] == tb or tb[: len(ta)] == ta


def kinds_match(gold_kind: str, pred_kind: str, relaxed: bool) -> bool:
    return gold_kind == pred_kind or (
        relaxed and gold_kind in COMPANY_KINDS and pred_kind in COMPANY_KINDS
    )


def rumor_as_new_for(doc: str) -> bool:
    """Whether a document's gold set scores `rumor` as `new`: the web set has no rumor kind."""
    return doc.startswith(WEB_PREFIX)


def scored_kind(pred: Mention, rumor_as_new: bool) -> str:
    return "new" if rumor_as_new and pred.kind == "rumor" else pred.kind


def headcount_overlap(gold: Mapping[str, Any], pred: Mention) -> bool | None:
    """Whether the ranges overlap; None when gold has no bound (nothing to score)."""
    gmin, gmax = gold.get("headcount_min"), gold.get("headcount_max")
    if gmin is None and gmax is None:
        return None
    pmin, pmax = pred.headcount_min, pred.headcount_max
    if pmin is None and pmax is None:
        return False
    lo = max(gmin if gmin is not None else -1, pmin if pmin is not None else -1)
    hi = min(gmax if gmax is not None else 10**12, pmax if pmax is not None else 10**12)
    return bool(lo <= hi)


def percent_equal(gold: Mapping[str, Any], pred: Mention) -> bool | None:
    """Within 0.51 points (a third may be 33 or 33.3); None when gold has no percent."""
    if gold.get("percent") is None:
        return None
    return pred.percent is not None and abs(float(pred.percent) - float(gold["percent"])) < 0.51


def date_compatible(gold: Mapping[str, Any], pred: Mention) -> bool | None:
    """The prediction's date starts with the gold date (same day, month or year at the gold
    precision); None when gold has no date."""
    gd = gold.get("date")
    if not gd:
        return None
    return bool((pred.date or "")[: len(gd)] == gd)


def _found(item: str, predicted: Sequence[str]) -> bool:
    x = normalise_company(item)
    if x is None:
        return False
    for other in predicted:
        y = normalise_company(other)
        if y and (x in y or y in x):
            return True
    return False


@dataclass
class Ratio:
    hits: int = 0
    total: int = 0

    def add(self, ok: bool | None) -> None:
        if ok is not None:
            self.total += 1
            self.hits += ok

    @property
    def value(self) -> float | None:
        """None when there was nothing to compare (score.py prints `n/a`)."""
        return self.hits / self.total if self.total else None

    def reference_text(self) -> str:
        return f"{self.hits / self.total:.3f}({self.total})" if self.total else "n/a"


@dataclass
class Pair:
    doc: str
    gold: dict[str, Any]
    pred: Mention
    pred_kind: str  # the kind as scored (after rumor-as-new)


@dataclass
class Miss:
    """A gold event no prediction matched, or a prediction no gold event matched."""

    doc: str
    company: str | None
    kind: str
    headcount: str
    evidence: str


@dataclass
class Score:
    name: str
    relaxed: bool = False
    tp: int = 0
    fp: int = 0
    fn: int = 0
    pairs: list[Pair] = field(default_factory=list)
    misses: list[Miss] = field(default_factory=list)
    false_positives: list[Miss] = field(default_factory=list)
    headcount: Ratio = field(default_factory=Ratio)
    percent: Ratio = field(default_factory=Ratio)
    date: Ratio = field(default_factory=Ratio)
    units: Ratio = field(default_factory=Ratio)
    locations: Ratio = field(default_factory=Ratio)

    # Nothing predicted is precision 0 and nothing to find is recall 0, as in score.py.
    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def ratio(self, name: str) -> Ratio:
        ratio: Ratio = getattr(self, name)
        return ratio

    def reference_line(self) -> str:
        """The summary line score.py prints last, character for character."""
        fields = " ".join(f"{n}={self.ratio(n).reference_text()}" for n in FIELDS)
        return (
            f"F1={self.f1:.3f} P={self.precision:.3f} R={self.recall:.3f} "
            f"tp={self.tp} fp={self.fp} fn={self.fn} {fields}"
        )


def range_text(lo: Any, hi: Any) -> str:
    if lo is None and hi is None:
        return "—"
    if lo == hi:
        return f"{lo:,}"
    return f"{'' if lo is None else f'{lo:,}'}–{'' if hi is None else f'{hi:,}'}"


def score(
    gold: Iterable[GoldEvents],
    predictions: Mapping[str, Sequence[Mention]],
    *,
    relaxed: bool = False,
    rumor_as_new: bool | None = None,
    name: str | None = None,
) -> Score:
    """Score predictions (gold doc id -> claims) against gold documents, as score.py does.

    `rumor_as_new` scores predicted `rumor` as `new` — True/False for every document, or None
    to decide per document by its id (`web:` documents, whose gold has no rumor kind).
    Predictions for documents that are not in `gold` are ignored, as score.py ignores them; a
    document id given twice keeps its last events, as score.py's dict does."""
    result = Score(name or ("relaxed" if relaxed else "strict"), relaxed)
    documents: dict[str, Sequence[Mapping[str, Any]]] = {}
    for gd in gold:
        documents[gd.doc] = gd.events
    for doc, events in documents.items():
        as_new = rumor_as_new_for(doc) if rumor_as_new is None else rumor_as_new
        _score_document(result, doc, events, predictions.get(doc, ()), as_new)
    return result


def _score_document(
    result: Score,
    doc: str,
    events: Sequence[Mapping[str, Any]],
    predictions: Sequence[Mention],
    rumor_as_new: bool,
) -> None:
    left = [(p, scored_kind(p, rumor_as_new)) for p in predictions]
    for g in events:
        best: tuple[int, bool | None] | None = None
        for i, (p, kind) in enumerate(left):
            if kinds_match(g["kind"], kind, result.relaxed) and same_company(
                g.get("company"), p.company, g.get("parent")
            ):
                o = headcount_overlap(g, p)
                # The first compatible one, unless a later one overlaps and it does not.
                if best is None or (o and not best[1]):
                    best = (i, o)
        if best is None:
            result.fn += 1
            result.misses.append(
                Miss(
                    doc,
                    g.get("company"),
                    g["kind"],
                    range_text(g.get("headcount_min"), g.get("headcount_max")),
                    g.get("evidence", ""),
                )
            )
            continue
        p, kind = left.pop(best[0])
        result.tp += 1
        result.pairs.append(Pair(doc, dict(g), p, kind))
        result.headcount.add(best[1])
        result.percent.add(percent_equal(g, p))
        result.date.add(date_compatible(g, p))
        for key, ratio, predicted in (
            ("units", result.units, p.units),
            ("locations", result.locations, p.locations),
        ):
            for item in g.get(key) or []:
                ratio.add(_found(item, predicted or []))
    for p, kind in left:
        result.fp += 1
        result.false_positives.append(
            Miss(doc, p.company, kind, range_text(p.headcount_min, p.headcount_max), p.evidence)
        )
