"""Who is cutting: employer names in a story, people and bodies that are not employers, the
story's subject, and which name a figure belongs to ("jobs at X", "X's plant", "it")."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from headcount.extract.companies import (
    JOBS_AT,
    NameSpan,
    find_names,
    is_common_word,
    is_known,
    looks_like_employer,
    normalize_company,
    owner_key,
    same_company,
)
from headcount.extract.datafiles import alternation, word_pattern
from headcount.extract.ner import NOT_EMPLOYER, Entity, label_of
from headcount.extract.places import DEMONYMS, is_place
from headcount.extract.sentences import Sentence

_SPEAKER_AFTER = re.compile(
    r"^[’']?s?\s*(?:,[^,]{0,60},\s*)?(?:has\s+|had\s+|have\s+)?"
    rf"{alternation('speech_verbs')}\b"
    r"(?!(?:\s+\S+){0,4}?\s+(?:that\s+)?(?:it|its|the\s+company|they)\b)",
    re.IGNORECASE,
)


_PERSON_BEFORE = re.compile(
    rf"(?:\b(?:{alternation('person_titles')}|{alternation('person_roles')})\.?\s+)$",
    re.IGNORECASE,
)


# Grammar that only an employer fits, which outweighs the recognizer's guess ("Globex said it
# will lay off 500 workers" even if the model reads Globex as a person).
_ACTS_AS_EMPLOYER = re.compile(
    r"^(?:[’']s\s+(?:\w+\s+){0,2}"
    rf"{alternation('acts_as_employer_units')}|"
    r",\s+which\s+(?:\w+\s+){0,3}"
    rf"{alternation('which_verbs')}\b|"
    r"\s+(?:has\s+|had\s+)?(?:said|says|announced)\s+(?:on\s+\w+\s+)?(?:that\s+)?it\s+"
    rf"{alternation('it_verbs')}|"
    rf"\s+{alternation('about_to_cut')}\s+(?:{alternation('cut_objects')}|\d))",
    re.IGNORECASE,
)


_PERSON_SPEAKS = re.compile(rf"^\s+(?:has\s+|had\s+)?{alternation('person_speaks_verbs')}\b")


_PERSON_AFTER = re.compile(
    r"^,\s+(?:the\s+|a\s+|an\s+|its\s+|\w+[’']s\s+)?(?:\w+\s+){0,2}"
    rf"(?:spokes\w+|{alternation('person_roles_after')}|{alternation('person_roles')})\b",
    re.IGNORECASE,
)


_NON_EMPLOYER_WORDS = word_pattern("not_employer_words", flags=0)


# A newspaper or broadcaster as the source of a report, not as an employer.
_MEDIA = word_pattern("media", flags=0)


_SOURCE_BEFORE = re.compile(
    rf"{alternation('source_before')}\s+(?:the\s+)?$",
    re.IGNORECASE,
)


_SOURCE_AFTER = re.compile(
    r"^\s+(?:has\s+|had\s+)?(?:reported|reports|newspaper|said\s+in\s+a\s+report|Online)\b",
    re.IGNORECASE,
)


_LIST_CUE = re.compile(r"\b(?:including|such\s+as|like|among\s+them)\b", re.IGNORECASE)


@dataclass
class DocNames:
    """Every employer-like name in the document, grouped when they denote one employer."""

    groups: list[list[str]] = field(default_factory=list)
    counts: list[int] = field(default_factory=list)
    # "The Surinam Aluminum Company (SURALCO)": a short name the story defines for a long one
    defined: dict[str, str] = field(default_factory=dict)

    def define(self, text: str, names: list[NameSpan]) -> None:
        for span in names:
            short = re.match(
                rf"(?:\s+{alternation('defined_company_suffixes')}\b\.?)?\s*\(([A-Z][A-Za-z&]{{1,9}})\)",
                text[span.end : span.end + 30],
            )
            if short and short.group(1).lower() != span.text.lower():
                self.defined[short.group(1).lower()] = span.text

    def _expand(self, name: str) -> str:
        return self.defined.get(name.lower(), name)

    def add(self, name: str) -> int:
        name = self._expand(name)
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
        name = self._expand(name)
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
    r"^([A-Z][A-Z&.'-]*(?:\s+[A-Z][A-Z&.'-]*){0,3}?)\s+(?:<[^>]*>\s+)?"
    rf"{alternation('headline_verbs')}\b"
    # "SCHLUMBERGER LTD <SLB> 3RD QTR NET": the ticker marks the company whatever follows
    r"|^([A-Z][A-Z&.'-]*(?:\s+[A-Z][A-Z&.'-]*){0,3}?)\s+<[^>]*>"
)


# "TEXAS AIR'S <TEX> UNIT TO CUT STAFF": the unit cuts, and the body names it
_UNIT_OF = re.compile(r"^\S*[’']S\s+(?:<[^>]*>\s+)?(?:UNIT|SUBSIDIARY|ARM|DIVISION|AFFILIATE)\b")


_HEADLINE_WORDS = frozenset(
    [
        "THE",
        "A",
        "AN",
        "JOB",
        "JOBS",
        "NEW",
        "MORE",
        "US",
        "U.S.",
        "UK",
        "U.K.",
        "TOTAL",
        "SOME",
        "ALL",
    ]
)


@lru_cache(maxsize=4096)
def is_upper(text: str) -> bool:
    """A line in capitals (a newswire headline); asked many times of each sentence."""
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) / len(letters) > 0.8


@dataclass
class Rejected:
    """Names a document shows to be people or organisations that are not employers, so that
    their later bare mentions ("Lechin said", "the UAW") are not taken for employers either."""

    people: set[str] = field(default_factory=set)
    bodies: set[str] = field(default_factory=set)

    def note_person(self, name: str) -> None:
        self.people.add(name.split()[-1])

    def note_body(self, name: str, after: str) -> None:
        self.bodies.add(name)
        acronym = re.match(
            r"^\s*(?:\w+\s+)?(?:(?:union|federation|association|confederation)\s+)?(?:,\s*|\(\s*)([A-Z]{2,6})\b",
            after,
            re.I,
        )
        if acronym:
            self.bodies.add(acronym.group(1))

    def rejects(self, span: NameSpan) -> bool:
        if span.text in self.bodies:
            return True  # a union the story introduced stays a union, whatever the model says
        if span.certain:
            return False
        words = span.text.split()
        return span.text in self.bodies or (len(words) <= 2 and words[-1] in self.people)


def employer_names(
    sentence: Sentence,
    doc_names: DocNames,
    rejected: Rejected | None = None,
    found: list[Entity] | None = None,
    recurrence: Callable[[str], int] = lambda _name: 0,
) -> list[NameSpan]:
    text = sentence.text
    rejected = rejected if rejected is not None else Rejected()
    # People named by a title or role: "Mr Walsh", "Minister Herman Antelo", "negotiator Erik Solheim"
    for m in re.finditer(
        r"\b(?:Mr|Mrs|Ms|Dr|Minister|President|Chairman|Chancellor|Governor|Senator|leader|spokesman|"
        r"spokeswoman|official|negotiator|adviser|advisor|commissioner|candidate|professor|economist|lawyer|attorney|member|MP|envoy|ambassador|mayor)\.?\s+(?:[A-Z][\w'-]+\s+)?([A-Z][\w'-]+)",
        text,
    ):
        rejected.note_person(m.group(1))
    if is_upper(text):
        # Headlines in capitals: look for names the body spells out, and short acronyms.
        spans: list[NameSpan] = []
        for group in doc_names.groups:
            for name in group:
                pos = text.find(name.upper())
                if (
                    pos >= 0
                    and (pos == 0 or not text[pos - 1].isalnum())
                    and not _UNIT_OF.match(text[pos + len(name) :])
                ):
                    spans.append(NameSpan(pos, pos + len(name), text[pos : pos + len(name)], False))
                    break
        lead = _HEADLINE_SUBJECT.match(text)
        if lead and _UNIT_OF.match(
            text[len(re.sub(r"[’']S$", "", lead.group(1) or lead.group(2))) :]
        ):
            lead = None  # "TEXAS AIR'S <TEX> UNIT TO CUT STAFF": the unit cuts, the body names it
        if lead and not any(s.start == 0 for s in spans):
            subject = lead.group(1) or lead.group(2)
            subject_words = subject.split()
            while len(subject_words) > 1 and subject_words[0].title() in DEMONYMS:
                subject_words = subject_words[1:]
            subject = " ".join(subject_words)
            known = next(
                (
                    n
                    for g in doc_names.groups
                    for n in g
                    if n.upper().startswith(subject) or same_company(n, subject.title())
                ),
                None,
            )
            if (
                (known is not None or subject.split()[0] not in _HEADLINE_WORDS)
                and not _NON_EMPLOYER_WORDS.search(subject.title())
                and not is_common_word(subject)
                # "S. KOREA PLANS ...", "BRAZIL TO CUT ...": a country acts, not an employer
                and not is_place(re.sub(r"^[A-Z]\.\s*", "", subject).title())
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
        if re.search(r"\b(?:of|for)\s+$", before) and re.search(
            r"(?i)(?:president|chief|head|director|minister|secretary)\s+of\s+$", before
        ):
            continue  # "vice president of Alexa and Fire TV" is a title
        if re.search(
            r"(?i)\b(?:union,?|(?:lobby|trade|industry|employers[’']?)\s+(?:group|body|association|organi[sz]ation))\s+$",
            before,
        ):
            rejected.note_body(span.text, after)
            continue  # "the metalworkers' trade union, IG Metall"
        if (_NON_EMPLOYER_WORDS.search(span.text) and not span.certain) or re.match(
            r"^(?:[’']s?)?\s+(?:\w+\s+)?(?:union|officials?\s+\w+\s+\w+\s+said)\b"
            # "IG Metall, the metalworkers' trade union"
            r"|^,\s+(?:the\s+|a\s+)?(?:[\w'’-]+\s+){0,3}(?:union|federation|confederation)\b",
            after,
            re.IGNORECASE,
        ):
            rejected.note_body(span.text, after)
            continue
        if _MEDIA.search(span.text) and (
            _SOURCE_BEFORE.search(before) or _SOURCE_AFTER.match(after)
        ):
            continue
        if re.search(r"(?i)\baccording\s+to\s+(?:the\s+)?$", before):
            continue  # the source of a figure, not its employer
        if found is not None:
            label = label_of(span.start, span.end, found)
            if (
                label in NOT_EMPLOYER
                and not span.certain
                and not is_known(span.text)
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
        if re.match(
            r"^(?:/[\w-]+)?\s+(?:games|brands?|models?|series|films?|franchise|products|software|apps?|phones?|cars|trucks|"
            r"polls?|survey|news\s+broadcast|broadcast|programme|program|show|index)\b",
            after,
            re.IGNORECASE,
        ) or re.match(r"^\s+(?:<[^>]*>\s+)?[A-Z]?-?\d{3}", after):
            continue  # "the Harry Potter games", "Boeing Co 727-100's", "an Eyewitness poll": a product
        words = span.text.split()
        if (
            2 <= len(words) <= 3
            and not span.certain
            and _PERSON_SPEAKS.match(after)
            and all(w[:1].isupper() and w[1:].islower() for w in words)
        ):
            rejected.note_person(span.text)
            continue  # "Barry Fitzpatrick said": a person speaking
        result.append(span)
    return _with_public_bodies(_join_of_and(result, text), text)


_CAPW = r"[A-Z][\w'’-]*"
# "the Department of the Environment, Food and Rural Affairs", "Department of Trade and
# Industry": a government department is an employer, named with its commas and "and"s.
_PUBLIC_BODY = re.compile(
    rf"\b(?:Department|Ministry|Office)\s+(?:of|for)\s+(?:the\s+)?{_CAPW}(?:\s+{_CAPW})*"
    rf"(?:(?:,\s+{_CAPW}(?:\s+{_CAPW})*)*\s+(?:and|&)\s+{_CAPW}(?:\s+{_CAPW})*)?"
)


def _with_public_bodies(spans: list[NameSpan], text: str) -> list[NameSpan]:
    bodies = [NameSpan(m.start(), m.end(), m.group(0), True) for m in _PUBLIC_BODY.finditer(text)]
    if not bodies:
        return spans
    kept = [n for n in spans if not any(b.start <= n.start and n.end <= b.end for b in bodies)]
    return sorted(kept + bodies, key=lambda n: n.start)


def _join_of_and(spans: list[NameSpan], text: str) -> list[NameSpan]:
    """'Department of Trade' + 'Industry' -> 'Department of Trade and Industry'."""
    joined: list[NameSpan] = []
    for span in spans:
        if joined:
            prev = joined[-1]
            if text[prev.end : span.start] == " and " and re.search(r"\s(?:of|for)\s", prev.text):
                joined[-1] = NameSpan(
                    prev.start, span.end, text[prev.start : span.end], prev.certain
                )
                continue
        joined.append(span)
    return joined


def filter_employers(names: list[NameSpan], text: str, counts: dict[str, int]) -> list[NameSpan]:
    return [n for n in names if looks_like_employer(n, text, counts.get(owner_key(n.text), 0))]


def lists_employers(text: str, names: list[NameSpan]) -> bool:
    """A figure over a list of distinct employers ("at tech giants, including Alphabet,
    Microsoft, Amazon and Meta") is a statistic about many employers, not one layoff."""
    cue = _LIST_CUE.search(text)
    if not cue:
        return False
    listed_after = {owner_key(n.text) for n in names if n.start >= cue.end()}
    return len(listed_after) >= 2


def is_speaker(span: NameSpan, text: str) -> bool:
    if is_upper(text):
        return False  # "KRUPP SAYS 2,000 STEEL JOBS TO GO": the headline's subject
    return bool(_SPEAKER_AFTER.match(text[span.end : span.end + 90]))


_JOBS_THEN_AT = re.compile(
    rf"\b{alternation('jobs_nouns_at')}\b"
    r"(?:\s+[\w-]+){0,6}?\s+(?:at|from|of|by)\s+(?:the\s+)?(?:[\w-]+\s+){0,4}$",
    re.IGNORECASE,
)


_CLAUSE_BREAK = re.compile(r";|\bwhile\b|\bbut\b|\bwhereas\b|\bafter\b|\bdespite\b|,\s+and\b")


def attached_employer(text: str, anchor: int, names: list[NameSpan]) -> NameSpan | None:
    """The name the jobs themselves belong to: "jobs at Marsh & McLennan", "employees of CBS"."""
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
    return None


# "The company said ...", "It will ...", "The firm, which is 70 pct owned by X, said ...":
# the sentence's subject is the employer already in view, whatever names follow.
SUBJECT_ANAPHOR = re.compile(
    r"^(?:The\s+(?:[\w-]+\s+)?(?:company|firm|group|bank|airline|carrier|carmaker|automaker|maker|"
    r"corporation|unit|subsidiary|retailer|insurer|concern)|It)\b(?:,[^,]{0,90},)?\s+(?:also\s+)?"
    r"(?:said|says|will|would|plans?|planned|is|was|has|had|expects|intends|wants|announced)\b"
)


def choose_employer(text: str, anchor: int, names: list[NameSpan]) -> NameSpan | None:
    if not names:
        return None
    attached = attached_employer(text, anchor, names)
    if attached is not None:
        return attached
    # "MG Rover's Midlands plant will close", with no comma between owner and figure
    for span in reversed(names):
        if (
            span.end <= anchor
            and anchor - span.end <= 70
            and re.match(r"^[’']s\b", text[span.end : span.end + 3])
            and "," not in text[span.end : anchor]
            and not owns_next_name(span, names, text)
        ):
            return span
    candidates = [
        s
        for s in names
        if not is_speaker(s, text)
        and not owns_next_name(s, names, text)
        and not _is_apposition(s, text)
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
    if after:
        return after[0]
    # "SBC said 5,125 positions would go", "Makita, a maker of tools, said if ... it would
    # lay off": a company opening the sentence speaks of its own jobs when no other is named.
    opening = [
        s
        for s in names
        if s.start <= 4 and s.end <= anchor and not re.match(r"^[’']s\b", text[s.end : s.end + 2])
    ]
    if opening and (
        _LEGAL_SUFFIX.search(opening[0].text)
        or is_known(opening[0].text)
        or opening[0].text.isupper()
    ):
        return opening[0]  # marked as a company, not a person the recognizer took for one
    return None


_LEGAL_SUFFIX = re.compile(rf"\b{alternation('legal_suffixes')}\.?$")


def owns_next_name(span: NameSpan, names: list[NameSpan], text: str) -> bool:
    """'Texas Air Corp's Eastern Airlines subsidiary': the owner is context, not the employer."""
    if not re.match(r"^[’']s\s", text[span.end : span.end + 3]):
        return False
    return any(0 < n.start - span.end <= 4 for n in names)


def _is_apposition(span: NameSpan, text: str) -> bool:
    """'Alphabet, Google's parent company, ...': the name inside the commas describes another."""
    before = text[max(0, span.start - 2) : span.start]
    after = text[span.end : span.end + 40]
    return before.endswith(", ") and bool(
        re.match(r"^[’']s\s+(?:\w+\s+){0,2}(?:parent|owner|unit|subsidiary)", after)
    )


def focus_groups(doc_names: DocNames, first_names: list[str]) -> set[int]:
    keys = {i for name in first_names if (i := doc_names.find(name)) is not None}
    if keys:
        return keys
    if doc_names.counts:
        best = max(range(len(doc_names.counts)), key=lambda i: doc_names.counts[i])
        return {best}
    return set()


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
    "lab": ("lab", "labs", "laboratory", "laboratories"),
    "labs": ("lab", "labs", "laboratory", "laboratories"),
}


def typed_referent(anaphor: str, doc_names: DocNames) -> str | None:
    words = _KIND_WORDS.get(anaphor.lower().split()[-1])
    if not words:
        return None
    matching = [
        i
        for i, group in enumerate(doc_names.groups)
        if any(w.lower().strip(".,") in words for name in group for w in name.split())
    ]
    if len(matching) != 1:
        return None  # none, or ambiguous: leave it to the story's subject
    return doc_names.fullest(matching[0])


def subject_cuts(text: str, employer: NameSpan | None) -> bool:
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
