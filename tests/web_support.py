"""Shared by the web tests: a small real ledger, and a real HTTP server on loopback."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import uvicorn

from headcount.ingest import import_file, ingest_inputs, sample_paths
from headcount.resolve import resolve
from headcount.store import open_store
from headcount.web import create_app

WARN_SAMPLE = (
    Path(__file__).resolve().parents[1] / "src" / "headcount" / "sample_data" / "warn_wa_sample.csv"
)
RECORDS = Path(__file__).parent / "data" / "records"

# A layoffs.fyi table (the Kaggle layout) with the rounds the seed articles talk about, so the
# seeds' claims join tracker rows as they do with the full table.
TABLE = """company,location,total_laid_off,date,percentage_laid_off,industry,source,stage,funds_raised,country,date_added
Amazon,Seattle,,11/17/2023,,Retail,https://www.geekwire.com/2023/amazon-will-cut-several-hundred-more-jobs-on-alexa-team-as-it-discontinues-some-initiatives/,Post-IPO,108,United States,11/17/2023
Amazon,Seattle,180,11/13/2023,,Retail,https://www.example.com/amazon-games,Post-IPO,108,United States,11/13/2023
Amazon,Seattle,9000,3/20/2023,,Retail,https://www.example.com/amazon-9000,Post-IPO,108,United States,3/20/2023
Amazon,Seattle,8000,1/4/2023,0.02,Retail,https://www.example.com/amazon-8000,Post-IPO,108,United States,1/4/2023
Amazon,Seattle,10000,11/16/2022,0.03,Retail,https://www.example.com/amazon-10000,Post-IPO,108,United States,11/16/2022
Twitch,SF Bay Area,500,1/10/2024,0.35,Consumer,https://www.example.com/twitch,Acquired,35,United States,1/10/2024
Google,SF Bay Area,12000,1/20/2023,0.06,Consumer,https://www.example.com/google-12000,Post-IPO,26,United States,1/20/2023
Google,SF Bay Area,1000,1/10/2024,,Consumer,https://www.example.com/google-1000,Post-IPO,26,United States,1/11/2024
Meta,SF Bay Area,10000,3/14/2023,0.13,Consumer,https://www.example.com/meta-10000,Post-IPO,26000,United States,3/14/2023
Meta,SF Bay Area,11000,11/9/2022,0.13,Consumer,https://www.example.com/meta-11000,Post-IPO,26000,United States,11/9/2022
Spotify,Stockholm,1500,12/4/2023,0.17,Media,https://www.example.com/spotify,Post-IPO,2100,Sweden,12/4/2023
"""


def build_ledger(target: str, tmp: Path) -> None:
    """Fill the database at `target`: a tracker table, WARN notices and the seed articles."""
    table = tmp / "layoffs_table.csv"
    table.write_text(TABLE, encoding="utf-8")
    with open_store(target) as store:
        import_file(store, "layoffs-fyi", str(table))
        import_file(store, "layoffs-fyi", str(RECORDS / "layoffs_kaggle.csv"))
        import_file(store, "warn", str(WARN_SAMPLE))
        resolve(store)
        ingest_inputs(store, sample_paths())
        resolve(store)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def running_server(db: str, token: str | None = None) -> Iterator[str]:
    """A real uvicorn server on 127.0.0.1 in a thread; yields its base URL (no trailing /)."""
    port = free_port()
    config = uvicorn.Config(
        create_app(db, token=token), host="127.0.0.1", port=port, log_level="warning"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
