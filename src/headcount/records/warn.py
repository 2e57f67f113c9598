"""The one reader of a state's own WARN export: a state module describes its export (which
column holds the employer, the count, the dates, the places and the details worth showing) and
`WarnExport.parse` does the reading, so every state renders its notices alike.

The normalized multi-state register (warn_register) reads what every notice states the same
way (`NoticeColumns`, `Notice.record`) and works out its state, places and skips row by row.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from headcount.records.base import (
    US_STATES,
    Metadata,
    Record,
    Row,
    count,
    day,
    loose_day,
    places,
    warn_text,
    web_url,
)

# How a cell is read for showing: as written by default (Row.get), or through loose_day.
Reader = Callable[[Row, str], str | None]


def county(row: Row, column: str) -> str | None:
    """A county cell that gives the bare name ("Albany"), read as the county it is."""
    value = row.get(column)
    return f"{value} County" if value else None


@dataclass(frozen=True)
class Cell:
    """A column to show and how to read it."""

    column: str
    read: Reader = Row.get

    def __call__(self, row: Row) -> str | None:
        return self.read(row, self.column)


@dataclass(frozen=True)
class Notice:
    """What every WARN notice states, however its export writes it."""

    employer: str  # as filed
    company: str | None  # the employer without what the export added; the employer when None
    workers: int | None
    notice: date | None
    effective: str | None  # the effective date as shown (loose_day)
    day: date | None  # the date the notice is filed under: its own, else the effective one

    def record(
        self,
        where: tuple[str, ...],
        details: Sequence[tuple[str, str | None]],
        outlet: str,
        source: str | None = None,
        industry: str | None = None,
    ) -> Record:
        """The notice as a Record, with the places and details its export gives."""
        company = self.company or self.employer
        text = warn_text(company, where, self.notice, self.effective, self.workers, details, source)
        return Record(
            text=text,
            employer=self.employer,
            company=self.company,
            headcount=self.workers,
            day=self.day,
            url=web_url(source),
            outlet=outlet,
            locations=where,
            industry=industry,
        )


@dataclass(frozen=True)
class NoticeColumns:
    """Where an export keeps what every notice states."""

    employer: str
    workers: str
    notice: str  # the date the notice was filed (or received)
    effective: str  # the date the cuts take effect, used when the notice date is missing
    # The company's name from the employer as filed, when the export mangles it.
    company: Callable[[str], str] | None = None

    def read(self, row: Row) -> Notice:
        employer = row.require(self.employer)
        company = self.company(employer) if self.company else None
        workers = count(row, self.workers)
        notice = day(row, self.notice)
        effective = loose_day(row, self.effective)
        return Notice(
            employer, company, workers, notice, effective, notice or day(row, self.effective)
        )


@dataclass(frozen=True, kw_only=True)
class WarnExport(NoticeColumns):
    """One state's WARN export: its name and where each part of a notice stands.

    The layout is named after the state's code ("warn-ca"), its notices' outlet after the
    agency ("California EDD WARN notices"), and its description adds how the file was made.
    """

    code: str  # the state's two-letter code
    agency: str
    made: str  # how the file was exported ("warn-scraper raw export")
    source_url: str
    columns: tuple[str, ...]  # the upstream header as written
    required: tuple[str, ...]  # the columns that identify the export and that parse needs
    places: tuple[Cell, ...]  # the places before the state, most local first
    details: tuple[tuple[str, Cell], ...]  # labelled cells shown after the lead sentence

    @property
    def outlet(self) -> str:
        return f"{self.agency} WARN notices"

    @property
    def metadata(self) -> Metadata:
        return {
            "name": f"warn-{self.code.lower()}",
            "kind": "warn",
            "description": f"{self.outlet} ({self.made})",
            "source_url": self.source_url,
            "columns": self.columns,
            "required": self.required,
        }

    def parse(self, row: Row) -> Record:
        notice = self.read(row)
        where = places(*(cell(row) for cell in self.places), US_STATES[self.code])
        return notice.record(
            where, [(label, cell(row)) for label, cell in self.details], self.outlet
        )
