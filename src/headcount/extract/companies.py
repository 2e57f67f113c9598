"""Employer names: normalization, the built-in alias/parent table, and finding names in text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from headcount.extract.datafiles import read_json
from headcount.extract.places import DEMONYMS, PLACES

LEGAL_SUFFIXES = (
    "inc", "incorporated", "corp", "corporation", "co", "company", "ltd", "limited", "plc",
    "llc", "llp", "lp", "ag", "sa", "s a", "nv", "n v", "bv", "gmbh", "se", "spa", "s p a",
    "ab", "asa", "oyj", "kk", "pty", "pte", "group", "holdings", "holding", "cos", "companies",
)  # fmt: skip
_SUFFIX_RE = re.compile(r"(?:\s+(?:{}))+$".format("|".join(re.escape(s) for s in LEGAL_SUFFIXES)))


@lru_cache(maxsize=65536)
def normalize_company(name: str) -> str:
    """Comparable key: case, punctuation, possessive, leading article and legal suffixes go."""
    key = name.lower().replace("&amp;", "&").replace("’", "'")
    key = re.sub(r"'s\b|'$", "", key)
    key = re.sub(r"[.,&()<>\"'!]", " ", key)
    key = re.sub(r"\band\b", " ", key)
    key = re.sub(r"\s+", " ", key).strip()
    key = re.sub(r"^the\s+", "", key)
    stripped = _SUFFIX_RE.sub("", key).strip()
    return stripped or key


def _alias_table() -> dict[str, tuple[str, str | None]]:
    table: dict[str, tuple[str, str | None]] = {}
    for company in read_json("aliases.json")["companies"]:
        canonical = company["name"]
        for name in (canonical, *company["aliases"]):
            table[normalize_company(name)] = (canonical, company.get("parent"))
    return table


# name as written (normalized key) -> (canonical company, parent or None), from
# data/aliases.json. Parents are the owner a reader would want events rolled up to.
ALIASES: dict[str, tuple[str, str | None]] = _alias_table()
_WORDS: dict[str, list[str]] = read_json("names.json")
# Words too generic to name a company alone; the lists' meanings are in data/names.json.
GENERIC_WORDS = frozenset(_WORDS["generic"])
_NOT_NAMES = frozenset(_WORDS["not_names"])
_NOT_EMPLOYER_ACRONYMS = frozenset(_WORDS["not_employer_acronyms"])
_TITLES = frozenset(_WORDS["titles"])
_TITLE_QUALIFIERS = frozenset(_WORDS["title_qualifiers"])
_COMMON_CAPITALIZED = frozenset(_WORDS["common_capitalized"])


@dataclass(frozen=True)
class Canonical:
    name: str
    parent: str | None


@lru_cache(maxsize=65536)
def canonicalize(name: str) -> Canonical:
    """The registry identity of an employer name; unknown names are their own canonical."""
    key = normalize_company(name)
    hit = ALIASES.get(key)
    if hit:
        canonical, parent = hit
        # A subsidiary named in the text rolls up to its owner (Twitch -> Amazon).
        if parent:
            return Canonical(canonical, parent)
        return Canonical(canonical, None)
    return Canonical(name.strip(), None)


def registry_names(name: str | None) -> tuple[str | None, str | None]:
    """A claim's employer as the registry knows it: (canonical name, owner), the owner being
    the alias table's parent, or the canonical name when the text used another (Google ->
    Alphabet)."""
    if not name:
        return None, None
    canonical = canonicalize(name)
    parent = canonical.parent
    if not parent and normalize_company(canonical.name) != normalize_company(name):
        parent = canonical.name
    return canonical.name, parent


@lru_cache(maxsize=65536)
def owner_key(name: str) -> str:
    """The normalized key of the top owner: what two names must share to be one employer."""
    c = canonicalize(name)
    top = c.parent or c.name
    return normalize_company(ALIASES.get(normalize_company(top), (top, None))[0])


def _initials(key: str) -> str:
    return "".join(w[0] for w in key.split() if w not in ("of", "de", "des", "du", "la"))


@lru_cache(maxsize=65536)
def same_company(a: str, b: str, *, by_registry: bool = True) -> bool:
    """True when two names denote one employer: equal after normalization and aliases,
    an acronym of the other ("GM" / "General Motors"), or a leading short form of it
    ("Delta" / "Delta Air Lines"); with `by_registry`, also the names the registry files under
    one employer (aliases, a bought company and its buyer, a subsidiary and its owner)."""
    ka, kb = normalize_company(a), normalize_company(b)
    if not ka or not kb:
        return False
    if ka == kb:
        return True
    if by_registry and (
        owner_key(a) == owner_key(b)
        or normalize_company(canonicalize(a).name) == normalize_company(canonicalize(b).name)
    ):
        return True
    short, long_ = sorted((ka, kb), key=len)
    sw, lw = short.split(), long_.split()
    if len(sw) < len(lw) and len(short) >= 3 and lw[: len(sw)] == sw:
        # A leading short form ("Delta" / "Delta Air Lines"); never a generic word.
        return len(sw) > 1 or sw[0] not in GENERIC_WORDS
    return shortens(*((a, b) if len(ka) <= len(kb) else (b, a)))


def shortens(short_name: str, long_name: str) -> bool:
    """True when `short_name` is a story's short form of `long_name` that is not its leading
    words: an acronym ("GM" / "General Motors"), the distinctive last word ("Renault" /
    "Regie Nationale des Usines Renault") or a contraction ("Royal Canada" / "Royal Bank of
    Canada"). A page that names an employer both ways means the longer name by the shorter."""
    short, long_ = normalize_company(short_name), normalize_company(long_name)
    if not short or not long_ or len(short) >= len(long_):
        return False
    if (
        " " not in short
        and len(short) >= 2
        and short in (_initials(long_), _initials(re.sub(r"[.,&()<>\"'!]", " ", long_name.lower())))
    ):
        return True
    sw, lw = short.split(), long_.split()
    if len(sw) >= len(lw) or len(short) < 3:
        return False
    if len(sw) >= 2 and sw[0] == lw[0] and sw[-1] == lw[-1] and _in_order(sw, lw):
        return True
    return len(sw) == 1 and len(short) >= 5 and sw[0] == lw[-1] and sw[0] not in GENERIC_WORDS


def _in_order(short: list[str], long_: list[str]) -> bool:
    rest = iter(long_)
    return all(word in rest for word in short)


_CONNECTORS = frozenset(["&", "and", "of", "de", "des", "du", "la", "le", "del", "der", "für", "y"])
# A capitalized run: words starting upper-case (or digit-led like 3M), joined by connectors.
_CAP_WORD = r"(?:[A-Z][\w.&-]*(?:['’](?!s\b)\w+)?|[0-9][A-Za-z][\w-]*|&)"
_NAME_RE = re.compile(
    rf"(?<![\w]){_CAP_WORD}(?:(?:\s+|,\s+(?=(?:Inc|Corp|Co|Ltd|Plc|AG|SA|NV|Roebuck)\b))"
    rf"(?:(?:of|for|&|de|des|du|la|del|der|für|y|and(?=\s+(?:Co|Company|Sons)\b))\s+)?{_CAP_WORD})*"
)
_LEGAL_END = re.compile(
    r"\b(?:Inc|Corp|Co|Ltd|Plc|PLC|AG|SA|NV|GmbH|LLC|Group|Holdings|Corporation|Company)\.?$"
)


@dataclass(frozen=True)
class NameSpan:
    start: int
    end: int
    text: str
    certain: bool  # marked as a company by the text itself (legal suffix, Reuters <...> tag)


def _trim(words: list[str]) -> list[str]:
    # "Google-parent Alphabet", "London-based Argonaut": the hyphenated lead describes.
    while len(words) > 1 and re.search(
        r"-(?:parent|owner|based|listed|headquartered|owned|backed)$", words[0], re.I
    ):
        words = words[1:]
    # A leading demonym is dropped only before a title or alone ("German Chancellor ...");
    # before other capitals it is part of the name ("American Motors", "British Airways").
    while words and (
        words[0].lower() in _NOT_NAMES
        or words[0] in _CONNECTORS
        or (words[0] in DEMONYMS and (len(words) == 1 or words[1].lower() in _NOT_NAMES))
    ):
        words = words[1:]
    # "BankAmerica Corp Chairman A.W. Clausen": a title ends the company's name.
    for i, word in enumerate(words[1:], 1):
        if word.lower().rstrip(".,") in _TITLES:
            # "Prime Minister David Lange", "Finance Minister ...": the words before the title
            # qualify it and name no one
            words = [] if i == 1 and words[0].lower() in _TITLE_QUALIFIERS else words[:i]
            break
    while words and (words[-1].lower() in _CONNECTORS or words[-1].lower() in _NOT_NAMES):
        words = words[:-1]
    return words


_UNIT_AFTER = re.compile(
    r"^\s+(?:assembly\s+)?(?:plant|plants|factory|mill|centre|center|division|facility|site|office|"
    r"offices|store|operations|works|refinery|smelter|mine|yard|shipyard|headquarters)\b",
    re.IGNORECASE,
)


_SITE_AT = re.compile(
    r"\b(?:plants?|factory|factories|refinery|mill|site|facility|headquarters|offices|base|works|yard|"
    r"shipyard|depot|mine|smelter|warehouse|complex|operations?|workforce)\s+(?:at|in|near)\s+(?:the\s+)?$",
    re.IGNORECASE,
)


_TICKER_AFTER = re.compile(r"\s*(?:<|&lt;)[A-Z][A-Z0-9]*(?:\.[A-Z]{1,3})?>")


def find_names(sentence: str) -> list[NameSpan]:
    """Candidate employer names in a sentence, with offsets relative to the sentence."""
    spans: list[NameSpan] = []
    lowered_words = set(re.findall(r"\b[a-z]+\b", sentence))
    for m in _NAME_RE.finditer(sentence):
        raw = m.group(0).rstrip(".,'’")
        if raw.endswith("'s") or raw.endswith("’s"):
            raw = raw[:-2]
        words = raw.split()
        trimmed = _trim(words)
        if not trimmed:
            continue
        text = " ".join(trimmed)
        # Re-find the trimmed text inside the match to keep exact offsets.
        offset = sentence.find(trimmed[0], m.start())
        end = offset + len(text)
        if sentence[offset:end] != text:
            text = sentence[offset:end]
        # "Fried Krupp <KRPG.D>": a stock ticker after a name marks a listed company
        certain = (
            bool(_LEGAL_END.search(text))
            or certain_marks(sentence, offset)
            or bool(_TICKER_AFTER.match(sentence, end))
        )
        if certain_marks(sentence, offset) and re.fullmatch(r"[A-Z0-9.]{1,8}", text):
            continue  # a stock ticker such as <KRPG.D>, not a name
        if text in PLACES or text.rstrip(".") in PLACES or text + "." in PLACES:
            continue
        if text in _NOT_EMPLOYER_ACRONYMS or text.rstrip(".") in _NOT_EMPLOYER_ACRONYMS:
            continue
        if _inside_quotes(sentence, offset, end):
            continue  # a slogan or title ("Year of Efficiency"), not an employer
        if _UNIT_AFTER.match(sentence[end : end + 25]) and not sentence[end:].startswith(
            ("'s", "’s")
        ):
            continue  # "the Arlington Assembly plant" names a site, not its owner
        if (
            " " not in text
            and (text.lower() in lowered_words or text.lower() in _COMMON_CAPITALIZED)
            and not certain_marks(sentence, offset)
        ):
            continue  # an ordinary word that happens to be capitalized
        if re.search(r"\d", text) and not certain:
            continue  # "3rd", "Q160": ordinals and product codes
        if re.fullmatch(r"(?:[A-Z]\.)+", text):
            continue  # bare initials
        if not certain and re.search(
            r"\b(?:port|city|town|province|state|region|county|village|capital)\s+of\s+$",
            sentence[max(0, offset - 20) : offset],
        ):
            continue  # "the port of Cadiz"
        if (
            not certain
            and not is_known(text)
            and _SITE_AT.search(sentence[max(0, offset - 40) : offset])
        ):
            continue  # "its refinery at Paranam", "a plant at St. Andrew's": where, not who
        if (
            " " not in text
            and re.search(r"\b(?:in|near)\s+$", sentence[max(0, offset - 5) : offset])
            and not certain
        ):
            continue  # "in Columbia", "in Bonn": a place, even one the gazetteer lacks
        if re.match(
            r"^,\s+(?:Ga|Ohio|Mich|Ill|Tenn|Calif|Tex|Wis|Wisc|N\.Y|Pa|Va|Fla|Ind|Ky|Mo|Minn|Mass|Conn|N\.J|Wash|Ore|Colo|Ariz|Ala|Okla|La|Md|Iowa|Kan|Neb|Utah)\b",
            sentence[end : end + 8],
        ):
            continue  # "Lakewood, Ga.": a town and its state
        words_in = text.split()
        if words_in[-1] in DEMONYMS or words_in[-1].rstrip("s") in DEMONYMS:
            continue  # "West German", "Sri Lankans"
        if all(w.isupper() and len(w) > 1 for w in text.split()) and len(text.split()) > 3:
            continue  # a shouted headline run, not a name
        spans.append(NameSpan(offset, end, text, certain))
    return spans


def certain_marks(sentence: str, offset: int) -> bool:
    return (
        sentence[max(0, offset - 4) : offset].endswith("&lt;")
        or sentence[max(0, offset - 1) : offset] == "<"
    )


def _inside_quotes(sentence: str, start: int, end: int) -> bool:
    before = sentence[:start]
    for open_q, close_q in (('"', '"'), ("“", "”")):
        if open_q == close_q:
            if before.count(open_q) % 2 == 1 and open_q in sentence[end:]:
                return True
        elif before.count(open_q) > before.count(close_q):
            return True
    return False


# Nouns that introduce an employer: "carmaker Renault", "retailer KarstadtQuelle".
DESCRIPTOR_BEFORE = re.compile(
    r"\b(?:company|firm|group|maker|carmaker|automaker|retailer|bank|insurer|broker|airline|"
    r"carrier|giant|chain|operator|producer|manufacturer|publisher|conglomerate|subsidiary|unit|"
    r"rival|supplier|shipyard|steelmaker|miner|developer|start-?up|corporation|agency|"
    r"department|ministry|council|utility)\s+$",
    re.IGNORECASE,
)
VERB_AFTER = re.compile(
    r"^(?:[’']s\b|\s*,\s+(?:which|the|a|an|one)\b|\s+(?:said|says|announced|plans?|planned|will|would|"
    r"is|was|has|had|have|are|were|cut|cuts|laid|lays|shed|sheds|axed|eliminated|confirmed|"
    r"reported|employs|told|to\s+(?:cut|close|shed|lay|axe|trim|eliminate|idle)|expects|"
    r"wants|intends|too|also|itself|management|workers|employees|staff))",
    re.IGNORECASE,
)


def is_common_word(name: str) -> bool:
    """A single ordinary word ("Eyewitness", "Plans") that is capitalized only by position."""
    return " " not in name.strip() and name.strip().lower() in _COMMON_CAPITALIZED


def is_known(name: str) -> bool:
    """In the built-in alias table (Google, Twitch, GM ...)."""
    return normalize_company(name) in ALIASES


def looks_like_employer(span: NameSpan, sentence: str, doc_count: int) -> bool:
    """Whether a capitalized run is an employer rather than a slogan, product or stray word:
    the text marks it (suffix, tag), it is known, it recurs, or grammar treats it as an actor."""
    if span.certain or doc_count >= 2 or normalize_company(span.text) in ALIASES:
        return True
    before = sentence[max(0, span.start - 40) : span.start]
    after = sentence[span.end : span.end + 40]
    return bool(
        DESCRIPTOR_BEFORE.search(before) or VERB_AFTER.match(after) or JOBS_AT.search(before)
    )


# "300 jobs will be lost at Credit Suisse First Boston": the place of the jobs is an employer.
JOBS_AT = re.compile(
    r"\b(?:jobs?|staff|employees|workers|posts|positions|layoffs|cuts|redundancies|lost|go|axed|cut)\s+(?:\w+\s+){0,2}?(?:at|from)\s+(?:the\s+)?(?:[\w-]+\s+)?$",
    re.IGNORECASE,
)
