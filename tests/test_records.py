"""Records: layoffs.fyi tables and WARN notices become one Document and one claim per row, and
every bad row a RowError with its number while the rest still lands."""

from __future__ import annotations

import functools
import gzip
import json
import shutil
from collections import Counter
from pathlib import Path

import pytest

from headcount.model import Document, Mention
from headcount.records import (
    LAYOUTS,
    ImportedRow,
    RecordKind,
    RecordResult,
    RowError,
    import_records,
)
from headcount.records.summary import yearly_totals
from headcount.store import open_store

DATA = Path(__file__).parent / "data" / "records"
SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
TX_HEADER = (
    "NOTICE_DATE,JOB_SITE_NAME,COUNTY_NAME,WDA_NAME,TOTAL_LAYOFF_NUMBER,LayOff_Date,"
    "WFDD_RECEIVED_DATE,CITY_NAME"
)
EXCEL_COLUMNS = 16_384


def run(kind: RecordKind, path: Path | str) -> tuple[list[ImportedRow], list[RowError]]:
    rows: list[ImportedRow] = []
    errors: list[RowError] = []
    for result in import_records(kind, path):
        if isinstance(result, ImportedRow):
            rows.append(result)
        else:
            errors.append(result)
    return rows, errors


def by_row(rows: list[ImportedRow]) -> dict[int, Mention]:
    return {row.row: row.mentions[0] for row in rows}


def doc(rows: list[ImportedRow], number: int) -> Document:
    return next(row.document for row in rows if row.row == number)


# --- every row: Document and Mention shape -------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "name", "source_kind"),
    [
        ("layoffs-fyi", "layoffs_kaggle.csv", "table"),
        ("layoffs-fyi", "layoffs_native.csv", "table"),
        ("layoffs-fyi", "layoffs_classic.csv", "table"),
        ("layoffs-fyi", "multisource.json", "table"),
        ("warn", "register_wa.csv", "warn"),
        ("warn", "register_ny.csv", "warn"),
        ("warn", "register_tx.csv", "warn"),
        ("warn", "register_ma.csv", "warn"),
        ("warn", "warn_ca.csv", "warn"),
        ("warn", "warn_ny.csv", "warn"),
        ("warn", "warn_tx.csv", "warn"),
        ("warn", "warn_va.csv", "warn"),
        ("warn", "warn_wa.csv", "warn"),
    ],
)
def test_each_row_is_a_document_with_one_claim(
    kind: RecordKind, name: str, source_kind: str
) -> None:
    rows, errors = run(kind, DATA / name)
    assert rows
    assert all(error.reason.startswith("stale WA listing") for error in errors)
    for row in rows:
        document = row.document
        assert document.source_kind == source_kind
        assert document.origin == f"{name}#row={row.row}"
        assert document.language == "en"
        assert "\n" not in document.text and "  " not in document.text
        [mention] = row.mentions
        assert mention.document_id == document.id
        assert mention.kind == "new"
        assert mention.headcount_min == mention.headcount_max
        assert mention.approx is False
        assert mention.evidence == document.text
        assert (mention.evidence_start, mention.evidence_end) == (0, len(document.text))
        assert mention.extractor_version == "records-0.1"
        assert mention.confidence == 1.0
        assert mention.doc == document.origin
        assert mention.units == []
        assert mention.reason is None
        assert mention.company and mention.canonical
        if mention.date is not None:
            assert mention.date_precision == "day"
            assert document.published_at is not None
            assert mention.date == document.published_at.isoformat()
        if mention.headcount_min is not None:
            assert f"{mention.headcount_min:,}" in document.text
        assert document.url is None or document.url.startswith(("http://", "https://"))


def test_the_same_file_gives_the_same_ids_and_an_edited_row_a_new_one(tmp_path: Path) -> None:
    first, _ = run("layoffs-fyi", DATA / "layoffs_kaggle.csv")
    again, _ = run("layoffs-fyi", DATA / "layoffs_kaggle.csv")
    assert [r.document.id for r in first] == [r.document.id for r in again]
    assert [r.mentions[0].id for r in first] == [r.mentions[0].id for r in again]

    edited = tmp_path / "layoffs_kaggle.csv"
    text = (DATA / "layoffs_kaggle.csv").read_text(encoding="utf-8")
    edited.write_text(text.replace("Kraken,SF Bay Area,150.0", "Kraken,SF Bay Area,160.0"))
    changed, _ = run("layoffs-fyi", edited)
    assert changed[0].document.id != first[0].document.id
    assert changed[0].mentions[0].headcount_min == 160
    assert [r.document.id for r in changed[1:]] == [r.document.id for r in first[1:]]


def test_exact_duplicate_rows_are_one_document_and_the_store_keeps_one(tmp_path: Path) -> None:
    rows, errors = run("layoffs-fyi", DATA / "layoffs_classic.csv")
    assert errors == []
    ids = Counter(row.document.id for row in rows)
    # The fixture holds both copies of each of the classic file's 5 duplicated rows.
    assert len(rows) - len(ids) == 5
    yahoo = [row for row in rows if row.mentions[0].company == "Yahoo"]
    assert len(yahoo) == 2 and yahoo[0].row != yahoo[1].row
    assert yahoo[0].document.id == yahoo[1].document.id
    assert yahoo[0].mentions[0].id == yahoo[1].mentions[0].id

    with open_store(tmp_path / "ledger.db") as store:
        added = sum(store.add_document(row.document) for row in rows)
        claims = sum(store.add_mentions(row.mentions) for row in rows)
        assert added == claims == len(ids) == len(rows) - 5
        # Importing the same file again adds nothing.
        again, _ = run("layoffs-fyi", DATA / "layoffs_classic.csv")
        assert not any(store.add_document(row.document) for row in again)
        assert sum(store.add_mentions(row.mentions) for row in again) == 0


# --- layoffs.fyi layouts -------------------------------------------------------------------


def test_kaggle_layout_rows() -> None:
    rows, errors = run("layoffs-fyi", DATA / "layoffs_kaggle.csv")
    assert errors == [] and len(rows) == 38
    kraken = rows[0]
    assert kraken.document.text == (
        "Kraken (SF Bay Area, United States; Crypto) laid off 150 on 2026-05-15. Stage: Unknown. "
        "Raised: $134M. Added: 2026-05-15. Source: https://www.bloomberg.com/news/articles/"
        "2026-05-15/kraken-cuts-150-workers-after-deploying-ai-ipo-may-slip-to-2027"
    )
    assert kraken.document.url is not None and kraken.document.url.startswith("https://www.bloom")
    assert kraken.document.outlet == "layoffs.fyi"
    m = kraken.mentions[0]
    assert (m.employer_text, m.headcount_min, m.percent, m.date) == (
        "Kraken",
        150,
        None,
        "2026-05-15",
    )
    assert m.locations == ["SF Bay Area", "United States"]

    mentions = by_row(rows)
    dune = mentions[3]  # a fraction of 0.25 and no count
    assert (dune.headcount_min, dune.percent, dune.locations) == (None, 25.0, ["Oslo", "Norway"])
    cisco = mentions[5]
    assert (cisco.headcount_min, cisco.percent) == (4000, 5.0)
    linkedin = mentions[6]
    assert (linkedin.company, linkedin.canonical, linkedin.parent) == (
        "LinkedIn",
        "Microsoft",
        "Microsoft",
    )
    google = next(m for m in mentions.values() if m.company == "Google")
    assert google.canonical == "Alphabet"
    wayfair = next(m for m in mentions.values() if m.canonical == "Wayfair")
    assert wayfair.employer_text == "Wayfair"  # "Wayfair " in the file
    shutdowns = [m for m in mentions.values() if m.percent == 100.0]
    assert len(shutdowns) >= 2
    assert any(m.percent == 0.0 for m in mentions.values())  # TaskUs: 0.0 as written
    assert {"Førde", "Wrocław"} <= {place for m in mentions.values() for place in m.locations}
    kleos = next(m for m in mentions.values() if m.company == "Kleos Space")
    assert kleos.locations == ["Luxembourg", "Raleigh"]


def test_kaggle_sources_that_are_not_links_stay_text() -> None:
    rows, _ = run("layoffs-fyi", DATA / "layoffs_kaggle.csv")
    by_company = {row.mentions[0].company: row.document for row in rows}
    memo = by_company["Zendesk"]
    assert memo.url is None and memo.text.endswith("Source: Internal memo")
    assert by_company["Vanta"].url is None and "Source: LinkedIn" in by_company["Vanta"].text
    assert by_company["Clockwork"].url is None  # "8/28/solana-based-..." is a relative path
    # " https://..." with a leading space is still a link.
    assert by_company["Sage Therapeutics"].url == (
        "https://www.biopharmadive.com/news/sage-restructuring-layoffs-340-employees/575641/"
    )
    assert by_company["Trellix"].url is None and "Source" not in by_company["Trellix"].text


def test_native_export_bom_percent_and_dollar_signs() -> None:
    raw = (DATA / "layoffs_native.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfCompany,")
    rows, errors = run("layoffs-fyi", DATA / "layoffs_native.csv")
    assert errors == [] and len(rows) == 16
    business_insider = rows[0]
    m = business_insider.mentions[0]
    assert m.employer_text == "Business Insider"  # no BOM glued to the first cell
    assert (m.headcount_min, m.percent, m.date) == (None, 20.0, "2025-05-29")
    assert "laid off 20% of its staff" in business_insider.document.text
    assert "Raised: $56M." in business_insider.document.text
    ebay = rows[1].mentions[0]
    assert (ebay.headcount_min, ebay.locations) == (
        200,
        ["Tel Aviv", "Israel"],
    )  # "Tel Aviv,Non-U.S."
    assert "Raised: $1,200M." in rows[1].document.text
    hp = next(r.mentions[0] for r in rows if r.mentions[0].company == "HP")
    assert (hp.headcount_min, hp.date) == (2000, "2025-02-28")


def test_native_and_kaggle_render_the_same_facts_alike() -> None:
    kaggle, _ = run("layoffs-fyi", DATA / "layoffs_kaggle.csv")
    native, _ = run("layoffs-fyi", DATA / "layoffs_native.csv")
    # Kleos Space is the same row in both exports, apart from the day it was added.
    [k] = [r.document.text for r in kaggle if r.mentions[0].company == "Kleos Space"]
    [n] = [r.document.text for r in native if r.mentions[0].company == "Kleos Space"]
    assert k.split(" Added:")[0] == n.split(" Added:")[0]


def test_classic_nulls_are_missing_values() -> None:
    rows, errors = run("layoffs-fyi", DATA / "layoffs_classic.csv")
    assert errors == [] and len(rows) == 22
    assert not any("NULL" in row.document.text for row in rows)
    mentions = by_row(rows)
    accolade = mentions[5]  # NULL count and NULL percentage
    assert (accolade.headcount_min, accolade.percent) == (None, None)
    assert "laid off an undisclosed number of people" in doc(rows, 5).text
    blackbaud = next(m for m in mentions.values() if m.company == "Blackbaud")  # NULL date
    assert (blackbaud.date, blackbaud.date_precision, blackbaud.headcount_min) == (None, None, 500)
    bonterra = next(m for m in mentions.values() if m.company == "Bonterra")  # NULL funds
    assert bonterra.percent == 10.0
    atlassian = mentions[1]
    assert (atlassian.headcount_min, atlassian.percent, atlassian.locations) == (
        500,
        5.0,
        ["Sydney", "Australia"],
    )
    assert all(m.employer_text == (m.employer_text or "").strip() for m in mentions.values())


def test_multisource_json_records() -> None:
    rows, errors = run("layoffs-fyi", DATA / "multisource.json")
    assert errors == [] and len(rows) == 13
    stepn = rows[0]
    assert stepn.document.outlet == "layoffstracker.com"
    assert stepn.mentions[0].locations == ["Adelaide", "Australia"]  # "Location: Adelaide"
    sapiens = [r for r in rows if r.mentions[0].company == "Sapiens"]
    # One layoff from two trackers stays two documents, for the resolver to merge.
    assert {r.document.outlet for r in sapiens} == {"peerlist.io", "layoffs.fyi"}
    assert len({r.document.id for r in sapiens}) == 2
    assert all(r.mentions[0].headcount_min == 700 for r in sapiens)
    google = next(r.mentions[0] for r in rows if r.mentions[0].company == "Google")
    assert google.locations == ["Sunnyvale", "United States"]  # country "US"
    assert any(r.mentions[0].headcount_min is None for r in rows)
    unconfirmed = next(r.document for r in rows if "Unconfirmed" in r.document.text)
    assert unconfirmed.outlet == "officepulse.live"


def test_json_lines_and_wrapped_arrays(tmp_path: Path) -> None:
    records = json.loads((DATA / "multisource.json").read_text(encoding="utf-8"))
    lines = tmp_path / "records.jsonl"
    lines.write_text(
        "\n".join(["{broken", json.dumps(records[0]), json.dumps([1]), json.dumps(records[1])]),
        encoding="utf-8",
    )
    rows, errors = run("layoffs-fyi", lines)
    assert [r.row for r in rows] == [2, 4]
    assert [(e.row, e.reason.split(":")[0]) for e in errors] == [
        (1, "invalid JSON"),
        (3, "expected a JSON object, got list"),
    ]
    wrapped = tmp_path / "wrapped.json.gz"
    wrapped.write_bytes(gzip.compress(json.dumps({"layoffs": records}).encode()))
    rows, errors = run("layoffs-fyi", wrapped)
    assert errors == [] and len(rows) == len(records)


# --- WARN layouts --------------------------------------------------------------------------


def test_warn_california() -> None:
    rows, errors = run("warn", DATA / "warn_ca.csv")
    assert errors == [] and len(rows) == 17
    first = rows[0].mentions[0]  # from the xlsx: no city, no count
    assert (first.company, first.headcount_min, first.date) == (
        "Hotel Managers Group at the DoubleTree Hotel",
        None,
        "2021-06-25",
    )
    assert first.locations == ["Alameda County", "California"]
    assert "for an unstated number of workers, effective 2021-07-31" in rows[0].document.text
    mentions = [row.mentions[0] for row in rows]
    assert mentions[3].company == "BON APPETIT Management Company"
    assert mentions[3].headcount_min == 1529  # "1,529"
    # Names and cities broken over lines inside a cell read as one line.
    assert any(m.company and "Bar- B-Que" in m.company for m in mentions)
    assert ["Rancho Santa Margarita", "Orange County", "California"] in [
        m.locations for m in mentions
    ]
    # An effective date of 3030 is shown as filed; the notice date is the claim's date.
    belmond = next(r for r in rows if r.mentions[0].company == "Belmond El Encanto")
    assert belmond.mentions[0].date == "2020-06-23"
    assert "effective 3030-03-30" in belmond.document.text
    google = next(m for m in mentions if m.company == "Google Inc.")
    assert (google.canonical, google.headcount_min) == ("Alphabet", 94)
    # The exact duplicate pair (Rosewood) and the Hilton name written once with a double space
    # are one document each: the same notice, the same text.
    assert rows[11].document.id == rows[12].document.id
    assert rows[13].document.id == rows[14].document.id
    assert len({r.document.id for r in rows}) == 15


def test_warn_new_york_tableau_export() -> None:
    rows, errors = run("warn", DATA / "warn_ny.csv")
    assert errors == [] and len(rows) == 7
    m = rows[0].mentions[0]
    # "Date of WARN Notice " and "Number of Affected Workers " end in a space upstream.
    assert (m.company, m.headcount_min, m.date) == ("57th Street Associates", 60, "2025-01-09")
    assert m.locations == ["New York County", "New York"]
    # A re-posting differs only in Date Posted and Index: the same notice, the same document.
    assert rows[0].document.id == rows[1].document.id
    assert len({r.document.id for r in rows}) == 4
    assert not any("N/A" in r.document.text for r in rows)


def test_warn_texas_excel_export() -> None:
    header = (DATA / "warn_tx.csv").read_bytes().split(b"\r\n", 1)[0]
    assert header.count(b",") == EXCEL_COLUMNS - 1
    rows, errors = run("warn", DATA / "warn_tx.csv")
    assert errors == [] and len(rows) == 10
    m = rows[0].mentions[0]
    assert (m.company, m.headcount_min, m.date) == ("IBEX", 248, "2020-12-22")
    assert m.locations == ["New Braunfels", "Comal County", "Texas"]
    mentions = {r.mentions[0].company: r for r in rows}
    assert "Cinemark 14 Wichita Falls" in mentions  # "Wichita_x000D_\r\nFalls"
    assert mentions["ConocoPhillips - 935 N."].mentions[0].headcount_min is None
    # A layoff date of 1930 is a typo in a side column: shown, and the notice date still counts.
    emi = mentions["EMI Industries, LLC"]
    assert emi.mentions[0].date == "2020-03-30" and "effective 1930-03-30" in emi.document.text
    cempra = mentions["Cempra Pharmaceuticals - Houston"].document.text
    assert "for 1 worker," in cempra and "Received: 17675 (as filed)" in cempra


def test_warn_virginia() -> None:
    rows, errors = run("warn", DATA / "warn_va.csv")
    assert errors == [] and len(rows) == 10
    m = rows[0].mentions[0]
    assert (m.company, m.headcount_min, m.date, m.locations) == (
        "AeroFarms",
        173,
        "2025-12-11",
        ["Ringgold", "Virginia"],
    )
    locations = [r.mentions[0].locations for r in rows]
    assert ["Fairfax", "Woodbridge", "Virginia"] in locations  # "Fairfax &amp; Woodbridge VA"
    assert ["Sandston", "Virginia"] in locations  # "Sandston, VA VA"
    assert ["Virginia"] in locations  # " VA"
    assert ["Virginia Beach", "Newport News", "Norfolk", "Virginia"] in locations
    # Contact people and union officers are private persons: never copied into the ledger.
    assert not any("redacted" in r.document.text or "Contact" in r.document.text for r in rows)
    yoga = next(r for r in rows if r.mentions[0].company == "Yoga Works Inc.")
    assert yoga.mentions[0].date == "2020-07-14" and "effective 1973-10-01" in yoga.document.text


def test_warn_washington() -> None:
    rows, errors = run("warn", DATA / "warn_wa.csv")
    assert errors == [] and len(rows) == 5
    m = rows[0].mentions[0]
    assert (m.company, m.headcount_min, m.date) == ("Wesley Homes", 119, "2022-03-11")
    assert m.locations == ["Des Moines", "Auburn", "Puyallup", "Washington"]
    assert "effective 2022-05-14" in rows[0].document.text  # Layoff Start Date


def test_warn_register_states() -> None:
    wa, wa_errors = run("warn", DATA / "register_wa.csv")
    microsoft = next(r for r in wa if r.mentions[0].company == "Microsoft")
    m = microsoft.mentions[0]
    assert (m.headcount_min, m.date, m.locations[-1]) == (878, "2023-01-18", "Washington")
    assert "effective 2023-03-20" in microsoft.document.text
    assert microsoft.document.url == "https://esd.wa.gov/about-employees/WARN"
    # The stale copy of the same notice (dated 2023-03-20) is reported, not imported.
    assert [e.row for e in wa_errors] == [5, 6, 8]
    assert all("stale WA listing" in e.reason for e in wa_errors)
    assert not any(r.mentions[0].date == "2023-03-20" for r in wa)

    ny, _ = run("warn", DATA / "register_ny.csv")
    lockheed = next(r for r in ny if r.mentions[0].company == "Lockheed Martin")
    assert lockheed.mentions[0].headcount_min is None  # filed as 0
    assert "for 0 workers" in lockheed.document.text
    knight = [r for r in ny if r.mentions[0].company == "Knight Facilities Management, Inc."]
    assert len({r.document.id for r in knight}) == 2  # two sites of one notice stay two

    tx, _ = run("warn", DATA / "register_tx.csv")
    philips = tx[0].mentions[0]
    assert (philips.company, philips.headcount_min, philips.date, philips.locations) == (
        "Philips Electronics",
        24,
        "1999-01-04",
        ["Irving", "Dallas County", "Texas"],
    )

    ma, ma_errors = run("warn", DATA / "register_ma.csv")
    assert ma_errors == []
    # No notice date: the effective date is the claim's date.
    chl = ma[0].mentions[0]
    assert chl.employer_text == "*Updated* Community Healthlink, Inc. (aka CHL)"
    assert chl.company == "Community Healthlink, Inc. (aka CHL)"
    assert chl.date == "2026-08-31"
    assert "notice date not given" in ma[0].document.text
    companies = {r.mentions[0].company for r in ma}
    assert {"BARNEYS", "GLSS Transportation"} <= companies
    bridal = [r for r in ma if r.mentions[0].company == "David's Bridal"]
    assert len({r.document.id for r in bridal}) == len(bridal) == 6
    assert ["Methuen", "Essex County", "Massachusetts"] in [r.mentions[0].locations for r in ma]


# --- bad rows ------------------------------------------------------------------------------


def test_a_non_numeric_count_and_an_impossible_date_are_row_errors(tmp_path: Path) -> None:
    text = (DATA / "layoffs_kaggle.csv").read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    lines[2] = lines[2].replace("340.0", "about 340")  # row 2
    lines[5] = lines[5].replace("5/13/2026", "2/30/2023")  # row 5
    lines[6] = lines[6].replace("5/13/2026", "2023-02-30")  # row 6
    lines[7] = lines[7].replace(",5/11/2026,", ",last May,")  # row 7
    lines[8] = lines[8].replace(",1.0,", ",150%,")  # row 8
    bad = tmp_path / "bad.csv"
    bad.write_text("".join(lines), encoding="utf-8")
    rows, errors = run("layoffs-fyi", bad)
    assert [(e.row, e.origin) for e in errors] == [
        (2, "bad.csv#row=2"),
        (5, "bad.csv#row=5"),
        (6, "bad.csv#row=6"),
        (7, "bad.csv#row=7"),
        (8, "bad.csv#row=8"),
    ]
    reasons = [e.reason for e in errors]
    assert reasons[0] == "total_laid_off is not a number: 'about 340'"
    assert reasons[1] == "date is not a real date: '2/30/2023'"
    assert reasons[2] == "date is not a real date: '2023-02-30'"
    assert reasons[3] == "date is not a date: 'last May'"
    assert reasons[4] == "percentage_laid_off is out of range: '150%'"
    assert str(errors[0]) == "bad.csv#row=2: total_laid_off is not a number: 'about 340'"
    assert len(rows) == 38 - 5


def test_a_16384_column_header_imports_and_stray_cells_are_row_errors(tmp_path: Path) -> None:
    padding = "," * (EXCEL_COLUMNS - 8)
    lines = [
        TX_HEADER + padding,
        "2022-03-01 00:00:00,Acme Corp - Austin,Travis,Capital Area WDA,206,"
        "2022-05-01 00:00:00,2022-03-01 00:00:00,Austin" + padding,  # padded like Excel
        "2022-02-15 00:00:00,Beta LLC,Hidalgo,Lower Rio Grande Valley WDA,84",  # ragged
        "2022-02-16 00:00:00,Gamma Inc,Harris,Gulf Coast WDA,12,,,Houston" + "," * 9000 + "shifted",
        "2022-02-17 00:00:00,Delta Inc,Harris,Gulf Coast WDA,7,,,Houston",
    ]
    wide = tmp_path / "tx.csv"
    wide.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    rows, errors = run("warn", wide)
    assert [(r.row, r.mentions[0].company, r.mentions[0].headcount_min) for r in rows] == [
        (1, "Acme Corp - Austin", 206),
        (2, "Beta LLC", 84),
        (4, "Delta Inc", 7),
    ]
    [error] = errors
    assert error.row == 3 and error.origin == "tx.csv#row=3"
    assert error.reason == "1 value(s) beyond the 8 named columns; the row is shifted"


def test_a_16384_column_header_of_unknown_names_is_an_unknown_layout(tmp_path: Path) -> None:
    wide = tmp_path / "wide.csv"
    names = ",".join(f"col{i}" for i in range(EXCEL_COLUMNS))
    wide.write_text(names + "\n" + ",".join("1" for _ in range(EXCEL_COLUMNS)) + "\n")
    [error] = list(import_records("warn", wide))
    assert isinstance(error, RowError) and error.row == 0 and error.origin == "wide.csv"
    assert error.reason.startswith("unknown warn layout: columns 'col0', 'col1'")
    assert "(16,384 named columns)" in error.reason


def test_a_malformed_csv_row_is_reported_and_the_next_row_lands(tmp_path: Path) -> None:
    text = (DATA / "warn_wa.csv").read_text(encoding="utf-8").splitlines()
    huge = f'"{"x" * 200_000}",Seattle,5/1/2022,10,Layoff,Permanent,3/1/2022'  # over csv's limit
    bad = tmp_path / "wa.csv"
    bad.write_text("\n".join([text[0], text[1], huge, text[2], ",,,,,,", text[3]]) + "\n")
    rows, errors = run("warn", bad)
    assert [r.row for r in rows] == [1, 3, 5]  # row 4 is an empty spreadsheet row
    [error] = errors
    assert error.row == 2 and error.reason.startswith("malformed CSV: field larger than")


def test_a_row_without_a_company_is_a_row_error(tmp_path: Path) -> None:
    text = (DATA / "warn_va.csv").read_text(encoding="utf-8").splitlines()
    text[1] = "NULL" + text[1][len("AeroFarms") :]
    bad = tmp_path / "va.csv"
    bad.write_text("\n".join(text) + "\n")
    rows, errors = run("warn", bad)
    assert [(e.row, e.reason) for e in errors] == [(1, "no Company")]
    assert len(rows) == 9


# --- whole files ---------------------------------------------------------------------------


def test_whole_file_problems_are_one_row_zero_error(tmp_path: Path) -> None:
    def only_error(kind: RecordKind, path: Path) -> RowError:
        results = list(import_records(kind, path))
        assert len(results) == 1 and isinstance(results[0], RowError), results
        assert results[0].row == 0 and results[0].origin == path.name
        return results[0]

    assert only_error("warn", tmp_path / "missing.csv").reason.startswith("cannot read: ")
    empty = tmp_path / "empty.csv"
    empty.write_text("\n\n")
    assert only_error("warn", empty).reason == "empty file"
    binary = tmp_path / "sheet.csv"
    binary.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 8)
    assert only_error("warn", binary).reason == "binary file, not a table of records"
    unknown = tmp_path / "unknown.csv"
    unknown.write_text("name,when,how many\nAcme,2023-01-01,5\n")
    assert only_error("warn", unknown).reason.startswith(
        "unknown warn layout: columns 'name', 'when', 'how many'; known layouts: warn-register"
    )
    wrong_kind = only_error("layoffs-fyi", DATA / "warn_wa.csv")
    assert wrong_kind.reason.startswith("this is a warn file (warn-wa layout), not layoffs-fyi")
    broken = tmp_path / "broken.json"
    broken.write_text('[{"company_name": "Acme",')
    assert only_error("layoffs-fyi", broken).reason.startswith("invalid JSON: ")
    scalar = tmp_path / "scalar.json"
    scalar.write_text("[1, 2]")
    assert only_error("layoffs-fyi", scalar).reason.startswith("unknown layoffs-fyi layout")
    header_only = tmp_path / "header.csv"
    header_only.write_text((DATA / "warn_wa.csv").read_text().splitlines()[0] + "\n")
    assert list(import_records("warn", header_only)) == []


def test_unknown_kind_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="kind must be one of layoffs-fyi, warn"):
        import_records("news", DATA / "warn_wa.csv")  # type: ignore[arg-type]


def test_gzip_cp1252_and_tab_separated_files(tmp_path: Path) -> None:
    packed = tmp_path / "wa.csv.gz"
    packed.write_bytes(gzip.compress((DATA / "warn_wa.csv").read_bytes()))
    rows, errors = run("warn", packed)
    assert errors == [] and len(rows) == 5
    assert rows[0].document.origin == "wa.csv.gz#row=1"

    text = (DATA / "warn_wa.csv").read_text(encoding="utf-8").replace("Wesley Homes", "Café Zoë")
    latin = tmp_path / "latin.csv"
    latin.write_bytes(text.encode("cp1252"))
    rows, errors = run("warn", latin)
    assert errors == [] and rows[0].mentions[0].company == "Café Zoë"

    tabs = tmp_path / "tabs.tsv"
    tabs.write_text(
        "Company\tLocation\tLayoff Start Date\t# of Workers\tClosure Layoff\tType of Layoff\t"
        "Received Date\nAcme, Inc.\tSeattle\t5/14/2022\t119\tLayoff\tPermanent\t3/11/2022\n",
        encoding="utf-16",
    )
    rows, errors = run("warn", tabs)
    assert errors == [] and rows[0].mentions[0].company == "Acme, Inc."


def test_layouts_describe_themselves() -> None:
    assert set(LAYOUTS) == {
        "layoffs-fyi-kaggle",
        "layoffs-fyi-native",
        "layoffs-fyi-classic",
        "multisource-json",
        "warn-register",
        "warn-ca",
        "warn-ny",
        "warn-tx",
        "warn-va",
        "warn-wa",
    }
    for name, metadata in LAYOUTS.items():
        assert metadata["name"] == name
        assert metadata["description"] and metadata["columns"]
        assert set(metadata["required"]) <= set(metadata["columns"])


# --- summary -------------------------------------------------------------------------------


def test_yearly_totals_count_each_claim_once() -> None:
    results: list[RecordResult] = list(import_records("layoffs-fyi", DATA / "layoffs_classic.csv"))
    results.append(RowError("x.csv#row=1", 1, "ignored"))
    totals = yearly_totals(results)
    assert list(totals) == sorted(totals)
    # Yahoo 1,600 (2023) and Cazoo 750 (2022) are each in the file twice and count once.
    assert totals[2023] == 500 + 475 + 400 + 120 + 75 + 1600 + 300 + 120 + 140
    assert totals[2022] == 300 + 750
    assert totals[2020] == 70
    assert 2021 not in totals  # Casper: no count
    assert sum(totals.values()) + 500 == sum(  # Blackbaud has a count but no date
        m.headcount_min or 0
        for r in {r.document.id: r for r in results if isinstance(r, ImportedRow)}.values()
        for m in r.mentions
    )


# --- the shared data files, read whole once each -------------------------------------------

FIXTURE_SOURCES: list[tuple[RecordKind, str, str]] = [
    (
        "layoffs-fyi",
        "layoffs_kaggle.csv",
        "layoffs_fyi/layoffs_2020-03_to_2026-05_with_sources.csv",
    ),
    (
        "layoffs-fyi",
        "layoffs_native.csv",
        "layoffs_fyi/layoffs_fyi_native_export_format_2020-03_to_2025-05.csv",
    ),
    (
        "layoffs-fyi",
        "layoffs_classic.csv",
        "layoffs_fyi/layoffs_classic_alextheanalyst_2020-2023.csv",
    ),
    ("layoffs-fyi", "multisource.json", "layoffs_fyi/multisource_layoffs_all_2026-01.json.gz"),
    ("warn", "register_wa.csv", "warn/normalized_warn_notice_register/wa.csv"),
    ("warn", "register_ny.csv", "warn/normalized_warn_notice_register/ny.csv"),
    ("warn", "register_tx.csv", "warn/normalized_warn_notice_register/tx.csv"),
    ("warn", "register_ma.csv", "warn/normalized_warn_notice_register/ma.csv"),
    ("warn", "warn_ca.csv", "warn/raw_state_formats_warn_transformer/ca.csv"),
    ("warn", "warn_ny.csv", "warn/raw_state_formats_warn_transformer/ny.csv"),
    ("warn", "warn_tx.csv", "warn/raw_state_formats_warn_transformer/tx.csv"),
    # Its contact cells are redacted in the fixture; the text never shows them, so ids agree.
    ("warn", "warn_va.csv", "warn/raw_state_formats_warn_transformer/va.csv"),
    ("warn", "warn_wa.csv", "warn/raw_state_formats_warn_transformer/wa.csv"),
]

SHARED_FILES = [
    ("layoffs-fyi", "layoffs_fyi/layoffs_2020-03_to_2026-05_with_sources.csv", 4411, 0, 4411),
    (
        "layoffs-fyi",
        "layoffs_fyi/layoffs_fyi_native_export_format_2020-03_to_2025-05.csv",
        4078,
        0,
        4078,
    ),
    ("layoffs-fyi", "layoffs_fyi/layoffs_classic_alextheanalyst_2020-2023.csv", 2361, 0, 2356),
    ("layoffs-fyi", "layoffs_fyi/multisource_layoffs_all_2026-01.json.gz", 6418, 0, 6418),
    ("warn", "warn/normalized_warn_notice_register/wa.csv", 1467, 1368, 1467),
    ("warn", "warn/normalized_warn_notice_register/ny.csv", 6346, 0, 6346),
    ("warn", "warn/normalized_warn_notice_register/tx.csv", 7386, 0, 7386),
    ("warn", "warn/normalized_warn_notice_register/ma.csv", 556, 0, 556),
    ("warn", "warn/raw_state_formats_warn_transformer/ca.csv", 10737, 0, 10705),
    ("warn", "warn/raw_state_formats_warn_transformer/ny.csv", 252, 0, 126),
    ("warn", "warn/raw_state_formats_warn_transformer/tx.csv", 6582, 0, 6579),
    ("warn", "warn/raw_state_formats_warn_transformer/va.csv", 1073, 0, 1073),
    ("warn", "warn/raw_state_formats_warn_transformer/wa.csv", 1123, 0, 1123),
]


@functools.cache
def shared(kind: RecordKind, name: str) -> tuple[int, int, frozenset[str]]:
    """Rows imported, rows refused and the Document ids of a shared file, read once per run."""
    path = SHARED / name
    if not path.exists():
        pytest.skip(f"needs ../shared/data/{name}")
    rows, errors = run(kind, path)
    return len(rows), len(errors), frozenset(row.document.id for row in rows)


@pytest.mark.parametrize(("kind", "name", "imported", "failed", "documents"), SHARED_FILES)
def test_shared_files_import_whole(
    kind: RecordKind, name: str, imported: int, failed: int, documents: int
) -> None:
    rows, errors, ids = shared(kind, name)
    assert (rows, errors, len(ids)) == (imported, failed, documents)


def test_the_classic_file_has_exactly_five_duplicate_rows() -> None:
    name = "layoffs_fyi/layoffs_classic_alextheanalyst_2020-2023.csv"
    rows, _, ids = shared("layoffs-fyi", name)
    lines = Counter((SHARED / name).read_bytes().splitlines()[1:])
    assert sum(n - 1 for n in lines.values()) == 5
    assert rows - len(ids) == 5


def test_fixture_rows_are_real_rows() -> None:
    """Each fixture row is a row of its shared file."""
    for kind, fixture, name in FIXTURE_SOURCES:
        mine = {r.document.id for r in run(kind, DATA / fixture)[0]}
        assert mine <= shared(kind, name)[2], fixture


def test_fixtures_stay_small() -> None:
    assert sum(path.stat().st_size for path in DATA.iterdir()) < 100_000


def test_a_copied_file_keeps_its_ids_but_not_its_origins(tmp_path: Path) -> None:
    copy = tmp_path / "renamed.csv"
    shutil.copy(DATA / "warn_wa.csv", copy)
    original, _ = run("warn", DATA / "warn_wa.csv")
    renamed, _ = run("warn", copy)
    assert [r.document.id for r in original] == [r.document.id for r in renamed]
    assert renamed[0].document.origin == "renamed.csv#row=1"
