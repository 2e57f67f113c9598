"""HTML pages (files or fetched): the article's main text and its metadata, via trafilatura."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from datetime import date
from html.parser import HTMLParser

import trafilatura
from trafilatura.settings import Document as Extracted
from trafilatura.settings import set_date_params

from headcount.model import Document, SourceError
from headcount.sources.document import build_document

# trafilatura logs every page it finds too short or malformed at WARNING; for us that is a
# normal case with a fallback, and the one-line SourceError is the report.
logging.getLogger("trafilatura").setLevel(logging.ERROR)
logging.getLogger("htmldate").setLevel(logging.ERROR)

_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE
)


def declared_charset(head: bytes) -> str | None:
    """The encoding a page names in its <meta> tags (look in the first couple of kilobytes)."""
    match = _META_CHARSET.search(head[:4096])
    return match.group(1).decode("ascii") if match else None


def parse_html(
    text: str, origin: str, *, published: date | None = None, url: str | None = None
) -> Iterator[Document | SourceError]:
    extracted = _extract(text, url)
    if extracted is not None and extracted.text and extracted.text.strip():
        yield build_document(
            extracted.text,
            origin,
            title=extracted.title,
            url=url or extracted.url,
            outlet=extracted.sitename,
            published=_date(extracted.date) or published,
        )
        return
    # No main text found (a short page, a fragment, markup trafilatura cannot parse): every
    # visible word is better than losing the document.
    title, body = visible_text(text)
    yield build_document(body, origin, title=title, url=url, published=published)


def _extract(text: str, url: str | None) -> Extracted | None:
    try:
        result = trafilatura.bare_extraction(
            text,
            url=url,
            with_metadata=True,
            include_comments=False,
            # Only dates the page states as metadata: the extensive search also takes dates
            # out of the article text, which are often those of the events it reports.
            date_extraction_params=set_date_params(extensive=False),
        )
    except Exception:
        # lxml and trafilatura raise many kinds of errors on odd markup; the fallback below
        # reads any page, so none of them is worth more than a None here.
        return None
    return result if isinstance(result, Extracted) else None


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


# Elements whose content is never read as text. Not <head>: pages that never close it would
# lose their whole body, and its only text worth having, <title>, is read separately.
_HIDDEN = frozenset({"script", "style", "noscript", "template", "svg", "iframe", "object"})
# Elements that end a line of text, so words of neighbouring blocks do not run together.
_BLOCK_NAMES = """
    address article aside blockquote br dd div dl dt figcaption figure footer form h1 h2 h3 h4
    h5 h6 header hr li main nav ol p pre section table td th tr ul
"""
_BLOCKS = frozenset(_BLOCK_NAMES.split())


class _VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title_parts: list[str] = []
        self._hidden: list[str] = []  # open hidden elements; text inside any of them is skipped
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self._in_title = True
        elif tag in _HIDDEN:
            self._hidden.append(tag)
        if tag in _BLOCKS:
            self.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        elif tag in self._hidden:
            # Unclosed children of the hidden element are closed with it, as browsers do.
            del self._hidden[self._hidden.index(tag) :]
        if tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title_parts.append(data)
        elif not self._hidden:
            self.parts.append(data)


_SPACES = re.compile(r"[ \t\r\f\v\xa0]+")


def visible_text(markup: str) -> tuple[str | None, str]:
    """(title, text) of a page with every tag dropped; used when trafilatura finds no text."""
    parser = _VisibleText()
    parser.feed(markup)
    parser.close()
    lines = (_SPACES.sub(" ", line).strip() for line in "".join(parser.parts).split("\n"))
    body = "\n".join(line for line in lines if line)
    title = _SPACES.sub(" ", " ".join(parser.title_parts)).strip()
    return title or None, body
