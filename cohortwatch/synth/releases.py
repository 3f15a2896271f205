"""Release maps: the per-application participant IDs a custodian hands out with each copy.

UK Biobank gives every application its own pseudonymous ``eid``\\ s, which is how a leaked copy
is traced back to the release it came from. A release map pairs each master eid with that
release's eid: unique 7-digit numbers from the same range, assigned in an independent random
order per release, reproducible from the cohort seed and the release number.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl

from cohortwatch.errors import UsageError
from cohortwatch.synth.generate import EID_HIGH, EID_LOW

MASTER_EID = "master_eid"
RELEASE_EID = "release_eid"
RELEASE_STREAM = 0x52454C  # keeps release streams apart from the cohort's own


def release_map(master_eids: pl.Series, *, seed: int, release: int) -> pl.DataFrame:
    """``master_eid, release_eid`` for one release (numbered from 1), sorted by master eid."""
    if release < 1:
        raise UsageError(f"releases are numbered from 1, not {release}")
    if master_eids.n_unique() != master_eids.len():
        raise UsageError("master eids are not unique")
    rng = np.random.default_rng([seed, RELEASE_STREAM, release])
    size = master_eids.len()
    release_eids = rng.choice(EID_HIGH - EID_LOW + 1, size=size, replace=False) + EID_LOW
    return pl.DataFrame(
        {
            MASTER_EID: master_eids.cast(pl.Int64).to_numpy(),
            RELEASE_EID: release_eids.astype(np.int64),
        }
    ).sort(MASTER_EID)


def release_map_path(out: Path, release: int, *, directory: Path | None = None) -> Path:
    """``<out stem>.release-<k>.csv`` next to ``out`` (or in ``directory``)."""
    return (directory or out.parent) / f"{out.stem}.release-{release}.csv"


def write_release_maps(
    master_eids: pl.Series,
    *,
    seed: int,
    releases: int,
    out: Path,
    directory: Path | None = None,
) -> list[Path]:
    """Write ``releases`` release maps for a cohort written to ``out``; return their paths."""
    if releases < 0:
        raise UsageError(f"releases must be zero or more, not {releases}")
    paths = []
    for release in range(1, releases + 1):
        path = release_map_path(out, release, directory=directory)
        try:
            release_map(master_eids, seed=seed, release=release).write_csv(path)
        except OSError as exc:
            raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from exc
        paths.append(path)
    return paths
