"""The units and places a claim names: what a reader would call the part of the employer cut,
and where."""

from __future__ import annotations

from headcount.extract.attributes import find_locations
from headcount.extract.companies import same_company
from headcount.extract.units import find_units


def test_the_words_modifying_the_counted_staff_name_the_unit() -> None:
    assert find_units("The Daily Ledger will cut 40 newsroom staffers.", ["Daily Ledger"]) == [
        "newsroom"
    ]
    assert find_units("Globex eliminated 210 management positions.", ["Globex"]) == ["management"]
    assert find_units("Initech is cutting hundreds of corporate employees.", ["Initech"]) == [
        "corporate"
    ]
    assert find_units("Globex plans to axe 60 call centre jobs.", ["Globex"]) == ["call centre"]


def test_how_many_where_when_and_which_round_are_not_units() -> None:
    for sentence in (
        "Globex will cut 2,000 more jobs.",
        "Globex will cut 500 new positions.",
        "Globex will shed 1,200 U.S. jobs.",
        "Globex will cut 300 British jobs.",
        "Globex said 800 open roles will go unfilled.",
        "Globex cut 10% of its global workforce.",
        "Globex cut 40 full-time jobs in March.",
        "Globex announced the first major workforce reduction in its history.",
        "Globex laid off 17 percent of the company's workforce.",
        "Globex will cut 3,800 jobs in the next three years.",
    ):
        assert find_units(sentence, ["Globex"]) == [], sentence
    assert find_units("Globex will cut 5% of its global corporate workforce.", ["Globex"]) == [
        "corporate"
    ]


def test_a_vague_head_gives_way_to_the_units_it_lists() -> None:
    sentence = (
        "Globex is laying off about 700 employees across several departments, including"
        " logistics, design, and customer support."
    )
    assert find_units(sentence, ["Globex"]) == ["logistics", "design", "customer support"]
    sentence = "Initech laid off staff in multiple divisions, including Maps, payments, and more."
    assert find_units(sentence, ["Initech"]) == ["Maps", "payments"]
    sentence = "People from legal, finance, and design, among other teams, were let go."
    assert find_units(sentence) == ["legal", "finance", "design"]


def test_functions_named_after_the_cut_are_units_until_the_sentence_moves_on() -> None:
    sentence = "Globex is cutting 900 jobs in engineering, sales and HR due to weak demand."
    assert find_units(sentence, ["Globex"]) == ["engineering", "sales", "HR"]


def test_a_company_named_after_the_staff_is_a_unit_unless_it_is_the_employer() -> None:
    sentence = "Globex will lay off 400 employees at Pixelworks and Gamebox this week."
    assert find_units(sentence, ["Globex"]) == ["Pixelworks", "Gamebox"]
    assert find_units("Globex will lay off 400 employees at Globex.", ["Globex"]) == []
    # the owner's possessive: its unit is named next, by the determiner pattern
    assert find_units("Globex cut 400 jobs at Globex's Dayton plant.", ["Globex"]) == [
        "Dayton plant"
    ]
    assert find_units("Globex cut 400 jobs in California and Texas.", ["Globex"]) == []


def test_a_unit_noun_inside_a_name_is_not_a_unit() -> None:
    assert find_units("Globex cut 20 jobs, the Dayton Business Journal reported.") == []
    assert find_units("Globex cut 20% of its newsroom.") == ["newsroom"]


def test_an_owned_company_is_not_its_owner_when_asked_by_name_alone() -> None:
    assert same_company("Activision Blizzard", "Microsoft")
    assert not same_company("Activision Blizzard", "Microsoft", by_registry=False)
    assert same_company("GM", "General Motors", by_registry=False)


def test_a_town_the_gazetteer_lacks_is_a_place_when_it_is_a_sites_or_staffs() -> None:
    assert find_locations("Globex will cut 70 staffers at its headquarters in Whippany.") == [
        "Whippany"
    ]
    assert find_locations("Initech will cut 178 jobs at its facility in Lakemoor in June.") == [
        "Lakemoor"
    ]
    assert find_locations("Globex will cut 90 jobs at its plant in Thief River Falls, Minn.") == [
        "Thief River Falls"
    ]
    assert find_locations("Globex cut 300 jobs in Sales and 200 jobs in March.") == []
    assert find_locations("Globex cut 30 jobs in Initech's unit.") == []
    assert find_locations("Globex Cuts 9,000 Employees in Latest Restructuring Push") == []


def test_a_class_of_employers_cutting_is_named_by_its_trade() -> None:
    assert find_units("More than 200 retail chains and 90 fintech firms have laid off staff.") == [
        "fintech"
    ]
    assert find_units("Logistics companies in Europe have cut 9,000 jobs this year.") == [
        "Logistics"
    ]
    assert find_units("About 5,000 workers at US-based biotech companies lost their jobs.") == [
        "biotech"
    ]
    # An industry or a sector is a class of employers too.
    assert find_units("The media industry has announced at least 17,000 job cuts this year.") == [
        "media"
    ]
    assert find_units("The technology sector lost 22,000 jobs in May.") == ["technology"]
    assert find_units("Games companies let go almost 8,000 members of their staff.") == ["Games"]


def test_the_trade_of_the_staff_a_share_counts_is_the_unit() -> None:
    assert find_units("Globex has cut about 10% of its contractors.", ["Globex"]) == ["contractors"]
    assert find_units("Globex cut 12 percent of its software engineers.", ["Globex"]) == [
        "software engineers"
    ]
    assert find_units("Globex cut 12 percent of its global workforce.", ["Globex"]) == []


def test_a_unit_keeps_its_place_name_and_its_compound_noun() -> None:
    assert find_units("Globex will cut roles in its New York offices.", ["Globex"]) == [
        "New York offices"
    ]
    assert find_units("Globex will cut 90 jobs at its billing operations center.", ["Globex"]) == [
        "billing operations center"
    ]
    assert find_units("Globex cut 60 data engineers at Mobix.", ["Globex"]) == ["Mobix"]
