"""RSS and Atom feeds: fetching them politely and reading their items.

`fetch_feed` makes a conditional GET (If-None-Match / If-Modified-Since from the previous
answer), so an unchanged feed costs the server a 304 and no body. `parse_feed` reads RSS 0.9x
and 2.0, RSS 1.0 (RDF) and Atom 1.0 with the standard library's expat parser, hardened the way
defusedxml hardens it: a feed that declares entities (the "billion laughs" and external-entity
attacks) is refused, and nothing outside the document is ever loaded. The HTML entities that
feeds often use without declaring them (&nbsp;, &mdash;) are understood.
"""

from __future__ import annotations

import hashlib
import html
import html.entities
import re
import urllib.parse
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import date
from typing import Literal
from xml.parsers import expat

from headcount import __version__
from headcount.sources.document import Unreadable
from headcount.sources.html import visible_text
from headcount.sources.jsonl import parse_date
from headcount.sources.url import FetchPolicy, describe_error, open_url

_ATOM = "http://www.w3.org/2005/Atom"
_RSS1 = "http://purl.org/rss/1.0/"
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_DC = "http://purl.org/dc/elements/1.1/"
_CONTENT = "http://purl.org/rss/1.0/modules/content/"

_USER_AGENT = f"headcount/{__version__} (layoff news tracker; feed reader)"
_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, "
    "application/xml;q=0.8, text/xml;q=0.8, */*;q=0.1"
)
# The five entities XML defines itself; every other named one must be declared, or be HTML's.
_XML_ENTITIES = frozenset({"amp", "lt", "gt", "quot", "apos"})
_ENTITY = re.compile(rb"&([A-Za-z][A-Za-z0-9]{1,31});")
_SPACE = re.compile(r"\s+")


class FeedError(Exception):
    """A feed that cannot be fetched or read; str(error) is a one-line reason."""


@dataclass(frozen=True)
class FeedItem:
    key: str  # what identifies the item across polls: guid/id, else link, else a content hash
    link: str | None  # the article's address, absolute
    title: str | None
    summary: str | None  # the item's own text (description, summary or content), tags removed
    published: date | None


@dataclass(frozen=True)
class ParsedFeed:
    kind: Literal["rss", "rdf", "atom"]
    title: str | None
    items: list[FeedItem]


@dataclass(frozen=True)
class FeedResponse:
    status: Literal[200, 304]
    body: bytes  # empty for 304
    etag: str | None
    last_modified: str | None
    url: str  # after redirects


# --- fetching ------------------------------------------------------------------------------


def fetch_feed(
    url: str,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    timeout: float,
    max_bytes: int,
    policy: FetchPolicy | None = None,
) -> FeedResponse:
    """The feed at url, or a 304 when it has not changed since the answer that gave etag and
    last_modified. Raises FeedError with a one-line reason for anything that goes wrong.

    Fetched as documents are (`sources.url.open_url`): public addresses only unless policy
    (default: `current_policy()`) allows private ones, every redirect hop checked, and a
    total deadline."""
    headers = {"User-Agent": _USER_AGENT, "Accept": _ACCEPT}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    try:
        with open_url(url, headers, timeout=timeout, policy=policy) as answer:
            if answer.status == 304:
                # A 304 may repeat the validators; when it does not, the old ones still hold.
                return FeedResponse(
                    304,
                    b"",
                    answer.headers.get("ETag") or etag,
                    answer.headers.get("Last-Modified") or last_modified,
                    url,
                )
            if answer.status >= 300:
                raise FeedError(f"cannot fetch feed: HTTP {answer.status} {answer.reason}")
            body = answer.read(max_bytes)
            return FeedResponse(
                200,
                body,
                answer.headers.get("ETag"),
                answer.headers.get("Last-Modified"),
                answer.url,
            )
    except FeedError:
        raise
    except Unreadable as error:
        raise FeedError(f"cannot fetch feed: {error}") from None
    except Exception as error:
        raise FeedError(f"cannot fetch feed: {describe_error(error, timeout)}") from None


# --- parsing -------------------------------------------------------------------------------


def _forbid(*_args: object) -> int:
    raise FeedError("refused: the feed declares XML entities (an entity-expansion attack?)")


def _html_entities(data: bytes) -> bytes:
    """data with HTML named entities (&nbsp;) written as character references (&#160;)."""

    def replace(match: re.Match[bytes]) -> bytes:
        name = match.group(1).decode("ascii")
        if name in _XML_ENTITIES:
            return match.group(0)
        codepoint = html.entities.name2codepoint.get(name)
        return b"&#%d;" % codepoint if codepoint is not None else match.group(0)

    return _ENTITY.sub(replace, data)


def _parse_xml(data: bytes) -> ET.Element:
    builder = ET.TreeBuilder()
    parser = expat.ParserCreate(namespace_separator="}")

    def name(raw: str) -> str:
        return "{" + raw if "}" in raw else raw

    def start(tag: str, attrs: dict[str, str]) -> None:
        builder.start(name(tag), {name(key): value for key, value in attrs.items()})

    parser.StartElementHandler = start
    parser.EndElementHandler = lambda tag: builder.end(name(tag))
    parser.CharacterDataHandler = builder.data
    parser.EntityDeclHandler = _forbid
    parser.UnparsedEntityDeclHandler = _forbid
    parser.ExternalEntityRefHandler = _forbid
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.buffer_text = True
    try:
        parser.Parse(_html_entities(data), True)
    except expat.ExpatError as error:
        problem = expat.errors.messages.get(error.code, str(error)) if error.code else str(error)
        where = f"line {error.lineno}, column {error.offset + 1}"
        raise FeedError(f"malformed XML: {problem} ({where})") from None
    return builder.close()


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _text(element: ET.Element | None) -> str | None:
    if element is None:
        return None
    value = _SPACE.sub(" ", "".join(element.itertext())).strip()
    return value or None


def _child(parent: ET.Element, *tags: str) -> ET.Element | None:
    for tag in tags:
        found = parent.find(tag)
        if found is not None:
            return found
    return None


def _markup_text(value: str | None) -> str | None:
    """The words of an item's description, which is usually escaped HTML."""
    if not value:
        return None
    if "<" in value:
        _, body = visible_text(value)
        value = body
    else:
        value = html.unescape(value)
    value = value.strip()
    return value or None


def _key(guid: str | None, link: str | None, title: str | None, summary: str | None) -> str:
    if guid:
        return guid
    if link:
        return link
    digest = hashlib.sha256(f"{title}\n{summary}".encode()).hexdigest()[:16]
    return f"sha256:{digest}"


def _absolute(base: str | None, link: str | None) -> str | None:
    if not link:
        return None
    link = link.strip()
    return urllib.parse.urljoin(base, link) if base else link


def _date(*values: str | None) -> date | None:
    for value in values:
        if value:
            parsed = parse_date(value)
            if parsed is not None:
                return parsed
    return None


def parse_feed(data: bytes, base_url: str | None = None) -> ParsedFeed:
    """The items of an RSS or Atom feed, in feed order; raises FeedError for what is not one."""
    if not data.strip():
        raise FeedError("empty feed")
    root = _parse_xml(data)
    kind = _local(root.tag).lower()
    if root.tag == f"{{{_ATOM}}}feed":
        return _atom(root, base_url)
    if kind == "rss":
        channel = root.find("channel")
        if channel is None:
            raise FeedError("not a feed: <rss> without a <channel>")
        return _rss(channel, channel.findall("item"), base_url, "rss")
    if root.tag == f"{{{_RDF}}}RDF":
        channel = root.find(f"{{{_RSS1}}}channel")
        items = root.findall(f"{{{_RSS1}}}item") or root.findall("item")
        return _rss(channel if channel is not None else root, items, base_url, "rdf")
    raise FeedError(f"not an RSS or Atom feed (its root element is <{_local(root.tag)}>)")


def _rss(
    channel: ET.Element, elements: list[ET.Element], base: str | None, kind: Literal["rss", "rdf"]
) -> ParsedFeed:
    ns = f"{{{_RSS1}}}" if kind == "rdf" else ""
    items = []
    for item in elements:
        title = _markup_text(_text(_child(item, f"{ns}title", "title")))
        link = _absolute(base, _text(_child(item, f"{ns}link", "link")))
        guid = _text(item.find("guid")) or item.get(f"{{{_RDF}}}about")
        body = _text(_child(item, f"{{{_CONTENT}}}encoded", f"{ns}description", "description"))
        summary = _markup_text(body)
        published = _date(_text(item.find("pubDate")), _text(item.find(f"{{{_DC}}}date")))
        items.append(FeedItem(_key(guid, link, title, summary), link, title, summary, published))
    title = _text(_child(channel, f"{ns}title", "title"))
    return ParsedFeed(kind, title, items)


def _atom_link(entry: ET.Element, base: str | None) -> str | None:
    links = entry.findall(f"{{{_ATOM}}}link")
    for link in links:
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            return _absolute(base, link.get("href"))
    return _absolute(base, links[0].get("href")) if links else None


def _atom(root: ET.Element, base: str | None) -> ParsedFeed:
    a = f"{{{_ATOM}}}"
    items = []
    for entry in root.findall(f"{a}entry"):
        title = _markup_text(_text(entry.find(f"{a}title")))
        link = _atom_link(entry, base)
        guid = _text(entry.find(f"{a}id"))
        summary = _markup_text(_text(_child(entry, f"{a}content", f"{a}summary")))
        published = _date(_text(entry.find(f"{a}published")), _text(entry.find(f"{a}updated")))
        items.append(FeedItem(_key(guid, link, title, summary), link, title, summary, published))
    return ParsedFeed("atom", _text(root.find(f"{a}title")), items)
