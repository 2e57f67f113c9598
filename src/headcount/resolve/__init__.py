"""Resolve: employer names into the company registry, and claims into events.

registry.py  companies, aliases, parents, and guarded matching of names as written
cluster.py   claims -> events with a role and a reason for every claim (pure, in memory)
changes.py   the change log: what a claim changed in an event
service.py   resolve(store): incremental and idempotent, one transaction per run
"""

from headcount.resolve.service import ResolveReport, resolve

__all__ = ["ResolveReport", "resolve"]
