"""The tracker's read model: filters, sort orders and the derived row of each event.

The web tracker and its API ask the same questions over and over (events of a company, in a
year, with a WARN filing, citing AI, ordered by size). `event_index` holds one row per current
event with the answers precomputed; this module says what goes in a row and what a filter
means, and the Store (index_refresh.py, index_pages.py, index_groups.py) runs the SQL.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from typing import Any, Final

from headcount.extract.companies import normalize_company
from headcount.model import CORE_ROLES, RECORD_KINDS, SOURCE_KINDS, Event
from headcount.periods import period
from headcount.present.events import api_record
from headcount.present.figures import counted_figure
from headcount.present.formats import to_json
from headcount.present.reasons import REASON_NAMES, reason_tags
from headcount.records.base import US_STATES
from headcount.settings import current, env_name

#: Roles of the claims that vouch for an event's confidence (model.CORE_ROLES): a past round
#: cited as context does not vouch for the event it sits beside.
BACKING_ROLES: Final = CORE_ROLES
#: The setting that moves the confidence threshold (headcount.settings).
CONFIDENCE_SETTING: Final = env_name("confidence_threshold")


def confidence_threshold() -> float:
    """The confidence a claim needs to be shown and counted by default: the
    HEADCOUNT_CONFIDENCE_THRESHOLD setting (default: the learned extractor's calibrated
    threshold). Every surface (CLI, tracker, API, exports) reads it here."""
    return current("confidence_threshold").confidence_threshold


def claim_confidence(source_kind: str, confidence: float) -> float:
    """How sure the ledger is of one claim: a record's is certain, a reading of prose is the
    extractor's confidence."""
    return 1.0 if source_kind in RECORD_KINDS else confidence


def backing_confidence(sources: Iterable[tuple[str, str | None, str, float]]) -> float:
    """The confidence of an event: that of the surest claim telling it, over its sources as
    (role, superseded_by, source kind, confidence); 0.0 when none tells it."""
    return max(
        (
            claim_confidence(kind, confidence)
            for role, superseded_by, kind, confidence in sources
            if role in BACKING_ROLES and superseded_by is None
        ),
        default=0.0,
    )


#: Sort orders: name -> the indexed column, with "-name" meaning descending.
SORTS: Final[dict[str, str]] = {
    "date": "x.day",
    "company": "x.company_key",
    "headcount": "x.figure_sort",
    "sources": "x.sources",
    "first_seen": "x.first_seen",
}
DEFAULT_SORT: Final = "-date"

#: How a breakdown groups events (see Store.event_breakdown).
BREAKDOWNS: Final[tuple[str, ...]] = (
    "month",
    "year",
    "company",
    "industry",
    "country",
    "reason",
    "source",
    "month_industry",
    "month_reason",
    "month_source",
)

#: The key of a breakdown's group of events whose date does not name its period (no date, or
#: only a year in a month breakdown); it sorts after every date.
UNDATED: Final = "undated"

_SPACE = re.compile(r"\s+")
# The search text of one event is capped so a much-reported layoff cannot bloat every scan.
_SEARCH_CAP = 4000
# A search word this short is matched as a whole word only ("ai", "ibm"): as a word's start it
# would find every "air..." and "aim...".
_WHOLE_WORD = 3


def fold(text: str) -> str:
    """Text as searched: lower case (all of Unicode) with runs of whitespace as one space."""
    return _SPACE.sub(" ", text.lower()).strip()


def _bar(values: Iterable[str]) -> str:
    """Values as one '|a|b|' text, so LIKE '%|a|%' tests membership."""
    return "|" + "|".join(values) + "|"


@dataclass(frozen=True)
class IndexSource:
    """What one of an event's claims adds to its index row."""

    source_kind: str
    outlet: str | None
    title: str | None
    evidence: str
    role: str = "primary"
    superseded_by: str | None = None
    confidence: float = 1.0
    locations: tuple[str, ...] = ()  # the claim's places, as it lists them
    url: str | None = None  # its document's address
    lead: bool = False  # whether it is the event's lead claim
    stage: str | None = None  # what its tracker row states of the employer's funding
    funds_raised: float | None = None


@dataclass(frozen=True)
class EventFacts:
    """What the tracker lists of an event beside the event: the US states and cities its
    records name, and its company's funding stage and funds raised (US$ millions) as its
    tracker rows give them."""

    states: tuple[str, ...] = ()
    cities: tuple[str, ...] = ()
    stage: str | None = None
    funds_raised: float | None = None


#: A US state by its name or two-letter code, in any case -> its name.
_STATES: Final[dict[str, str]] = {
    **{name.casefold(): name for name in US_STATES.values()},
    **{code.casefold(): name for code, name in US_STATES.items()},
}
# An area that holds cities is not one: "King County", "Orleans Parish".
_AREA = re.compile(r"\s(?:county|parish|borough)$", re.IGNORECASE)


def state_name(text: str) -> str | None:
    """The US state `text` names ("California", "ca", "CA"), or None."""
    return _STATES.get(fold(text))


def event_facts(sources: Sequence[IndexSource]) -> EventFacts:
    """The US states and the cities an event's records name, each once, in order, and the
    funding stage and funds raised its first record to give them gives. A record
    lists its places from the smallest to its state (a WARN notice: city, county, state) or
    its country (a tracker row: location, country): a notice's last is its state, and the
    places before the last that are not counties are cities. Places in prose are not read: a
    sentence's "Washington" or "India" says neither which state nor whether it is a city."""
    states: list[str] = []
    cities: list[str] = []
    records = [
        s
        for s in sources
        if s.source_kind in RECORD_KINDS and s.superseded_by is None and s.role in BACKING_ROLES
    ]
    for source in records:
        if len(source.locations) < 2:
            continue
        *smaller, region = source.locations
        # Only a WARN notice ends with its state; a tracker row ends with a country, and
        # Georgia may be one.
        state = _STATES.get(region.casefold()) if source.source_kind == "warn" else None
        if state is not None:
            states.append(state)
        cities += [place for place in smaller if not _AREA.search(place)]
    stage = next((s.stage for s in records if s.stage), None)
    funds = next((s.funds_raised for s in records if s.funds_raised is not None), None)
    return EventFacts(tuple(dict.fromkeys(states)), tuple(dict.fromkeys(cities)), stage, funds)


def original_source(sources: Iterable[tuple[str | None, bool, bool]]) -> str | None:
    """An event's original source as a web address, over its current claims as (document
    address, whether the claim is the lead, whether it is primary): the lead claim's when it
    is a web address (http or https), else a primary claim's, else any claim's."""
    best: tuple[tuple[bool, bool], str] | None = None
    for url, lead, primary in sources:
        if not url or not url.lower().startswith(("http://", "https://")):
            continue
        rank = (not lead, not primary)
        if best is None or rank < best[0]:
            best = (rank, url)
    return best[1] if best else None


def index_row(
    event: Event,
    owner: str | None,
    aliases: Sequence[str],
    sources: Sequence[IndexSource],
) -> tuple[tuple[Any, ...], str, str]:
    """The event_index row of `event` (in INDEX_COLUMNS order), its search text and its API
    record (to_json of present.events.api_record)."""
    day = event.announced_on or ""
    month = day[:7] if len(day) >= 7 else None
    year = day[:4] if len(day) >= 4 else None
    names = [n for n in (event.company, event.parent, owner, *aliases) if n]
    kinds: list[str] = [k for k in SOURCE_KINDS if any(s.source_kind == k for s in sources)]
    tags = reason_tags(event.reasons)
    figure = counted_figure(event)
    confidence = backing_confidence(
        (s.role, s.superseded_by, s.source_kind, s.confidence) for s in sources
    )
    parts = [
        *names,
        event.industry or "",
        event.country or "",
        *event.units,
        *event.locations,
        *event.reasons,
    ]
    for source in sources:
        parts += [source.outlet or "", source.title or "", source.evidence]
    search = search_words(" \n ".join(dict.fromkeys(p for p in parts if p))[:_SEARCH_CAP])
    facts = event_facts(sources)
    source_url = original_source(
        (s.url, s.lead, s.role == "primary") for s in sources if s.superseded_by is None
    )
    row = (
        event.id,
        day,
        month,
        year,
        event.company_id,
        event.family_id,
        event.company,
        owner or event.parent or event.company,
        fold(event.company or event.id),
        event.industry,
        fold(event.industry) if event.industry else None,
        event.country,
        fold(event.country) if event.country else None,
        figure,
        figure if figure is not None else -1,
        _bar(kinds),
        _bar(tags),
        event.sources,
        event.first_seen,
        event.last_updated,
        event.revision,
        confidence,
        _bar(facts.states),
        _bar(facts.cities),
        _bar(fold(city) for city in facts.cities),
        facts.stage,
        fold(facts.stage) if facts.stage else None,
        facts.funds_raised,
    )
    return row, search, to_json(listed_record(event, kinds, tags, facts, source_url))


def listed_record(
    event: Event, kinds: list[str], tags: list[str], facts: EventFacts, source_url: str | None
) -> dict[str, Any]:
    """An event as the events API lists it (present.events.api_record), with the places and
    funding its records state and its original source's address."""
    return api_record(
        event,
        kinds,
        tags,
        states=facts.states,
        cities=facts.cities,
        stage=facts.stage,
        funds_raised=facts.funds_raised,
        source_url=source_url,
    )


_WORD = re.compile(r"\w+")


def words(text: str) -> list[str]:
    """The folded words of a name: "Amazon.com, Inc." -> ["amazon", "com", "inc"]."""
    return _WORD.findall(fold(text))


def search_words(text: str) -> str:
    """Text as searched: its folded words, each between spaces (" amazon cuts 14 000 jobs "),
    so that a pattern can ask for a whole word (" ai ") or the start of one (" amaz")."""
    return " " + " ".join(_WORD.findall(fold(text))) + " "


def company_filter_words(text: str) -> list[str]:
    """The words a company filter asks for: those of the name as the registry compares names
    (legal suffixes and punctuation do not count: "Amazon, Inc." asks for "amazon"), without
    a trailing ".com" ("amazon.com" asks for "amazon")."""
    asked = words(normalize_company(text)) or words(text)
    if len(asked) > 1 and asked[-1] == "com":
        asked.pop()
    return asked


def company_words(names: Iterable[str]) -> list[str]:
    """Every distinct word of a company's name and aliases (its company_words rows)."""
    return list(dict.fromkeys(w for name in names if name for w in words(name)))


INDEX_COLUMNS: Final[tuple[str, ...]] = (
    "event_id",
    "day",
    "month",
    "year",
    "company_id",
    "family_id",
    "company",
    "owner",
    "company_key",
    "industry",
    "industry_key",
    "country",
    "country_key",
    "figure",
    "figure_sort",
    "source_kinds",
    "reason_tags",
    "sources",
    "first_seen",
    "stamp",
    "revision",
    "confidence",
    "states",
    "cities",
    "city_keys",
    "stage",
    "stage_key",
    "funds_raised",
)


@dataclass(frozen=True)
class EventFilter:
    """What the tracker's filters ask for; every field is optional and they combine with AND.

    q: words that must all appear (case-insensitive) in the event's names, industry, country,
    units, locations, reasons, or any news source's outlet, title or sentence.
    company: words that must each start a word of the name or an alias of the event's company
    or of its owner (the top of its parent chain: Google -> Alphabet), in any case: "amazon",
    "amaz", "Amazon Web" all find Amazon's events.
    company_id: the company or any of its direct subsidiaries.
    industry, country: equal, ignoring case.
    state: a US state, by name or two-letter code in any case: events a record (a WARN notice)
    files in it (see event_places).
    city: equal, ignoring case, to a city a record (a WARN notice, a tracker row) names.
    stage: the company's funding stage as its tracker rows give it ("Series B", "Post-IPO"),
    ignoring case.
    min_funds, max_funds: bounds on the funds its tracker rows say the company raised, in
    millions of US dollars; events without that figure are left out.
    source: one of SOURCE_KINDS: events with at least one source of that kind.
    reason: one of REASON_NAMES.
    since, until: YYYY, YYYY-MM or YYYY-MM-DD, inclusive, compared at the precision of the
    event's own date (a "2023-11" event is in since=2023-11-15); undated events are left out.
    min_headcount, max_headcount: bounds on the counted figure; events without one are left out.
    min_confidence: events backed by at least one claim this sure (a record always is; see
    backing_confidence); by default the configured threshold (confidence_threshold), so every
    surface counts the same confirmed events. None: every event, unconfirmed ones too.
    """

    q: str | None = None
    company: str | None = None
    company_id: str | None = None
    industry: str | None = None
    country: str | None = None
    state: str | None = None
    city: str | None = None
    source: str | None = None
    reason: str | None = None
    since: str | None = None
    until: str | None = None
    min_headcount: int | None = None
    max_headcount: int | None = None
    stage: str | None = None
    min_funds: int | None = None
    max_funds: int | None = None
    min_confidence: float | None = field(default_factory=confidence_threshold)

    def __post_init__(self) -> None:
        if self.min_confidence is not None and not 0.0 <= self.min_confidence <= 1.0:
            raise ValueError(f"min_confidence must be from 0 to 1, got {self.min_confidence}")
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, str):
                value = value.strip() or None
                object.__setattr__(self, f.name, value)
        for name in ("since", "until"):
            value = getattr(self, name)
            if value is not None:
                period(value, name)  # a ValueError saying what is wrong with it
        if self.state is not None:
            state = state_name(self.state)
            if state is None:
                raise ValueError(
                    f"unknown state {self.state!r}; expected a US state's name or two-letter code"
                )
            object.__setattr__(self, "state", state)
        if self.source is not None and self.source not in SOURCE_KINDS:
            raise ValueError(
                f"unknown source {self.source!r}; expected one of {', '.join(SOURCE_KINDS)}"
            )
        if self.reason is not None:
            object.__setattr__(self, "reason", self.reason.lower())
            if self.reason not in REASON_NAMES:
                raise ValueError(
                    f"unknown reason {self.reason!r}; expected one of {', '.join(REASON_NAMES)}"
                )
        for low_name, high_name in (("min_headcount", "max_headcount"), ("min_funds", "max_funds")):
            low, high = getattr(self, low_name), getattr(self, high_name)
            for name, value in ((low_name, low), (high_name, high)):
                if value is not None and value < 0:
                    raise ValueError(f"{name} must be >= 0, got {value}")
            if low is not None and high is not None and low > high:
                raise ValueError(f"{low_name} ({low}) is above {high_name} ({high})")

    def terms(self) -> list[str]:
        """The search's terms as patterns over search_words() text, one per space-separated
        term: a term matches words, not the inside of words ("ai" is not in "Retail" or
        "Dubai"); its last word is matched whole when it has up to three characters (" ai ",
        " ibm ") and as the start of a word when longer (" amaz" finds Amazon). A term of
        several words matches them in a row ("amazon.com" is " amazon com ")."""
        found = (words(term) for term in (self.q or "").split())
        return [" " + " ".join(w) + (" " if len(w[-1]) <= _WHOLE_WORD else "") for w in found if w]

    def key(self) -> tuple[Any, ...]:
        """A hashable identity, for caches."""
        return tuple(getattr(self, f.name) for f in fields(self))

    def is_empty(self) -> bool:
        """Whether the filter narrows nothing but confidence (the tracker's front page)."""
        return all(
            getattr(self, f.name) is None for f in fields(self) if f.name != "min_confidence"
        )


def parse_sort(sort: str | None) -> tuple[str, bool]:
    """("date", True) for "-date": the column name and whether it runs descending."""
    sort = (sort or DEFAULT_SORT).strip()
    descending = sort.startswith("-")
    name = sort.lstrip("-+")
    if name not in SORTS:
        raise ValueError(
            f"unknown sort {sort!r}; expected one of " + ", ".join(f"{n}, -{n}" for n in SORTS)
        )
    return name, descending


@dataclass(frozen=True)
class Totals:
    """Totals of the events a filter selects."""

    events: int
    headcount: int  # the sum of counted figures
    without_figure: int  # events that report no figure at all
    companies: int


@dataclass(frozen=True)
class Group:
    """One group of a breakdown: its key (or keys), its events and their counted headcount."""

    key: str | None
    events: int
    headcount: int
    second: str | None = None  # the second key of a two-way breakdown (month x industry)
    label: str | None = None  # a display name when the key is an id (company breakdowns)


@dataclass(frozen=True)
class SourceFreshness:
    """How much of one kind of source (and outlet) is stored, and how recent it is."""

    source_kind: str
    outlet: str | None
    documents: int
    newest_published: str | None
    last_fetched: str | None
