"""Sub-commands for following feeds and for bulk runs: `feeds`, `watch` and `batch`.

Each is a thin layer over one library function (headcount.watch, headcount.scale) and takes
`--db` as the commands of headcount.cli do (cli_common); cli.py registers them with
`main.add_command(...)`.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, timezone
from types import FrameType
from typing import Any

import click

from headcount import cli_common as common
from headcount.scale import (
    BatchReport,
    DatabaseSink,
    ParquetSink,
    Sink,
    default_workers,
    is_parquet_target,
    run_batch,
)
from headcount.scale.units import TASK_SIZE, TaskResult
from headcount.sources import url as url_module
from headcount.sources.url import ALLOW_PRIVATE_ENV, DEADLINE_ENV, DEFAULT_DEADLINE
from headcount.store.base import now_iso
from headcount.store.feed_records import Feed
from headcount.watch import PollReport, Stopper, WatchOptions, resolve_events, watch

# Problems printed one by one after a batch run; the rest are counted by kind.
SHOWN_PROBLEMS = 20

_COUNT = click.IntRange(min=1)
_SECONDS = click.FloatRange(min=0.1)
_DEADLINE_HELP = (
    "Seconds a whole fetch (feed or article, redirects included) may take "
    f"(default: {DEADLINE_ENV}, else {DEFAULT_DEADLINE:g})."
)


def _number(
    name: str, kind: click.IntRange | click.FloatRange, default: float | None, help_text: str
) -> Callable[[common.F], common.F]:
    """A numeric option; its help shows the default when there is one."""
    return click.option(
        name, type=kind, default=default, show_default=default is not None, help=help_text
    )


def _resolve_option(help_text: str) -> Callable[[common.F], common.F]:
    """`--resolve/--no-resolve`, on by default: place new claims into events afterwards."""
    return click.option("--resolve/--no-resolve", default=True, show_default=True, help=help_text)


# --- feeds ---------------------------------------------------------------------------------


@click.group()
@common.db_option
def feeds() -> None:
    """Subscribe to RSS and Atom feeds for `headcount watch` to follow."""


@feeds.command("add")
@click.argument("urls", nargs=-1, required=True)
@common.db_option
@click.pass_context
def feeds_add(ctx: click.Context, urls: tuple[str, ...]) -> None:
    """Subscribe to feeds (http or https URLs)."""
    bad = [u for u in urls if not url_module.is_url(u)]
    if bad:
        raise click.BadParameter(f"not an http(s) URL: {', '.join(bad)}", param_hint="URLS")
    with common.store_of(ctx) as store:
        for address in urls:
            feed, added = store.add_feed(address, now_iso())
            state = "added" if added else "already subscribed"
            click.echo(f"{feed.id}  {feed.url}  ({state})")


def _ago(moment: str | None, now: datetime) -> str:
    if moment is None:
        return "never"
    seconds = (now - datetime.fromisoformat(moment)).total_seconds()
    if seconds < 0:
        return f"in {_span(-seconds)}"
    return f"{_span(seconds)} ago"


def _span(seconds: float) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{seconds / size:.0f} {unit}"
    return f"{seconds:.0f} s"


def _feed_dict(feed: Feed) -> dict[str, Any]:
    return {
        "id": feed.id,
        "url": feed.url,
        "title": feed.title,
        "added_at": feed.added_at,
        "last_polled": feed.last_polled,
        "last_success": feed.last_success,
        "last_error": feed.last_error,
        "last_error_at": feed.last_error_at,
        "errors_in_a_row": feed.errors,
        "next_poll": feed.next_poll,
        "items_seen": feed.items_seen,
        "items_pending": feed.items_pending,
        "items_failed": feed.items_failed,
    }


@feeds.command("list")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per feed.")
@common.db_option
@click.pass_context
def feeds_list(ctx: click.Context, as_json: bool) -> None:
    """Subscribed feeds and their health: last poll, last success, last error, items seen."""
    with common.store_of(ctx) as store:
        found = store.feeds()
    if as_json:
        for feed in found:
            click.echo(json.dumps(_feed_dict(feed), ensure_ascii=False))
        return
    if not found:
        click.echo("no feeds: add one with `headcount feeds add URL`")
        return
    now = datetime.now(timezone.utc)
    for feed in found:
        click.echo(f"{feed.id}  {feed.url}" + (f"  ({feed.title})" if feed.title else ""))
        health = (
            f"    polled {_ago(feed.last_polled, now)}, last success "
            f"{_ago(feed.last_success, now)}, {feed.items_seen} items seen"
        )
        if feed.items_pending:
            health += f", {feed.items_pending} pending"
        if feed.items_failed:
            health += f", {feed.items_failed} failed"
        click.echo(health)
        if feed.last_error and (feed.errors or feed.last_success is None):
            click.echo(
                f"    last error {_ago(feed.last_error_at, now)} "
                f"({feed.errors} in a row): {feed.last_error}"
            )
        if feed.next_poll:
            click.echo(f"    next poll {_ago(feed.next_poll, now)}")


@feeds.command("remove")
@click.argument("feeds_", metavar="ID_OR_URL...", nargs=-1, required=True)
@common.db_option
@click.pass_context
def feeds_remove(ctx: click.Context, feeds_: tuple[str, ...]) -> None:
    """Unsubscribe from feeds; the articles and claims they brought in stay."""
    missing = []
    with common.store_of(ctx) as store:
        for item in feeds_:
            if store.remove_feed(item):
                click.echo(f"removed {item}")
            else:
                missing.append(item)
    if missing:
        raise click.ClickException(f"no such feed: {', '.join(missing)}")


# --- watch ---------------------------------------------------------------------------------


def _print_round(report: PollReport) -> None:
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
    for outcome in report.feeds:
        if outcome.status == "waiting" and not (outcome.stored or outcome.item_errors):
            continue
        click.echo(f"{stamp} {outcome.summary()}", err=True)
        for error in outcome.item_errors:
            click.echo(f"{stamp}   article failed: {error}", err=True)
    if report.resolved:
        click.echo(f"{stamp} {report.resolved}", err=True)


@click.command("watch")
@_number("--interval", click.FloatRange(min=1), 900.0, "Seconds between two polls of one feed.")
@click.option("--once", is_flag=True, help="Poll every due feed once, then stop.")
@_number("--timeout", _SECONDS, 10.0, "Network timeout in seconds, for feeds and articles.")
@_number("--deadline", _SECONDS, None, _DEADLINE_HELP)
@_number("--concurrency", _COUNT, 4, "Feeds fetched at once (a slow feed holds up only its own).")
@click.option(
    "--allow-private-urls",
    is_flag=True,
    help="Also fetch loopback and private addresses (an intranet's feeds); "
    f"also {ALLOW_PRIVATE_ENV}=1. Off by default.",
)
@_number("--max-bytes", _COUNT, 10_000_000, "Largest feed or article accepted.")
@_resolve_option("Place new claims into events after each round.")
@common.db_option
@click.pass_context
def watch_command(
    ctx: click.Context,
    interval: float,
    once: bool,
    timeout: float,
    deadline: float | None,
    concurrency: int,
    allow_private_urls: bool,
    max_bytes: int,
    resolve: bool,
) -> None:
    """Follow the subscribed feeds: store each new article and its claims.

    Stop it at any moment (Ctrl-C, SIGTERM): the next start goes on where it stopped, and
    nothing is added twice.
    """
    options = WatchOptions(
        interval=interval,
        max_backoff=max(interval, 6 * 3600.0),
        fetch_timeout=timeout,
        fetch_deadline=common.checked_settings().fetch_deadline if deadline is None else deadline,
        concurrency=concurrency,
        # Without the flag the environment still decides, as it does for `ingest`.
        allow_private=True if allow_private_urls else None,
        max_bytes=max_bytes,
    )
    with common.store_of(ctx) as store:
        if not store.feeds():
            raise click.ClickException("no feeds to watch: add one with `headcount feeds add URL`")
        stopper = Stopper()
        watch(
            store,
            options=options,
            rounds=1 if once else None,
            tick=min(interval, 30.0),
            on_round=_print_round,
            resolver=resolve_events if resolve else None,
            stopper=stopper,
        )
        if stopper():
            click.echo("stopped; `headcount watch` goes on from here next time", err=True)


# --- batch ---------------------------------------------------------------------------------


class _Progress:
    """A tqdm bar counting documents (documents/s, MB/s, claims), or nothing."""

    def __init__(self, enabled: bool) -> None:
        self._bar: Any = None
        self._bytes = 0
        self._claims = 0
        if not enabled:
            return
        try:
            from tqdm import tqdm
        except ImportError:
            return
        tqdm.monitor_interval = 0  # no monitor thread: worker processes are started later
        self._bar = tqdm(
            unit=" docs",
            unit_scale=True,
            file=sys.stderr,
            dynamic_ncols=True,
            smoothing=0.1,
            desc="batch",
        )

    def __call__(self, result: TaskResult) -> None:
        if self._bar is None:
            return
        self._bytes += result.text_bytes
        self._claims += result.claims
        elapsed = self._bar.format_dict.get("elapsed") or 0.0
        rate = self._bytes / 1e6 / elapsed if elapsed > 0 else 0.0
        self._bar.set_postfix_str(f"{rate:.1f} MB/s, {self._claims} claims", refresh=False)
        self._bar.update(result.documents)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


@contextmanager
def _sigterm_interrupts() -> Iterator[None]:
    """SIGTERM stops a batch as Ctrl-C does: cleanly, resumable."""

    def handle(_signum: int, _frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, handle)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _print_batch(report: BatchReport, target: str, problems_file: str | None) -> None:
    def echo(text: str) -> None:
        click.echo(text, err=True)

    for problem in report.problems[:SHOWN_PROBLEMS]:
        echo(f"skipped {problem}")
    if report.problem_count > SHOWN_PROBLEMS:
        kinds = ", ".join(f"{n} x {kind}" for kind, n in report.problem_kinds.most_common(5))
        echo(
            f"... {report.problem_count - SHOWN_PROBLEMS} more problems ({kinds})"
            + (f"; all in {problems_file}" if problems_file else "")
        )
    if report.tasks_skipped:
        echo(f"resumed: {report.tasks_skipped} tasks done by an earlier run were not repeated")
    echo(
        f"{report.documents} documents in {report.seconds:.1f} s "
        f"({report.docs_per_second:,.0f} documents/s, {report.mb_per_second:.2f} MB/s, "
        f"{report.workers} {report.engine} workers); prefilter passed "
        f"{report.passed_prefilter} ({report.prefilter_share:.1%}); {report.claims} claims in "
        f"{report.documents_with_claims} documents; {report.problem_count} failed -> {target}"
    )
    if report.tasks_skipped or report.already_complete:
        echo(f"whole run: {report.total_documents} documents, {report.total_claims} claims")


@click.command("batch")
@click.argument("inputs", nargs=-1, required=True)
@click.option(
    "--out",
    "out",
    default=None,
    help="A database (file, sqlite:///, postgresql://) or a Parquet directory "
    "(a name ending in / or .parquet, or an existing directory); "
    "default: the --db database.",
)
@_number("--workers", _COUNT, None, "Worker processes (default: every core).")
@click.option(
    "--engine",
    type=click.Choice(["local", "ray"]),
    default="local",
    show_default=True,
    help="Local processes, or Ray Data (needs headcount[ray]).",
)
@click.option("--ray-address", default=None, help="A Ray cluster to run on (default: a local one).")
@common.published_option
@_number(
    "--task-size", _COUNT, TASK_SIZE, "Documents per task (changing it starts the run afresh)."
)
@click.option(
    "--progress/--no-progress",
    default=None,
    help="Progress bar on stderr (default: when stderr is a terminal).",
)
@click.option(
    "--problems",
    "problems_file",
    type=click.Path(dir_okay=False),
    help="Also write every problem to this file, as JSON Lines.",
)
@_resolve_option("Place the new claims into events (database output).")
@common.db_option
@click.pass_context
def batch_command(
    ctx: click.Context,
    inputs: tuple[str, ...],
    out: str | None,
    workers: int | None,
    engine: str,
    ray_address: str | None,
    published: date | None,
    task_size: int,
    progress: bool | None,
    problems_file: str | None,
    resolve: bool,
) -> None:
    """Run the pipeline over large corpora: JSONL(.gz), CSV(.gz), WARC(.gz), other files,
    directories and globs. Resumable: run the same command again after a stop."""
    out = out or common.db_of(ctx)
    workers = workers or default_workers()
    if engine == "ray" and importlib.util.find_spec("ray") is None:
        raise click.ClickException("the Ray engine needs Ray: pip install 'headcount[ray]'")
    parquet = is_parquet_target(out)
    store = None if parquet else common.open_or_fail(out)

    def sink_for(run_id: str) -> Sink:
        if store is None:
            try:
                return ParquetSink(out, run_id)
            except RuntimeError as exc:
                raise click.ClickException(str(exc)) from None
        return DatabaseSink(store, run_id, json.dumps(list(inputs)), out)

    bar = _Progress(sys.stderr.isatty() if progress is None else progress)
    with contextlib.ExitStack() as stack:
        problems_out = (
            stack.enter_context(open(problems_file, "a", encoding="utf-8"))
            if problems_file
            else None
        )

        def on_result(result: TaskResult) -> None:
            bar(result)
            if problems_out is not None:
                for problem in result.problems:
                    record = {"origin": problem.origin, "reason": problem.reason}
                    problems_out.write(json.dumps(record, ensure_ascii=False) + "\n")

        try:
            with _sigterm_interrupts():
                report = run_batch(
                    inputs,
                    sink_for,
                    engine=engine,  # type: ignore[arg-type]
                    workers=workers,
                    published=published,
                    task_size=task_size,
                    ray_address=ray_address,
                    on_result=on_result,
                )
        except RuntimeError as exc:  # a missing extra (Ray), a worker process that died
            if store is not None:
                store.close()
            raise click.ClickException(f"{exc} (run the same command again to resume)") from None
        finally:
            bar.close()
    target = f"{out.rstrip('/')}/ (Parquet)" if parquet else common.redacted(out)
    if report.already_complete:
        click.echo(f"already complete: this run's output is in {target}", err=True)
    _print_batch(report, target, problems_file)
    if store is not None:
        try:
            if resolve and report.claims and not report.interrupted:
                click.echo(resolve_events(store) or "", err=True)
        finally:
            store.close()
    if report.interrupted:
        click.echo("stopped; run the same command again to resume", err=True)
        sys.exit(130)
    sys.exit(1 if report.problem_count else 0)
