"""The wording model: n-grams, training, the shipped file, and its share of a score."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from matcher.listing_text import UK_BIOBANK_PROFILE, score_listing_text
from matcher.text.evaluation import parse_corpus
from matcher.text.model import ModelError, ngrams, parse_model, shown, train_model
from matcher.text.pages import listing_body
from matcher.text.profile import parse_profile

ROOT = Path(__file__).resolve().parents[3]
CORPUS = ROOT / "tests" / "data" / "listings"
SHIPPED_MODEL = ROOT / "matcher" / "profiles" / "ukbiobank-wording.json"


def test_ngrams_are_words_pairs_and_chinese_triples() -> None:
    grams = ngrams("uk biobank 出售数据")
    assert {"uk", "biobank", "uk biobank", "出", "出 售", "出售数", "售数据"} <= grams
    assert "biobank 出" in grams  # a Latin word beside a Chinese character is a pair too
    assert shown("出 售") == "出售" and shown("uk biobank") == "uk biobank"


def test_training_separates_offers_and_is_deterministic() -> None:
    examples = [
        (listing_body(title=t, text=""), offer, 1.0)
        for t, offer in [
            ("cohort data for sale dm", True),
            ("cohort dump sale escrow", True),
            ("cohort paper review journal", False),
            ("cohort course webinar", False),
        ]
    ]
    first, second = train_model(examples, epochs=20), train_model(examples, epochs=20)
    assert first == second
    assert first.weights["sale"] > 0 > first.weights["journal"]
    assert parse_model(first.to_json()) == first


def test_shipped_model_is_what_the_committed_corpus_trains() -> None:
    """A stale model cannot ship: retraining on the splits it names gives the same file."""
    shipped = parse_model(SHIPPED_MODEL.read_text(encoding="utf-8"))
    # every split read at the listing level: not test, probe or an unread blind set (blind63 on)
    read = ("dev", "blind", "blind2", "blind3", *(f"blind{n}" for n in range(4, 63)))
    assert shipped.trained_on == read
    listings = [
        x
        for split in shipped.trained_on
        for path in sorted(CORPUS.glob("*.jsonl"))
        for x in parse_corpus(path.read_text(encoding="utf-8"))
        if x.split == split
    ]
    variants = Counter(x.group for x in listings)
    examples = [
        (listing_body(title=x.title, text=x.text), x.label == "leak-offer", 1 / variants[x.group])
        for x in listings
    ]
    assert train_model(examples, trained_on=shipped.trained_on) == shipped


def test_model_reason_quotes_words_and_text() -> None:
    result = score_listing_text(
        title="UK Biobank data for sale", text="telegram @x", profile=UK_BIOBANK_PROFILE
    )
    reason = next(r for r in result.reasons if r.startswith("wording like the corpus's"))
    quoted = re.findall(r"'([^']+)'", reason.split("“")[0].split(": ", 1)[1])
    assert quoted and all(gram in "uk biobank data for sale telegram @x" for gram in quoted)
    assert reason.endswith("”")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[]", "not a wording model of format 1"),
        ('{"format": 1, "bias": 0, "weights": {"a": "b"}}', "every model weight must be a number"),
        ("x" * 10, "not JSON"),
    ],
)
def test_bad_model_files_are_named(text: str, message: str) -> None:
    with pytest.raises(ModelError, match=message):
        parse_model(text, source="m.json")


def test_the_models_share_is_capped(tmp_path: Path) -> None:
    model = '{"format": 1, "bias": 0, "weights": {"sale": 40.0}}'
    (tmp_path / "m.json").write_text(model, encoding="utf-8")
    shipped = (ROOT / "matcher" / "profiles" / "ukbiobank.yaml").read_text(encoding="utf-8")
    start = shipped.index("\nmodel:\n")
    end = shipped.index("\n\n", start + 1)
    section = "\nmodel:\n  file: m.json\n  weight: 1\n  cap: 1.5\n"
    profile = parse_profile(shipped[:start] + section + shipped[end:], folder=tmp_path)
    result = score_listing_text(title="UK Biobank data for sale", text="", profile=profile)
    assert any(r.startswith("wording like the corpus's leak offers (+1.5)") for r in result.reasons)


def test_clear_cases_are_the_rules_alone() -> None:
    """Beyond the cap's reach of the threshold the model cannot change the verdict: not consulted."""
    clear = score_listing_text(
        title="UK Biobank full dataset 500k participants for sale",
        text="phenotype + genotype, USDT, telegram @x, escrow, sample file",
        profile=UK_BIOBANK_PROFILE,
    )
    assert clear.verdict == "leak-offer"
    assert not any(r.startswith("wording like") for r in clear.reasons)


def test_evidence_finds_exactly_the_known_ngrams() -> None:
    """The token-by-token look-up finds the n-grams ngrams() lists that the model knows, each
    once, and a malformed n-gram in a model file is kept but never found."""
    model = parse_model(
        '{"format": 1, "bias": 0, "weights": {"uk": 0.5, "uk biobank": 1.0, "出售数": 0.25,'
        ' "售数据": 0.125, "数 据": -0.5, "a b c": 9.0, "biobank 出": 2.0}}'
    )
    body = "uk biobank 出售数据 uk biobank a b c"
    total, shares = model.evidence(body)
    expected = {g: model.weights[g] for g in ngrams(body) if g in model.weights}
    assert shares == expected and "a b c" not in shares
    assert total == sum(expected.values()) == 3.375
