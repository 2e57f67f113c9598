"""The records every stage shares: the contract between sources, extract and store."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timezone
from typing import Any, Literal

SourceKind = Literal["news", "warn", "table", "manual"]
Kind = Literal["new", "past", "cumulative", "aggregate", "planned", "rumor", "denied"]
Precision = Literal["day", "month", "year"]

KINDS: tuple[str, ...] = ("new", "past", "cumulative", "aggregate", "planned", "rumor", "denied")

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
    kind: str
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
