"""The change log of an event: which fields a claim changed, from what to what.

An event is never edited silently: every difference between its fields before and after a
claim joined it (or it was merged, superseded or re-estimated) becomes one EventChange with the
time and the claim that caused it. Creation is recorded as the change `created`.
"""

from __future__ import annotations

from typing import Any, Final

from headcount.model import Event

#: The fields whose changes are recorded, in the order they are reported.
TRACKED: Final[tuple[str, ...]] = (
    "company_id",
    "company",
    "parent",
    "announced_on",
    "date_precision",
    "headcount",
    "headcount_min",
    "headcount_max",
    "approx",
    "percent",
    "estimated_headcount",
    "units",
    "locations",
    "reasons",
    "status",
    "sources",
    "claims",
    "lead_mention_id",
    "superseded_by",
)


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
