"""The numba kernel that links sample rows to cohort rows, and :func:`link_best`, its entry point.

Per chunk of sample rows, :func:`link_best` looks each row's digests up in a
:class:`~matcher.digest_index.StackedIndex` (:func:`~matcher.digest_index.lookup_stacked`), then
one parallel kernel finds each row's candidate cohort rows (those sharing one of its two rarest
digests), compares each on every family at once, adds up the evidence per independence group
(the rules :mod:`matcher.linkage` documents) and keeps the best. A module of its own because it
is the one part of linkage that scores; the index it reads is built and searched in
:mod:`matcher.digest_index`. Pure.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numba
import numpy as np
from numba.cpython.unsafe.numbers import trailing_zeros  # the CPU's count of trailing zeros

from matcher.digest_index import ROW, StackedIndex, lookup_stacked, stack_index
from matcher.prf import wait_warm_up

NEVER = np.iinfo(np.int64).max
BLOCK_ROWS = 512


@numba.njit(cache=True, nogil=True, inline="always")
def _group_bits(is_max: bool, most: float, added: float, weakest: float, agreeing: int) -> float:
    """A group's evidence from its agreeing members' weights (the rule :mod:`matcher.linkage`
    documents): the largest, or the sum less the weakest when two or more agree."""
    if is_max:
        return most
    if agreeing >= 2:
        return added - weakest
    return added


@numba.njit(cache=True, nogil=True, inline="always")
def _score(
    candidate: np.ndarray,
    mine: np.ndarray,
    mine_weights: np.ndarray,
    group_starts: np.ndarray,
    group_max: np.ndarray,
) -> tuple[float, int, int]:
    """A candidate's evidence, agreeing groups and disagreeing groups, member by member
    (``candidate``, ``mine``, ``mine_weights``: in group order)."""
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
            weight = 0.0
            if mine[m] != 0 and candidate[m] == mine[m]:
                weight = mine_weights[m]
            elif mine[m] != 0 and candidate[m] != 0:
                clash = True
            most = max(most, weight)
            added += weight
            if weight > 0:
                agreeing += 1
                weakest = min(weakest, weight)
        group_bits = _group_bits(group_max[g], most, added, weakest, agreeing)
        total_bits += group_bits
        if group_bits > 0:
            agreed += 1
        elif clash:
            clashed += 1
    return total_bits, agreed, clashed


@numba.njit(cache=True, nogil=True)
def _link_block(
    block: int,
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
    group_of: np.ndarray,
    group_max: np.ndarray,
    threshold: float,
    links: np.ndarray,
    best_bits: np.ndarray,
    best_groups: np.ndarray,
) -> None:
    """:func:`_link` for one block of rows (a function of its own: numba's analysis of a
    parallel loop takes a row's updates of its best candidate for reductions and fails)."""
    families, n = ours.shape
    ranked = np.empty(families, dtype=np.int64)
    buffer = np.empty(2 * cap, dtype=np.int64)
    candidate_rows = np.empty((2 * cap, families), dtype=theirs.dtype)
    mine = np.empty(families, dtype=ours.dtype)  # the row's digests and weights, group order
    mine_weights = np.empty(families)
    present = np.empty((families + 63) // 64, dtype=np.uint64)  # bits: mine[m] != 0
    for row in range(block * BLOCK_ROWS, min(n, (block + 1) * BLOCK_ROWS)):
        present[:] = 0
        for m in range(families):
            j = members[m]
            c = count[j, row]
            ranked[j] = c if 0 < c <= cap else NEVER
            mine[m] = ours[j, row]
            mine_weights[m] = weight_of[c]
            if mine[m] != 0:
                present[m >> 6] |= np.uint64(1) << np.uint64(m & 63)
        first_key = -1
        second_key = -1
        for _ in range(2):  # the rarest key, then the rarest other key (ties: first)
            best = 0
            for j in range(1, families):
                if ranked[j] < ranked[best]:
                    best = j
            if ranked[best] != NEVER:
                if first_key < 0:
                    first_key = best
                else:
                    second_key = best
            ranked[best] = NEVER
        links[row] = -1
        best_bits[row] = 0.0
        best_groups[row] = 0
        if first_key < 0:
            continue
        # each key's rows are in row order (ties by row): merge them, each row once
        a = offsets[first_key] + low[first_key, row]
        a_end = a + count[first_key, row]
        b = 0
        b_end = 0
        if second_key >= 0:
            b = offsets[second_key] + low[second_key, row]
            b_end = b + count[second_key, row]
        size = 0
        while a < a_end or b < b_end:
            if b >= b_end or (a < a_end and order[a] < order[b]):
                cand = order[a]
                a += 1
            elif a >= a_end or order[b] < order[a]:
                cand = order[b]
                b += 1
            else:
                cand = order[a]
                a += 1
                b += 1
            buffer[size] = cand
            size += 1
        # each candidate's fingerprint row is a cache miss: read in a loop that does nothing
        # else, the misses overlap (read while scoring, each waited for the one before)
        for k in range(size):
            cand = buffer[k]
            for m in range(families):
                candidate_rows[k, m] = theirs[cand, m]
        top = -np.inf
        top_k = 0
        if size == 1:
            top, agreed, clashed = _score(
                candidate_rows[0], mine, mine_weights, group_starts, group_max
            )
        else:
            # many candidates agree on a few keys: each is scored from a bit mask of the keys
            # it agrees on, visiting those alone (adding a group's 0.0 changes no sum, so the
            # bits are the same), and only the best is then compared member by member
            for k in range(size):
                total_bits = 0.0
                group = -1
                most = 0.0
                added = 0.0
                weakest = np.inf
                agreeing = 0
                for word in range(present.size):
                    agree = np.uint64(0)
                    for t in range(min(64, families - 64 * word)):
                        same = candidate_rows[k, 64 * word + t] == mine[64 * word + t]
                        agree |= np.uint64(same) << np.uint64(t)
                    agree &= present[word]
                    while agree:
                        m = 64 * word + trailing_zeros(agree)  # type: ignore[call-arg]  # intrinsic
                        agree &= agree - np.uint64(1)
                        if group_of[m] != group:
                            if group >= 0:
                                total_bits += _group_bits(
                                    group_max[group], most, added, weakest, agreeing
                                )
                            group, most, added, weakest, agreeing = group_of[m], 0.0, 0.0, np.inf, 0
                        weight = mine_weights[m]
                        most = max(most, weight)
                        added += weight
                        if weight > 0:
                            agreeing += 1
                            weakest = min(weakest, weight)
                if group >= 0:
                    total_bits += _group_bits(group_max[group], most, added, weakest, agreeing)
                if total_bits > top:
                    top, top_k = total_bits, k
            _, agreed, clashed = _score(
                candidate_rows[top_k], mine, mine_weights, group_starts, group_max
            )
        best_bits[row] = top
        best_groups[row] = agreed
        if agreed >= 2 and top >= threshold and agreed >= clashed:
            links[row] = buffer[top_k]


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
    group_of: np.ndarray,
    group_max: np.ndarray,
    threshold: float,
    links: np.ndarray,
    best_bits: np.ndarray,
    best_groups: np.ndarray,
    stride: int,
) -> None:
    blocks = (ours.shape[1] + BLOCK_ROWS - 1) // BLOCK_ROWS
    for step in numba.prange(blocks):
        block = (step * stride) % blocks  # a bijection (stride and blocks are coprime)
        _link_block(
            block, ours, low, count, order, offsets, weight_of, cap, theirs, members,
            group_starts, group_of, group_max, threshold, links, best_bits, best_groups,
        )  # fmt: skip


def _stride(blocks: int) -> int:
    """A step coprime with ``blocks`` near its golden section. The linkage kernel visits
    its blocks of rows in that order, so the contiguous share of the loop each thread takes
    (numba splits a loop's range between its threads up front) samples the whole chunk: rows
    cost very differently (a cohort row has one candidate, a row of another cohort can have
    hundreds), and a file often holds them in runs."""
    stride = max(1, int(blocks * 0.618))
    while math.gcd(stride, blocks) != 1:
        stride += 1
    return stride


def link_best(
    ours: Sequence[np.ndarray] | np.ndarray,
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
    """Per sample row (``ours``: each family's digests, by row; a families x rows array will
    do): the cohort row it links to (-1: none), the evidence of its best candidate and that
    candidate's agreeing groups. ``theirs`` holds the fingerprint's digests, rows x families,
    its columns in the order of the members of ``groups`` (group by group), as the candidates
    are scored.

    Candidates are the cohort rows sharing one of the row's two rarest digests (``0 < count <=
    cap``); each is scored on every family (agreement on a digest ``count`` rows share is worth
    ``weight_of[count]`` bits), the first with the most evidence wins, and it links when two
    groups agree, the evidence reaches ``threshold`` and no more groups disagree than agree:
    in one pass per chunk of rows (the chunk's digests are looked up first, each family's in
    the order of its index: :func:`lookup_stacked`).
    """
    n = len(ours[0]) if len(ours) else 0
    links = np.empty(n, dtype=np.int64)
    best_bits = np.empty(n)
    best_groups = np.empty(n, dtype=np.int64)
    if n == 0:
        return links, best_bits, best_groups
    members = np.array([j for group in groups for j in group], dtype=np.int64)
    group_starts = np.cumsum([0] + [len(group) for group in groups]).astype(np.int64)
    group_of = np.repeat(np.arange(len(groups)), [len(group) for group in groups]).astype(np.int64)
    group_flags = np.array(group_max, dtype=np.bool_)
    wait_warm_up("link_kernel")
    # one set of chunk buffers, reused: fresh memory for every chunk costs page faults
    width = len(ours) * min(n, chunk_rows)
    buffers = np.empty(width, np.uint32), np.empty(width, ROW), np.empty(width, ROW)
    for start in range(0, n, chunk_rows):
        stop = min(n, start + chunk_rows)
        mine, low, count = (b[: len(ours) * (stop - start)].reshape(len(ours), -1) for b in buffers)
        for j, digests in enumerate(ours):
            mine[j] = digests[start:stop]
        lookup_stacked(index, mine, out=(low, count))
        _link(
            mine, low, count, index.order, index.offsets, weight_of, cap, theirs, members,
            group_starts, group_of, group_flags, threshold, links[start:stop], best_bits[start:stop],
            best_groups[start:stop], _stride(-(-(stop - start) // BLOCK_ROWS)),
        )  # fmt: skip
    return links, best_bits, best_groups


def load_kernels() -> None:
    """Run the kernel once on tiny inputs of the types linkage uses (loads numba's cache)."""
    index = stack_index([np.ones(2, dtype=np.uint32), np.ones(2, dtype=np.uint16)], [32, 16])
    link_best(
        np.ones((2, 1), dtype=np.uint32), index, np.zeros(3), cap=64, theirs=np.ones((2, 2),
        dtype=np.uint32), groups=[[0], [1]], group_max=[True, True], threshold=1.0,
    )  # fmt: skip
