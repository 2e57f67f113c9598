"""The README's screenshots, taken on request (`make screenshots`), never by the tests.

Serves a ledger over loopback (the database given with --db, e.g. the one `make sample`
loads; without it, the small ledger the browser tests build) and photographs the tracker, an
event, a company, the charts and the AI theme in headless Chromium at a phone's width (400 px) and a
laptop's (1,400 px), into docs/screenshots/ (or --out). It fails when a page scrolls sideways.

    .venv/bin/python tests/screenshots.py --db headcount.db
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any

from browser_support import DESKTOP, PHONE, chromium, page_widths, png_size, resize
from web_support import build_ledger, running_server

ROOT = Path(__file__).resolve().parents[1]
HEIGHTS = {PHONE: 860, DESKTOP: 900}


def _event_path(driver: Any, base: str, tracker: str, words: str) -> str:
    """The first event of the tracker page whose row holds `words` (else its first event)."""
    from selenium.webdriver.common.by import By

    driver.get(base + tracker)
    rows = driver.find_elements(By.CSS_SELECTOR, "table.events tbody tr[data-event]")
    if not rows:
        raise SystemExit(f"no events at {tracker}: is the database loaded?")
    row = next((r for r in rows if words.lower() in r.text.lower()), rows[0])
    return str(row.find_element(By.CSS_SELECTOR, "td.date a").get_attribute("pathname"))


def shoot(base: str, out: Path, company: str, year: str, words: str) -> list[Path]:
    written: list[Path] = []
    with chromium(DESKTOP, HEIGHTS[DESKTOP]) as driver:
        tracker = f"/?company={company}&year={year}"
        pages = {
            "tracker": tracker,
            "event": _event_path(driver, base, tracker, words),
            "company": f"/companies/{company}",
            "charts": "/charts",
            "ai": "/ai",
        }
        for width in (PHONE, DESKTOP):
            resize(driver, width, HEIGHTS[width])
            for name, path in pages.items():
                driver.get(base + path)
                scroll, inner = page_widths(driver)
                if scroll > inner:
                    raise SystemExit(f"{path} scrolls sideways at {width} px ({scroll} > {inner})")
                target = out / f"{name}-{width}.png"
                driver.save_screenshot(str(target))
                print(
                    f"{target.relative_to(ROOT) if target.is_relative_to(ROOT) else target}"
                    f" {png_size(target)[0]}x{png_size(target)[1]} {path}"
                )
                written.append(target)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", help="the ledger to show (default: build the test ledger)")
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    parser.add_argument("--company", default="amazon", help="company id to show")
    parser.add_argument("--year", default="2023", help="the tracker's year filter")
    parser.add_argument("--event", default="Alexa", help="words of the event row to open")
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="hc-screenshots-") as tmp:
        db = args.db
        if db is None:
            db = str(Path(tmp) / "ledger.db")
            build_ledger(db, Path(tmp))
        elif not Path(db).exists():
            raise SystemExit(f"{db} does not exist: run `make sample` first")
        with running_server(db) as base:
            shoot(base, out, args.company, args.year, args.event)
    return 0


if __name__ == "__main__":
    sys.exit(main())
