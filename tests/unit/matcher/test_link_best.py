"""The one-pass linkage kernel links exactly as the rules say, pair by pair (a plain reference)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from matcher import linkage
from matcher.digest_index import sort_digests, stack_index
from matcher.fingerprint.model import Fingerprint
from matcher.link_kernel import _stride
from matcher.linkkeys import Family

FAMILIES = (
    Family("qi", "qi", 32, combine="max"),
    Family("visit", "qi", 32, combine="max"),
    Family("a_k0", "red", 32, 1),
    Family("b_k0", "red", 32, 2),
    Family("c_k1", "red", 16, 3, 1),
    Family("d", "f4", 32, 4),
    Family("e", "f5", 16, 5),
)
RANGES = (400, 40, 3000, 2500, 700, 6, 50)  # few distinct values: many ties and candidates
# more families than a 64-bit mask holds, their groups interleaved (scored in group order)
WIDE = (
    Family("qi", "qi", 32, combine="max"),
    *(Family(f"w{i}", f"g{i % 7}", 16 if i % 5 == 0 else 32, i) for i in range(69)),
)
WIDE_RANGES = (400, *(3000 if i % 4 == 0 else 20 + 37 * (i % 9) for i in range(69)))


def _world(
    seed: int, families: tuple[Family, ...] = FAMILIES, ranges: tuple[int, ...] = RANGES
) -> tuple[Fingerprint, dict[str, np.ndarray], int]:
    rng = np.random.default_rng(seed)
    rows, n = 3000, 500
    digests = {
        f.name: rng.integers(1, top + 1, rows).astype(f.dtype)
        for f, top in zip(families, ranges, strict=True)
    }
    for f in families:
        digests[f.name][rng.random(rows) < 0.1] = 0  # missing values
    fp = Fingerprint("k", rows, {}, families, digests)
    picked = rng.integers(0, rows, n)
    sample = {}
    for f, top in zip(families, ranges, strict=True):
        values = digests[f.name][picked].copy()
        noise = rng.random(n) < 0.3
        values[noise] = rng.integers(0, top + 1, int(noise.sum()))
        sample[f.name] = values
    return fp, sample, n


def _reference(
    fp: Fingerprint, sample: dict[str, np.ndarray], n: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The link rule, one sample row and one candidate at a time: links, evidence, groups."""
    families = [f for f in fp.families if np.any(sample[f.name])]
    total = fp.total_rows
    threshold = math.log2(total / linkage.ALPHA)
    cap = max(64, total // 500)
    groups = linkage._groups(families)
    links = np.full(n, -1)
    bits_out = np.zeros(n)
    groups_out = np.zeros(n, dtype=np.int64)
    for row in range(n):
        mine = [int(sample[f.name][row]) for f in families]
        counts = [
            int(np.count_nonzero(fp.digests[f.name] == m)) if m else 0
            for f, m in zip(families, mine, strict=True)
        ]
        weights = [np.log2(total / c) if c else 0.0 for c in counts]
        ranked = [c if 0 < c <= cap else math.inf for c in counts]
        candidates: set[int] = set()
        for _ in range(2):
            j = int(np.argmin(ranked))
            if ranked[j] != math.inf:
                found = np.flatnonzero(fp.digests[families[j].name] == mine[j])
                candidates.update(int(c) for c in found)
            ranked[j] = math.inf
        best = (-math.inf, 0, 0, -1)
        for cand in sorted(candidates):
            total_bits, agreed, clashed = 0.0, 0, 0
            for members in groups.values():
                got, clash = [], False
                for j in members:
                    other = int(fp.digests[families[j].name][cand])
                    if mine[j] and other == mine[j]:
                        got.append(weights[j])
                    elif mine[j] and other:
                        clash = True
                if families[members[0]].combine == "max" or len(members) == 1:
                    group = max(got, default=0.0)
                else:
                    group = sum(got, 0.0) - (min(got) if len(got) >= 2 else 0.0)
                total_bits += group
                agreed += group > 0
                clashed += group <= 0 and clash
            if total_bits > best[0]:
                best = (total_bits, agreed, clashed, cand)
        if best[3] >= 0:
            bits_out[row], groups_out[row] = best[0], best[1]
            if best[1] >= 2 and best[0] >= threshold and best[1] >= best[2]:
                links[row] = best[3]
    return links, bits_out, groups_out


@pytest.mark.parametrize(
    ("families", "ranges", "seeds"), [(FAMILIES, RANGES, (1, 2)), (WIDE, WIDE_RANGES, (3,))]
)
def test_linking_follows_the_rule_pair_by_pair(
    families: tuple[Family, ...], ranges: tuple[int, ...], seeds: tuple[int, ...]
) -> None:
    for seed in seeds:
        fp, sample, n = _world(seed, families, ranges)
        result = linkage.link_rows(fp, sample, rows=n)
        links, bits, groups = _reference(fp, sample, n)
        assert np.array_equal(result.links, links)
        assert np.allclose(result.bits, bits)
        assert np.array_equal(result.groups, groups)
        assert 0 < result.linked < n


def test_stacked_families_are_the_families_sorted_one_by_one() -> None:
    fp, _, _ = _world(4)
    index = stack_index([fp.digests[f.name] for f in FAMILIES], [f.bits for f in FAMILIES])
    for j, family in enumerate(FAMILIES):
        ordered, order, starts, shift = index.family(j)
        want = sort_digests(fp.digests[family.name], family.bits)
        assert np.array_equal(ordered, want[0]) and np.array_equal(order, want[1])
        assert np.array_equal(starts, want[2]) and shift == want[3]


def test_the_index_of_every_family_links_as_the_index_of_a_scans_families() -> None:
    """A service sorts every family once (index_all_families); a scan then links on a subset
    of that index: the same links and evidence as with its own index, for any subset."""
    fp, sample, n = _world(5)
    alone = linkage.link_rows(fp, sample, rows=n)
    some = {name: sample[name] for name in ("visit", "b_k0", "d", "c_k1")}
    alone_some = linkage.link_rows(fp, some, rows=n)
    served, _, _ = _world(5)
    linkage.index_all_families(served)
    for theirs, data in ((alone, sample), (alone_some, some)):
        again = linkage.link_rows(served, data, rows=n)
        assert np.array_equal(again.links, theirs.links)
        assert np.array_equal(again.bits, theirs.bits)
        assert again.expected_chance == theirs.expected_chance
    assert "stacked" not in served.cache  # no scan sorted families of its own


def test_the_linkage_kernel_visits_every_block_of_rows_once() -> None:
    for blocks in [*range(1, 400), 391, 1024, 1953]:
        stride = _stride(blocks)
        assert sorted((step * stride) % blocks for step in range(blocks)) == list(range(blocks))
