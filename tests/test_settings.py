"""The settings object: every HEADCOUNT_* variable, its default, and a one-line error for a
value it does not take."""

from __future__ import annotations

import re
from dataclasses import fields
from pathlib import Path

import pytest

from headcount.extract.pipeline import EXTRACTORS
from headcount.settings import (
    DEFAULTS,
    EXTRACTOR_NAMES,
    Settings,
    SettingsError,
    current,
    env_name,
)
from headcount.sources.decoding import Limits
from headcount.sources.url import policy_from_env

SRC = Path(__file__).resolve().parents[1] / "src" / "headcount"


def test_defaults_when_nothing_is_set() -> None:
    settings = Settings.from_environment({})
    assert settings == DEFAULTS == Settings()
    assert (settings.db, settings.extractor, settings.cache_size) == ("headcount.db", "rules", 2048)
    assert (settings.token, settings.trusted_proxies, settings.allow_private_urls) == (
        None,
        (),
        False,
    )
    assert (settings.fetch_deadline, settings.lock_timeout) == (60.0, 600.0)
    assert (settings.max_json_depth, settings.max_inflate_ratio) == (64, 100)
    # A blank variable is an unset one.
    assert Settings.from_environment({"HEADCOUNT_CACHE_SIZE": "  "}) == DEFAULTS


def test_each_variable_sets_its_field() -> None:
    settings = Settings.from_environment(
        {
            "HEADCOUNT_DB": "postgresql://u@h/d",
            "HEADCOUNT_EXTRACTOR": "learned",
            "HEADCOUNT_CACHE_SIZE": "0",
            "HEADCOUNT_TOKEN": "s3cret",
            "HEADCOUNT_TRUSTED_PROXIES": "10.0.0.5, 10.1.0.0/16",
            "HEADCOUNT_ALLOW_PRIVATE_URLS": "yes",
            "HEADCOUNT_FETCH_DEADLINE": "2.5",
            "HEADCOUNT_CONFIDENCE_THRESHOLD": "0.8",
            "HEADCOUNT_START_METHOD": "spawn",
        }
    )
    assert settings.db == "postgresql://u@h/d" and settings.extractor == "learned"
    assert settings.cache_size == 0 and settings.token == "s3cret"
    assert [str(n) for n in settings.trusted_proxies] == ["10.0.0.5/32", "10.1.0.0/16"]
    assert settings.allow_private_urls and settings.fetch_deadline == 2.5
    assert settings.confidence_threshold == 0.8 and settings.start_method == "spawn"


@pytest.mark.parametrize(
    ("variable", "value", "says"),
    [
        ("HEADCOUNT_CACHE_SIZE", "-1", "give a number of answers, at least 0"),
        ("HEADCOUNT_CACHE_SIZE", "lots", "give a number of answers"),
        ("HEADCOUNT_EXTRACTOR", "nonsense", "choose one of rules, learned"),
        ("HEADCOUNT_MAX_EXTRACT_CHARS", "999", "at least 1000"),
        ("HEADCOUNT_CONFIDENCE_THRESHOLD", "1.5", "give a number from 0 to 1"),
        ("HEADCOUNT_CONFIDENCE_THRESHOLD", "nan", "give a number from 0 to 1"),
        ("HEADCOUNT_FETCH_DEADLINE", "0", "positive number of seconds"),
        ("HEADCOUNT_LOCK_TIMEOUT", "soon", "positive number of seconds"),
        ("HEADCOUNT_MAX_JSON_DEPTH", "0", "at least 1"),
        ("HEADCOUNT_MAX_INFLATE_RATIO", "1e3", "give a number of times"),
        ("HEADCOUNT_ALLOW_PRIVATE_URLS", "maybe", "give 1 or 0"),
        ("HEADCOUNT_TRUSTED_PROXIES", "10.0.0.5,proxy.local", "not a proxy address"),
        ("HEADCOUNT_START_METHOD", "clone", "choose one of fork, spawn, forkserver"),
    ],
)
def test_a_value_not_taken_is_a_one_line_error(variable: str, value: str, says: str) -> None:
    with pytest.raises(SettingsError) as caught:
        Settings.from_environment({variable: value})
    message = str(caught.value)
    assert message.startswith(f"{variable}={value!r}: ") and says in message
    assert "\n" not in message


def test_reading_only_some_settings() -> None:
    environ = {"HEADCOUNT_CACHE_SIZE": "5", "HEADCOUNT_DB": "other.db", "HEADCOUNT_TOKEN": "x"}
    some = Settings.from_environment(environ, only=["cache_size", "db"])
    assert (some.cache_size, some.db, some.token) == (5, "other.db", None)
    # What is not read is not checked either: hot paths read only what they use.
    environ["HEADCOUNT_LOCK_TIMEOUT"] = "soon"
    assert Settings.from_environment(environ, only=["cache_size"]).cache_size == 5
    with pytest.raises(KeyError):
        Settings.from_environment(environ, only=["no_such_setting"])


def test_the_readers_read_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HEADCOUNT_MAX_JSON_DEPTH", "7")
    monkeypatch.setenv("HEADCOUNT_MAX_INFLATE_RATIO", "9")
    monkeypatch.setenv("HEADCOUNT_FETCH_DEADLINE", "3")
    assert current().max_json_depth == 7
    limits = Limits.from_env()
    assert (limits.json_depth, limits.inflate_ratio) == (7, 9)
    assert limits.json_containers == DEFAULTS.max_json_containers
    assert policy_from_env().deadline == 3.0
    # A bound with a typo is refused, not silently turned back to its default.
    monkeypatch.setenv("HEADCOUNT_MAX_JSON_DEPTH", "sixty")
    with pytest.raises(SettingsError, match="HEADCOUNT_MAX_JSON_DEPTH"):
        Limits.from_env()


def test_defaults_kept_elsewhere_agree() -> None:
    # Importing the extractor's modules into settings would load numpy for every command, so
    # the extractor names are kept twice. (The confidence threshold's default is read from the
    # settings by extract.decisions: one copy, nothing to compare.)
    assert set(EXTRACTORS) == set(EXTRACTOR_NAMES)
    assert env_name("cache_size") == "HEADCOUNT_CACHE_SIZE"
    with pytest.raises(KeyError):
        env_name("no_such_setting")


def test_every_variable_the_code_names_is_a_setting() -> None:
    known = {f.metadata["env"] for f in fields(Settings)}
    named = {
        name
        for path in SRC.rglob("*.py")
        for name in re.findall(r"HEADCOUNT_[A-Z_]+", path.read_text(encoding="utf-8"))
    }
    assert named - known == set()


def test_only_the_settings_read_the_environment() -> None:
    # Reading a variable (a click envvar included); the CLI may still write one, which is
    # how a command's option reaches the worker processes it starts.
    reads = re.compile(r"os\.getenv|environ\.get\(|environ\[[^\]]+\](?!\s*=)|envvar=")
    found = [
        f"{path.relative_to(SRC)}:{number}: {line.strip()}"
        for path in SRC.rglob("*.py")
        if path.name != "settings.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if reads.search(line)
    ]
    assert found == []
