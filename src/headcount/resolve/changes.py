"""The change log of an event: which fields a claim changed, from what to what.

An event is never edited silently: every difference between its fields before and after a
claim joined it (or it was merged, superseded or re-estimated) becomes one EventChange with the
time and the claim that caused it. Creation is recorded as the change `created`.
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any, Final

from headcount.model import Event

#: Fields that describe no change of the layoff itself: identity, bookkeeping, and facts of the
#: company rather than of its event.
UNTRACKED: Final[frozenset[str]] = frozenset(
    {"id", "estimate_basis", "first_seen", "last_updated", "industry", "country", "revision",
     "family_id"}
)  # fmt: skip
#: The fields whose changes are recorded, in the order they are reported (the Event's own).
TRACKED: Final[tuple[str, ...]] = tuple(f.name for f in fields(Event) if f.name not in UNTRACKED)


def diff_events(old: Event | None, new: Event) -> list[tuple[str, Any, Any]]:
    """(field, old value, new value) for every tracked field that differs; nothing for a new
    event (its creation is recorded on its own)."""
    if old is None:
        return []
    changes = []
    for name in TRACKED:
        before, after = getattr(old, name), getattr(new, name)
        if before != after:
            changes.append((name, before, after))
    return changes
