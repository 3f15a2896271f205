"""Cue, negative, size-phrase and field-title terms of a profile, found in one pass of set lookups.

:func:`index_terms` indexes the profile's terms once (per compiled profile): single Latin words are
looked up among the listing's words (English plurals included); Latin phrases by their first word,
then confirmed by a word-bounded regex; terms with Chinese characters by their first character among the
listing's characters, then confirmed by ``find``. :func:`term_hits` then costs a few set
intersections per listing instead of a scan per term.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from matcher.text.hits import Hit

MAX_HITS = 400
WORD = re.compile(r"[a-z0-9]+")
CJK_CHAR = re.compile(r"[\u3400-\u9fff]")
# A Latin word ends where a Latin letter or digit stops: "qq群" and "ukb蛋白" hold the words
# "qq" and "ukb", since Chinese text runs Latin words into the characters around them.
LATIN_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")

Groups = tuple[tuple[str, str], ...]  # (kind, group) pairs a term counts for
# -length, start, term, end, groups: sorts longest first, then in text order
Span = tuple[int, int, str, int, Groups]


@dataclass(frozen=True)
class TermIndex:
    """Profile terms indexed by what a listing offers cheaply: its words and character pairs."""

    words: dict[str, tuple[str, Groups]]
    phrases: dict[str, tuple[tuple[str, re.Pattern[str], Groups], ...]]
    cjk: dict[str, tuple[tuple[str, str, Groups], ...]]  # by first character, with the second
    word_keys: frozenset[str]
    phrase_keys: frozenset[str]
    cjk_keys: frozenset[str]
    nested: frozenset[str]  # terms that occur inside a longer term of the profile


def index_terms(term_groups: dict[str, Groups]) -> TermIndex:
    """Index every term of ``term_groups`` (term -> the kinds and groups it counts for)."""
    words: dict[str, tuple[str, Groups]] = {}
    phrases: dict[str, list[tuple[str, re.Pattern[str], Groups]]] = {}
    cjk: dict[str, list[tuple[str, str, Groups]]] = {}
    for term, groups in term_groups.items():
        if CJK_CHAR.search(term):
            cjk.setdefault(term[0], []).append((term, term[1 if len(term) > 1 else 0], groups))
        elif WORD.fullmatch(term):
            words[term] = (term, groups)
        elif WORD.search(term):
            first = WORD.findall(term)[0]
            pattern = rf"(?<![a-z0-9]){re.escape(term)}(?:e?s)?(?![a-z0-9])"
            phrases.setdefault(first, []).append((term, re.compile(pattern), groups))
    for term, entry in list(words.items()):
        for plural in (term + "s", term + "es"):
            words.setdefault(plural, entry)
    return TermIndex(
        words=words,
        phrases={k: tuple(v) for k, v in phrases.items()},
        cjk={k: tuple(v) for k, v in cjk.items()},
        word_keys=frozenset(words),
        phrase_keys=frozenset(phrases),
        cjk_keys=frozenset(cjk),
        nested=frozenset(t for t in term_groups if any(t != u and t in u for u in term_groups)),
    )


def _word_at(text: str, word: str) -> int:
    """Where ``word`` first occurs as a whole word (it is known to occur), else -1."""
    at = text.find(word)
    while at >= 0:
        end = at + len(word)
        if (at == 0 or text[at - 1] not in LATIN_ALNUM) and (
            end == len(text) or text[end] not in LATIN_ALNUM
        ):
            return at
        at = text.find(word, at + 1)
    return -1


def _spans(text: str, index: TermIndex) -> list[Span]:
    """Every term found, at its first occurrence."""
    found: list[Span] = []
    words = set(WORD.findall(text))
    for word in words & index.word_keys:
        term, groups = index.words[word]
        at, size = text.find(word), len(word)
        if (at and text[at - 1] in LATIN_ALNUM) or text[at + size : at + size + 1] in LATIN_ALNUM:
            at = _word_at(text, word)  # the first occurrence is inside a longer word
        if at >= 0:
            found.append((-size, at, term, at + size, groups))
    for first in words & index.phrase_keys:
        for term, pattern, groups in index.phrases[first]:
            match = pattern.search(text) if term in text else None
            if match:
                start, end = match.span()
                found.append((start - end, start, term, end, groups))
    if not text.isascii():
        chars = set(text)
        for first in index.cjk_keys & chars:
            for term, second, groups in index.cjk[first]:
                if second not in chars:
                    continue  # cheaper than a find that fails
                at = text.find(term)
                if at >= 0:
                    found.append((-len(term), at, term, at + len(term), groups))
    return found


def term_hits(text: str, index: TermIndex) -> Iterator[Hit]:
    """Term hits, longest first (then in text order), leaving out a term found only inside a
    longer one ("论文" in "发论文必备")."""
    found = _spans(text, index)
    found.sort()  # longest first, then in text order; (-length, start, term) is unique
    nested = index.nested
    kept: list[tuple[int, int]] = []
    for _, start, term, end, groups in found[:MAX_HITS]:
        tries = 0
        while term in nested and any(
            s <= start and end <= e and (s, e) != (start, end) for s, e in kept
        ):
            start = text.find(term, start + 1)
            tries += 1
            if start < 0 or tries > 8:
                break
            end = start + len(term)
        if start < 0 or tries > 8:
            continue
        kept.append((start, end))
        for kind, group in groups:
            yield Hit(kind, group, term, text, start, end)
