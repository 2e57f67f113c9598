"""A claim while a document is read, and merging the claims that one article repeats."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from headcount.extract.companies import NameSpan
from headcount.extract.datafiles import alternation, word_pattern
from headcount.extract.dates import ResolvedDate
from headcount.extract.employers import DocNames
from headcount.extract.quantities import Quantity
from headcount.extract.sentences import Sentence

_ADDITIVE = word_pattern("additive")


@dataclass
class Claim:
    sentence: Sentence
    anchor: int
    quantity: Quantity | None
    percent: float | None
    employer: NameSpan | None
    employer_text: str | None
    kind: str = "new"
    units: list[str] = field(default_factory=list)
    locations: list[str] = field(default_factory=list)
    reason: str | None = None
    date: ResolvedDate | None = None
    confidence: float = 0.5
    explicit: bool = True  # the sentence names the employer (not "it", "the company")


def claim_range(c: Claim) -> tuple[int | None, int | None]:
    if c.quantity is None:
        return None, None
    return c.quantity.minimum, c.quantity.maximum


def claims_overlap(a: Claim, b: Claim) -> bool:
    (alo, ahi), (blo, bhi) = claim_range(a), claim_range(b)
    lo1, hi1 = alo if alo is not None else ahi, ahi if ahi is not None else alo
    lo2, hi2 = blo if blo is not None else bhi, bhi if bhi is not None else blo
    if lo1 is None or lo2 is None or hi1 is None or hi2 is None:
        return False
    return lo1 <= hi2 and lo2 <= hi1


def _restated(a: Claim, b: Claim) -> bool:
    """One sentence giving a figure twice, once as a count and once as the difference of two
    workforce sizes ("cut 1,300 jobs ... to 5,500 from 6,810")."""
    va = a.quantity.value if a.quantity else None
    vb = b.quantity.value if b.quantity else None
    if a.sentence.index != b.sentence.index or not va or not vb:
        return False
    return abs(va - vb) <= 0.05 * max(va, vb)


def merge_claims(claims: list[Claim], doc_names: DocNames) -> list[Claim]:
    """One claim repeated in several sentences of an article is one claim."""
    kept: list[Claim] = []
    parts: dict[int, int] = {}  # how much of a kept figure its breakdown has accounted for
    for c in claims:
        group = doc_names.find(c.employer_text) if c.employer_text else None
        target: Claim | None = None
        for k in kept:
            kgroup = doc_names.find(k.employer_text) if k.employer_text else None
            if kgroup != group or (group is None and c.employer_text != k.employer_text):
                continue
            if c.employer_text is None and claim_range(c) != claim_range(k):
                continue  # figures over many employers are one only when they are the same figure
            if c.quantity and k.quantity and (claims_overlap(c, k) or _restated(c, k)):
                if k.kind == "past" and c.kind == "cumulative":
                    k.kind = "cumulative"  # "12,500 jobs had gone" is "the first 12,500" of a plan
                target = k
                break
            if (
                c.quantity is None
                and group is not None
                and 0 < c.sentence.index - k.sentence.index <= 2
                and c.kind in (k.kind, "new")
            ):
                target = k  # a follow-up remark about the claim just made
                break
            if k.kind != c.kind:
                continue
            if c.quantity is None and (
                k.quantity is not None or k.sentence.index != c.sentence.index
            ):
                target = k
                break
            if (
                k.quantity is None
                and c.quantity is not None
                and (k.sentence.paragraph == c.sentence.paragraph or k.sentence.index <= 1)
            ):
                k.quantity, k.sentence, k.anchor, k.percent = (
                    c.quantity,
                    c.sentence,
                    c.anchor,
                    c.percent or k.percent,
                )
                k.date, k.employer_text = c.date, c.employer_text
                target = k
                break
            value = (c.quantity.value or 0) if c.quantity else 0
            total = (k.quantity.value or 0) if k.quantity else 0
            if (
                c.quantity
                and k.quantity
                and group is not None
                and c.kind == k.kind != "cumulative"
                and c.sentence.index != k.sentence.index
                and value < total
                # "another 3,500 at Lansing" after "2,000 at Detroit" still adds up to the 5,500
                and (
                    not _ADDITIVE.search(c.sentence.text)
                    or parts.get(id(k), 0) > 0
                    and parts[id(k)] + value <= total * 1.05
                )
            ):
                parts[id(k)] = parts.get(id(k), 0) + value
                target = k  # a breakdown of the figure already given
                break
        if target is None:
            kept.append(c)
            continue
        for u in c.units:
            if u not in target.units:
                target.units.append(u)
        for loc in c.locations:
            if loc not in target.locations:
                target.locations.append(loc)
        target.reason = target.reason or c.reason
        target.percent = target.percent if target.percent is not None else c.percent
    # An undated remark in the past tense, without a figure, about an employer whose cut the
    # story counts is about that cut ("protest against the restructuring", "the job losses
    # were part of ..."); a dated one ("last year it announced ...") is an earlier round, and a
    # rumor looks ahead. So does a marked earlier round ("follows similar layoffs", "already").
    counted = {
        doc_names.find(k.employer_text) for k in kept if k.quantity is not None and k.employer_text
    }

    def restates(k: Claim) -> bool:
        if (
            k.quantity is not None
            or k.percent is not None
            or k.employer_text is None
            or k.kind not in ("past", "cumulative")
        ):
            return False
        if doc_names.find(k.employer_text) not in counted:
            return False
        # "the staff cuts result from ...": the cuts already told, whatever else the sentence dates
        return _THE_CUTS.search(k.sentence.text) is not None or (
            k.date is None and not _EARLIER_ROUND.search(k.sentence.text)
        )

    return [k for k in kept if not restates(k)]


# What marks a remark as an earlier round of its own ("follows similar layoffs", "already")
_EARLIER_ROUND = re.compile(
    rf"\b(?:{alternation('earlier_round')}|last\s+{alternation('last_periods')}|"
    rf"{alternation('recent_past')}|since)\b",
    re.IGNORECASE,
)
_THE_CUTS = re.compile(
    rf"\b(?:the|these|those)\s+(?:staff\s+|job\s+|workforce\s+)?{alternation('the_cuts')}\b",
    re.IGNORECASE,
)
