"""From a Document to its layoff claims: the chosen extractor (rules, extract/rules.py, or the
learned one, extract/learned.py) reading the document's opening."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from headcount.extract.candidates import analyse
from headcount.extract.decisions import shipped
from headcount.extract.learned import EXTRACTOR_VERSION as LEARNED_VERSION
from headcount.extract.learned import decide, to_mentions
from headcount.extract.prefilter import may_contain_layoff
from headcount.extract.rules import EXTRACTOR_VERSION as EXTRACTOR_VERSION
from headcount.extract.rules import SUPPORTED_LANGUAGES, extract_with_rules
from headcount.extract.rules import Extraction as Extraction
from headcount.model import Document
from headcount.settings import DEFAULTS, current, env_name


def extract_learned(doc: Document) -> Extraction:
    """A document's claims as the trained model decides them (see extract/candidates.py).

    Every kept claim carries the model's confidence; callers that show claims to readers
    count only those at or above `DEFAULT_THRESHOLD` unless asked for all.
    """
    if doc.language and doc.language not in SUPPORTED_LANGUAGES:
        return Extraction(
            doc, [], f"skipped: language {doc.language} is not extracted yet", LEARNED_VERSION
        )
    if not may_contain_layoff(doc.text):
        return Extraction(doc, [], "no layoff terms", LEARNED_VERSION)
    decisions = shipped()
    if decisions is None:
        raise RuntimeError("no trained extraction model in the package: run `headcount train`")
    analysed = analyse(doc)
    return Extraction(
        doc, to_mentions(analysed, decide(analysed, decisions)), "extracted", LEARNED_VERSION
    )


# The extractors a user can choose between (`--extractor`, HEADCOUNT_EXTRACTOR); "rules" is
# the default until the learned one meets its accuracy bars (the README's accuracy section).
EXTRACTORS: dict[str, Callable[[Document], Extraction]] = {
    "rules": extract_with_rules,
    "learned": extract_learned,
}


EXTRACTOR_SETTING = env_name("extractor")


DEFAULT_EXTRACTOR = DEFAULTS.extractor


def chosen_extractor() -> str:
    """The HEADCOUNT_EXTRACTOR setting (settings.SettingsError, a ValueError, when unknown)."""
    return current("extractor").extractor


# Extraction reads at most this many characters of a document: a news story states its
# claims early, and the work per character is not linear (a 400 KB page took a minute).
EXTRACT_CHARS_SETTING = env_name("max_extract_chars")


DEFAULT_EXTRACT_CHARS = DEFAULTS.max_extract_chars


PARTLY_READ = "extracted the first"


def extract_chars_limit() -> int:
    return current("max_extract_chars").max_extract_chars


def _opening(doc: Document, limit: int) -> Document:
    """The document cut at the last line or sentence end before `limit` characters (same id,
    so claims found in the opening belong to the whole document)."""
    if len(doc.text) <= limit:
        return doc
    cut = max(doc.text.rfind("\n", 0, limit), doc.text.rfind(". ", 0, limit) + 1)
    return replace(doc, text=doc.text[: cut if cut > limit // 2 else limit])


def extract_document(doc: Document, extractor: str | None = None) -> Extraction:
    """A document's claims by the chosen extractor (default: the HEADCOUNT_EXTRACTOR setting),
    read from its first HEADCOUNT_MAX_EXTRACT_CHARS characters."""
    opening = _opening(doc, extract_chars_limit())
    extraction = EXTRACTORS[extractor or chosen_extractor()](opening)
    if opening is doc:
        return extraction
    status = (
        f"{PARTLY_READ} {len(opening.text):,} of {len(doc.text):,} characters "
        f"({EXTRACT_CHARS_SETTING})"
    )
    return Extraction(doc, extraction.mentions, status, extraction.extractor_version)


def chosen_version() -> str:
    """The version the chosen extractor records: what a bulk run's fingerprint depends on."""
    return {"rules": EXTRACTOR_VERSION, "learned": LEARNED_VERSION}[chosen_extractor()]
