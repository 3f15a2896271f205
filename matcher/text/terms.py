"""Cue, negative, size-phrase and field-title terms of a profile, found in one pass over a listing.

:func:`index_terms` indexes the profile's terms once (per compiled profile): single Latin words are
looked up among the listing's words (English plurals included), a set intersection; Latin
phrases and terms with Chinese characters are found together by one Aho–Corasick automaton
(pyahocorasick, in C), which reports every occurrence of every term in a single scan of the
text, and a phrase is then kept only where it stands as whole words (a plural allowed); before,
a regex per candidate phrase and a ``find`` per candidate Chinese term took 11.7 against 10.1 µs
a named listing. ASCII text (four listings in ten once normalised) is scanned by an automaton of
the ASCII terms alone, in 0.9 against 2.2 µs: the Chinese terms' many first characters slow
every step of the full one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Final

import ahocorasick

from matcher.text.hits import Hit

MAX_HITS: Final = 400
WORD: Final = re.compile(r"[a-z0-9]+")
CJK_CHAR: Final = re.compile(r"[\u3400-\u9fff]")
# A Latin word ends where a Latin letter or digit stops: "qq群" and "ukb蛋白" hold the words
# "qq" and "ukb", since Chinese text runs Latin words into the characters around them.
LATIN_ALNUM: Final = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")

Groups = tuple[tuple[str, str], ...]  # (kind, group) pairs a term counts for
# -length, start, term, end, groups: sorts longest first, then in text order
Span = tuple[int, int, str, int, Groups]


@dataclass(frozen=True)
class TermIndex:
    """Profile terms indexed for one pass over a listing: its words, and two automata."""

    words: dict[str, tuple[str, Groups]]
    # Latin phrases and Chinese terms: each found as (term, its first word or "" for a Chinese
    # term, groups); None when the profile has none
    automaton: Any
    ascii_automaton: Any  # the same for its ASCII terms alone, all that ASCII text can hold
    word_keys: frozenset[str]
    nested: frozenset[str]  # terms that occur inside a longer term of the profile


def index_terms(term_groups: dict[str, Groups]) -> TermIndex:
    """Index every term of ``term_groups`` (term -> the kinds and groups it counts for)."""
    words: dict[str, tuple[str, Groups]] = {}
    scanned: dict[str, tuple[str, str, Groups]] = {}
    for term, groups in term_groups.items():
        if CJK_CHAR.search(term):
            scanned[term] = (term, "", groups)
        elif WORD.fullmatch(term):
            words[term] = (term, groups)
        elif WORD.search(term):  # a phrase counts only where its first word is a word of the text
            scanned[term] = (term, WORD.findall(term)[0], groups)
    for term, entry in list(words.items()):
        for plural in (term + "s", term + "es"):
            words.setdefault(plural, entry)
    return TermIndex(
        words=words,
        automaton=_automaton(scanned),
        ascii_automaton=_automaton({t: v for t, v in scanned.items() if t.isascii()}),
        word_keys=frozenset(words),
        nested=frozenset(t for t in term_groups if any(t != u and t in u for u in term_groups)),
    )


def _automaton(entries: dict[str, tuple[str, str, Groups]]) -> Any:
    """An Aho–Corasick automaton reporting each key's entry, or None for no keys."""
    if not entries:
        return None
    automaton = ahocorasick.Automaton()
    for term, entry in entries.items():
        automaton.add_word(term, entry)
    automaton.make_automaton()
    return automaton


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
    automaton = index.ascii_automaton if text.isascii() else index.automaton
    if automaton is None:
        return found
    seen: set[str] = set()
    # every occurrence, in the order they end: a term's first one that counts is its leftmost
    for last, (term, first_word, groups) in automaton.iter(text):
        if term in seen:
            continue
        end = last + 1
        start = end - len(term)
        if first_word:  # a Latin phrase: whole words, optionally a plural ("-s", "-es") after it
            if first_word not in words or (start and text[start - 1] in LATIN_ALNUM):
                continue
            if text[end : end + 2] == "es" and text[end + 2 : end + 3] not in LATIN_ALNUM:
                end += 2
            elif text[end : end + 1] == "s" and text[end + 1 : end + 2] not in LATIN_ALNUM:
                end += 1
            elif text[end : end + 1] in LATIN_ALNUM:
                continue
        seen.add(term)
        found.append((start - end, start, term, end, groups))
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
