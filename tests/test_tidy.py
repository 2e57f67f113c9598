"""Pages show a place once and near-identical subsidiaries together (headcount.web.tidy)."""

from __future__ import annotations

from headcount.model import Company
from headcount.web.tidy import distinct_places, grouped_companies


def test_a_place_is_shown_once_under_one_name() -> None:
    assert distinct_places(["Seattle", "United States", "U.S.", "Canada", "USA", "India"]) == [
        "Seattle",
        "United States",
        "Canada",
        "India",
    ]
    assert distinct_places(["U.K.", "London", "Britain"]) == ["United Kingdom", "London"]
    assert distinct_places(["Springfield", "springfield"]) == ["Springfield"]


def _company(cid: str, name: str) -> Company:
    return Company(id=cid, name=name)


def test_near_identical_subsidiaries_are_grouped_but_units_are_not() -> None:
    subsidiaries = [
        _company("google", "Google"),
        _company("google-cloud", "Google Cloud"),
        _company("whole-foods", "Whole Foods"),
        _company("whole-foods-market", "Whole Foods Market"),
        _company("zoox", "Zoox"),
    ]
    grouped = [
        (lead.id, [o.id for o in others]) for lead, others in grouped_companies(subsidiaries)
    ]
    assert grouped == [
        ("google", []),
        ("google-cloud", []),
        ("whole-foods-market", ["whole-foods"]),
        ("zoox", []),
    ]
