"""The cue word lists (data/cues.json) and the company gazetteer (data/companies.txt).

Both are data, not code: a cue list says what kind of word it holds, and the learned model
weighs it; the gazetteer is built from the bundled records by `headcount train`.
"""

from __future__ import annotations

import re
from functools import lru_cache

from headcount.extract.companies import normalize_company
from headcount.extract.datafiles import read_json, read_text

CUE_LISTS = (
    "cut_strong", "cut_verb", "staff_noun", "past_time", "current_time", "cumulative",
    "aggregate", "rumor", "hiring", "negation", "non_cut", "reporting_verb", "unit_word",
    "anaphor", "source_name", "descriptor", "person_title", "name_inner_word",
)  # fmt: skip


@lru_cache(maxsize=1)
def cue_words() -> dict[str, frozenset[str]]:
    raw = read_json("cues.json")
    return {name: frozenset(w.lower() for w in raw[name]) for name in CUE_LISTS}


def _phrase_pattern(words: frozenset[str]) -> re.Pattern[str]:
    # Longest first, so "laid off" wins over "laid"; boundaries are word edges where the cue
    # starts or ends with a word character.
    parts = []
    for w in sorted(words, key=len, reverse=True):
        left = r"\b" if w[:1].isalnum() else ""
        right = r"\b" if w[-1:].isalnum() else ""
        parts.append(left + re.escape(w).replace(r"\ ", r"\s+") + right)
    return re.compile("|".join(parts), re.IGNORECASE)


@lru_cache(maxsize=1)
def cue_patterns() -> dict[str, re.Pattern[str]]:
    return {name: _phrase_pattern(words) for name, words in cue_words().items()}


def count_cues(text: str) -> dict[str, int]:
    return dict(_count_cues(text))


# A candidate sentence is counted twice: for the page's cues and for its own.
@lru_cache(maxsize=1024)
def _count_cues(text: str) -> tuple[tuple[str, int], ...]:
    return tuple((name, len(pattern.findall(text))) for name, pattern in cue_patterns().items())


@lru_cache(maxsize=1)
def _source_keys() -> frozenset[str]:
    return frozenset(normalize_company(w) for w in cue_words()["source_name"]) - {""}


@lru_cache(maxsize=1)
def _source_last_words() -> frozenset[str]:
    return frozenset(w.split()[-1] for w in cue_words()["source_name"] if " " in w)


def is_source_short_form(name: str) -> bool:
    """The last word of an outlet's name, as a page calls it again ("the Post writes")."""
    return name.lower() in _source_last_words()


def is_source_name(name: str) -> bool:
    """An outlet, tracker or filing that reports cuts ("The Washington Post", "WARN Act"),
    however the page spells it: names are compared as the ledger compares companies."""
    return name.lower() in cue_words()["source_name"] or normalize_company(name) in _source_keys()


def _name_list(name: str) -> frozenset[str]:
    """A data file of one name a line; empty before `headcount train` has written it."""
    try:
        text = read_text(name)
    except FileNotFoundError:
        return frozenset()
    return frozenset(line.strip() for line in text.splitlines() if line.strip())


@lru_cache(maxsize=1)
def gazetteer() -> frozenset[str]:
    """Normalized names of companies known from the layoff trackers' tables."""
    return _name_list("companies.txt")


@lru_cache(maxsize=1)
def _possessive_names() -> frozenset[str]:
    """Known names that themselves end in 's ("McDonald's", "Byju's"): kept whole."""
    return _name_list("possessive_companies.txt")


def keeps_possessive(name: str) -> bool:
    return name.lower().replace("’", "'") in _possessive_names()


def in_gazetteer(name: str) -> bool:
    key = normalize_company(name)
    return bool(key) and key in gazetteer()
