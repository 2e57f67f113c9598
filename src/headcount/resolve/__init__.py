"""Resolve: employer names into the company registry, and claims into events.

registry.py  companies, aliases, parents, and guarded matching of names as written
facts.py     what resolving needs about a claim: its company, dates and figure (ClaimFacts)
windows.py   date windows: the days an event may fall on to be a claim's layoff
figures.py   comparing figures, and saying why they fit
ledger.py    the events a run holds in memory (EventLedger, EventState, Member)
summary.py   an event's fields from its members: counted figure, range, status
cluster.py   the placement rules: claims -> events with a role and a reason (pure, in memory)
changes.py   the change log: what a claim changed in an event
service.py   resolve(store): incremental and idempotent, one transaction per run
suggest.py   the companies a misspelt name probably means
"""

from headcount.resolve.service import ResolveReport, resolve

__all__ = ["ResolveReport", "resolve"]
