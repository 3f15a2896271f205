"""The scorer's memos stay bounded however many distinct listings it reads."""

from __future__ import annotations

from matcher.text import scoring


def test_reason_formats_and_quoted_terms_are_bounded() -> None:
    for i in range(scoring.MAX_FORMATS + 50):
        weight = 1 + i / 7919  # any value: a fuzzy name's or the wording model's weight
        assert scoring._weighed(weight) == f" ({weight:+.1f}): "
        scoring._labelled("wording like the corpus's leak offers", weight)
    assert scoring._weighed.cache_info().currsize <= scoring.MAX_FORMATS
    assert scoring._labelled.cache_info().currsize <= scoring.MAX_FORMATS
    for i in range(scoring.MAX_MEMO + 50):
        term = f"{i}万"  # size claims quote the listing's own words
        assert scoring._quoted(term) == repr(term)
    assert len(scoring._QUOTED) <= scoring.MAX_MEMO
