"""Extraction throughput on real news: how fast, how much memory, how many claims.

Run from the project root:

    .venv/bin/python bench/bench_extract.py [--repeat N] [--limit N] [--workers N] [--json]

This is a measurement, not a test: it prints figures next to the project's targets and marks
them PASS or BELOW, but it never fails because a figure is below target. It exits non-zero only
when it cannot run (data folder missing, bad arguments).

Two inputs, both outside the repository in ../shared/data (see PROVENANCE.md there):
  * the general news corpus (Reuters-21578, BBC News 2225, AG News test): ~31k documents,
    almost none about layoffs, so it measures the cost of saying "nothing here" at scale;
  * the English job-cut keyword candidates (132 BBC/Reuters articles), where nearly every
    document goes through the full pipeline, so it measures the cost of real extraction.
"""

from __future__ import annotations

import argparse
import csv
import gc
import gzip
import json
import multiprocessing
import os
import resource
import sys
import time
import tracemalloc
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from headcount.evaluate.gold import compose_text
from headcount.extract.pipeline import chosen_extractor, extract_document
from headcount.extract.prefilter import may_contain_layoff
from headcount.model import Document

# The targets the project set itself; shown next to the measurements, never enforced.
TARGET_GENERAL_DOCS_PER_S = 2_000.0  # issue 9 raised it from 1,000
# Job-cut articles: the rules' own target, and issue 9's bar for the learned extractor, which
# parses every candidate sentence.
TARGET_CANDIDATES_DOCS_PER_S = {"rules": 50.0, "learned": 30.0}
TARGET_PEAK_MB = 1_000.0  # 1 GB, decimal like every other MB figure here

GENERAL = "general"
CANDIDATES = "candidates"

# Files under <shared>/data, by corpus name. The names are also the row labels in the output.
GENERAL_FILES = {
    "reuters21578": "news_corpus/reuters21578.jsonl.gz",
    "bbc_news_2225": "news_corpus/bbc_news_2225.jsonl.gz",
    "ag_news_test": "news_corpus/ag_news_test.csv.gz",
}
CANDIDATE_FILES = {"keyword_candidates": "layoff_news/keyword_candidates_en_bbc_reuters.jsonl"}

# German, so that detect_language cannot answer "en" from its word counts and must load langdetect.
WARMUP_NON_ENGLISH = (
    "Das Unternehmen streicht in den kommenden zwei Jahren rund zweitausend Stellen in "
    "Deutschland, teilte der Vorstand am Montag in München mit."
)

# Documents per task sent to a worker process: large enough that pickling and scheduling stay
# small next to extraction, small enough that both cores finish at about the same time.
CHUNK_DOCS = 256
MB = 1_000_000


# --------------------------------------------------------------------------------------------
# Loading (not timed)


def _reuters_date(value: str | None) -> date | None:
    """Reuters dates look like "26-FEB-1987 15:17:11.20"; only the day matters to extraction."""
    if not value:
        return None
    try:
        return datetime.strptime(value.strip().split()[0], "%d-%b-%Y").date()
    except ValueError:
        return None


def _document(text: str, origin: str, title: str | None, published: date | None) -> Document:
    # language="en" as the ingest path sets it after detection, so extraction is not skipped
    # and language detection is measured on its own below rather than mixed into these figures.
    return Document.create(text, origin, title=title or None, published_at=published, language="en")


def _jsonl_rows(path: Path) -> Iterator[dict[str, Any]]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def load_reuters(path: Path) -> Iterator[Document]:
    for row in _jsonl_rows(path):
        title, body = row.get("title") or "", row.get("body") or ""
        # 2,535 Reuters items have no body and 737 no title; an item with neither is not news.
        if not title.strip() and not body.strip():
            continue
        newid = (row.get("attrs") or {}).get("newid")
        yield _document(
            compose_text(title, body), f"{path.name}#{newid}", title, _reuters_date(row.get("date"))
        )


def load_bbc(path: Path) -> Iterator[Document]:
    # The BBC set has no per-article dates.
    for row in _jsonl_rows(path):
        title = row.get("title") or ""
        yield _document(
            compose_text(title, row.get("text") or ""), f"{path.name}#{row['id']}", title, None
        )


def load_ag_news(path: Path) -> Iterator[Document]:
    # Upstream CSV without a header: class, title, description. Row number is the only id.
    with gzip.open(path, "rt", encoding="utf-8", newline="") as fh:
        for number, row in enumerate(csv.reader(fh), 1):
            if len(row) < 3:
                continue
            _, title, description = row[:3]
            yield _document(compose_text(title, description), f"{path.name}#{number}", title, None)


def load_candidates(path: Path) -> Iterator[Document]:
    for row in _jsonl_rows(path):
        title = row.get("title") or ""
        origin = f"{path.name}#{row.get('corpus')}:{row.get('id')}"
        yield _document(
            compose_text(title, row.get("text") or ""),
            origin,
            title,
            _reuters_date(row.get("date")),
        )


LOADERS: dict[str, Callable[[Path], Iterator[Document]]] = {
    "reuters21578": load_reuters,
    "bbc_news_2225": load_bbc,
    "ag_news_test": load_ag_news,
    "keyword_candidates": load_candidates,
}


def _take(items: Iterable[Document], limit: int | None) -> list[Document]:
    out: list[Document] = []
    for item in items:
        if limit is not None and len(out) >= limit:
            break
        out.append(item)
    return out


@dataclass
class Corpus:
    name: str
    group: str  # GENERAL or CANDIDATES: which target applies
    docs: list[Document]
    text_bytes: int = 0

    def __post_init__(self) -> None:
        self.text_bytes = sum(len(d.text.encode("utf-8")) for d in self.docs)


def resolve_shared(arg: str | None) -> Path:
    if arg:
        return Path(arg).expanduser().resolve()
    # The repository and ../shared are siblings: <parent>/main/bench/this.py -> <parent>/shared.
    return Path(__file__).resolve().parents[1].parent / "shared"


def check_data(shared: Path) -> list[str]:
    """Every input file that is missing, as a message; empty when all are there."""
    data = shared / "data"
    missing = []
    for rel in [*GENERAL_FILES.values(), *CANDIDATE_FILES.values()]:
        if not (data / rel).is_file():
            missing.append(str(data / rel))
    return missing


def load_corpora(shared: Path, limit: int | None) -> list[Corpus]:
    data = shared / "data"
    corpora = [
        Corpus(name, GENERAL, _take(LOADERS[name](data / rel), limit))
        for name, rel in GENERAL_FILES.items()
    ]
    corpora += [
        Corpus(name, CANDIDATES, _take(LOADERS[name](data / rel), limit))
        for name, rel in CANDIDATE_FILES.items()
    ]
    return corpora


# --------------------------------------------------------------------------------------------
# Timed work


@dataclass
class Counts:
    docs: int = 0
    claims: int = 0
    docs_with_claims: int = 0
    statuses: Counter[str] = field(default_factory=Counter)

    def add(self, other: Counts) -> None:
        self.docs += other.docs
        self.claims += other.claims
        self.docs_with_claims += other.docs_with_claims
        self.statuses.update(other.statuses)


def extract_chunk(docs: Sequence[Document]) -> Counts:
    """Extract every document; return only counts, so workers send back a few bytes."""
    counts = Counts()
    for doc in docs:
        result = extract_document(doc)
        counts.docs += 1
        counts.claims += len(result.mentions)
        counts.docs_with_claims += bool(result.mentions)
        # Statuses such as "skipped: language xx ..." carry details; the first word is enough.
        counts.statuses[result.status.split(":")[0]] += 1
    return counts


def _warm_worker() -> None:
    # One full extraction per process before any clock starts: it builds the prefilter
    # automaton and loads the lazily loaded models (the NER pipeline), a one-off cost that a
    # long-running ingest pays once and that would otherwise land in the first corpus timed.
    text = "Acme Corp said on Monday it will cut 1,200 jobs at its plant in Ohio."
    extract_document(Document.create(text, "warmup", language="en"))


def _chunks(docs: Sequence[Document], size: int) -> list[Sequence[Document]]:
    return [docs[i : i + size] for i in range(0, len(docs), size)]


def _hold(seconds: float) -> int:
    # Occupies a worker long enough that the pool cannot hand every task to one that already
    # started.
    time.sleep(seconds)
    return os.getpid()


def start_pool(workers: int) -> ProcessPoolExecutor:
    """A pool whose workers are all running and warmed before any clock starts.

    "spawn" rather than fork: a forked worker would inherit the parent's loaded corpus, and its
    peak RSS would then say more about the parent than about extraction.
    """
    pool = ProcessPoolExecutor(
        workers, mp_context=multiprocessing.get_context("spawn"), initializer=_warm_worker
    )
    # Python starts workers on demand, so ask for more concurrent work than there are workers.
    pids = set(pool.map(_hold, [0.2] * (workers * 2)))
    if len(pids) < workers:  # not expected; it would only make the first run slower
        print(f"note: only {len(pids)} of {workers} workers started before timing", file=sys.stderr)
    return pool


def run_extraction(
    docs: Sequence[Document], pool: ProcessPoolExecutor | None, workers: int
) -> tuple[float, Counts]:
    """Wall seconds and counts for extracting docs, in-process or across the pool."""
    total = Counts()
    if pool is None:
        start = time.perf_counter()
        total = extract_chunk(docs)
        return time.perf_counter() - start, total
    # A small corpus in CHUNK_DOCS pieces would leave a core idle; aim at >= 4 tasks per worker.
    size = max(1, min(CHUNK_DOCS, -(-len(docs) // (workers * 4))))
    chunks = _chunks(docs, size)
    # Pickling the documents to the workers is part of what parallel extraction costs, so it is
    # inside the timed region.
    start = time.perf_counter()
    for counts in pool.map(extract_chunk, chunks):
        total.add(counts)
    return time.perf_counter() - start, total


def run_prefilter(docs: Sequence[Document]) -> tuple[float, int]:
    start = time.perf_counter()
    passed = sum(1 for d in docs if may_contain_layoff(d.text))
    return time.perf_counter() - start, passed


def load_language_detector() -> Callable[[str], str | None] | None:
    # Imported lazily: language detection may not exist in every checkout, and its absence
    # should cost one missing figure, not the whole benchmark.
    try:
        from headcount.sources.language import detect_language
    except ImportError:
        return None
    return detect_language


def run_language(
    docs: Sequence[Document], detect: Callable[[str], str | None]
) -> tuple[float, Counter[str]]:
    languages: Counter[str] = Counter()
    start = time.perf_counter()
    for d in docs:
        languages[detect(d.text) or "none"] += 1
    return time.perf_counter() - start, languages


def traced_peak_mb(docs: Sequence[Document]) -> float:
    """Peak Python allocation while extracting docs, above what was allocated before.

    tracemalloc slows allocation several-fold, so this runs as its own pass after the timed
    ones and never touches their figures. It sees only Python allocations in this process.
    """
    tracemalloc.start()
    try:
        extract_chunk(docs)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / MB


def rss_peak_mb(who: int = resource.RUSAGE_SELF) -> float:
    # Linux reports ru_maxrss in kilobytes (macOS in bytes; this bench targets the Linux box).
    kb = resource.getrusage(who).ru_maxrss
    return kb * 1024 / MB


# --------------------------------------------------------------------------------------------
# Reporting


def _rate(amount: float, seconds: float) -> float:
    return amount / seconds if seconds > 0 else float("inf")


def _mark(ok: bool) -> str:
    return "PASS" if ok else "BELOW"


def row(
    name: str,
    docs: int,
    text_bytes: int,
    seconds: float,
    counts: Counts,
    passed: int | None,
    prefilter_s: float | None,
) -> dict[str, Any]:
    return {
        "corpus": name,
        "documents": docs,
        "text_mb": round(text_bytes / MB, 3),
        "wall_s": round(seconds, 3),
        "docs_per_s": round(_rate(docs, seconds), 1),
        "mb_per_s": round(_rate(text_bytes / MB, seconds), 3),
        "claims": counts.claims,
        "docs_with_claims": counts.docs_with_claims,
        "statuses": dict(counts.statuses),
        "prefilter_passed": passed,
        "prefilter_share": round(passed / docs, 4) if passed is not None and docs else None,
        "prefilter_s": round(prefilter_s, 3) if prefilter_s is not None else None,
        "prefilter_docs_per_s": (
            round(_rate(docs, prefilter_s), 1) if prefilter_s is not None else None
        ),
    }


def print_report(report: dict[str, Any]) -> None:
    s = report["settings"]
    print(
        f"headcount extraction benchmark: workers={s['workers']} repeat={s['repeat']} "
        f"(best run) limit={s['limit']} cpus={s['cpus']} python={s['python']}"
    )
    print(f"data: {s['data']}")
    print(
        f"1-min load average: {s['load_avg_1m_before']:.2f} before the run (above ~0.5, other "
        f"work shares the CPUs), {s['load_avg_1m_after']:.2f} after (this run included)"
    )
    print(
        f"untimed set-up: loading documents {report['load_s']:.1f} s, first extraction "
        f"(model loading{', worker start' if s['workers'] > 1 else ''}) "
        f"{report['warmup_s']:.1f} s"
    )
    print()
    header = (
        f"{'corpus':<20}{'docs':>8}{'MB':>8}{'wall s':>9}{'docs/s':>9}{'MB/s':>8}"
        f"{'claims':>8}{'prefilter pass':>18}{'pref docs/s':>13}"
    )
    print("Extraction (extract_document per doc); prefilter timed separately")
    print(header)
    print("-" * len(header))
    for r in report["corpora"] + [report["general_total"], report["candidates_total"]]:
        if r["corpus"] in ("general (all)", "candidates (all)"):
            print("-" * len(header))
        share = f"{r['prefilter_passed']} ({r['prefilter_share']:.1%})"
        print(
            f"{r['corpus']:<20}{r['documents']:>8}{r['text_mb']:>8.2f}{r['wall_s']:>9.2f}"
            f"{r['docs_per_s']:>9.1f}{r['mb_per_s']:>8.3f}{r['claims']:>8}{share:>18}"
            f"{r['prefilter_docs_per_s']:>13.0f}"
        )
    lang = report.get("language")
    print()
    if lang is None:
        print("Language detection: headcount.sources.language.detect_language not found, skipped")
    else:
        print(
            "Language detection (detect_language per doc, general corpus; "
            f"one-off first call {lang['first_call_s']:.2f} s excluded)"
        )
        for r in lang["corpora"]:
            print(
                f"  {r['corpus']:<18}{r['documents']:>8} docs {r['wall_s']:>8.2f} s "
                f"{r['docs_per_s']:>10.0f} docs/s   {r['languages']}"
            )
        t = lang["total"]
        print(
            f"  {'general (all)':<18}{t['documents']:>8} docs {t['wall_s']:>8.2f} s "
            f"{t['docs_per_s']:>10.0f} docs/s"
        )
    mem = report["memory"]
    print()
    print(
        f"Memory: peak RSS this process {mem['peak_rss_self_mb']:.0f} MB "
        f"(after loading documents {mem['rss_after_load_mb']:.0f} MB, "
        f"after warm-up {mem['rss_after_warmup_mb']:.0f} MB, "
        f"after extraction {mem['peak_rss_after_extraction_mb']:.0f} MB, "
        "the rest is language detection)",
        end="",
    )
    if mem.get("peak_rss_worker_mb") is not None:
        print(f"; largest worker {mem['peak_rss_worker_mb']:.0f} MB", end="")
    print()
    if mem.get("tracemalloc_peak_mb"):
        peaks = ", ".join(f"{k} {v:.1f} MB" for k, v in mem["tracemalloc_peak_mb"].items())
        print(f"tracemalloc peak during extraction (separate slow pass): {peaks}")
    print()
    print("Targets (reported, never enforced)")
    for t in report["targets"]:
        print(
            f"  {t['name']:<34} measured {t['measured']:>10.1f}  target {t['target']:<12} "
            f"{t['mark']}"
        )


# --------------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    p.add_argument("--repeat", type=int, default=1, help="timed runs; the best is reported")
    p.add_argument("--limit", type=int, default=None, help="at most N documents per input file")
    p.add_argument("--workers", type=int, default=1, help="processes for extraction (default 1)")
    p.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    p.add_argument(
        "--tracemalloc",
        action="store_true",
        help="add a slow untimed pass measuring Python allocation peak",
    )
    p.add_argument("--shared", default=None, help="the shared folder (default: ../shared)")
    args = p.parse_args(argv)
    if args.repeat < 1:
        p.error("--repeat must be at least 1")
    if args.workers < 1:
        p.error("--workers must be at least 1")
    if args.limit is not None and args.limit < 1:
        p.error("--limit must be at least 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    shared = resolve_shared(args.shared)
    missing = check_data(shared)
    if missing:
        print(
            f"error: benchmark data not found under {shared / 'data'}\n"
            + "".join(f"  missing: {m}\n" for m in missing)
            + "Pass --shared PATH to point at the folder that holds data/news_corpus and "
            "data/layoff_news.",
            file=sys.stderr,
        )
        return 2

    # The box is shared; a busy CPU lowers every figure, so the load is recorded with them.
    load_before = os.getloadavg()[0]
    start = time.perf_counter()
    corpora = load_corpora(shared, args.limit)
    load_s = time.perf_counter() - start
    rss_after_load = rss_peak_mb()
    general = [c for c in corpora if c.group == GENERAL]
    candidates = [c for c in corpora if c.group == CANDIDATES]

    start = time.perf_counter()
    pool = start_pool(args.workers) if args.workers > 1 else None
    if pool is None:
        _warm_worker()
    warmup_s = time.perf_counter() - start
    rss_after_warmup = rss_peak_mb()
    try:
        # Every repeat is one full pass over all corpora; the best pass wins, per corpus and
        # for the totals, so a total is a real run rather than a sum of lucky pieces.
        runs: list[dict[str, tuple[float, Counts]]] = []
        for _ in range(args.repeat):
            gc.collect()  # start each pass from the same heap, not from the last pass's garbage
            runs.append({c.name: run_extraction(c.docs, pool, args.workers) for c in corpora})
    finally:
        if pool is not None:
            pool.shutdown()

    prefilter: dict[str, tuple[float, int]] = {}
    for c in corpora:
        prefilter[c.name] = min(
            (run_prefilter(c.docs) for _ in range(args.repeat)), key=lambda r: r[0]
        )

    def best(name: str) -> tuple[float, Counts]:
        return min((r[name] for r in runs), key=lambda r: r[0])

    def total(group: list[Corpus], label: str) -> dict[str, Any]:
        seconds = min(sum(r[c.name][0] for c in group) for r in runs)
        counts = Counts()
        for c in group:
            counts.add(runs[0][c.name][1])  # counts are the same in every run
        pref_s = sum(prefilter[c.name][0] for c in group)
        passed = sum(prefilter[c.name][1] for c in group)
        return row(
            label,
            sum(len(c.docs) for c in group),
            sum(c.text_bytes for c in group),
            seconds,
            counts,
            passed,
            pref_s,
        )

    rows = []
    for c in corpora:
        seconds, counts = best(c.name)
        prefilter_s, passed = prefilter[c.name]
        rows.append(row(c.name, len(c.docs), c.text_bytes, seconds, counts, passed, prefilter_s))
    general_total = total(general, "general (all)")
    candidates_total = total(candidates, "candidates (all)")

    # Taken before language detection, whose models would otherwise hide extraction's share.
    rss_after_extraction = rss_peak_mb()

    language: dict[str, Any] | None = None
    detect = load_language_detector()
    if detect is not None:
        # The first text that misses the English fast path makes langdetect load its language
        # profiles, once per process; timed apart so the per-document figure is the steady cost.
        start = time.perf_counter()
        detect(WARMUP_NON_ENGLISH)
        setup_s = time.perf_counter() - start
        lang_rows: list[dict[str, Any]] = []
        lang_seconds = 0.0
        for c in general:
            seconds, langs = min(
                (run_language(c.docs, detect) for _ in range(args.repeat)), key=lambda r: r[0]
            )
            lang_seconds += seconds
            lang_rows.append(
                {
                    "corpus": c.name,
                    "documents": len(c.docs),
                    "wall_s": round(seconds, 3),
                    "docs_per_s": round(_rate(len(c.docs), seconds), 1),
                    "languages": dict(langs.most_common(5)),
                }
            )
        docs = sum(r["documents"] for r in lang_rows)
        language = {
            "first_call_s": round(setup_s, 3),
            "corpora": lang_rows,
            "total": {
                "documents": docs,
                "wall_s": round(lang_seconds, 3),
                "docs_per_s": round(_rate(docs, lang_seconds), 1),
            },
        }

    memory: dict[str, Any] = {
        "rss_after_load_mb": round(rss_after_load, 1),
        "rss_after_warmup_mb": round(rss_after_warmup, 1),
        "peak_rss_after_extraction_mb": round(rss_after_extraction, 1),
        "peak_rss_self_mb": round(rss_peak_mb(), 1),
        # Children's peak is the largest single worker's, not their sum; with N workers the
        # machine holds up to roughly N times that at once.
        "peak_rss_worker_mb": (
            round(rss_peak_mb(resource.RUSAGE_CHILDREN), 1) if args.workers > 1 else None
        ),
    }
    if args.tracemalloc:
        if pool is not None:
            _warm_worker()  # models were loaded in the workers only; keep their load out of it
        memory["tracemalloc_peak_mb"] = {c.name: round(traced_peak_mb(c.docs), 2) for c in corpora}
        # tracemalloc's own bookkeeping raises RSS; report the process peak including it too.
        memory["peak_rss_self_after_tracemalloc_mb"] = round(rss_peak_mb(), 1)

    peak = max(memory["peak_rss_self_mb"], memory["peak_rss_worker_mb"] or 0.0)
    candidates_target = TARGET_CANDIDATES_DOCS_PER_S[chosen_extractor()]
    targets = [
        {
            "name": "general corpus docs/s",
            "measured": general_total["docs_per_s"],
            "target": f">= {TARGET_GENERAL_DOCS_PER_S:,.0f}",
            "mark": _mark(general_total["docs_per_s"] >= TARGET_GENERAL_DOCS_PER_S),
        },
        {
            "name": "candidates docs/s",
            "measured": candidates_total["docs_per_s"],
            "target": f">= {candidates_target:,.0f} ({chosen_extractor()})",
            "mark": _mark(candidates_total["docs_per_s"] >= candidates_target),
        },
        {
            "name": "peak memory MB (largest process)",
            "measured": peak,
            "target": f"< {TARGET_PEAK_MB:,.0f}",
            "mark": _mark(peak < TARGET_PEAK_MB),
        },
    ]

    report = {
        "settings": {
            "workers": args.workers,
            "repeat": args.repeat,
            "limit": args.limit,
            "cpus": os.cpu_count(),
            "python": sys.version.split()[0],
            "data": str(shared / "data"),
            "load_avg_1m_before": round(load_before, 2),
            "load_avg_1m_after": round(os.getloadavg()[0], 2),
            "tracemalloc": args.tracemalloc,
        },
        "load_s": round(load_s, 2),
        "warmup_s": round(warmup_s, 2),
        "corpora": rows,
        "general_total": general_total,
        "candidates_total": candidates_total,
        "language": language,
        "memory": memory,
        "targets": targets,
    }
    if args.json:
        json.dump(report, sys.stdout)
        sys.stdout.write("\n")
    else:
        print_report(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
