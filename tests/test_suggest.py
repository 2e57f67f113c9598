"""Nearest company names for a misspelt search (headcount.resolve.suggest, on rapidfuzz)."""

from __future__ import annotations

import pytest

from headcount.resolve.suggest import nearest_companies

COMPANIES = [
    ("amazon", "Amazon"),
    ("google", "Google"),
    ("microsoft", "Microsoft"),
    ("e", "E Inc."),
    ("amazon-fresh", "Amazon Fresh"),
    ("meta", "Meta"),
    ("desktop-metal", "Desktop Metal"),
]


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("amazn", "amazon"),
        ("mazon", "amazon"),
        ("amazon.com", "amazon"),
        ("AMAZON INC", "amazon"),
        ("gogle", "google"),
        ("microsft", "microsoft"),
    ],
)
def test_a_misspelt_name_offers_the_company_first(typed: str, meant: str) -> None:
    offered = nearest_companies(typed, COMPANIES)
    assert offered and offered[0][0] == meant
    assert ("e", "E Inc.") not in offered  # a one-letter name is in every word


def test_nothing_alike_offers_nothing_and_the_limit_holds() -> None:
    assert nearest_companies("xyzzyq", COMPANIES) == []
    assert nearest_companies("am", COMPANIES) == []  # too short to guess from
    assert len(nearest_companies("amazon", COMPANIES, limit=1)) == 1


def test_equal_scores_keep_the_callers_order() -> None:
    # Both are as near to "acme"; the one given first (more events) comes first.
    twins = [("acme-b", "Acme B"), ("acme-a", "Acme A")]
    assert [cid for cid, _ in nearest_companies("acme", twins)] == ["acme-b", "acme-a"]
