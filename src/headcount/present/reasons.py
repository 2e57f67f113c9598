"""The tags of stated reasons ("ai", "restructuring", "costs", ...) that filters, charts and
the API group events by."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Final

#: Stated reasons grouped into tags a filter or chart can use; a reason may carry several.
REASON_TAGS: Final[dict[str, re.Pattern[str]]] = {
    "ai": re.compile(
        r"\b(?:ai|a\.i\.|artificial intelligence|generative|automation|automat\w*|machine learning"
        r"|chatgpt|llms?|large language models?)\b",
        re.IGNORECASE,
    ),
    "restructuring": re.compile(
        r"restructur|reorgani[sz]|streamlin|efficien|realign|refocus|shift|priorit|strateg",
        re.IGNORECASE,
    ),
    "costs": re.compile(r"\bcost|expense|spending|budget|margin|profitab|savings", re.IGNORECASE),
    "economy": re.compile(
        r"econom|downturn|recession|demand|inflation|interest rate|market condition|slowdown",
        re.IGNORECASE,
    ),
    "funding": re.compile(r"funding|cash|runway|capital|investor|bankrupt", re.IGNORECASE),
    "merger": re.compile(r"acqui|merger|takeover|integration", re.IGNORECASE),
    "closure": re.compile(r"clos|shut|wind(?:ing)? down|exit", re.IGNORECASE),
}
OTHER_REASON: Final = "other"
REASON_NAMES: Final[tuple[str, ...]] = (*REASON_TAGS, OTHER_REASON)


def reason_tags(reasons: Iterable[str]) -> list[str]:
    """The tags of an event's stated reasons: ["ai", "restructuring"], or ["other"]."""
    tags: list[str] = []
    any_reason = False
    for reason in reasons:
        if not reason.strip():
            continue
        any_reason = True
        for tag, pattern in REASON_TAGS.items():
            if tag not in tags and pattern.search(reason):
                tags.append(tag)
    if any_reason and not tags:
        tags.append(OTHER_REASON)
    return [t for t in REASON_NAMES if t in tags]
