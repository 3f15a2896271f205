"""The numba kernels give, element for element, what the numpy expressions they replace give."""

from __future__ import annotations

import numpy as np

from matcher import canonical, code_kernels, linkkeys, prf
from matcher.canonical import Canon


def _fixed_point_numpy(values: np.ndarray, decimals: int) -> np.ndarray:
    scale = 10.0**decimals
    with np.errstate(invalid="ignore", over="ignore"):
        scaled = np.nan_to_num(values, nan=0.0)
        scaled *= scale
        nudged = np.abs(scaled)
        nudged *= 1 + 1e-12
        nudged += 0.5
        np.floor(nudged, out=nudged)
        np.copysign(nudged, scaled, out=nudged)
        return nudged.astype(np.int64)


def _mix64_numpy(values: np.ndarray) -> np.ndarray:
    x = values.astype(np.uint64, copy=True)
    x += np.uint64(0x9E3779B97F4A7C15)
    x ^= x >> np.uint64(30)
    x *= np.uint64(0xBF58476D1CE4E5B9)
    x ^= x >> np.uint64(27)
    x *= np.uint64(0x94D049BB133111EB)
    x ^= x >> np.uint64(31)
    return x


def _set_codes_numpy(members: list[Canon]) -> Canon:
    total = np.zeros(members[0].values.shape, dtype=np.uint64)
    count = np.zeros(members[0].values.shape, dtype=np.int64)
    seen: list[np.ndarray] = []
    for member in members:
        mixed = _mix64_numpy(member.values.view(np.uint64))
        fresh = member.valid.copy()
        for earlier in seen:
            fresh &= mixed != earlier
        total += np.where(fresh, mixed, np.uint64(0))
        count += fresh
        seen.append(np.where(member.valid, mixed, np.uint64(0)))
    code = _mix64_numpy(total ^ count.astype(np.uint64))
    return Canon(code.view(np.int64), count > 0)


def test_fixed_point_matches_numpy_on_awkward_values() -> None:
    rng = np.random.default_rng(7)
    for decimals in range(7):
        ints = rng.integers(-(10**9), 10**9, size=200_000)
        written = ints / 10.0 ** rng.integers(0, 7, size=ints.size)  # decimals as parsed
        values = np.concatenate(
            [
                written,
                rng.normal(0, 100, 50_000),
                [
                    2.675,
                    -2.675,
                    0.5,
                    -0.5,
                    -0.0,
                    1e300,
                    -1e300,
                    np.inf,
                    -np.inf,
                    np.nan,
                    9.2e18,
                    -9.3e18,
                    4.35,
                    1.005,
                ],
            ]
        )
        assert np.array_equal(
            canonical.fixed_point(values, decimals), _fixed_point_numpy(values, decimals)
        ), decimals


def _coarsen_numpy(fixed: np.ndarray, drop: int) -> np.ndarray:
    step = 10**drop
    magnitude = (np.abs(fixed) + step // 2) // step
    return np.sign(fixed) * magnitude


def test_coarsen_and_fixed_point_in_place_match_numpy() -> None:
    rng = np.random.default_rng(5)
    fixed = rng.integers(-(10**12), 10**12, size=100_000)
    fixed[:8] = [0, 5, -5, 15, -15, 49, -50, np.iinfo(np.int64).min]
    for drop in (1, 2, 3):
        assert np.array_equal(canonical.coarsen(fixed, drop), _coarsen_numpy(fixed, drop))
    values = rng.normal(0, 50, 10_000)
    expected = _fixed_point_numpy(values, 3)
    out = code_kernels.fixed_point(values, 3, out=values.view(np.int64))
    assert np.array_equal(out, expected) and np.array_equal(values.view(np.int64), expected)


def test_mixer_combine_and_sets_match_numpy() -> None:
    rng = np.random.default_rng(3)
    values = rng.integers(-(2**63), 2**63 - 1, size=100_000, dtype=np.int64)
    values[:10] = [0, -1, 1, 2**62, -(2**63), 7, 7, 7, 0, 0]
    assert np.array_equal(canonical.mix64(values.view(np.uint64)), _mix64_numpy(values))
    parts = [rng.integers(-5, 5, size=values.size) for _ in range(5)]
    acc = np.zeros(values.size, dtype=np.uint64)
    for index, part in enumerate(parts):
        acc = _mix64_numpy(
            acc ^ _mix64_numpy(part.astype(np.int64).view(np.uint64) + np.uint64(index))
        )
    assert np.array_equal(canonical.combine(parts), acc)
    members = [
        Canon(rng.integers(0, 6, size=values.size), rng.random(values.size) < 0.6) for _ in range(8)
    ]
    ours, theirs = canonical.set_codes(members), _set_codes_numpy(members)
    assert np.array_equal(ours.valid, theirs.valid)
    assert np.array_equal(ours.values, theirs.values)


def _earliest_numpy(members: list[Canon]) -> Canon:
    big = np.iinfo(np.int64).max
    stacked = np.stack([np.where(m.valid, m.values, big) for m in members])
    low = stacked.min(axis=0)
    return Canon(np.where(low == big, 0, low), low != big)


def test_earliest_matches_numpy_from_members_and_from_a_block() -> None:
    rng = np.random.default_rng(5)
    n = 30_000
    values = rng.integers(-(2**40), 2**40, size=(6, n))
    values[0, :3] = [np.iinfo(np.int64).max, np.iinfo(np.int64).min, 0]
    valid = rng.random(values.shape) < 0.3
    members = [Canon(values[k], valid[k]) for k in range(6)]
    want = _earliest_numpy(members)
    ours = canonical.earliest(members)
    assert np.array_equal(ours.values, want.values) and np.array_equal(ours.valid, want.valid)
    block = canonical.earliest_block(values[1:], valid[1:])  # a view of adjacent members
    want = _earliest_numpy(members[1:])
    assert np.array_equal(block.values, want.values) and np.array_equal(block.valid, want.valid)
    assert 0 < int(block.valid.sum()) < n


def test_truncated_digests_match_the_full_hash() -> None:
    rng = np.random.default_rng(11)
    codes = rng.integers(0, 2**63, size=50_000).astype(np.uint64)
    valid = rng.random(codes.size) < 0.9
    key = bytes(range(32))
    for bits in (32, 16):
        family = linkkeys.Family("x", "x", bits)
        hashed = prf.siphash_codes(prf.derive_key(key, family.name), codes)
        top = (hashed >> np.uint64(64 - bits)).astype(family.dtype)
        top[top == 0] = 1
        top[~valid] = 0
        out = linkkeys.digest(key, family, codes, valid)
        assert out.dtype == family.dtype and np.array_equal(out, top)
