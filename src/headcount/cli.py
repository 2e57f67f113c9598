"""The `headcount` command: each sub-command is a thin layer over one library function."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from datetime import date
from typing import TextIO, TypeVar

import click

from headcount.cli_common import (
    checked_settings,
    db_of,
    db_option,
    open_or_fail,
    published_option,
    redacted,
)
from headcount.cli_model import eval_command, train_command
from headcount.cli_scale import batch_command, feeds, watch_command
from headcount.evaluate.report import DEFAULT_THRESHOLD
from headcount.extract.pipeline import DEFAULT_EXTRACTOR, EXTRACTOR_SETTING, EXTRACTORS
from headcount.ingest import RunReport, extract_inputs, import_file, ingest_inputs, sample_paths
from headcount.model import KINDS, Event
from headcount.present.claims import format_table, mentions_to_csv, mentions_to_jsonl
from headcount.present.events import (
    detail_record,
    events_to_csv,
    events_to_jsonl,
    format_event_detail,
    format_events,
)
from headcount.resolve import resolve as resolve_claims
from headcount.resolve.suggest import nearest_companies
from headcount.settings import DEFAULTS, env_name
from headcount.store import Store
from headcount.store.event_index import CONFIDENCE_SETTING, EventFilter, confidence_threshold


def _report_problems(report: RunReport) -> None:
    for problem in report.problems:
        click.echo(f"skipped {problem}", err=True)
    for note in report.skipped:
        click.echo(f"not extracted {note}", err=True)
    for note in report.partly:
        click.echo(f"partly extracted {note}", err=True)


@click.group()
@db_option
@click.option(
    "--extractor",
    type=click.Choice(list(EXTRACTORS)),
    default=None,
    help=f"Which extractor reads documents (default: {DEFAULT_EXTRACTOR}); also "
    f"{EXTRACTOR_SETTING}.",
)
@click.version_option(package_name="headcount")
@click.pass_context
def main(ctx: click.Context, extractor: str | None) -> None:
    """headcount: a ledger of layoffs that builds itself from the news.

    Every command that reads or writes the ledger takes --db, before or after its name.
    Settings come from HEADCOUNT_* environment variables (README, "Configuration")."""
    ctx.ensure_object(dict)
    checked_settings()  # a setting with a value it does not take is one line, exit 2
    if extractor:
        # A setting of the process, so that feed rounds and bulk workers read the same way.
        os.environ[EXTRACTOR_SETTING] = extractor


def _threshold() -> float:
    """The confidence threshold setting, or a one-line error when it is not a number in [0, 1]."""
    try:
        return confidence_threshold()
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None


_ALL_HELP = (
    f"Also claims below the confidence threshold ({CONFIDENCE_SETTING}, default "
    f"{DEFAULT_THRESHOLD:g}), with a confidence column."
)


@main.command()
@click.argument("paths", nargs=-1, required=True)
@published_option
@click.option(
    "--json", "as_json", is_flag=True, help="One JSON object per claim (with its confidence)."
)
@click.option("--all", "show_all", is_flag=True, help=_ALL_HELP)
def extract(paths: tuple[str, ...], published: date | None, as_json: bool, show_all: bool) -> None:
    """Print the layoff claims in files, directories, globs, URLs or - (stdin); stores nothing.
    Claims below the confidence threshold are left out unless --all."""
    threshold = None if show_all else _threshold()
    report = RunReport()
    mentions = []
    below = 0
    for extraction in extract_inputs(paths, published, report):
        # The extractor reads prose: none of these claims is a record, so confidence decides.
        shown = [m for m in extraction.mentions if threshold is None or m.confidence >= threshold]
        below += len(extraction.mentions) - len(shown)
        if as_json:
            for m in shown:
                click.echo(json.dumps(m.to_dict(), ensure_ascii=False))
        else:
            mentions.extend(shown)
    if not as_json:
        click.echo(
            format_table(mentions, confidence=show_all) if mentions else "no layoff claims found"
        )
    _report_problems(report)
    hidden = (
        f" ({below} below confidence {threshold:g} not shown; --all shows them)" if below else ""
    )
    click.echo(
        f"{report.documents} documents, {report.claims} claims{hidden}, {len(report.problems)} failed",
        err=True,
    )
    sys.exit(1 if report.problems else 0)


@main.command()
@click.argument("paths", nargs=-1)
@published_option
@db_option
@click.option("--sample", is_flag=True, help="Ingest the sample articles bundled with headcount.")
@click.pass_context
def ingest(
    ctx: click.Context, paths: tuple[str, ...], published: date | None, sample: bool
) -> None:
    """Store documents and their claims; running the same input twice adds nothing twice."""
    inputs = list(paths) + (sample_paths() if sample else [])
    if not inputs:
        raise click.UsageError("give PATHs or URLs to ingest, or --sample")
    db = db_of(ctx)
    with open_or_fail(db) as store:
        report = ingest_inputs(store, inputs, published)
        _report_problems(report)
        click.echo(
            f"{report.documents} documents read ({report.new_documents} new), "
            f"{report.claims} claims ({report.new_claims} new), {len(report.problems)} failed "
            f"-> {redacted(db)}",
            err=True,
        )
        click.echo(resolve_claims(store).summary(), err=True)
    sys.exit(1 if report.problems else 0)


@main.command(name="import")
@click.argument("kind", type=click.Choice(["layoffs-fyi", "warn"]))
@click.argument("files", nargs=-1, required=True)
@db_option
@click.pass_context
def import_command(ctx: click.Context, kind: str, files: tuple[str, ...]) -> None:
    """Import layoffs.fyi-style tables or WARN notices; bad rows are reported and skipped."""
    failed = False
    with open_or_fail(db_of(ctx)) as store:
        for path in files:
            report = import_file(store, kind, path)  # type: ignore[arg-type]
            for error in report.row_errors:
                click.echo(f"skipped {error}", err=True)
            # Rows left out on purpose are one count, not a line each: they are not errors.
            on_purpose = report.skipped_summary()
            click.echo(
                f"{path}: {report.rows} rows, {report.new_documents} new documents, "
                f"{report.new_claims} new claims, {len(report.row_errors)} row errors"
                + (f"; {on_purpose}" if on_purpose else ""),
                err=True,
            )
            failed = failed or report.file_failed
        click.echo(resolve_claims(store).summary(), err=True)
    sys.exit(1 if failed else 0)


@main.command()
@click.option("--company", help="Employer name (case-insensitive, also matches parent).")
@click.option(
    "--kind",
    type=click.Choice(list(KINDS)),
)
@click.option("--since", help="From this date (YYYY, YYYY-MM or YYYY-MM-DD).")
@click.option("--until", help="Up to this date (YYYY, YYYY-MM or YYYY-MM-DD).")
@click.option("--limit", type=click.IntRange(min=1))
@click.option("--json", "as_json", is_flag=True, help="JSON Lines, one claim per line.")
@click.option("--csv", "as_csv", is_flag=True, help="CSV with a header row.")
@click.option(
    "--all",
    "show_all",
    is_flag=True,
    help=_ALL_HELP + " Claims of records (WARN, tables) are always listed.",
)
@db_option
@click.pass_context
def claims(
    ctx: click.Context,
    company: str | None,
    kind: str | None,
    since: str | None,
    until: str | None,
    limit: int | None,
    as_json: bool,
    as_csv: bool,
    show_all: bool,
) -> None:
    """List stored claims: records' and those at or above the confidence threshold, or all
    with --all."""
    threshold = None if show_all else _threshold()
    _list(
        ctx,
        lambda store: store.claims(
            company=company,
            kind=kind,
            since=since,
            until=until,
            limit=limit,
            min_confidence=threshold,
        ),
        mentions_to_jsonl if as_json else mentions_to_csv if as_csv else None,
        lambda found: format_table(found, confidence=show_all) if found else "no claims match",
        as_json and as_csv,
    )


@main.command()
@db_option
@click.pass_context
def resolve(ctx: click.Context) -> None:
    """Merge stored claims no run has placed yet into events (ingest and import run this too)."""
    with open_or_fail(db_of(ctx)) as store:
        click.echo(resolve_claims(store).summary())


@main.command()
@click.option(
    "--company",
    help="Words each starting a word of the company's name, its owner's or an alias, as the "
    "tracker's company filter (web and API) means them; none alike offers the nearest names.",
)
@click.option("--since", help="From this date (YYYY, YYYY-MM or YYYY-MM-DD).")
@click.option("--until", help="Up to this date (YYYY, YYYY-MM or YYYY-MM-DD).")
@click.option("--limit", type=click.IntRange(min=1))
@click.option("--all", "include_superseded", is_flag=True, help="Include superseded events.")
@click.option("--json", "as_json", is_flag=True, help="JSON Lines, one event per line.")
@click.option("--csv", "as_csv", is_flag=True, help="CSV with a header row.")
@db_option
@click.pass_context
def events(
    ctx: click.Context,
    company: str | None,
    since: str | None,
    until: str | None,
    limit: int | None,
    include_superseded: bool,
    as_json: bool,
    as_csv: bool,
) -> None:
    """List events: one per real-world layoff, merged from every source that told it."""
    nearest: list[tuple[str, str]] = []

    def found(store: Store) -> list[Event]:
        if company is None or include_superseded:
            return store.events(
                company=company,
                since=since,
                until=until,
                limit=limit,
                include_superseded=include_superseded,
            )
        # The tracker's company filter, so that a name finds here what it finds on the web and
        # in the API (every event, confirmed or not, as this command lists them).
        store.refresh_event_index()
        f = EventFilter(company=company, since=since, until=until, min_confidence=None)
        listed = [event for event, _, _ in store.find_events(f, "-date", 0, limit)]
        if not listed:
            _, companies = store.company_summaries(EventFilter(min_confidence=None), 0, 100_000)
            nearest.extend(nearest_companies(company, ((c[0], c[1] or c[0]) for c in companies)))
        return listed

    def table(listed: list[Event]) -> str:
        if listed:
            return format_events(listed)
        names = [name for _, name in nearest]
        offer = " or ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)
        return "no events match" + (f"; did you mean {offer}?" if offer else "")

    _list(
        ctx,
        found,
        events_to_jsonl if as_json else events_to_csv if as_csv else None,
        table,
        as_json and as_csv,
    )


@main.command()
@click.argument("event_id")
@click.option("--json", "as_json", is_flag=True, help="One JSON object with sources and changes.")
@db_option
@click.pass_context
def event(ctx: click.Context, event_id: str, as_json: bool) -> None:
    """Show one event with all its sources, their sentences, and its change history."""
    _require_db(ctx)
    with open_or_fail(db_of(ctx)) as store:
        detail = store.event_detail(event_id)
    if detail is None:
        raise click.ClickException(f"no event {event_id}")
    if as_json:
        click.echo(json.dumps(detail_record(detail), ensure_ascii=False, indent=2))
    else:
        click.echo(format_event_detail(detail))


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(min=1),
    help="Server processes (each with its own connections and its own cache).",
)
@click.option(
    "--token",
    default=None,
    help=f"Token that writes (POST /api/ingest) must present (default: {env_name('token')}).",
)
@click.option(
    "--cache-size",
    type=click.IntRange(min=0),
    default=None,
    help="Answers each worker keeps until the events change, 0 for none "
    f"(default: {env_name('cache_size')}, else {DEFAULTS.cache_size}).",
)
@db_option
@click.pass_context
def serve(
    ctx: click.Context,
    host: str,
    port: int,
    workers: int,
    token: str | None,
    cache_size: int | None,
) -> None:
    """Serve the web tracker and JSON API of the database (reading is public)."""
    import uvicorn

    from headcount.web.app import app_from_env

    db = db_of(ctx)
    if not _db_exists(db):
        raise click.ClickException(f"no database at {db}: run `headcount ingest` or `import` first")
    open_or_fail(db).close()  # a bad URL or an unreachable server is one line, not a traceback
    click.echo(f"serving {redacted(db)} at http://{host}:{port}/", err=True)
    # Every worker process builds its own app from the settings in the environment it
    # inherits, so what the options say goes there; one worker is built the same way, so
    # no setting can reach one worker count and not another.
    given = {"db": db, "token": token, "cache_size": cache_size}
    for name, value in given.items():
        if value is not None:
            os.environ[env_name(name)] = str(value)
    uvicorn.run(
        f"{app_from_env.__module__}:{app_from_env.__name__}",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
    )


T = TypeVar("T")


def _list(
    ctx: click.Context,
    query: Callable[[Store], list[T]],
    write: Callable[[list[T], TextIO], object] | None,
    table: Callable[[list[T]], str],
    both_formats: bool,
) -> None:
    """What a listing command does: check, ask the store, then print what it found as JSON
    Lines or CSV (`write`) or as a table; a question the store refuses is a usage error."""
    if both_formats:
        raise click.UsageError("choose one of --json and --csv")
    _require_db(ctx)
    with open_or_fail(db_of(ctx)) as store:
        try:
            found = query(store)
        except ValueError as exc:
            raise click.BadParameter(str(exc)) from None
    if write is None:
        click.echo(table(found))
    else:
        write(found, sys.stdout)


def _require_db(ctx: click.Context) -> None:
    if not _db_exists(db_of(ctx)):
        raise click.ClickException(f"no database at {db_of(ctx)}: run `headcount ingest` first")


def _db_exists(db: str) -> bool:
    path = db.removeprefix("sqlite:///")
    return "://" in path or os.path.exists(path)


# Feed watching and bulk runs live in their own module; they are sub-commands all the same.
main.add_command(feeds)
main.add_command(watch_command)
main.add_command(batch_command)
main.add_command(train_command)
main.add_command(eval_command)


if __name__ == "__main__":
    main()
