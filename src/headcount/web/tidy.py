"""What pages show once that the ledger may hold twice: a place under two names ("United
States" and "U.S."), a subsidiary under two near-identical names ("Whole Foods" and "Whole
Foods Market"). Display only: the ledger keeps what its sources said."""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from headcount.model import Company
from headcount.resolve.registry import company_key

_PLACE_NAMES = Path(__file__).parent / "data" / "place_names.json"


@lru_cache(maxsize=1)
def _place_keys() -> dict[str, str]:
    """Every name of a place (folded) -> the name pages write it by."""
    names: dict[str, list[str]] = json.loads(_PLACE_NAMES.read_text(encoding="utf-8"))
    keys: dict[str, str] = {}
    for shown, others in names.items():
        if shown.startswith("_"):
            continue
        for name in (shown, *others):
            keys[name.casefold()] = shown
    return keys


def distinct_places(places: Sequence[str]) -> list[str]:
    """`places` in their order, each place once under one name: ["Seattle", "United States",
    "U.S."] -> ["Seattle", "United States"]."""
    seen: set[str] = set()
    shown: list[str] = []
    for place in places:
        name = _place_keys().get(place.strip().casefold(), place.strip())
        if name.casefold() not in seen:
            seen.add(name.casefold())
            shown.append(name)
    return shown


def grouped_companies(companies: Sequence[Company]) -> list[tuple[Company, list[Company]]]:
    """Companies with near-identical names grouped: each group is (the one with the longest
    name, the others), where a name of two words or more is near-identical to another when
    its words (as the registry compares names) begin the other's: "Whole Foods" joins "Whole
    Foods Market". A one-word name never joins: "Google" is not "Google Cloud"."""
    keyed = sorted(
        ((company_key(c.name).split(), c) for c in companies), key=lambda kc: -len(kc[0])
    )
    groups: list[tuple[list[str], Company, list[Company]]] = []
    for words, company in keyed:
        home = next(
            (g for g in groups if len(words) > 1 and g[0][: len(words)] == words),
            None,
        )
        if home is None:
            groups.append((words, company, []))
        else:
            home[2].append(company)
    order = {c.id: i for i, c in enumerate(companies)}
    return sorted(((lead, others) for _, lead, others in groups), key=lambda g: order[g[0].id])
