"""What a claim says about where and why: locations and reasons (units are in extract/units.py)."""

from __future__ import annotations

import re

from headcount.extract.datafiles import alternation
from headcount.extract.dates import MONTHS
from headcount.extract.places import find_places, is_place

# "Akron, Ohio", "Buford, Ga.": a capitalized town followed by a US state or its abbreviation.
_STATE_ABBR = r"(?:Ala|Ariz|Ark|Calif|Colo|Conn|Del|Fla|Ga|Ill|Ind|Kan|Ky|La|Md|Mass|Mich|Minn|Miss|Mo|Mont|Neb|Nev|N\.[HJMYCD]|Ohio|Okla|Ore|Pa|R\.I|S\.[CD]|Tenn|Tex|Texas|Va|Vt|Wash|Wisc?|W\.Va|Wyo|Iowa|Utah|Idaho|Maine|Alaska|Hawaii)\.?"
_TOWN_STATE_RE = re.compile(
    rf"\b([A-Z][a-z]+(?:[ -][A-Z][a-z]+)?),\s+(?:{_STATE_ABBR}|Alabama|Arizona|California|Colorado|Connecticut|Florida|Georgia|Illinois|Indiana|Kentucky|Louisiana|Maryland|Massachusetts|Michigan|Minnesota|Missouri|New\s+Jersey|New\s+York|North\s+Carolina|Oklahoma|Oregon|Pennsylvania|South\s+Carolina|Tennessee|Virginia|Washington|Wisconsin)\b"
)


_CAPITALIZED = r"(?-i:[A-Z][a-z][\w&-]*)"
# "its headquarters in Whippany", "178 jobs at its facility in Romeoville": a town the
# gazetteer does not know, named as the site of the unit or staff cut. The whole capitalized
# run is the name, and one that owns something ("in Globex's unit") is not a town.
_SITE_TOWN_RE = re.compile(
    rf"\b(?:{alternation('unit_nouns')}|{alternation('staff_nouns')}|layoffs|cuts)\s+in\s+"
    rf"({_CAPITALIZED}(?:[ -]{_CAPITALIZED}){{0,2}})(?![\w’'-]|\.\w|\s+(?-i:[A-Z]))",
    re.IGNORECASE,
)
_NOT_TOWN = re.compile(
    rf"^(?:{alternation('sentence_openers')}|{alternation('business_functions')})$", re.IGNORECASE
)


def find_locations(sentence: str) -> list[str]:
    if _is_shouted(sentence):
        # A headline in capitals: look the places up in title case ("CHICAGO" -> "Chicago").
        titled = sentence.title()
        return [name for _, _, name in find_places(titled)]
    found = find_places(sentence)
    for m in _TOWN_STATE_RE.finditer(sentence):
        found.append((m.start(1), m.end(1), m.group(1)))
    for m in _SITE_TOWN_RE.finditer(sentence):
        if m.group(0)[0].isupper() and not m.group(0).startswith("HQ"):
            continue  # a headline's capitalized nouns ("Employees in Latest Push")
        if _may_be_town(m.group(1)):
            found.append((m.start(1), m.end(1), m.group(1)))
    found.sort()
    result: list[str] = []
    for start, end, name in found:
        # "Thief River Falls, Minnesota" is one town, not also "River Falls".
        inside = any(s <= start and end <= e and (s, e) != (start, end) for s, e, _ in found)
        if name not in result and not inside:
            result.append(name)
    return result


def _may_be_town(name: str) -> bool:
    first = re.split(r"[ -]", name)[0]
    return not (
        len(name) < 3  # "Mt."
        or _NOT_TOWN.match(first)
        or _NOT_TOWN.match(name)
        or first.lower() in MONTHS
        or is_place(name)
    )


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
