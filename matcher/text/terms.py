"""Cue, negative, size-phrase and field-title terms of a profile, found in one pass over a listing.

:func:`index_terms` indexes the profile's terms once (per compiled profile): single Latin words are
looked up among the listing's words (English plurals included), a set intersection; Latin
phrases and terms with Chinese characters are found together by one Aho–Corasick automaton
(``ahocorasick_rs``, compiled Rust), which reports every occurrence of every term in a single
scan of the text, and a phrase is then kept only where it stands as whole words (a plural
allowed); before, a regex per candidate phrase and a ``find`` per candidate Chinese term took
11.7 against 10.1 µs a named listing. ASCII text is scanned by an automaton of the ASCII terms
alone (1.8 against 2.1 µs an ASCII listing).

``pyahocorasick`` served until ``text-2.8``: its trie looks a character up among a node's
children one by one, and the root has one child per first character of a term (284, most of
them Chinese), so every Chinese character that starts no term cost a scan of them all; the DFA
finds the same occurrences in 1.6 against 4.0 µs a non-ASCII listing.

The automata are contiguous NFAs, not DFAs: a DFA of the 1,659 keys holds a row of transitions
per state for every byte class (Chinese terms bring most of the UTF-8 continuation bytes),
megabytes that do not stay in cache between listings. Called on one listing after another the
DFA took 2.2 µs a call, but 8.2 µs inside the scorer, whose other work evicts it; the contiguous
NFA, far smaller, takes 5.5-5.7 µs there. The occurrences reported are the
same, in the same order.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final

from ahocorasick_rs import AhoCorasick, Implementation, MatchKind

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


# What an automaton reports for a key: (kind, the key, the profile term it stands for, the term's
# groups, the phrase's first word when the text's words must be checked for it, else "")
_WORD, _PHRASE, _CHINESE = 0, 1, 2
Entry = tuple[int, str, str, Groups, str]


@dataclass(frozen=True)
class TermIndex:
    """Profile terms indexed for one pass over a listing: two Aho–Corasick automata."""

    # every term (single Latin words also in their plural forms); None when the profile has none
    automaton: Automaton | None
    ascii_automaton: Automaton | None  # its ASCII terms alone, all that ASCII text can hold
    nested: frozenset[str]  # terms that occur inside a longer term of the profile


@dataclass(frozen=True)
class Automaton:
    """An automaton of keys and the entry each key reports, by the key's index."""

    keys: AhoCorasick
    entries: tuple[Entry, ...]


def index_terms(term_groups: dict[str, Groups]) -> TermIndex:
    """Index every term of ``term_groups`` (term -> the kinds and groups it counts for)."""
    entries: dict[str, Entry] = {}
    words: dict[str, tuple[str, Groups]] = {}
    for term, groups in term_groups.items():
        if CJK_CHAR.search(term):
            entries[term] = (_CHINESE, term, term, groups, "")
        elif WORD.fullmatch(term):
            words[term] = (term, groups)
        elif WORD.search(term):
            entries[term] = (_PHRASE, term, term, groups, _first_word_to_check(term))
    for term, entry in list(words.items()):
        for plural in (term + "s", term + "es"):
            words.setdefault(plural, entry)
    for form, (term, groups) in words.items():
        entries[form] = (_WORD, form, term, groups, "")
    return TermIndex(
        automaton=_automaton(entries),
        ascii_automaton=_automaton({k: v for k, v in entries.items() if k.isascii()}),
        nested=frozenset(t for t in term_groups if any(t != u and t in u for u in term_groups)),
    )


def _first_word_to_check(phrase: str) -> str:
    """A phrase counts only where its first word is also one of the text's words. Wherever the
    phrase itself stands as whole words, so does that word, unless the word ends the phrase and a
    plural follows it ("#ukbs": the text's word is "ukbs"): only then must the text's words be
    looked at, and this returns the word; else ""."""
    first = WORD.search(phrase)
    assert first is not None  # the caller checked
    return first.group() if first.end() == len(phrase) else ""


def _automaton(entries: dict[str, Entry]) -> Automaton | None:
    """An automaton that reports every occurrence of every key (overlapping ones too), or None
    for no keys."""
    if not entries:
        return None
    keys = AhoCorasick(
        list(entries), matchkind=MatchKind.Standard, implementation=Implementation.ContiguousNFA
    )
    return Automaton(keys, tuple(entries.values()))


def _spans(text: str, index: TermIndex) -> list[Span]:
    """Every term found, at its first occurrence: a word or a phrase where it stands as whole
    words (a phrase optionally followed by a plural "-s" or "-es"), a Chinese term anywhere."""
    found: list[Span] = []
    automaton = index.ascii_automaton if text.isascii() else index.automaton
    if automaton is None:
        return found
    seen: set[str] = set()
    words: set[str] | None = None  # the text's words, read only when a phrase needs them
    # every occurrence, in the order they end: a key's first one that counts is its leftmost
    entries = automaton.entries
    reported: tuple[int, int, int]
    for reported in automaton.keys.find_matches_as_indexes(text, overlapping=True):
        number, start, end = reported  # typed, so that compiled code unpacks it natively
        kind, key, term, groups, first_word = entries[number]
        if key in seen:
            continue
        if kind != _CHINESE and start and text[start - 1] in LATIN_ALNUM:
            continue  # inside a longer word
        if kind == _WORD:
            if text[end : end + 1] in LATIN_ALNUM:
                continue
        elif kind == _PHRASE:
            if text[end : end + 2] == "es" and text[end + 2 : end + 3] not in LATIN_ALNUM:
                end += 2
            elif text[end : end + 1] == "s" and text[end + 1 : end + 2] not in LATIN_ALNUM:
                end += 1
            elif text[end : end + 1] in LATIN_ALNUM:
                continue
            if first_word and end > start + len(key):  # a plural follows the phrase
                if words is None:
                    words = set(WORD.findall(text))
                if first_word not in words:
                    continue
        seen.add(key)
        found.append((start - end, start, term, end, groups))
    return found


def term_hits(text: str, index: TermIndex) -> Iterator[Hit]:
    """Term hits, longest first (then in text order), leaving out a term found only inside a
    longer one ("论文" in "发论文必备")."""
    found = _spans(text, index)
    found.sort()  # longest first, then in text order; (-length, start, term) is unique
    nested = index.nested
    kept: list[tuple[int, int]] = []
    kept_terms: list[str] = []
    for _, start, term, end, groups in found[:MAX_HITS]:
        tries = 0
        while term in nested and (
            any(s <= start and end <= e and (s, e) != (start, end) for s, e in kept)
            or _inside_another(text, term, start, kept_terms)
        ):
            start = text.find(term, start + 1)
            tries += 1
            if start < 0 or tries > 8:
                break
            end = start + len(term)
        if start < 0 or tries > 8:
            continue
        kept.append((start, end))
        kept_terms.append(term)
        for kind, group in groups:
            yield Hit(kind, group, term, text, start, end)


def _inside_another(text: str, term: str, start: int, kept: list[str]) -> bool:
    """Whether ``term`` at ``start`` lies inside a repeat of a longer term already kept (whose
    first occurrence is elsewhere): "buying" in the second "before buying" of a text."""
    for longer in kept:
        if longer != term and term in longer:
            offset = longer.find(term)
            if offset <= start and text.startswith(longer, start - offset):
                return True
    return False
