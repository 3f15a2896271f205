"""Which release a sample came from: canaries, row-consistent IDs, or ID-set membership.

Three kinds of evidence, strongest first. A linked row that is a *canary* (a decoy appended to one
release's extract) names its release outright. A linked row whose participant ID is the ID that
release gave that very cohort row is nearly as strong (a spurious agreement needs a 32-bit digest
collision). IDs that merely belong to a release's ID set are weaker: a random 7-digit ID falls in
a release of ``s`` participants with probability ``s / id_space``; the verdict reports the chance
of that many hits (binomial tail).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from matcher.fingerprint.model import Fingerprint

ID_SPACE = 5_026_001  # UK Biobank eids run 1000000-6026000
SET_MEMBERSHIP_P = 1e-3
DIGEST_SPACE = 2.0**32


@dataclass(frozen=True)
class Attribution:
    """The release a sample points to (or None), the chance of a spurious hit, and why."""

    release: str | None
    chance: float | None
    canaries: int
    canary_releases: tuple[str, ...]
    reasons: tuple[str, ...]


def binomial_tail(hits: int, trials: int, p: float) -> float:
    """P(X >= hits) for X ~ Binomial(trials, p)."""
    if hits <= 0:
        return 1.0
    if p <= 0:
        return 0.0
    if p >= 1:
        return 1.0
    total = 0.0
    log_p, log_q = math.log(p), math.log1p(-p)
    for k in range(hits, trials + 1):
        log_term = (
            math.lgamma(trials + 1) - math.lgamma(k + 1) - math.lgamma(trials - k + 1)
            + k * log_p + (trials - k) * log_q
        )  # fmt: skip
        term = math.exp(log_term)
        total += term
        if term < total * 1e-12:
            break
    return min(1.0, total)


def _set_index(fp: Fingerprint, release: str) -> np.ndarray:
    name = f"ids:{release}"
    cached = fp.cache.get(name)
    if cached is None:
        ids = fp.release_ids[release]
        cached = np.unique(ids[ids != 0])
        fp.cache[name] = cached
    return cached


def attribute(
    fp: Fingerprint, links: np.ndarray, ids: np.ndarray | None, *, id_space: int = ID_SPACE
) -> Attribution:
    """Attribute a sample from its row links (-1: none) and ID digests (0: none, or None)."""
    reasons: list[str] = []
    linked = links >= 0
    canary_rows = links[linked & (links >= fp.rows)] - fp.rows
    canary_names = tuple(fp.releases[int(i)] for i in fp.canary_release[canary_rows])
    if canary_names:
        counts = {name: canary_names.count(name) for name in set(canary_names)}
        release = max(counts, key=lambda name: counts[name])
        reasons.append(
            f"{len(canary_names)} canary row(s) of release {release} in the sample"
            + ("" if len(counts) == 1 else f" (also canaries of {sorted(set(counts) - {release})})")
        )
        chance = len(canary_names) * 0.0
        return Attribution(release, chance, len(canary_names), canary_names, tuple(reasons))
    if ids is None or not fp.releases or not np.any(ids):
        return Attribution(None, None, 0, (), ())
    with_id = linked & (ids != 0)
    consistent = {
        name: int(np.count_nonzero(fp.release_ids[name][links[with_id]] == ids[with_id]))
        for name in fp.releases
    }
    best = max(consistent, key=lambda name: consistent[name])
    if consistent[best] > 0 and sorted(consistent.values())[-2:].count(consistent[best]) == 1:
        chance = int(with_id.sum()) * len(fp.releases) / DIGEST_SPACE
        reasons.append(
            f"{consistent[best]} linked row(s) carry the participant ID release {best} gave that "
            f"participant"
        )
        return Attribution(best, chance, 0, (), tuple(reasons))
    present = ids[ids != 0]
    hits = {name: int(np.isin(present, _set_index(fp, name)).sum()) for name in fp.releases}
    tails = {
        name: binomial_tail(
            hits[name], present.size, min(1.0, _set_index(fp, name).size / id_space)
        )
        for name in fp.releases
    }
    best = min(tails, key=lambda name: tails[name])
    others = [hits[name] for name in fp.releases if name != best]
    if hits[best] >= 1 and tails[best] <= SET_MEMBERSHIP_P and all(h < hits[best] for h in others):
        chance = min(1.0, tails[best] * len(fp.releases))
        reasons.append(
            f"{hits[best]} of {present.size} participant IDs belong to release {best} "
            f"(chance of that many spurious hits {chance:.2g})"
        )
        return Attribution(best, chance, 0, (), tuple(reasons))
    if any(hits.values()):
        reasons.append(
            "participant IDs hit release ID sets no more than chance would: "
            + ", ".join(f"{name} {hits[name]}" for name in fp.releases)
        )
    return Attribution(None, None, 0, (), tuple(reasons))
