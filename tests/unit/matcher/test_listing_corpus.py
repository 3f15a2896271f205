"""Measured quality on the labelled corpus: the held-out test split is never tuned on."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from matcher.text.evaluation import CorpusError, evaluate, parse_corpus
from matcher.text.profile import default_profile
from tests.data.listings.make_corpus import records

CORPUS = Path(__file__).resolve().parents[2] / "data" / "listings"


def load(split: str) -> str:
    return (CORPUS / f"{split}.jsonl").read_text(encoding="utf-8")


def test_held_out_split_meets_the_leak_offer_target() -> None:
    report = evaluate(parse_corpus(load("test"), source="test.jsonl"), default_profile())
    leak = report.metric("leak-offer")
    assert leak.support >= 30
    assert leak.recall >= 0.97 and leak.precision >= 0.95, report


def test_corpus_size_language_and_splits() -> None:
    rows = [json.loads(line) for split in ("dev", "test") for line in load(split).splitlines()]
    assert len(rows) >= 400
    languages = Counter(r["language"] for r in rows)
    assert languages["zh"] / len(rows) >= 0.40
    groups: dict[str, set[str]] = {}
    for row in rows:
        groups.setdefault(row["group"], set()).add(row["split"])
    assert all(len(splits) == 1 for splits in groups.values()), "a seed straddles the splits"


def test_committed_corpus_matches_the_generator() -> None:
    generated = {r["id"]: r for r in records()}
    committed = [json.loads(line) for s in ("dev", "test") for line in load(s).splitlines()]
    assert {r["id"]: r for r in committed} == generated


def test_demo_listings_are_not_in_the_test_split() -> None:
    from crawler.demo import seed_decoys, seed_leaks, seed_social

    demo_source = "".join(
        Path(m.__file__).read_text(encoding="utf-8")  # type: ignore[arg-type]
        for m in (seed_decoys, seed_leaks, seed_social)
    )
    for line in load("test").splitlines():
        row = json.loads(line)
        if row["id"].endswith("-0"):
            assert row["title"] not in demo_source


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("not json", "corpus:1: not JSON"),
        ('{"id": "a", "title": "t", "text": "x"}', "missing or non-string label"),
        ('{"id": "a", "title": "t", "text": "x", "label": "maybe"}', "label 'maybe'"),
    ],
)
def test_bad_corpus_lines_are_named(line: str, message: str) -> None:
    with pytest.raises(CorpusError, match=message):
        parse_corpus(line)


@pytest.mark.parametrize(
    ("split", "support"),
    [("blind", 64), ("blind2", 67), ("blind3", 81), ("blind5", 77), ("blind6", 77),
     ("blind7", 78), ("blind8", 79), ("blind9", 79), ("blind10", 78), ("blind11", 77),
     ("probe", 100), ("blind4", 75), ("blind12", 77), ("blind14", 77), ("blind16", 82),
     ("blind17", 83), ("blind18", 86), ("blind19", 79), ("blind20", 83), ("blind21", 82),
     ("blind13", 79), ("blind15", 85), ("blind22", 80), ("blind23", 80), ("blind24", 80),
     ("blind25", 80), ("blind26", 67), ("blind27", 80), ("blind28", 67), ("blind29", 80),
     ("blind30", 80), ("blind31", 67), ("blind32", 80), ("blind33", 80), ("blind34", 67),
     ("blind35", 80), ("blind36", 80), ("blind37", 67), ("blind38", 80), ("blind39", 80),
     ("blind40", 67), ("blind41", 80), ("blind42", 80), ("blind43", 67), ("blind44", 80),
     ("blind45", 80), ("blind46", 67), ("blind47", 80), ("blind48", 80), ("blind49", 80),
     ("blind50", 80), ("blind51", 80), ("blind52", 67), ("blind53", 67), ("blind54", 80),
     ("blind55", 80), ("blind56", 80), ("blind57", 80), ("blind58", 67), ("blind59", 80),
     ("blind60", 80), ("blind61", 67), ("blind62", 80)],
)  # fmt: skip
def test_seen_blind_splits_stay_above_their_floor(split: str, support: int) -> None:
    """The blind sets informed the rules of text-1.1 (blind), text-1.2 (blind2), text-1.3
    (blind3), text-2.1 (blind5), text-2.2 (blind6), text-2.3 (blind7), text-2.4 (blind8), text-2.6
    (blind10) and text-2.7 (blind9, blind11), as the corpus README records: a regression floor,
    not a claim of quality on unseen text (blind4, blind12 and blind13 are not read).

    Leak offers after text-2.7: blind, blind2 1.000 / 1.000; blind3 1.000 / 0.975; blind5
    1.000 / 0.987; blind6 0.974 / 0.987; blind7 0.987 / 0.962; blind8 1.000 / 0.962; blind9
    0.987 / 0.987; blind10 0.987 / 0.962; blind11 1.000 / 0.948. The floor leaves a margin.
    The probe set (written against text-2.8 to find evasions and warning voices it missed; text-2.9
    came from it): 0.990 / 0.980.

    Read since text-2.8 (blind12-15) and text-2.11 (blind4, blind16-21), and since text-2.12 part
    of the wording model's training data, leak offers: blind4 1.000 / 0.960, blind12 1.000 /
    0.974, blind13 1.000 / 0.949, blind14 1.000 / 1.000, blind15 1.000 / 0.953, blind16-20 1.000
    / 0.953-1.000, blind21 0.988 / 0.988; probe (not trained on) 0.971 / 0.990.

    Read since text-2.13 (blind22-29), text-2.14 (blind30-32), text-2.15 (blind33-35) and text-2.16
    (blind36-38), each measured blind first (the corpus README has those numbers), and part of the
    wording model's training data since: blind22-38 0.985-1.000 / 0.955-1.000; probe (not trained
    on) 0.980 / 0.990. Read since text-2.17 (blind39-44, model-selection sets until then) and
    text-2.18 (blind45-50), text-2.19 (blind51-56) and text-2.20 (blind57-62), each batch
    measured blind first: 0.955-1.000 / 0.955-1.000; probe 0.990 / 0.990.
    """
    report = evaluate(parse_corpus(load(split), source=f"{split}.jsonl"), default_profile())
    leak = report.metric("leak-offer")
    assert leak.support == support
    assert leak.recall >= 0.93 and leak.precision >= 0.95, report
