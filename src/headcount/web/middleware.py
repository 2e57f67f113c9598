"""What wraps every request: security headers, the client behind trusted proxies, the write
rate limit and the error answers (JSON under /api and /feeds, a page elsewhere).

Every response carries a Content-Security-Policy that allows scripts, styles and images from
this site only; the pages have no inline script and render every text from the data escaped.
"""

from __future__ import annotations

import ipaddress
import threading
import time
from collections.abc import Awaitable, Callable, MutableMapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from headcount.settings import Network
from headcount.web import pages
from headcount.web.filters import FilterError, OutOfRange
from headcount.web.schemas import json_response

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
    (b"x-frame-options", b"DENY"),
]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def answers_json(path: str) -> bool:
    """Whether a path is the API's or a feed's, whose errors are JSON rather than a page."""
    return path.startswith(("/api", "/feeds"))


class SecurityHeaders:
    """ASGI middleware adding the CSP and friends to every HTTP response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers += [(n, v) for n, v in SECURITY_HEADERS if n not in present]
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception:
            # Starlette answers an unhandled error from outside every middleware, so without
            # this its 500 would go out bare. The error is raised on for the server to log; the
            # outer handler sees the answer started and sends nothing more.
            if not started:
                body, kind = (
                    (b'{"detail":"internal server error"}', b"application/json")
                    if answers_json(str(scope.get("path", "")))
                    else (b"Internal Server Error", b"text/plain; charset=utf-8")
                )
                await send_with_headers(
                    {
                        "type": "http.response.start",
                        "status": 500,
                        "headers": [
                            (b"content-type", kind),
                            (b"content-length", str(len(body)).encode()),
                        ],
                    }
                )
                await send({"type": "http.response.body", "body": body})
            raise


# --- errors ------------------------------------------------------------------------------------


def error_answer(request: Request, status: int, message: str) -> Response:
    """An error as JSON for the API and feeds, as a page for a reader."""
    if answers_json(request.url.path):
        return json_response({"detail": message}, status)
    html = pages.render("error.html", status=status, message=message)
    return HTMLResponse(html, status_code=status)


async def _on_filter_error(request: Request, exc: Exception) -> Response:
    return error_answer(request, 422 if isinstance(exc, OutOfRange) else 400, str(exc))


async def _on_http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    response = error_answer(request, exc.status_code, str(exc.detail))
    for name, value in (exc.headers or {}).items():
        response.headers[name] = value
    return response


async def _on_validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    if answers_json(request.url.path):
        errors = [
            {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
            for e in exc.errors()
        ]
        return json_response({"detail": errors}, 422)
    message = "; ".join(
        f"{'.'.join(str(p) for p in e.get('loc', ())[1:])}: {e.get('msg', '')}"
        for e in exc.errors()
    )
    return error_answer(request, 400, message)


def add_error_handlers(app: FastAPI) -> None:
    """Bad filters (400, or 422 out of range), HTTP errors and failed validation, answered
    as JSON or as a page by path."""
    app.add_exception_handler(FilterError, _on_filter_error)
    app.add_exception_handler(StarletteHTTPException, _on_http_error)
    app.add_exception_handler(RequestValidationError, _on_validation_error)


# --- who is asking: trusted proxies and the write rate limit -----------------------------------


class RateLimiter:
    """A token bucket per client: `burst` requests at once, refilled at `per_minute`."""

    def __init__(self, per_minute: float = 10.0, burst: int = 5) -> None:
        self.rate = per_minute / 60.0
        self.burst = burst
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, client: str) -> float:
        """0 if the request may go ahead, else the seconds to wait."""
        now = time.monotonic()
        with self._lock:
            tokens, at = self._buckets.get(client, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - at) * self.rate)
            if tokens >= 1:
                self._buckets[client] = (tokens - 1, now)
                return 0.0
            self._buckets[client] = (tokens, now)
            if len(self._buckets) > 10_000:  # forget idle clients
                for key in [k for k, (t, a) in self._buckets.items() if now - a > 3600]:
                    del self._buckets[key]
            return (1 - tokens) / self.rate if self.rate > 0 else 3600.0


def _host(value: str) -> str:
    """The address in an X-Forwarded-For entry: "1.2.3.4:80" and "[::1]:80" without the port."""
    value = value.strip()
    if value.startswith("["):
        return value[1:].split("]", 1)[0]
    if value.count(":") == 1:
        return value.split(":", 1)[0]
    return value


def _trusted(host: str, proxies: tuple[Network, ...]) -> bool:
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return any(address in network for network in proxies)


def client_key(peer: str | None, forwarded_for: Sequence[str], proxies: tuple[Network, ...]) -> str:
    """Who a request comes from, for the rate limit.

    X-Forwarded-For is believed only when it comes from a configured proxy: then the client
    is its rightmost address that is not a proxy. Otherwise it is ignored, so that a client
    cannot get a fresh allowance by sending a new value. One more case: the server itself may
    already have put a forwarded address in place of the peer (uvicorn does for loopback peers
    by default); the peer is then one of the forwarded addresses, and with no proxy configured
    such requests share a single allowance, as all requests from one proxy would."""
    peer = peer or "unknown"
    hops = [_host(part) for value in forwarded_for for part in value.split(",") if part.strip()]
    if not hops:
        return peer
    rewritten = peer in hops
    if _trusted(peer, proxies) or (rewritten and proxies):
        for hop in reversed(hops):
            if not _trusted(hop, proxies):
                return hop
        return peer
    return "forwarded (no trusted proxy configured)" if rewritten else peer
