"""`headcount train`: the learned extractor's models, rebuilt from the gold files."""

from __future__ import annotations

from pathlib import Path

import click

from headcount.learn.training import DEFAULT_GOLD, package_data_dir, train_from_gold


@click.command(name="train")
@click.option(
    "--shared",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=Path("../shared"),
    show_default=True,
    help="The shared folder: gold files in eval/, trackers' tables in data/.",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where to write the model and gazetteer (default: the package's extract/data/).",
)
def train_command(shared: Path, out: Path | None) -> None:
    """Train the extraction model from the gold files, deterministically (same gold, same
    model), and write it with the company gazetteer where the package loads them."""
    gold = [shared / path for path in DEFAULT_GOLD]
    missing = [str(p) for p in gold if not p.is_file()]
    if missing:
        raise click.ClickException(f"gold file not found: {', '.join(missing)}")
    report = train_from_gold(
        gold, shared, out or package_data_dir(), log=lambda m: click.echo(m, err=True)
    )
    click.echo(
        f"trained on {report.documents} documents ({report.candidates} candidates, "
        f"{report.positives} claims); gazetteer {report.gazetteer} companies -> {report.model_path}",
        err=True,
    )
