"""What a claim says about where, in which units and why: business units, locations, reasons."""

from __future__ import annotations

import re

from headcount.extract.datafiles import alternation
from headcount.extract.places import DEMONYMS, find_places

_UNIT_NOUN = (
    r"(?:unit|units|division|divisions|plant|plants|factory|factories|operations?|business|"
    r"businesses|department|departments|centre|center|centres|centers|team|teams|office|offices|"
    r"facility|facilities|mill|mills|mine|mines|subsidiary|arm|branch|branches|site|sites|"
    r"headquarters|studio|studios|platform|group|line|shipyard|yard|works|staff|newsroom|smelter|smelters|"
    r"refinery|refineries|store|stores|warehouse|warehouses|depot|depots)"
)
# "its Alexa and AI unit", "at the Lansing Buick-Oldsmobile-Cadillac plant", "in its music
# and gaming divisions": a determiner, up to six modifier words, a unit noun.
_UNIT_RE = re.compile(
    rf"\b{alternation('unit_lead_words')}\s+"
    rf"(?:an?\s+)?"  # "closed a small metal can manufacturing plant"
    rf"((?:(?!(?:the|a|an|its|of|to|for|by|with|that|which|who|and\s+the)\b)[\w’'&.,-]+\s+){{0,6}}?{_UNIT_NOUN})\b",
    re.IGNORECASE,
)
_SUCH_AS_RE = re.compile(
    rf"\b{alternation('unit_kinds')}\s+(?:such\s+as|including|like)\s+([^.;:]+)",
    re.IGNORECASE,
)
_INCLUDING_CUTS_RE = re.compile(
    r"\b(?:cuts?|layoffs|jobs|losses)\s+(?:\w+\s+){0,2}(?:in|at)\s+(?:its|the)\s+([^.;]+?)(?:[.;]|$)",
    re.IGNORECASE,
)
_WEAK_UNITS = frozenset(
    [
        "the",
        "its",
        "their",
        "this",
        "that",
        "company",
        "business",
        "group",
        "operations",
        "staff",
        "unit",
        "team",
        "line",
        "office",
        "plant",
        "firm",
        "units",
        "business's",
    ]
)


def _clean_unit(raw: str) -> str | None:
    words = raw.strip(" ,.").split()
    while words and (
        words[0].lower() in ("the", "its", "their", "his", "her", "a", "an", "entire", "whole")
        or words[0] in DEMONYMS
    ):
        words = words[1:]
    if not words:
        return None
    text = " ".join(words).strip(" ,.")
    if (
        text.lower() in _WEAK_UNITS
        or len(words) == 1
        and words[0].lower() in ("operations", "business", "staff", "group", "line")
    ):
        return None
    if re.match(r"(?i)^(?:same|other|new|total|\d)", text):
        return None
    return text


def find_units(sentence: str) -> list[str]:
    units: list[str] = []
    for m in _SUCH_AS_RE.finditer(sentence):
        for part in re.split(r",\s*|\s+and\s+(?:even\s+)?|\s+or\s+", m.group(1)):
            cleaned = _clean_unit(part)
            if cleaned and len(cleaned.split()) <= 6:
                units.append(cleaned)
    for m in _UNIT_RE.finditer(sentence):
        cleaned = _clean_unit(m.group(1))
        if cleaned:
            units.append(cleaned)
    for m in _INCLUDING_CUTS_RE.finditer(sentence):
        for part in re.split(r",\s*|\s+and\s+", m.group(1)):
            cleaned = _clean_unit(part)
            if cleaned and len(cleaned.split()) <= 6 and not any(cleaned in u for u in units):
                units.append(cleaned)
    seen: set[str] = set()
    result = []
    for u in units:
        key = u.lower()
        if key not in seen and not any(key in s for s in seen):
            seen.add(key)
            result.append(u)
    return result


# "Akron, Ohio", "Buford, Ga.": a capitalized town followed by a US state or its abbreviation.
_STATE_ABBR = r"(?:Ala|Ariz|Ark|Calif|Colo|Conn|Del|Fla|Ga|Ill|Ind|Kan|Ky|La|Md|Mass|Mich|Minn|Miss|Mo|Mont|Neb|Nev|N\.[HJMYCD]|Ohio|Okla|Ore|Pa|R\.I|S\.[CD]|Tenn|Tex|Texas|Va|Vt|Wash|Wisc?|W\.Va|Wyo|Iowa|Utah|Idaho|Maine|Alaska|Hawaii)\.?"
_TOWN_STATE_RE = re.compile(
    rf"\b([A-Z][a-z]+(?:[ -][A-Z][a-z]+)?),\s+(?:{_STATE_ABBR}|Alabama|Arizona|California|Colorado|Connecticut|Florida|Georgia|Illinois|Indiana|Kentucky|Louisiana|Maryland|Massachusetts|Michigan|Minnesota|Missouri|New\s+Jersey|New\s+York|North\s+Carolina|Oklahoma|Oregon|Pennsylvania|South\s+Carolina|Tennessee|Virginia|Washington|Wisconsin)\b"
)


def find_locations(sentence: str) -> list[str]:
    if _is_shouted(sentence):
        # A headline in capitals: look the places up in title case ("CHICAGO" -> "Chicago").
        titled = sentence.title()
        return [name for _, _, name in find_places(titled)]
    found: list[tuple[int, str]] = [(s, name) for s, _, name in find_places(sentence)]
    for m in _TOWN_STATE_RE.finditer(sentence):
        found.append((m.start(1), m.group(1)))
    found.sort()
    result: list[str] = []
    for _, name in found:
        if name not in result:
            result.append(name)
    return result


def _is_shouted(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) > 8 and sum(c.isupper() for c in letters) / len(letters) > 0.8


_REASON_RE = re.compile(
    r"\b(?P<lead>as\s+part\s+of|due\s+to|because\s+of|owing\s+to|as\s+a\s+result\s+of|following|"
    r"in\s+the\s+wake\s+of|amid|in\s+a\s+bid\s+to|in\s+an\s+effort\s+to|in\s+order\s+to|"
    r"to\s+help|aimed\s+at|citing|blamed\s+on|in\s+response\s+to|after|commitment\s+to|"
    r"(?=(?:invest|focus|concentrate)\s+(?:more\s+)?(?:in|on)\b)|"
    rf"(?:to|and)\s+(?={alternation('cost_verbs')}\s+(?:its\s+|their\s+)?(?:costs?|expenses?|spending|productivity|profitability|overheads?|efficiency)))\s+"
    r"(?P<what>[^,;.()]{4,120})",
    re.IGNORECASE,
)
_AI_RE = re.compile(rf"\b{alternation('ai_words')}\b")
_REASON_SKIP = re.compile(
    rf"^(?:the\s+)?{alternation('not_reasons')}\b",
    re.IGNORECASE,
)


def find_reason(sentence: str) -> str | None:
    for m in _REASON_RE.finditer(sentence):
        what = m.group("what").strip()
        lead = m.group("lead").lower()
        if lead == "after" and not re.search(
            r"(?i)loss|takeover|merger|acquisition|collapse|decline|fall|drop|slump|failure|closure",
            what,
        ):
            continue
        what = re.sub(
            r"(?i)^(?:the\s+company[’']s|the\s+firm[’']s|the\s+group[’']s|its|their|a|an|the)\s+",
            "",
            what,
        )
        if _REASON_SKIP.match(what):
            continue
        if lead.startswith(("to ", "and ")) or lead in ("to", "and"):
            return what
        return what
    match = _AI_RE.search(sentence)
    if match and re.search(r"(?i)\b(?:invest|shift|focus|priorit|replace|spend)", sentence):
        words = sentence[: match.start()].split()[-3:]
        return " ".join([*words, match.group(0)]).strip(" ,;")
    return None
