"""The demo's cohort: a synthetic UK Biobank-shaped cohort, released to three "applications"
(each with its own participant IDs), its keyed fingerprint, and a leaked sample.

The sample attached to the demo's leak offers is cut from the cohort and carries the IDs of one
release, so the crawl can show not only *that* a sample is our cohort but *which copy* leaked.
Everything is written under ``<data dir>/demo`` and the key under ``<data dir>/keys`` (kept
across runs, so a second demo run scans with the same key).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl

from cohortwatch.commands.fingerprint import read_table_file
from cohortwatch.keys import new_key, parse_key, write_key
from cohortwatch.settings import Settings
from cohortwatch.synth import generate_cohort, sample_rows, write_cohort, write_release_maps
from cohortwatch.synth.releases import release_map
from matcher.dictionary import load_dictionary
from matcher.fingerprint import build_fingerprint, save_fingerprint

DEMO_ROWS = 2_000
DEMO_SEED = 20260401
DEMO_RELEASES = 3
LEAKED_RELEASE = 2
SAMPLE_ROWS = 20


def release_name(number: int) -> str:
    return f"application-{number}"


@dataclass(frozen=True)
class DemoCohort:
    """Where the demo cohort's files are, and the leaked sample (header and rows as text)."""

    cohort_path: Path
    fingerprint_path: Path
    key_path: Path
    leaked_release: str
    sample_header: list[str]
    sample_rows: list[list[str]]


def _demo_key(settings: Settings) -> tuple[Path, bytes]:
    path = settings.keys_dir / "demo-fingerprint.key"
    if path.exists():
        return path, parse_key(path.read_text(encoding="ascii"), source=str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    key = new_key()
    write_key(path, key)
    return path, key


def prepare_demo_cohort(settings: Settings) -> DemoCohort:
    """Write the cohort, its release maps and fingerprint; cut a sample from one release."""
    dictionary = load_dictionary()
    cohort = generate_cohort(rows=DEMO_ROWS, seed=DEMO_SEED, dictionary=dictionary)
    out_dir = settings.data_dir / "demo"
    out_dir.mkdir(parents=True, exist_ok=True)
    cohort_path = out_dir / "cohort.csv"
    write_cohort(cohort, style="ukbconv", path=cohort_path, dictionary=dictionary)
    eids = cohort.get_column("eid")
    maps = write_release_maps(eids, seed=DEMO_SEED, releases=DEMO_RELEASES, out=cohort_path)
    key_path, key = _demo_key(settings)
    fingerprint = build_fingerprint(
        read_table_file(cohort_path, dictionary),
        dictionary=dictionary,
        key=key,
        releases={
            release_name(n): read_table_file(path, dictionary) for n, path in enumerate(maps, 1)
        },
    )
    fingerprint_path = out_dir / "cohort.fp"
    save_fingerprint(fingerprint, fingerprint_path)

    leaked_ids = release_map(eids, seed=DEMO_SEED, release=LEAKED_RELEASE)
    sample = (
        sample_rows(cohort, rows=SAMPLE_ROWS, seed=DEMO_SEED)
        .with_columns(pl.col("eid").cast(pl.Int64))
        .join(leaked_ids, left_on="eid", right_on="master_eid", how="left", maintain_order="left")
        .with_columns(pl.col("release_eid").alias("eid"))
        .drop("release_eid")
    )
    rows = [["" if v is None else str(v) for v in row] for row in sample.iter_rows()]
    return DemoCohort(
        cohort_path=cohort_path,
        fingerprint_path=fingerprint_path,
        key_path=key_path,
        leaked_release=release_name(LEAKED_RELEASE),
        sample_header=list(sample.columns),
        sample_rows=rows,
    )
