"""What every reader shares: the error it raises and how its pieces become a Document."""

from __future__ import annotations

import re
from datetime import date
from typing import Literal

from headcount.model import Document, SourceError, normalize_text
from headcount.sources.language import detect_language

# How a body of text is to be read, whether it came from a file, stdin or a URL.
Kind = Literal["text", "markdown", "html", "json", "jsonl", "csv", "warc"]


class Unreadable(Exception):
    """An input (or one record of it) cannot become a Document; str(error) is the reason."""


# C0 controls other than tab and newline, and DEL: they show up as entity leftovers in wire copy
# ("&#3;" ends every Reuters story) and would otherwise end up inside evidence sentences.
_CONTROL = dict.fromkeys([*range(0, 9), 11, 12, *range(14, 32), 127])
_NEWLINES = re.compile(r"\r\n?")
_SPACE = re.compile(r"\s+")


def clean_text(text: str) -> str:
    """Text with Windows/Mac line ends made "\\n", control characters dropped, ends trimmed."""
    if "\r" in text:
        text = _NEWLINES.sub("\n", text)
    return text.translate(_CONTROL).strip()


def _starts_with(body: str, title: str) -> bool:
    # Compared loosely (case, spacing) because pages repeat the headline in their own casing
    # and line breaks; only the opening of the body can matter.
    opening = normalize_text(body[: 2 * len(title) + 200]).casefold()
    return opening.startswith(normalize_text(title).casefold())


def build_document(
    body: str,
    origin: str,
    *,
    title: str | None = None,
    url: str | None = None,
    outlet: str | None = None,
    published: date | None = None,
    language: str | None = None,
) -> Document | SourceError:
    """The Document for one article, or a SourceError when nothing readable is left.

    The headline is put in front of the body unless the body already opens with it, because
    some claims ("Acme to cut 500 jobs") appear only in the headline and the extractor reads
    nothing but the text.
    """
    body = clean_text(body)
    title = _SPACE.sub(" ", clean_text(title)) if title else None
    if title and not _starts_with(body, title):
        text = f"{title}\n\n{body}" if body else title
    else:
        text = body
    if not text:
        return SourceError(origin, "empty document")
    return Document.create(
        text,
        origin,
        url=url or None,
        outlet=outlet or None,
        title=title or None,
        published_at=published,
        language=language or detect_language(text),
    )
