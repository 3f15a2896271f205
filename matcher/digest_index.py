"""Numba kernels behind row linkage: digest look-ups and the scoring of candidate rows.

A family's digests are kept sorted with a bucket index over their top bits
(:func:`build_buckets`), so looking up a sample digest (:func:`lookup`) costs one bucket read and
a binary search within it instead of one over the whole cohort. :func:`stack_index` sorts the
families a scan needs into one :class:`StackedIndex`; :func:`link_best` then finds each sample
row's candidate cohort rows, compares each on every family at once, adds up the evidence per
independence group (the rules :mod:`matcher.linkage` documents) and keeps the best. All run on
all cores; pure.
"""

from __future__ import annotations

from dataclasses import dataclass

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
def _sort_into(
    digests: np.ndarray,
    shift: int,
    order: np.ndarray,
    ordered: np.ndarray,
    starts: np.ndarray,
) -> None:
    """Sort ``digests`` by a counting sort on their bucket (``digest >> shift``), then a stable
    sort inside each bucket: ``order`` (rows, ties by row), ``ordered`` and bucket ``starts``."""
    buckets = starts.size - 1
    starts[:] = 0
    for i in range(digests.size):
        starts[(np.int64(digests[i]) >> shift) + 1] += 1
    for b in range(buckets):
        starts[b + 1] += starts[b]
    fill = starts[:-1].copy()
    for i in range(digests.size):
        bucket = np.int64(digests[i]) >> shift
        order[fill[bucket]] = i
        fill[bucket] += 1
    for b in range(buckets):
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
    wait_warm_up("digest_index")
    bucket_bits = _bucket_bits(digests.size, bits)
    order = np.empty(digests.size, dtype=np.int64)
    ordered = np.empty_like(digests)
    starts = np.empty((1 << bucket_bits) + 1, dtype=np.int64)
    _sort_into(np.ascontiguousarray(digests), bits - bucket_bits, order, ordered, starts)
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
        wait_warm_up("digest_index")
        _lookup(ordered, starts, shift, np.ascontiguousarray(needles), low, count)
    return low, count


@dataclass(frozen=True)
class StackedIndex:
    """Several families' sorted digests, row orders and bucket indexes, one after another
    (family ``j``'s entries start at ``offsets[j]``, its bucket starts at ``bucket_offsets[j]``
    and already point into the stacked arrays)."""

    ordered: np.ndarray  # uint32
    order: np.ndarray  # int64 rows, ties by row
    starts: np.ndarray  # int64
    offsets: np.ndarray
    bucket_offsets: np.ndarray
    shifts: np.ndarray

    def family(self, j: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
        """Family ``j`` as :func:`sort_digests` gives it (views into the stacked arrays)."""
        lo, hi = self.offsets[j], self.offsets[j + 1]
        starts = self.starts[self.bucket_offsets[j] : self.bucket_offsets[j + 1]] - lo
        return self.ordered[lo:hi], self.order[lo:hi], starts, int(self.shifts[j])


def stack_index(digests: list[np.ndarray], bits: list[int]) -> StackedIndex:
    """Sort each family's digests (as :func:`sort_digests`) into one :class:`StackedIndex`."""
    wait_warm_up("digest_index")
    sizes = [d.size for d in digests]
    offsets = np.concatenate(([0], np.cumsum(sizes))).astype(np.int64)
    bucket_bits = [_bucket_bits(d.size, b) for d, b in zip(digests, bits, strict=True)]
    buckets = [(1 << b) + 1 for b in bucket_bits]
    bucket_offsets = np.concatenate(([0], np.cumsum(buckets))).astype(np.int64)
    ordered = np.empty(int(offsets[-1]), dtype=np.uint32)
    order = np.empty(int(offsets[-1]), dtype=np.int64)
    starts = np.empty(int(bucket_offsets[-1]), dtype=np.int64)
    shifts = np.array([b - k for b, k in zip(bits, bucket_bits, strict=True)], dtype=np.int64)
    for j, values in enumerate(digests):
        lo, hi = offsets[j], offsets[j + 1]
        window = starts[bucket_offsets[j] : bucket_offsets[j + 1]]
        _sort_into(
            np.ascontiguousarray(values), int(shifts[j]), order[lo:hi], ordered[lo:hi], window
        )
        window += lo
    return StackedIndex(ordered, order, starts, offsets, bucket_offsets, shifts)


NEVER = np.iinfo(np.int64).max
BLOCK_ROWS = 512


@numba.njit(parallel=True, cache=True, nogil=True)
def _link(
    ours: np.ndarray,
    low: np.ndarray,
    count: np.ndarray,
    order: np.ndarray,
    offsets: np.ndarray,
    weight_of: np.ndarray,
    cap: int,
    theirs: np.ndarray,
    members: np.ndarray,
    group_starts: np.ndarray,
    group_max: np.ndarray,
    threshold: float,
    links: np.ndarray,
    best_bits: np.ndarray,
    best_groups: np.ndarray,
) -> None:
    families, n = ours.shape
    blocks = (n + BLOCK_ROWS - 1) // BLOCK_ROWS
    for block in numba.prange(blocks):
        weights = np.empty(families)
        ranked = np.empty(families, dtype=np.int64)
        buffer = np.empty(2 * cap, dtype=np.int64)
        for row in range(block * BLOCK_ROWS, min(n, (block + 1) * BLOCK_ROWS)):
            for j in range(families):
                c = count[j, row]
                weights[j] = weight_of[c]
                ranked[j] = c if 0 < c <= cap else NEVER
            size = 0
            for _ in range(2):  # the rarest key, then the rarest other key (ties: first)
                best = 0
                for j in range(1, families):
                    if ranked[j] < ranked[best]:
                        best = j
                if ranked[best] != NEVER:
                    first = offsets[best] + low[best, row]
                    for k in range(first, first + count[best, row]):
                        buffer[size] = order[k]
                        size += 1
                ranked[best] = NEVER
            links[row] = -1
            best_bits[row] = 0.0
            best_groups[row] = 0
            if size == 0:
                continue
            buffer[:size].sort()
            cands = buffer
            top = -np.inf
            top_agreed = 0
            top_clashed = 0
            top_cand = -1
            previous = -1
            for k in range(size):
                cand = cands[k]
                if cand == previous:
                    continue
                previous = cand
                total_bits = 0.0
                agreed = 0
                clashed = 0
                for g in range(group_starts.size - 1):
                    most = 0.0
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
                            weight = weights[j]
                        elif mine != 0 and other != 0:
                            clash = True
                        most = max(most, weight)
                        added += weight
                        if weight > 0:
                            agreeing += 1
                            weakest = min(weakest, weight)
                    if group_max[g]:
                        group_bits = most
                    elif agreeing >= 2:
                        group_bits = added - weakest
                    else:
                        group_bits = added
                    total_bits += group_bits
                    if group_bits > 0:
                        agreed += 1
                    elif clash:
                        clashed += 1
                if total_bits > top:
                    top, top_agreed, top_clashed, top_cand = total_bits, agreed, clashed, cand
            best_bits[row] = top
            best_groups[row] = top_agreed
            if top_agreed >= 2 and top >= threshold and top_agreed >= top_clashed:
                links[row] = top_cand


def link_best(
    ours: np.ndarray,
    index: StackedIndex,
    weight_of: np.ndarray,
    *,
    cap: int,
    theirs: np.ndarray,
    groups: list[list[int]],
    group_max: list[bool],
    threshold: float,
    chunk_rows: int = 200_000,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per sample row (``ours``: families x rows of digests): the cohort row it links to (-1:
    none), the evidence of its best candidate and that candidate's agreeing groups.

    Candidates are the cohort rows sharing one of the row's two rarest digests (``0 < count <=
    cap``); each is scored on every family (agreement on a digest ``count`` rows share is worth
    ``weight_of[count]`` bits), the first with the most evidence wins, and it links when two
    groups agree, the evidence reaches ``threshold`` and no more groups disagree than agree:
    in one pass per chunk of rows (digests are looked up a family at a time first, which keeps
    one family's index in cache while it is used).
    """
    families, n = ours.shape
    links = np.empty(n, dtype=np.int64)
    best_bits = np.empty(n)
    best_groups = np.empty(n, dtype=np.int64)
    if n == 0:
        return links, best_bits, best_groups
    members = np.array([j for group in groups for j in group], dtype=np.int64)
    group_starts = np.cumsum([0] + [len(group) for group in groups]).astype(np.int64)
    group_flags = np.array(group_max, dtype=np.bool_)
    wait_warm_up("digest_index")
    for start in range(0, n, chunk_rows):
        stop = min(n, start + chunk_rows)
        mine = np.ascontiguousarray(ours[:, start:stop])
        low = np.empty(mine.shape, dtype=np.int64)
        count = np.empty(mine.shape, dtype=np.int64)
        for j in range(families):
            ordered, _, starts, shift = index.family(j)
            _lookup(ordered, starts, shift, mine[j], low[j], count[j])
        _link(
            mine, low, count, index.order, index.offsets, weight_of, cap, theirs, members,
            group_starts, group_flags, threshold, links[start:stop], best_bits[start:stop],
            best_groups[start:stop],
        )  # fmt: skip
    return links, best_bits, best_groups


def load_kernels() -> None:
    """Run every kernel once on tiny inputs of the types linkage uses (loads numba's cache)."""
    for dtype, bits in ((np.uint32, 32), (np.uint16, 16)):
        ordered, _, starts, shift = sort_digests(np.ones(2, dtype=dtype), bits)
        lookup(ordered, starts, shift, ordered)
    index = stack_index([np.ones(2, dtype=np.uint32), np.ones(2, dtype=np.uint16)], [32, 16])
    ordered, _, starts, shift = index.family(0)
    lookup(ordered, starts, shift, ordered)
    link_best(
        np.ones((2, 1), dtype=np.uint32), index, np.zeros(3), cap=64, theirs=np.ones((2, 2),
        dtype=np.uint32), groups=[[0], [1]], group_max=[True, True], threshold=1.0,
    )  # fmt: skip
