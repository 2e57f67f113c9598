"""Documentation written from the code itself, so it cannot drift from it: the command-line
reference (docs/cli.md) from every command's own help, and the README's table of settings
from `headcount.settings`.

`python -m headcount.docs [ROOT]` (`make docs`) rewrites both in the checkout at ROOT (default:
the current directory); tests/test_docs.py builds them in memory and fails when a committed
copy is stale.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import click

from headcount.cli import main as headcount_command
from headcount.settings import settings_table

CLI_REFERENCE = Path("docs") / "cli.md"
README = Path("README.md")
# The README's settings table sits between these two lines; the rest of the README is prose.
TABLE_START = "<!-- settings table: written by `make docs` from headcount.settings -->"
TABLE_END = "<!-- end of settings table -->"
# Help is wrapped to the terminal's width unless told: a fixed one gives the same file anywhere.
_WIDTH = 100


def _help_texts(
    command: click.Command, name: str, parent: click.Context | None
) -> Iterator[tuple[str, str]]:
    """(full command name, help text) of `command` and of every sub-command below it."""
    ctx = click.Context(
        command, info_name=name, parent=parent, terminal_width=_WIDTH, max_content_width=_WIDTH
    )
    with ctx:
        full_name = ctx.command_path
        yield full_name, command.get_help(ctx)
        if isinstance(command, click.Group):
            for sub_name in command.list_commands(ctx):
                sub = command.get_command(ctx, sub_name)
                if sub is not None and not sub.hidden:
                    yield from _help_texts(sub, sub_name, ctx)


def cli_reference() -> str:
    """docs/cli.md: every command's and sub-command's help, as `--help` prints it."""
    parts = [
        "# Command-line reference",
        "",
        "Every command and sub-command of `headcount`, with the help it prints for `--help`. "
        "Written by `make docs` (`python -m headcount.docs`) from the commands themselves; "
        "`tests/test_docs.py` fails when this file is stale, so edit the commands' help, "
        "not this file. Settings read from the environment are in the README's "
        "[configuration](../README.md#configuration) table.",
    ]
    for full_name, text in _help_texts(headcount_command, "headcount", None):
        parts += ["", f"## `{full_name}`", "", "```text", text.rstrip(), "```"]
    return "\n".join(parts) + "\n"


def readme_with_settings(readme: str) -> str:
    """The README with its settings table replaced by the one the settings give."""
    start = readme.find(TABLE_START)
    end = readme.find(TABLE_END)
    if start < 0 or end < start:
        raise ValueError(
            f"the README has no settings table between {TABLE_START!r} and {TABLE_END!r}"
        )
    head = readme[: start + len(TABLE_START)]
    return f"{head}\n{settings_table()}\n{readme[end:]}"


def write_docs(root: Path) -> list[Path]:
    """Rewrite the generated documentation under `root`; returns the files that changed."""
    wanted = {
        root / CLI_REFERENCE: cli_reference(),
        root / README: readme_with_settings((root / README).read_text(encoding="utf-8")),
    }
    changed = []
    for path, text in wanted.items():
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            changed.append(path)
    return changed


if __name__ == "__main__":
    for written in write_docs(Path(sys.argv[1] if len(sys.argv) > 1 else ".")):
        print(f"wrote {written}")
