"""Numba kernels behind :mod:`matcher.canonical`: fixed point, the 64-bit mixer and code sets.

Each computes, element for element, exactly what the numpy expression it replaces computes (the
same IEEE operations in the same order, integer arithmetic wrapping the same way), on all cores
and without the numpy temporaries. The tests compare them with those expressions.
"""

from __future__ import annotations

import numba
import numpy as np

GOLDEN = np.uint64(0x9E3779B97F4A7C15)
M1 = np.uint64(0xBF58476D1CE4E5B9)
M2 = np.uint64(0x94D049BB133111EB)
NUDGE = 1 + 1e-12
TWO63 = 2.0**63
INT64_MIN = np.iinfo(np.int64).min
BLOCK = 4096  # rows per task of the kernels that need scratch space


@numba.njit(inline="always")
def _mix(x: np.uint64) -> np.uint64:
    x = x + GOLDEN
    x ^= x >> np.uint64(30)
    x *= M1
    x ^= x >> np.uint64(27)
    x *= M2
    x ^= x >> np.uint64(31)
    return x


@numba.njit(parallel=True, cache=True, nogil=True)
def _fixed_point(values: np.ndarray, scale: float, out: np.ndarray) -> None:
    for i in numba.prange(values.size):
        x = values[i]
        if np.isnan(x):
            x = 0.0
        scaled = x * scale
        nudged = np.abs(scaled) * NUDGE + 0.5
        nudged = np.floor(nudged)
        if not nudged < TWO63:  # out of range (or infinite): what numpy's cast gives on x86
            out[i] = INT64_MIN
        else:
            out[i] = np.int64(nudged) if scaled >= 0 else -np.int64(nudged)


def fixed_point(values: np.ndarray, decimals: int, *, out: np.ndarray | None = None) -> np.ndarray:
    """``round(values * 10**decimals)`` half away from zero, as :func:`canonical.fixed_point`.

    ``out`` (int64, the size of ``values``; it may be ``values.view(np.int64)`` when ``values``
    is not needed afterwards) receives the result."""
    from matcher.prf import wait_warm_up

    source = np.ascontiguousarray(values, dtype=np.float64).reshape(-1)
    target = np.empty(source.size, dtype=np.int64) if out is None else out.reshape(-1)
    if source.size:
        wait_warm_up("codes")
        _fixed_point(source, 10.0**decimals, target)
    return target.reshape(np.shape(values))


@numba.njit(parallel=True, cache=True, nogil=True)
def _coarsen(fixed: np.ndarray, step: np.int64, out: np.ndarray) -> None:
    half = step // 2
    for i in numba.prange(fixed.size):
        x = fixed[i]
        magnitude = (abs(x) + half) // step
        out[i] = magnitude if x > 0 else (-magnitude if x < 0 else 0)


def coarsen(fixed: np.ndarray, drop: int) -> np.ndarray:
    """Fixed-point integers rounded ``drop`` more decimal places, as :func:`canonical.coarsen`."""
    from matcher.prf import wait_warm_up

    source = np.ascontiguousarray(fixed, dtype=np.int64).reshape(-1)
    out = np.empty(source.size, dtype=np.int64)
    if source.size:
        wait_warm_up("codes")
        _coarsen(source, np.int64(10**drop), out)
    return out.reshape(np.shape(fixed))


@numba.njit(parallel=True, cache=True, nogil=True)
def _mix_array(values: np.ndarray, out: np.ndarray) -> None:
    for i in numba.prange(values.size):
        out[i] = _mix(values[i])


def mix64(values: np.ndarray) -> np.ndarray:
    """The splitmix64 finaliser of each value (as uint64), as :func:`canonical.mix64`."""
    from matcher.prf import wait_warm_up

    flat = np.ascontiguousarray(values).reshape(-1)
    source = flat.astype(np.uint64, copy=False) if flat.dtype != np.uint64 else flat
    out = np.empty(flat.size, dtype=np.uint64)
    if flat.size:
        wait_warm_up("codes")
        _mix_array(source, out)
    return out.reshape(np.shape(values))


@numba.njit(parallel=True, cache=True, nogil=True)
def _combine_step(acc: np.ndarray, part: np.ndarray, index: np.uint64) -> None:
    for i in numba.prange(acc.size):
        acc[i] = _mix(acc[i] ^ _mix(np.uint64(part[i]) + index))


def combine_into(acc: np.ndarray, part: np.ndarray, index: int) -> None:
    """``acc = mix64(acc ^ mix64(part + index))`` in place (``part`` as int64 bits)."""
    from matcher.prf import wait_warm_up

    if acc.size:
        wait_warm_up("codes")
        bits = np.ascontiguousarray(part.astype(np.int64, copy=False)).view(np.uint64)
        _combine_step(acc, bits, np.uint64(index))


@numba.njit(inline="always")
def _set_code(
    values: np.ndarray, valid: np.ndarray, i: int, mixed: np.ndarray
) -> tuple[np.uint64, int]:
    """Row ``i``'s sum of distinct valid mixed members and their count (``mixed``: scratch)."""
    total = np.uint64(0)
    count = 0
    for k in range(values.shape[0]):
        mixed[k] = _mix(np.uint64(values[k, i])) if valid[k, i] else np.uint64(0)
        if not valid[k, i]:
            continue
        fresh = True
        for e in range(k):  # a code repeated in one row counts once (0: an invalid member)
            if mixed[k] == mixed[e]:
                fresh = False
                break
        if fresh:
            total += mixed[k]
            count += 1
    return total, count


@numba.njit(parallel=True, cache=True, nogil=True)
def _set_codes(
    values: np.ndarray, valid: np.ndarray, code: np.ndarray, present: np.ndarray
) -> None:
    members, n = values.shape
    for block in numba.prange((n + BLOCK - 1) // BLOCK):
        mixed = np.empty(members, dtype=np.uint64)  # each member mixed once per row
        for i in range(block * BLOCK, min(n, (block + 1) * BLOCK)):
            total, count = _set_code(values, valid, i, mixed)
            code[i] = _mix(total ^ np.uint64(count))
            present[i] = count > 0


@numba.njit(parallel=True, cache=True, nogil=True)
def _earliest(values: np.ndarray, valid: np.ndarray, low: np.ndarray, present: np.ndarray) -> None:
    members, n = values.shape
    for i in numba.prange(n):
        best = np.iinfo(np.int64).max
        for k in range(members):
            if valid[k, i] and values[k, i] < best:
                best = values[k, i]
        present[i] = best != np.iinfo(np.int64).max
        low[i] = best if present[i] else 0


def earliest(values: np.ndarray, valid: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per row (``values``/``valid``: members x rows, int64), the smallest valid value (0 when
    none) and whether there is one, as :func:`canonical.earliest`."""
    from matcher.prf import wait_warm_up

    n = values.shape[1]
    low = np.empty(n, dtype=np.int64)
    present = np.empty(n, dtype=np.bool_)
    if n:
        wait_warm_up("codes")
        _earliest(values, valid, low, present)
    return low, present


def set_codes(values: np.ndarray, valid: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per row (``values``/``valid``: members x rows), an order-free code of its set of valid
    member codes and whether the set is non-empty, as :func:`canonical.set_codes`."""
    from matcher.prf import wait_warm_up

    n = values.shape[1]
    code = np.empty(n, dtype=np.uint64)
    present = np.empty(n, dtype=np.bool_)
    if n:
        wait_warm_up("codes")
        _set_codes(values.view(np.uint64), valid, code, present)
    return code, present


def load_kernels() -> None:
    """Run every kernel once on tiny inputs of the types used (loads numba's cache)."""
    fixed_point(np.ones(2), 2)
    coarsen(np.ones(2, dtype=np.int64), 1)
    mix64(np.ones(2, dtype=np.int64))
    mix64(np.ones(2, dtype=np.uint64))
    combine_into(np.zeros(2, dtype=np.uint64), np.ones(2, dtype=np.int64), 1)
    set_codes(np.ones((2, 2), dtype=np.int64), np.ones((2, 2), dtype=np.bool_))
    earliest(np.ones((2, 2), dtype=np.int64), np.ones((2, 2), dtype=np.bool_))
