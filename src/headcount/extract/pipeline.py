"""From a Document to its layoff claims: sentences, triggers, figures, employer, kind, context."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from headcount.extract.attributes import find_locations, find_reason, find_units
from headcount.extract.companies import (
    JOBS_AT,
    NameSpan,
    canonicalize,
    find_names,
    is_common_word,
    is_known,
    looks_like_employer,
    normalize_company,
    owner_key,
    same_company,
)
from headcount.extract.dates import ResolvedDate, find_dates
from headcount.extract.kinds import COSTS_RE, PAST_RE, classify
from headcount.extract.ner import NOT_EMPLOYER, Entity, entities, label_of
from headcount.extract.places import DEMONYMS
from headcount.extract.prefilter import may_contain_layoff
from headcount.extract.quantities import PERCENT_RE, Quantity, percent_value
from headcount.extract.sentences import Sentence, split_sentences
from headcount.extract.triggers import (
    HIRING_RE,
    NEGATIVE_RE,
    closure_quantities,
    job_quantities,
    negated,
    strong_triggers,
)
from headcount.model import Document, Mention

EXTRACTOR_VERSION = "rules-0.1"
SUPPORTED_LANGUAGES = frozenset({"en"})

_SPEAKER_AFTER = re.compile(
    r"^[’']?s?\s*(?:,[^,]{0,60},\s*)?(?:has\s+|had\s+|have\s+)?(?:said|says|told|reported|reports|estimated|estimates|"
    r"calculates|warned|condemned|argued|believes|noted|added|announced\s+that)\b(?!(?:\s+\S+){0,4}?\s+(?:that\s+)?(?:it|its|the\s+company|they)\b)",
    re.IGNORECASE,
)
_PERSON_BEFORE = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Sir|Lord|Lady|President|Chancellor|Minister|Senator|Governor|Prince|King|Queen|Judge|CEO|chief\s+executive|chairman|spokesman|spokeswoman|analyst|secretary|official|leader|director|manager|head)\.?\s+)$",
    re.IGNORECASE,
)
# Grammar that only an employer fits, which outweighs the recognizer's guess ("Globex said it
# will lay off 500 workers" even if the model reads Globex as a person).
_ACTS_AS_EMPLOYER = re.compile(
    r"^(?:[’']s\s+(?:\w+\s+){0,2}(?:plant|factory|unit|division|workforce|staff|employees|workers)|"
    r",\s+which\s+(?:\w+\s+){0,3}(?:laid|cut|will|plans|is|has|had|shed|eliminated)\b|"
    r"\s+(?:said|says|announced)\s+(?:on\s+\w+\s+)?(?:that\s+)?it\s+(?:will|would|plans|is|has|had|was)|"
    r"\s+(?:will|plans\s+to|is\s+to|is\s+cutting|is\s+laying|has\s+cut|has\s+laid|cut|laid|lays|cuts)\s+"
    r"(?:off|cut|lay|shed|eliminate|axe|close|\d))",
    re.IGNORECASE,
)
_PERSON_SPEAKS = re.compile(r"^\s+(?:has\s+|had\s+)?(?:said|says|told|added|believes|thinks|noted|argued|warned)\b")
_PERSON_AFTER = re.compile(
    r"^,\s+(?:the\s+|a\s+|an\s+|its\s+|\w+[’']s\s+)?(?:\w+\s+){0,2}(?:spokes\w+|chief|president|chairman|vice|director|head|analyst|manager|secretary|minister|leader|official|executive|CEO|founder|economist|chancellor)\b",
    re.IGNORECASE,
)
_NON_EMPLOYER_WORDS = re.compile(
    r"\b(?:Union|TUC|Congress|Reuters|Associated\s+Press|AP|Agency|"
    r"Bloomberg|Federation|Confederation|Organisation|Organization|ILO|WTO|IMF|OECD|Aid|Parliament|"
    r"Commission|Institute|Council|Court|Tribunal|Party|Labour|Conservative|Democrats?|Republicans?|"
    r"Budget|Christmas|Internet|Web|Olympics|Street|Exchange|Index|Nasdaq|Dow|Industry)\b"
)
# A newspaper or broadcaster as the source of a report, not as an employer.
_MEDIA = re.compile(r"\b(?:Times|Journal|Observer|Post|BBC|Telegraph|Guardian|Herald|News|Magazine|Press|Television|TV|Radio)\b")
_SOURCE_BEFORE = re.compile(r"(?:according\s+to|told|reported\s+by|quoted\s+by|interview\s+with|said\s+in|in)\s+(?:the\s+)?$", re.IGNORECASE)
_SOURCE_AFTER = re.compile(r"^\s+(?:has\s+|had\s+)?(?:reported|reports|newspaper|said\s+in\s+a\s+report|Online)\b", re.IGNORECASE)
_ANAPHOR = re.compile(
    r"\b(?:it|its|the\s+(?:\w+[- ])?(?:company|firm|group|plant|facility|factory|airline|bank|carmaker|"
    r"automaker|maker|manufacturer|retailer|insurer|broker|unit|division|giant|chain|operator|"
    r"business|corporation|concern|centre|center|mill|store|yard|shipyard|lab|labs|studio|publisher|"
    r"newspaper|agency|department|producer|supplier|carrier|utility|conglomerate))\b",
    re.IGNORECASE,
)
_AGGREGATE_CUE = re.compile(
    r"\b(?:industry|industries|sector|sectors|economy|economies|nationwide|countries|nation|"
    r"manufacturing|companies|firms|employers|across|tech\s+employees|region|public\s+sector|"
    r"private\s+sector|state\s+corporations|textile|steel\s+workers|garment|farm|country's)\b",
    re.IGNORECASE,
)
_DESCRIPTOR = re.compile(
    r"\b(?:bank|firm|company|maker|carmaker|automaker|airline|insurer|retailer|group|giant|publisher|broker)\b",
    re.IGNORECASE,
)
# The largest employers (Walmart, Amazon) have about two million staff.
_LARGEST_EMPLOYER = 2_500_000
_PUBLIC_EMPLOYER = re.compile(r"\bcivil[\s-]+serv(?:ice|ants?)\b", re.IGNORECASE)
_TOPIC_AFTER = re.compile(
    r"^\s*(?:benefits?|funds?|funding|payments?|pay|packages?|talks|negotiations|bargaining|protection|"
    r"polic(?:y|ies)|procedures?|rules?|laws?|legislation|consultations?|compensation|insurance|notices?)\b",
    re.IGNORECASE,
)
_LIST_CUE = re.compile(r"\b(?:including|such\s+as|like|among\s+them)\b", re.IGNORECASE)
_FOLLOW_UP = re.compile(
    r"^(?:The|These|This|Those|Such)\s+(?:\w+\s+){0,2}(?:layoffs|cuts|job\s+cuts|decision|move|reductions|"
    r"changes|closures?|redundancies|plan|plans|restructuring|losses)\b"
)
_WORKFORCE_AFTER = re.compile(
    r"^\s*(?:of\s+(?:the\s+|its\s+|their\s+)?(?:[\w'’-]+\s+){0,3}?(?:workforce|work\s+force|staff|employees|jobs|headcount|workers|total|force)|"
    r"(?:reduction|cut|cuts)\s+in\s+(?:its\s+|their\s+)?(?:staff|workforce|jobs|headcount)|of\s+(?:its|the|their)\s+\w+)",
    re.IGNORECASE,
)
_WORKFORCE_BEFORE = re.compile(
    r"(?:workforce|work\s+force|staff|headcount|jobs|employees|payroll)\s+(?:\S+\s+){0,4}?by\s+(?:about\s+|around\s+|almost\s+|nearly\s+|some\s+)?$",
    re.IGNORECASE,
)
_ADDITIVE = re.compile(
    r"\b(?:another|additional|further|also|in\s+addition|more|other|separately|plus|already|earlier|previously|last|before)\b",
    re.IGNORECASE,
)


@dataclass
class Extraction:
    """The outcome for one document: its claims, or why none were looked for."""

    document: Document
    mentions: list[Mention]
    status: str  # "extracted", "no layoff terms", or "skipped: ..."


@dataclass
class _Claim:
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


@dataclass
class _DocNames:
    """Every employer-like name in the document, grouped when they denote one employer."""

    groups: list[list[str]] = field(default_factory=list)
    counts: list[int] = field(default_factory=list)

    def add(self, name: str) -> int:
        # A name joins the group of the name it abbreviates, judged against the group's first
        # (usually fullest) mention, so that "Eastman" cannot chain "Eastman Kodak" and
        # "Carolina Eastman" together.
        for i, group in enumerate(self.groups):
            if same_company(name, group[0]):
                if name not in group:
                    group.append(name)
                self.counts[i] += 1
                return i
        self.groups.append([name])
        self.counts.append(1)
        return len(self.groups) - 1

    def find(self, name: str) -> int | None:
        for i, group in enumerate(self.groups):
            if name in group:
                return i
        for i, group in enumerate(self.groups):
            if same_company(name, group[0]):
                return i
        return None

    def fullest(self, index: int) -> str:
        # The owner's own name first (Amazon over Audible), then the longest form
        # ("General Motors Corp" over "GM").
        group = self.groups[index]
        owners = [n for n in group if normalize_company(n) == owner_key(n)] or group
        return max(owners, key=lambda n: (len(n.split()), len(n)))


# "SEARS TO CLOSE ...", "WORLD AIRWAYS <WOA> LAYS OFF ...": a headline's opening words name
# its subject when a verb follows them.
_HEADLINE_SUBJECT = re.compile(
    r"^([A-Z][A-Z&.'-]*(?:\s+[A-Z][A-Z&.'-]*){0,3}?)\s+(?:<[^>]*>\s+)?(?:TO|SAYS|SAID|SETS|PLANS|WILL|CUTS|LAYS|"
    r"LAYING|IDLES?|SHUTS?|CLOSES?|ANNOUNCES?|ELIMINATES?|REDUCES?|TRIMS?|SHEDS?|AXES|SEES|UNIT|CANADA|OFFERS|"
    r"MAY|COULD|IN|RECALLS?|ORDERS?|EXTENDS?|HAS|IS)\b"
)
_HEADLINE_WORDS = frozenset(["THE", "A", "AN", "JOB", "JOBS", "NEW", "MORE", "US", "U.S.", "UK", "U.K.", "TOTAL", "SOME", "ALL"])


def _is_upper(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) / len(letters) > 0.8


@dataclass
class _Rejected:
    """Names a document shows to be people or organisations that are not employers, so that
    their later bare mentions ("Lechin said", "the UAW") are not taken for employers either."""

    people: set[str] = field(default_factory=set)
    bodies: set[str] = field(default_factory=set)

    def note_person(self, name: str) -> None:
        self.people.add(name.split()[-1])

    def note_body(self, name: str, after: str) -> None:
        self.bodies.add(name)
        acronym = re.match(r"^\s*(?:,\s*|\(\s*)([A-Z]{2,6})\b", after)
        if acronym:
            self.bodies.add(acronym.group(1))

    def rejects(self, span: NameSpan) -> bool:
        if span.certain:
            return False
        words = span.text.split()
        return span.text in self.bodies or (len(words) <= 2 and words[-1] in self.people)


def _employer_names(
    sentence: Sentence,
    doc_names: _DocNames,
    rejected: _Rejected | None = None,
    found: list[Entity] | None = None,
    recurrence: Callable[[str], int] = lambda _name: 0,
) -> list[NameSpan]:
    text = sentence.text
    rejected = rejected if rejected is not None else _Rejected()
    for m in re.finditer(r"\b(?:Mr|Mrs|Ms|Dr)\.?\s+([A-Z][\w'-]+)", text):
        rejected.note_person(m.group(1))
    if _is_upper(text):
        # Headlines in capitals: look for names the body spells out, and short acronyms.
        spans: list[NameSpan] = []
        for group in doc_names.groups:
            for name in group:
                pos = text.find(name.upper())
                if pos >= 0 and (pos == 0 or not text[pos - 1].isalnum()):
                    spans.append(NameSpan(pos, pos + len(name), text[pos : pos + len(name)], False))
                    break
        lead = _HEADLINE_SUBJECT.match(text)
        if lead and not any(s.start == 0 for s in spans):
            subject = lead.group(1)
            subject_words = subject.split()
            while len(subject_words) > 1 and subject_words[0].title() in DEMONYMS:
                subject_words = subject_words[1:]
            subject = " ".join(subject_words)
            known = next(
                (n for g in doc_names.groups for n in g if n.upper().startswith(subject) or same_company(n, subject.title())),
                None,
            )
            if (
                (known is not None or subject.split()[0] not in _HEADLINE_WORDS)
                and not _NON_EMPLOYER_WORDS.search(subject.title())
                and not is_common_word(subject)
            ):
                shown = known or (subject if len(subject) <= 4 else subject.title())
                start = text.find(subject)
                spans.append(NameSpan(start, start + len(subject), shown, True))
        return sorted(spans, key=lambda s: s.start)
    result = []
    for span in find_names(text):
        before = text[max(0, span.start - 40) : span.start]
        after = text[span.end : span.end + 80]
        if _PERSON_BEFORE.search(before) or _PERSON_AFTER.match(after):
            rejected.note_person(span.text)
            continue
        if re.search(r"\b(?:of|for)\s+$", before) and re.search(r"(?i)(?:president|chief|head|director|minister|secretary)\s+of\s+$", before):
            continue  # "vice president of Alexa and Fire TV" is a title
        if re.search(r"(?i)\bunion,?\s+$", before):
            rejected.note_body(span.text, after)
            continue  # "the metalworkers' trade union, IG Metall"
        if (_NON_EMPLOYER_WORDS.search(span.text) and not span.certain) or re.match(
            r"^(?:[’']s?)?\s+(?:\w+\s+)?(?:union|officials?\s+\w+\s+\w+\s+said)\b", after, re.IGNORECASE
        ):
            rejected.note_body(span.text, after)
            continue
        if _MEDIA.search(span.text) and (_SOURCE_BEFORE.search(before) or _SOURCE_AFTER.match(after)):
            continue
        if found is not None:
            label = label_of(span.start, span.end, found)
            if (
                label in NOT_EMPLOYER and not span.certain and not is_known(span.text)
                and not _ACTS_AS_EMPLOYER.match(after)
                and not JOBS_AT.search(before)
                # A name the story repeats bare, never with "Mr" or "Ms", is not a person's:
                # the small model misreads unfamiliar company names.
                and not (label == "PERSON" and recurrence(span.text) >= 3)
            ):
                if label == "PERSON":
                    rejected.note_person(span.text)
                continue
            if label == "ORG":
                span = NameSpan(span.start, span.end, span.text, True)
        if re.match(r"^\s+(?:games|brands?|models?|series|films?|franchise|products|software|apps?|phones?|cars|trucks)\b", after):
            continue  # "the Harry Potter games": a product, not its maker
        words = span.text.split()
        if (
            2 <= len(words) <= 3 and not span.certain and _PERSON_SPEAKS.match(after)
            and all(w[:1].isupper() and w[1:].islower() for w in words)
        ):
            rejected.note_person(span.text)
            continue  # "Barry Fitzpatrick said": a person speaking
        result.append(span)
    return _join_of_and(result, text)


def _join_of_and(spans: list[NameSpan], text: str) -> list[NameSpan]:
    """'Department of Trade' + 'Industry' -> 'Department of Trade and Industry'."""
    joined: list[NameSpan] = []
    for span in spans:
        if joined:
            prev = joined[-1]
            if text[prev.end : span.start] == " and " and re.search(r"\s(?:of|for)\s", prev.text):
                joined[-1] = NameSpan(prev.start, span.end, text[prev.start : span.end], prev.certain)
                continue
        joined.append(span)
    return joined


def _filter_employers(names: list[NameSpan], text: str, counts: dict[str, int]) -> list[NameSpan]:
    return [n for n in names if looks_like_employer(n, text, counts.get(owner_key(n.text), 0))]


def _lists_employers(text: str, names: list[NameSpan]) -> bool:
    """A figure over a list of distinct employers ("at tech giants, including Alphabet,
    Microsoft, Amazon and Meta") is a statistic about many employers, not one layoff."""
    cue = _LIST_CUE.search(text)
    if not cue:
        return False
    listed_after = {owner_key(n.text) for n in names if n.start >= cue.end()}
    return len(listed_after) >= 2


def _is_speaker(span: NameSpan, text: str) -> bool:
    if _is_upper(text):
        return False  # "KRUPP SAYS 2,000 STEEL JOBS TO GO": the headline's subject
    return bool(_SPEAKER_AFTER.match(text[span.end : span.end + 90]))


_JOBS_THEN_AT = re.compile(
    r"\b(?:jobs?|positions?|posts?|employees|workers|staff|people|personnel|redundancies|layoffs|"
    r"miners|reporters|journalists|lost|go|cut|axed|shed|affected)\b(?:\s+[\w-]+){0,6}?\s+(?:at|from|of|by)\s+(?:the\s+)?(?:[\w-]+\s+){0,4}$",
    re.IGNORECASE,
)
_CLAUSE_BREAK = re.compile(r";|\bwhile\b|\bbut\b|\bwhereas\b|\bafter\b|\bdespite\b")


def _choose_employer(text: str, anchor: int, names: list[NameSpan]) -> NameSpan | None:
    if not names:
        return None
    # "jobs at Marsh & McLennan", "employees of CBS News"
    for span in names:
        if 0 <= span.start - anchor <= 90:
            between = text[anchor : span.start]
            if (
                re.search(r"\b(?:at|from|of|by)\s+(?:the\s+)?(?:[\w-]+\s+){0,4}$", between)
                # the preposition hangs on the jobs ("jobs will be lost at X"), not on some
                # other noun ("jobs following its takeover of X")
                and _JOBS_THEN_AT.search(between)
                and "," not in between[-40:]
                # another figure or clause in between belongs to another claim
                and not re.search(r"\s\d", re.sub(r"^\D*[\d,.]+", "", between))
                and not _CLAUSE_BREAK.search(between)
            ):
                return span
    # "MG Rover's Midlands plant will close", with no comma between owner and figure
    for span in reversed(names):
        if (
            span.end <= anchor
            and anchor - span.end <= 70
            and re.match(r"^[’']s\b", text[span.end : span.end + 3])
            and "," not in text[span.end : anchor]
            and not _owns_next_name(span, names, text)
        ):
            return span
    candidates = [
        s for s in names
        if not _is_speaker(s, text) and not _owns_next_name(s, names, text) and not _is_apposition(s, text)
    ]
    clauses = [m.end() for m in _CLAUSE_BREAK.finditer(text, 0, anchor)]
    clause_start = clauses[-1] if clauses else 0
    before = [s for s in candidates if clause_start <= s.start and s.end <= anchor + 1]
    if before:
        return before[0]  # the subject of the clause that carries the figure
    earlier = [s for s in candidates if s.end <= anchor + 1]
    if earlier:
        return earlier[-1]
    after = [s for s in candidates if s.start >= anchor]
    return after[0] if after else None


def _owns_next_name(span: NameSpan, names: list[NameSpan], text: str) -> bool:
    """'Texas Air Corp's Eastern Airlines subsidiary': the owner is context, not the employer."""
    if not re.match(r"^[’']s\s", text[span.end : span.end + 3]):
        return False
    return any(0 < n.start - span.end <= 4 for n in names)


def _is_apposition(span: NameSpan, text: str) -> bool:
    """'Alphabet, Google's parent company, ...': the name inside the commas describes another."""
    before = text[max(0, span.start - 2) : span.start]
    after = text[span.end : span.end + 40]
    return before.endswith(", ") and bool(re.match(r"^[’']s\s+(?:\w+\s+){0,2}(?:parent|owner|unit|subsidiary)", after))


def _workforce_percents(text: str) -> list[tuple[int, float]]:
    found = []
    for m in PERCENT_RE.finditer(text):
        value = percent_value(m)
        if value is None or value > 100:
            continue
        after = text[m.end() : m.end() + 60]
        before = text[max(0, m.start() - 60) : m.start()]
        if _WORKFORCE_AFTER.match(after) or _WORKFORCE_BEFORE.search(before):
            found.append((m.start(), value))
    return found


def _focus(doc_names: _DocNames, first_names: list[str]) -> set[int]:
    keys = {i for name in first_names if (i := doc_names.find(name)) is not None}
    if keys:
        return keys
    if doc_names.counts:
        best = max(range(len(doc_names.counts)), key=lambda i: doc_names.counts[i])
        return {best}
    return set()


def _date_for(claim: _Claim, published: date | None) -> tuple[str | None, str | None]:
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


def extract_document(doc: Document) -> Extraction:
    if doc.language and doc.language not in SUPPORTED_LANGUAGES:
        return Extraction(doc, [], f"skipped: language {doc.language} is not extracted yet")
    if not may_contain_layoff(doc.text):
        return Extraction(doc, [], "no layoff terms")
    sentences = split_sentences(doc.text)
    doc_names = _DocNames()
    rejected = _Rejected()
    # The recognizer runs on the lead and on sentences that may carry a claim.
    found_triggers = [_sentence_triggers(s.text) for s in sentences]
    if not any(found_triggers):
        return Extraction(doc, [], "extracted")
    # The recognizer only ever rejects a capitalized candidate, so sentences without one
    # (and sentences outside the lead without a trigger) are not worth its time.
    wanted = [
        i for i, s in enumerate(sentences)
        if (i < 2 or found_triggers[i]) and not _is_upper(s.text) and find_names(s.text)
    ]
    labelled = dict(zip(wanted, entities([sentences[i].text for i in wanted]), strict=True))
    def recurrence(name: str) -> int:
        first = name.split()[0]
        if re.search(rf"\b(?:Mr|Mrs|Ms|Dr)\.?\s+{re.escape(name.split()[-1])}\b", doc.text):
            return 0
        return len(re.findall(rf"\b{re.escape(first)}\b", doc.text))

    raw_names = [
        [] if _is_upper(s.text) else _employer_names(s, doc_names, rejected, labelled.get(i), recurrence)
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
        kept = _filter_employers(names, s.text, counts)
        for n in kept:
            doc_names.add(n.text)
        sentence_names.append(kept)
    for i, s in enumerate(sentences):
        if _is_upper(s.text):
            sentence_names[i] = _employer_names(s, doc_names)
    # Without a publication date, the latest year the story mentions stands in for it, so that
    # "after taking charge in 1999" in a 2004 story still reads as the past.
    years = [int(y) for y in re.findall(r"\b(19[5-9]\d|20[0-4]\d)\b", doc.text)]
    reference_year = doc.published_at.year if doc.published_at else (max(years) if years else None)
    first_names = [n.text for names in sentence_names[:2] for n in names]
    focus = _focus(doc_names, first_names)
    # Of the names in the lead, the one the story keeps returning to is its subject.
    focus_index = max(sorted(focus), key=lambda i: doc_names.counts[i]) if focus else None

    claims: list[_Claim] = []
    seen_groups: set[int] = set()
    last_subject: str | None = None
    for s, names, sentence_triggers in zip(sentences, sentence_names, found_triggers, strict=True):
        text = s.text
        previous_subject = last_subject
        actors = [
            n for n in names
            if (not _is_speaker(n, text) or re.match(r"^\s+said\s+(?:that\s+)?it", text[n.end:]))
        ]
        if actors:
            last_subject = actors[0].text
        triggers = sentence_triggers
        closing = closure_quantities(text) if triggers and _CLOSURE_ONLY.match(triggers[0].group(0)) else []
        quantities = closing or [
            jq for jq in job_quantities(text)
            if triggers and _in_trigger_clause(text, jq.anchor, triggers)
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
        listed = _lists_employers(text, names)
        pending: list[tuple[int, Quantity | None, float | None]] = []
        for jq in quantities:
            pct = next((v for p, v in percents if abs(p - jq.anchor) < 120), None)
            pending.append((jq.anchor, jq.quantity, pct))
        if not pending:
            claim_triggers = [t for t in triggers if not _TOPIC_AFTER.match(text[t.end() : t.end() + 30])]
            if not claim_triggers and not percents:
                continue  # "layoff benefits", "redundancy payments": the topic, not a cut
            anchor = percents[0][0] if percents else claim_triggers[0].start()
            pending.append((anchor, None, percents[0][1] if percents else None))
        for anchor, quantity, pct in pending:
            employers: list[NameSpan | None]
            if listed and quantity is None:
                employers = [n for n in names if not _is_speaker(n, text)] or [None]
            elif listed:
                employers = [None]
            else:
                employer_span = _choose_employer(text, anchor, names)
                if quantity is None and employer_span is not None and employer_span.start > anchor and not re.search(
                    r"\b(?:at|of|from)\s+(?:the\s+)?(?:[\w-]+\s+){0,4}$", text[anchor : employer_span.start]
                ):
                    # A bare mention with a name elsewhere in the sentence is about that name
                    # only when it is the story's subject ("the news follows similar layoffs").
                    group_after = doc_names.find(employer_span.text)
                    if group_after is None or group_after not in focus or "," in text[anchor : employer_span.start]:
                        employer_span = None
                employers = [employer_span]
            for employer in employers:
                if employer is not None and re.match(r"^[’']?s?\s+(?:\w+\s+){0,2}(?:industry|industries|sector|sectors)\b", text[employer.end : employer.end + 40]):
                    employer = None  # "the EC steel industry has shed 240,000 jobs": a statistic
                    listed_industry = True
                else:
                    listed_industry = False
                employer_text = employer.text if employer else None
                if employer is None and not listed_industry and _PUBLIC_EMPLOYER.search(text):
                    employer_text = "civil service"  # the state as employer, named by its staff
                if employer_text is None and not listed and not listed_industry:
                    anaphor = _ANAPHOR.search(text)
                    if anaphor and (previous_subject or focus_index is not None):
                        # "the airline" is the story's subject; "it" the employer just named
                        pronoun = anaphor.group(0).lower() in ("it", "its")
                        typed = _typed_referent(anaphor.group(0), doc_names)
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
                    elif not _AGGREGATE_CUE.search(text) and focus_index is not None and (
                        s.index > 0 or _DESCRIPTOR.search(text)
                    ):
                        employer_text = doc_names.fullest(focus_index)
                if quantity is not None and employer_text and (quantity.value or 0) > _LARGEST_EMPLOYER:
                    continue  # no single employer has this many staff: a money or output figure
                claim = _Claim(s, anchor, quantity, pct, employer, employer_text)
                claim.explicit = employer is not None
                group = doc_names.find(employer_text) if employer_text else None
                # The first figure given for the story's subject is the news itself.
                lead = group is not None and (group in focus and group not in seen_groups)
                if group is not None and quantity is not None:
                    seen_groups.add(group)
                claim.date = _nearest_date(text, anchor, doc.published_at)
                date_is_past = claim.date is not None and (
                    claim.date.past_marker
                    or (doc.published_at is None and reference_year is not None and claim.date.value[:4].isdigit()
                        and int(claim.date.value[:4]) < reference_year)
                )
                segment = _segment(text, anchor, [q.start for _, q, _ in pending if q is not None])
                # A sentence's time frame covers all its figures ("said earlier this month it
                # would cut 1,920 while 300 jobs will be lost at ...").
                date_is_past = date_is_past or (segment != text and _sentence_is_past(text, doc.published_at))
                claim.kind = classify(segment, lead=lead, date_is_past=date_is_past, has_company=employer_text is not None)
                _enrich(claim, text)
                claim.confidence = 0.9 if (employer and quantity) else 0.7 if quantity or employer else 0.5
                if quantity is None and pct is None and claim.kind == "new" and s.index > 2 and not _subject_cuts(text, employer):
                    # Outside the lead, a figureless "new" cut is nearly always commentary
                    # ("talks about job cuts", "the cuts in jobs") unless its employer does it.
                    claim.kind = "note"
                claims.append(claim)
    merged = [c for c in _merge(claims, doc_names) if c.kind != "note"]
    return Extraction(doc, [_to_mention(c, doc, doc_names) for c in merged], "extracted")


_CLAUSE_EDGE = re.compile(r"[;:]|,\s|\s--?\s|\s-\s|\bwhile\b|\bbut\b|\bwhereas\b")


def _in_trigger_clause(text: str, anchor: int, triggers: list[re.Match[str]]) -> bool:
    """A figure counts jobs cut only when a cut is asserted in its own clause: in "14,000
    people have been moved ..., headquarters staff positions were cut by 7,000" the 14,000
    is not a cut."""
    edges = [0] + [m.end() for m in _CLAUSE_EDGE.finditer(text)] + [len(text)]
    start = max(e for e in edges if e <= anchor)
    end = min((m.start() for m in _CLAUSE_EDGE.finditer(text, anchor)), default=len(text))
    return any(t.start() < end and t.end() > start for t in triggers) or any(
        abs(anchor - t.start()) <= 40 for t in triggers
    )


# "the airline" refers to the Airways among the story's names, not to its parent company.
_KIND_WORDS = {
    "airline": ("air", "airways", "airlines"),
    "carrier": ("air", "airways", "airlines"),
    "bank": ("bank", "banque", "banco", "bancorp"),
    "carmaker": ("motor", "motors", "auto", "automobiles"),
    "automaker": ("motor", "motors", "auto", "automobiles"),
    "insurer": ("insurance", "assurance"),
    "steelmaker": ("steel", "stahl"),
    "newspaper": ("times", "news", "post", "journal", "herald", "telegraph"),
}


_CLOSURE_ONLY = re.compile(r"(?i)(?:clos|shut|phas)")


def _sentence_triggers(text: str) -> list[re.Match[str]]:
    """Where the sentence asserts a cut; a site closure counts when it states the site's staff."""
    found = [t for t in strong_triggers(text) if not negated(text, t.start())]
    if not found and closure_quantities(text):
        closing = _CLOSURE_ONLY.search(text)
        if closing and not negated(text, closing.start()):
            found = [closing]
    return found


def _typed_referent(anaphor: str, doc_names: _DocNames) -> str | None:
    words = _KIND_WORDS.get(anaphor.lower().split()[-1])
    if not words:
        return None
    matching = [
        i for i, group in enumerate(doc_names.groups)
        if any(w.lower().strip(".,") in words for name in group for w in name.split())
    ]
    if len(matching) != 1:
        return None  # none, or ambiguous: leave it to the story's subject
    return doc_names.fullest(matching[0])


def _subject_cuts(text: str, employer: NameSpan | None) -> bool:
    """'Continental will reduce expenses through job cuts': the named employer is the subject
    of the cutting verb, with no speaker or other clause in between."""
    if employer is None:
        return False
    rest = text[employer.end : employer.end + 80]
    return bool(
        re.match(
            r"^(?:[’']s)?\s+(?:also\s+)?(?:said\s+(?:that\s+)?it\s+)?(?:is|was|will|would|plans?\s+to|has|had|to)?\s*(?:\w+\s+){0,2}?"
            r"(?:cut|cutting|reduc\w*|lay\w*|laid|shed\w*|eliminat\w*|trim\w*|slash\w*|ax\w*|sack\w*|dismiss\w*|reorganiz\w*|restructur\w*)\b",
            rest,
            re.IGNORECASE,
        )
    )


def _segment(text: str, anchor: int, anchors: list[int]) -> str:
    """The part of a sentence that belongs to one figure when a sentence carries several
    ("had already cut 9,000, bringing the total to 27,000")."""
    if len(anchors) <= 1:
        return text
    ordered = sorted(anchors)
    i = ordered.index(anchor) if anchor in ordered else 0
    start = 0 if i == 0 else ordered[i - 1] + 1
    end = ordered[i + 1] if i + 1 < len(ordered) else len(text)
    comma = text.find(",", anchor)
    if 0 <= comma < end:
        end = comma
    # The words right after the previous figure still describe it ("9,000 employees,").
    if i > 0:
        comma = text.find(",", start)
        start = comma + 1 if 0 <= comma < anchor else start
    return text[start:end]


def _sentence_is_past(text: str, published: date | None) -> bool:
    return any(d.past_marker and not d.future for d in find_dates(text, published)) or bool(
        PAST_RE.search(text) or COSTS_RE.search(text)
    )


def _nearest_date(text: str, anchor: int, published: date | None) -> ResolvedDate | None:
    # Only a date near the figure dates it ("cut 850 in 1986", not "its takeover last week").
    dates = [d for d in find_dates(text, published) if not d.future and anchor - 150 <= d.start <= anchor + 80]
    if not dates:
        return None
    return min(dates, key=lambda d: abs(d.start - anchor))


def _enrich(claim: _Claim, text: str) -> None:
    for unit in find_units(text):
        if unit not in claim.units:
            claim.units.append(unit)
    for loc in find_locations(text):
        if loc not in claim.locations:
            claim.locations.append(loc)
    if claim.reason is None:
        claim.reason = find_reason(text)


def _range(c: _Claim) -> tuple[int | None, int | None]:
    if c.quantity is None:
        return None, None
    return c.quantity.minimum, c.quantity.maximum


def _overlap(a: _Claim, b: _Claim) -> bool:
    (alo, ahi), (blo, bhi) = _range(a), _range(b)
    lo1, hi1 = alo if alo is not None else ahi, ahi if ahi is not None else alo
    lo2, hi2 = blo if blo is not None else bhi, bhi if bhi is not None else blo
    if lo1 is None or lo2 is None or hi1 is None or hi2 is None:
        return False
    return lo1 <= hi2 and lo2 <= hi1


def _merge(claims: list[_Claim], doc_names: _DocNames) -> list[_Claim]:
    """One claim repeated in several sentences of an article is one claim."""
    kept: list[_Claim] = []
    for c in claims:
        group = doc_names.find(c.employer_text) if c.employer_text else None
        target: _Claim | None = None
        for k in kept:
            kgroup = doc_names.find(k.employer_text) if k.employer_text else None
            if kgroup != group or (group is None and c.employer_text != k.employer_text):
                continue
            if c.quantity and k.quantity and _overlap(c, k):
                target = k
                break
            if (
                c.quantity is None and group is not None and 0 < c.sentence.index - k.sentence.index <= 2
                and c.kind in (k.kind, "new")
            ):
                target = k  # a follow-up remark about the claim just made
                break
            if k.kind != c.kind:
                continue
            if c.quantity is None and (k.quantity is not None or k.sentence.index != c.sentence.index):
                target = k
                break
            if k.quantity is None and c.quantity is not None and (
                k.sentence.paragraph == c.sentence.paragraph or k.sentence.index <= 1
            ):
                k.quantity, k.sentence, k.anchor, k.percent = c.quantity, c.sentence, c.anchor, c.percent or k.percent
                k.date, k.employer_text = c.date, c.employer_text
                target = k
                break
            if (
                c.quantity and k.quantity and group is not None and c.kind == k.kind != "cumulative"
                and c.sentence.index != k.sentence.index
                and (c.quantity.value or 0) < (k.quantity.value or 0)
                and not _ADDITIVE.search(c.sentence.text)
            ):
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
    return kept


def _to_mention(c: _Claim, doc: Document, doc_names: _DocNames) -> Mention:
    group = doc_names.find(c.employer_text) if c.employer_text else None
    company = doc_names.fullest(group) if group is not None else c.employer_text
    canonical = canonicalize(company) if company else None
    parent = canonical.parent if canonical and canonical.parent else None
    if canonical and not parent and normalize_company(canonical.name) != normalize_company(company or ""):
        parent = canonical.name  # Google -> Alphabet: the registry names the owner
    lo, hi = _range(c)
    approx = c.quantity.approx if c.quantity else False
    date_value, precision = _date_for(c, doc.published_at)
    return Mention(
        document_id=doc.id,
        employer_text=c.employer_text,
        company=company,
        parent=parent,
        canonical=canonical.name if canonical else None,
        kind=c.kind,
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
