"""Date windows: the days an event may fall on to be the layoff a claim tells.

By the precision of the claim's date: a day +-DAY_WINDOW days; a month +-1 month; a year the
same year. A news claim dated only by its article's publication was announced on or before it:
the PUBLISHED_LOOKBACK days before publication (and PUBLISHED_AHEAD after, for clocks and time
zones). A past round or running total looks back only, at most UNDATED_PAST_LOOKBACK days
when its text gives no date of its own. Days are date ordinals (see headcount.periods).
"""

from __future__ import annotations

from typing import Final

from headcount.model import Precision
from headcount.periods import Span, month_shift

DAY_WINDOW: Final = 14
PUBLISHED_LOOKBACK: Final = 30
PUBLISHED_AHEAD: Final = 3
UNDATED_PAST_LOOKBACK: Final = 730


def around(span: Span, precision: Precision) -> Span:
    """The days a layoff dated `span` at `precision` may fall on."""
    if precision == "month":
        return month_shift(span[0], -1), month_shift(span[1], 1)
    if precision == "year":
        return span
    return span[0] - DAY_WINDOW, span[1] + DAY_WINDOW


def before_publication(published: int) -> Span:
    """The days a layoff an article reports without dating it was announced on."""
    return published - PUBLISHED_LOOKBACK, published


def publication_window(span: Span) -> Span:
    """The window of a claim dated by its article: its days, and a few after."""
    return span[0], span[1] + PUBLISHED_AHEAD


def past_window(own: Span | None, precision: Precision, published: int | None) -> Span | None:
    """Where a past round or running total cited in an article may lie: around its own date
    when it has one, else in the UNDATED_PAST_LOOKBACK days before publication; never after
    the article."""
    if own is not None:
        window: Span | None = around(own, precision)
    elif published is not None:
        window = published - UNDATED_PAST_LOOKBACK, published
    else:
        window = None
    if window is not None and published is not None:
        window = window[0], min(window[1], published)
    return window
