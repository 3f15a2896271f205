"""Normalisation folds the obfuscations sellers use (table-driven)."""

from __future__ import annotations

import random
import unicodedata

import pytest

from matcher.text.hanzi import FOLD_HANZI
from matcher.text.normalise import (
    _CONFUSABLE_TABLE,
    disguised_reading,
    fold_alias,
    nfkc,
    normalise,
    replace_found,
    unleet,
)

NORMALISE = [
    ("full width", "ＵＫ Ｂｉｏｂａｎｋ", "uk biobank"),
    ("case", "UK BIOBANK", "uk biobank"),
    ("zero width", "UK Bio\u200bbank", "uk biobank"),
    ("joiners and bom", "U\u200dK\ufeff Bio\u2060bank", "uk biobank"),
    ("soft hyphen", "Bio\u00adbank", "biobank"),
    ("cyrillic look-alikes", "UК Віоbank", "uk biobank"),
    ("greek look-alikes", "UΚ Βiοbank", "uk biobank"),
    ("traditional chinese", "英國生物樣本庫 數據", "英国生物样本库 数据"),
    ("chinese numerals", "五十万人", "50万人"),
    ("chinese decimal", "五十点二万", "50.2万"),
    ("idiom kept", "千万不要买", "千万不要买"),
    ("spaced chinese", "英 国 生 物 样 本 库", "英国生物样本库"),
    ("words keep their space", "数据 低价", "数据 低价"),
    ("number and magnitude", "50 万 人", "50万人"),
    ("whitespace", "uk\t\n  biobank ", "uk biobank"),
    ("ideographic space", "英国\u3000生物", "英国 生物"),
    ("small capitals", "UK ʙɪᴏʙᴀɴᴋ", "uk biobank"),
    ("canadian syllabics", "ᑌK Biobank", "uk biobank"),
    ("cherokee", "UK ᏴIOᏴANK", "uk biobank"),
    ("squared letters", "🅤🅚 🄱iobank", "uk biobank"),
    ("variant character", "英囯生物样本庫", "英国生物样本库"),
    ("two-digit numerals", "二十二个中心 四十到六十九岁 十二", "22个中心 40到69岁 12"),
    ("bare ten stays a word", "十分 十全十美 第十", "十分 十全十美 第十"),
    ("combining styling", "U̲K̲ b̶i̶o̶b̶a̶n̶k̶", "uk biobank"),
    ("keycap kept", "1\u20e3 uk", "1\u20e3 uk"),
]
FOLD = [
    ("dots and hyphen", "U.K. Bio-bank", "ukbiobank"),
    ("spaced letters", "U K B", "ukb"),
    ("leet one", "UK B1obank", "ukbiobank"),
    ("leet zero", "Bi0bank", "biobank"),
    ("spaced chinese", "英 国 生 物", "英国生物"),
    ("pinyin", "yingguo shengwu yangbenku", "yingguoshengwuyangbenku"),
]


@pytest.mark.parametrize(("case", "raw", "expected"), NORMALISE, ids=[c[0] for c in NORMALISE])
def test_normalise(case: str, raw: str, expected: str) -> None:
    assert normalise(raw) == expected


@pytest.mark.parametrize(("case", "raw", "expected"), FOLD, ids=[c[0] for c in FOLD])
def test_fold_alias(case: str, raw: str, expected: str) -> None:
    assert fold_alias(raw) == expected


def test_unleet_leaves_numbers_alone() -> None:
    assert unleet("b1obank 500k p31 31-0.0") == "biobank 500k pei 31-0.0"


def test_normalise_is_linear_on_hostile_input() -> None:
    hostile = ("英 " * 50_000) + ("\u200b" * 50_000) + ("五" * 50_000) + "万"
    assert normalise(hostile).startswith("英英")


@pytest.mark.parametrize(
    "raw", ["  UK   Biobank\tDATA\n", "P31 31-0.0 $500", "", "A\x1fB\x0bC", "ukb ~488K!!"]
)
def test_ascii_fast_path_matches_the_full_fold(raw: str) -> None:
    # a non-ASCII character that every step leaves alone takes the text down the full path
    assert normalise(raw) + "é" == normalise(raw.rstrip() + "é")


@pytest.mark.parametrize("table", [FOLD_HANZI, _CONFUSABLE_TABLE], ids=["hanzi", "look-alikes"])
def test_found_characters_replaced_one_by_one_equal_translate(table: dict[int, str]) -> None:
    """The folds replace the characters found one by one: the same as ``str.translate`` only
    while no replacement holds a character the table replaces (random texts, fixed seed)."""
    keys = {chr(code) for code in table}
    assert not any(char in keys for value in table.values() for char in value)
    pool = [*keys, *"英国数据 ab1"]
    rng = random.Random(11)
    for _ in range(2_000):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(0, 40)))
        found = [char for char in text if char in keys]
        assert replace_found(text, found, table) == text.translate(table)


def test_nfkc_equals_unicodedata_on_full_width_text_and_its_neighbours() -> None:
    """Full-width forms are mapped before NFKC runs, if it still needs to: the same result as
    NFKC of the whole text, also with combining marks, Hangul jamo and other compositions right
    after them (random texts, fixed seed)."""
    pool = [*"ab K,.，：！ＡＵｋ　英国數據①℃ﬁß", "\u0301", "\u0308", "\u1100", "\u1161", "\u11a8"]
    pool += ["ｶ", "ﾞ", "\u0b47", "\u0b3e", "\uff5f", "\uff00", "Ω", "İ"]
    rng = random.Random(7)
    texts = ["ＵＫ　Ｂｉｏｂａｎｋ，出售", "Ａ\u0301", "ｅ\u0308", "數據：５０万", "℃"]
    texts += ["".join(rng.choice(pool) for _ in range(rng.randint(1, 24))) for _ in range(20_000)]
    for text in texts:
        assert nfkc(text) == unicodedata.normalize("NFKC", text), repr(text)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("英🇬🇧国生🧬物样本库", "英国生物样本库"),  # between Chinese characters: dropped
        ("uk🧬biobank", "uk biobank"),  # elsewhere: a space
        ("🔥出售 UKB✅数据", "出售 ukb 数据"),
        ("英国✅ 数据", "英国 数据"),
        ("A⭐⭐B", "a b"),  # a run is one gap
    ],
)
def test_emoji_are_dropped_inside_chinese_and_read_as_spaces_elsewhere(
    raw: str, expected: str
) -> None:
    assert normalise(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ü.k. bîobank", "u.k. biobank"),
        ("英国 bịobank ukb", "英国 biobank ukb"),  # Latin Extended Additional, beside Chinese
        ("bïöbänk ø æ", "biobank ø æ"),  # letters without an ASCII base stay
        ("鹰国生物样本库 婴国 樱国", "英国生物样本库 英国 英国"),
        ("中国生物样本库 美国 应对", None),  # other countries; ying not before 国
        ("uk biobank", None),  # nothing disguised
        ("英国生物样本库", None),
    ],
)
def test_disguised_reading_keeps_every_position(raw: str, expected: str | None) -> None:
    reading = disguised_reading(raw)
    assert reading == expected
    assert reading is None or len(reading) == len(raw)
