"""The documentation written from the code (docs/cli.md, the README's settings table) is the
one the code writes now; `make docs` rewrites it. Nothing is written into the tree here."""

from __future__ import annotations

import re
from dataclasses import fields
from pathlib import Path

import pytest
from click.testing import CliRunner

from headcount.cli import main
from headcount.docs import CLI_REFERENCE, README, cli_reference, readme_with_settings, write_docs
from headcount.settings import Settings

ROOT = Path(__file__).resolve().parents[1]


def test_the_cli_reference_is_not_stale() -> None:
    committed = (ROOT / CLI_REFERENCE).read_text(encoding="utf-8")
    assert committed == cli_reference(), "docs/cli.md is stale: run `make docs`"


def test_the_reference_holds_every_command_and_option() -> None:
    text = cli_reference()
    for name in ("ingest", "events", "serve", "feeds add", "feeds list", "watch", "batch"):
        assert f"## `headcount {name}`" in text
    assert "--cache-size" in text and "--db PATH" in text
    # It is what `--help` prints.
    printed = CliRunner().invoke(
        main,
        ["feeds", "add", "--help"],
        prog_name="headcount",
        terminal_width=100,
        max_content_width=100,
    )
    assert printed.exit_code == 0 and f"```text\n{printed.output.rstrip()}\n```" in text


def test_the_readme_settings_table_is_the_settings() -> None:
    readme = (ROOT / README).read_text(encoding="utf-8")
    assert readme == readme_with_settings(readme), "the README's settings are stale: `make docs`"
    listed = set(re.findall(r"^\| `(HEADCOUNT_[A-Z_]+)` \|", readme, re.MULTILINE))
    assert listed == {f.metadata["env"] for f in fields(Settings)}


def test_docs_are_written_where_asked(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text(
        "# x\n\n<!-- settings table: written by `make docs` from headcount.settings -->\nold\n"
        "<!-- end of settings table -->\n",
        encoding="utf-8",
    )
    assert sorted(p.name for p in write_docs(tmp_path)) == ["README.md", "cli.md"]
    assert "HEADCOUNT_CACHE_SIZE" in (tmp_path / "README.md").read_text(encoding="utf-8")
    assert write_docs(tmp_path) == []  # a second run changes nothing
    with pytest.raises(ValueError, match="no settings table"):
        readme_with_settings("# a README without the table\n")
