"""Fetching a document over http(s), safely: public addresses only, a total deadline, a size
cap and a content-type check.

Every address a URL leads to is resolved here, checked, and then connected to as checked (no
second DNS lookup that a rebinding name could answer differently). By default only globally
routable addresses are allowed: loopback, private, link-local, unique-local, multicast,
reserved and unspecified addresses are refused, and so are IPv6 forms that embed one of
those (IPv4-mapped, 6to4, Teredo, NAT64). Redirects are followed here, one hop at a time, so
that every hop is checked the same way. A refusal says the same thing whatever the address,
so that it tells nothing about what listens where. Self-hosters who read from an intranet opt
in with HEADCOUNT_ALLOW_PRIVATE_URLS=1 (or `fetch_policy(allow_private=True)`).

Besides the per-step timeout (connecting, each read), every fetch has a total deadline: a
server that trickles a byte every second is cut off when it passes, and so is a fetch whose
`cancelled` callback (a stop request) becomes true.
"""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import socket
import ssl
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from email.message import Message

from headcount import __version__
from headcount.settings import DEFAULTS, Settings, env_name
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

ALLOW_PRIVATE_ENV = env_name("allow_private_urls")
DEADLINE_ENV = env_name("fetch_deadline")
#: Seconds a whole fetch (every redirect hop, headers and body) may take by default.
DEFAULT_DEADLINE = DEFAULTS.fetch_deadline
#: Redirect hops followed before giving up (urllib's limit too).
MAX_REDIRECTS = 10
#: The one reason given for every address refused, whichever rule refused it.
REFUSED = "refused: not a public internet address"
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
# How often a running fetch looks at its cancel callback: a stop is honoured within this.
_CANCEL_POLL = 0.2
# IPv6 prefixes that carry an IPv4 address in their last 32 bits (RFC 6052 NAT64).
_NAT64 = (ipaddress.IPv6Network("64:ff9b::/96"), ipaddress.IPv6Network("64:ff9b:1::/48"))


@dataclass(frozen=True)
class FetchPolicy:
    """What a fetch may reach and how long it may take."""

    allow_private: bool = False
    deadline: float = DEFAULT_DEADLINE
    # True when the fetch should give up now (a stop request); polled while it runs.
    cancelled: Callable[[], bool] | None = None


_POLICY: ContextVar[FetchPolicy | None] = ContextVar("headcount_fetch_policy", default=None)


def policy_from_env(environ: Mapping[str, str] | None = None) -> FetchPolicy:
    """The policy HEADCOUNT_ALLOW_PRIVATE_URLS and HEADCOUNT_FETCH_DEADLINE set (in `environ`,
    default this process's environment)."""
    settings = Settings.from_environment(environ, only=("allow_private_urls", "fetch_deadline"))
    return FetchPolicy(allow_private=settings.allow_private_urls, deadline=settings.fetch_deadline)


def current_policy() -> FetchPolicy:
    """The policy set by the innermost `fetch_policy`, else the environment's."""
    return _POLICY.get() or policy_from_env()


@contextmanager
def fetch_policy(
    *,
    allow_private: bool | None = None,
    deadline: float | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> Iterator[FetchPolicy]:
    """Fetches in this block (in this thread or task) follow this policy; what is not given
    is kept from the policy around it. Library callers that cannot pass a policy down (such
    as `sources.load`) are reached this way."""
    changes: dict[str, object] = {}
    if allow_private is not None:
        changes["allow_private"] = allow_private
    if deadline is not None:
        changes["deadline"] = deadline
    if cancelled is not None:
        changes["cancelled"] = cancelled
    policy = replace(current_policy(), **changes)  # type: ignore[arg-type]
    token = _POLICY.set(policy)
    try:
        yield policy
    finally:
        _POLICY.reset(token)


def is_public_address(address: str) -> bool:
    """True for a globally routable unicast address (and no IPv6 form of a non-public one)."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        embedded: ipaddress.IPv4Address | None = ip.ipv4_mapped or ip.sixtofour
        if ip.teredo is not None:
            embedded = ip.teredo[1]
        if any(ip in network for network in _NAT64):
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None and not is_public_address(str(embedded)):
            return False
    return ip.is_global and not (
        ip.is_multicast
        or ip.is_private
        or ip.is_reserved
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_unspecified
    )


class FetchFailed(Unreadable):
    """A fetch that went wrong; str(error) is the reason, without a "cannot fetch" prefix."""


@dataclass(frozen=True)
class Fetched:
    body: bytes
    kind: Kind | None  # None when the server named no content type: the caller sniffs it
    charset: str | None
    url: str  # after redirects


def is_url(text: str) -> bool:
    return text[:8].lower().startswith(("http://", "https://"))


# --- the connection: to the checked address, under a watchdog --------------------------------


class _Guard:
    """Ends a fetch that passes its deadline or is cancelled, by shutting its socket down
    from a watchdog thread: that wakes a read blocked in any layer (headers, chunked body,
    TLS), which a per-read timeout alone never does against a server that trickles."""

    def __init__(self, policy: FetchPolicy) -> None:
        self.policy = policy
        self.ends_at = time.monotonic() + policy.deadline
        self.expired = False
        self.cancelled = False
        self._socket: socket.socket | None = None
        self._done = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._watch, name="fetch-deadline", daemon=True)
        self._thread.start()

    def remaining(self) -> float:
        return self.ends_at - time.monotonic()

    def check(self) -> None:
        """Raises if the fetch must end now (between two steps)."""
        if self.policy.cancelled is not None and self.policy.cancelled():
            self.cancelled = True
        if self.remaining() <= 0:
            self.expired = True
        if self.cancelled or self.expired:
            raise FetchFailed(self.reason())

    def reason(self) -> str:
        if self.cancelled:
            return "stopped"
        return f"timed out: no complete answer within {self.policy.deadline:g} s"

    def watch(self, sock: socket.socket) -> None:
        with self._lock:
            self._socket = sock
            ended = self.expired or self.cancelled
        if ended:
            _shutdown(sock)

    def close(self) -> None:
        self._done.set()

    def _watch(self) -> None:
        poll = self.policy.cancelled
        while True:
            left = self.remaining()
            if left <= 0:
                self.expired = True
                break
            if self._done.wait(min(left, _CANCEL_POLL) if poll else left):
                return
            if poll is not None and poll():
                self.cancelled = True
                break
        with self._lock:
            sock = self._socket
        if sock is not None:
            _shutdown(sock)


def _shutdown(sock: socket.socket) -> None:
    # Already closed, or never connected: then there is nothing left to wake.
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


Address = tuple[int, tuple[object, ...]]  # (family, sockaddr) as getaddrinfo gives them


def _addresses(host: str, port: int, allow_private: bool) -> list[Address]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror:
        raise FetchFailed("unknown host") from None
    except UnicodeError:
        raise FetchFailed("invalid URL (bad host name)") from None
    found: list[Address] = [(int(family), tuple(sockaddr)) for family, _, _, _, sockaddr in infos]
    usable: list[Address] = [a for a in found if allow_private or is_public_address(str(a[1][0]))]
    if not usable:
        raise FetchFailed(REFUSED)
    return usable


def _open_socket(addresses: list[Address], guard: _Guard, timeout: float) -> socket.socket:
    error: OSError | None = None
    for family, sockaddr in addresses:
        guard.check()
        sock = socket.socket(family, socket.SOCK_STREAM)
        guard.watch(sock)
        sock.settimeout(max(0.001, min(timeout, guard.remaining())))
        try:
            sock.connect(sockaddr)
        except OSError as exc:
            sock.close()
            error = exc
            continue
        sock.settimeout(timeout)
        return sock
    raise error or FetchFailed(REFUSED)  # no address at all: _addresses never gives that


class _HTTPConnection(http.client.HTTPConnection):
    def __init__(
        self, host: str, port: int, addresses: list[Address], guard: _Guard, timeout: float
    ) -> None:
        super().__init__(host, port, timeout=timeout)
        self._addresses, self._guard = addresses, guard

    def connect(self) -> None:
        self.sock = _open_socket(self._addresses, self._guard, self.timeout or 10.0)


class _HTTPSConnection(http.client.HTTPSConnection):
    def __init__(
        self, host: str, port: int, addresses: list[Address], guard: _Guard, timeout: float
    ) -> None:
        self._tls = ssl.create_default_context()
        super().__init__(host, port, timeout=timeout, context=self._tls)
        self._addresses, self._guard = addresses, guard

    def connect(self) -> None:
        raw = _open_socket(self._addresses, self._guard, self.timeout or 10.0)
        # The certificate is checked against the URL's host name, not the address.
        self.sock = self._tls.wrap_socket(raw, server_hostname=self.host)
        self._guard.watch(self.sock)


@dataclass
class Answer:
    """An HTTP answer whose body has not been read yet."""

    status: int
    reason: str
    headers: Message
    url: str  # after redirects
    _response: http.client.HTTPResponse
    _guard: _Guard
    _timeout: float

    def read(self, max_bytes: int) -> bytes:
        """The body, refused past max_bytes; raises FetchFailed when the fetch fails."""
        length = self.headers.get("Content-Length", "")
        if length.isdigit() and int(length) > max_bytes:
            raise too_large(max_bytes, int(length))
        try:
            body = read_capped(self._response, max_bytes)
        except Unreadable:
            raise
        except Exception as error:
            raise FetchFailed(_reason(error, self._guard, self._timeout)) from None
        if self._guard.expired or self._guard.cancelled:
            # The watchdog's shutdown reads as an early end of the body: not a whole answer.
            raise FetchFailed(self._guard.reason())
        return body


@contextmanager
def open_url(
    url: str,
    headers: Mapping[str, str],
    *,
    timeout: float,
    policy: FetchPolicy | None = None,
) -> Iterator[Answer]:
    """A GET of url, following redirects after checking each hop's address; yields the first
    answer that is not a redirect (any status). Raises FetchFailed for what goes wrong before
    an answer: a refused or unknown address, a connection failure, a deadline."""
    policy = policy or current_policy()
    guard = _Guard(policy)
    connection: http.client.HTTPConnection | None = None
    response: http.client.HTTPResponse | None = None
    try:
        for _hop in range(MAX_REDIRECTS + 1):
            try:
                connection, response = _request(url, headers, guard, timeout)
            except FetchFailed:
                raise
            except Exception as error:
                raise FetchFailed(_reason(error, guard, timeout)) from None
            location = response.getheader("Location")
            if response.status in _REDIRECTS and location:
                response.close()
                connection.close()
                url = urllib.parse.urljoin(url, location.strip())
                continue
            yield Answer(
                response.status, response.reason, response.msg, url, response, guard, timeout
            )
            return
        raise FetchFailed(f"too many redirects (more than {MAX_REDIRECTS})")
    finally:
        guard.close()
        if response is not None:
            response.close()
        if connection is not None:
            connection.close()


def _request(
    url: str, headers: Mapping[str, str], guard: _Guard, timeout: float
) -> tuple[http.client.HTTPConnection, http.client.HTTPResponse]:
    parts = urllib.parse.urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise FetchFailed(f"unsupported URL scheme {scheme!r} (only http and https)")
    host = parts.hostname
    if not host:
        raise FetchFailed("invalid URL (no host)")
    try:
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError:
        raise FetchFailed("invalid URL (bad port)") from None
    guard.check()
    addresses = _addresses(host, port, guard.policy.allow_private)
    kind = _HTTPSConnection if scheme == "https" else _HTTPConnection
    connection = kind(host, port, addresses, guard, timeout)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    try:
        connection.request("GET", path, headers=dict(headers))
        response = connection.getresponse()
    except BaseException:
        connection.close()
        raise
    return connection, response


def _reason(error: BaseException, guard: _Guard, timeout: float) -> str:
    if guard.expired or guard.cancelled:
        return guard.reason()
    return describe_error(error, timeout)


# --- documents -----------------------------------------------------------------------------


def fetch(
    url: str, *, timeout: float, max_bytes: int, policy: FetchPolicy | None = None
) -> Fetched:
    """The body of url; raises Unreadable with a one-line reason for anything that goes wrong.

    policy defaults to `current_policy()`: public addresses only, unless allowed."""
    request_headers = {
        "User-Agent": _USER_AGENT,
        "Accept": ", ".join(ACCEPTED_TYPES) + ";q=0.9, */*;q=0.1",
    }
    try:
        with open_url(url, request_headers, timeout=timeout, policy=policy) as answer:
            if answer.status >= 300:
                raise FetchFailed(f"HTTP {answer.status} {answer.reason}")
            kind = _kind(answer.headers)
            body = answer.read(max_bytes)
            return Fetched(body, kind, answer.headers.get_content_charset(), answer.url)
    except FetchFailed as error:
        raise Unreadable(f"cannot fetch: {error}") from None


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
    if isinstance(error, http.client.InvalidURL):
        return f"invalid URL ({error})"
    if isinstance(error, http.client.HTTPException):
        return f"bad HTTP response ({type(error).__name__})"
    if isinstance(error, OSError):
        return _describe(error, timeout)
    if isinstance(error, ValueError):
        return f"invalid URL ({error})"
    return f"unexpected error: {type(error).__name__}: {error}"
