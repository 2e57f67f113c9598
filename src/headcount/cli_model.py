"""`headcount train` and `headcount eval`: the learned extractor's models, rebuilt from the gold
files, and extraction measured against them."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from headcount.evaluate.report import (
    DEFAULT_THRESHOLD,
    check_figure_floors,
    check_floors,
    evaluate,
    format_report,
    to_json,
)
from headcount.evaluate.spread import format_spread, mean_figures, seed_spreads, spread_to_json
from headcount.learn.crossval import cross_validated, cross_validated_seeds
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


def _seed_list(ctx: click.Context, param: click.Parameter, value: str | None) -> list[int] | None:
    if value is None:
        return None
    try:
        seeds = [int(part) for part in value.split(",") if part.strip()]
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not a comma-separated list of whole numbers"
        ) from None
    if not seeds:
        raise click.BadParameter("give at least one seed")
    return seeds


def _eval_over_seeds(
    gold: list[str],
    folds: int,
    seeds: list[int],
    as_json: bool,
    floors: str | None,
    threshold: float,
    rumor_as_new: bool | None,
) -> None:
    evaluations = cross_validated_seeds(
        gold,
        folds,
        seeds,
        threshold=threshold,
        rumor_as_new=rumor_as_new,
        progress=lambda m: click.echo(m, err=True),
    )
    click.echo(spread_to_json(evaluations) if as_json else format_spread(evaluations))
    if floors:
        failures = check_figure_floors(mean_figures(seed_spreads(evaluations)), floors)
        for failure in failures:
            click.echo(f"below floor (mean over seeds): {failure}", err=True)
        if failures:
            sys.exit(1)


@click.command(name="eval")
@click.argument("gold", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Figures as JSON, per set and over all sets.")
@click.option(
    "--floors",
    type=click.Path(exists=True, dir_okay=False),
    help="Fail (exit 1) when a figure is below its floor in this JSON file.",
)
@click.option("--quiet", is_flag=True, help="Figures only, without misses and false positives.")
@click.option(
    "--threshold",
    type=click.FloatRange(0.0, 1.0),
    default=DEFAULT_THRESHOLD,
    show_default=True,
    help="Confidence a claim needs to count in the precision at threshold.",
)
@click.option(
    "--rumor-as-new/--no-rumor-as-new",
    default=None,
    help="Score predicted rumor as new in every set (default: only in web: documents, "
    "whose gold has no rumor kind).",
)
@click.option(
    "--cv",
    "folds",
    type=click.IntRange(min=2),
    default=None,
    help="Cross-validate the learned extractor: train on the other folds' documents, "
    "score each fold's documents (K folds by document).",
)
@click.option(
    "--seeds",
    callback=_seed_list,
    default=None,
    metavar="7,8,9",
    help="With --cv: cross-validate once per LightGBM seed and print each figure's mean, "
    "lowest and highest (--floors then checks the means).",
)
def eval_command(
    gold: tuple[str, ...],
    as_json: bool,
    floors: str | None,
    quiet: bool,
    threshold: float,
    rumor_as_new: bool | None,
    folds: int | None,
    seeds: list[int] | None,
) -> None:
    """Score extraction against gold files, each file a set: precision, recall, F1, field
    agreement and kind confusion, by the rules of ../shared/eval/score.py. With --cv the
    learned extractor is cross-validated; without, the chosen extractor is scored as shipped."""
    if seeds is not None:
        if folds is None:
            raise click.UsageError("--seeds needs --cv")
        _eval_over_seeds(list(gold), folds, seeds, as_json, floors, threshold, rumor_as_new)
        return
    if folds is not None:
        ev = cross_validated(
            list(gold),
            folds,
            threshold=threshold,
            rumor_as_new=rumor_as_new,
            progress=lambda m: click.echo(m, err=True),
        )
    else:
        ev = evaluate(list(gold), threshold=threshold, rumor_as_new=rumor_as_new)
    click.echo(to_json(ev) if as_json else format_report(ev, show_errors=not quiet))
    if floors:
        failures = check_floors(ev, floors)
        for failure in failures:
            click.echo(f"below floor: {failure}", err=True)
        if failures:
            sys.exit(1)
