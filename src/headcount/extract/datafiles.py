"""The extractor's data files (extract/data/): word lists and tables kept out of the code."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources
from typing import Any


def read_text(name: str) -> str:
    """A file of extract/data/ (FileNotFoundError when it is not there)."""
    return resources.files("headcount.extract").joinpath("data", name).read_text(encoding="utf-8")


def read_json(name: str) -> Any:
    return json.loads(read_text(name))


@lru_cache(maxsize=1)
def _pattern_words() -> dict[str, list[str]]:
    return {k: v for k, v in read_json("pattern_words.json").items() if not k.startswith("_")}


def alternation(name: str) -> str:
    """A word list of data/pattern_words.json as the regex `(?:a|b|c)`, in the file's order (the
    first alternative that fits wins, so a pattern's matches depend on it); a space in an entry
    matches any run of white space."""
    entries = _pattern_words()[name]
    return "(?:" + "|".join(r"\s+".join(map(re.escape, e.split(" "))) for e in entries) + ")"


def word_pattern(name: str, flags: int = re.IGNORECASE) -> re.Pattern[str]:
    """Any whole word or phrase of the list `name`."""
    return re.compile(rf"\b{alternation(name)}\b", flags)
