"""Every HEADCOUNT_* environment variable, read in one place, with its default and meaning.

`current()` reads the environment on each call rather than once at import: a long-lived
process (or a test) can change a setting, and the worker processes of `serve --workers` and
`batch` inherit the environment, so they read what their parent reads. A command-line option
that also sets one of these (`--db`, `--token`, `--extractor`, ...) wins over the variable.

A value that is not valid is a `SettingsError` naming the variable and what it takes, never a
silent fall back to the default: a typo in a bound must neither turn it off nor go unnoticed.
The README's configuration table is `settings_table()` (tests/test_settings.py compares them).
"""

from __future__ import annotations

import ipaddress
import math
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any, Final, Literal, get_args

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
ExtractorName = Literal["rules", "learned"]
#: The extractors a user can choose between (extract.pipeline.EXTRACTORS has one of each).
EXTRACTOR_NAMES: Final[tuple[str, ...]] = get_args(ExtractorName)
StartMethod = Literal["fork", "spawn", "forkserver"]

_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})


class SettingsError(ValueError):
    """A setting whose value is not one it takes; the message is one line naming it."""


def _text(_name: str, raw: str) -> str:
    return raw


def _flag(name: str, raw: str) -> bool:
    if raw.lower() in _TRUE:
        return True
    if raw.lower() in _FALSE:
        return False
    raise SettingsError(f"{name}={raw!r}: give 1 or 0 (or true/false, yes/no, on/off)")


def _count(least: int, unit: str) -> Callable[[str, str], int]:
    def parse(name: str, raw: str) -> int:
        if not raw.isdigit() or int(raw) < least:
            raise SettingsError(f"{name}={raw!r}: give a number of {unit}, at least {least}")
        return int(raw)

    return parse


def _number(accepted: Callable[[float], bool], hint: str) -> Callable[[str, str], float]:
    def parse(name: str, raw: str) -> float:
        try:
            value = float(raw)
        except ValueError:
            value = math.nan  # refused below: NaN is accepted by no range
        if not accepted(value):
            raise SettingsError(f"{name}={raw!r}: {hint}")
        return value

    return parse


_seconds = _number(lambda v: 0 < v < math.inf, "give a positive number of seconds")
_share = _number(lambda v: 0.0 <= v <= 1.0, "give a number from 0 to 1")


def _choice(choices: tuple[str, ...]) -> Callable[[str, str], str]:
    def parse(name: str, raw: str) -> str:
        if raw not in choices:
            raise SettingsError(f"{name}={raw!r}: choose one of {', '.join(choices)}")
        return raw

    return parse


def parse_networks(value: str | Iterable[str] | None) -> tuple[Network, ...]:
    """Addresses or networks ("10.0.0.5", "10.0.0.0/8", "::1"), as a list or one
    comma-separated string; raises ValueError for one that is neither."""
    if value is None:
        return ()
    items = value.split(",") if isinstance(value, str) else list(value)
    networks = []
    for item in (i.strip() for i in items):
        if item:
            try:
                networks.append(ipaddress.ip_network(item, strict=False))
            except ValueError:
                raise ValueError(f"not a proxy address or network: {item!r}") from None
    return tuple(networks)


def _networks(name: str, raw: str) -> tuple[Network, ...]:
    try:
        return parse_networks(raw)
    except ValueError as exc:
        raise SettingsError(f"{name}={raw!r}: {exc}") from None


def _setting(
    env: str,
    default: Any,
    meaning: str,
    parse: Callable[[str, str], Any],
    shown: str | None = None,
) -> Any:
    """A field of Settings: its variable, default, meaning, parser, and the default as the
    documentation shows it (when the value itself does not read well)."""
    metadata = {"env": env, "meaning": meaning, "parse": parse, "shown": shown}
    return field(default=default, metadata=metadata)


@dataclass(frozen=True)
class Settings:
    """What the environment sets; `Settings()` is every default."""

    db: str = _setting(
        "HEADCOUNT_DB",
        "headcount.db",
        "The database when `--db` is not given: a SQLite file path, a `sqlite:///path` URL or "
        "a `postgresql://user@host/dbname` URL.",
        _text,
    )
    extractor: ExtractorName = _setting(
        "HEADCOUNT_EXTRACTOR",
        "rules",
        "Which extractor reads documents for `extract`, `ingest`, `watch`, `batch` and the "
        f"server's ingest: {' or '.join(EXTRACTOR_NAMES)} (`--extractor` sets it too).",
        _choice(EXTRACTOR_NAMES),
    )
    max_extract_chars: int = _setting(
        "HEADCOUNT_MAX_EXTRACT_CHARS",
        50_000,
        "Characters of a document the extractor reads (cut at a line or sentence end; the "
        "whole document is stored). At least 1000.",
        _count(1000, "characters"),
    )
    confidence_threshold: float = _setting(
        "HEADCOUNT_CONFIDENCE_THRESHOLD",
        # The learned extractor's calibrated threshold (extract.decisions.DEFAULT_THRESHOLD
        # reads it from here: importing the extractor here would load numpy).
        0.5,
        "Confidence (0 to 1) a news claim needs to be shown and counted by default in every "
        "surface; records always are.",
        _share,
    )
    token: str | None = _setting(
        "HEADCOUNT_TOKEN",
        None,
        "Token that writes to the server (`POST /api/ingest`) must present as "
        "`Authorization: Bearer TOKEN` (`serve --token` sets it too); without one, writes "
        "are refused.",
        _text,
        "none",
    )
    cache_size: int = _setting(
        "HEADCOUNT_CACHE_SIZE",
        2048,
        "Answers each server worker keeps until the events change (`serve --cache-size` sets "
        "it too); 0 keeps none.",
        _count(0, "answers"),
    )
    trusted_proxies: tuple[Network, ...] = _setting(
        "HEADCOUNT_TRUSTED_PROXIES",
        (),
        "Reverse proxies (addresses or networks, comma-separated) whose `X-Forwarded-For` "
        "the server believes for rate limiting.",
        _networks,
        "none",
    )
    accuracy_dir: str | None = _setting(
        "HEADCOUNT_ACCURACY_DIR",
        None,
        "Where the methodology page finds the pinned accuracy figures (`*floors.json`).",
        _text,
        "`./accuracy`, else the source checkout's",
    )
    allow_private_urls: bool = _setting(
        "HEADCOUNT_ALLOW_PRIVATE_URLS",
        False,
        "1 lets fetches (`ingest URL`, feeds, `POST /api/ingest`) reach loopback, private and "
        "other non-public addresses, for an intranet.",
        _flag,
        "0",
    )
    fetch_deadline: float = _setting(
        "HEADCOUNT_FETCH_DEADLINE",
        60.0,
        "Seconds a whole fetch (redirects included) may take, however slowly bytes come.",
        _seconds,
        "60",
    )
    lock_timeout: float = _setting(
        "HEADCOUNT_LOCK_TIMEOUT",
        600.0,
        "Seconds a writer (`resolve`, `ingest`, `import`) waits for another writer's lock on "
        "the database.",
        _seconds,
        "600",
    )
    max_json_depth: int = _setting(
        "HEADCOUNT_MAX_JSON_DEPTH",
        64,
        "Deepest nesting of arrays and objects a JSON record may have.",
        _count(1, "levels"),
    )
    max_json_containers: int = _setting(
        "HEADCOUNT_MAX_JSON_CONTAINERS",
        1_000_000,
        "Most arrays and objects one JSON text (a line, a file) may hold.",
        _count(1, "containers"),
    )
    max_inflate_ratio: int = _setting(
        "HEADCOUNT_MAX_INFLATE_RATIO",
        100,
        "Times its own size a compressed file may inflate to (1 MB always may).",
        _count(1, "times"),
    )
    start_method: StartMethod | None = _setting(
        "HEADCOUNT_START_METHOD",
        None,
        "How `batch` starts its worker processes: fork, spawn or forkserver.",
        _choice(get_args(StartMethod)),
        "fork on Linux, spawn elsewhere",
    )

    @classmethod
    def from_environment(
        cls, environ: Mapping[str, str] | None = None, only: Iterable[str] | None = None
    ) -> Settings:
        """The settings `environ` (default: this process's environment) gives; an unset or
        blank variable keeps its default. `only` names the fields to read (the others keep
        their defaults). Raises SettingsError for a value not taken."""
        environ = os.environ if environ is None else environ
        values = {}
        for f in _FIELDS.values() if only is None else (_FIELDS[name] for name in only):
            raw = environ.get(f.metadata["env"], "").strip()
            if raw:
                values[f.name] = f.metadata["parse"](f.metadata["env"], raw)
        return cls(**values) if values else DEFAULTS


_FIELDS: Final = {f.name: f for f in fields(Settings)}
#: Every default, for code that needs one without reading the environment.
DEFAULTS: Final = Settings()


def current(*only: str) -> Settings:
    """The settings of this process now. Code that reads a setting per document, line or
    request names the fields it reads (`current("max_extract_chars").max_extract_chars`): a
    look-up in the environment costs about 1.5 µs, and there are 15 of them."""
    return Settings.from_environment(only=only or None)


def env_name(name: str) -> str:
    """The variable behind the Settings field `name` ("cache_size" -> "HEADCOUNT_CACHE_SIZE")."""
    return str(_FIELDS[name].metadata["env"])


def settings_table() -> str:
    """Every setting as a Markdown table (variable, default, meaning): the README's copy."""
    lines = ["| variable | default | meaning |", "|---|---|---|"]
    for f in _FIELDS.values():
        shown = f.metadata["shown"]
        if shown is None:
            shown = f"`{f.default}`" if isinstance(f.default, str) else f"{f.default:,}"
        lines.append(f"| `{f.metadata['env']}` | {shown} | {f.metadata['meaning']} |")
    return "\n".join(lines)
