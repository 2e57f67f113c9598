"""Which names the learned extractor weighs as a claim's employer (extract/candidates.py)."""

from __future__ import annotations

from headcount.extract.candidates import Analysed, analyse
from headcount.extract.cues import is_source_name
from headcount.model import Document


def _read(text: str) -> Analysed:
    return analyse(Document.create(text, "page.txt", language="en"), gated=False)


def _names(read: Analysed) -> set[str]:
    return {c.option.text for c in read.candidates if c.option.text}


def _employers(text: str) -> set[str]:
    return _names(_read(text))


def test_a_month_or_weekday_is_never_offered_as_the_employer() -> None:
    names = _employers(
        "Warner Music said Thursday it would lay off about 750 employees.\n"
        "In February, Warner Music said that it would cut 600 employees.\n"
        "May was the worst month, with 200 jobs cut at Globex."
    )
    assert "Warner Music" in names and "Globex" in names
    assert not names & {"Thursday", "February", "May"}


def test_a_place_or_backer_named_as_an_attribute_is_not_the_employer() -> None:
    names = _employers(
        "SoftBank-backed Unacademy sacked about 10 per cent of its workforce, or around 350 "
        "employees on Monday.\n"
        "Quincy, Ill.-based Blessing Health System will lay off 100 workers at its hospital."
    )
    assert {"Unacademy", "Blessing Health System"} <= names
    assert "SoftBank" not in names
    assert not any("-based" in n for n in names)


def test_an_outlet_is_known_however_the_page_spells_it() -> None:
    # The list holds "the washington post"; pages write "Washington Post" too.
    assert is_source_name("Washington Post") and is_source_name("The Washington Post")
    assert is_source_name("Challenger, Gray & Christmas")
    assert not is_source_name("Washington Mutual")


def test_an_officer_or_a_breadcrumb_does_not_become_part_of_the_employers_name() -> None:
    names = _employers(
        "Home / World News / Uber to lay off 200 employees in recruitment division\n"
        "In the earnings report, Amazon CFO, Brian Olsavsky said that the company had reduced "
        "headcount by almost 27,000."
    )
    assert {"Uber", "Amazon"} <= names
    assert not any("/" in n or n.endswith("CFO") for n in names)


def test_a_headlines_unknown_name_before_to_cut_is_offered_as_the_employer() -> None:
    # The tagger reads "Acme" here as a verb with the cut as its clause; headlinese puts the
    # employer right before "to".
    assert "Acme" in _employers("Acme to cut 500 jobs")
    assert "Globex Robotics" in _employers("Globex Robotics to slash 300 jobs in Ohio")


def test_a_wire_dateline_is_not_the_employer_but_a_list_line_keeps_its_name() -> None:
    names = _employers(
        "BERLIN -- Ford plans to cut 3,800 jobs in Europe, the company said.\n"
        "STOCKHOLM, Feb 24 (Reuters) - Telecom equipment maker Ericsson will lay off 8,500 "
        "employees globally.\n"
        "BP – Cutting 7,700 jobs across its operations."
    )
    assert {"Ford", "Ericsson", "BP"} <= names
    assert not names & {"BERLIN", "STOCKHOLM", "Feb 24"}


def test_a_dated_list_line_and_a_tickers_exchange_are_not_employers() -> None:
    names = _employers(
        "– Jan 06: NanoString Tech – 50 employees (9% of company) – Healthcare\n"
        "Telecom equipment maker Ericsson ERICb.ST will lay off 8,500 employees.\n"
        "The spokesperson added.Microsoft will cut 1,000 jobs."
    )
    assert {"Ericsson", "Microsoft"} <= names
    assert not names & {"Jan 06", "ST"}


def test_a_common_word_capitalised_to_open_a_sentence_is_not_an_employer() -> None:
    names = _employers(
        "Retailers cut nearly 56,000 jobs from January to August, a report said.\n"
        "Companies are laying off thousands of workers; retailers lead those companies.\n"
        "Target will lay off 1,800 workers, a target it set in March."
    )
    assert "Target" in names  # a company the trackers know, whatever the page's lower case
    assert not names & {"Retailers", "Companies"}


def test_an_outlet_cited_as_the_source_is_not_the_employer_but_one_cutting_its_staff_is() -> None:
    cited = _read(
        "Vice will stop publishing on its website.\n"
        "The Washington Post reports that Vice will lay off several hundred employees.\n"
        "Vice cut another 100 jobs in May, the Post writes.\n"
        "According to Bloomberg, Acme plans to cut 500 jobs."
    )
    names = _names(cited)
    assert {"Vice", "Acme"} <= names
    assert not names & {"Washington Post", "Post", "Bloomberg"}
    assert "Post" not in cited.focus  # the page's subject is Vice, not its source
    assert "Washington Post" in _employers("The Washington Post will cut 240 jobs, it said.")


def test_a_name_the_recognizer_cut_short_is_grown_to_the_known_company() -> None:
    read = _read(
        "Layoffs at Vice Media: hundreds of employees in Vice Media’s digital publishing "
        "division will be laid off next week."
    )
    assert read.focus and read.focus[0] == "Vice Media"


def test_title_case_headline_words_are_not_employers() -> None:
    names = _employers(
        "Salesforce to Lay Off 10 Percent of Staff and Cut Office Space\n"
        "Salesforce said it would lay off about 10 percent of its staff, and cut office "
        "space in some markets."
    )
    assert "Salesforce" in names
    assert not names & {"Percent", "Staff", "Cut Office Space"}


def test_a_legal_form_page_furniture_or_a_phone_number_is_not_a_claim_part() -> None:
    read = _read(
        "Home / World News / Uber to lay off 200 employees in recruitment division\n\n"
        "Daimler Truck North America, LLC is laying off nearly 600 employees at its plant.\n"
        "Meanwhile, the Los Angeles Times cut 20% of its newsroom.\n"
        "- Layoffs desk. Tel: 905-673-6625"
    )
    names = _names(read)
    assert {"Uber", "Daimler Truck North America", "Los Angeles Times"} <= names
    assert not names & {"Home", "LLC", "Angeles Times", "Tel"}
    figures = {c.quantity.value for c in read.candidates if c.quantity is not None}
    assert not figures & {905, 673, 6625}


def test_a_list_line_names_its_employer_before_a_bracket_or_a_full_stop() -> None:
    read = _read(
        "Newsrooms that cut staff this year:\n"
        "- Acme News (50)\n"
        "- Globex Media (“about 5%”, “about 270”)\n"
        "- Vandelay Press (multiple printing plant closures)\n\n"
        "Other New Jersey companies that have announced cuts include:\n\n"
        "Initech. 210 job cuts by 11/17.\n\n"
        "Hooli Brewing Company LLC. 143 job cuts by 12/01."
    )
    listed = {
        (c.option.text, c.quantity.value)
        for c in read.candidates
        if "LIST" in c.option.labels and c.quantity is not None
    }
    assert {("Acme News", 50), ("Globex Media", 270), ("Initech", 210)} <= listed
    # A line is one item: the name and its figure are not split into two sentences.
    assert "Initech. 210 job cuts by 11/17." in {s.text for s in read.sentences}
    # Brackets without a figure are an aside, not a list of counts.
    assert not any(
        "LIST" in c.option.labels for c in read.candidates if c.option.text == "Vandelay Press"
    )
