"""A linear model learned from the labelled corpus, correcting the profile's rules where they doubt.

The profile's rules look for evidence an analyst can name (an alias, a price, a negative context)
with weights set by hand; every independent blind set showed that sellers also write offers in
words no rule anticipated, and that the hand-set weights misjudge some combinations (a buy request
full of prices and contacts). :class:`WordingModel` is a logistic regression trained on top of the
rules: for a listing whose rules' log-odds lie within the profile's ``cap`` of the threshold, it
adds a correction from the words of the normalised text (Latin words and Chinese characters, pairs
of neighbouring tokens, triples of Chinese characters) and from which kinds of rule evidence were
found (``#cue:offer``, ``#neg:buying`` …). It is trained exactly as it is used (the rules' log-odds
as a fixed offset, the same gate and clamp), so its correction is what the rules lacked, not a
second copy of them. Plain data (JSON, one weight per n-gram or evidence kind), trained by
:func:`matcher.text.training.train_model`, deterministic for a given corpus.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from itertools import pairwise
from types import MappingProxyType
from typing import Final

from matcher.errors import MatchError

MODEL_FORMAT: Final = 2  # format 1 (words only, added beside the rules) is no longer read
MAX_MODEL_BYTES: Final = 20_000_000
FEATURE_MARK: Final = "#"  # an evidence kind ("#cue:offer"); a token never holds ASCII punctuation
_FEATURE_KINDS: Final = {"cue": "", "neg": "negative ", "over": "overridden ", "name": "named "}
# The tokens of ASCII text: ASCII punctuation becomes spaces, then one split (both in C).
_SEPARATE: Final = str.maketrans({chr(c): " " for c in range(128) if not chr(c).isalnum()})
# The same for any text: a Chinese character, or a run of characters that are neither ASCII
# punctuation, space or control characters nor Chinese
_TOKEN: Final = re.compile(
    r"[\u3400-\u9fff]|[^\s\x00-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f\u3400-\u9fff]+"
)


def is_chinese_char(token: str) -> bool:
    """Whether ``token`` is one Chinese character."""
    return len(token) == 1 and "\u3400" <= token <= "\u9fff"


class ModelError(MatchError):
    """A wording model file is not valid JSON or not the expected shape."""


def tokens(body: str) -> list[str]:
    """The tokens of normalised ``body``: each Chinese character, and each run of characters
    between ASCII punctuation, spaces and Chinese characters (a word, a number, an emoji)."""
    if body.isascii():  # translate's quick path: ASCII to ASCII, one character for one
        return body.translate(_SEPARATE).split()
    return _TOKEN.findall(body)


def ngrams(body: str) -> set[str]:
    """The distinct n-grams of normalised ``body``: :func:`tokens`, neighbouring token pairs,
    and triples that open with two Chinese characters."""
    found = tokens(body)
    grams = set(found)
    grams.update(map(" ".join, pairwise(found)))
    if not body.isascii():
        grams.update(
            f"{a}{b}{c}"
            for a, b, c in zip(found, found[1:], found[2:], strict=False)
            if is_chinese_char(a) and is_chinese_char(b)
        )
    return grams


def _tokens_of(gram: str) -> list[str]:
    """The tokens of an n-gram as :func:`ngrams` made it: a pair is joined by a space, a triple
    opens with two Chinese characters and is not spaced, a token is itself."""
    if " " in gram:
        return gram.split(" ")
    if len(gram) >= 3 and is_chinese_char(gram[0]) and is_chinese_char(gram[1]):
        return [gram[0], gram[1], gram[2:]]
    return [gram]


class _GramIndex:
    """The tokens that open, end or sit inside the model's known pairs and triples, so that a
    pair or triple of a text is built and looked up only where it could be known."""

    __slots__ = (
        "pair_first",
        "pair_second",
        "triple_first",
        "triple_second",
        "triple_third",
        "weights",
    )

    def __init__(self, weights: Mapping[str, float]) -> None:
        self.weights: Final = dict(weights)  # a plain dict: the quickest look-up, compiled
        pairs = [_tokens_of(g) for g in weights if " " in g]
        triples = [
            t
            for g in weights
            if not g.startswith(FEATURE_MARK)
            for t in [_tokens_of(g)]
            if len(t) == 3
        ]
        self.pair_first: Final = frozenset(t[0] for t in pairs)
        self.pair_second: Final = frozenset(t[1] for t in pairs)
        self.triple_first: Final = frozenset(t[0] for t in triples)
        self.triple_second: Final = frozenset(t[1] for t in triples)
        self.triple_third: Final = frozenset(t[2] for t in triples)


def shown(gram: str) -> str:
    """An n-gram as a reason quotes it: Chinese pairs without the joining space; a kind of
    evidence by its name ("#neg:buying" → "[negative buying]", "#cue:offer:2" → "[offer, 2+
    terms]")."""
    if gram.startswith(FEATURE_MARK):
        kind, _, rest = gram[1:].partition(":")
        if kind in ("size", "schema"):  # "#schema:3"
            return f"[{kind}{', 3+ terms' if rest else ''}]"
        group, _, many = rest.partition(":")
        label = f"{_FEATURE_KINDS.get(kind, kind)}{group}".replace("_", " ")
        return f"[{label}{', 2+ terms' if many else ''}]"
    if " " in gram:  # a pair: Chinese characters side by side, as the text has them
        first, second = gram.split(" ")
        if is_chinese_char(first[-1]) and is_chinese_char(second[0]):
            return first + second
    return gram


@dataclass(frozen=True)
class WordingModel:
    """A correction to the rules' log-odds that a listing naming the cohort offers its data."""

    bias: float
    weights: Mapping[str, float]  # by n-gram, and by evidence kind ("#cue:offer")
    trained_on: tuple[str, ...] = ()  # the corpus splits it learned from
    known: frozenset[str] = field(default=frozenset(), init=False, repr=False, compare=False)
    index: _GramIndex = field(default=None, init=False, repr=False, compare=False)  # type: ignore[assignment]

    def __post_init__(self) -> None:
        object.__setattr__(self, "known", frozenset(self.weights))
        object.__setattr__(self, "index", _GramIndex(self.weights))

    def evidence(self, body: str, features: Collection[str] = ()) -> tuple[float, dict[str, float]]:
        """The correction for ``body`` with the rule evidence ``features``, and each known
        n-gram's and feature's share of it.

        One walk over the text's tokens looks up each token, and a pair or triple only where
        each of its tokens opens, ends (or sits in) some known one: the same set as
        ``ngrams(body) & known`` without building every n-gram of the text.
        """
        index = self.index
        weights = index.weights
        shares: dict[str, float] = {}
        prev = prev2 = ""
        for token in tokens(body):
            weight = weights.get(token)
            if weight is not None:
                shares[token] = weight
            if prev in index.pair_first and token in index.pair_second:
                pair = f"{prev} {token}"
                weight = weights.get(pair)
                if weight is not None:
                    shares[pair] = weight
            if (
                prev2 in index.triple_first
                and prev in index.triple_second
                and token in index.triple_third
            ):
                triple = f"{prev2}{prev}{token}"
                weight = weights.get(triple)
                if weight is not None:
                    shares[triple] = weight
            prev2, prev = prev, token
        for feature in sorted(features):  # a set's order differs between processes
            if feature in weights:
                shares[feature] = weights[feature]
        return self.bias + sum(shares.values()), shares

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
    if isinstance(data, dict) and data.get("format") == 1:
        raise ModelError(
            f"{source}: a wording model of format 1 (words only); retrain it with "
            "`cohortwatch eval train-model` for format 2"
        )
    if not isinstance(data, dict) or data.get("format") != MODEL_FORMAT:
        raise ModelError(f"{source}: not a wording model of format {MODEL_FORMAT}")
    bias, weights = data.get("bias"), data.get("weights")
    if not isinstance(bias, int | float) or not isinstance(weights, dict):
        raise ModelError(f"{source}: a model needs a number 'bias' and 'weights' by n-gram")
    if not all(isinstance(k, str) and isinstance(v, int | float) for k, v in weights.items()):
        raise ModelError(f"{source}: every model weight must be a number under an n-gram")
    trained_on = tuple(str(s) for s in data.get("trained_on") or ())
    return WordingModel(float(bias), MappingProxyType(dict(weights)), trained_on)
