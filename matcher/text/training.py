"""Training the wording model (:mod:`matcher.text.model`) on labelled listings.

Kept apart from the model itself: scoring never needs numpy or this code, and the scorer's hot
modules are compiled (:mod:`matcher.text.native`) while this runs once per corpus.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from functools import partial
from types import MappingProxyType
from typing import NamedTuple

import numpy as np

from matcher.text.model import ModelError, WordingModel, is_chinese_char, ngrams


class Example(NamedTuple):
    """A labelled listing as the model learns from it."""

    body: str  # normalised title and text
    offer: bool  # labelled leak-offer
    weight: float  # the variants of one written listing share a weight of one
    rules: float  # the rules' log-odds (the offset the model corrects)
    features: frozenset[str]  # the kinds of rule evidence found ("#cue:offer", …)


def train_model(
    examples: Iterable[Example],
    *,
    threshold: float,
    cap: float,
    trained_on: tuple[str, ...] = (),
    iterations: int = 800,
    rate: float = 0.05,
    l2_words: float = 0.5,
    l2_features: float = 1.0,
    offer_weight: float = 3.0,
    min_listings: int = 3,
    keep: float = 0.1,
    bags: int = 8,
    seed: int = 0,
) -> WordingModel:
    """Logistic regression, trained as the scorer uses it: only listings whose rules' log-odds
    lie within ``cap`` of ``threshold`` (the others are decided by the rules alone), the rules'
    log-odds a fixed offset, the correction clamped to ±``cap``.

    Full-batch Adam over sparse rows (numpy), so the result is deterministic for the same
    examples. An n-gram of fewer than ``min_listings`` listings is that listing, not a way of
    writing, and is left out; so is a single Chinese character, which is a morpheme of too many
    words to mean one thing ("发" of 发货, ship, and of 发现, find). Offers weigh ``offer_weight`` times a listing that offers nothing:
    the target asks more of recall than of precision. Weights smaller than ``keep`` are dropped,
    which keeps the shipped file small and the model's reasons meaningful.

    ``bags`` > 1 averages that many models, each fitted to the listings reweighed by Poisson(1)
    draws (a bootstrap; seeded, so still deterministic): the average of linear models is one
    linear model, no slower to score, whose weights move less when a few listings or rules
    change.
    """
    rows = [x for x in examples if abs(x.rules - threshold) < cap]
    if not rows:
        raise ModelError("no labelled listing lies within the model's reach of the threshold")
    listing_grams = [ngrams(x.body) for x in rows]
    seen = Counter(g for grams in listing_grams for g in grams)
    features = sorted({f for x in rows for f in x.features})
    vocab = {f: i for i, f in enumerate(features)}
    for gram in sorted(g for g, n in seen.items() if n >= min_listings and not is_chinese_char(g)):
        vocab[gram] = len(vocab)
    row_of: list[int] = []
    column: list[int] = []
    for i, (x, grams) in enumerate(zip(rows, listing_grams, strict=True)):
        cols = sorted(vocab[g] for g in (*grams, *x.features) if g in vocab)
        row_of.extend([i] * len(cols))
        column.extend(cols)
    ri, ci = np.array(row_of, dtype=np.int64), np.array(column, dtype=np.int64)
    n, d = len(rows), len(vocab)
    y = np.array([x.offer for x in rows], dtype=np.float64)
    offset = np.array([x.rules for x in rows], dtype=np.float64)
    sample = np.array([x.weight for x in rows]) * np.where(y > 0, offer_weight, 1.0)
    sample /= sample.mean() * n
    l2 = np.full(d, l2_words / n)
    l2[: len(features)] = l2_features / n
    fit = partial(_fit, ri, ci, y, offset, l2, cap=cap, iterations=iterations, rate=rate)
    if bags <= 1:
        w, bias = fit(sample)
    else:
        draws = np.random.default_rng(seed).poisson(1.0, size=(bags, n))
        fits = [fit(sample * draw) for draw in draws]
        w = np.mean([f[0] for f in fits], axis=0)
        bias = float(np.mean([f[1] for f in fits]))
    names = list(vocab)
    kept = {names[j]: round(float(w[j]), 4) for j in range(d) if abs(w[j]) >= keep}
    return WordingModel(round(bias, 4), MappingProxyType(kept), trained_on)


def _fit(
    ri: np.ndarray,
    ci: np.ndarray,
    y: np.ndarray,
    offset: np.ndarray,
    l2: np.ndarray,
    sample: np.ndarray,
    *,
    cap: float,
    iterations: int,
    rate: float,
) -> tuple[np.ndarray, float]:
    """One full-batch Adam fit: the weights (by column) and the bias."""
    n, d = len(y), len(l2)
    w, m, v = np.zeros(d), np.zeros(d), np.zeros(d)
    bias = m_b = v_b = 0.0
    for t in range(1, iterations + 1):
        raw = bias + np.bincount(ri, weights=w[ci], minlength=n)
        inside = np.abs(raw) < cap  # a clamped correction does not move with its weights
        z = offset + np.clip(raw, -cap, cap)
        residual = (1.0 / (1.0 + np.exp(-np.clip(z, -30.0, 30.0))) - y) * sample * inside
        grad = np.bincount(ci, weights=residual[ri], minlength=d) + l2 * w
        grad_b = float(residual.sum())
        m = 0.9 * m + 0.1 * grad
        v = 0.999 * v + 0.001 * grad * grad
        w -= rate * (m / (1 - 0.9**t)) / (np.sqrt(v / (1 - 0.999**t)) + 1e-8)
        m_b = 0.9 * m_b + 0.1 * grad_b
        v_b = 0.999 * v_b + 0.001 * grad_b * grad_b
        bias -= rate * (m_b / (1 - 0.9**t)) / ((v_b / (1 - 0.999**t)) ** 0.5 + 1e-8)
    return w, bias
