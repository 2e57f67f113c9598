"""Comparing figures: whether two sources' headcounts can tell the same layoff, in words.

A figure is compared as a range (low, high) of floats: "more than 7,500" is 7,500 to
infinity, and "about 1,000" is widened by APPROX_SLACK to 900-1,100. Two ranges `match` when
they overlap, are `close` within CLOSE_RATIO, `unknown` when either side has none, and
otherwise `conflict`.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Final, Literal

from headcount.model import Mention

#: Two figures that do not overlap are still compatible within this ratio.
CLOSE_RATIO: Final = 1.5
#: "about 1,000" is read as 900-1,100 when compared.
APPROX_SLACK: Final = 0.1
#: A WARN notice fits an announced total up to this much above it.
FILING_SLACK: Final = 1.1

Figure = tuple[float, float]
Verdict = Literal["match", "close", "unknown", "conflict"]

#: How well a candidate event's figure fits, for ordering candidates (lower is better).
FIGURE_TIER: Final[dict[str, int]] = {"match": 0, "close": 1, "unknown": 1}


def as_figure(low: int | None, high: int | None, approx: bool) -> Figure | None:
    """A headcount range as compared: an open top is infinite, an approximate single figure
    is widened by APPROX_SLACK; None when there is no figure at all."""
    if low is None and high is None:
        return None
    lo = float(low) if low is not None else 0.0
    hi = float(high) if high is not None else math.inf
    if approx and lo == hi:
        lo, hi = lo * (1 - APPROX_SLACK), hi * (1 + APPROX_SLACK)
    return lo, hi


def mention_figure(mention: Mention) -> Figure | None:
    return as_figure(mention.headcount_min, mention.headcount_max, mention.approx)


def compare(a: Figure | None, b: Figure | None) -> Verdict:
    """'match' (ranges overlap), 'close' (within CLOSE_RATIO), 'unknown' or 'conflict'."""
    if a is None or b is None:
        return "unknown"
    if a[0] <= b[1] and b[0] <= a[1]:
        return "match"
    low, high = (a, b) if a[1] < b[0] else (b, a)
    if low[1] > 0 and high[0] / low[1] <= CLOSE_RATIO:
        return "close"
    return "conflict"


def compare_shares(mine: float, theirs: float) -> Verdict:
    """A share agrees with an event's share within two points or a quarter of the event's."""
    return "match" if abs(mine - theirs) <= max(2.0, 0.25 * theirs) else "conflict"


def same_figures(a: Mention, b: Mention) -> bool:
    """Two copies of a row agree when every figure both state is the same; a copy that leaves
    one out (an export without percentages) does not contradict one that gives it, and
    percentages agree to half a point (one copy rounds 1.85% to 2%)."""
    if (
        a.headcount_min is not None
        and b.headcount_min is not None
        and a.headcount_min != b.headcount_min
    ):
        return False
    if a.percent is not None and b.percent is not None:
        return abs(a.percent - b.percent) <= 0.5 + 1e-9
    return True


# --- figures in words, for the reasons a placement gives ----------------------------------


def fmt_figure(low: float, high: float) -> str:
    if high == math.inf:
        return f">={low:,.0f}"
    return f"{low:,.0f}" if low == high else f"{low:,.0f}-{high:,.0f}"


def fmt_mention(mention: Mention) -> str:
    """A source's own figures as it states them: "1,000 / 10%", "200-900", "no headcount"."""
    figure = mention_figure(replace(mention, approx=False))
    parts = [fmt_figure(*figure) if figure else "no headcount"]
    if mention.percent is not None:
        parts.append(f"{mention.percent:g}%")
    return " / ".join(parts)


def fmt_share(percent: float | None) -> str:
    return "no share" if percent is None else f"{percent:g}%"


def verdict_words(
    verdict: Verdict,
    mine: Figure | None,
    theirs: Figure | None,
    my_share: float | None,
    their_share: float | None,
) -> str:
    """Why two figures fit, in words: "1,000 matches 900-1,100", "10% of staff is close to
    12%" (a claim with a share and no headcount is compared by share)."""
    if verdict == "unknown":
        return "not comparable (one side has none)"
    words = {"match": "matches", "close": "is close to"}.get(verdict, verdict)
    if mine is not None and theirs is not None:
        return f"{fmt_figure(*mine)} {words} {fmt_figure(*theirs)}"
    return f"{fmt_share(my_share)} of staff {words} {fmt_share(their_share)}"
