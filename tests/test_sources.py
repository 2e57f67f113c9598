"""Sources: every kind of input becomes Documents, and every bad one a one-line SourceError."""

from __future__ import annotations

import gzip
import io
import json
import socket
import sys
import threading
import time
from collections.abc import Iterator
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from headcount.model import Document, SourceError, document_id
from headcount.sources import detect_language, load
from headcount.sources import language as language_module
from headcount.sources.jsonl import parse_date

DATA = Path(__file__).parent / "data" / "sources"
ENGLISH = (
    "Acme Corp said on Wednesday that it would lay off about 500 employees, or 5% of its "
    "workforce, as it shifts investment toward artificial intelligence. The cuts affect the "
    "company's hardware division in the United States and Canada, according to a memo."
)


def run(
    inputs: list[str],
    published: date | None = None,
    *,
    max_bytes: int = 20_000_000,
    fetch_timeout: float = 10.0,
) -> tuple[list[Document], list[SourceError]]:
    documents: list[Document] = []
    errors: list[SourceError] = []
    for result in load(inputs, published, max_bytes=max_bytes, fetch_timeout=fetch_timeout):
        if isinstance(result, Document):
            documents.append(result)
        else:
            assert isinstance(result, SourceError)
            errors.append(result)
    return documents, errors


def reasons(errors: list[SourceError]) -> dict[str, str]:
    return {Path(error.origin).name: error.reason for error in errors}


# --- files of each kind ----------------------------------------------------------------------


def test_plain_text_file_gets_id_language_and_default_date(tmp_path: Path) -> None:
    path = tmp_path / "article.txt"
    path.write_text(ENGLISH + "\r\n", encoding="utf-8")

    (document,), errors = run([str(path)], published=date(2024, 1, 11))

    assert errors == []
    assert document.text == ENGLISH
    assert document.id == document_id(ENGLISH)
    assert document.origin == str(path)
    assert document.title is None
    assert document.language == "en"
    assert document.published_at == date(2024, 1, 11)


def test_markdown_is_stripped_and_its_first_heading_is_the_title() -> None:
    (document,), errors = run([str(DATA / "notes.md")])

    assert errors == []
    assert document.title == "Contoso trims cloud sales team"
    assert document.text.startswith("Contoso trims cloud sales team\n\nContoso confirmed on Monday")
    assert "lay off about 120 employees" in document.text
    assert "according to a company blog post." in document.text
    assert "snake_case_name" in document.text
    assert "See chart of headcount for details." in document.text
    for markup in ("#", "**", "__", "](", "`", "> ", "---", "[ref]"):
        assert markup not in document.text


def test_json_array_loads_each_record_with_its_metadata() -> None:
    path = DATA / "articles.json"
    (fabrikam, litware), errors = run([str(path)], published=date(2000, 1, 1))

    assert errors == []
    assert fabrikam.origin == f"{path}#fab-2024-07"
    assert fabrikam.url == "https://news.example/fabrikam-leeds"
    assert fabrikam.published_at == date(2024, 7, 2)
    assert fabrikam.text.startswith(
        "Fabrikam closes Leeds plant, 300 jobs go\n\nFabrikam will close"
    )
    assert "300 jobs & a 40-year presence" in fabrikam.text  # entities unescaped
    # No id: the position names it. Reuters-style fields, date and entities.
    assert litware.origin == f"{path}#2"
    assert litware.published_at == date(1987, 2, 26)
    assert litware.title == "LITWARE <LTW> TO REDUCE STAFF"
    assert litware.text.startswith("LITWARE <LTW> TO REDUCE STAFF\n\nLitware Inc said")
    assert "\x03" not in litware.text


def test_json_single_object_and_json_lines_saved_as_json(tmp_path: Path) -> None:
    single = tmp_path / "one.json"
    single.write_text(json.dumps({"text": ENGLISH, "date": "2024-02-29"}), encoding="utf-8")
    lines = tmp_path / "many.json"
    lines.write_text('{"text": "First article."}\n{"text": "Second article."}\n', encoding="utf-8")

    documents, errors = run([str(single), str(lines)])

    assert errors == []
    assert [(d.origin, d.published_at) for d in documents] == [
        (str(single), date(2024, 2, 29)),
        (f"{lines}#1", None),
        (f"{lines}#2", None),
    ]


def test_jsonl_broken_line_is_reported_by_number_and_the_rest_loads() -> None:
    path = DATA / "wire.jsonl"
    documents, errors = run([str(path)], published=date(2023, 12, 1))

    assert [d.origin for d in documents] == [f"{path}#101", f"{path}#3"]
    assert documents[0].published_at == date(2023, 11, 17)
    assert documents[1].published_at == date(2023, 12, 1)  # "not a date" falls back
    (error,) = errors
    assert error.origin == f"{path}#2"
    assert error.reason.startswith("line 2: invalid JSON: unterminated string")
    assert "\n" not in error.reason


def test_jsonl_records_without_text_or_not_objects_are_reported(tmp_path: Path) -> None:
    path = tmp_path / "odd.jsonl"
    path.write_text(
        '\ufeff{"title": "Headline only: Acme to cut 50 jobs"}\n'
        "\n"
        '{"id": "x1", "summary": "no text field"}\n'
        "[1, 2]\n",
        encoding="utf-8",
    )

    documents, errors = run([str(path)])

    # A headline alone is still a document: some claims appear nowhere else.
    assert [d.text for d in documents] == ["Headline only: Acme to cut 50 jobs"]
    assert [(e.origin, e.reason) for e in errors] == [
        (f"{path}#x1", 'line 3: no text (expected a "text" or "body" field)'),
        (f"{path}#4", "line 4: expected a JSON object, got list"),
    ]


def test_gzipped_jsonl_is_streamed(tmp_path: Path) -> None:
    path = tmp_path / "corpus.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as stream:
        for number in range(3):
            stream.write(json.dumps({"id": number, "text": f"Story number {number}."}) + "\n")

    documents, errors = run([str(path)])

    assert errors == []
    assert [d.origin for d in documents] == [f"{path}#0", f"{path}#1", f"{path}#2"]


def test_jsonl_line_over_the_limit_is_skipped_and_the_next_line_loads(tmp_path: Path) -> None:
    path = tmp_path / "long.jsonl"
    long_record = json.dumps({"text": "word " * 1000})
    path.write_text(long_record + "\n" + json.dumps({"text": "Short one."}) + "\n")

    documents, errors = run([str(path)], max_bytes=1000)

    assert [d.text for d in documents] == ["Short one."]
    assert [(e.origin, e.reason) for e in errors] == [
        (f"{path}#1", "line 1: too large: more than 1,000 bytes limit")
    ]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-01-11", date(2024, 1, 11)),
        ("2024-01-11T23:30:00+05:00", date(2024, 1, 11)),  # the publisher's day, not UTC's
        ("2024-01-11T08:00:00.123Z", date(2024, 1, 11)),
        ("2024-01-11 08:00", date(2024, 1, 11)),
        ("26-FEB-1987 15:17:11.20", date(1987, 2, 26)),
        ("5-MAR-1987 09:00:00.00", date(1987, 3, 5)),
        ("Thu, 11 Jan 2024 08:00:00 GMT", date(2024, 1, 11)),
        ("2024-13-45", None),
        ("31-FOO-1987", None),
        ("last Tuesday", None),
        ("", None),
    ],
)
def test_parse_date(value: str, expected: date | None) -> None:
    assert parse_date(value) == expected


def test_html_file_main_text_and_metadata() -> None:
    (document,), errors = run([str(DATA / "article.html")], published=date(2000, 1, 1))

    assert errors == []
    assert document.title == "Northwind Robotics to cut 400 jobs in AI pivot"
    assert document.outlet == "Harbor Ledger"
    assert document.url == "https://harbor-ledger.example/business/northwind-cuts"
    assert document.published_at == date(2024, 3, 5)
    assert document.text.startswith("Northwind Robotics to cut 400 jobs in AI pivot\n")
    assert document.text.count("Northwind Robotics to cut 400 jobs") == 1
    assert "eliminate about 400 positions" in document.text
    assert "customer support centre in Manila" in document.text
    for boilerplate in ("Subscribe", "analytics", "font-family", "Home |"):
        assert boilerplate not in document.text


def test_malformed_html_still_loads_its_text(tmp_path: Path) -> None:
    path = tmp_path / "broken.html"
    path.write_text(
        "<html><head><title>Acme layoffs</title><body><div><p>Acme will cut <b>200 jobs"
        "<p>in Texas</i></span></table><script>var x = '<p>'; </div>"
        "</script><<>><p>&notanentity; final words",
        encoding="utf-8",
    )

    (document,), errors = run([str(path)])

    assert errors == []
    assert document.title == "Acme layoffs"
    for words in ("Acme will cut", "200 jobs", "in Texas", "final words"):
        assert words in document.text
    assert "var x" not in document.text


def test_html_fragment_without_main_text_falls_back_to_visible_text(tmp_path: Path) -> None:
    path = tmp_path / "fragment.htm"
    path.write_text(
        "<title>Brief</title><style>p{}</style><span>Acme</span><br>cuts 12 jobs", encoding="utf-8"
    )

    (document,), errors = run([str(path)])

    assert errors == []
    assert "Acme" in document.text
    assert "cuts 12 jobs" in document.text
    assert "p{}" not in document.text


# --- bad input: reported, skipped, and the good still loads ------------------------------------


def test_bad_files_are_reported_and_good_ones_in_the_same_run_still_load(tmp_path: Path) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "01_good.txt").write_text(ENGLISH, encoding="utf-8")
    (folder / "02_empty.txt").write_bytes(b"")
    (folder / "03_blank.md").write_bytes(b"  \n\t\n")
    (folder / "04_binary.txt").write_bytes(
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))
    )
    (folder / "05_latin1.txt").write_bytes("Costs of £4m and café closures.".encode("latin-1"))
    with (folder / "06_huge.txt").open("wb") as huge:
        huge.truncate(50_000_000)  # sparse: a 50 MB file that costs no time or disk to make
    (folder / "07_broken.jsonl").write_text(
        '{"text": "Good line one."}\n{"text": oops}\n{"text": "Good line three."}\n'
    )
    (folder / "08_report.pdf").write_bytes(b"%PDF-1.4")
    (folder / "09_truncated.json.gz").write_bytes(gzip.compress(b'{"text": "x"}')[:12])
    missing = tmp_path / "missing.txt"

    documents, errors = run([str(folder), str(missing)])

    assert [Path(d.origin).name for d in documents] == [
        "01_good.txt",
        "05_latin1.txt",
        "07_broken.jsonl#1",
        "07_broken.jsonl#3",
    ]
    assert documents[1].text == "Costs of £4m and café closures."
    assert reasons(errors) == {
        "02_empty.txt": "empty document",
        "03_blank.md": "empty document",
        "04_binary.txt": "binary file, not text",
        "06_huge.txt": "too large: 50.0 MB > 20.0 MB limit",
        "07_broken.jsonl#2": "line 2: invalid JSON: expecting value (column 10)",
        "08_report.pdf": (
            "unsupported file type .pdf (expected one of .txt, .text, .md, .markdown, .html, "
            ".htm, .xhtml, .json, .jsonl, .ndjson, .csv, .warc)"
        ),
        "09_truncated.json.gz": (
            "corrupt gzip file: Compressed file ended before the end-of-stream marker was reached"
        ),
        "missing.txt": "no such file or directory",
    }
    for error in errors:
        assert "\n" not in error.reason


def test_encodings_are_detected(tmp_path: Path) -> None:
    text = "Layoffs at Café Zürich cost “£2m”."
    files = {
        "utf8.txt": text.encode("utf-8"),
        "utf8_bom.txt": b"\xef\xbb\xbf" + text.encode("utf-8"),
        "utf16.txt": text.encode("utf-16"),  # with its BOM, so not taken for binary
        "cp1252.txt": text.encode("cp1252"),
        # One damaged byte must not turn every other accented letter into mojibake.
        "damaged_utf8.txt": text.encode("utf-8") + b" \xff end",
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)

    documents, errors = run([str(tmp_path)])

    assert errors == []
    by_name = {Path(d.origin).name: d.text for d in documents}
    assert by_name.pop("damaged_utf8.txt") == text + " \ufffd end"
    assert by_name == dict.fromkeys(by_name, text)


def test_html_meta_charset_is_honoured(tmp_path: Path) -> None:
    path = tmp_path / "legacy.html"
    page = '<html><head><meta charset="iso-8859-2"></head><body><p>Łódź: 30 jobs cut.</p></body>'
    path.write_bytes(page.encode("iso-8859-2"))

    (document,), errors = run([str(path)])

    assert errors == []
    assert "Łódź: 30 jobs cut." in document.text


def test_unsupported_and_bad_inputs_never_raise(tmp_path: Path) -> None:
    documents, errors = run(
        ["ftp://example.com/a.txt", str(tmp_path / "*.nothing"), str(tmp_path / "bare.gz")]
    )

    assert documents == []
    assert [e.reason for e in errors] == [
        "unsupported URL scheme 'ftp' (only http and https)",
        "no files match this pattern",
        "no such file or directory",
    ]


# --- directories, globs, stdin ---------------------------------------------------------------


def test_directory_is_read_recursively_in_name_order_skipping_hidden(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "inner.txt").write_text("Inner story.")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "config.txt").write_text("Not an article.")
    (tmp_path / ".hidden.txt").write_text("Not an article either.")
    (tmp_path / "a.txt").write_text("First story.")
    (tmp_path / "c.md").write_text("Last story.")
    (tmp_path / "empty_dir").mkdir()

    documents, errors = run([str(tmp_path), str(tmp_path / "empty_dir")])

    assert [d.text for d in documents] == ["First story.", "Inner story.", "Last story."]
    # The empty subdirectory is passed over inside the tree but reported when named alone.
    assert [(e.origin, e.reason) for e in errors] == [
        (str(tmp_path / "empty_dir"), "no files in this directory")
    ]


def test_glob_pattern(tmp_path: Path) -> None:
    for name in ("one.txt", "two.txt", "three.md"):
        (tmp_path / name).write_text(f"Story {name}.")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "four.txt").write_text("Story four.")

    documents, _ = run([str(tmp_path / "*.txt")])
    recursive, _ = run([str(tmp_path / "**" / "*.txt")])

    assert [d.text for d in documents] == ["Story one.txt.", "Story two.txt."]
    assert [Path(d.origin).name for d in recursive] == ["one.txt", "four.txt", "two.txt"]


def test_a_lone_string_is_one_input_not_its_characters(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("Story.")

    assert [d.origin for d in load(str(path)) if isinstance(d, Document)] == [str(path)]


def test_stdin_text(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(ENGLISH.encode("utf-8"))))

    (document,), errors = run(["-"], published=date(2024, 5, 1))

    assert errors == []
    assert document.origin == "<stdin>"
    assert document.text == ENGLISH
    assert document.published_at == date(2024, 5, 1)


def test_stdin_json_lines_and_html(monkeypatch: pytest.MonkeyPatch) -> None:
    lines = b'{"id": "a", "text": "One."}\n{"id": "b", "text": "Two."}\n'
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(lines)))
    from_lines, _ = run(["-"])
    monkeypatch.setattr(sys, "stdin", io.StringIO("<html><title>T</title><p>Body text.</p>"))
    (from_html,), _ = run(["-"])

    assert [d.origin for d in from_lines] == ["<stdin>#a", "<stdin>#b"]
    assert from_html.title == "T"
    assert "Body text." in from_html.text


def test_stdin_prose_opening_with_a_bracket_is_not_taken_for_json(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    text = "[UPDATE] Acme cuts 300 jobs in Ohio."
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text.encode("utf-8"))))

    (document,), errors = run(["-"])

    assert errors == []
    assert document.text == text


def test_stdin_empty(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"")))

    assert run(["-"]) == ([], [SourceError("<stdin>", "empty document")])


def test_same_text_from_different_sources_has_the_same_id(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Acme  cuts\n500 jobs.")
    (tmp_path / "b.jsonl").write_text(json.dumps({"text": "Acme cuts 500 jobs."}) + "\n")

    first, second = run([str(tmp_path)])[0]

    assert first.id == second.id


# --- language --------------------------------------------------------------------------------


def test_language_english_and_hungarian() -> None:
    hungarian = (DATA / "hu_layoffs.txt").read_text(encoding="utf-8")

    assert detect_language(ENGLISH) == "en"
    assert detect_language(hungarian) == "hu"
    assert [detect_language(hungarian) for _ in range(3)] == ["hu"] * 3  # seeded, deterministic
    assert detect_language("12,000 / 3.5% -- 2024") is None


def test_english_is_recognised_without_langdetect(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_langdetect(text: str) -> str:
        raise AssertionError("the fast path should have answered")

    monkeypatch.setattr(language_module, "detect", no_langdetect)

    assert detect_language(ENGLISH) == "en"
    assert detect_language("ACME TO CUT 500 JOBS IN TEXAS") == "en"
    table = "Shr 34 cts vs 1.19 dlrs\n Net 807,000 vs 2,858,000\n Revs 5.6 mln vs 4.2 mln\n" * 3
    assert detect_language(table) == "en"


def test_other_languages_are_not_taken_for_english() -> None:
    samples = {
        "de": "Der Konzern will in den kommenden Monaten rund 3000 Stellen streichen, teilte das "
        "Unternehmen am Dienstag mit. Betroffen sei vor allem die Verwaltung in Berlin.",
        "fr": "Le groupe a annoncé mardi la suppression de 1 200 postes en France, dans le cadre "
        "d'un plan de restructuration destiné à réduire ses coûts.",
        "nl": "Het bedrijf gaat in Nederland ongeveer 500 banen schrappen, zo heeft de directie "
        "dinsdag bekendgemaakt. De vakbond noemt het besluit onbegrijpelijk.",
    }
    for expected, text in samples.items():
        assert detect_language(text) == expected


# --- URLs, against a real HTTP server on loopback ---------------------------------------------

ARTICLE_PAGE = (DATA / "article.html").read_bytes()


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        routes = {
            "/article": ("text/html; charset=utf-8", ARTICLE_PAGE),
            "/plain": ("text/plain", ENGLISH.encode("utf-8")),
            "/feed.json": ("application/json", json.dumps([{"id": 1, "text": "One."}]).encode()),
            "/image.png": ("image/png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100),
            "/big": ("text/plain", b"word " * 1000),
        }
        if self.path == "/redirect":
            self.send_response(302)
            self.send_header("Location", "/article")
            self.end_headers()
            return
        if self.path == "/slow":
            time.sleep(1.0)
            self.send_response(200)
            self.end_headers()
            return
        if self.path == "/big-unannounced":
            # No Content-Length: only counting while reading can enforce the cap.
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            for _ in range(100):
                self.wfile.write(b"word " * 100)
            return
        if self.path not in routes:
            self.send_error(404, "Not Found")
            return
        content_type, body = routes[self.path]
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass  # keep test output clean


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    # A proxy configured on the machine would otherwise be asked for our loopback server.
    for name in (
        "http_proxy",
        "https_proxy",
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "all_proxy",
        "ALL_PROXY",
    ):
        monkeypatch.delenv(name, raising=False)
    # The test server is on loopback, which is refused unless the operator allows it.
    monkeypatch.setenv("HEADCOUNT_ALLOW_PRIVATE_URLS", "1")


def test_url_html_page_loads_with_title(server: str) -> None:
    (document,), errors = run([f"{server}/article"])

    assert errors == []
    assert document.origin == f"{server}/article"
    assert document.url == f"{server}/article"  # where we fetched it wins over its canonical
    assert document.title == "Northwind Robotics to cut 400 jobs in AI pivot"
    assert document.outlet == "Harbor Ledger"
    assert "eliminate about 400 positions" in document.text


def test_url_redirect_records_the_final_address(server: str) -> None:
    (document,), _ = run([f"{server}/redirect"])

    assert document.origin == f"{server}/redirect"
    assert document.url == f"{server}/article"


def test_url_plain_text_and_json(server: str) -> None:
    documents, errors = run([f"{server}/plain", f"{server}/feed.json"])

    assert errors == []
    assert [d.origin for d in documents] == [f"{server}/plain", f"{server}/feed.json#1"]
    assert documents[0].text == ENGLISH


def test_url_failures_are_one_line_reasons_and_the_run_goes_on(server: str) -> None:
    with socket.socket() as probe:  # a loopback port that nothing listens on
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]

    documents, errors = run(
        [
            f"http://127.0.0.1:{closed_port}/news",
            f"{server}/image.png",
            f"{server}/big",
            f"{server}/big-unannounced",
            f"{server}/missing",
            f"{server}/article",
        ],
        max_bytes=2000,
        fetch_timeout=5,
    )

    assert [d.origin for d in documents] == [f"{server}/article"]
    assert [e.reason for e in errors] == [
        "cannot fetch: connection refused",
        "unsupported content type image/png (expected HTML, plain text or JSON)",
        "too large: 5,000 bytes > 2,000 bytes limit",
        "too large: more than 2,000 bytes limit",
        "cannot fetch: HTTP 404 Not Found",
    ]


def test_url_timeout(server: str) -> None:
    documents, errors = run([f"{server}/slow"], fetch_timeout=0.2)

    assert documents == []
    assert [e.reason for e in errors] == ["cannot fetch: timed out after 0.2 s"]
