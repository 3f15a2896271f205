"""A linear model of listing wording, learned from the labelled corpus, beside the profile's rules.

The profile's rules look for evidence an analyst can name (an alias, a price, a negative context);
every independent blind set showed that sellers also write offers in words no rule anticipated.
:class:`WordingModel` is a logistic regression over the words of normalised text: Latin words and
Chinese characters, pairs of neighbouring tokens, and triples of Chinese characters. The scorer adds
its log-odds, scaled by the profile's ``model`` weight, to the rules' log-odds for listings that
name the cohort, and quotes the n-grams that pushed hardest. The model is plain data (JSON, one
weight per n-gram) trained by :func:`train_model`, deterministic for a given corpus and seed.
"""

from __future__ import annotations

import json
import math
import random
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import pairwise
from types import MappingProxyType
from typing import Final

from matcher.errors import MatchError
from matcher.text.normalise import is_chinese

MODEL_FORMAT: Final = 1
MAX_MODEL_BYTES: Final = 20_000_000
_TOKEN: Final = re.compile(r"[a-z0-9]+|[\u3400-\u9fff]")
_SPACE_IN_CHINESE: Final = re.compile(r"(?<=[\u3400-\u9fff]) (?=[\u3400-\u9fff])")


class ModelError(MatchError):
    """A wording model file is not valid JSON or not the expected shape."""


def ngrams(body: str) -> set[str]:
    """The distinct n-grams of normalised ``body``: tokens (Latin words, Chinese characters),
    neighbouring token pairs, and triples that open with two Chinese characters."""
    tokens = _TOKEN.findall(body)
    grams = set(tokens)
    grams.update(map(" ".join, pairwise(tokens)))
    if not body.isascii():
        grams.update(
            f"{a}{b}{c}"
            for a, b, c in zip(tokens, tokens[1:], tokens[2:], strict=False)
            if len(a) == 1 and len(b) == 1 and a >= "\u3400" and b >= "\u3400"
        )
    return grams


def shown(gram: str) -> str:
    """An n-gram as a reason quotes it: Chinese pairs without the joining space (words and
    triples have none, and skip the substitution)."""
    return _SPACE_IN_CHINESE.sub("", gram) if " " in gram else gram


Lookup = dict[str, float]


class _Known:
    """What the model knows of one token: its weight as a word, and the weights of the pairs and
    Chinese triples it opens, by the tokens that follow it (the same string objects as the keys
    of the model's index, so that a look-up by them compares identities, not characters)."""

    __slots__ = ("pairs", "token", "triples", "word")

    def __init__(self, token: str) -> None:
        self.token = token
        self.word: float | None = None
        self.pairs: Lookup | None = None
        self.triples: dict[str, Lookup] | None = None


@dataclass(frozen=True)
class WordingModel:
    """Log-odds that a listing naming the cohort offers its data, from its n-grams."""

    bias: float
    weights: Mapping[str, float]
    trained_on: tuple[str, ...] = ()  # the corpus splits it learned from
    # Every token that is part of a known n-gram, and what the model knows of it, so that
    # :meth:`evidence` looks each of a listing's tokens up once, and builds the string of a pair
    # or triple only when the model knows it. One index rather than one dict each for words,
    # pairs and triples: the model's dicts hold 30,000 n-grams and are read from memory, not
    # cache, when the scorer consults the model, and three look-ups a token cost three misses.
    _index: dict[str, _Known] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for gram, weight in self.weights.items():
            if " " in gram:  # a pair (a malformed gram of three words is kept, and never found)
                first, _, second = gram.partition(" ")
                pairs = self._known(first).pairs
                if pairs is None:
                    pairs = self._known(first).pairs = {}
                pairs[self._known(second).token] = weight
            elif len(gram) >= 3 and is_chinese(gram[0]) and is_chinese(gram[1]):
                triples = self._known(gram[0]).triples
                if triples is None:
                    triples = self._known(gram[0]).triples = {}
                second = self._known(gram[1]).token
                triples.setdefault(second, {})[self._known(gram[2:]).token] = weight
            else:
                self._known(gram).word = weight

    def _known(self, token: str) -> _Known:
        known = self._index.get(token)
        if known is None:
            known = self._index[token] = _Known(token)
        return known

    def evidence(self, body: str) -> tuple[float, dict[str, float]]:
        """What the n-grams of ``body`` add to the log-odds (without the model's bias: the
        profile's own bias stands for how rare offers are), and each known n-gram's share.

        The same n-grams as :func:`ngrams` finds, each counted once; the shares are summed by
        ``math.fsum``, whose result does not depend on their order.
        """
        tokens: list[str] = _TOKEN.findall(body)  # typed: compiled code joins them as str
        index = self._index
        known = [index.get(token) for token in tokens]  # None: in no n-gram the model knows
        shares: dict[str, float] = {}
        last = len(known) - 1
        for i, first in enumerate(known):
            if first is None:
                continue
            if first.word is not None:
                shares[first.token] = first.word
            if i == last:
                break
            second = known[i + 1]
            if second is None:
                continue
            pairs = first.pairs
            if pairs is not None:
                weight = pairs.get(second.token)
                if weight is not None:
                    shares[f"{first.token} {second.token}"] = weight
            triples = first.triples
            if triples is not None and i + 1 < last:
                third = known[i + 2]
                tails = triples.get(second.token)
                if third is not None and tails is not None:
                    weight = tails.get(third.token)
                    if weight is not None:
                        shares[first.token + second.token + third.token] = weight
        return math.fsum(shares.values()), shares

    def logit(self, body: str) -> float:
        """The model's own log-odds that ``body`` is a leak offer."""
        return self.bias + self.evidence(body)[0]

    def to_json(self) -> str:
        return json.dumps(
            {
                "format": MODEL_FORMAT,
                "trained_on": list(self.trained_on),
                "bias": self.bias,
                "weights": dict(sorted(self.weights.items())),
            },
            ensure_ascii=False,
            indent=0,
        )


def parse_model(text: str, *, source: str = "model") -> WordingModel:
    """A :class:`WordingModel` from the JSON :meth:`WordingModel.to_json` writes."""
    if len(text) > MAX_MODEL_BYTES:
        raise ModelError(f"{source}: model is larger than {MAX_MODEL_BYTES} bytes")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ModelError(f"{source}: not JSON ({exc.msg})") from None
    if not isinstance(data, dict) or data.get("format") != MODEL_FORMAT:
        raise ModelError(f"{source}: not a wording model of format {MODEL_FORMAT}")
    bias, weights = data.get("bias"), data.get("weights")
    if not isinstance(bias, int | float) or not isinstance(weights, dict):
        raise ModelError(f"{source}: a model needs a number 'bias' and 'weights' by n-gram")
    if not all(isinstance(k, str) and isinstance(v, int | float) for k, v in weights.items()):
        raise ModelError(f"{source}: every model weight must be a number under an n-gram")
    trained_on = tuple(str(s) for s in data.get("trained_on") or ())
    return WordingModel(float(bias), MappingProxyType(dict(weights)), trained_on)


def train_model(
    examples: Iterable[tuple[str, bool, float]],
    *,
    trained_on: tuple[str, ...] = (),
    epochs: int = 30,
    rate: float = 0.5,
    l2: float = 1e-2,
    seed: int = 0,
    keep: float = 0.02,
    min_listings: int = 1,
) -> WordingModel:
    """Logistic regression by stochastic gradient descent on (normalised body, is leak offer,
    weight): give the variants of one written listing a weight that sums to one, so that a
    listing rewritten four times does not teach its words four times over.

    Deterministic for the same examples in the same order and seed. Weights smaller than ``keep``
    in size are dropped, which keeps the shipped file small and the model's reasons meaningful.
    """
    rows = [
        (sorted(ngrams(body)), 1.0 if offer else 0.0, weight) for body, offer, weight in examples
    ]
    if min_listings > 1:  # an n-gram of one or two listings is that listing, not a way of writing
        seen = Counter(g for grams, _, _ in rows for g in grams)
        rows = [([g for g in grams if seen[g] >= min_listings], t, w) for grams, t, w in rows]
    weights: dict[str, float] = {}
    bias = 0.0
    order = list(range(len(rows)))
    shuffle = random.Random(seed).shuffle
    for _ in range(epochs):
        shuffle(order)
        for i in order:
            grams, target, weight = rows[i]
            z = bias + sum(weights.get(g, 0.0) for g in grams)
            z = max(-30.0, min(30.0, z))
            gradient = (1.0 / (1.0 + math.exp(-z)) - target) * weight
            for g in grams:
                w = weights.get(g, 0.0)
                weights[g] = w - rate * (gradient + l2 * w)
            bias -= rate * gradient * 0.1
    kept = {g: round(w, 4) for g, w in weights.items() if abs(w) >= keep}
    return WordingModel(round(bias, 4), MappingProxyType(kept), trained_on)
