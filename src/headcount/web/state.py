"""What the routes share, kept on the app (app.state.web) rather than in a closure: the
stores, the write token, the rate limiter and trusted proxies, where the accuracy figures are.
Routes reach it through the `Web` dependency."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Request

from headcount.settings import Network
from headcount.store.event_index import confidence_threshold
from headcount.web.middleware import RateLimiter
from headcount.web.queries import ShownEvent, StorePool, shown_event


@dataclass(frozen=True)
class WebState:
    stores: StorePool  # the database, through a pool of connections and a cache
    token: str | None  # what writes must present; None refuses every write
    proxies: tuple[Network, ...]  # whose X-Forwarded-For is believed
    limiter: RateLimiter  # of writes, per client
    accuracy_dir: str | os.PathLike[str] | None

    def fresh(self) -> StorePool:
        """The stores, with the read model brought up to date if events changed."""
        self.stores.sync()
        return self.stores

    def shown(self, event_id: str, include_unconfirmed: bool) -> ShownEvent:
        """An event as a reader sees it; one no claim of which reaches the confidence
        threshold is, without include_unconfirmed, as absent as from the tracker."""
        detail = self.fresh().event_detail(event_id)
        if detail is None:
            raise HTTPException(404, f"no event {event_id}")
        shown = shown_event(detail, confidence_threshold(), include_unconfirmed)
        if not shown.confirmed and not include_unconfirmed:
            raise HTTPException(404, unconfirmed_message(event_id, shown.threshold))
        return shown


def unconfirmed_message(event_id: str, threshold: float) -> str:
    return (
        f"event {event_id} is unconfirmed: no claim behind it reaches the confidence threshold "
        f"({threshold:g}); ask with include_unconfirmed=true to see it"
    )


async def web_state(request: Request) -> WebState:
    # async: a plain function would be run in a thread, for nothing.
    state: WebState = request.app.state.web
    return state


Web = Annotated[WebState, Depends(web_state)]
