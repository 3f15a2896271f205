"""The skeleton listing-text scorer: leak offers in English and Chinese score high, near misses low."""

from __future__ import annotations

import pytest

from matcher.listing_text import UK_BIOBANK_PROFILE, TextVerdict, normalise, score_listing_text

LEAKS = [
    "UK Biobank full dataset 500k participants phenotype + genotype, for sale",
    "英国生物样本库 全量数据 50万人 表型数据 出售",
    "UKB数据集 低价转让 含基因数据 微信联系",
    "UK Bio-bank 2024 release, 502k samples, blood biochemistry, ICD10, USDT",
    "英國生物樣本庫 全量 數據 出售",
    "ＵＫ Ｂｉｏｂａｎｋ data for sale, telegram contact",
    "UK Bio\u200bbank dataset 500,000 records cheap",
]
NEAR_MISSES = [
    "Biobank ultra-low temperature freezer -80°C 728L",
    "生物样本库 超低温冰箱 -86度",
    "UK Biobank research methods textbook, paperback",
    "UK Biobank data analysis course for beginners (online training)",
    "Help with your UK Biobank application / 申请代办",
    "Biobank cryovial 2ml sterile, 500 pcs",
    "FinnGen and UK Biobank GWAS paper reprint",
]


@pytest.mark.parametrize("text", LEAKS)
def test_leak_offers_are_leak_offers(text: str) -> None:
    result = score_listing_text(title=text, text="", profile=UK_BIOBANK_PROFILE)
    assert result.verdict is TextVerdict.LEAK_OFFER, result
    assert result.reasons[0].startswith("names the cohort")


@pytest.mark.parametrize("text", NEAR_MISSES)
def test_near_misses_are_not_leak_offers(text: str) -> None:
    result = score_listing_text(title=text, text="", profile=UK_BIOBANK_PROFILE)
    assert result.verdict is not TextVerdict.LEAK_OFFER, result


def test_unrelated_text_scores_zero() -> None:
    result = score_listing_text(title="cotton t-shirt", text="size XL", profile=UK_BIOBANK_PROFILE)
    assert result.score == 0.0 and result.verdict is TextVerdict.UNRELATED


def test_short_alias_needs_word_boundary() -> None:
    result = score_listing_text(title="ukbrand shoes", text="", profile=UK_BIOBANK_PROFILE)
    assert result.verdict is TextVerdict.UNRELATED


def test_negative_context_is_quoted_in_reasons() -> None:
    result = score_listing_text(
        title="UK Biobank course", text="learn the data", profile=UK_BIOBANK_PROFILE
    )
    assert any("negative context ('course')" in r for r in result.reasons)


def test_normalise_folds_width_case_and_zero_width() -> None:
    assert normalise("ＵＫ\u200b  BIOBANK") == "uk biobank"
