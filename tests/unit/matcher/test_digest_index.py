"""The digest index behind row linkage: one-pass sort, bucket index, look-ups, kernel warm-up."""

from __future__ import annotations

import numpy as np
import pytest

from matcher import prf
from matcher.digest_index import build_buckets, lookup, sort_digests
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
}


@pytest.mark.parametrize("name", list(CASES))
def test_sort_digests_is_a_stable_argsort_with_the_bucket_index(name: str) -> None:
    digests = CASES[name]
    bits = 8 * digests.itemsize
    ordered, order, starts, shift = sort_digests(digests, bits)
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
    hashed = prf.siphash_codes(key, codes)
    assert int(hashed[3]) == prf.siphash24(key, (3).to_bytes(8, "little"))
