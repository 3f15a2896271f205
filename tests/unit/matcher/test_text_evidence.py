"""Evidence finding: schema and size patterns, term order, lazy snippets, the alias memo."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from matcher.text import claims, evidence
from matcher.text.claims import _FIELD_IDS, _FIELD_STYLES, schema_hits, size_hits
from matcher.text.evidence import compile_profile, find_aliases, find_evidence
from matcher.text.hits import SNIPPET_MAX, Hit, snippet
from matcher.text.normalise import normalise
from matcher.text.profile import default_profile
from matcher.text.terms import index_terms, term_hits

KNOWN = frozenset({31, 21022, 53})
SCHEMA = [
    ("styled", "columns 31-0.0 and more", ["31-0.0"]),
    ("styled with f.", "f.31.0.0 sex", ["f.31.0.0"]),
    ("rap", "p31 p53_i0", ["p31", "p53_i0"]),
    ("rap unknown id", "p99999", []),
    ("rap inside a word", "xp31 sp31", []),
    ("readable", "sex_f31_0_0", ["f31_0_0"]),
    ("eid", "eid, f.eid", ["eid", "eid"]),
    ("eid inside a word", "reid eidos", []),
    ("one bare id is not enough", "field 21022 only", []),
    ("two bare ids", "21022 and 53 plus 31", []),  # 53 and 31 are too short to be bare IDs
    ("two known bare ids", "21022, 21022 and 31-0.0", ["31-0.0"]),
    ("decimal is not an id", "21022.5 31022,1", []),
    ("glued to chinese", "表头为31-0.0格式, 字段f.31.0.0等", ["31-0.0", "f.31.0.0"]),
    ("inside a latin word", "x31-0.0 31-0.0b", []),
]


@pytest.mark.parametrize(("case", "text", "terms"), SCHEMA, ids=[c[0] for c in SCHEMA])
def test_schema_styles(case: str, text: str, terms: list[str]) -> None:
    assert [h.term for h in schema_hits(text, KNOWN)] == terms


def test_two_distinct_known_bare_ids_count() -> None:
    hits = list(schema_hits("ids 21022 and 12345", frozenset({21022, 12345})))
    assert [h.term for h in hits] == ["21022", "12345"]


def test_the_pattern_without_eid_agrees_on_text_without_eid() -> None:
    text = "f.31.0.0 p53_i0 sex_f31_0_0 31-0.0 21022 12345 f.e p7 e9 _f1_2_3"
    with_eid = [(m.span(), m.lastgroup) for m in _FIELD_STYLES.finditer(text)]
    without = [(m.span(), m.lastgroup) for m in _FIELD_IDS.finditer(text)]
    assert with_eid == without and len(with_eid) == 8


SIZES = [
    ("thousands", "488k participants", ["488k"]),
    ("wan", "50万人", ["50万"]),
    ("grouped digits", "502,411 people", ["502,411"]),
    ("million", "0.5 million", ["0.5 million"]),
    ("too small", "5k rows", []),
    ("tail of a longer number", "1234567890", []),
]


@pytest.mark.parametrize(("case", "text", "terms"), SIZES, ids=[c[0] for c in SIZES])
def test_size_claims(case: str, text: str, terms: list[str]) -> None:
    assert [h.term for h in size_hits(text, size_min=100_000, size_max=1_000_000)] == terms


@pytest.mark.parametrize(
    ("size_min", "terms"), [(1, ["5", "12", "150", "1.5"]), (100, ["150"]), (151, [])]
)
def test_short_numbers_count_when_the_bounds_are_low(size_min: int, terms: list[str]) -> None:
    """Numbers too short to reach the bounds are passed over unread: not those that can."""
    text = "5 boxes, 12 rows, 150 samples, 1.5 gb"
    assert [h.term for h in size_hits(text, size_min=size_min, size_max=999)] == terms


def test_term_hits_come_longest_first_then_in_text_order() -> None:
    compiled = compile_profile(default_profile())
    text = normalise("price negotiable, bulk discount, genotype and phenotype data, download link")
    hits = [h for h in term_hits(text, compiled.terms)]
    keys = [(h.start - h.end, h.start) for h in hits]
    assert keys == sorted(keys)
    assert {"download link", "genotype", "phenotype", "price"} <= {h.term for h in hits}


def test_reasons_do_not_depend_on_the_hash_seed() -> None:
    script = (
        "from matcher.listing_text import UK_BIOBANK_PROFILE as P, score_listing_text as s\n"
        "r = s(title='UKB genotype data', text='phenotype genotype imputed bgen participants, "
        "price negotiable, bulk discount, 488k', profile=P)\n"
        "print(repr(r.reasons))\n"
    )
    root = Path(__file__).resolve().parents[3]
    outputs = set()
    for seed in ("1", "2", "3"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-c", script], cwd=root, env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        outputs.add(done.stdout)
    assert len(outputs) == 1


def test_hit_snippet_is_cut_on_demand_and_repr_stays_short() -> None:
    text = "x" * 500 + " uk biobank " + "y" * 500
    hit = Hit("alias", "alias", "uk biobank", text, 501, 511)
    assert hit.snippet == snippet(text, 501, 511)
    assert len(hit.snippet) <= SNIPPET_MAX
    assert len(repr(hit)) < 200


def test_alias_memo_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    compiled = compile_profile(default_profile())
    monkeypatch.setattr(evidence, "MAX_MEMO", len(compiled.alias_memo) + 2)
    spellings = ["u.k. biobank", "u-k-biobank", "uk b1obank", "uk bi0bank", "u k biobank"]
    for spelled in spellings:
        hits = find_aliases(spelled, compiled)
        assert [h.term for h in hits] == ["uk biobank"]
    assert len(compiled.alias_memo) <= evidence.MAX_MEMO


@pytest.mark.parametrize(
    ("text", "aliases"),
    [
        ("bukb and xukbiobank", []),  # a Latin alias starts a word
        ("3ukb", []),
        ("(ukb) ukb数据 英国生物样本库", ["ukb", "ukb数据", "英国生物样本库"]),
        ("出英国生物样本库", ["英国生物样本库"]),  # a Chinese one anywhere
    ],
)
def test_latin_aliases_start_a_word(text: str, aliases: list[str]) -> None:
    assert [h.term for h in find_aliases(text, compile_profile(default_profile()))] == aliases


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("uk biobank ٥٠٠k participants", ("size", "size", "٥٠٠k")),  # Arabic-Indic digits
        ("uk biobank eid|sex|age", ("schema", "participant id column", "eid")),  # no digit
        ("uk biobank 500k participants, 300u", ("cue", "offer", "300u")),
    ],
)
def test_evidence_without_ascii_digits_is_still_found(
    text: str, expected: tuple[str, str, str]
) -> None:
    compiled = compile_profile(default_profile())
    assert expected in [(h.kind, h.group, h.term) for h in find_evidence(text, compiled)]


@pytest.mark.parametrize("name", ["_NUMBER", "_FIELD_STYLES", "_FIELD_IDS"])
def test_ascii_copies_of_the_digit_patterns_match_alike_in_ascii_text(name: str) -> None:
    unicode, ascii_only = getattr(claims, name), getattr(claims, f"{name}_ASCII")
    assert "\\d" not in ascii_only.pattern
    rng = random.Random(5)
    alphabet = "0123456789 .,_-'xkmwefpid"
    texts = ["f.31.0.0 p53_i0 sex_f31_0_0 31-0.0 21022 eid f.eid 488,000 502,4xx 0.5 5 mio"]
    texts += [
        "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 40))) for _ in range(5_000)
    ]
    for text in texts:
        found = [(m.span(), m.lastgroup, m.groups()) for m in unicode.finditer(text)]
        assert found == [(m.span(), m.lastgroup, m.groups()) for m in ascii_only.finditer(text)]
    # outside ASCII they differ, which is why only ASCII text takes the copies
    assert unicode.search("٣١-٠.٠ ٤٨٨k") and not ascii_only.search("٣١-٠.٠ ٤٨٨k")


def test_words_and_phrases_count_as_whole_words_and_chinese_terms_anywhere() -> None:
    index = index_terms(
        {
            "data": (("cue", "data"),),
            "for sale": (("cue", "offer"),),
            "#ukb": (("cue", "release"),),
            "出售": (("cue", "offer"),),
        }
    )

    def found(text: str) -> list[tuple[str, int, int]]:
        return [(h.term, h.start, h.end) for h in term_hits(text, index)]

    assert found("database datas data") == [("data", 9, 14), ("data", 15, 19)]  # plural too
    assert found("bigdata for sales") == [("for sale", 8, 17)]
    assert found("for saleroom") == []
    assert found("低价出售") == [("出售", 2, 4)]
    # a phrase whose only word ends it, then a plural: only where that word also stands alone
    assert found("#ukbs") == []
    assert found("#ukbs and ukb") == [("#ukb", 0, 5)]
