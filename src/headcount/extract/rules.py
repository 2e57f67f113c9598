"""The rule extractor: hand-written rules from a Document to its layoff claims (sentences,
triggers, figures, employer, kind, context). extract/pipeline.py chooses between it and the
learned extractor, which also weighs its claims as features."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from headcount.extract.attributes import find_locations, find_reason
from headcount.extract.claims import Claim, claim_range, merge_claims
from headcount.extract.clauses import (
    CLOSURE_ONLY,
    cut_triggers,
    figure_segment,
    in_trigger_clause,
    nearest_date,
    own_clause,
    sentence_is_past,
)
from headcount.extract.companies import (
    NameSpan,
    find_names,
    owner_key,
    registry_names,
)
from headcount.extract.datafiles import alternation, word_pattern
from headcount.extract.employers import (
    SUBJECT_ANAPHOR,
    DocNames,
    Rejected,
    attached_employer,
    choose_employer,
    employer_names,
    filter_employers,
    focus_groups,
    is_speaker,
    is_upper,
    lists_employers,
    owns_next_name,
    subject_cuts,
    typed_referent,
)
from headcount.extract.kinds import COSTS_RE, classify
from headcount.extract.ner import entities
from headcount.extract.places import is_country
from headcount.extract.prefilter import may_contain_layoff
from headcount.extract.quantities import PERCENT_RE, Quantity, percent_value
from headcount.extract.sentences import split_sentences
from headcount.extract.triggers import (
    HIRING_RE,
    NEGATIVE_RE,
    closure_quantities,
    job_quantities,
)
from headcount.extract.units import find_units
from headcount.model import Document, Mention, as_kind

EXTRACTOR_VERSION = "rules-0.1"


SUPPORTED_LANGUAGES = frozenset({"en"})


_ANAPHOR = re.compile(
    r"\b(?:it|its|the\s+(?:\w+[- ])?(?:company|firm|group|plant|facility|factory|airline|bank|carmaker|"
    r"automaker|maker|manufacturer|retailer|insurer|broker|unit|division|giant|chain|operator|"
    r"business|corporation|concern|centre|center|mill|store|yard|shipyard|lab|labs|studio|publisher|"
    r"newspaper|agency|department|producer|supplier|carrier|utility|conglomerate))\b",
    re.IGNORECASE,
)


_AGGREGATE_CUE = re.compile(
    # "some in the industry say", "industry analysts": who speaks, not whose jobs
    rf"\b(?:industry(?!\s+{alternation('speaker_after_industry')})|industries|sector|sectors|economy|economies|nationwide|countries|nations?|"
    r"manufacturing|companies|firms|employers|across|tech\s+employees|region|public\s+sector|"
    r"private\s+sector|state\s+corporations|textile|steel\s+workers|garment|farm|country's)\b",
    re.IGNORECASE,
)


_DESCRIPTOR = word_pattern("employer_descriptors")


# The largest employers (Walmart, Amazon) have about two million staff.
_LARGEST_EMPLOYER = 2_500_000


_PUBLIC_EMPLOYER = re.compile(r"\bcivil[\s-]+serv(?:ice|ants?)\b", re.IGNORECASE)


_TOPIC_AFTER = re.compile(rf"^\s*{alternation('topics_not_cuts')}\b", re.IGNORECASE)


# "vowed to fight wage and job cuts": opposition to cuts no one has announced here
_OPPOSED_BEFORE = re.compile(
    r"\b(?:fight|oppose|resist|opposition\s+to|campaign\s+against)\s+(?:[\w,]+\s+){0,3}$",
    re.IGNORECASE,
)


# "companies such as Adam Opel - the German arm of US carmaker General Motors - and ...":
# the owner named inside the description is not one of the companies listed
_OWNER_IN_APPOSITION = re.compile(
    rf"\b{alternation('owner_parts')}\s+of\s+"
    r"(?:[\w-]+\s+){0,3}$",
    re.IGNORECASE,
)


_FOLLOW_UP = re.compile(
    r"^(?:The|These|This|Those|Such)\s+(?:\w+\s+){0,2}"
    rf"{alternation('follow_up_nouns')}\b"
)


_WORKFORCE_AFTER = re.compile(
    rf"^\s*(?:of\s+(?:the\s+|its\s+|their\s+)?(?:[\w'’-]+\s+){{0,3}}?{alternation('workforce_of')}|"
    r"(?:reduction|cut|cuts)\s+in\s+(?:its\s+|their\s+)?(?:staff|workforce|jobs|headcount)|of\s+(?:its|the|their)\s+\w+)",
    re.IGNORECASE,
)


_WORKFORCE_BEFORE = re.compile(
    rf"{alternation('workforce_by')}\s+(?:\S+\s+){{0,4}}?by\s+(?:about\s+|around\s+|almost\s+|nearly\s+|some\s+)?$",
    re.IGNORECASE,
)


@dataclass
class Extraction:
    """The outcome for one document: its claims, or why none were looked for."""

    document: Document
    mentions: list[Mention]
    status: str  # "extracted", "no layoff terms", or "skipped: ..."
    extractor_version: str = EXTRACTOR_VERSION  # which extractor read it (recorded per document)


def _workforce_percents(text: str) -> list[tuple[int, float]]:
    found = []
    for m in PERCENT_RE.finditer(text):
        value = percent_value(m)
        if value is None or value > 100:
            continue
        after = text[m.end() : m.end() + 60]
        # the hedge or "by" the match may open with belongs to what comes before the share
        core = m.start("num") if m.group("num") else m.start("frac")
        before = text[max(0, core - 60) : core]
        if _WORKFORCE_AFTER.match(after) or _WORKFORCE_BEFORE.search(before):
            found.append((m.start(), value))
    return found


def _date_for(claim: Claim, published: date | None) -> tuple[str | None, str | None]:
    """The announcement date. For the news itself that is the publication date unless the
    text dates the announcement to an earlier day; dates like "this year" or "by the end of
    1987" say when cuts take effect, not when they were announced."""
    if claim.kind in ("new", "rumor") and published:
        if claim.date and claim.date.precision == "day" and claim.date.past_marker:
            return claim.date.value, claim.date.precision
        return published.isoformat(), "day"
    if claim.date and claim.date.value:
        return claim.date.value, claim.date.precision
    return None, None


def rule_mentions(doc: Document) -> list[Mention]:
    """The hand-written rules' claims, which the learned extractor weighs as features."""
    return extract_with_rules(doc).mentions


def extract_with_rules(doc: Document) -> Extraction:
    if doc.language and doc.language not in SUPPORTED_LANGUAGES:
        return Extraction(doc, [], f"skipped: language {doc.language} is not extracted yet")
    if not may_contain_layoff(doc.text):
        return Extraction(doc, [], "no layoff terms")
    sentences = split_sentences(doc.text)
    doc_names = DocNames()
    rejected = Rejected()
    # The recognizer runs on the lead and on sentences that may carry a claim.
    found_triggers = [cut_triggers(s.text) for s in sentences]
    if not any(found_triggers):
        return Extraction(doc, [], "extracted")
    # The recognizer only ever rejects a capitalized candidate, so sentences without one
    # (and sentences outside the lead without a trigger) are not worth its time.
    wanted = [
        i
        for i, s in enumerate(sentences)
        if (i < 2 or found_triggers[i]) and not is_upper(s.text) and find_names(s.text)
    ]
    labelled = dict(zip(wanted, entities([sentences[i].text for i in wanted]), strict=True))

    def recurrence(name: str) -> int:
        first = name.split()[0]
        if re.search(rf"\b(?:Mr|Mrs|Ms|Dr)\.?\s+{re.escape(name.split()[-1])}\b", doc.text):
            return 0
        return len(re.findall(rf"\b{re.escape(first)}\b", doc.text))

    raw_names = [
        []
        if is_upper(s.text)
        else employer_names(s, doc_names, rejected, labelled.get(i), recurrence)
        for i, s in enumerate(sentences)
    ]
    raw_names = [[n for n in names if not rejected.rejects(n)] for names in raw_names]
    counts: dict[str, int] = {}
    for names in raw_names:
        for n in names:
            key = owner_key(n.text)
            counts[key] = counts.get(key, 0) + 1
    sentence_names: list[list[NameSpan]] = []
    for s, names in zip(sentences, raw_names, strict=True):
        doc_names.define(s.text, names)
    for s, names in zip(sentences, raw_names, strict=True):
        kept = filter_employers(names, s.text, counts)
        for n in kept:
            doc_names.add(n.text)
        sentence_names.append(kept)
    for i, s in enumerate(sentences):
        if is_upper(s.text):
            sentence_names[i] = employer_names(s, doc_names)
            for n in sentence_names[i]:
                doc_names.add(n.text)  # a headline's subject is a name of the story
    # Without a publication date, the latest year the story mentions stands in for it, so that
    # "after taking charge in 1999" in a 2004 story still reads as the past.
    years = [int(y) for y in re.findall(r"\b(19[5-9]\d|20[0-4]\d)\b", doc.text)]
    reference_year = doc.published_at.year if doc.published_at else (max(years) if years else None)
    # "Texas Air Corp's Eastern Airlines subsidiary": the owner is context, not the subject
    first_names = [
        n.text
        for s, names in zip(sentences[:2], sentence_names[:2], strict=False)
        for n in names
        if not owns_next_name(n, names, s.text)
    ]
    focus = focus_groups(doc_names, first_names)
    # A lead about civil servants that names no employer makes the state the story's employer.
    public_story = not first_names and bool(
        _PUBLIC_EMPLOYER.search(" ".join(s.text for s in sentences[:2]))
    )
    # Of the names in the lead, the one the story keeps returning to is its subject.
    focus_index = max(sorted(focus), key=lambda i: doc_names.counts[i]) if focus else None

    claims: list[Claim] = []
    seen_groups: set[int] = set()
    last_subject: str | None = None
    for s, names, sentence_triggers in zip(sentences, sentence_names, found_triggers, strict=True):
        text = s.text
        previous_subject = last_subject
        actors = [
            n
            for n in names
            if (not is_speaker(n, text) or re.match(r"^\s+said\s+(?:that\s+)?it", text[n.end :]))
        ]
        if actors:
            last_subject = actors[0].text
        triggers = sentence_triggers
        closing = (
            closure_quantities(text)
            if triggers and CLOSURE_ONLY.match(triggers[0].group(0))
            else []
        )
        quantities = closing or [
            jq
            for jq in job_quantities(text)
            if triggers
            and in_trigger_clause(text, jq.anchor, triggers)
            and not HIRING_RE.search(text[max(0, jq.anchor - 30) : jq.anchor + 60])
        ]
        if not quantities and _FOLLOW_UP.match(text):
            # "The cuts impacted divisions such as ...": more about the claim just made.
            if claims and claims[-1].sentence.paragraph == s.paragraph:
                _enrich(claims[-1], text)
            continue
        if not triggers:
            continue
        if NEGATIVE_RE.search(text) and not quantities:
            continue
        percents = _workforce_percents(text)
        listed = lists_employers(text, names)
        pending: list[tuple[int, Quantity | None, float | None]] = []
        for jq in quantities:
            # a share belongs to the figure nearest to it ("12,000 jobs, or 6% of its workforce")
            pct = next(
                (
                    v
                    for p, v in percents
                    if abs(p - jq.anchor) < 120
                    and min(quantities, key=lambda other: abs(other.anchor - p)) is jq
                ),
                None,
            )
            pending.append((jq.anchor, jq.quantity, pct))
        if not pending:
            claim_triggers = [
                t
                for t in triggers
                if not _TOPIC_AFTER.match(text[t.end() : t.end() + 30])
                and not _OPPOSED_BEFORE.search(text[max(0, t.start() - 40) : t.start()])
            ]
            if not claim_triggers and not percents:
                continue  # "layoff benefits", "redundancy payments": the topic, not a cut
            anchor = percents[0][0] if percents else claim_triggers[0].start()
            pending.append((anchor, None, percents[0][1] if percents else None))
        for anchor, quantity, pct in pending:
            employers: list[NameSpan | None]
            if listed and quantity is None:
                employers = [
                    n
                    for n in names
                    if not is_speaker(n, text)
                    and not _OWNER_IN_APPOSITION.search(text[max(0, n.start - 50) : n.start])
                ] or [None]
            elif listed:
                employers = [None]
            else:
                employer_span = (
                    attached_employer(text, anchor, names)
                    if SUBJECT_ANAPHOR.match(text)
                    else choose_employer(text, anchor, names)
                )
                if (
                    quantity is None
                    and employer_span is not None
                    and employer_span.start > anchor
                    and not re.search(
                        r"\b(?:at|of|from)\s+(?:the\s+)?(?:[\w-]+\s+){0,4}$",
                        text[anchor : employer_span.start],
                    )
                ):
                    # A bare mention with a name elsewhere in the sentence is about that name
                    # only when it is the story's subject ("the news follows similar layoffs").
                    group_after = doc_names.find(employer_span.text)
                    if (
                        group_after is None
                        or group_after not in focus
                        or "," in text[anchor : employer_span.start]
                    ):
                        employer_span = None
                employers = [employer_span]
            for employer in employers:
                if employer is not None and re.match(
                    r"^[’']?s?\s+(?:\w+\s+){0,2}(?:industry|industries|sector|sectors)\b",
                    text[employer.end : employer.end + 40],
                ):
                    employer = None  # "the EC steel industry has shed 240,000 jobs": a statistic
                    listed_industry = True
                else:
                    listed_industry = False
                employer_text = employer.text if employer else None
                if employer is None and not listed_industry and _PUBLIC_EMPLOYER.search(text):
                    employer_text = "civil service"  # the state as employer, named by its staff
                if employer_text is None and not listed and not listed_industry:
                    anaphor = _ANAPHOR.search(text)
                    if (
                        anaphor
                        and anaphor.group(0).lower() in ("it", "its")
                        and _AGGREGATE_CUE.search(text)
                    ):
                        anaphor = (
                            None  # "the motor industry, facing the worst crisis of its history"
                        )
                    if anaphor and (previous_subject or focus_index is not None):
                        # "the airline" is the story's subject; "it" the employer just named
                        pronoun = anaphor.group(0).lower() in ("it", "its")
                        typed = typed_referent(anaphor.group(0), doc_names)
                        if typed is not None:
                            employer_text = typed
                        elif focus_index is not None and not (pronoun and previous_subject):
                            employer_text = doc_names.fullest(focus_index)
                        else:
                            employer_text = previous_subject
                    elif quantity is None and focus_index is not None and COSTS_RE.search(text):
                        # "redundancy costs 3.6 mln" in a results table: the reporting company's
                        employer_text = doc_names.fullest(focus_index)
                    elif quantity is None:
                        continue  # no figure and no employer: nothing a reader can use
                    elif public_story and not _AGGREGATE_CUE.search(text):
                        employer_text = "civil service"  # a story about the state's own staff
                    elif (
                        not _AGGREGATE_CUE.search(text)
                        and focus_index is not None
                        and (s.index > 0 or _DESCRIPTOR.search(text))
                    ):
                        employer_text = doc_names.fullest(focus_index)
                if (
                    quantity is not None
                    and employer_text
                    and (quantity.value or 0) > _LARGEST_EMPLOYER
                ):
                    continue  # no single employer has this many staff: a money or output figure
                claim = Claim(s, anchor, quantity, pct, employer, employer_text)
                claim.explicit = employer is not None
                group = doc_names.find(employer_text) if employer_text else None
                # The first figure given for the story's subject is the news itself.
                lead = group is not None and (group in focus and group not in seen_groups)
                if group is not None and quantity is not None:
                    seen_groups.add(group)
                claim.date = nearest_date(text, anchor, doc.published_at)
                date_is_past = claim.date is not None and (
                    claim.date.past_marker
                    or (
                        doc.published_at is None
                        and reference_year is not None
                        and claim.date.value[:4].isdigit()
                        and int(claim.date.value[:4]) < reference_year
                    )
                )
                segment = figure_segment(
                    text, anchor, [q.start for _, q, _ in pending if q is not None]
                )
                if segment == text:
                    segment = own_clause(text, anchor)
                # A sentence's time frame covers all its figures ("said earlier this month it
                # would cut 1,920 while 300 jobs will be lost at ...").
                date_is_past = date_is_past or (
                    segment != text and sentence_is_past(text, anchor, doc.published_at)
                )
                claim.kind = classify(
                    segment,
                    lead=lead,
                    date_is_past=date_is_past,
                    has_company=employer_text is not None,
                    whole=text,
                )
                _enrich(claim, text)
                claim.confidence = (
                    0.9 if (employer and quantity) else 0.7 if quantity or employer else 0.5
                )
                if (
                    quantity is None
                    and pct is None
                    and claim.kind == "new"
                    and s.index > 2
                    and not subject_cuts(text, employer)
                    and not _ANAPHOR_CUTS.search(text)
                ):
                    # Outside the lead, a figureless "new" cut is nearly always commentary
                    # ("talks about job cuts", "the cuts in jobs") unless its employer does it.
                    claim.kind = "note"
                claims.append(claim)
    merged = [c for c in merge_claims(claims, doc_names) if c.kind != "note"]
    # A claim that names no place happens where the story is set: the places its headline
    # names, and the countries of its first sentence (a city there is as often a company's
    # seat or a trial's venue), when that makes one or two.
    lead_places = [p for s in sentences[:1] for p in find_locations(s.text)]
    lead_places += [p for s in sentences[1:2] for p in find_locations(s.text) if is_country(p)]
    lead_places = list(dict.fromkeys(lead_places))
    if 1 <= len(lead_places) <= 2:
        for c in merged:
            if not c.locations and c.kind != "aggregate":
                c.locations = list(lead_places)
    return Extraction(doc, [_to_mention(c, doc, doc_names) for c in merged], "extracted")


# "the company was reorganizing its staff, reassigning and laying off employees": the
# employer in view does the cutting.
_ANAPHOR_CUTS = re.compile(
    rf"\b(?:the\s+{alternation('company_nouns')}|it)\s+(?:also\s+)?(?:is|was|will|would|plans?\s+to|has|had)?\s*"
    r"(?:\w+\s+){0,2}?(?:cut|cutting|reduc\w*|lay\w*|laid|shed\w*|eliminat\w*|trim\w*|slash\w*|reorganiz\w*|restructur\w*)\b",
    re.IGNORECASE,
)


def _enrich(claim: Claim, text: str) -> None:
    for unit in find_units(text, [claim.employer_text]):
        if unit not in claim.units:
            claim.units.append(unit)
    for loc in find_locations(text):
        if loc not in claim.locations:
            claim.locations.append(loc)
    if claim.reason is None:
        claim.reason = find_reason(text)


def _to_mention(c: Claim, doc: Document, doc_names: DocNames) -> Mention:
    group = doc_names.find(c.employer_text) if c.employer_text else None
    company = doc_names.fullest(group) if group is not None else c.employer_text
    # Names wrapped across lines in newswire text read as one line.
    company = " ".join(company.split()) if company else None
    canonical, parent = registry_names(company)
    lo, hi = claim_range(c)
    approx = c.quantity.approx if c.quantity else False
    date_value, precision = _date_for(c, doc.published_at)
    return Mention(
        document_id=doc.id,
        employer_text=c.employer_text,
        company=company,
        parent=parent,
        canonical=canonical,
        kind=as_kind(c.kind),
        headcount_min=lo,
        headcount_max=hi,
        approx=approx,
        percent=c.percent,
        date=date_value,
        date_precision=precision,  # type: ignore[arg-type]
        units=c.units,
        locations=c.locations,
        reason=c.reason,
        evidence=c.sentence.text,
        evidence_start=c.sentence.start,
        evidence_end=c.sentence.end,
        extractor_version=EXTRACTOR_VERSION,
        confidence=c.confidence,
        doc=doc.origin,
    )
