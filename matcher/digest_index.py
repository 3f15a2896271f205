"""The digest index behind row linkage: sorted digests, bucket indexes and look-ups (numba).

A family's digests are kept sorted with a bucket index over their top bits
(:func:`build_buckets`), so looking up a sample digest (:func:`lookup`) costs one bucket read and
a binary search within it instead of one over the whole cohort. :func:`stack_index` sorts the
families a scan needs into one :class:`StackedIndex` (a family per core), with each family's
distinct values, where :func:`lookup_stacked` looks up a chunk of sample rows in every family,
each family's digests in the index's order, among its distinct values (most families hold a few
thousand values in runs of hundreds of rows). :mod:`matcher.link_kernel` scores the candidates
these look-ups find. All run on all cores; pure.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numba
import numpy as np

from matcher.prf import wait_warm_up

ROWS_PER_BUCKET = 4
ROW = np.int32  # a cohort row in a sorted family's row order (a cohort under 2**31 rows)


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
    sort inside each bucket: ``order`` (rows, ties by row), ``ordered`` and bucket ``starts``.
    Each digest travels with its row, so the sort within a bucket reads only that bucket's
    entries (no look-up of a row's digest, which would be a cache miss each)."""
    buckets = starts.size - 1
    starts[:] = 0
    for i in range(digests.size):
        starts[(np.int64(digests[i]) >> shift) + 1] += 1
    for b in range(buckets):
        starts[b + 1] += starts[b]
    fill = starts[:-1].copy()
    for i in range(digests.size):
        bucket = np.int64(digests[i]) >> shift
        at = fill[bucket]
        order[at] = i
        ordered[at] = digests[i]
        fill[bucket] = at + 1
    if shift == 0:  # one value per bucket: already sorted, ties by row
        return
    for b in range(buckets):
        lo, hi = starts[b], starts[b + 1]
        if hi - lo > 32:
            segment = np.argsort(ordered[lo:hi], kind="mergesort")
            order[lo:hi] = order[lo:hi][segment]
            ordered[lo:hi] = ordered[lo:hi][segment]
            continue
        for i in range(lo + 1, hi):
            row = order[i]
            value = ordered[i]
            k = i - 1
            while k >= lo and ordered[k] > value:
                order[k + 1] = order[k]
                ordered[k + 1] = ordered[k]
                k -= 1
            order[k + 1] = row
            ordered[k + 1] = value


@numba.njit(cache=True, nogil=True)
def _count_distinct(ordered: np.ndarray) -> int:
    """How many distinct values sorted ``ordered`` holds."""
    count = 0
    for i in range(ordered.size):
        if i == 0 or ordered[i] != ordered[i - 1]:
            count += 1
    return count


@numba.njit(cache=True, nogil=True)
def _distinct_into(
    ordered: np.ndarray,
    starts: np.ndarray,
    distinct: np.ndarray,
    runs: np.ndarray,
    distinct_starts: np.ndarray,
) -> None:
    """The distinct values of sorted ``ordered``, each with where its run of equal entries
    starts (``runs``), and their bucket index (``distinct_starts``: the buckets of ``starts``).
    A look-up then searches a bucket's few distinct values, not a run of equal digests: a
    family of a few thousand values (most measurements) has runs of hundreds in one bucket,
    and two binary searches through one cost more than the rest of the look-up."""
    k = 0
    for b in range(starts.size - 1):
        distinct_starts[b] = k
        for i in range(starts[b], starts[b + 1]):
            if i == starts[b] or ordered[i] != ordered[i - 1]:
                distinct[k] = ordered[i]
                runs[k] = i
                k += 1
    distinct_starts[starts.size - 1] = k


def _check_rows(rows: int) -> None:
    if rows >= 2**31:
        raise ValueError("a fingerprint family must have fewer than 2**31 rows")


def _aligned(digests: np.ndarray) -> np.ndarray:
    """``digests`` contiguous and aligned for the kernels (a fingerprint loaded with
    ``map_file`` holds views of its file, where an array starts wherever its ZIP member does)."""
    return np.require(digests, requirements=("C", "A"))


def sort_digests(digests: np.ndarray, bits: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """``bits``-bit digests sorted in one pass: the sorted digests, the rows in that order (ties
    by row, as a stable argsort) and the bucket index of :func:`build_buckets`."""
    _check_rows(digests.size)
    wait_warm_up("digest_index")
    bucket_bits = _bucket_bits(digests.size, bits)
    order = np.empty(digests.size, dtype=ROW)
    ordered = np.empty_like(digests)
    starts = np.empty((1 << bucket_bits) + 1, dtype=np.int64)
    _sort_into(_aligned(digests), bits - bucket_bits, order, ordered, starts)
    return ordered, order, starts, bits - bucket_bits


@numba.njit(cache=True, nogil=True, inline="always")
def _equal_range(ordered: np.ndarray, lo: int, hi: int, x: np.int64) -> tuple[int, int]:
    """The entries equal to ``x`` among ``ordered[lo:hi]`` (sorted): the first such position and
    the one past the last, by two binary searches (a bucket of a common value can be long)."""
    end = hi
    while lo < hi:  # first entry >= x
        mid = (lo + hi) >> 1
        if np.int64(ordered[mid]) < x:
            lo = mid + 1
        else:
            hi = mid
    first, hi = lo, end
    while lo < hi:  # first entry > x
        mid = (lo + hi) >> 1
        if np.int64(ordered[mid]) <= x:
            lo = mid + 1
        else:
            hi = mid
    return first, lo


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
        first, end = _equal_range(ordered, starts[b], starts[b + 1], x)
        low[i] = first
        count[i] = end - first


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
    """Several families' sorted digests, row orders and bucket indexes in shared arrays: family
    ``j``'s ``sizes[j]`` entries start at ``offsets[j]``, its ``2**bucket_bits[j] + 1`` bucket
    starts at ``bucket_offsets[j]`` (they already point into the shared arrays), and so does
    the bucket index of its distinct values (pointing into ``distinct`` and ``runs``)."""

    ordered: np.ndarray  # uint32
    order: np.ndarray  # int32 rows (ROW), ties by row
    starts: np.ndarray  # int64
    distinct: np.ndarray  # uint32: each family's distinct values, sorted, family by family
    runs: np.ndarray  # int32 (ROW): where each distinct value's run starts in its family
    distinct_starts: np.ndarray  # int64: bucket index over ``distinct``, as ``starts``
    offsets: np.ndarray
    sizes: np.ndarray
    bucket_offsets: np.ndarray
    bucket_bits: np.ndarray
    shifts: np.ndarray

    def family(self, j: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
        """Family ``j`` as :func:`sort_digests` gives it (views into the stacked arrays)."""
        lo = int(self.offsets[j])
        hi = lo + int(self.sizes[j])
        first = int(self.bucket_offsets[j])
        starts = self.starts[first : first + (1 << int(self.bucket_bits[j])) + 1] - lo
        return self.ordered[lo:hi], self.order[lo:hi], starts, int(self.shifts[j])

    def subset(self, families: Sequence[int]) -> StackedIndex:
        """These families (by position), in this order, sharing this index's arrays."""
        pick = np.asarray(families, dtype=np.int64)
        return StackedIndex(
            self.ordered, self.order, self.starts, self.distinct, self.runs,
            self.distinct_starts, self.offsets[pick], self.sizes[pick],
            self.bucket_offsets[pick], self.bucket_bits[pick], self.shifts[pick],
        )  # fmt: skip


def stack_index(digests: list[np.ndarray], bits: list[int]) -> StackedIndex:
    """Sort each family's digests (as :func:`sort_digests`) into one :class:`StackedIndex`."""
    sizes = [d.size for d in digests]
    _check_rows(max(sizes, default=0))
    wait_warm_up("digest_index")
    offsets = np.concatenate(([0], np.cumsum(sizes))).astype(np.int64)
    bucket_bits = [_bucket_bits(d.size, b) for d, b in zip(digests, bits, strict=True)]
    buckets = [(1 << b) + 1 for b in bucket_bits]
    bucket_offsets = np.concatenate(([0], np.cumsum(buckets))).astype(np.int64)
    ordered = np.empty(int(offsets[-1]), dtype=np.uint32)
    order = np.empty(int(offsets[-1]), dtype=ROW)
    starts = np.empty(int(bucket_offsets[-1]), dtype=np.int64)
    distinct_starts = np.empty_like(starts)
    shifts = np.array([b - k for b, k in zip(bits, bucket_bits, strict=True)], dtype=np.int64)
    counts = np.zeros(len(digests), dtype=np.int64)

    def sort_family(j: int) -> None:
        lo, hi = offsets[j], offsets[j + 1]
        window = starts[bucket_offsets[j] : bucket_offsets[j + 1]]
        _sort_into(_aligned(digests[j]), int(shifts[j]), order[lo:hi], ordered[lo:hi], window)
        counts[j] = _count_distinct(ordered[lo:hi])

    def list_distinct(j: int) -> None:
        lo, hi = offsets[j], offsets[j + 1]
        first, last = distinct_offsets[j], distinct_offsets[j + 1]
        window = starts[bucket_offsets[j] : bucket_offsets[j + 1]]
        distinct_window = distinct_starts[bucket_offsets[j] : bucket_offsets[j + 1]]
        _distinct_into(
            ordered[lo:hi], window, distinct[first:last], runs[first:last], distinct_window
        )
        window += lo
        distinct_window += first

    # the families sort independently, each into its own slices, one per core (the kernel
    # releases the GIL): the same arrays as sorting them one after another. Their distinct
    # values are listed once counted, in arrays of their size: a long-running service keeps
    # the index, and in huge pages an array as large as the digests would all be resident
    workers = max(1, min(len(digests), numba.get_num_threads()))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(sort_family, range(len(digests))))
        distinct_offsets = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)
        distinct = np.empty(int(distinct_offsets[-1]), dtype=np.uint32)
        runs = np.empty(int(distinct_offsets[-1]), dtype=ROW)
        list(pool.map(list_distinct, range(len(digests))))
    return StackedIndex(
        ordered, order, starts, distinct, runs, distinct_starts, offsets[:-1],
        np.array(sizes, dtype=np.int64),
        bucket_offsets[:-1], np.array(bucket_bits, dtype=np.int64), shifts,
    )  # fmt: skip


GROUP_BITS = 12  # look-ups are grouped by their digest's top bits (:func:`_lookup_grouped`)


@numba.njit(cache=True, nogil=True, inline="always")
def _lower_bound(values: np.ndarray, lo: int, hi: int, x: np.int64) -> int:
    """The first position among ``values[lo:hi]`` (sorted) whose value is ``x`` or more."""
    while lo < hi:
        mid = (lo + hi) >> 1
        if np.int64(values[mid]) < x:
            lo = mid + 1
        else:
            hi = mid
    return lo


@numba.njit(parallel=True, cache=True, nogil=True)
def _lookup_grouped(
    starts: np.ndarray,
    distinct: np.ndarray,
    runs: np.ndarray,
    distinct_starts: np.ndarray,
    offsets: np.ndarray,
    sizes: np.ndarray,
    bucket_offsets: np.ndarray,
    bucket_bits: np.ndarray,
    shifts: np.ndarray,
    needles: np.ndarray,
    low: np.ndarray,
    count: np.ndarray,
) -> None:
    """:func:`_lookup` of every family of a :class:`StackedIndex` at once (``needles``:
    families x rows), one family per thread. Each family's needles are first put in the order
    of their top ``GROUP_BITS`` bits (a counting sort of their positions), so the look-ups
    walk the family's bucket index and distinct values from start to end, a few cache lines
    at a time, instead of two cache misses each. A needle's position and count come from the
    run of its distinct value (:func:`_distinct_into`): the same as searching the sorted
    digests, misses included (the position where the needle would be)."""
    families, n = needles.shape
    for j in numba.prange(families):
        first_bucket = bucket_offsets[j]
        bits = bucket_bits[j]
        shift = shifts[j]
        base = offsets[j]
        distinct_end = distinct_starts[first_bucket + (1 << bits)]
        if shift == 0:  # a bucket per value (16-bit families): the bucket is the equal range
            for i in range(n):
                x = np.int64(needles[j, i])
                b = first_bucket + x
                low[j, i] = starts[b] - base if x != 0 else 0
                count[j, i] = starts[b + 1] - starts[b] if x != 0 else 0
            continue
        group_shift = shift + max(bits - GROUP_BITS, 0)
        fill = np.zeros((1 << min(bits, GROUP_BITS)) + 1, dtype=np.int64)
        for i in range(n):
            fill[(np.int64(needles[j, i]) >> group_shift) + 1] += 1
        for g in range(fill.size - 1):
            fill[g + 1] += fill[g]
        positions = np.empty(n, dtype=np.int32)  # lookup_stacked: fewer than 2**31 rows
        values = np.empty(n, dtype=needles.dtype)
        for i in range(n):
            g = np.int64(needles[j, i]) >> group_shift
            positions[fill[g]] = i
            values[fill[g]] = needles[j, i]
            fill[g] += 1
        for k in range(n):
            row = np.int64(positions[k])
            x = np.int64(values[k])
            if x == 0:
                low[j, row] = 0
                count[j, row] = 0
                continue
            b = first_bucket + (x >> shift)
            # the first distinct value from x on (a later bucket's first when x is past this
            # bucket's values): its run starts where x would, and is x's run if it equals x
            d = _lower_bound(distinct, distinct_starts[b], distinct_starts[b + 1], x)
            found = runs[d] if d < distinct_end else sizes[j]
            end = found
            if d < distinct_end and np.int64(distinct[d]) == x:
                end = runs[d + 1] if d + 1 < distinct_end else sizes[j]
            low[j, row] = found
            count[j, row] = end - found


def lookup_stacked(
    index: StackedIndex,
    needles: np.ndarray,
    *,
    out: tuple[np.ndarray, np.ndarray] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Per family ``j`` and needle ``needles[j, i]``: :func:`lookup` in ``index.family(j)``
    (the first position, relative to the family, and how many entries equal it), written
    into ``out`` (two C-contiguous int32 arrays of the needles' shape) when given."""
    if needles.ndim != 2 or needles.shape[1] >= 2**31:
        raise ValueError("needles must be families x rows, under 2**31 rows")
    if out is None:
        out = np.empty(needles.shape, dtype=ROW), np.empty(needles.shape, dtype=ROW)
    low, count = out
    if needles.size:
        wait_warm_up("digest_index")
        _lookup_grouped(
            index.starts, index.distinct, index.runs, index.distinct_starts, index.offsets,
            index.sizes, index.bucket_offsets, index.bucket_bits,
            index.shifts, np.ascontiguousarray(needles), low, count,
        )  # fmt: skip
    return low, count


def load_kernels() -> None:
    """Run every kernel once on tiny inputs of the types linkage uses (loads numba's cache)."""
    for dtype, bits in ((np.uint32, 32), (np.uint16, 16)):
        ordered, _, starts, shift = sort_digests(np.ones(2, dtype=dtype), bits)
        lookup(ordered, starts, shift, ordered)
    index = stack_index([np.ones(2, dtype=np.uint32), np.ones(2, dtype=np.uint16)], [32, 16])
    ordered, _, starts, shift = index.family(0)
    lookup(ordered, starts, shift, ordered)
    lookup_stacked(index, np.ones((2, 1), dtype=np.uint32))
