"""The `headcount` command: each sub-command is a thin layer over one library function."""

from __future__ import annotations

import json
import os
import re
import sys
from datetime import date

import click

from headcount.evaluate.report import check_floors, evaluate, format_report, to_json
from headcount.ingest import RunReport, extract_inputs, import_file, ingest_inputs, sample_paths
from headcount.store import Store, open_store
from headcount.store.export import format_table, mentions_to_csv, mentions_to_jsonl

DEFAULT_DB = "headcount.db"


def _parse_date(_ctx: click.Context, _param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)") from None


def _report_problems(report: RunReport) -> None:
    for problem in report.problems:
        click.echo(f"skipped {problem}", err=True)
    for note in report.skipped:
        click.echo(f"not extracted {note}", err=True)


@click.group()
@click.option("--db", envvar="HEADCOUNT_DB", default=DEFAULT_DB, show_default=True,
              help="SQLite file, sqlite:/// or postgresql:// URL; also HEADCOUNT_DB.")
@click.version_option(package_name="headcount")
@click.pass_context
def main(ctx: click.Context, db: str) -> None:
    """headcount: a ledger of layoffs that builds itself from the news."""
    ctx.obj = {"db": db}


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--published", callback=_parse_date, help="Publication date for inputs without one (YYYY-MM-DD).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per claim.")
def extract(paths: tuple[str, ...], published: date | None, as_json: bool) -> None:
    """Print the layoff claims in files, directories, globs, URLs or - (stdin); stores nothing."""
    report = RunReport()
    mentions = []
    for extraction in extract_inputs(paths, published, report):
        if as_json:
            for m in extraction.mentions:
                click.echo(json.dumps(m.to_dict(), ensure_ascii=False))
        else:
            mentions.extend(extraction.mentions)
    if not as_json:
        click.echo(format_table(mentions) if mentions else "no layoff claims found")
    _report_problems(report)
    click.echo(f"{report.documents} documents, {report.claims} claims, {len(report.problems)} failed", err=True)
    sys.exit(1 if report.problems else 0)


@main.command()
@click.argument("paths", nargs=-1)
@click.option("--published", callback=_parse_date, help="Publication date for inputs without one (YYYY-MM-DD).")
@click.option("--sample", is_flag=True, help="Ingest the sample articles bundled with headcount.")
@click.pass_context
def ingest(ctx: click.Context, paths: tuple[str, ...], published: date | None, sample: bool) -> None:
    """Store documents and their claims; running the same input twice adds nothing twice."""
    inputs = list(paths) + (sample_paths() if sample else [])
    if not inputs:
        raise click.UsageError("give PATHs or URLs to ingest, or --sample")
    with _open(ctx.obj["db"]) as store:
        report = ingest_inputs(store, inputs, published)
    _report_problems(report)
    click.echo(
        f"{report.documents} documents read ({report.new_documents} new), "
        f"{report.claims} claims ({report.new_claims} new), {len(report.problems)} failed "
        f"-> {_redacted(ctx.obj['db'])}",
        err=True,
    )
    sys.exit(1 if report.problems else 0)


@main.command(name="import")
@click.argument("kind", type=click.Choice(["layoffs-fyi", "warn"]))
@click.argument("files", nargs=-1, required=True)
@click.pass_context
def import_command(ctx: click.Context, kind: str, files: tuple[str, ...]) -> None:
    """Import layoffs.fyi-style tables or WARN notices; bad rows are reported and skipped."""
    failed = False
    with _open(ctx.obj["db"]) as store:
        for path in files:
            report = import_file(store, kind, path)  # type: ignore[arg-type]
            for error in report.row_errors:
                click.echo(f"skipped {error}", err=True)
            click.echo(
                f"{path}: {report.rows} rows, {report.new_documents} new documents, "
                f"{report.new_claims} new claims, {len(report.row_errors)} row errors",
                err=True,
            )
            failed = failed or report.file_failed
    sys.exit(1 if failed else 0)


@main.command()
@click.option("--company", help="Employer name (case-insensitive, also matches parent).")
@click.option("--kind", type=click.Choice(["new", "past", "cumulative", "aggregate", "planned", "rumor", "denied"]))
@click.option("--since", help="From this date (YYYY, YYYY-MM or YYYY-MM-DD).")
@click.option("--until", help="Up to this date (YYYY, YYYY-MM or YYYY-MM-DD).")
@click.option("--limit", type=click.IntRange(min=1))
@click.option("--json", "as_json", is_flag=True, help="JSON Lines, one claim per line.")
@click.option("--csv", "as_csv", is_flag=True, help="CSV with a header row.")
@click.pass_context
def claims(ctx: click.Context, company: str | None, kind: str | None, since: str | None,
           until: str | None, limit: int | None, as_json: bool, as_csv: bool) -> None:
    """List stored claims."""
    if as_json and as_csv:
        raise click.UsageError("choose one of --json and --csv")
    if not _db_exists(ctx.obj["db"]):
        raise click.ClickException(f"no database at {ctx.obj['db']}: run `headcount ingest` first")
    with _open(ctx.obj["db"]) as store:
        try:
            found = store.claims(company=company, kind=kind, since=since, until=until, limit=limit)
        except ValueError as exc:
            raise click.BadParameter(str(exc)) from None
    if as_json:
        mentions_to_jsonl(found, sys.stdout)
    elif as_csv:
        mentions_to_csv(found, sys.stdout)
    else:
        click.echo(format_table(found) if found else "no claims match")


def _open(db: str) -> Store:
    """The store, or a one-line error instead of a traceback when it cannot be opened."""
    try:
        return open_store(db)
    except (ImportError, ValueError, OSError) as exc:
        raise click.ClickException(f"cannot open {_redacted(db)}: {exc}") from None
    except Exception as exc:  # driver errors (psycopg.OperationalError) have no common base
        raise click.ClickException(f"cannot open {_redacted(db)}: {type(exc).__name__}: {exc}") from None


def _redacted(db: str) -> str:
    """A database URL fit to print: any password replaced."""
    return re.sub(r"(://[^:/@]+:)[^@]*@", r"\1***@", db)


def _db_exists(db: str) -> bool:
    path = db.removeprefix("sqlite:///")
    return "://" in path or os.path.exists(path)


@main.command(name="eval")
@click.argument("gold", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Figures as JSON.")
@click.option("--floors", type=click.Path(exists=True, dir_okay=False),
              help="Fail (exit 1) when a figure is below its floor in this JSON file.")
@click.option("--quiet", is_flag=True, help="Figures only, without misses and false positives.")
def eval_command(gold: tuple[str, ...], as_json: bool, floors: str | None, quiet: bool) -> None:
    """Score extraction against gold files (precision, recall, F1, field agreement)."""
    ev = evaluate(list(gold))
    click.echo(to_json(ev) if as_json else format_report(ev, show_errors=not quiet))
    if floors:
        failures = check_floors(ev, floors)
        for failure in failures:
            click.echo(f"below floor: {failure}", err=True)
        if failures:
            sys.exit(1)


if __name__ == "__main__":
    main()
