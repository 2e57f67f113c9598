"""The rules' word lists (extract/data/pattern_words.json) as the patterns read them."""

from __future__ import annotations

import re
from pathlib import Path

from headcount.extract.datafiles import alternation, read_json, word_pattern

EXTRACT = Path(__file__).resolve().parent.parent / "src" / "headcount" / "extract"


def test_a_list_is_an_alternation_in_the_files_order_with_phrases_on_any_white_space() -> None:
    # the order is kept: the first alternative that fits is the one a pattern matches
    assert alternation("last_periods") == "(?:year|month|week|spring|summer|autumn|fall|winter)"
    assert r"|announced\s+that)" in alternation("speech_verbs")
    assert re.fullmatch(alternation("speech_verbs"), "announced \n that")


def test_a_word_pattern_finds_whole_words_only_and_keeps_letter_case_when_asked() -> None:
    media = word_pattern("media", flags=0)
    assert media.search("the Financial Times reported")
    assert not media.search("the Timesheet")
    assert not media.search("the financial times")
    assert word_pattern("simple_past_verbs").search("Globex LAID  OFF 500")


def test_every_list_is_read_by_a_pattern() -> None:
    names = {name for name in read_json("pattern_words.json") if not name.startswith("_")}
    source = "\n".join(p.read_text(encoding="utf-8") for p in EXTRACT.glob("*.py"))
    read = set(re.findall(r"""(?:alternation|word_pattern)\(["']([a-z_]+)["']""", source))
    assert names == read
