"""The extractor's data files (extract/data/): word lists and tables kept out of the code."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any


def read_text(name: str) -> str:
    """A file of extract/data/ (FileNotFoundError when it is not there)."""
    return resources.files("headcount.extract").joinpath("data", name).read_text(encoding="utf-8")


def read_json(name: str) -> Any:
    return json.loads(read_text(name))
