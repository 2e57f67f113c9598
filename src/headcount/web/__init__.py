"""The web tracker and JSON API: `create_app(db_url, token=None)` returns the ASGI app."""

from __future__ import annotations

from headcount.web.app import create_app

__all__ = ["create_app"]
