"""The parts of an employer a claim says are cut: divisions, teams, products, sites.

English names them in a few set ways next to a cut, and each pattern below reads one of them:
a determiner and a unit noun ("its Alexa and AI unit"), words modifying the staff the figure
counts ("74 newsroom staffers"), a name after that staff ("1,900 employees at Mobix"), the members
of a list under a unit kind ("departments including sales and marketing") and business functions
after a cut ("jobs in engineering, R&D"). The word lists live in data/pattern_words.json.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from headcount.extract.companies import same_company
from headcount.extract.datafiles import alternation, word_pattern
from headcount.extract.dates import MONTHS
from headcount.extract.places import DEMONYMS, find_places, is_place

_WORD = r"[\w’'&.-]+"
_STOP = alternation("unit_stop_words")
# "its Alexa and AI unit", "at the Lansing Buick-Oldsmobile-Cadillac plant", "in its music
# and gaming divisions": a determiner, up to six modifier words, a unit noun.
_UNIT_RE = re.compile(
    rf"\b{alternation('unit_lead_words')}\s+"
    rf"(?:an?\s+)?"  # "closed a small metal can manufacturing plant"
    rf"((?:(?!{_STOP}\b)[\w’'&.,-]+\s+){{0,6}}?{alternation('unit_nouns')}(?:\s+{alternation('unit_nouns')})?)\b"
    r"(?!\s+(?-i:[A-Z][a-z]))",  # "the Washington Business Journal": a name's word, not a unit
    re.IGNORECASE,
)
# "divisions, including Assistant, hardware, ads, and more": the members are the units.
_SUCH_AS_RE = re.compile(
    rf"\b{alternation('unit_kinds')},?\s+(?:such\s+as|including|like)\s+([^.;:()]+)",
    re.IGNORECASE,
)
# "recruitment, training, finance, among other teams": the members come first.
_AMONG_OTHER_RE = re.compile(
    rf"((?:{_WORD}\s+){{0,2}}{_WORD}(?:,\s+(?:{_WORD}\s+){{0,2}}{_WORD})+),?\s+"
    rf"(?:among|and|or)\s+other\s+{alternation('unit_kinds')}",
    re.IGNORECASE,
)
_INCLUDING_CUTS_RE = re.compile(
    r"\b(?:cuts?|layoffs|jobs|losses)\s+(?:\w+\s+){0,2}(?:in|at)\s+(?:its|the)\s+([^.;]+?)(?:[.;]|$)",
    re.IGNORECASE,
)
_STAFF = alternation("staff_nouns")
# "1,000 jobs in engineering, R&D, management": business functions named after the cut.
_FUNCTIONS_RE = re.compile(
    rf"\b(?:{_STAFF}|cuts|layoffs|redundancies)\)?\s+(?:in|across|from|within)\s+(?:its\s+|the\s+)?"
    rf"((?={alternation('business_functions')}\b)[^.;:()]+)",
    re.IGNORECASE,
)
# "74 newsroom staffers", "hundreds of corporate employees", "its support workforce": the
# words between the figure (or determiner) and the staff noun say which staff.
_STAFF_MODIFIER_RE = re.compile(
    rf"(?:\d[\d,.]*%?|\b(?:of|its|their|the)|[’']s)\s+((?:[A-Za-z][\w&’'-]*\s+){{1,3}}?){_STAFF}\b"
    rf"(?!\s+{alternation('job_loss_nouns')}|\s+{alternation('follow_up_nouns')})",  # "workforce reduction"
    re.IGNORECASE,
)
_CLASS = alternation("employer_class_nouns")
# "380 tech firms have laid off", "tech companies in the US have made 134,000 job cuts",
# "workers at U.S.-based tech companies": a class of employers cutting, named by its trade.
_EMPLOYER_CLASS_RE = re.compile(
    rf"\b((?:[A-Za-z][\w&’'.-]*\s+){{1,2}}?){_CLASS}\s+(?:[\w.]+\s+){{0,4}}?"
    rf"(?:have\s+|has\s+|had\s+)?(?:collectively\s+)?{alternation('class_cut_verbs')}\b"
    rf"|\b{_STAFF}\s+(?:at|from)\s+((?:[A-Za-z][\w&’'.-]*\s+){{1,3}}?){_CLASS}\b",
    re.IGNORECASE,
)
_NAME = r"[A-Z][\w&’'-]*(?:\s+[A-Z][\w&’'-]*)*"
# "1,900 employees from Mobix and Gamebox", "jobs across Mobix and Gamebox", "60 program
# managers at Mobix": the employer's parts named after the staff the figure counts.
_STAFF_AT_NAME_RE = re.compile(
    rf"(?:\b(?i:{_STAFF})|\d[\d,]*\s+(?:[a-z-]+\s+){{0,3}}[a-z]+s)\s+(?:at|from|across|within)\s+(?:its\s+)?"
    rf"({_NAME}(?:(?:,\s+|,?\s+and\s+|\s+&\s+){_NAME})*)(?![’'\w-]|\.\w)"
)
_LIST_SPLIT = re.compile(r",?\s+(?:and|or)\s+(?:even\s+)?|,\s*|\s+&\s+(?=[a-z])", re.IGNORECASE)
_LIST_END = re.compile(rf"(?:,?\s+{alternation('unit_list_ends')}\b.*|\s+)$", re.IGNORECASE)
_STOP_RE = re.compile(rf"\b{_STOP}\b", re.IGNORECASE)
_VAGUE = word_pattern("vague_unit_heads")
_NOT_MODIFIER = word_pattern("not_unit_modifiers")
_COMPANY_NOUN = word_pattern("company_nouns")
# "about 10% of its contractors", "4% of its journalists": the trade of the staff cut.
_SHARE_OF_OCCUPATION_RE = re.compile(
    rf"\d(?:[\d.]*)\s*(?:%|per\s*cent|percent)\s+of\s+(?:its|the|their)\s+"
    rf"((?:[a-z-]+\s+)?{alternation('occupation_nouns')})\b",
    re.IGNORECASE,
)
# "in the next three years": a span of time, not a part of the employer.
_TIME_UNIT = word_pattern("time_units")
# A bare generic noun or determiner is no unit of anything in particular.
_WEAK_UNIT = word_pattern("weak_units")
_DETERMINER = word_pattern("unit_determiners")


def _clean_unit(raw: str) -> str | None:
    words = raw.strip(" ,.").split()
    while words and (
        _DETERMINER.fullmatch(words[0])
        or words[0] in DEMONYMS
        or words[0].islower()
        and _NOT_MODIFIER.fullmatch(words[0])
    ):
        if _VAGUE.fullmatch(words[0]):
            return None  # "various departments": the members it lists are the units
        words = words[1:]
    owner = next((i for i, w in enumerate(words[:3]) if re.search(r"[’']s$", w)), None)
    if owner is not None:
        words = words[owner + 1 :]  # "Globex's Dayton plant": the owner is the employer
    if not words:
        return None
    text = " ".join(words).strip(" ,.")
    if (
        _WEAK_UNIT.fullmatch(text)
        or re.match(r"(?:same|other|new|total)\b|\d", text)
        or _VAGUE.fullmatch(words[0])
    ):
        return None
    return text


def _members(text: str) -> Iterator[str]:
    """The members of a list up to where the sentence moves on ("sales, and marketing, the
    company said" -> sales, marketing)."""
    text = _LIST_END.sub("", text)
    for part in _LIST_SPLIT.split(text):
        stop = _STOP_RE.search(part)
        member = part[: stop.start()] if stop else part
        cleaned = _clean_unit(member)
        if (
            cleaned
            and len(cleaned.split()) <= 4
            and not is_place(cleaned)
            and not _COMPANY_NOUN.fullmatch(cleaned.split()[-1])  # "at the e-commerce company"
            and not _TIME_UNIT.fullmatch(cleaned.split()[-1])
        ):
            yield cleaned
        if stop or not cleaned:
            return


def _not_modifier(word: str) -> bool:
    return bool(_NOT_MODIFIER.fullmatch(word) or _STOP_RE.fullmatch(word)) or word.lower() in MONTHS


def _staff_modifier(raw: str) -> str | None:
    raw = raw.strip()
    place = next((e for s, e, _ in find_places(raw) if s == 0), 0)
    words = raw[place:].split()  # "600 New York jobs": where, not which staff
    # "its global corporate workforce", "1,200 U.S. factory jobs": which staff, not how many
    # or where.
    while words and (
        _not_modifier(words[0]) or is_place(words[0]) or re.search(r"[-–]based$", words[0])
    ):
        words = words[1:]
    if not words or any(_not_modifier(w) or re.search(r"[’']s?$", w) for w in words):
        return None
    text = " ".join(words)
    if is_place(text) or any(s == 0 and e == len(text) for s, e, _ in find_places(text)):
        return None
    return _clean_unit(text)


def _named_parts(names: str, employers: Iterable[str]) -> Iterator[str]:
    # An owned company named after the staff is a unit of its owner ("Microsoft will cut 1,900
    # jobs at Activision"), so only the employer's own names are left out.
    if re.search(r"[’']s$", names):
        return  # "jobs at Globex's Ohio plant": the owner, whose unit follows
    for name in re.split(r",\s+|,?\s+and\s+|\s+&\s+", names):
        if (
            name.split()[0].lower() in MONTHS
            or re.search(r"[-–]based$", name)
            or is_place(name)
            or any(s == 0 and e == len(name) for s, e, _ in find_places(name))
            or any(same_company(name, e, by_registry=False) for e in employers)
        ):
            continue
        yield name


def find_units(sentence: str, employers: Iterable[str | None] = ()) -> list[str]:
    """The units `sentence` names; `employers` are the claim's employer names, which a name
    after the staff ("jobs at Globex") then is not a unit of."""
    known = [e for e in employers if e]
    units: list[str] = []
    for m in _SUCH_AS_RE.finditer(sentence):
        units.extend(_members(m.group(1)))
    for m in _AMONG_OTHER_RE.finditer(sentence):
        first, *rest = _LIST_SPLIT.split(m.group(1))
        # "Employees from recruitment, training": the first member starts after the preposition.
        first = _STOP_RE.split(first)[-1]
        units.extend(u for p in (first, *rest) if (u := _clean_unit(p)) and len(u.split()) <= 3)
    for m in _FUNCTIONS_RE.finditer(sentence):
        units.extend(_members(m.group(1)))
    for m in _UNIT_RE.finditer(sentence):
        cleaned = _clean_unit(m.group(1))
        if cleaned:
            units.append(cleaned)
    for m in _STAFF_MODIFIER_RE.finditer(sentence):
        cleaned = _staff_modifier(m.group(1))
        if cleaned:
            units.append(cleaned)
    for m in _EMPLOYER_CLASS_RE.finditer(sentence):
        cleaned = _staff_modifier(m.group(1) or m.group(2))
        if cleaned:
            units.append(cleaned)
    for m in _STAFF_AT_NAME_RE.finditer(sentence):
        units.extend(_named_parts(m.group(1), known))
    for m in _SHARE_OF_OCCUPATION_RE.finditer(sentence):
        cleaned = _clean_unit(m.group(1))
        if cleaned:
            units.append(cleaned)
    for m in _INCLUDING_CUTS_RE.finditer(sentence):
        for cleaned in _members(m.group(1)):
            if not any(cleaned in u for u in units):
                units.append(cleaned)
    seen: set[str] = set()
    result = []
    for u in units:
        key = u.lower()
        if key not in seen and not any(key in s for s in seen):
            seen.add(key)
            result.append(u)
    return result
