"""Companies a misspelt name probably means ("amazn" -> Amazon), for a search that found
nothing. Names are compared in the registry's comparable form (company_key: case,
punctuation, legal suffixes and a trailing ".com" do not count) with rapidfuzz."""

from __future__ import annotations

from collections.abc import Iterable

from rapidfuzz import fuzz, process, utils

from headcount.resolve.registry import company_key

#: How alike (0-100, rapidfuzz's WRatio) a name must be to be offered.
MIN_SCORE = 80.0


def nearest_companies(
    text: str, companies: Iterable[tuple[str, str]], limit: int = 3, min_score: float = MIN_SCORE
) -> list[tuple[str, str]]:
    """The (id, name) pairs of `companies` whose names are nearest to `text`, best first; on a
    tie, the one given first (give the companies with the most events first). Empty when no
    name is alike enough."""
    query = company_key(text) or utils.default_process(text)
    if len(query) < 3:
        return []
    pairs: list[tuple[str, str]] = []
    keys: list[str] = []
    for cid, name in companies:
        key = company_key(name) or utils.default_process(name) if name else ""
        # A one- or two-letter name is inside every longer word: never offered.
        if len(key) >= 3:
            pairs.append((cid, name))
            keys.append(key)
    found = process.extract(query, keys, scorer=fuzz.WRatio, limit=None, score_cutoff=min_score)
    # process.extract orders by score; keep the callers' order among equal scores.
    found.sort(key=lambda hit: (-hit[1], hit[2]))
    chosen: list[tuple[str, str]] = []
    for _, _, index in found:
        if pairs[index] not in chosen:
            chosen.append(pairs[index])
        if len(chosen) == limit:
            break
    return chosen
