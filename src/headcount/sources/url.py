"""Fetching a document over http(s), with a timeout, a size cap and a content-type check."""

from __future__ import annotations

import http.client
import socket
import ssl
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import Message

from headcount import __version__
from headcount.sources.decoding import read_capped, too_large
from headcount.sources.document import Kind, Unreadable

# What each accepted media type is read as; anything else (images, PDFs, archives) is refused
# before its body is downloaded.
ACCEPTED_TYPES: dict[str, Kind] = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "text/plain": "text",
    "application/json": "json",
}
# Some sites refuse urllib's default agent; naming ourselves is also simply polite.
_USER_AGENT = f"headcount/{__version__} (layoff news tracker)"


@dataclass(frozen=True)
class Fetched:
    body: bytes
    kind: Kind | None  # None when the server named no content type: the caller sniffs it
    charset: str | None
    url: str  # after redirects


def is_url(text: str) -> bool:
    return text[:8].lower().startswith(("http://", "https://"))


def fetch(url: str, *, timeout: float, max_bytes: int) -> Fetched:
    """The body of url; raises Unreadable with a one-line reason for anything that goes wrong."""
    request = urllib.request.Request(
        url,
        headers={
            "User-Agent": _USER_AGENT,
            "Accept": ", ".join(ACCEPTED_TYPES) + ";q=0.9, */*;q=0.1",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            headers: Message = response.headers
            kind = _kind(headers)
            length = headers.get("Content-Length", "")
            if length.isdigit() and int(length) > max_bytes:
                raise too_large(max_bytes, int(length))
            body = read_capped(response, max_bytes)
            return Fetched(body, kind, headers.get_content_charset(), response.geturl())
    except urllib.error.HTTPError as error:
        error.close()
        raise Unreadable(f"cannot fetch: HTTP {error.code} {error.reason}") from None
    except urllib.error.URLError as error:
        raise Unreadable(f"cannot fetch: {_describe(error.reason, timeout)}") from None
    except http.client.HTTPException as error:
        raise Unreadable(f"cannot fetch: bad HTTP response ({type(error).__name__})") from None
    except OSError as error:  # raised while reading the body: reset, timed out
        raise Unreadable(f"cannot fetch: {_describe(error, timeout)}") from None
    except ValueError as error:  # urllib's word for a URL it cannot parse
        raise Unreadable(f"cannot fetch: invalid URL ({error})") from None


def _kind(headers: Message) -> Kind | None:
    if headers.get("Content-Type") is None:
        return None
    media_type = headers.get_content_type()
    kind = ACCEPTED_TYPES.get(media_type)
    if kind is None:
        raise Unreadable(
            f"unsupported content type {media_type} (expected HTML, plain text or JSON)"
        )
    return kind


def _describe(reason: object, timeout: float) -> str:
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused"
    if isinstance(reason, socket.gaierror):
        return "unknown host"
    if isinstance(reason, TimeoutError):  # socket.timeout is an alias since Python 3.10
        return f"timed out after {timeout:g} s"
    if isinstance(reason, ssl.SSLError):
        return f"TLS error: {reason.reason or reason}"
    if isinstance(reason, OSError) and reason.strerror:
        return reason.strerror.lower()
    return str(reason)


def describe_error(error: BaseException, timeout: float) -> str:
    """A one-line reason for an exception raised while fetching (not for HTTP statuses)."""
    if isinstance(error, urllib.error.URLError):
        return _describe(error.reason, timeout)
    if isinstance(error, http.client.HTTPException):
        return f"bad HTTP response ({type(error).__name__})"
    if isinstance(error, OSError):
        return _describe(error, timeout)
    if isinstance(error, ValueError):
        return f"invalid URL ({error})"
    return f"unexpected error: {type(error).__name__}: {error}"
