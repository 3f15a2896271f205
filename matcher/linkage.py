"""Fellegi–Sunter style row linkage of a sample against a fingerprint.

For each sample row and each linkage-key family the row has, the fingerprint says how many of its
rows share that digest (``count``); agreeing on a key that ``count`` rows share is worth
``log2(N / count)`` bits. Candidate cohort rows come from each sample row's two most selective
keys; every candidate is then compared on all keys. Agreements are summed per independence group
(the quasi-identifier keys count as one, fields derived from one another lose their weakest
agreement) and a sample row *links* to its best candidate when at least two groups agree and the
evidence reaches ``log2(N / alpha)`` bits. The number of links chance alone would give is
computed from the same per-key rarities, assuming independent keys (:func:`expected_chance`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from matcher.fingerprint.model import Fingerprint
from matcher.linkkeys import Family

ALPHA = 1e-5  # allowed chance links per sample row (before multiple groups)
SEEDS = 2
BIN_BITS = 0.5
CHANCE_SAMPLE_ROWS = 2000


@dataclass(frozen=True)
class LinkResult:
    """Per sample row: the fingerprint row it links to (-1: none) and the evidence in bits."""

    links: np.ndarray
    bits: np.ndarray
    groups: np.ndarray
    threshold_bits: float
    expected_chance: float
    families: tuple[str, ...]

    @property
    def linked(self) -> int:
        return int(np.count_nonzero(self.links >= 0))


def _index(fp: Fingerprint, name: str) -> tuple[np.ndarray, np.ndarray]:
    cached = fp.cache.get(f"index:{name}")
    if cached is None:
        digests = fp.digests[name]
        order = np.argsort(digests, kind="stable")
        cached = (order, digests[order])
        fp.cache[f"index:{name}"] = cached
    return cached


def _counts(fp: Fingerprint, name: str, sample: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    _, ordered = _index(fp, name)
    needles = sample.astype(ordered.dtype)
    low = np.searchsorted(ordered, needles, side="left")
    high = np.searchsorted(ordered, needles, side="right")
    count = np.where(needles != 0, high - low, 0)
    return low, count


def _candidates(
    fp: Fingerprint, names: list[str], low: np.ndarray, count: np.ndarray, cap: int
) -> tuple[np.ndarray, np.ndarray]:
    """Sample row and fingerprint row of every candidate pair from each row's best seeds."""
    ranked = np.where((count > 0) & (count <= cap), count, np.iinfo(np.int64).max)
    seeds = np.argsort(ranked, axis=1, kind="stable")[:, :SEEDS]
    rows_out: list[np.ndarray] = []
    cands_out: list[np.ndarray] = []
    for seed in range(seeds.shape[1]):
        column = seeds[:, seed]
        usable = ranked[np.arange(column.size), column] != np.iinfo(np.int64).max
        for j, name in enumerate(names):
            rows = np.flatnonzero(usable & (column == j))
            if rows.size == 0:
                continue
            sizes = count[rows, j]
            starts = low[rows, j]
            total = int(sizes.sum())
            ends = np.cumsum(sizes)
            within = np.arange(total) - np.repeat(ends - sizes, sizes)
            order, _ = _index(fp, name)
            rows_out.append(np.repeat(rows, sizes))
            cands_out.append(order[np.repeat(starts, sizes) + within])
    if not rows_out:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    pair = np.unique(
        np.concatenate(rows_out).astype(np.int64) * fp.total_rows
        + np.concatenate(cands_out).astype(np.int64)
    )
    return pair // fp.total_rows, pair % fp.total_rows


def _groups(families: list[Family]) -> dict[str, list[int]]:
    groups: dict[str, list[int]] = {}
    for j, family in enumerate(families):
        groups.setdefault(family.group, []).append(j)
    return groups


def _group_bits(families: list[Family], member: list[int], weights: np.ndarray) -> np.ndarray:
    """Evidence of one group from its members' agreement weights (pairs x members)."""
    if families[member[0]].combine == "max" or len(member) == 1:
        return np.asarray(weights.max(axis=1))
    total = weights.sum(axis=1)
    agreeing = (weights > 0).sum(axis=1)
    weakest = np.where(weights > 0, weights, np.inf).min(axis=1)
    return np.where(agreeing >= 2, total - weakest, total)


def link_rows(
    fp: Fingerprint,
    sample: Mapping[str, np.ndarray],
    *,
    rows: int | None = None,
    alpha: float = ALPHA,
) -> LinkResult:
    """Link each of ``rows`` sample rows (digests per family name, 0 = missing) to a
    fingerprint row."""
    families = [f for f in fp.families if f.name in sample and np.any(sample[f.name])]
    n = rows if rows is not None else len(next(iter(sample.values()))) if sample else 0
    total = max(fp.total_rows, 1)
    threshold = float(np.log2(total / alpha))
    empty = np.full(n, -1, dtype=np.int64)
    if not families or n == 0:
        zeros = np.zeros(n)
        return LinkResult(empty, zeros, zeros.astype(np.int64), threshold, 0.0, ())
    names = [f.name for f in families]
    digests = np.stack([sample[name] for name in names], axis=1).astype(np.uint32)
    low = np.zeros(digests.shape, dtype=np.int64)
    count = np.zeros(digests.shape, dtype=np.int64)
    for j, name in enumerate(names):
        low[:, j], count[:, j] = _counts(fp, name, digests[:, j])
    with np.errstate(divide="ignore"):
        weights = np.where(count > 0, np.log2(total / np.maximum(count, 1)), 0.0)
    cap = max(64, total // 500)
    pairs, cands = _candidates(fp, names, low, count, cap)
    groups = _groups(families)
    bits = np.zeros(pairs.size)
    agree_groups = np.zeros(pairs.size, dtype=np.int64)
    disagree_groups = np.zeros(pairs.size, dtype=np.int64)
    for member in groups.values():
        agree = np.zeros((pairs.size, len(member)))
        clash = np.zeros(pairs.size, dtype=bool)
        for k, j in enumerate(member):
            theirs = fp.digests[names[j]][cands].astype(np.uint32)
            ours = digests[pairs, j]
            hit = (theirs == ours) & (ours != 0)
            agree[:, k] = np.where(hit, weights[pairs, j], 0.0)
            clash |= (theirs != ours) & (ours != 0) & (theirs != 0)
        group_bits = _group_bits(families, member, agree)
        bits += group_bits
        agree_groups += group_bits > 0
        disagree_groups += clash & (group_bits == 0)
    best_bits = np.zeros(n)
    best_groups = np.zeros(n, dtype=np.int64)
    links = empty.copy()
    if pairs.size:
        order = np.lexsort((-bits, pairs))
        first = order[np.unique(pairs[order], return_index=True)[1]]
        r = pairs[first]
        best_bits[r] = bits[first]
        best_groups[r] = agree_groups[first]
        ok = (
            (agree_groups[first] >= 2)
            & (bits[first] >= threshold)
            & (agree_groups[first] >= disagree_groups[first])
        )
        links[r[ok]] = cands[first][ok]
    chance = expected_chance(weights, names, families, total=total, threshold=threshold)
    return LinkResult(links, best_bits, best_groups, threshold, chance, tuple(names))


def expected_chance(
    weights: np.ndarray,
    names: list[str],
    families: list[Family],
    *,
    total: int,
    threshold: float,
) -> float:
    """Links chance alone would give these rows: a random cohort row agreeing with each key
    with probability ``2**-weight``, independently, reaching the link rule."""
    n = weights.shape[0]
    if n == 0:
        return 0.0
    take = np.arange(n)
    if n > CHANCE_SAMPLE_ROWS:
        take = np.linspace(0, n - 1, CHANCE_SAMPLE_ROWS).astype(np.int64)
    w = weights[take]
    groups = _groups(families)
    bins = int(np.ceil(threshold / BIN_BITS))
    state = np.zeros((take.size, 3, bins + 1))
    state[:, 0, 0] = 1.0
    for member in groups.values():
        group_w = _group_bits(families, member, w[:, member])
        p = np.where(group_w > 0, np.exp2(-group_w), 0.0)
        step = np.minimum(np.ceil(group_w / BIN_BITS).astype(np.int64), bins)
        moved = np.zeros_like(state)
        for k in np.unique(step[p > 0]):
            rows = np.flatnonzero((step == k) & (p > 0))
            src = state[rows]
            dst = np.zeros_like(src)
            dst[:, 1:, k:] += src[:, :-1, : bins + 1 - k]
            dst[:, 2, k:] += src[:, 2, : bins + 1 - k]
            dst[:, 1:, bins] += src[:, :-1, bins + 1 - k :].sum(axis=2) if k else 0.0
            dst[:, 2, bins] += src[:, 2, bins + 1 - k :].sum(axis=1) if k else 0.0
            moved[rows] = dst * p[rows, None, None]
        state = state * (1.0 - p)[:, None, None] + moved
    per_row = np.minimum(1.0, total * state[:, 2, bins])
    return float(per_row.sum() * (n / take.size))


@dataclass(frozen=True)
class QuasiIdentifierHits:
    """Rows whose most specific quasi-identifier key occurs in the cohort, against chance."""

    hits: int
    rows: int
    expected_chance: float
    family: str | None


def quasi_identifier_hits(fp: Fingerprint, sample: Mapping[str, np.ndarray]) -> QuasiIdentifierHits:
    """Sample-level evidence from the quasi-identifier tuple alone (one group, so it cannot
    link a row on its own): how many rows' tuples occur in the cohort, and how many a sample of
    non-members would hit (the family's Good–Turing coverage per row)."""
    n = len(next(iter(sample.values()))) if sample else 0
    hits = np.zeros(n, dtype=bool)
    expected = 0.0
    used: list[str] = []
    covered = np.zeros(n, dtype=bool)
    for family in fp.families:  # most specific first: qi, birth_visit, visit
        if family.group != "qi" or family.name not in sample:
            continue
        digests = sample[family.name]
        rows = (digests != 0) & ~covered
        if not rows.any():
            continue
        _, count = _counts(fp, family.name, digests)
        hits |= rows & (count > 0)
        expected += float(rows.sum()) * family.coverage
        covered |= rows
        used.append(family.name)
    return QuasiIdentifierHits(int(hits.sum()), n, expected, used[0] if used else None)
