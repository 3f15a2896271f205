"""Evidence in normalised listing text: alias, cue, size-claim and schema hits, with snippets.

:func:`compile_profile` turns a :class:`~matcher.text.profile.CohortProfile` into a few regular
expressions (built once per profile and cached); :func:`find_evidence` runs them over normalised
text. Patterns are alternations of literals, character classes and bounded repeats of a separator
class disjoint from the letters around it, so matching stays linear on attacker-written text.

Alias patterns allow up to two separators between letters (``u.k. bio-bank``, ``英 国``) and
leetspeak digits (``b1obank``). When no alias matches exactly, the text after each anchor
(``uk``, ``英国``, ``ying``) is compared with the fuzzy aliases by rapidfuzz.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

from matcher.text.normalise import fold_alias, fold_normalised
from matcher.text.profile import CUE_GROUPS, NEGATIVE_GROUPS, CohortProfile

SNIPPET_CONTEXT = 24
SNIPPET_MAX = 80
MAX_ANCHORS = 32
MAX_HITS = 400
_SEP = r"[\s.\-_·*/()•]{0,2}"
_LEET_CLASS = {"a": "[a4@]", "b": "[b8]", "e": "[e3]", "g": "[g9]", "i": "[i1!l]", "l": "[l1i]",
               "o": "[o0]", "s": "[s5$]", "t": "[t7]"}  # fmt: skip
_LATIN = re.compile(r"[a-z0-9]")
_WORD = re.compile(r"[a-z0-9]+")
_CJK_RUN = re.compile(r"[\u3400-\u9fff]{2,}")
_CJK_CHAR = re.compile(r"[\u3400-\u9fff]")
_ANCHOR = re.compile(r"u[\s.\-_]{0,2}k|英国|ying")
_NUMBER = re.compile(
    r"(\d{1,3}(?:[,' ]\d{3})+|\d{1,7}(?:\.\d{1,3})?)"
    r" ?(k|千|万|w|m|mio|million|thousand)?(?![a-z\d])"
)
_MULTIPLIER = {None: 1, "k": 1_000, "千": 1_000, "thousand": 1_000, "万": 10_000, "w": 10_000,
               "m": 1_000_000, "mio": 1_000_000, "million": 1_000_000}  # fmt: skip
_FIELD_STYLES = re.compile(
    r"(?<![\w.])(?:f\.)?(\d{1,6})[-.]\d{1,2}\.\d{1,3}(?![\w])"  # 31-0.0, f.31.0.0
    r"|(?<![a-z0-9_])p(\d{1,6})(?:_i\d{1,2})?(?:_a\d{1,3})?(?![a-z0-9])"  # p31, p53_i0
    r"|_f(\d{1,6})_\d{1,2}_\d{1,3}(?![0-9])"  # sex_f31_0_0
    r"|(?<![a-z0-9])(?:f\.)?(eid)(?![a-z0-9])"  # eid, f.eid
    r"|(?<![\d.,])(\d{4,5})(?![\d.,])"  # a bare ID such as 21022 (counted when 2+ known)
)


@dataclass(frozen=True)
class Hit:
    """One piece of evidence: its kind, cue group, the profile term and a quoted snippet."""

    kind: str  # alias | cue | negative | size | schema
    group: str
    term: str
    snippet: str
    strength: float = 1.0


@dataclass(frozen=True)
class CompiledProfile:
    """The regular expressions and lookup tables of one profile."""

    profile: CohortProfile
    alias_re: re.Pattern[str]
    alias_by_fold: dict[str, str]
    fuzzy_folds: tuple[tuple[str, str], ...]
    terms: TermIndex


def snippet(text: str, start: int, end: int) -> str:
    """The matched text with some context, at most ``SNIPPET_MAX`` characters."""
    left = max(0, start - SNIPPET_CONTEXT)
    right = min(len(text), end + SNIPPET_CONTEXT, left + SNIPPET_MAX)
    return text[left:right].strip()


def _char_class(ch: str) -> str:
    return _LEET_CLASS.get(ch, re.escape(ch))


def _alias_pattern(fold: str) -> str:
    """The alias's letters with optional separators between them; leetspeak after the first."""
    body = re.escape(fold[0]) + "".join(_SEP + _char_class(ch) for ch in fold[1:])
    return body + "(?![a-z])" if _LATIN.match(fold[-1]) else body


def _alias_regex(folds: list[str]) -> re.Pattern[str]:
    """One alternation, grouped by first character so the regex engine can skip fast."""
    by_first: dict[str, list[str]] = {}
    for fold in sorted(folds, key=len, reverse=True):
        by_first.setdefault(fold[0], []).append(fold)
    branches = []
    for first, group in by_first.items():
        tails = "|".join(_alias_pattern(f)[len(re.escape(first)) :] for f in group)
        branches.append(f"{re.escape(first)}(?:{tails})")
    return re.compile("|".join(branches))


@dataclass(frozen=True)
class TermIndex:
    """Profile terms indexed for a few set intersections per listing instead of a scan per term.

    Single Latin words are looked up among the listing's words (English plurals included);
    Latin phrases by their first word, then confirmed by a word-bounded regex; Chinese terms by
    their first two characters among the listing's character pairs, then confirmed by ``find``.
    """

    words: dict[str, tuple[str, tuple[tuple[str, str], ...]]]
    phrases: dict[str, tuple[tuple[str, re.Pattern[str], tuple[tuple[str, str], ...]], ...]]
    cjk: dict[str, tuple[tuple[str, tuple[tuple[str, str], ...]], ...]]
    mixed: tuple[tuple[str, tuple[tuple[str, str], ...]], ...]
    word_keys: frozenset[str]
    phrase_keys: frozenset[str]
    cjk_keys: frozenset[str]
    nested: frozenset[str]  # terms that occur inside a longer term of the profile


def _index_terms(term_groups: dict[str, tuple[tuple[str, str], ...]]) -> TermIndex:
    words: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {}
    phrases: dict[str, list[tuple[str, re.Pattern[str], tuple[tuple[str, str], ...]]]] = {}
    cjk: dict[str, list[tuple[str, tuple[tuple[str, str], ...]]]] = {}
    mixed = []
    for term, groups in term_groups.items():
        if _CJK_CHAR.match(term) and len(term) >= 2 and _CJK_CHAR.match(term, 1):
            cjk.setdefault(term[:2], []).append((term, groups))
        elif _CJK_CHAR.search(term):
            mixed.append((term, groups))
        elif _WORD.fullmatch(term):
            words[term] = (term, groups)
        elif _WORD.search(term):
            first = _WORD.findall(term)[0]
            pattern = rf"(?<![a-z0-9]){re.escape(term)}(?:e?s)?(?![a-z0-9])"
            phrases.setdefault(first, []).append((term, re.compile(pattern), groups))
    for term, entry in list(words.items()):
        for plural in (term + "s", term + "es"):
            words.setdefault(plural, entry)
    return TermIndex(
        words=words,
        phrases={k: tuple(v) for k, v in phrases.items()},
        cjk={k: tuple(v) for k, v in cjk.items()},
        mixed=tuple(mixed),
        word_keys=frozenset(words),
        phrase_keys=frozenset(phrases),
        cjk_keys=frozenset(cjk),
        nested=frozenset(t for t in term_groups if any(t != u and t in u for u in term_groups)),
    )


@lru_cache(maxsize=16)
def compile_profile(profile: CohortProfile) -> CompiledProfile:
    """Compile ``profile`` once (cached per profile object)."""
    alias_by_fold: dict[str, str] = {}
    for alias in profile.aliases:
        alias_by_fold.setdefault(fold_alias(alias), alias)
    alias_by_fold.pop("", None)
    term_groups: dict[str, list[tuple[str, str]]] = {}
    for group in CUE_GROUPS:
        for term in profile.cues[group]:
            term_groups.setdefault(term, []).append(("cue", group))
    for group in NEGATIVE_GROUPS:
        for term in profile.negatives[group]:
            term_groups.setdefault(term, []).append(("negative", group))
    for term in profile.size_phrases:
        term_groups.setdefault(term, []).append(("size", "size"))
    for field in profile.fields:
        for title in field.titles:
            term_groups.setdefault(title, []).append(("schema", f"field {field.field_id}"))
    fuzzy = tuple((fold_alias(a), a) for a in profile.fuzzy_aliases if len(fold_alias(a)) >= 6)
    return CompiledProfile(
        profile=profile,
        alias_re=_alias_regex(list(alias_by_fold)),
        alias_by_fold=alias_by_fold,
        fuzzy_folds=fuzzy,
        terms=_index_terms({term: tuple(groups) for term, groups in term_groups.items()}),
    )


def find_aliases(text: str, compiled: CompiledProfile) -> list[Hit]:
    """Exact alias hits (separators and leetspeak allowed), word-bounded for Latin aliases."""
    hits = []
    for match in compiled.alias_re.finditer(text):
        start = match.start()
        if start > 0 and _LATIN.match(text, start - 1) and _LATIN.match(text, start):
            continue  # "bukb": not the start of a word
        fold = fold_normalised(match.group())
        alias = compiled.alias_by_fold.get(fold, fold)
        hits.append(Hit("alias", "alias", alias, snippet(text, start, match.end())))
        if len(hits) >= 8:
            break
    return hits


def find_fuzzy_alias(text: str, compiled: CompiledProfile) -> Hit | None:
    """The best fuzzy alias hit after an anchor, if it is similar enough."""
    cutoff = compiled.profile.fuzzy_min_similarity
    best: Hit | None = None
    for count, anchor in enumerate(_ANCHOR.finditer(text)):
        if count >= MAX_ANCHORS:
            break
        start = anchor.start()
        window = fold_normalised(text[start : start + 40])
        for fold, alias in compiled.fuzzy_folds:
            if window[:1] != fold[:1]:
                continue
            similarity = fuzz.ratio(fold, window[: len(fold)], score_cutoff=cutoff)
            similarity = max(
                similarity, fuzz.ratio(fold, window[: len(fold) + 1], score_cutoff=cutoff)
            )
            if similarity and (best is None or similarity / 100 > best.strength):
                end = min(len(text), start + len(fold) + 4)
                best = Hit("alias", "fuzzy", alias, snippet(text, start, end), similarity / 100)
    return best


def _word_at(text: str, word: str) -> int:
    """Where ``word`` first occurs as a whole word (it is known to occur), else -1."""
    at = text.find(word)
    while at >= 0:
        end = at + len(word)
        if (at == 0 or not text[at - 1].isalnum()) and (
            end == len(text) or not text[end].isalnum()
        ):
            return at
        at = text.find(word, at + 1)
    return -1


def _spans(
    text: str, compiled: CompiledProfile
) -> list[tuple[int, int, str, tuple[tuple[str, str], ...]]]:
    """(start, end, term, groups) of every term found, first occurrence of each."""
    index = compiled.terms
    found = []
    words = set(_WORD.findall(text))
    for word in words & index.word_keys:
        term, groups = index.words[word]
        at = _word_at(text, word)
        if at >= 0:
            found.append((at, at + len(word), term, groups))
    for first in words & index.phrase_keys:
        for term, pattern, groups in index.phrases[first]:
            match = pattern.search(text) if term in text else None
            if match:
                found.append((match.start(), match.end(), term, groups))
    if _CJK_CHAR.search(text):
        pairs = {run[i : i + 2] for run in _CJK_RUN.findall(text) for i in range(len(run) - 1)}
        for pair in pairs & index.cjk_keys:
            for term, groups in index.cjk[pair]:
                at = text.find(term)
                if at >= 0:
                    found.append((at, at + len(term), term, groups))
        for term, groups in index.mixed:
            at = text.find(term)
            if at >= 0:
                found.append((at, at + len(term), term, groups))
    return found


def _term_hits(text: str, compiled: CompiledProfile) -> Iterator[Hit]:
    """Term hits, leaving out a term found only inside a longer one ("论文" in "发论文必备")."""
    found = sorted(_spans(text, compiled), key=lambda f: f[0] - f[1])  # longest first
    kept: list[tuple[int, int]] = []
    for start, end, term, groups in found[:MAX_HITS]:
        tries = 0
        while term in compiled.terms.nested and any(
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
            yield Hit(kind, group, term, snippet(text, start, end))


def _size_hits(text: str, compiled: CompiledProfile) -> Iterator[Hit]:
    profile = compiled.profile
    for count, match in enumerate(_NUMBER.finditer(text)):
        if count >= MAX_HITS:
            return
        at = match.start()
        if at and text[at - 1] in "0123456789.,":
            continue  # the tail of a longer number
        digits = match.group(1).replace(",", "").replace("'", "").replace(" ", "")
        value = float(digits) * _MULTIPLIER[match.group(2)]
        if profile.size_min <= value <= profile.size_max:
            yield Hit("size", "size", match.group().strip(), snippet(text, *match.span()))


def _schema_hits(text: str, compiled: CompiledProfile) -> Iterator[Hit]:
    known = compiled.profile.field_ids
    bare: dict[str, Hit] = {}
    for count, match in enumerate(_FIELD_STYLES.finditer(text)):
        if count >= MAX_HITS:
            break
        styled, rap, readable, eid, plain = match.groups()
        quote = snippet(text, *match.span())
        if eid:
            yield Hit("schema", "participant id column", "eid", quote)
        elif styled or readable:
            yield Hit("schema", "field id", match.group().strip("_"), quote)
        elif rap and int(rap) in known:
            yield Hit("schema", "field id", match.group(), quote)
        elif plain and int(plain) in known:
            bare.setdefault(plain, Hit("schema", "field id", plain, quote))
    if len(bare) >= 2:
        yield from bare.values()


def find_evidence(text: str, compiled: CompiledProfile) -> list[Hit]:
    """Every cue, negative, size and schema hit in normalised ``text`` (aliases excluded)."""
    hits = list(_term_hits(text, compiled))
    hits.extend(_size_hits(text, compiled))
    hits.extend(_schema_hits(text, compiled))
    return hits
