"""The wording model: n-grams, training, the shipped file, and its share of a score."""

from __future__ import annotations

import math
import re
from collections import Counter
from pathlib import Path

import pytest

from matcher.listing_text import UK_BIOBANK_PROFILE, score_listing_text
from matcher.text.evaluation import parse_corpus
from matcher.text.model import ModelError, ngrams, parse_model, shown
from matcher.text.profile import CohortProfile, default_profile, parse_profile
from matcher.text.scoring import listing_body, rule_evidence
from matcher.text.training import Example, train_model

ROOT = Path(__file__).resolve().parents[3]
CORPUS = ROOT / "tests" / "data" / "listings"
SHIPPED_MODEL = ROOT / "matcher" / "profiles" / "ukbiobank-wording.json"


def test_ngrams_are_words_pairs_and_chinese_triples() -> None:
    grams = ngrams("uk biobank 出售数据")
    assert {"uk", "biobank", "uk biobank", "出", "出 售", "出售数", "售数据"} <= grams
    assert "biobank 出" in grams  # a Latin word beside a Chinese character is a pair too
    assert shown("出 售") == "出售" and shown("uk biobank") == "uk biobank"


def _example(
    title: str, offer: bool, rules: float = 0.0, features: tuple[str, ...] = ()
) -> Example:
    return Example(listing_body(title=title, text=""), offer, 1.0, rules, frozenset(features))


def test_training_separates_offers_and_is_deterministic() -> None:
    examples = [
        _example(title, offer, features=features)
        for title, offer, features in [
            ("cohort data for sale dm", True, ("#cue:offer",)),
            ("cohort dump sale escrow", True, ("#cue:offer",)),
            ("cohort data sale journal", False, ("#neg:literature",)),
            ("cohort course webinar sale", False, ("#neg:training",)),
        ]
        for _ in range(3)  # an n-gram needs three listings to be learned
    ]
    first = train_model(examples, threshold=0.0, cap=4.0, iterations=200)
    assert first == train_model(examples, threshold=0.0, cap=4.0, iterations=200)
    assert first.weights["dm"] > 0 > first.weights["journal"]
    assert first.weights["#neg:training"] < 0 < first.weights["#cue:offer"]
    assert parse_model(first.to_json()) == first


def test_training_learns_only_what_the_rules_leave_in_doubt() -> None:
    """Listings beyond the cap's reach of the threshold are the rules' alone: not learned from."""
    doubtful = [_example("cohort data dm", True) for _ in range(3)]
    clear = [_example("cohort data webinar", False, rules=-9.0) for _ in range(3)]
    model = train_model(doubtful + clear, threshold=0.0, cap=4.0, iterations=200, keep=0.0)
    assert "webinar" not in model.weights and model.weights["dm"] > 0
    with pytest.raises(ModelError, match="within the model's reach"):
        train_model(clear, threshold=0.0, cap=4.0)


def test_the_rules_offset_is_corrected_not_repeated() -> None:
    """An offer the rules already score high teaches its words little; one they score low, much."""
    high = [_example("cohort data alpha", True, rules=3.5) for _ in range(3)]
    low = [_example("cohort data omega", True, rules=-3.5) for _ in range(3)]
    model = train_model(high + low, threshold=0.0, cap=4.0, iterations=300, keep=0.0)
    assert model.weights["omega"] > model.weights.get("alpha", 0.0)


def test_shipped_model_is_what_the_committed_corpus_trains() -> None:
    """A stale model cannot ship: retraining on the splits it names, on the shipped rules, gives
    the same weights (to rounding: the file holds four decimals)."""
    shipped = parse_model(SHIPPED_MODEL.read_text(encoding="utf-8"))
    held_out = {"test", "blind4", "blind16", "blind17"}
    assert not held_out & set(shipped.trained_on)
    assert {"dev", "blind", "blind15"} <= set(shipped.trained_on)
    listings = [
        x
        for split in shipped.trained_on
        for path in sorted(CORPUS.glob("*.jsonl"))
        for x in parse_corpus(path.read_text(encoding="utf-8"))
        if x.split == split
    ]
    rules = default_profile(with_model=False)
    variants = Counter(x.group for x in listings)
    examples = []
    for x in listings:
        body = listing_body(title=x.title, text=x.text)
        found = rule_evidence(body, rules)
        if found is not None:
            offer, weight = x.label == "leak-offer", 1 / variants[x.group]
            examples.append(Example(body, offer, weight, *found))
    p = rules.leak_offer_threshold
    threshold = math.log(p / (1 - p))
    retrained = train_model(
        examples, threshold=threshold, cap=rules.model_cap, trained_on=shipped.trained_on
    )
    assert retrained.trained_on == shipped.trained_on
    assert abs(retrained.bias - shipped.bias) < 1e-3
    # a weight near the 0.02 cut may fall either side of it on another CPU's rounding
    for gram in retrained.weights.keys() | shipped.weights.keys():
        assert abs(retrained.weights.get(gram, 0.0) - shipped.weights.get(gram, 0.0)) < 0.025, gram


def test_model_reason_quotes_words_and_text() -> None:
    result = score_listing_text(
        title="UK Biobank data for sale", text="telegram @x", profile=UK_BIOBANK_PROFILE
    )
    reason = next(r for r in result.reasons if r.startswith("wording like the corpus's"))
    quoted = re.findall(r"'([^']+)'", reason.split("): ", 1)[1].split(": “")[0])
    assert quoted and all(term in "uk biobank data for sale telegram @x" for term in quoted)
    assert reason.endswith("”") and "uk biobank data" in reason


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[]", "not a wording model of format 2"),
        ('{"format": 2, "bias": 0, "weights": {"a": "b"}}', "every model weight must be a number"),
        ('{"format": 1, "bias": 0, "weights": {}}', "format 1 .words only.; retrain it"),
        ("x" * 10, "not JSON"),
    ],
)
def test_bad_model_files_are_named(text: str, message: str) -> None:
    with pytest.raises(ModelError, match=message):
        parse_model(text, source="m.json")


def _with_model(tmp_path: Path, model: str, *, cap: float) -> CohortProfile:
    """The shipped profile's rules with the wording model ``model`` (JSON) and ``cap``."""
    (tmp_path / "m.json").write_text(model, encoding="utf-8")
    shipped = (ROOT / "matcher" / "profiles" / "ukbiobank.yaml").read_text(encoding="utf-8")
    start = shipped.index("\nmodel:\n")
    end = shipped.index("\n\n", start + 1)
    section = f"\nmodel:\n  file: m.json\n  weight: 1\n  cap: {cap}\n"
    return parse_profile(shipped[:start] + section + shipped[end:], folder=tmp_path)


def test_the_models_share_is_capped(tmp_path: Path) -> None:
    model = '{"format": 2, "bias": 0, "weights": {"sale": 40.0}}'
    profile = _with_model(tmp_path, model, cap=1.5)
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


def test_kinds_of_evidence_are_weighed_and_named(tmp_path: Path) -> None:
    """The model also weighs which kinds of rule evidence were found, and its reason names them."""
    model = '{"format": 2, "bias": 0, "weights": {"#neg:buying": -3.0, "#cue:contact": 0.5}}'
    profile = _with_model(tmp_path, model, cap=4)
    result = score_listing_text(
        title="求购UKB数据 价格好商量", text="有的朋友联系我,真实数据", profile=profile
    )
    reason = next(r for r in result.reasons if r.startswith("wording like"))
    assert (
        reason
        == "wording like the corpus's listings that offer nothing (-2.5): '[negative buying]'"
    )
    assert result.verdict == "related"
