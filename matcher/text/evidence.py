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
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz

from matcher.text.claims import schema_hits, size_hits
from matcher.text.hits import SNIPPET_CONTEXT, SNIPPET_MAX, Hit, snippet
from matcher.text.normalise import fold_alias, fold_normalised
from matcher.text.profile import CUE_GROUPS, NEGATIVE_GROUPS, CohortProfile
from matcher.text.terms import Groups, TermIndex, index_terms, term_hits

__all__ = [
    "SNIPPET_CONTEXT",
    "SNIPPET_MAX",
    "CompiledProfile",
    "Hit",
    "compile_profile",
    "find_aliases",
    "find_evidence",
    "find_fuzzy_alias",
    "snippet",
]

MAX_ANCHORS = 32
MAX_MEMO = 4_096
_SEP = r"[\s.\-_·*/()•]{0,2}"
_LEET_CLASS = {"a": "[a4@]", "b": "[b8]", "e": "[e3]", "g": "[g9]", "i": "[i1!l]", "l": "[l1i]",
               "o": "[o0]", "s": "[s5$]", "t": "[t7]"}  # fmt: skip
_LATIN = re.compile(r"[a-z0-9]")
_LATIN_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")
_ANCHOR = re.compile(r"u[\s.\-_]{0,2}k|英国|ying")


@dataclass(frozen=True)
class CompiledProfile:
    """The regular expressions and lookup tables of one profile.

    ``alias_memo`` remembers which alias a matched spelling (``u.k. b1obank``) folds to; it is
    bounded, and only ever adds entries that :func:`fold_normalised` would compute anyway.
    """

    profile: CohortProfile
    alias_re: re.Pattern[str]
    alias_by_fold: dict[str, str]
    fuzzy_folds: tuple[tuple[str, str], ...]
    terms: TermIndex
    field_ids: frozenset[int]
    alias_memo: dict[str, str] = field(default_factory=dict, compare=False, repr=False)


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


@lru_cache(maxsize=16)
def compile_profile(profile: CohortProfile) -> CompiledProfile:
    """Compile ``profile`` once (cached per profile object)."""
    alias_by_fold: dict[str, str] = {}
    for alias in profile.aliases:
        alias_by_fold.setdefault(fold_alias(alias), alias)
    alias_by_fold.pop("", None)
    term_groups: dict[str, list[tuple[str, str]]] = {}  # term -> (kind, group) pairs
    for group in CUE_GROUPS:
        for term in profile.cues[group]:
            term_groups.setdefault(term, []).append(("cue", group))
    for group in NEGATIVE_GROUPS:
        for term in profile.negatives[group]:
            term_groups.setdefault(term, []).append(("negative", group))
    for term in profile.size_phrases:
        term_groups.setdefault(term, []).append(("size", "size"))
    for cohort_field in profile.fields:
        for title in cohort_field.titles:
            term_groups.setdefault(title, []).append(("schema", f"field {cohort_field.field_id}"))
    fuzzy = tuple((fold_alias(a), a) for a in profile.fuzzy_aliases if len(fold_alias(a)) >= 6)
    return CompiledProfile(
        profile=profile,
        alias_re=_alias_regex(list(alias_by_fold)),
        alias_by_fold=alias_by_fold,
        fuzzy_folds=fuzzy,
        terms=index_terms(_frozen(term_groups)),
        field_ids=profile.field_ids,
    )


def _frozen(term_groups: dict[str, list[tuple[str, str]]]) -> dict[str, Groups]:
    return {term: tuple(groups) for term, groups in term_groups.items()}


def find_aliases(text: str, compiled: CompiledProfile) -> list[Hit]:
    """Exact alias hits (separators and leetspeak allowed), word-bounded for Latin aliases."""
    hits = []
    memo = compiled.alias_memo
    for match in compiled.alias_re.finditer(text):
        start = match.start()
        if start > 0 and text[start - 1] in _LATIN_CHARS and text[start] in _LATIN_CHARS:
            continue  # "bukb": not the start of a word
        spelled = match.group()
        alias = memo.get(spelled)
        if alias is None:
            fold = fold_normalised(spelled)
            alias = compiled.alias_by_fold.get(fold, fold)
            if len(memo) < MAX_MEMO:
                memo[spelled] = alias
        hits.append(Hit("alias", "alias", alias, text, start, match.end()))
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
                best = Hit("alias", "fuzzy", alias, text, start, end, similarity / 100)
    return best


def find_evidence(text: str, compiled: CompiledProfile) -> list[Hit]:
    """Every cue, negative, size and schema hit in normalised ``text`` (aliases excluded)."""
    profile = compiled.profile
    hits = list(term_hits(text, compiled.terms))
    hits.extend(size_hits(text, size_min=profile.size_min, size_max=profile.size_max))
    hits.extend(schema_hits(text, compiled.field_ids))
    return hits
