"""The listing-text scorer: leak offers score high, near misses stay related, reasons quote words."""

from __future__ import annotations

import math
import random

import pytest

from matcher.listing_text import UK_BIOBANK_PROFILE, TextVerdict, score_listing_text
from matcher.text.evidence import SNIPPET_MAX
from matcher.text.scoring import rounded_score

LEAKS = [
    "UK Biobank full dataset 500k participants phenotype + genotype, for sale",
    "英国生物样本库 全量数据 50万人 表型数据 出售",
    "UKB数据集 低价转让 含基因数据 微信联系",
    "UK Bio-bank 2024 release, 502k samples, blood biochemistry, ICD10, USDT",
    "英國生物樣本庫 全量 數據 出售",
    "ＵＫ Ｂｉｏｂａｎｋ data for sale, telegram contact",
    "UK Bio\u200bbank dataset 500,000 records cheap",
    "U K B 数 据 出 售 五十万人",
    "UK B1obank full data dump for sale, 502,411 participants",
]
NEAR_MISSES = [
    "UK Biobank research methods textbook, paperback",
    "UK Biobank data analysis course for beginners (online training)",
    "Help with your UK Biobank application / 申请代办",
    "FinnGen and UK Biobank GWAS paper reprint",
    "警惕！网上出售的英国生物样本库数据都是骗子，千万不要买，请举报",
    "UK Biobank says data of 500,000 volunteers was listed for sale, minister said",
]
UNRELATED = [
    "Biobank ultra-low temperature freezer -80°C 728L",
    "生物样本库 超低温冰箱 -86度",
    "ukbrand shoes",
    "China Kadoorie Biobank data 512k participants for sale",
]


@pytest.mark.parametrize("text", LEAKS)
def test_leak_offers_are_leak_offers(text: str) -> None:
    result = score_listing_text(title=text, text="", profile=UK_BIOBANK_PROFILE)
    assert result.verdict is TextVerdict.LEAK_OFFER, result
    assert result.reasons[0].startswith("names the cohort")


@pytest.mark.parametrize("text", NEAR_MISSES)
def test_near_misses_are_related_not_offers(text: str) -> None:
    result = score_listing_text(title=text, text="", profile=UK_BIOBANK_PROFILE)
    assert result.verdict is TextVerdict.RELATED, result


@pytest.mark.parametrize("text", UNRELATED)
def test_text_without_the_name_is_unrelated_with_score_zero(text: str) -> None:
    result = score_listing_text(title=text, text="", profile=UK_BIOBANK_PROFILE)
    assert result.verdict is TextVerdict.UNRELATED and result.score == 0.0


def test_typo_is_a_fuzzy_hit_with_its_similarity() -> None:
    result = score_listing_text(
        title="UK Biobnak full data for sale 500k", text="", profile=UK_BIOBANK_PROFILE
    )
    assert result.verdict is TextVerdict.LEAK_OFFER
    assert result.reasons[0].startswith("close spelling of 'uk biobank' (")


def test_reasons_quote_the_matched_snippet() -> None:
    result = score_listing_text(
        title="UK Biobank course", text="learn the data", profile=UK_BIOBANK_PROFILE
    )
    negative = [r for r in result.reasons if r.startswith("negative context: training")]
    assert negative and "'course'" in negative[0] and "“uk biobank course" in negative[0]


def test_snippets_are_capped_and_input_is_capped() -> None:
    text = "UK Biobank " + "x" * 200 + " for sale " + "y" * 1_000_000
    result = score_listing_text(title="", text=text, profile=UK_BIOBANK_PROFILE)
    for reason in result.reasons:
        quoted = reason.split("“", 1)[1].rstrip("”")
        assert len(quoted) <= SNIPPET_MAX


def test_score_is_monotone_in_evidence() -> None:
    def score(text: str) -> float:
        return score_listing_text(title=text, text="", profile=UK_BIOBANK_PROFILE).score

    assert score("UK Biobank") < score("UK Biobank data") < score("UK Biobank data for sale")
    assert score("UK Biobank data for sale") > score("UK Biobank data for sale, freezer")


def test_language_is_reported() -> None:
    zh = score_listing_text(title="英国生物样本库 全量数据", text="", profile=UK_BIOBANK_PROFILE)
    en = score_listing_text(title="UK Biobank full data", text="", profile=UK_BIOBANK_PROFILE)
    assert (zh.language, en.language) == ("zh", "en")


def test_rounded_score_equals_round_to_three_places() -> None:
    """Random probabilities, and the floats right around every halfway point between two
    thousandths, where ``round`` and the quicker rounding could part (fixed seed)."""
    rng = random.Random(5)
    values = [rng.random() for _ in range(100_000)] + [0.0, 1.0, 0.5, 5e-324, 0.0005, 0.9995]
    for k in range(1000):
        halfway = (2 * k + 1) / 2000
        values += [halfway, math.nextafter(halfway, 0.0), math.nextafter(halfway, 1.0)]
        values += [halfway + d * 1e-12 for d in (-3, -1, 1, 3)]
    for p in values:
        assert rounded_score(p) == round(p, 3), p
