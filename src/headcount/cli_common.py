"""What the sub-commands of `headcount` share: the `--db` option (taken before or after a
sub-command's name), the settings check, opening the store with a one-line error, dates."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import TypeVar

import click

from headcount.settings import DEFAULTS, Settings, SettingsError, current, env_name
from headcount.store import Store, open_store

F = TypeVar("F", bound=Callable[..., object])

DB_HELP = (
    f"SQLite file, sqlite:/// or postgresql:// URL (default: {env_name('db')}, else {DEFAULTS.db})."
)


def _remember_db(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    # The context object is shared from the `headcount` group down, so a --db given after a
    # sub-command's name is seen by it as one given before is; the nearest one wins.
    if value is not None:
        ctx.ensure_object(dict)["db"] = value


def db_option(command: F) -> F:
    """`--db PATH` on a command or group: `headcount events --db x.db` is
    `headcount --db x.db events`."""
    return click.option(
        "--db",
        metavar="PATH",
        default=None,
        expose_value=False,
        callback=_remember_db,
        help=DB_HELP,
    )(command)


def db_of(ctx: click.Context) -> str:
    """The database a command works on: the nearest --db, else the HEADCOUNT_DB setting."""
    obj = ctx.find_object(dict) or {}
    return str(obj.get("db") or checked_settings().db)


def checked_settings() -> Settings:
    """The settings, or a usage error (exit 2) naming the variable whose value is not taken."""
    try:
        return current()
    except SettingsError as exc:
        raise click.UsageError(str(exc)) from None


def redacted(db: str) -> str:
    """A database URL fit to print: any password replaced."""
    return re.sub(r"(://[^:/@]+:)[^@]*@", r"\1***@", db)


def open_or_fail(db: str) -> Store:
    """The store, or a one-line error instead of a traceback when it cannot be opened."""
    try:
        return open_store(db)
    except (ImportError, ValueError, OSError) as exc:
        raise click.ClickException(f"cannot open {redacted(db)}: {exc}") from None
    except Exception as exc:  # driver errors (psycopg.OperationalError) have no common base
        raise click.ClickException(
            f"cannot open {redacted(db)}: {type(exc).__name__}: {exc}"
        ) from None


def store_of(ctx: click.Context) -> Store:
    """The store of the database a command works on (db_of), or a one-line error."""
    return open_or_fail(db_of(ctx))


def parse_date(_ctx: click.Context, _param: click.Parameter, value: str | None) -> date | None:
    """A --published YYYY-MM-DD option's value, or a usage error."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)") from None


def published_option(command: F) -> F:
    """`--published YYYY-MM-DD`: the date of inputs that carry none."""
    return click.option(
        "--published",
        callback=parse_date,
        help="Publication date for inputs without one (YYYY-MM-DD).",
    )(command)
