"""Web archives (.warc, .warc.gz): one document per archived HTML or plain-text page.

Read with fastwarc (the headcount[scale] extra), imported only when a WARC file is met. Only
`response` records with a 2xx HTTP status and `resource` records are pages; requests, metadata,
redirects, errors, images, scripts and style sheets are not articles and are passed over
without a word. A page's text is taken out like any other HTML page's (trafilatura), and its
address is the record's WARC-Target-URI.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from headcount.model import Document, SourceError
from headcount.sources.decoding import decode, size_text
from headcount.sources.document import Unreadable
from headcount.sources.html import declared_charset, parse_html
from headcount.sources.text import parse_text

# What each archived media type is read as; every other type is not an article.
PAGE_TYPES = {"text/html": "html", "application/xhtml+xml": "html", "text/plain": "text"}

INSTALL_HINT = "reading WARC files needs fastwarc: pip install 'headcount[scale]'"


@dataclass(frozen=True)
class WarcPage:
    """The archived bytes of one page, as read by the (cheap) streaming pass."""

    origin: str  # "file#n": the n-th response or resource record of the file
    url: str | None
    body: bytes
    media_type: str
    charset: str | None


def _media_type(content_type: str | None) -> tuple[str | None, str | None]:
    """(media type, charset) of a Content-Type header value."""
    if not content_type:
        return None, None
    media, *params = content_type.split(";")
    charset = None
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            charset = value.strip().strip("\"'")
    return media.strip().lower(), charset


def warc_pages(path: Path, *, max_bytes: int) -> Iterator[WarcPage | SourceError]:
    """The pages archived in a WARC file (gzip-compressed or not), each capped at max_bytes."""
    try:
        from fastwarc.warc import ArchiveIterator, WarcRecordType
    except ImportError:
        raise Unreadable(INSTALL_HINT) from None
    origin = str(path)
    with path.open("rb") as stream:
        head = stream.read(4)
        stream.seek(0)
        if not head.startswith((b"WARC", b"\x1f\x8b")):
            raise Unreadable("not a WARC file (it does not open with a WARC record)")
        records = ArchiveIterator(
            stream,
            record_types=WarcRecordType.response | WarcRecordType.resource,
            parse_http=True,
            auto_decode="all",  # undo chunked transfer and gzip/deflate/brotli bodies
        )
        number = 0
        found = False
        try:
            for record in records:
                found = True
                number += 1
                where = f"{origin}#{number}"
                if record.is_http:
                    status = record.http_headers.status_code
                    if status is None:
                        reason = f"record {number}: no HTTP status line (a damaged record?)"
                        yield SourceError(where, reason)
                        continue
                    if not 200 <= status < 300:
                        continue
                    content_type = record.http_headers.get("Content-Type")
                else:
                    content_type = record.headers.get("Content-Type")
                media, charset = _media_type(content_type)
                if media not in PAGE_TYPES:
                    continue
                if record.content_length > max_bytes:
                    size = size_text(record.content_length)
                    reason = f"record {number}: too large: {size} > {size_text(max_bytes)} limit"
                    yield SourceError(where, reason)
                    continue
                body = record.reader.read()
                encoded = record.is_http and (
                    record.http_headers.get("Content-Encoding")
                    or record.http_headers.get("Transfer-Encoding")
                )
                if not encoded and len(body) < record.content_length:
                    # The archive ends inside this record (a download or copy cut short).
                    have, want = len(body), record.content_length
                    reason = f"record {number}: truncated ({have:,} of {want:,} bytes)"
                    yield SourceError(where, reason)
                    continue
                url = record.headers.get("WARC-Target-URI") or None
                yield WarcPage(where, url.strip("<>") if url else None, body, media, charset)
        except OSError as error:
            # fastwarc raises OSError for a damaged record or compressed stream; what was read
            # before it stands, the rest of the file cannot be found again.
            yield SourceError(origin, f"damaged WARC file after record {number}: {error}")
        if not found:
            yield SourceError(origin, "no archived pages in this WARC file")


def page_documents(
    page: WarcPage, published: date | None = None
) -> Iterator[Document | SourceError]:
    """The document of one archived page (HTML through trafilatura, plain text as is)."""
    try:
        charset = page.charset
        if charset is None and PAGE_TYPES[page.media_type] == "html":
            charset = declared_charset(page.body[:4096])
        text = decode(page.body, charset)
    except Unreadable as error:
        yield SourceError(page.origin, str(error))
        return
    if PAGE_TYPES[page.media_type] == "html":
        yield from parse_html(text, page.origin, published=published, url=page.url)
    else:
        yield from parse_text(text, page.origin, published=published, url=page.url)


def read_warc(
    path: Path, *, published: date | None, max_bytes: int
) -> Iterator[Document | SourceError]:
    """Every page archived in a WARC file as a Document, or a SourceError naming the record."""
    for page in warc_pages(path, max_bytes=max_bytes):
        if isinstance(page, SourceError):
            yield page
        else:
            yield from page_documents(page, published)
