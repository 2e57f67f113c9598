"""What every record layout shares: a row's cells, parsed figures and dates, the one-line text a
row is rendered as, and the Document and Mention built from it.

A layout module only says which cells mean what; everything that decides a Document's identity
(the rendering) lives here, so that two layouts cannot drift apart in how a figure is written.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Literal, TypedDict

from headcount.extract.companies import canonicalize, normalize_company
from headcount.model import Document, Mention, SourceKind

RecordKind = Literal["layoffs-fyi", "warn"]
EXTRACTOR_VERSION = "records-0.1"

# How tables say "no value": empty, SQL/pandas/Excel exports, and the tutorial file's NULL.
_MISSING = frozenset({"", "NULL", "null", "None", "N/A", "n/a", "NaN", "nan", "#N/A"})
# Excel writes a carriage return inside a cell as this escape when it round-trips through XML.
_EXCEL_CR = "_x000D_"
_ISO_DAY = re.compile(
    r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
)
# Every slashed date in these US sources is month first.
_US_DAY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})(?: \d{1,2}:\d{2}(?::\d{2})?(?: ?[AP]M)?)?")
# A notice or layoff dated outside these years is a typo ("3030", "1930"), not a fact to file.
_FIRST_YEAR, _LAST_YEAR = 1950, 2100
# More workers than any employer has ever had: a misplaced serial number or a typo.
_MOST_WORKERS = 10_000_000
_WEB_URL = re.compile(r"https?://\S+", re.IGNORECASE)
_US_NAMES = frozenset({"US", "USA", "U.S.", "U.S.A.", "United States.", "United States"})
# layoffs.fyi marks every location outside the US this way; the country column says which.
_NON_US = "non-u.s."

US_STATES: dict[str, str] = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
    "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "DC": "District of Columbia",
    "FL": "Florida", "GA": "Georgia", "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois",
    "IN": "Indiana", "IA": "Iowa", "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana",
    "ME": "Maine", "MD": "Maryland", "MA": "Massachusetts", "MI": "Michigan", "MN": "Minnesota",
    "MS": "Mississippi", "MO": "Missouri", "MT": "Montana", "NE": "Nebraska", "NV": "Nevada",
    "NH": "New Hampshire", "NJ": "New Jersey", "NM": "New Mexico", "NY": "New York",
    "NC": "North Carolina", "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma", "OR": "Oregon",
    "PA": "Pennsylvania", "PR": "Puerto Rico", "RI": "Rhode Island", "SC": "South Carolina",
    "SD": "South Dakota", "TN": "Tennessee", "TX": "Texas", "UT": "Utah", "VT": "Vermont",
    "VA": "Virginia", "WA": "Washington", "WV": "West Virginia", "WI": "Wisconsin",
    "WY": "Wyoming",
}  # fmt: skip


class Metadata(TypedDict):
    """What a layout module says about itself; columns are the upstream header as written."""

    name: str
    kind: RecordKind
    description: str
    source_url: str | None
    columns: tuple[str, ...]
    required: tuple[str, ...]  # the columns that identify the layout and that parse needs


class RowProblem(Exception):
    """Why one row cannot become a claim; the message is shown to the user as is."""


class RowSkipped(RowProblem):
    """A row a layout leaves out on purpose (not an error in the file): counted, not listed.

    what names such rows in the plural, for the one line that counts them ("stale listings").
    """

    def __init__(self, message: str, what: str) -> None:
        super().__init__(message)
        self.what = what


@dataclass(frozen=True)
class ImportedRow:
    document: Document
    mentions: list[Mention]
    row: int
    industry: str | None = None  # what the row says about its employer, for the registry
    country: str | None = None


@dataclass(frozen=True)
class RowError:
    """A row (or, with row 0, a whole file) that could not be imported, and why."""

    origin: str
    row: int
    reason: str
    # Set for a row left out on purpose (see RowSkipped): what such rows are called.
    skipped: str | None = None

    def __str__(self) -> str:
        return f"{self.origin}: {self.reason}"


RecordResult = ImportedRow | RowError


@lru_cache(maxsize=4096)
def column_key(name: str) -> str:
    """Header names compared as a person reads them: trailing spaces and case do not count."""
    return " ".join(name.split()).casefold()


class Row:
    """One record's cells by column name."""

    def __init__(self, cells: Mapping[str, str], *, keyed: bool = False) -> None:
        """keyed: the names are already column keys (a reader computes them once per file)."""
        self._cells = cells if keyed else {column_key(k): v for k, v in cells.items()}

    def get(self, column: str) -> str | None:
        """The cell with its whitespace collapsed (names wrap over lines in PDF-built exports),
        or None when it holds no value."""
        raw = self._cells.get(column_key(column), "")
        value = " ".join(raw.replace(_EXCEL_CR, " ").split())
        return None if value in _MISSING else value

    def require(self, column: str) -> str:
        value = self.get(column)
        if value is None:
            raise RowProblem(f"no {column.strip()}")
        return value


@dataclass(frozen=True)
class Record:
    """What a layout reads from one row; `build` turns it into a Document and a Mention."""

    text: str
    employer: str  # as the row writes it
    headcount: int | None
    day: date | None
    company: str | None = None  # the employer without filing markers; the employer when None
    percent: float | None = None
    url: str | None = None
    outlet: str | None = None
    locations: tuple[str, ...] = ()
    units: tuple[str, ...] = ()
    reason: str | None = None
    industry: str | None = None  # the employer's industry and country, when the row gives them
    country: str | None = None


def count(row: Row, column: str) -> int | None:
    """A whole number of people: "1,529", "700.0" and "700" are all fine; "about 70" is not."""
    value = row.get(column)
    if value is None:
        return None
    try:
        number = Decimal(value.replace(",", "").replace(" ", ""))
    except InvalidOperation:
        raise RowProblem(f"{column.strip()} is not a number: {value!r}") from None
    if not number.is_finite() or number != number.to_integral_value():
        raise RowProblem(f"{column.strip()} is not a whole number: {value!r}")
    if number < 0 or number > _MOST_WORKERS:
        raise RowProblem(f"{column.strip()} is out of range: {value!r}")
    return int(number)


def percent(row: Row, column: str, *, fraction: bool) -> float | None:
    """A share of the workforce in percent (20.0): "20%" always; a bare number is a fraction
    (0.2) in layouts that store fractions and a percentage in the others."""
    value = row.get(column)
    if value is None:
        return None
    text = value.removesuffix("%").strip()
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise RowProblem(f"{column.strip()} is not a percentage: {value!r}") from None
    if fraction and not value.endswith("%"):
        # Decimal keeps 0.07 * 100 at 7 where float arithmetic gives 7.000000000000001.
        number *= 100
    if not number.is_finite() or not 0 <= number <= 100:
        raise RowProblem(f"{column.strip()} is out of range: {value!r}")
    return float(number)


def _calendar_day(value: str) -> date | None:
    """The date value writes, or None for text that is not a date; ValueError for one that
    looks like a date but does not exist (2023-02-30)."""
    if match := _ISO_DAY.fullmatch(value):
        year, month, day = (int(group) for group in match.groups())
    elif match := _US_DAY.fullmatch(value):
        month, day, year = (int(group) for group in match.groups())
    else:
        return None
    return date(year, month, day)


def _real_day(value: str) -> date | str:
    """The date value writes, or what is wrong with it ("is not a date")."""
    try:
        parsed = _calendar_day(value)
    except ValueError:
        return "is not a real date"
    return parsed or "is not a date"


def day(row: Row, column: str) -> date | None:
    """The date a row is filed under; an impossible or implausible one rejects the row."""
    value = row.get(column)
    if value is None:
        return None
    parsed = _real_day(value)
    if isinstance(parsed, str):
        raise RowProblem(f"{column.strip()} {parsed}: {value!r}")
    if not _FIRST_YEAR <= parsed.year <= _LAST_YEAR:
        raise RowProblem(f"{column.strip()} has an implausible year: {value!r}")
    return parsed


def loose_day(row: Row, column: str) -> str | None:
    """A date that is only shown (an effective or received date): ISO when it is a real date,
    else as written, so that a typo in a side column neither loses the row nor hides itself."""
    value = row.get(column)
    if value is None:
        return None
    parsed = _real_day(value)
    return f"{value} (as filed)" if isinstance(parsed, str) else parsed.isoformat()


def web_url(value: str | None) -> str | None:
    """A source cell as a link, only when it is one ("Internal memo" and "LinkedIn" are not)."""
    if value and _WEB_URL.fullmatch(value):
        return value
    return None


def country(value: str | None) -> str | None:
    if value is None:
        return None
    return "United States" if value in _US_NAMES else value


def places(*values: str | None) -> tuple[str, ...]:
    """Place names from location cells that may list several ("Des Moines, Auburn"), in order,
    without repeats."""
    found: list[str] = []
    for value in values:
        for part in (value or "").split(","):
            name = country(part.strip())
            if name and name.casefold() != _NON_US and name not in found:
                found.append(name)
    return tuple(found)


def _percent_text(value: float) -> str:
    return f"{value:g}%"


def _join(lead: str, details: Sequence[tuple[str, str | None]], source: str | None) -> str:
    # An empty label shows a value that already reads as a sentence ("Location: Adelaide").
    parts = [lead, *(f"{label}: {value}" if label else value for label, value in details if value)]
    text = ". ".join(part.removesuffix(".") for part in parts)
    # No full stop after a link: readers and linkifiers would take it as part of the URL.
    return f"{text}. Source: {source}" if source else f"{text}."


def layoff_text(
    company: str,
    where: Sequence[str],
    industry: str | None,
    headcount: int | None,
    share: float | None,
    when: date | None,
    details: Sequence[tuple[str, str | None]] = (),
    source: str | None = None,
) -> str:
    """'Amazon (Seattle, United States; Retail) laid off 10,000 (3%) on 2023-01-04. ...'"""
    setting = ", ".join(where)
    if industry:
        setting = f"{setting}; {industry}" if setting else industry
    subject = f"{company} ({setting})" if setting else company
    if headcount is not None and share is not None:
        what = f"laid off {headcount:,} ({_percent_text(share)})"
    elif headcount is not None:
        what = f"laid off {headcount:,}"
    elif share is not None:
        what = f"laid off {_percent_text(share)} of its staff"
    else:
        what = "laid off an undisclosed number of people"
    on = f"on {when.isoformat()}" if when else "on an undisclosed date"
    return _join(f"{subject} {what} {on}", details, source)


def warn_text(
    company: str,
    where: Sequence[str],
    notice: date | None,
    effective: str | None,
    workers: int | None,
    details: Sequence[tuple[str, str | None]] = (),
    source: str | None = None,
) -> str:
    """'Microsoft (Redmond, King County, Washington) filed a WARN notice on 2023-01-18 for 878
    workers, effective 2023-03-20. ...'"""
    subject = f"{company} ({', '.join(where)})" if where else company
    filed = (
        f"filed a WARN notice on {notice.isoformat()}"
        if notice
        else "filed a WARN notice (notice date not given)"
    )
    if workers is None:
        affecting = "for an unstated number of workers"
    else:
        affecting = f"for {workers:,} worker{'' if workers == 1 else 's'}"
    lead = f"{subject} {filed} {affecting}"
    if effective:
        lead = f"{lead}, effective {effective}"
    return _join(lead, details, source)


def build(record: Record, origin: str, row: int, source_kind: SourceKind) -> ImportedRow:
    """The Document a row becomes and its one claim, the whole text being the evidence."""
    document = Document.create(
        record.text,
        origin,
        url=record.url,
        outlet=record.outlet,
        published_at=record.day,
        language="en",
        source_kind=source_kind,
    )
    company = record.company or record.employer
    canonical = canonicalize(company)
    parent = canonical.parent
    if not parent and normalize_company(canonical.name) != normalize_company(company):
        parent = canonical.name  # as the extractor does: Google -> Alphabet names the owner
    # A filing of 0 workers means the state left the figure out, not that nobody lost a job.
    headcount = record.headcount or None
    mention = Mention(
        document_id=document.id,
        employer_text=record.employer,
        company=company,
        parent=parent,
        canonical=canonical.name,
        kind="new",
        headcount_min=headcount,
        headcount_max=headcount,
        approx=False,
        percent=record.percent,
        date=record.day.isoformat() if record.day else None,
        date_precision="day" if record.day else None,
        units=list(record.units),
        locations=list(record.locations),
        reason=record.reason,
        evidence=document.text,
        evidence_start=0,
        evidence_end=len(document.text),
        extractor_version=EXTRACTOR_VERSION,
        confidence=1.0,
        doc=origin,
    )
    # Every WARN notice is filed with a US state.
    where = record.country or ("United States" if source_kind == "warn" else None)
    return ImportedRow(document, [mention], row, industry=record.industry, country=where)
