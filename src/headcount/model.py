"""The records every stage shares: the contract between sources, extract and store."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timezone
from typing import Any, Final, Literal, get_args

SourceKind = Literal["news", "warn", "table", "manual"]
SOURCE_KINDS: Final[tuple[SourceKind, ...]] = get_args(SourceKind)
#: Kinds of document that are structured records (a layoffs.fyi row, a WARN filing): what they
#: say was filed or tabulated, not guessed from prose. They are resolved before news, and their
#: claims count as confirmed whatever their confidence field holds.
RECORD_KINDS: Final[tuple[SourceKind, ...]] = ("warn", "table")
#: What a claim tells: a `new` round, a `past` one cited for background, a `cumulative` running
#: total, an `aggregate` industry- or region-wide statistic, a `rumor`.
Kind = Literal["new", "past", "cumulative", "aggregate", "rumor"]
#: How precise a date is: the length of the period it names (see headcount.periods).
Precision = Literal["day", "month", "year"]

KINDS: Final[tuple[Kind, ...]] = get_args(Kind)


def as_kind(value: str) -> Kind:
    """`value` as a Kind; a ValueError for anything else (an extractor's internal kinds, such as
    a note, never become a Mention)."""
    for kind in KINDS:
        if value == kind:
            return kind
    raise ValueError(f"unknown kind {value!r}; expected one of {', '.join(KINDS)}")


_SPACE = re.compile(r"\s+")


def normalize_text(text: str) -> str:
    """Text as compared for identity: Unicode NFC, whitespace collapsed, trimmed."""
    return _SPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()


def document_id(text: str) -> str:
    """Documents are identified by their normalized text so that re-ingesting adds nothing."""
    return hashlib.sha256(normalize_text(text).encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Document:
    id: str
    text: str
    origin: str  # where it came from: a file path, "path#id" for a JSONL line, or a URL
    url: str | None = None
    outlet: str | None = None
    title: str | None = None
    published_at: date | None = None
    fetched_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    language: str | None = None
    source_kind: SourceKind = "news"

    @classmethod
    def create(cls, text: str, origin: str, **kwargs: Any) -> Document:
        return cls(id=document_id(text), text=text, origin=origin, **kwargs)


@dataclass(frozen=True)
class SourceError:
    """An input that could not become a Document, with a one-line reason for the user."""

    origin: str
    reason: str

    def __str__(self) -> str:
        return f"{self.origin}: {self.reason}"


@dataclass
class Mention:
    """One layoff claim in one document, with the sentence that carries it."""

    document_id: str
    employer_text: str | None  # exactly as the sentence names it
    company: str | None  # the fullest name the document gives that employer
    parent: str | None
    canonical: str | None  # registry name after aliases and parents (Google -> Alphabet)
    kind: Kind
    headcount_min: int | None
    headcount_max: int | None
    approx: bool
    percent: float | None
    date: str | None  # YYYY-MM-DD, YYYY-MM or YYYY, as precise as the text allows
    date_precision: Precision | None
    units: list[str]
    locations: list[str]
    reason: str | None
    evidence: str
    evidence_start: int
    evidence_end: int
    extractor_version: str
    confidence: float = 0.5
    doc: str = ""  # the document's origin, for display

    @property
    def id(self) -> str:
        key = f"{self.document_id}|{self.evidence_start}|{self.kind}|{self.company}|{self.headcount_min}"
        return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of a claim: every gold field plus provenance."""
        data = asdict(self)
        data["id"] = self.id
        return data


# --- the resolved ledger: companies, events and how claims became them ----------------------

#: How a claim joined an event (or why it did not). `primary` created the event; `duplicate`
#: repeats a record already there; `correction` replaces an earlier record's figures; `report`
#: is another source telling the same layoff; `part` is another site of one filing date;
#: `filing` is a WARN notice filed for an announced layoff; `context` is a past round or running
#: total cited later; `statistic` an industry-wide figure; `unattributed` a claim that names no
#: employer.
Role = Literal[
    "primary",
    "duplicate",
    "correction",
    "report",
    "part",
    "filing",
    "context",
    "statistic",
    "unattributed",
]
ROLES: Final[tuple[Role, ...]] = get_args(Role)
#: Roles whose figures describe the event itself (a past round or running total cited as
#: context does not): what an event's figures, sources and confidence are made of.
CORE_ROLES: Final[frozenset[Role]] = frozenset(
    {"primary", "duplicate", "correction", "report", "part", "filing"}
)
#: `confirmed`: a record backs the event; `reported`: news alone; `superseded`: merged into
#: another event or replaced by a corrected record.
Status = Literal["confirmed", "reported", "superseded"]


@dataclass
class Company:
    """One employer in the registry; `parent_id` points to its owner (Google -> Alphabet)."""

    id: str
    name: str
    aliases: list[str] = field(default_factory=list)
    parent_id: str | None = None
    industry: str | None = None
    country: str | None = None
    workforce: int | None = None  # for percent -> headcount estimates, with its basis
    workforce_basis: str | None = None
    workforce_as_of: str | None = None
    source: str = "claims"  # alias-table, layoffs.fyi, warn, news, ...
    name_from_key: bool = False  # the name is a placeholder until a source writes it


@dataclass(frozen=True)
class ClaimSource:
    """What the resolver needs to know about a claim's document."""

    origin: str
    source_kind: SourceKind
    outlet: str | None = None
    url: str | None = None
    published_at: str | None = None  # YYYY-MM-DD
    industry: str | None = None  # from a structured record, when its row had one
    country: str | None = None
    seen_at: str | None = None  # when the document was first stored (fetched or imported)


@dataclass
class Event:
    """One real-world layoff, merged from every claim about it."""

    id: str
    company_id: str | None
    company: str | None
    parent: str | None
    announced_on: str | None  # YYYY-MM-DD, YYYY-MM or YYYY
    date_precision: Precision | None
    headcount: int | None  # the figure counted in totals (a record's own figure when any)
    headcount_min: int | None  # the range over every source's own figure
    headcount_max: int | None
    approx: bool
    percent: float | None
    estimated_headcount: int | None  # percent x known workforce, never a reported figure
    estimate_basis: str | None
    units: list[str]
    locations: list[str]
    reasons: list[str]
    status: Status
    sources: int  # distinct documents behind it
    claims: int
    lead_mention_id: str | None
    first_seen: str
    last_updated: str
    superseded_by: str | None = None
    industry: str | None = None
    country: str | None = None
    revision: int = 0  # how many changes are recorded
    family_id: str | None = None  # the top owner's company id, what merging compares

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class EventChange:
    """One recorded change to an event: which field, from what, to what, when and why."""

    event_id: str
    seq: int
    at: str
    field: str
    old: Any
    new: Any
    caused_by: str | None  # the mention id of the claim that caused it
    note: str | None = None


@dataclass(frozen=True)
class EventSource:
    """How one claim was resolved: the event it joined (if any), in what role and why."""

    mention_id: str
    event_id: str | None
    role: Role
    reason: str
    counted: bool = False  # its figure is (part of) the event's headcount
    superseded_by: str | None = None  # the claim that replaced it (a corrected record)
    position: int = 0  # order of joining within its event
    company_id: str | None = None
    family_id: str | None = None
    attached_at: str = ""


@dataclass(frozen=True)
class EventSourceView:
    """A source of an event as shown to people: the claim, its document and every origin."""

    source: EventSource
    mention: Mention
    document: ClaimSource
    origins: list[str]


@dataclass(frozen=True)
class EventDetail:
    event: Event
    sources: list[EventSourceView]
    changes: list[EventChange]
