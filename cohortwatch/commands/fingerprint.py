"""``cohortwatch keygen``, ``fingerprint build|show`` and ``canary make``."""

from __future__ import annotations

import json
import secrets
import sys
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import click
import numpy as np
import polars as pl

from cohortwatch.errors import UsageError
from cohortwatch.keys import load_key, new_key, write_key
from matcher import linkkeys
from matcher.dictionary import Dictionary, load_dictionary, load_dictionary_dir
from matcher.fingerprint import (
    Fingerprint,
    add_canaries,
    build_fingerprint,
    check_key,
    load_fingerprint,
    save_fingerprint,
    summary,
)
from matcher.fingerprint.build import Progress
from matcher.linkage import link_rows
from matcher.samples import Limits, SampleTable
from matcher.samples.readers import LargeTable, read_table_sources
from matcher.scan import sample_digests, with_header
from matcher.schema import map_columns

COHORT_LIMITS = Limits(max_total_bytes=64 * 1024**3, max_rows=50_000_000)
KEY_FILE = click.option(
    "--key-file",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="File holding the fingerprint key (else COHORTWATCH_FINGERPRINT_KEY).",
)
DICTIONARY_DIR = click.option(
    "--dictionary-dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Folder with the full Showcase dictionary and codings (default: the shipped subset).",
)


CANARY_STYLES = ("ukbconv", "r", "readable", "rap", "titles")


def register(group: click.Group) -> None:
    """Add ``keygen``, ``fingerprint`` and ``canary`` to the CLI."""
    group.add_command(keygen)
    group.add_command(fingerprint)
    group.add_command(canary)


def _settings() -> object:
    return click.get_current_context().find_root().obj.settings


def _dictionary(directory: Path | None) -> Dictionary:
    return load_dictionary() if directory is None else load_dictionary_dir(directory)


@contextmanager
def progress_bar(label: str, *, quiet: bool) -> Iterator[Progress]:
    """A rich progress bar on stderr (none when quiet or stderr is not a terminal)."""
    if quiet or not sys.stderr.isatty():
        yield lambda stage, done, total: None
        return
    from rich.console import Console
    from rich.progress import Progress as Bar

    with Bar(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(label, total=None)

        def update(stage: str, done: int, total: int) -> None:
            bar.update(task, description=f"{label}: {stage}", completed=done, total=total)

        yield update


def read_cohort_file(path: Path, dictionary: Dictionary) -> pl.DataFrame | LargeTable:
    """The cohort file: a large plain CSV/TSV is left unread for the build to parse from its
    bytes (no all-text copy of 500,000 rows); any other format is read as a named frame."""
    first = _first_table(path)
    if isinstance(first, LargeTable):
        _named(path, SampleTable(first.source, first.head(2)), dictionary)  # a header line?
        return first
    return _named(path, first, dictionary)


def read_table_file(path: Path, dictionary: Dictionary) -> pl.DataFrame:
    """A cohort, release map or canary file (CSV/TSV/Parquet...) as an all-text named frame."""
    first = _first_table(path)
    if isinstance(first, LargeTable):
        first = SampleTable(first.source, first.frame())
    return _named(path, first, dictionary)


def _first_table(path: Path) -> SampleTable | LargeTable:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}") from None
    tables = read_table_sources(data, filename=path.name, limits=COHORT_LIMITS)
    if not tables:
        raise UsageError(f"{path}: no table found")
    return tables[0]


def _named(path: Path, table: SampleTable, dictionary: Dictionary) -> pl.DataFrame:
    frame, had_header = with_header(table, dictionary)
    if not had_header:
        raise UsageError(f"{path}: the first row is not a header")
    return frame


@click.command("keygen")
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), required=True)
@click.option("--force", is_flag=True, help="Overwrite an existing key file.")
def keygen(out: Path, force: bool) -> None:
    """Make a new 32-byte fingerprint key (hex, file mode 0600). Keep it apart from fingerprints.

    Example:

    \b
        cohortwatch keygen --out fingerprint.key
    """
    key = new_key()
    write_key(out, key, overwrite=force)
    from matcher.prf import key_id

    click.echo(f"wrote a new key (id {key_id(key)}) to {out}")


@click.group("fingerprint")
def fingerprint() -> None:
    """Build and inspect the keyed cohort fingerprint the scanner uses.

    Example:

    \b
        cohortwatch fingerprint build cohort.csv --release app1=cohort.release-1.csv \\
            --key-file fingerprint.key --out cohort.fp
    """


def _pairs(values: tuple[str, ...], option: str) -> dict[str, Path]:
    pairs: dict[str, Path] = {}
    for value in values:
        name, sep, path = value.partition("=")
        if not sep or not name or not path:
            raise UsageError(f"{option} takes NAME=FILE, not {value!r}")
        pairs[name] = Path(path)
    return pairs


@fingerprint.command("build")
@click.argument("cohort", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("--release", "releases", multiple=True, help="NAME=MAP.csv (master_eid,release_eid).")
@click.option("--canaries", "canary_files", multiple=True, help="NAME=FILE of canary rows.")
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), required=True)
@KEY_FILE
@DICTIONARY_DIR
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
def build(
    cohort: Path,
    releases: tuple[str, ...],
    canary_files: tuple[str, ...],
    out: Path,
    key_file: Path | None,
    dictionary_dir: Path | None,
    quiet: bool,
) -> None:
    """Key a cohort file (CSV/TSV/Parquet, any UK Biobank header style) into a fingerprint.

    Example:

    \b
        cohortwatch fingerprint build ukb.csv --release app1=ukb.release-1.csv \\
            --release app2=ukb.release-2.csv --key-file fingerprint.key --out ukb.fp
    """
    key = load_key(key_file, _settings())  # type: ignore[arg-type]
    dictionary = _dictionary(dictionary_dir)
    started = time.perf_counter()
    with progress_bar("fingerprint", quiet=quiet) as report:
        report("reading", 0, 1)
        frame = read_cohort_file(cohort, dictionary)
        maps = {n: read_table_file(p, dictionary) for n, p in _pairs(releases, "--release").items()}
        canaries = {
            n: read_table_file(p, dictionary) for n, p in _pairs(canary_files, "--canaries").items()
        }
        _note_new_releases(canaries, known=maps)
        fp = build_fingerprint(
            frame,
            dictionary=dictionary,
            key=key,
            releases=maps,
            canaries=canaries,
            progress=report,
        )
        size = save_fingerprint(fp, out)
    seconds = time.perf_counter() - started
    click.echo(
        f"fingerprint of {fp.rows} rows, {len(fp.specs)} fields, {len(fp.releases)} release(s) "
        f"written to {out} ({size / 1e6:.1f} MB, key id {fp.key_id}) in {seconds:.1f} s"
    )


@fingerprint.command("show")
@click.argument("path", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def show(path: Path, as_json: bool) -> None:
    """Summarise a fingerprint: fields, releases, rows, canaries, key id and sizes.

    Example:

    \b
        cohortwatch fingerprint show ukb.fp --json
    """
    fp = load_fingerprint(path)
    info = summary(fp, size_bytes=path.stat().st_size)
    if as_json:
        click.echo(json.dumps(info, ensure_ascii=False, indent=2))
        return
    click.echo(f"key id:    {info['key_id']}")
    click.echo(f"rows:      {info['rows']}")
    click.echo(f"fields:    {len(info['fields'])} ({', '.join(map(str, info['fields']))})")
    click.echo(f"selective: {len(info['selective_fields'])}; key families: {info['families']}")
    for name, count in info["releases"].items():
        click.echo(f"release:   {name} ({count} IDs, {info['canaries'].get(name, 0)} canaries)")
    click.echo(f"size:      {info['file_bytes'] / 1e6:.1f} MB")


@click.group("canary")
def canary() -> None:
    """Decoy participants that pin a leak to the release they were appended to.

    Example:

    \b
        cohortwatch canary make --fingerprint ukb.fp --release app1 --count 20 --out c.csv
    """


@canary.command("make")
@click.option(
    "--fingerprint", "fp_path", type=click.Path(path_type=Path, exists=True), required=True
)
@click.option("--release", required=True, help="The release whose extract gets the canaries.")
@click.option("--count", type=click.IntRange(1, 10_000), default=20, show_default=True)
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), required=True)
@click.option(
    "--style",
    type=click.Choice(CANARY_STYLES),
    default="ukbconv",
    show_default=True,
    help="Header and value style of the extract the rows are appended to.",
)
@KEY_FILE
@DICTIONARY_DIR
def make(
    fp_path: Path,
    release: str,
    count: int,
    out: Path,
    style: str,
    key_file: Path | None,
    dictionary_dir: Path | None,
) -> None:
    """Make decoy rows for one release and add them to the fingerprint (updated in place).

    The rows (the fingerprint's fields, fresh IDs) are plausible under UK Biobank's
    distributions and link to no real row. They are written in the header and value style of the
    release's extract (--style: ukbconv CSV, r, readable, rap or titles), ready to append to it.

    Example:

    \b
        cohortwatch canary make --fingerprint ukb.fp --release app1 --count 20 \\
            --style rap --key-file fingerprint.key --out app1-canaries.csv
    """
    from cohortwatch.synth import generate_cohort, render_cohort, write_cohort

    key = load_key(key_file, _settings())  # type: ignore[arg-type]
    dictionary = _dictionary(dictionary_dir)
    fp = load_fingerprint(fp_path)
    check_key(fp, key)
    _note_new_releases([release], known=fp.releases)
    candidates = generate_cohort(
        rows=max(4 * count, 50), seed=secrets.randbelow(2**31), dictionary=dictionary
    )
    # the fingerprint's fields only (canonical ukbconv names in the synthetic cohort)
    candidates = candidates.select(
        c for c in candidates.columns if c == "eid" or int(c.split("-")[0]) in fp.specs
    )
    frame = render_cohort(candidates, style="ukbconv", dictionary=dictionary)
    fields = linkkeys.canonical_fields(frame, map_columns(frame.columns, dictionary), dictionary)
    links = link_rows(fp, sample_digests(fp, fields, key, frame.height), alpha=1.0).links
    distinct = pl.Series(links < 0)
    frame, candidates = frame.filter(distinct).head(count), candidates.filter(distinct).head(count)
    if frame.height < count:
        raise UsageError("could not make enough canaries distinct from the cohort; try again")
    ids = _fresh_ids(fp, release, frame.height, key)
    frame = frame.with_columns(pl.Series("eid", [str(i) for i in ids]))
    candidates = candidates.with_columns(pl.Series("eid", ids, dtype=candidates["eid"].dtype))
    fp = add_canaries(fp, frame, release=release, dictionary=dictionary, key=key)
    write_cohort(candidates, style=style, path=out, dictionary=dictionary)
    save_fingerprint(fp, fp_path)
    click.echo(
        f"wrote {frame.height} canary rows for release {release} to {out}; "
        f"{fp_path} now holds {fp.canaries_per_release()[release]} canaries of {release}"
    )


def _note_new_releases(names: Iterable[str], *, known: Iterable[str]) -> None:
    """Say on stderr which canary releases are new: a release known by its canaries alone is
    allowed (an extract whose ID map you do not hold), but a typo in its name ("app-1" for
    "app1") would otherwise pass unseen and attribute a leak to a release that does not exist."""
    known = list(known)
    for name in names:
        if name not in known:
            listed = ", ".join(known) or "none"
            click.echo(
                f"note: release {name!r} is not among the fingerprint's releases ({listed}); "
                "it is added as a release known by its canaries alone",
                err=True,
            )


def _fresh_ids(fp: Fingerprint, release: str, count: int, key: bytes) -> list[int]:
    """Random 7-digit IDs that the release does not already use."""
    used = fp.release_ids.get(release)
    chosen: list[int] = []
    while len(chosen) < count:
        batch = np.array([1_000_000 + secrets.randbelow(5_026_001) for _ in range(count * 2)])
        digests = linkkeys.id_digests(key, batch, np.ones(batch.size, dtype=bool))
        fresh = batch if used is None else batch[~np.isin(digests, used)]
        chosen.extend(int(i) for i in fresh if int(i) not in chosen)
    return chosen[:count]
