"""From scored candidates to a document's claims: keep, name the kind, merge restatements.

An article restates its news (headline, lead, body): candidates of one employer and kind
whose figures agree are one claim, told by the most confident sentence, with the figures the
others add. Different figures of one employer and kind stay apart (two past rounds).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from headcount.extract.attributes import find_locations, find_reason
from headcount.extract.candidates import Analysed, Candidate
from headcount.extract.companies import normalize_company, registry_names, same_company, shortens
from headcount.extract.cues import cue_words, in_gazetteer
from headcount.extract.dates import ResolvedDate, find_dates, reference_date
from headcount.extract.decisions import Decisions
from headcount.extract.places import is_country
from headcount.extract.quantities import Quantity, is_vague
from headcount.extract.sentences import Sentence
from headcount.extract.units import find_units
from headcount.model import KINDS, Kind, Mention

EXTRACTOR_VERSION = "learned-0.1"


@dataclass
class Scored:
    """A kept claim: its best candidate, and the figures its restatements add."""

    candidate: Candidate
    confidence: float
    kind: Kind
    quantity: Quantity | None
    percent: float | None
    # The other sentences that restate it: they may name its units and places.
    restatements: list[Candidate] = field(default_factory=list)


def _compatible(a: Candidate, b: Candidate) -> bool:
    qa, qb = a.quantity, b.quantity
    if qa is not None and qb is not None:
        lo_a, hi_a = (
            qa.minimum if qa.minimum is not None else 0,
            qa.maximum if qa.maximum is not None else 10**12,
        )
        lo_b, hi_b = (
            qb.minimum if qb.minimum is not None else 0,
            qb.maximum if qb.maximum is not None else 10**12,
        )
        if not (lo_a <= hi_b and lo_b <= hi_a):
            return False
    return a.percent is None or b.percent is None or abs(a.percent - b.percent) <= 1


def _figure_taken(candidate: Candidate, kept: list[Scored]) -> bool:
    q = candidate.quantity
    if q is None:
        return False
    return any(
        k.candidate.sentence.start == candidate.sentence.start
        and k.candidate.quantity is not None
        and k.candidate.quantity.start == q.start
        and not _same_employer(k.candidate.option.text, candidate.option.text)
        for k in kept
    )


def _same_employer(a: str | None, b: str | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return normalize_company(a) == normalize_company(b) or same_company(a, b)


# How likely another kind must be for a second figure of an employer's current round to be
# kept as that kind (chosen by cross-validation: README, "How accuracy is measured").
SECOND_ROUND_KIND_FLOOR = 0.05


def _has_figure(candidate: Candidate) -> bool:
    return candidate.quantity is not None or candidate.percent is not None


def _another_earlier_round(kept: Candidate, candidate: Candidate, kind: str) -> bool:
    """A page reports one current round per employer, so a figure-less mention of it restates
    it; earlier rounds are often several ("similar layoffs in the music and gaming divisions"
    besides "eliminating 18,000 positions in 2022"), so a figure-less one told in another
    sentence is not folded into one that has a figure."""
    return (
        kind == "past"
        and _has_figure(kept) != _has_figure(candidate)
        and kept.sentence.start != candidate.sentence.start
    )


def _other_current_round(candidate: Candidate, kept: list[Scored]) -> bool:
    """The employer already has a current round whose figures disagree with this one's."""
    rounds = [
        k
        for k in kept
        if k.kind == "new" and _same_employer(k.candidate.option.text, candidate.option.text)
    ]
    return bool(rounds) and not any(_compatible(k.candidate, candidate) for k in rounds)


def decide(analysed: Analysed, decisions: Decisions, floor: float | None = None) -> list[Scored]:
    """Candidates kept as claims, merged per employer, kind and figure."""
    if not analysed.rules_found_claims:
        return []  # the page failed the rules' gate (candidates.analyse)
    candidates = analysed.candidates
    floor = decisions.keep_threshold if floor is None else floor
    claim_p, kind_p = decisions.score(candidates, floor)
    confidence = decisions.calibrated(claim_p)
    kept: list[Scored] = []
    order = sorted(range(len(candidates)), key=lambda i: -claim_p[i])
    for i in order:
        if claim_p[i] < floor:
            break
        candidate = candidates[i]
        named = candidate.option.text is not None
        probabilities = kind_p[i]
        if named:
            probabilities = np.where(np.array(KINDS) == "aggregate", 0.0, probabilities)
        kind = KINDS[int(np.argmax(probabilities))]
        if not named and kind != "aggregate":
            kind = "aggregate" if candidate.quantity is not None else kind
        if not named and (candidate.quantity is None or is_vague(candidate.quantity)):
            # An aggregate needs a number; vague words count only for one named employer
            # ("thousands of tech workers" is no statistic: GUIDELINES.md, "Numbers").
            continue
        if _figure_taken(candidate, kept):
            continue  # one figure of one sentence is one claim: the likelier reading has it
        if named and kind == "new" and _other_current_round(candidate, kept):
            # A page reports one current round per employer (GUIDELINES.md, "new"): a less
            # likely reading with another figure is an earlier round or a running total when
            # the kind model sees one at all, else a figure that is not the round's.
            earlier = np.where(np.isin(np.array(KINDS), ("new", "aggregate")), 0.0, probabilities)
            if earlier.max() < SECOND_ROUND_KIND_FLOOR:
                continue
            kind = KINDS[int(np.argmax(earlier))]
        merged = False
        for other in kept:
            if not _same_employer(other.candidate.option.text, candidate.option.text):
                continue
            if (
                other.kind == kind
                and _compatible(other.candidate, candidate)
                and not _another_earlier_round(other.candidate, candidate, kind)
            ):
                if not named and other.candidate.quantity != candidate.quantity:
                    continue
                other.quantity = other.quantity or candidate.quantity
                other.percent = other.percent if other.percent is not None else candidate.percent
                other.restatements.append(candidate)
                merged = True
                break
        if not merged:
            kept.append(
                Scored(candidate, float(confidence[i]), kind, candidate.quantity, candidate.percent)
            )
    return kept


def _reference(analysed: Analysed) -> date | None:
    return reference_date(analysed.document.text, analysed.document.published_at)


def _heading_date(
    analysed: Analysed, unit: Sentence, reference: date | None
) -> ResolvedDate | None:
    """The date of the section a list item sits in: the nearest line above it that is a date
    and little else ("February 2024")."""
    for earlier in reversed(analysed.sentences[: unit.index]):
        if len(earlier.text.split()) > 4:
            continue
        found = [d for d in find_dates(earlier.text, reference) if d.precision in ("day", "month")]
        if found:
            return found[0]
    return None


def _date(kind: str, scored: Scored, analysed: Analysed) -> tuple[str | None, str | None]:
    unit = scored.candidate.sentence
    published = analysed.document.published_at
    reference = _reference(analysed)
    found = [d for d in find_dates(unit.text, reference) if d.value and not d.future]
    if kind == "new" and published is not None:
        day = next((d for d in found if d.precision == "day" and d.past_marker), None)
        if day is not None:
            return day.value, day.precision
        return published.isoformat(), "day"
    if found:
        # Of several dates ("1,413 cuts so far this year, with 1,350 occurring in April"), the
        # one nearest the claim's figure.
        anchor = scored.quantity.start if scored.quantity is not None else 0
        nearest = min(
            found, key=lambda d: (min(abs(d.start - anchor), abs(d.end - anchor)), d.start)
        )
        return nearest.value, nearest.precision
    heading = _heading_date(analysed, unit, reference)
    if heading is not None:
        return heading.value, heading.precision
    return None, None


def _one_name(text: str) -> bool:
    """A single proper name: no list ("Dell and Apple"), possessive ("Amazon's Twitch") or
    lower-case descriptor ("audio giant Spotify") inside it."""
    inner = cue_words()["name_inner_word"]
    return not re.search(r"[,;()/]|['’]s\b|\.[A-Z]", text) and all(
        w[:1].isupper() or w[:1].isdigit() or w.lower() in inner for w in text.split()
    )


def _expands(short: str, full: str) -> bool:
    if not _one_name(full) or not shortens(short, full):
        return False
    # Only the last word in common ("Kodak" / "Eastman Kodak Co") is weak evidence: the
    # longer name must be a company's whole name (a legal suffix, or a known company).
    words = normalize_company(short).split()
    if len(words) == 1 and not short.isupper():
        return normalize_company(full) != full.lower().strip() or in_gazetteer(full)
    return True


def _in_full(candidate: Candidate, analysed: Analysed) -> str | None:
    """The page's longer name for the employer a short form denotes ("GM" on a page that
    also says "General Motors Corp"), the nearest before it when there are several ("Times"):
    a reader, and a ledger, want the name, not the nickname."""
    company = candidate.option.text
    if company is None:
        return None
    at = candidate.sentence.start
    longer = [
        c.sentence.start
        for c in analysed.candidates
        if c.option.start >= 0 and c.option.text and _expands(company, c.option.text)
    ]
    if not longer:
        return company
    nearest = min(longer, key=lambda start: (start > at, abs(start - at)))
    return next(
        c.option.text
        for c in analysed.candidates
        if c.sentence.start == nearest and c.option.text and _expands(company, c.option.text)
    )


def _told(scored: Scored) -> list[Sentence]:
    """The sentences that tell a claim, its own first, each once."""
    told = {scored.candidate.sentence.start: scored.candidate.sentence}
    for other in scored.restatements:
        told.setdefault(other.sentence.start, other.sentence)
    return list(told.values())


def _places(scored: Scored, told: list[Sentence], analysed: Analysed) -> list[str]:
    found = list(dict.fromkeys(p for t in told for p in find_locations(t.text)))
    if found or scored.kind != "aggregate":
        return found
    lead = " ".join(s.text for s in analysed.sentences[:2])
    countries = list(dict.fromkeys(p for p in find_locations(lead) if is_country(p)))
    return countries if len(countries) == 1 else []


def to_mentions(analysed: Analysed, scored: list[Scored]) -> list[Mention]:
    document = analysed.document
    mentions = []
    for s in sorted(scored, key=lambda s: (s.candidate.sentence.start, s.candidate.option.start)):
        c = s.candidate
        sentence = c.sentence
        company = _in_full(c, analysed)
        canonical, parent = registry_names(company)
        lo = s.quantity.minimum if s.quantity else None
        hi = s.quantity.maximum if s.quantity else None
        date_value, precision = _date(s.kind, s, analysed)
        told = _told(s)
        mentions.append(
            Mention(
                document_id=document.id,
                employer_text=c.option.text,
                company=company,
                parent=parent,
                canonical=canonical,
                kind=s.kind,
                headcount_min=lo,
                headcount_max=hi,
                approx=s.quantity.approx if s.quantity else False,
                percent=s.percent,
                date=date_value,
                date_precision=precision,  # type: ignore[arg-type]
                units=list(
                    dict.fromkeys(
                        u for t in told for u in find_units(t.text, [company, c.option.text])
                    )
                ),
                locations=_places(s, told, analysed),
                reason=next((r for t in told if (r := find_reason(t.text))), None),
                evidence=sentence.text,
                evidence_start=sentence.start,
                evidence_end=sentence.end,
                extractor_version=EXTRACTOR_VERSION,
                confidence=round(s.confidence, 3),
                doc=document.origin,
            )
        )
    return mentions
