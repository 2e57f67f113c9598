"""Plain text and Markdown files: one document each."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from headcount.model import Document, SourceError
from headcount.sources.document import build_document


def parse_text(
    text: str, origin: str, *, published: date | None = None, url: str | None = None
) -> Iterator[Document | SourceError]:
    # A first line may look like a headline, but guessing would be wrong as often as right,
    # and the extractor reads it as part of the text anyway.
    yield build_document(text, origin, url=url, published=published)


def parse_markdown(
    text: str, origin: str, *, published: date | None = None, url: str | None = None
) -> Iterator[Document | SourceError]:
    title, body = strip_markdown(text)
    yield build_document(body, origin, title=title, url=url, published=published)


# Line-level markup. Only what news copy written in Markdown really uses; the aim is readable
# sentences for the extractor, not a faithful rendering.
_HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
_RULE_OR_UNDERLINE = re.compile(r"^ {0,3}(?:[-*_=][ \t]*){3,}$")
_FENCE = re.compile(r"^ {0,3}(?:```|~~~)")
_QUOTE = re.compile(r"^ {0,3}>[ \t]?")
_LINK_DEFINITION = re.compile(r"^ {0,3}\[[^\]]+\]:[ \t]+\S+.*$")
# Inline markup, applied in this order: images before links (same brackets), strong before
# emphasis (same stars). Underscores count only at word edges so snake_case survives.
_INLINE = (
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), r"\1"),
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),
    (re.compile(r"\[([^\]]+)\]\[[^\]]*\]"), r"\1"),
    (re.compile(r"<(https?://[^>\s]+)>"), r"\1"),
    (re.compile(r"`([^`]+)`"), r"\1"),
    (re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"), r"\2"),
    (re.compile(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])"), r"\1"),
    (re.compile(r"(?<!\w)_(?=\S)(.+?)(?<=\S)_(?!\w)"), r"\1"),
    (re.compile(r"~~(?=\S)(.+?)(?<=\S)~~"), r"\1"),
)


def _strip_inline(line: str) -> str:
    for pattern, replacement in _INLINE:
        line = pattern.sub(replacement, line)
    return line


def strip_markdown(text: str) -> tuple[str | None, str]:
    """(title, plain text) of Markdown; the title is the heading the document opens with, if any."""
    title: str | None = None
    seen_content = False
    in_code = False
    lines: list[str] = []
    for raw in text.splitlines():
        if _FENCE.match(raw):
            in_code = not in_code
            continue
        if in_code:
            lines.append(raw)
            continue
        line = _QUOTE.sub("", raw)
        if _LINK_DEFINITION.match(line) or _RULE_OR_UNDERLINE.match(line):
            continue
        heading = _HEADING.match(line)
        if heading:
            line = _strip_inline(heading.group(1))
            if not seen_content and line:
                title = line
        else:
            line = _strip_inline(line)
        seen_content = seen_content or bool(line.strip())
        lines.append(line)
    return title, "\n".join(lines)
