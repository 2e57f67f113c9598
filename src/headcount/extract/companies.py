"""Employer names: normalization, the built-in alias/parent table, and finding names in text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from headcount.extract.places import DEMONYMS, PLACES

# name as written (normalized key) -> (canonical company, parent or None)
# Parents are the owner a reader would want events rolled up to.
_ALIASES: dict[str, tuple[str, str | None]] = {}


def _alias(canonical: str, *names: str, parent: str | None = None) -> None:
    for name in (canonical, *names):
        _ALIASES[normalize_company(name)] = (canonical, parent)


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


_alias("Alphabet", "Google", "Alphabet Inc", "YouTube", "Fitbit", "DeepMind", "Waymo", "Verily")
_alias(
    "Amazon",
    "Amazon.com",
    "AWS",
    "Amazon Web Services",
    "Twitch",
    "Audible",
    "Whole Foods",
    "Whole Foods Market",
    "Zappos",
    "Ring",
    "MGM Studios",
    "Zoox",
    "IMDb",
)
_alias("Meta", "Meta Platforms", "Facebook", "Instagram", "WhatsApp", "Oculus", "Reality Labs")
_alias(
    "Microsoft",
    "LinkedIn",
    "GitHub",
    "Activision Blizzard",
    "Activision",
    "Blizzard",
    "Xbox",
    "Nuance",
    "Bethesda",
    "ZeniMax",
    "Mojang",
)
_alias("Apple", "Beats")
_alias("Salesforce", "Slack", "Tableau", "MuleSoft")
_alias("Oracle", "Cerner", "PeopleSoft")
_alias("Cisco", "Splunk", "Webex")
_alias("IBM", "International Business Machines", "Red Hat")
_alias("Intel", "Mobileye", "Altera")
_alias("Dell", "Dell Technologies", "VMware by Dell")
_alias("Broadcom", "VMware")
_alias("X", "Twitter", "X Corp")
_alias("Match Group", "Hinge", "Tinder")
_alias("Spotify")
_alias("Netflix")
_alias("Uber", "Uber Eats")
_alias("Block", "Square", "Cash App", "Tidal")
_alias("PayPal", "Venmo", "Braintree")
_alias("eBay")
_alias("Snap", "Snapchat")
_alias("ByteDance", "TikTok")
_alias("Alibaba", "Alibaba Group", "Taobao")
_alias("Tencent")
_alias("Samsung", "Samsung Electronics")
_alias("SAP")
_alias("Siemens")
_alias("Ericsson")
_alias("Nokia")
_alias("Tesla")
_alias("Zoom", "Zoom Video Communications")
_alias("Disney", "Walt Disney", "Walt Disney Co", "ESPN", "Pixar", "Marvel")
_alias("Warner Bros. Discovery", "Warner Bros Discovery", "HBO", "CNN")
_alias("General Motors", "GM", "Chevrolet", "Cadillac", "Buick")
_alias("Opel", "Adam Opel", "Vauxhall", parent="General Motors")
_alias("Ford", "Ford Motor", "Ford Motor Co")
_alias("British Airways", "BA")
_alias("Hewlett Packard Enterprise", "HPE")
_alias("HP", "Hewlett-Packard", "HP Inc")


@dataclass(frozen=True)
class Canonical:
    name: str
    parent: str | None


@lru_cache(maxsize=65536)
def canonicalize(name: str) -> Canonical:
    """The registry identity of an employer name; unknown names are their own canonical."""
    key = normalize_company(name)
    hit = _ALIASES.get(key)
    if hit:
        canonical, parent = hit
        # A subsidiary named in the text rolls up to its owner (Twitch -> Amazon).
        if parent:
            return Canonical(canonical, parent)
        return Canonical(canonical, None)
    return Canonical(name.strip(), None)


@lru_cache(maxsize=65536)
def owner_key(name: str) -> str:
    """The normalized key of the top owner: what two names must share to be one employer."""
    c = canonicalize(name)
    top = c.parent or c.name
    return normalize_company(_ALIASES.get(normalize_company(top), (top, None))[0])


def _initials(key: str) -> str:
    return "".join(w[0] for w in key.split() if w not in ("of", "de", "des", "du", "la"))


@lru_cache(maxsize=65536)
def same_company(a: str, b: str) -> bool:
    """True when two names denote one employer: equal after normalization and aliases,
    an acronym of the other ("GM" / "General Motors"), or a leading short form of it
    ("Delta" / "Delta Air Lines")."""
    ka, kb = normalize_company(a), normalize_company(b)
    if not ka or not kb:
        return False
    if ka == kb or owner_key(a) == owner_key(b):
        return True
    ca, cb = normalize_company(canonicalize(a).name), normalize_company(canonicalize(b).name)
    if ca == cb:
        return True
    short, long_ = sorted((ka, kb), key=len)
    sw, lw = short.split(), long_.split()
    if len(sw) < len(lw) and len(short) >= 3 and lw[: len(sw)] == sw:
        # A leading short form ("Delta" / "Delta Air Lines"); never a generic word.
        return len(sw) > 1 or sw[0] not in _GENERIC
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
    return len(sw) == 1 and len(short) >= 5 and sw[0] == lw[-1] and sw[0] not in _GENERIC


def _in_order(short: list[str], long_: list[str]) -> bool:
    rest = iter(long_)
    return all(word in rest for word in short)


_GENERIC = frozenset(
    [
        "general",
        "national",
        "international",
        "united",
        "american",
        "british",
        "first",
        "new",
        "royal",
        "union",
        "central",
        "state",
        "federal",
        "bank",
        "department",
        "ministry",
        "motors",
        "airlines",
        "airways",
        "steel",
        "group",
        "industries",
        "holdings",
        "systems",
        "technologies",
        "communications",
        "electric",
        "energy",
        "foods",
        "services",
        "products",
        "company",
        "corporation",
        "trust",
        "insurance",
        "financial",
        "capital",
        "partners",
    ]
)

# Capitalized words that open sentences or name roles, time or things, never an employer alone.
_NOT_NAMES = frozenset(
    [
        "a",
        "an",
        "the",
        "this",
        "that",
        "these",
        "those",
        "there",
        "their",
        "they",
        "them",
        "he",
        "she",
        "it",
        "its",
        "his",
        "her",
        "we",
        "our",
        "us",
        "you",
        "i",
        "in",
        "on",
        "at",
        "for",
        "from",
        "by",
        "with",
        "as",
        "of",
        "to",
        "and",
        "or",
        "but",
        "if",
        "when",
        "while",
        "after",
        "before",
        "since",
        "during",
        "under",
        "over",
        "about",
        "around",
        "some",
        "many",
        "most",
        "more",
        "several",
        "all",
        "both",
        "each",
        "every",
        "no",
        "not",
        "any",
        "such",
        "however",
        "meanwhile",
        "also",
        "yet",
        "still",
        "although",
        "though",
        "because",
        "so",
        "thus",
        "then",
        "now",
        "today",
        "yesterday",
        "tomorrow",
        "last",
        "next",
        "earlier",
        "later",
        "recently",
        "already",
        "once",
        "instead",
        "despite",
        "among",
        "between",
        "mr",
        "mrs",
        "ms",
        "dr",
        "sir",
        "lord",
        "chief",
        "executive",
        "chairman",
        "president",
        "vice",
        "spokesman",
        "spokeswoman",
        "director",
        "chancellor",
        "minister",
        "secretary",
        "analyst",
        "analysts",
        "officials",
        "union",
        "unions",
        "workers",
        "employees",
        "staff",
        "jobs",
        "job",
        "company",
        "firm",
        "group",
        "government",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "reuter",
        "reuters",
        "read",
        "shares",
        "profits",
        "sales",
        "net",
        "total",
        "year",
        "quarter",
        "according",
        "other",
        "further",
        "another",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "what",
        "who",
        "how",
        "why",
        "where",
        "which",
        "while",
        "whether",
        "his",
        "hers",
        "per",
        "pct",
        "dlrs",
        "mln",
        "bln",
    ]
)

_CONNECTORS = frozenset(["&", "and", "of", "de", "des", "du", "la", "le", "del", "der", "für", "y"])
# A capitalized run: words starting upper-case (or digit-led like 3M), joined by connectors.
_CAP_WORD = r"(?:[A-Z][\w.&-]*(?:['’](?!s\b)\w+)?|[0-9][A-Za-z][\w-]*|&)"
_NAME_RE = re.compile(
    rf"(?<![\w]){_CAP_WORD}(?:(?:\s+|,\s+(?=(?:Inc|Corp|Co|Ltd|Plc|AG|SA|NV|Roebuck)\b))"
    rf"(?:(?:of|for|&|de|des|du|la|del|der|für|y|and(?=\s+(?:Co|Company|Sons)\b))\s+)?{_CAP_WORD})*"
)
# Acronyms and words that are capitalized but never an employer on their own.
_NOT_EMPLOYER_ACRONYMS = frozenset(
    [
        "AI",
        "GDP",
        "CEO",
        "CFO",
        "COO",
        "CTO",
        "IPO",
        "US",
        "UK",
        "EU",
        "UN",
        "IT",
        "HR",
        "PR",
        "TV",
        "PC",
        "GPS",
        "API",
        "OK",
        "AM",
        "PM",
        "Q1",
        "Q2",
        "Q3",
        "Q4",
        "FY",
    ]
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


_TITLES = frozenset(
    [
        "chairman",
        "chairwoman",
        "president",
        "chief",
        "executive",
        "director",
        "spokesman",
        "spokeswoman",
        "analyst",
        "treasurer",
        "secretary",
        "minister",
        "chancellor",
        "governor",
        "senator",
        "ceo",
        "cfo",
        "coo",
    ]
)


_TITLE_QUALIFIERS = frozenset(
    [
        "prime",
        "vice",
        "deputy",
        "acting",
        "foreign",
        "finance",
        "attorney",
        "trade",
        "labour",
        "labor",
        "energy",
        "interior",
        "defence",
        "defense",
        "economy",
        "industry",
        "justice",
        "health",
        "education",
        "transport",
    ]
)


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


_COMMON_CAPITALIZED = frozenset(
    [
        "plans",
        "thousands",
        "millions",
        "hundreds",
        "dozens",
        "separately",
        "unadjusted",
        "public",
        "safety",
        "factory",
        "meanwhile",
        "elsewhere",
        "overall",
        "instead",
        "still",
        "despite",
        "unions",
        "union",
        "workers",
        "staff",
        "employees",
        "shares",
        "profits",
        "sales",
        "earnings",
        "revenue",
        "results",
        "analysts",
        "officials",
        "sources",
        "critics",
        "reports",
        "executives",
        "managers",
        "ministers",
        "government",
        "parliament",
        "tories",
        "labour",
        "tory",
        "east",
        "west",
        "north",
        "south",
        "whitehall",
        "budget",
        "chancellor",
        "treasury",
        "layoffs",
        "layoff",
        "jobs",
        "cuts",
        "redundancies",
        "job",
        # abstract nouns that open sentences, and bodies too generic to be one employer
        "unemployment",
        "employment",
        "health",
        "department",
        "ministry",
        "conservatives",
        "democrats",
        "republicans",
        "liberals",
        "socialists",
        "communists",
        "mps",
        "queen",
        "king",
        "lords",
        "commons",
        "laid-off",
        "affected",
        # the abbreviations of newswire results tables ("Shr 20 cts", "Revs 1.2 mln")
        "shr",
        "shrs",
        "revs",
        "qtr",
        "avg",
        "oper",
        "mths",
        "note",
    ]
)


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
    return normalize_company(name) in _ALIASES


def looks_like_employer(span: NameSpan, sentence: str, doc_count: int) -> bool:
    """Whether a capitalized run is an employer rather than a slogan, product or stray word:
    the text marks it (suffix, tag), it is known, it recurs, or grammar treats it as an actor."""
    if span.certain or doc_count >= 2 or normalize_company(span.text) in _ALIASES:
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
