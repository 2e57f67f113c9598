"""How long one pathological document takes: a 400 KB page where every sentence is a claim.

Run from the project root:

    .venv/bin/python bench/bench_long_document.py [--size BYTES]

A measurement, not a test: it prints seconds per extractor with extraction bounded as shipped
(HEADCOUNT_MAX_EXTRACT_CHARS, default 50,000 characters) and, for comparison, unbounded.
"""

from __future__ import annotations

import argparse
import os
import time

from headcount.extract.pipeline import EXTRACT_CHARS_SETTING, EXTRACTORS, extract_document
from headcount.model import Document

PARAGRAPH = (
    "Acme Robotics said on Tuesday it would cut 1,200 jobs, about 10% of its staff, as demand "
    "slowed. The company laid off 300 people last year. Shares rose 3% in early trading. "
    "Analysts at Globex said the sector faces more cuts this year.\n"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--size", type=int, default=400_000, help="characters of the page")
    parser.add_argument(
        "--unbounded", action="store_true", help="also time reading it whole (minutes)"
    )
    args = parser.parse_args()
    text = "Acme Robotics to cut jobs\n\n" + PARAGRAPH * (args.size // len(PARAGRAPH))
    doc = Document.create(text, "long.txt", language="en")
    extract_document(Document.create("Acme will cut 5 jobs.", "warm.txt", language="en"), "learned")
    print(f"one page of {len(text):,} characters, every sentence a claim")
    modes = [("bounded", os.environ.get(EXTRACT_CHARS_SETTING))]
    if args.unbounded:
        modes.append(("unbounded", str(len(text))))
    for label, limit in modes:
        if limit:
            os.environ[EXTRACT_CHARS_SETTING] = limit
        for name in EXTRACTORS:
            started = time.perf_counter()
            extraction = extract_document(doc, name)
            seconds = time.perf_counter() - started
            print(
                f"  {label:9} {name:8} {seconds:7.2f} s  {len(extraction.mentions):4} claims  ({extraction.status})"
            )


if __name__ == "__main__":
    main()
