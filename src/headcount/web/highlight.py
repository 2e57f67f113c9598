"""Where a claim's figure sits in its sentence, so pages can highlight the words behind it.

A claim stores its sentence and its figure, not the figure's own span; the span is found again
by reading the sentence's quantities with the extractor's own parser and keeping the one whose
range is the claim's ("several hundred" for 200-900), or failing that its percent.
"""

from __future__ import annotations

from headcount.extract.quantities import PERCENT_RE, find_quantities, percent_value
from headcount.model import Mention


def figure_span(mention: Mention) -> tuple[int, int] | None:
    """(start, end) of the claim's figure within mention.evidence, or None if not found."""
    sentence = mention.evidence
    low, high = mention.headcount_min, mention.headcount_max
    if low is not None or high is not None:
        candidates = list(find_quantities(sentence))
        for quantity in candidates:
            if (quantity.minimum, quantity.maximum) == (low, high):
                return _trim(sentence, quantity.start, quantity.end)
        for quantity in candidates:
            if low is not None and low in (quantity.minimum, quantity.maximum):
                return _trim(sentence, quantity.start, quantity.end)
            if high is not None and high in (quantity.minimum, quantity.maximum):
                return _trim(sentence, quantity.start, quantity.end)
    if mention.percent is not None:
        for match in PERCENT_RE.finditer(sentence):
            value = percent_value(match)
            if value is not None and abs(value - mention.percent) < 0.05:
                return _trim(sentence, match.start(), match.end())
    return None


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def split_highlight(mention: Mention) -> tuple[str, str, str]:
    """The sentence as (before, figure, after); figure is "" when no span was found."""
    span = figure_span(mention)
    sentence = mention.evidence
    if span is None:
        return sentence, "", ""
    start, end = span
    return sentence[:start], sentence[start:end], sentence[end:]
