"""The digest index behind row linkage: one-pass sort, bucket index, look-ups, kernel warm-up."""

from __future__ import annotations

import numpy as np
import pytest

from matcher import prf
from matcher.digest_index import (
    build_buckets,
    lookup,
    lookup_stacked,
    sort_digests,
    stack_index,
)
from matcher.linkkeys import _distinct_at_least

RNG = np.random.default_rng(7)
CASES: dict[str, np.ndarray] = {
    "empty": np.zeros(0, dtype=np.uint32),
    "one row": np.array([5], dtype=np.uint32),
    "all missing": np.zeros(10, dtype=np.uint16),
    "random 32-bit": RNG.integers(0, 2**32, 50_000, dtype=np.uint64).astype(np.uint32),
    "random 16-bit": RNG.integers(0, 2**16, 50_000).astype(np.uint16),
    "few common values": RNG.choice(RNG.integers(1, 2**32, 300, dtype=np.uint64), 50_000).astype(
        np.uint32
    ),
    "half missing": np.where(
        RNG.random(50_000) < 0.5, 0, RNG.integers(1, 2**32, 50_000, dtype=np.uint64)
    ).astype(np.uint32),
    "one bucket, many ties": RNG.integers(0, 40, 50_000).astype(np.uint32),
    "16-bit, a bucket per value": RNG.integers(0, 2**16, 200_000).astype(np.uint16),
}


@pytest.mark.parametrize("name", list(CASES))
def test_sort_digests_is_a_stable_argsort_with_the_bucket_index(name: str) -> None:
    digests = CASES[name]
    bits = 8 * digests.itemsize
    ordered, order, starts, shift = sort_digests(digests, bits)
    assert (shift == 0) is (name == "16-bit, a bucket per value")
    assert np.array_equal(ordered, np.sort(digests))
    assert np.array_equal(order, np.argsort(digests, kind="stable"))
    want_starts, want_shift = build_buckets(np.sort(digests), bits)
    assert shift == want_shift
    assert np.array_equal(starts, want_starts)


def test_lookup_on_the_sorted_digests_counts_each_value() -> None:
    digests = CASES["few common values"]
    ordered, order, starts, shift = sort_digests(digests, 32)
    needles = np.concatenate([digests[:100], np.zeros(1, np.uint32)])
    low, count = lookup(ordered, starts, shift, needles)
    for needle, first, many in zip(needles[:-1], low[:-1], count[:-1], strict=True):
        assert many == np.count_nonzero(digests == needle)
        assert np.all(digests[order[first : first + many]] == needle)
    assert count[-1] == 0  # the missing digest never matches


def test_stacked_lookup_matches_the_lookup_of_each_family() -> None:
    """The stacked index holds each family as :func:`sort_digests` sorts it, and the grouped
    look-up of all families at once gives each family's :func:`lookup` exactly:
    hits, misses, the missing digest, 16-bit families, ties, empty families, a large one
    (more buckets than the 2**12 groups) and a large 16-bit one (a bucket per value)."""
    large = RNG.integers(1, 2**32, 300_000, dtype=np.uint64).astype(np.uint32)
    large16 = CASES["16-bit, a bucket per value"].copy()
    large16[large16 == 77] = 78  # a value no entry has
    families = [*CASES.values(), large, large16]
    bits = [8 * d.itemsize for d in families]
    index = stack_index(families, bits)
    size = 2_000
    needles = np.zeros((len(families), size), dtype=np.uint32)
    for j, digests in enumerate(families):
        random = RNG.integers(0, 2 ** bits[j], size, dtype=np.uint64)
        if digests.size:
            present = digests[RNG.integers(0, digests.size, size)].astype(np.uint64)
            random = np.where(RNG.random(size) < 0.5, present, random)
        needles[j] = random.astype(np.uint32)
    needles[:, ::9] = 0
    needles[-1, 1] = 77
    assert index.shifts[-1] == 0
    low, count = lookup_stacked(index, needles)
    for j, digests in enumerate(families):
        ordered, order, starts, shift = index.family(j)
        alone = sort_digests(digests, bits[j])  # the families sort in threads: same arrays
        assert np.array_equal(ordered, alone[0]) and np.array_equal(order, alone[1])
        assert np.array_equal(starts, alone[2]) and shift == alone[3]
        want_low, want_count = lookup(ordered, starts, shift, needles[j].astype(digests.dtype))
        assert np.array_equal(count[j], want_count), j
        assert np.array_equal(low[j], want_low), j


@pytest.mark.parametrize(
    ("values", "least", "expected"),
    [
        (np.zeros(0, np.int64), 1, False),
        (np.arange(5, dtype=np.int64), 5, True),
        (np.arange(5, dtype=np.int64), 6, False),
        (np.repeat(np.arange(300, dtype=np.int64), 100), 200, True),  # prefix has too few
        (np.repeat(np.arange(150, dtype=np.int64), 100), 200, False),
        (np.arange(10_000, dtype=np.int64) % 199, 200, False),
    ],
)
def test_distinct_at_least(values: np.ndarray, least: int, expected: bool) -> None:
    assert _distinct_at_least(values, least) is expected
    assert (np.unique(values).size >= least) is expected


def test_warm_up_then_hashing_gives_the_same_digests() -> None:
    key = bytes(range(16))
    codes = np.arange(1000, dtype=np.uint64)
    prf.start_warm_up()
    prf.start_warm_up()  # once per process
    prf.wait_warm_up()
    assert all(prf._loaded[part].is_set() for part in prf.PARTS)  # every group loaded
    hashed = prf.siphash_codes(key, codes)
    assert int(hashed[3]) == prf.siphash24(key, (3).to_bytes(8, "little"))


def test_a_subset_of_a_stacked_index_is_those_families_stacked_alone() -> None:
    families = [CASES["random 32-bit"], CASES["random 16-bit"], CASES["few common values"]]
    bits = [32, 16, 32]
    index = stack_index(families, bits)
    picked = index.subset([2, 0])
    alone = stack_index([families[2], families[0]], [32, 32])
    needles = np.stack([families[2][:500], families[0][:500]]).astype(np.uint32)
    needles[:, ::7] = 0
    for j in range(2):
        got, want = picked.family(j), alone.family(j)
        assert all(np.array_equal(a, b) for a, b in zip(got[:3], want[:3], strict=True))
        assert got[3] == want[3]
    for got, want in zip(
        lookup_stacked(picked, needles), lookup_stacked(alone, needles), strict=True
    ):
        assert np.array_equal(got, want)
