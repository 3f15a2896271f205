"""The regex pre-check: literals every match holds, never a skipped match, and the gates built on it
(name patterns, close negation, the look-alike character class)."""

from __future__ import annotations

import random
import re
from types import SimpleNamespace

import pytest

from matcher.text import normalise as normalise_module
from matcher.text.evidence import compile_profile, find_named
from matcher.text.prefilter import any_needed, may_match, required_literals
from matcher.text.profile import default_profile
from matcher.text.voice import CLOSE_NEGATION, CLOSE_NEGATION_WORDS

# pattern -> its alternatives, each the sets of strings it needs (one string of each set)
REQUIRED = [
    ("a literal", "bank", [[["bank"]]]),
    ("a run beside optional parts", "bio-? ?bank", [[["bank"], ["bio"]]]),
    ("an alternation", "(?:生物样本库|样本库|biobank) ?x", [[["biobank", "样本库"], ["x"]]]),
    ("top-level alternatives", "abc|de", [[["abc"]], [["de"]]]),
    ("a repeat of at least one", "(?:ab)+c", [[["ab"], ["c"]]]),
    ("a small class", "[xy]z", [[["x", "y"], ["z"]]]),
]
NOTHING_KNOWN = [
    ("case-insensitive", "(?i)bank"),
    ("case-insensitive group", "(?i:bank)"),
    ("an optional alternative", "a|b?"),
    ("optional only", "x{0,3}"),
    ("any character", ".*"),
    ("a category", r"\d+"),
    ("a negated class", "[^a]"),
    ("a look-ahead only", "(?=abc)"),
    ("empty", ""),
    ("not a regex", "(unclosed"),
]


@pytest.mark.parametrize(("case", "pattern", "expected"), REQUIRED, ids=[c[0] for c in REQUIRED])
def test_required_literals(case: str, pattern: str, expected: list[list[list[str]]]) -> None:
    found = required_literals(pattern)
    assert found is not None, case
    assert [sorted(map(sorted, alternative)) for alternative in found] == expected


@pytest.mark.parametrize(("case", "pattern"), NOTHING_KNOWN, ids=[c[0] for c in NOTHING_KNOWN])
def test_nothing_known_means_no_precheck(case: str, pattern: str) -> None:
    assert required_literals(pattern) is None, case
    assert any_needed(None).search("anything") is not None


def _random_texts(seed: int, pieces: list[str], count: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 30))) for _ in range(count)]


def test_name_precheck_never_skips_a_match() -> None:
    """Every text a shipped name pattern matches passes the pre-check, and find_named agrees
    with the plain search on text built from the patterns' own words."""
    profile = default_profile()
    compiled = compile_profile(profile)
    assert compiled.name_needs is not None
    name_re = re.compile("|".join(profile.name_patterns))  # one alternation of every pattern
    pieces = ["british ", "brit", "uk ", "english ", "the ", "bio", "-", "bank", " ", "cohort",
              "participants", "488k", "502,411", "half a million", ".", "英国", "50万", "人",
              "的", "那个", "样本库", "生物银行", "b库", "队列", "志愿者", "(", ")", "x"]  # fmt: skip
    texts = [*_random_texts(4, pieces, 4_000), "the british biobank", "英国那个50万人的队列"]
    matched = 0
    for text in texts:
        match = name_re.search(text)
        named = find_named(text, compiled)
        assert (named is None) == (match is None), text
        if match is not None:
            matched += 1
            assert may_match(text, compiled.name_needs), text
            assert named is not None and (named.start, named.end) == match.span()
    assert matched > 100  # the random texts do reach the patterns


def test_close_negation_words_cover_every_negation() -> None:
    pieces = ["no ", "not ", "don't ", "dont ", "isn't ", "skip ", "without ", "never ", "the ",
              "a ", "x", "不", "是", "没有", "免去", "无需", "别", "要", "非", " "]  # fmt: skip
    found = 0
    for text in _random_texts(5, pieces, 4_000):
        if CLOSE_NEGATION.search(text):
            found += 1
            assert CLOSE_NEGATION_WORDS.search(text), text
    assert found > 500


def test_confusable_class_matches_exactly_the_look_alikes() -> None:
    """The class written with ranges matches the same characters as one listing each of them."""
    listed = re.compile("[" + "".join(normalise_module._CONFUSABLES) + "]")
    ranged = normalise_module._CONFUSABLE_RE
    assert "-" in ranged.pattern  # runs such as 🄰-🅉 are ranges
    for code in range(0x110000):
        char = chr(code)
        assert (listed.match(char) is None) == (ranged.match(char) is None), hex(code)


def test_an_unexpected_parse_tree_means_no_pre_check(monkeypatch: pytest.MonkeyPatch) -> None:
    """The regex parser is private: if its output ever changes shape, the pattern simply runs."""
    import matcher.text.prefilter as prefilter

    def odd_parse(pattern: str) -> object:
        raise TypeError("a parse tree of another shape")

    monkeypatch.setattr(prefilter, "_parser", SimpleNamespace(parse=odd_parse))  # not re's own
    assert prefilter.required_literals("(?<![a-z])british biobank") is None
