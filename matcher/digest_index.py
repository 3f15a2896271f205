"""Numba kernels behind row linkage: digest look-ups and the scoring of candidate pairs.

A family's digests are kept sorted with a bucket index over their top bits
(:func:`build_buckets`), so looking up a sample digest (:func:`lookup`) costs one bucket read and
a binary search within it instead of one over the whole cohort. :func:`score_pairs` compares each
candidate pair (sample row, cohort row) on every family at once and adds up the evidence per
independence group, the rules :mod:`matcher.linkage` documents. Both run on all cores; pure.
"""

from __future__ import annotations

import numba
import numpy as np

from matcher.prf import wait_warm_up

ROWS_PER_BUCKET = 4


def _bucket_bits(size: int, bits: int) -> int:
    wanted = max(1, size // ROWS_PER_BUCKET).bit_length()
    return min(bits, max(8, wanted))


def build_buckets(ordered: np.ndarray, bits: int) -> tuple[np.ndarray, int]:
    """For sorted ``bits``-bit digests: where each bucket of the top bits starts, and the shift
    that takes a digest to its bucket."""
    bucket_bits = _bucket_bits(ordered.size, bits)
    shift = bits - bucket_bits
    edges = np.arange((1 << bucket_bits) + 1, dtype=np.int64) << shift
    starts = np.searchsorted(ordered.astype(np.int64), edges, side="left").astype(np.int64)
    return starts, shift


@numba.njit(cache=True, nogil=True)
def _bucket_sort(
    digests: np.ndarray, shift: int, order: np.ndarray, ordered: np.ndarray, starts: np.ndarray
) -> None:
    buckets = starts.size - 1
    starts[:] = 0
    for i in range(digests.size):
        starts[(np.int64(digests[i]) >> shift) + 1] += 1
    for b in range(buckets):
        starts[b + 1] += starts[b]
    fill = starts[:-1].copy()
    for i in range(digests.size):  # counting sort by bucket, rows in order within one
        bucket = np.int64(digests[i]) >> shift
        order[fill[bucket]] = i
        fill[bucket] += 1
    for b in range(buckets):  # then a stable sort inside each bucket
        lo, hi = starts[b], starts[b + 1]
        if hi - lo > 32:
            segment = order[lo:hi].copy()
            values = digests[segment]
            order[lo:hi] = segment[np.argsort(values, kind="mergesort")]
            continue
        for i in range(lo + 1, hi):
            row = order[i]
            value = digests[row]
            k = i - 1
            while k >= lo and digests[order[k]] > value:
                order[k + 1] = order[k]
                k -= 1
            order[k + 1] = row
    for i in range(digests.size):
        ordered[i] = digests[order[i]]


def sort_digests(digests: np.ndarray, bits: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """``bits``-bit digests sorted in one pass: the sorted digests, the rows in that order (ties
    by row, as a stable argsort) and the bucket index of :func:`build_buckets`."""
    wait_warm_up()
    bucket_bits = _bucket_bits(digests.size, bits)
    order = np.empty(digests.size, dtype=np.int64)
    ordered = np.empty_like(digests)
    starts = np.empty((1 << bucket_bits) + 1, dtype=np.int64)
    _bucket_sort(np.ascontiguousarray(digests), bits - bucket_bits, order, ordered, starts)
    return ordered, order, starts, bits - bucket_bits


@numba.njit(parallel=True, cache=True, nogil=True)
def _lookup(
    ordered: np.ndarray,
    starts: np.ndarray,
    shift: int,
    needles: np.ndarray,
    low: np.ndarray,
    count: np.ndarray,
) -> None:
    for i in numba.prange(needles.size):
        x = np.int64(needles[i])
        if x == 0:
            low[i] = 0
            count[i] = 0
            continue
        b = x >> shift
        lo, hi = starts[b], starts[b + 1]
        while lo < hi:  # first entry >= x (a bucket of a common value can be long)
            mid = (lo + hi) >> 1
            if np.int64(ordered[mid]) < x:
                lo = mid + 1
            else:
                hi = mid
        first = lo
        hi = starts[b + 1]
        while lo < hi:  # first entry > x
            mid = (lo + hi) >> 1
            if np.int64(ordered[mid]) <= x:
                lo = mid + 1
            else:
                hi = mid
        low[i] = first
        count[i] = lo - first


def lookup(
    ordered: np.ndarray, starts: np.ndarray, shift: int, needles: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Per needle: its first position in ``ordered`` and how many entries equal it (0 = none,
    and always 0 for the missing digest 0)."""
    low = np.empty(needles.size, dtype=np.int64)
    count = np.empty(needles.size, dtype=np.int64)
    if needles.size:
        wait_warm_up()
        _lookup(ordered, starts, shift, np.ascontiguousarray(needles), low, count)
    return low, count


@numba.njit(parallel=True, cache=True, nogil=True)
def _score(
    ours: np.ndarray,
    weights: np.ndarray,
    theirs: np.ndarray,
    members: np.ndarray,
    group_starts: np.ndarray,
    group_max: np.ndarray,
    pairs: np.ndarray,
    cands: np.ndarray,
    bits: np.ndarray,
    agree_groups: np.ndarray,
    disagree_groups: np.ndarray,
) -> None:
    for p in numba.prange(pairs.size):
        row = pairs[p]
        cand = cands[p]
        total_bits = 0.0
        agreed = 0
        clashed = 0
        for g in range(group_starts.size - 1):
            best = 0.0
            added = 0.0
            weakest = np.inf
            agreeing = 0
            clash = False
            for m in range(group_starts[g], group_starts[g + 1]):
                j = members[m]
                mine = ours[j, row]
                other = theirs[cand, j]
                weight = 0.0
                if mine != 0 and other == mine:
                    weight = weights[j, row]
                elif mine != 0 and other != 0:
                    clash = True
                best = max(best, weight)
                added += weight
                if weight > 0:
                    agreeing += 1
                    weakest = min(weakest, weight)
            if group_max[g]:
                group_bits = best
            elif agreeing >= 2:
                group_bits = added - weakest
            else:
                group_bits = added
            total_bits += group_bits
            if group_bits > 0:
                agreed += 1
            elif clash:
                clashed += 1
        bits[p] = total_bits
        agree_groups[p] = agreed
        disagree_groups[p] = clashed


def score_pairs(
    ours: np.ndarray,
    weights: np.ndarray,
    theirs: np.ndarray,
    groups: list[list[int]],
    group_max: list[bool],
    pairs: np.ndarray,
    cands: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Evidence (bits), agreeing groups and disagreeing groups of each candidate pair.

    ``ours`` (families x sample rows) and ``theirs`` (cohort rows x families: a pair reads one
    cache line) hold digests,
    ``weights`` the bits an agreement on each sample digest is worth; ``groups`` lists the family
    indices of each independence group, ``group_max`` whether it counts its best agreement only.
    """
    members = np.array([j for group in groups for j in group], dtype=np.int64)
    group_starts = np.cumsum([0] + [len(group) for group in groups]).astype(np.int64)
    bits = np.zeros(pairs.size)
    agree_groups = np.zeros(pairs.size, dtype=np.int64)
    disagree_groups = np.zeros(pairs.size, dtype=np.int64)
    if pairs.size:
        wait_warm_up()
        _score(
            ours, weights, theirs, members, group_starts, np.array(group_max, dtype=np.bool_),
            pairs, cands, bits, agree_groups, disagree_groups,
        )  # fmt: skip
    return bits, agree_groups, disagree_groups


def load_kernels() -> None:
    """Run every kernel once on tiny inputs of the types linkage uses (loads numba's cache)."""
    for dtype, bits in ((np.uint32, 32), (np.uint16, 16)):
        ordered, _, starts, shift = sort_digests(np.ones(2, dtype=dtype), bits)
        lookup(ordered, starts, shift, ordered)
    ours = np.ones((1, 1), dtype=np.uint32)
    one = np.zeros(1, dtype=np.int64)
    score_pairs(ours, np.ones((1, 1)), ours, [[0]], [True], one, one)
