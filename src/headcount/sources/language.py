"""Which language a document is written in.

Nearly every document in a bulk run is English, and langdetect costs milliseconds per call, so
English is recognised first by counting very common English words (about 20 microseconds for an
article); only text that is not clearly English pays for langdetect.
"""

from __future__ import annotations

from langdetect import DetectorFactory, detect
from langdetect.lang_detect_exception import LangDetectException

# langdetect samples n-grams at random; a fixed seed makes re-runs give the same answer.
DetectorFactory.seed = 0

# Words that are frequent in any English prose and rare elsewhere. Left out on purpose: "a"
# (the Hungarian article), "in" (German, Dutch, Italian), "is" (Hungarian "also"), "on"
# (French), "die", "was", "will" (German words), "of" (Dutch "or").
_FUNCTION_WORDS = """
    the and to that for with as by at from it its has have had be been are were said which
    this would an not but or their they he she his her who also after than about into more
    there could should other our we you when what these those
"""
# Distinctively English words of business news, so that wire tables ("Shr 34 cts vs 1.19
# dlrs / Net 807,000 vs 2,858,000") and all-caps headlines are recognised too.
_BUSINESS_WORDS = """
    says year million billion percent company companies shares profit sales revenue quarter
    vs qtr shr cts dlrs mln inc corp
"""
_ENGLISH_WORDS = frozenset(_FUNCTION_WORDS.split() + _BUSINESS_WORDS.split())

# Enough of an article to judge it; reading further only costs time.
_SAMPLE_CHARS = 1500
# Below this a share is too noisy to trust: a headline can be all proper nouns.
_MIN_TOKENS = 20
# In English news prose these words are 20-40% of tokens (5th percentile of the BBC corpus:
# 0.22); in the Hungarian layoff corpus under 2%, and German, French, Spanish, Dutch and
# Indonesian samples score 0.
_ENGLISH_SHARE = 0.15
# Within 1,500 characters almost every Latin-script language other than English shows an
# accented letter; the ASCII-only ones (Dutch, Indonesian) hardly use these words at all. So
# ASCII text where they are still this common is English: mostly tables and terse wire briefs
# ("Shr 34 cts vs 1.19 dlrs ..."), which would otherwise all go to langdetect.
_ASCII_ENGLISH_SHARE = 0.05
# langdetect's cost grows with length, and its answer stops changing well before 1,000 chars.
_LANGDETECT_CHARS = 1000


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of text's language ("en", "hu", ...; "zh-cn" style for Chinese), or None."""
    sample = text[:_SAMPLE_CHARS]
    tokens = sample.lower().split()
    hits = sum(map(_ENGLISH_WORDS.__contains__, tokens))
    if len(tokens) >= _MIN_TOKENS and hits >= _ENGLISH_SHARE * len(tokens):
        return "en"
    if hits and sample.isascii():
        if len(tokens) < _MIN_TOKENS:
            # A headline-sized ASCII text with an English word in it. langdetect is slow here
            # (~6 ms) and no better: of 1,646 such Reuters headlines it called 101 French,
            # Catalan, Swedish and the like. Taking a stray Dutch headline for English also
            # costs less than losing an English one, since the extractor reads English.
            return "en"
        # Numbers and symbols say nothing about the language; counting them would make the
        # figures in an English table look foreign.
        words = sum(1 for token in tokens if token[0].isalpha())
        if hits >= 2 and hits >= _ASCII_ENGLISH_SHARE * words:
            return "en"
    try:
        # Lower case: langdetect mistakes all-caps English headlines for German.
        language: str = detect(text[:_LANGDETECT_CHARS].lower())
    except LangDetectException:
        # Raised for text without letters (numbers, symbols): there is no language to report.
        return None
    return language
