"""The web tracker and JSON API: `create_app(db_url)` returns the ASGI application.

Reading is public. Writing (POST /api/ingest) needs the token from `token` or the
HEADCOUNT_TOKEN environment variable, and is rate-limited per client address. Where each
concern lives: middleware.py (security headers, errors, proxies, rate limit), fast_path.py
(GET /api/events and its cache), filters.py, schemas.py, api.py, feeds.py and site.py (the
routers), state.py (what they share), queries.py (the store behind them).
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool

from headcount.settings import current
from headcount.settings import parse_networks as parse_proxies
from headcount.store.event_index import confidence_threshold
from headcount.web import api, feeds, site
from headcount.web.fast_path import EventsFastPath
from headcount.web.middleware import (
    CSP,
    RateLimiter,
    SecurityHeaders,
    add_error_handlers,
    client_key,
)
from headcount.web.queries import StorePool
from headcount.web.state import WebState

__all__ = ["CSP", "app_from_env", "client_key", "create_app", "parse_proxies"]

STATIC_DIR = Path(__file__).parent / "static"


def create_app(
    db_url: str,
    token: str | None = None,
    *,
    rate_per_minute: float = 10.0,
    rate_burst: int = 5,
    cache_size: int | None = None,
    accuracy_dir: str | os.PathLike[str] | None = None,
    trusted_proxies: str | Iterable[str] | None = None,
    allow_private_urls: bool | None = None,
) -> FastAPI:
    """The tracker over the database at `db_url` (a SQLite path or a database URL).

    What is not given comes from the settings (headcount.settings, the HEADCOUNT_*
    environment variables), read here once.
    token: what writes must present (Authorization: Bearer TOKEN); defaults to the
    HEADCOUNT_TOKEN environment variable; with neither, writes are refused.
    cache_size: answers kept until the events change, 0 for none; defaults to
    HEADCOUNT_CACHE_SIZE (2048).
    accuracy_dir: where the pinned accuracy figures (floors.json) are, for the methodology
    page; defaults to HEADCOUNT_ACCURACY_DIR, else ./accuracy, else the source checkout's.
    trusted_proxies: the reverse proxies whose X-Forwarded-For is believed (addresses or
    networks); defaults to HEADCOUNT_TRUSTED_PROXIES (comma-separated), else none.
    allow_private_urls: whether POST /api/ingest may fetch loopback and private addresses;
    defaults to HEADCOUNT_ALLOW_PRIVATE_URLS, else no.
    """
    # A bad setting is one error at start-up, not a failure of every request.
    settings = current()
    confidence_threshold()
    stores = StorePool(
        db_url,
        cache_size=settings.cache_size if cache_size is None else cache_size,
        allow_private_urls=allow_private_urls,
    )
    state = WebState(
        stores=stores,
        token=token if token is not None else settings.token,
        proxies=settings.trusted_proxies
        if trusted_proxies is None
        else parse_proxies(trusted_proxies),
        limiter=RateLimiter(rate_per_minute, rate_burst),
        accuracy_dir=accuracy_dir if accuracy_dir is not None else settings.accuracy_dir,
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await run_in_threadpool(stores.sync, True)
        yield
        stores.close()

    app = FastAPI(
        title="headcount",
        version="1",
        description=(
            "A ledger of layoffs built from the news. Every event merges the claims of its "
            "sources; every figure can be traced to the sentence and document behind it."
        ),
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/openapi.json",
        lifespan=lifespan,
    )
    app.state.web = state
    app.add_middleware(EventsFastPath, stores=stores)
    app.add_middleware(SecurityHeaders)  # outermost: every answer gets the headers
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")
    add_error_handlers(app)
    for router in (api.router, feeds.router, site.router):
        app.include_router(router)
    return app


def app_from_env() -> FastAPI:
    """The app the settings describe (HEADCOUNT_DB, HEADCOUNT_TOKEN, HEADCOUNT_CACHE_SIZE,
    ...): for `uvicorn --factory` and `headcount serve`, whose every worker builds its own."""
    return create_app(current().db)
