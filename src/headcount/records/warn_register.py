"""WARN notices in the normalized register of bchaps1999/warn-notice-register (45 columns, one
schema for every state, ISO dates).

Only the columns a state filed are read; the identity and geocoding columns are the upstream
pipeline's automated guesses and stay out of the text. first_seen/last_seen change with every
scrape, so they stay out too: the same notice must keep its Document id across snapshots.

Two upstream quirks are handled here:
- Massachusetts prefixes re-filed notices with markers ("*Updated* ", "UPDATED: ", "(Updated)");
  the company is the name without them, the employer text keeps them.
- Washington rows with last_seen set are stale listings from an earlier scrape that lacked the
  received date: their notice_date is really the layoff date, and a current row carries the same
  notice. Importing them would count every such notice twice, so they are reported and skipped.
"""

from __future__ import annotations

import re

from headcount.records.base import (
    US_STATES,
    Metadata,
    Record,
    Row,
    RowSkipped,
    places,
)
from headcount.records.warn import NoticeColumns

METADATA: Metadata = {
    "name": "warn-register",
    "kind": "warn",
    "description": "WARN notices from many states in one normalized schema "
    "(warn-notice-register state exports)",
    "source_url": "https://github.com/bchaps1999/warn-notice-register",
    "columns": (
        "state", "employer_name", "normalized_name", "canonical_name", "canonical_basis",
        "industry", "naics", "naics_basis", "naics_level", "cik", "ticker", "cik_match", "sic",
        "sic_description", "ein", "ntee", "lei", "wikidata_qid", "wikidata_match",
        "parent_company", "parent_cik", "identity_source", "employer_key", "place_name",
        "place_fips", "county_name", "county_fips", "latitude", "longitude", "geo_basis",
        "location", "site_address", "notice_date", "effective_date", "employees_affected",
        "layoff_type", "is_temporary", "is_amendment", "is_amended", "current_version",
        "source_url", "source_notice_id", "dedupe_key", "first_seen", "last_seen",
    ),
    "required": ("state", "employer_name", "notice_date", "effective_date", "employees_affected"),
}  # fmt: skip

_MARKER_BEFORE = re.compile(
    r"^\*?\s*(?:(?:UPDATED|UDATED|Updated)\s*[:*]|UPDATED\b|Update:)\s*\**\s*"
)
_MARKER_AFTER = re.compile(r"\s*\((?i:updated)\)$")
# Census place names end in their legal kind ("Seattle city", "Merkel town"), and New England
# towns in a second one ("Methuen Town city"); "Jersey City city" keeps its "City".
_PLACE_KIND = re.compile(r"(?:\s+Town)?\s+(?:city|town|village|borough|CDP|municipality)$")
_STALE_STATES = frozenset({"WA"})
_LAYOFF_TYPES = {"closure": "closure", "mass_layoff": "mass layoff"}


def company_name(employer: str) -> str:
    return _MARKER_AFTER.sub("", _MARKER_BEFORE.sub("", employer)).strip() or employer


_NOTICE = NoticeColumns(
    "employer_name", "employees_affected", "notice_date", "effective_date", company_name
)


def _flag(row: Row, column: str) -> bool:
    return row.get(column) == "1"


def parse(row: Row) -> Record:
    state = (row.get("state") or "").upper()
    last_seen = row.get("last_seen")
    if state in _STALE_STATES and last_seen:
        raise RowSkipped(
            f"stale {state} listing (last seen {last_seen}): its notice_date is the layoff date "
            "from an earlier scrape and a current row carries the same notice",
            what=f"stale {state} listings",
        )
    notice = _NOTICE.read(row)
    place = row.get("place_name")
    county = row.get("county_name")
    city = _PLACE_KIND.sub("", place) if place else None
    location = row.get("location")
    if city or county:
        where = places(city, county, US_STATES.get(state, state or None))
        if location and location.casefold() in {
            name.casefold().removesuffix(" county") for name in where
        }:
            location = None  # "Seattle" for Seattle says nothing the places do not
    else:
        # Without a geocoded place or county the filed location is all there is ("Worcester,
        # Central", "Leominster, Webster & Worcester, MA, Central"); its state code is redundant.
        filed = [part for part in (location or "").split(",") if part.strip().upper() != state]
        where = places(*filed, US_STATES.get(state, state or None))
        location = None
    return notice.record(
        where,
        [
            ("Filed as", notice.employer if notice.employer != notice.company else None),
            # Sites of one notice share everything else; the filed location tells them apart.
            ("Location", location),
            ("Site", row.get("site_address")),
            ("Type", _LAYOFF_TYPES.get(row.get("layoff_type") or "")),
            ("Temporary", "yes" if _flag(row, "is_temporary") else None),
            ("Amendment", "yes" if _flag(row, "is_amendment") else None),
        ],
        f"{US_STATES.get(state, state)} WARN notices",
        source=row.get("source_url"),
        industry=row.get("industry"),
    )
