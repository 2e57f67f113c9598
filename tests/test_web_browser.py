"""The tracker in a real headless Chromium (Debian's chromium and chromedriver, driven by
Selenium; no browser is downloaded) against a real uvicorn server on loopback.

These tests also write the screenshots the README shows (docs/screenshots/)."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from web_support import build_ledger, running_server

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver") or (
    "/usr/bin/chromedriver" if os.path.exists("/usr/bin/chromedriver") else None
)
SCREENSHOTS = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
TOKEN = "browser-test-token"


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"browser tests need it in CI: {reason}", pytrace=False)
    pytest.skip(f"browser tests skipped: {reason} (apt-get install chromium chromium-driver)")


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("browser")
    db = str(tmp / "ledger.db")
    build_ledger(db, tmp)
    with running_server(db, token=TOKEN) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if CHROMIUM is None or CHROMEDRIVER is None:
        _unavailable("chromium or chromedriver is not installed")
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        _unavailable("selenium is not installed (pip install -e '.[test]')")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    profile = tempfile.mkdtemp(prefix="hc-chromium-")
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        f"--user-data-dir={profile}",
        "--window-size=1280,900",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def _screenshot(driver: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(SCREENSHOTS / f"{name}.png"))


def _wait(driver: Any, condition: Any, timeout: float = 10) -> Any:
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout).until(condition)


def test_search_filter_open_event_see_highlight_and_source(browser: Any, base_url: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import Select

    browser.get(base_url + "/")
    assert browser.title.startswith("Layoffs tracker")
    everything = int(browser.find_element(By.CSS_SELECTOR, "#totals strong").text.replace(",", ""))
    search = browser.find_element(By.ID, "q")
    search.send_keys("Amazon", Keys.ENTER)
    _wait(browser, lambda d: "q=Amazon" in d.current_url)
    # Choosing a year applies it at once (static/app.js); the search is kept.
    Select(browser.find_element(By.ID, "year")).select_by_value("2023")
    _wait(browser, lambda d: "year=2023" in d.current_url)
    assert "q=Amazon" in browser.current_url
    rows = browser.find_elements(By.CSS_SELECTOR, "table.events tbody tr[data-event]")
    shown = int(browser.find_element(By.CSS_SELECTOR, "#totals strong").text.replace(",", ""))
    assert 0 < len(rows) == shown < everything
    dates = [r.find_element(By.CSS_SELECTOR, "td.date").text for r in rows]
    assert all(d.startswith("2023") for d in dates), dates
    assert all("Amazon" in r.find_element(By.CSS_SELECTOR, "td.company").text for r in rows)
    _screenshot(browser, "tracker")

    alexa = next(r for r in rows if "Alexa" in r.text)
    alexa.find_element(By.CSS_SELECTOR, "td.date a").click()
    _wait(browser, lambda d: "/events/" in d.current_url)
    marks = browser.find_elements(By.CSS_SELECTOR, "blockquote.evidence mark.figure")
    assert [m.text for m in marks] == ["several hundred"]
    mark = marks[0]
    assert mark.is_displayed()
    background = mark.value_of_css_property("background-color")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent")  # really highlighted
    sentence = mark.find_element(By.XPATH, "..").text
    assert "Alexa and AI unit" in sentence
    source = browser.find_element(By.CSS_SELECTOR, "a.source-link")
    assert source.get_attribute("href").startswith("https://www.geekwire.com/2023/amazon-will-cut")
    assert source.get_attribute("rel") == "noopener noreferrer nofollow"
    assert browser.find_element(By.ID, "figure").text == "~200–900"
    _screenshot(browser, "event")

    # The news source's own document, with the same sentence marked in its text.
    browser.find_element(By.CSS_SELECTOR, "li.source a.document-link[href*='claim-']")
    links = browser.find_elements(By.CSS_SELECTOR, "a.document-link")
    news_link = next(
        a for a in links if "several hundred" in a.find_element(By.XPATH, "../..").text
    )
    news_link.click()
    _wait(browser, lambda d: "/documents/" in d.current_url)
    marked = browser.find_elements(By.CSS_SELECTOR, ".document-text mark.figure")
    assert "several hundred" in [m.text for m in marked]


def test_sorting_by_column_header(browser: Any, base_url: str) -> None:
    from selenium.webdriver.common.by import By

    browser.get(base_url + "/?company=amazon")
    browser.find_element(By.CSS_SELECTOR, "th a[data-sort='headcount']").click()
    _wait(browser, lambda d: "sort=-headcount" in d.current_url)
    figures = [
        int(cell.text.replace(",", "").lstrip("~") or 0)
        for cell in browser.find_elements(By.CSS_SELECTOR, "td.figure a")
        if cell.text.replace(",", "").lstrip("~").isdigit()
    ]
    assert figures and figures == sorted(figures, reverse=True)


def test_charts_render_with_marks(browser: Any, base_url: str) -> None:
    from selenium.webdriver.common.by import By

    browser.get(base_url + "/charts")
    for chart in ("chart-monthly", "chart-companies", "chart-coverage", "chart-ai"):
        marks = browser.find_elements(By.CSS_SELECTOR, f"#{chart} svg .mark")
        assert marks, chart
        sizes = [m.size for m in marks]
        assert any(s["height"] > 0 and s["width"] > 0 for s in sizes), chart
    values = [
        float(m.get_attribute("data-value"))
        for m in browser.find_elements(By.CSS_SELECTOR, "#chart-monthly svg rect.mark")
    ]
    assert sum(values) > 0
    _screenshot(browser, "charts")

    browser.get(base_url + "/companies/amazon")
    bars = browser.find_elements(By.CSS_SELECTOR, "#timeline svg rect.mark")
    assert len(bars) >= 5 and any(b.size["height"] > 6 for b in bars)


def test_script_tags_in_an_article_never_execute(browser: Any, base_url: str) -> None:
    from selenium.common.exceptions import NoAlertPresentException
    from selenium.webdriver.common.by import By

    article = {
        "title": "Quuxware to cut 610 jobs <script>window.__xss='title';alert('title')</script>",
        "text": (
            "Quuxware Inc said on Tuesday it will lay off 610 employees, about 12% of its staff. "
            "<script>window.__xss='body';alert('body')</script>"
            "<img src=x onerror=\"window.__xss='img'\"> The cuts hit its <b>Ohio</b> plant."
        ),
        "url": "https://news.example/quuxware",
        "outlet": "<script>window.__xss='outlet'</script>Example",
        "published": "2024-03-05",
    }
    request = urllib.request.Request(
        base_url + "/api/ingest",
        data=json.dumps(article).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {TOKEN}"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        assert response.status == 201
        result = json.load(response)
    assert result["claims"] >= 1

    browser.get(base_url + "/?q=quuxware")
    rows = browser.find_elements(By.CSS_SELECTOR, "table.events tbody tr[data-event]")
    assert len(rows) == 1
    pages = [
        base_url + "/?q=quuxware",
        base_url + rows[0].find_element(By.CSS_SELECTOR, "td.date a").get_attribute("pathname"),
        base_url + f"/documents/{result['document_ids'][0]}",
        base_url + "/companies",
    ]
    for page in pages:
        browser.get(page)
        with pytest.raises(NoAlertPresentException):
            browser.switch_to.alert.text  # noqa: B018 - raises when no alert is open
        assert browser.execute_script("return window.__xss === undefined") is True, page
        assert not browser.find_elements(By.CSS_SELECTOR, "main script, main img, main b")
    # The markup is shown as text, exactly as the article had it.
    body = browser.find_element(By.TAG_NAME, "body")
    browser.get(pages[2])
    body = browser.find_element(By.CSS_SELECTOR, ".document-text")
    assert "<script>window.__xss='body';alert('body')</script>" in body.text
    assert "<b>Ohio</b>" in body.text
    title = browser.find_element(By.CSS_SELECTOR, "h1.doc-title").text
    assert "<script>window.__xss='title'" in title
