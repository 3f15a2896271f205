"""``cohortwatch synth``: write synthetic UK Biobank-shaped cohorts for demos and tests."""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING

import click

from cohortwatch.errors import UsageError

if TYPE_CHECKING:
    from matcher.dictionary import Dictionary

# The header styles of cohortwatch.synth.STYLES, spelled out so --help needs no numpy/polars
# import (a test checks the two agree).
STYLES: tuple[str, ...] = ("ukbconv", "r", "readable", "rap", "titles")

logger = logging.getLogger(__name__)


def register(group: click.Group) -> None:
    """Add the ``synth`` command group to the CLI."""
    group.add_command(synth)


@click.group("synth")
def synth() -> None:
    """Make synthetic cohorts shaped like UK Biobank extracts (no real data).

    Example:

    \b
        cohortwatch synth cohort --rows 10000 --seed 7 --style rap --out cohort.csv
    """


def _check_out(out: Path, *, releases_dir: Path | None) -> None:
    if out.is_dir():
        raise UsageError(f"--out {out} is a folder; give a file name")
    for folder, option in ((out.parent, "--out"), (releases_dir, "--releases-dir")):
        if folder is None:
            continue
        if not folder.is_dir():
            raise UsageError(f"{option}: folder {folder} does not exist")
        if not os.access(folder, os.W_OK):
            raise UsageError(f"{option}: folder {folder} is not writable")


def _dictionary(dictionary_dir: Path | None) -> Dictionary:
    from matcher.dictionary import load_dictionary, load_dictionary_dir

    return load_dictionary() if dictionary_dir is None else load_dictionary_dir(dictionary_dir)


@synth.command("cohort")
@click.option("--rows", type=int, default=10_000, show_default=True, help="Participants.")
@click.option("--seed", type=int, default=0, show_default=True, help="Same seed, same file.")
@click.option(
    "--style",
    type=click.Choice(STYLES),
    default="ukbconv",
    show_default=True,
    help="Header style: ukbconv (31-0.0), r (f.31.0.0), readable (sex_f31_0_0), "
    "rap (p31, arrays as JSON lists) or titles (Sex).",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    required=True,
    help="File to write (tab-separated for the r style).",
)
@click.option(
    "--releases",
    type=int,
    default=0,
    show_default=True,
    help="Also write K release maps (master_eid,release_eid) as <out stem>.release-<k>.csv.",
)
@click.option(
    "--releases-dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Folder for the release maps (default: next to --out).",
)
@click.option(
    "--dictionary-dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Folder with the full Showcase dictionary and codings (default: the shipped subset).",
)
def cohort(
    rows: int,
    seed: int,
    style: str,
    out: Path,
    releases: int,
    releases_dir: Path | None,
    dictionary_dir: Path | None,
) -> None:
    """Write a synthetic cohort, and optionally one participant-ID map per release.

    Values are plausible and consistent (ages match birth and visit dates, sex-specific blood
    values, real codes from the UK Biobank codings, realistic gaps) but belong to nobody.

    Example:

    \b
        cohortwatch synth cohort --rows 500000 --seed 1 --out ukb.csv --releases 3
        cohortwatch synth cohort --rows 2000 --style readable --out sample.csv
    """
    if rows <= 0:
        raise UsageError(f"--rows must be a positive number, not {rows}")
    if seed < 0:
        raise UsageError(f"--seed must be zero or positive, not {seed}")
    if releases < 0:
        raise UsageError(f"--releases must be zero or more, not {releases}")
    _check_out(out, releases_dir=releases_dir)
    from cohortwatch.synth import generate_cohort, write_cohort, write_release_maps

    started = time.perf_counter()
    dictionary = _dictionary(dictionary_dir)
    frame = generate_cohort(rows=rows, seed=seed, dictionary=dictionary)
    write_cohort(frame, style=style, path=out, dictionary=dictionary)
    maps = write_release_maps(
        frame.get_column("eid"), seed=seed, releases=releases, out=out, directory=releases_dir
    )
    seconds = time.perf_counter() - started
    logger.info(
        "synthetic cohort written: %s rows, style %s, %s release maps", rows, style, len(maps)
    )
    summary = (
        f"wrote {frame.height} rows x {frame.width} columns ({style}) to {out} in {seconds:.1f} s"
    )
    if maps:
        summary += f"; {len(maps)} release map(s) in {maps[0].parent}"
    click.echo(summary)
