"""The company registry: one record per employer, and how names as written resolve into it.

Built from the alias table in extract/data/aliases.json (canonical names, their aliases and units,
parents) and grown by the names claims use: layoffs.fyi and WARN rows bring industry and country,
and a row that gives both a headcount and a percentage tells the workforce it was a share of.

A name resolves, in order, by: its normalized key (case, punctuation, legal suffixes, a trailing
".com" do not count); the employer before a filing's unit ("Amazon Corporate LLC - My Habits
Business"); the key without corporate filler words ("Oracle America", "Amazon.com Services");
a unique longer name it is the leading short form of ("Delta" -> "Delta Air Lines"); a unique
near-identical spelling ("Salesforce" / "Saleforce"). The loose steps are guarded: short names,
generic words and names with digits never match loosely, and an ambiguous match is no match.
A name that matches nothing becomes a new company.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache

# The alias table and the generic-word list belong to the extractor; the registry reads them.
from headcount.extract.companies import ALIASES, GENERIC_WORDS, normalize_company
from headcount.model import Company

_NON_WORD = re.compile(r"[^\w]+")
# Where a filing names a unit, a trade name or a care-of after the employer.
_HEAD_SPLIT = re.compile(
    r"\s+(?:-|–|—|/)\s+|\s*\(|\s+(?:d/b/a|dba|c/o|f/k/a|fka|a/k/a|aka|doing business as)\s+",
    re.IGNORECASE,
)
# Words a registered entity adds to its brand ("Oracle America", "Amazon.com Services").
FILLER = frozenset(
    [
        "com", "corporate", "services", "service", "usa", "us", "u", "s", "america", "americas",
        "north", "operations", "international", "global", "worldwide", "technologies",
        "technology", "tech", "solutions", "enterprises", "enterprise", "labs", "online",
    ]
)  # fmt: skip
GENERIC = GENERIC_WORDS | {"tech", "health", "capital", "global", "digital", "media", "labs", "data"}  # fmt: skip
#: A name must be at least this long to match a longer name as its leading short form.
MIN_PREFIX = 5
#: ... and at least this long to match a near-identical spelling.
MIN_FUZZY = 8
FUZZY_RATIO = 0.92


@lru_cache(maxsize=262_144)
def company_key(name: str) -> str:
    """The comparable form of an employer name: normalize_company() without punctuation."""
    key = " ".join(_NON_WORD.sub(" ", normalize_company(name)).split())
    words = key.split()
    while len(words) > 1 and words[-1] == "com":
        words.pop()
    key = " ".join(words)
    return normalize_company(key) or key


def _initials(key: str) -> str:
    return "".join(word[0] for word in key.split())


def _variant(key: str, canonical: str) -> bool:
    """Whether an alias-table name is another spelling of its canonical rather than a unit."""
    words, base = key.split(), canonical.split()
    return (
        words[0] == base[0]
        or set(base) <= set(words)
        or _initials(canonical) == key
        or _initials(key) == canonical
    )


def _display_guess(key: str) -> str:
    """A readable stand-in for a name the alias table only holds normalized."""
    return key.upper() if len(key) <= 4 else key.title()


@dataclass(frozen=True)
class Match:
    company_id: str
    how: str  # exact, head, filler, prefix, fuzzy, new


class Registry:
    """Companies by id, every known name key, and the guarded matching of new names."""

    def __init__(
        self,
        companies: Iterable[Company] = (),
        aliases: Iterable[tuple[str, str, str, str]] = (),
    ) -> None:
        self.companies: dict[str, Company] = {}
        self._keys: dict[str, str] = {}
        self._by_first: dict[str, list[str]] = defaultdict(list)
        self._by_prefix: dict[tuple[str, int], list[str]] = defaultdict(list)
        self._resolved: dict[str, str | None] = {}
        self._dirty: dict[str, Company] = {}
        self._new_aliases: list[tuple[str, str, str, str]] = []
        self.workforce_changed: set[str] = set()
        for company in companies:
            self.companies[company.id] = company
            self._index(company_key(company.name), company.id)
        for key, company_id, _alias, _how in aliases:
            self._index(key, company_id)
        self._seed_alias_table()

    # --- building -------------------------------------------------------------------------

    def _index(self, key: str, company_id: str) -> None:
        if not key or key in self._keys:
            return
        self._keys[key] = company_id
        self._by_first[key.split()[0]].append(key)
        self._by_prefix[key[:3], len(key)].append(key)

    def _alias(self, key: str, company_id: str, written: str, how: str) -> None:
        if key and key not in self._keys:
            self._index(key, company_id)
            self._new_aliases.append((key, company_id, written, how))
            company = self.companies[company_id]
            if written not in company.aliases and written != company.name:
                company.aliases.append(written)

    def _add(self, company: Company, key: str) -> Company:
        self.companies[company.id] = company
        self._dirty[company.id] = company
        self._alias(key, company.id, company.name, "name")
        return company

    def _new_id(self, key: str) -> str:
        base = key.replace(" ", "-") or "company"
        candidate, n = base, 1
        while candidate in self.companies:
            n += 1
            candidate = f"{base}-{n}"
        return candidate

    def _seed_alias_table(self) -> None:
        """Add what the alias table knows and the registry does not yet (a no-op once done)."""
        groups: dict[str, tuple[str | None, list[str]]] = {}
        for alias_key, (canonical, parent) in ALIASES.items():
            groups.setdefault(canonical, (parent, []))[1].append(alias_key)
        # Owners first, so a parent exists before its units point to it.
        for canonical, (parent, keys) in sorted(groups.items(), key=lambda g: g[1][0] is not None):
            parent_id = None
            if parent:
                parent_id = (
                    self._keys.get(company_key(parent))
                    or self._add(
                        Company(self._new_id(company_key(parent)), parent, source="alias-table"),
                        company_key(parent),
                    ).id
                )
            ckey = company_key(canonical)
            company_id = self._keys.get(ckey)
            if company_id is None:
                company_id = self._add(
                    Company(
                        self._new_id(ckey), canonical, parent_id=parent_id, source="alias-table"
                    ),
                    ckey,
                ).id
            for raw in keys:
                key = company_key(raw)
                if not key or key in self._keys:
                    continue
                if _variant(key, ckey):
                    self._alias(key, company_id, _display_guess(key), "alias-table")
                else:
                    unit = Company(
                        self._new_id(key),
                        _display_guess(key),
                        parent_id=company_id,
                        source="alias-table",
                        name_from_key=True,
                    )
                    self._add(unit, key)

    # --- matching -------------------------------------------------------------------------

    def lookup(self, name: str) -> Match | None:
        """The company a name denotes, without adding anything; None when unknown."""
        key = company_key(name)
        if not key:
            return None
        if key in self._keys:
            return Match(self._keys[key], "exact")
        base = key
        head = _HEAD_SPLIT.split(name, maxsplit=1)[0]
        if head.strip() and head != name:
            head_key = company_key(head)
            if head_key in self._keys:
                return Match(self._keys[head_key], "head")
            base = head_key or key
        words = base.split()
        while len(words) > 1 and words[-1] in FILLER:
            words.pop()
        stripped = " ".join(words)
        if (
            stripped != base
            and stripped in self._keys
            and len(stripped) >= 3
            and stripped not in GENERIC
        ):
            return Match(self._keys[stripped], "filler")
        return self._prefix(base) or self._fuzzy(base)

    def _prefix(self, key: str) -> Match | None:
        first = key.split()[0]
        if len(key) < MIN_PREFIX or first in GENERIC or any(ch.isdigit() for ch in key):
            return None
        owners = {self._keys[k] for k in self._by_first.get(first, ()) if k.startswith(key + " ")}
        if len(owners) == 1:
            return Match(owners.pop(), "prefix")
        return None

    def _fuzzy(self, key: str) -> Match | None:
        if len(key) < MIN_FUZZY or any(ch.isdigit() for ch in key) or key in GENERIC:
            return None
        words = key.count(" ")
        best: set[str] = set()
        best_ratio = FUZZY_RATIO
        nearby = (
            other
            for size in range(len(key) - 2, len(key) + 3)
            for other in self._by_prefix.get((key[:3], size), ())
        )
        for other in nearby:
            if other.count(" ") != words:
                continue
            if any(ch.isdigit() for ch in other):
                continue
            matcher = SequenceMatcher(None, key, other, autojunk=False)
            if matcher.real_quick_ratio() < best_ratio or matcher.quick_ratio() < best_ratio:
                continue
            ratio = matcher.ratio()
            if ratio > best_ratio:
                best, best_ratio = {self._keys[other]}, ratio
            elif ratio == best_ratio:
                best.add(self._keys[other])
        if len(best) == 1:
            return Match(best.pop(), "fuzzy")
        return None

    def resolve(
        self, name: str | None, source: str = "claims", *, clean: bool = False
    ) -> str | None:
        """The id of the company a name denotes, adding a company when it matches none.

        clean: the source writes brand names (a tracker table), better to show than a WARN
        filing's registered name ("Sonder" rather than "Sonder USA, Inc.")."""
        if name is None or not name.strip():
            return None
        if name in self._resolved:
            return self._resolved[name]
        match = self.lookup(name)
        company_id: str | None
        if match is not None:
            company_id = match.company_id
            if match.how != "exact":
                self._alias(company_key(name), company_id, name.strip(), match.how)
        else:
            head = _HEAD_SPLIT.split(name, maxsplit=1)[0].strip() or name.strip()
            key = company_key(head) or company_key(name)
            if not key:
                company_id = None
            else:
                company_id = self._add(Company(self._new_id(key), head, source=source), key).id
                if company_key(name) != key:
                    self._alias(company_key(name), company_id, name.strip(), "head")
        if company_id is not None:
            self._written(company_id, name, source if clean else None)
        self._resolved[name] = company_id
        return company_id

    def _written(self, company_id: str, name: str, clean_source: str | None = None) -> None:
        """A source writing a unit's own name replaces the registry's stand-in for it, and a
        tracker's brand name replaces a name taken from a WARN filing."""
        company = self.companies[company_id]
        if clean_source and company.source.endswith("WARN notices"):
            company.name, company.source = name.strip(), clean_source
            self._dirty[company_id] = company
            return
        if company.name_from_key and company_key(name) == company_key(company.name):
            company.name = name.strip()
            company.name_from_key = False
            self._dirty[company_id] = company

    # --- the family tree ------------------------------------------------------------------

    def family(self, company_id: str) -> str:
        """The top owner's id (the company itself when it has no parent)."""
        seen = {company_id}
        current = self.companies[company_id]
        while current.parent_id and current.parent_id not in seen:
            seen.add(current.parent_id)
            current = self.companies[current.parent_id]
        return current.id

    def name(self, company_id: str | None) -> str | None:
        return self.companies[company_id].name if company_id in self.companies else None

    # --- facts from records ---------------------------------------------------------------

    def note_facts(self, company_id: str, industry: str | None, country: str | None) -> None:
        company = self.companies[company_id]
        changed = False
        if industry and not company.industry:
            company.industry, changed = industry, True
        if country and not company.country:
            company.country, changed = country, True
        if changed:
            self._dirty[company_id] = company

    def note_workforce(
        self, company_id: str, headcount: int, percent: float, on: str, where: str
    ) -> None:
        """A record giving both a headcount and its share tells the workforce; the latest wins."""
        if percent < 1 or percent > 100 or headcount <= 0:
            return
        company = self.companies[company_id]
        if company.workforce_as_of and company.workforce_as_of > on:
            return
        workforce = round(headcount * 100 / percent)
        basis = f"implied by {headcount:,} laid off = {percent:g}% on {on} ({where})"
        if (company.workforce, company.workforce_basis) == (workforce, basis):
            return
        company.workforce, company.workforce_basis, company.workforce_as_of = workforce, basis, on
        self._dirty[company_id] = company
        self.workforce_changed.add(company_id)

    # --- what to save ---------------------------------------------------------------------

    def pending(self) -> tuple[list[Company], list[tuple[str, str, str, str]]]:
        """Companies added or changed, parents before children, and new alias rows; clears
        both lists."""
        order: list[Company] = []
        placed: set[str] = set()

        def visit(company: Company) -> None:
            if company.id in placed:
                return
            placed.add(company.id)
            if company.parent_id and company.parent_id in self._dirty:
                visit(self._dirty[company.parent_id])
            order.append(company)

        for company in self._dirty.values():
            visit(company)
        aliases = self._new_aliases
        self._dirty, self._new_aliases = {}, []
        return order, aliases
