"""The quasi-identifier rule: hits of a sample's rows on the cohort's QI tuples are
participant-level only far beyond chance, also where chance alone hits most rows."""

from __future__ import annotations

import pytest

from matcher.verdict_rules import qi_beyond_chance

CASES = [
    # hits, rows, expected by chance, participant-level; the 500,000-row figures are measured
    pytest.param(40, 40, 21.15, True, id="500k-cohort-40-rows-4-qi-fields"),
    pytest.param(20, 20, 10.6, True, id="500k-cohort-20-rows"),
    pytest.param(10, 10, 5.3, False, id="500k-cohort-10-rows-not-enough"),
    pytest.param(5, 5, 2.64, False, id="500k-cohort-5-rows-chance-hits-4-of-5"),
    pytest.param(1066, 2000, 1057.5, False, id="500k-second-cohort-2000-rows"),
    pytest.param(60, 100, 50.0, False, id="above-chance-but-not-halfway"),
    pytest.param(5, 5, 0.03, True, id="rare-tuples-5-rows"),
    pytest.param(8, 50, 0.5, True, id="rare-tuples-8-of-50"),
    pytest.param(4, 4, 0.01, False, id="under-5-rows"),
    pytest.param(5, 5, 2.0, False, id="5-rows-under-3x-chance"),
    pytest.param(0, 0, 0.0, False, id="empty"),
]


@pytest.mark.parametrize(("hits", "rows", "expected", "found"), CASES)
def test_qi_beyond_chance(hits: int, rows: int, expected: float, found: bool) -> None:
    assert qi_beyond_chance(hits, rows, expected) is found
