"""Evidence in normalised listing text: alias, cue, size-claim and schema hits, with snippets.

:func:`compile_profile` turns a :class:`~matcher.text.profile.CohortProfile` into a few regular
expressions (built once per profile and cached); :func:`find_evidence` runs them over normalised
text. Patterns are alternations of literals, character classes and bounded repeats of a separator
class disjoint from the letters around it, so matching stays linear on attacker-written text.

Alias patterns allow up to three separators between letters (``u.k. bio-bank``, ``英 国``) and
leetspeak digits (``b1obank``). When no alias matches exactly, the text after each anchor
(``uk``, ``英国``, ``ying``) is compared with the fuzzy aliases by rapidfuzz.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Final

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from matcher.text.claims import (
    centre_code_hits,
    data_file_hits,
    price_hits,
    schema_hits,
    size_hits,
)
from matcher.text.hits import SNIPPET_CONTEXT, SNIPPET_MAX, Hit, snippet
from matcher.text.normalise import disguised_reading, fold_alias, fold_normalised
from matcher.text.prefilter import Requirement, may_match, required_literals
from matcher.text.profile import CUE_GROUPS, NEGATIVE_GROUPS, CohortProfile
from matcher.text.terms import Groups, TermIndex, index_terms, term_hits

__all__ = [
    "SNIPPET_CONTEXT",
    "SNIPPET_MAX",
    "CompiledProfile",
    "Hit",
    "compile_profile",
    "drop_other_meanings",
    "find_aliases",
    "find_descriptors",
    "find_disguised_aliases",
    "find_evidence",
    "find_fuzzy_alias",
    "find_named",
    "snippet",
]

MAX_ANCHORS: Final = 32
NAME_PATTERN_STRENGTH: Final = 0.9  # a name in other words counts a little less than an alias
MAX_MEMO = 4_096
_SEP: Final = r"[\s.\-_·*/()•|]{0,3}"
_LEET_CLASS: Final = {"a": "[a4@]", "b": "[b8]", "e": "[e3]", "g": "[g9]", "i": "[i1!l]", "l": "[l1i]",
               "o": "[o0]", "s": "[s5$]", "t": "[t7]", "k": "(?:k|\\|<)"}  # fmt: skip
_LATIN: Final = re.compile(r"[a-z0-9]")
_LATIN_CHARS: Final = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")
_CJK: Final = re.compile(r"[\u3400-\u9fff]")
# Not in "41,270". The pattern opens with its first digit (the look-behinds follow it, and include
# it), so the regex engine jumps from digit to digit instead of trying every position.
_BARE_ID: Final = re.compile(r"\d(?<![\d.]\d)(?<!\d,\d)\d{2,4}(?!\d|[.,]\d)")
FIELD_LIST_MIN: Final = 4
_FIELD_NUMBER: Final = re.compile(r"\d+")
_DIGIT: Final = re.compile(r"\d")
_ANCHOR: Final = re.compile(r"u[\s.\-_]{0,2}k|英国|ying")


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
    descriptor_re: re.Pattern[str]  # a quick pre-check: any descriptor phrase, as a substring
    descriptors: TermIndex  # apart from ``terms``: only listings that name nothing need them
    # what shows an ambiguous alias ("ukb") means the cohort when no data, size or field term is
    # beside it: the profile's file-sharing and platform words, and its descriptors
    corroborating: TermIndex
    # what shows an ambiguous alias means something else ("universitätsklinikum bonn", "b2b"):
    # Latin phrases as whole words, so "bb gun" is not read inside "ukbb gunzip"
    other_meanings: TermIndex
    name_needs: Requirement | None  # a pre-check: literals that every name-pattern match holds
    # the profile's name patterns ("the british ... biobank"), each with its own pre-check: searched
    # one by one, a listing that passes the pre-check above runs only those whose literals it holds
    names: tuple[tuple[re.Pattern[str], Requirement | None], ...]
    alias_memo: dict[str, str] = field(default_factory=dict, compare=False, repr=False)


def _char_class(ch: str) -> str:
    return _LEET_CLASS.get(ch, re.escape(ch))


def _alias_pattern(fold: str) -> str:
    """The alias's letters with optional separators between them; leetspeak after the first."""
    body = re.escape(fold[0]) + "".join(_SEP + _char_class(ch) for ch in fold[1:])
    return body + "(?![a-z])" if _LATIN.match(fold[-1]) else body


def _alias_regex(folds: list[str]) -> re.Pattern[str]:
    """One alternation, grouped by first character so the regex engine can skip fast.

    Each group opens with a look-ahead for the second letters its aliases can have: at a "u"
    of "but" or "you" one test fails instead of every "u" alias in turn (the alias scan 14 %
    quicker); the matches are the same, since every alias of the group needs one of them.
    """
    by_first: dict[str, list[str]] = {}
    for fold in sorted(folds, key=len, reverse=True):
        by_first.setdefault(fold[0], []).append(fold)
    branches = []
    for first, group in by_first.items():
        tails = "|".join(_alias_pattern(f)[len(re.escape(first)) :] for f in group)
        seconds = "|".join(dict.fromkeys(_char_class(f[1]) for f in group if len(f) > 1))
        gate = f"(?={_SEP}(?:{seconds}))" if all(len(f) > 1 for f in group) else ""
        # a Latin alias starts a word: the "u" of "but" fails a look-behind before the gate
        # (after the first character, so the pattern still opens with a plain class)
        starts = f"(?<![a-z0-9]{re.escape(first)})" if first in _LATIN_CHARS else ""
        branches.append(f"{re.escape(first)}{starts}{gate}(?:{tails})")
    return re.compile("|".join(branches))


def _literal_regex(terms: tuple[str, ...]) -> re.Pattern[str]:
    """An alternation of literal ``terms`` grouped by first character (``(?!)`` when empty)."""
    by_first: dict[str, list[str]] = {}
    for term in sorted(terms, key=len, reverse=True):
        by_first.setdefault(term[0], []).append(re.escape(term[1:]))
    branches = [f"{re.escape(first)}(?:{'|'.join(tails)})" for first, tails in by_first.items()]
    return re.compile("|".join(branches) or "(?!)")


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
    names = "|".join(profile.name_patterns)
    return CompiledProfile(
        profile=profile,
        alias_re=_alias_regex(list(alias_by_fold)),
        alias_by_fold=alias_by_fold,
        fuzzy_folds=fuzzy,
        terms=index_terms(_frozen(term_groups)),
        field_ids=profile.field_ids,
        descriptor_re=_literal_regex(profile.descriptors),
        descriptors=index_terms({t: (("descriptor", "descriptor"),) for t in profile.descriptors}),
        corroborating=index_terms(
            dict.fromkeys((*profile.corroborating, *profile.descriptors), (("corroborating", ""),))
        ),
        other_meanings=index_terms(dict.fromkeys(profile.other_meanings, (("other meaning", ""),))),
        name_needs=required_literals(names) if names else None,
        names=tuple((re.compile(p), required_literals(p)) for p in profile.name_patterns),
    )


def _frozen(term_groups: dict[str, list[tuple[str, str]]]) -> dict[str, Groups]:
    return {term: tuple(groups) for term, groups in term_groups.items()}


def find_aliases(text: str, compiled: CompiledProfile) -> list[Hit]:
    """Exact alias hits (separators and leetspeak allowed), word-bounded for Latin aliases."""
    hits = []
    memo = compiled.alias_memo
    for match in compiled.alias_re.finditer(text):
        start = match.start()  # a Latin alias starts a word ("bukb" is none): see _alias_regex
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


def find_disguised_aliases(text: str, compiled: CompiledProfile) -> list[Hit]:
    """Alias hits in the text read past its disguises (:func:`disguised_reading`: "Ü.K. Bîobank",
    "鹰国生物样本库"); the hits quote that reading. Empty when the text has no such disguise."""
    reading = disguised_reading(text)
    return [] if reading is None else find_aliases(reading, compiled)


def find_named(text: str, compiled: CompiledProfile) -> Hit | None:
    """The first hit of the profile's name patterns: the cohort named in other words.

    Text without any of the patterns' required literals (:mod:`~matcher.text.prefilter`) cannot
    match, and most listings that reach this point name nothing: they skip the search; the others
    run only the patterns whose own literals they hold. The hit is the leftmost match of all
    patterns (the first pattern's at a tie), as one alternation of them would find.
    """
    if not compiled.names:
        return None
    if compiled.name_needs is not None and not may_match(text, compiled.name_needs):
        return None
    match: re.Match[str] | None = None  # the leftmost match, the first pattern's at a tie
    for pattern, needs in compiled.names:
        if needs is not None and not may_match(text, needs):
            continue
        found = pattern.search(text)
        if found is not None and (match is None or found.start() < match.start()):
            match = found
    if match is None:
        return None
    return Hit("alias", "pattern", match.group(), text, *match.span(), NAME_PATTERN_STRENGTH)


def find_fuzzy_alias(text: str, compiled: CompiledProfile) -> Hit | None:
    """The best fuzzy alias hit after an anchor, if it is similar enough.

    Latin aliases are compared by rapidfuzz's ratio. A Chinese alias is short, so one wrong
    character already drops its ratio below any useful cutoff (英国生物银形: 83): it matches at
    edit distance 1 when it has five or more characters and the window starts like it.
    """
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
            if _CJK.match(fold):
                similarity = _cjk_similarity(fold, window)
            else:
                similarity = fuzz.ratio(fold, window[: len(fold)], score_cutoff=cutoff)
                similarity = max(
                    similarity, fuzz.ratio(fold, window[: len(fold) + 1], score_cutoff=cutoff)
                )
            if similarity and (best is None or similarity / 100 > best.strength):
                end = min(len(text), start + len(fold) + 4)
                best = Hit("alias", "fuzzy", alias, text, start, end, similarity / 100)
    return best


def _cjk_similarity(fold: str, window: str) -> float:
    """100 × (1 - distance / length) when a Chinese alias of 5+ characters is one edit away from
    the window's start (same first two characters), else 0."""
    if len(fold) < 5 or window[:2] != fold[:2]:
        return 0.0
    for candidate in (window[: len(fold)], window[: len(fold) - 1], window[: len(fold) + 1]):
        if Levenshtein.distance(fold, candidate, score_cutoff=1) <= 1:
            return 100.0 * (1 - 1 / len(fold)) if candidate != fold else 100.0
    return 0.0


def find_evidence(text: str, compiled: CompiledProfile) -> list[Hit]:
    """Every cue, negative, size and schema hit in normalised ``text`` (aliases excluded)."""
    profile = compiled.profile
    hits = list(term_hits(text, compiled.terms))
    # A size claim, a price and a field ID all hold a digit; only the "eid" column does not.
    # A quarter of listings hold no digit and skip three regex scans.
    if _has_digit(text):
        hits.extend(size_hits(text, size_min=profile.size_min, size_max=profile.size_max))
        hits.extend(schema_hits(text, compiled.field_ids))
        hits.extend(price_hits(text))
    elif "eid" in text:
        hits.extend(schema_hits(text, compiled.field_ids))
    hits.extend(data_file_hits(text))
    return hits


def _has_digit(text: str) -> bool:
    """Whether ``text`` holds a decimal digit, as ``\\d`` in the claims' patterns matches one
    (any script's; ASCII text can hold only 0-9, found by quicker substring tests)."""
    if text.isascii():
        return any(digit in text for digit in "0123456789")
    return _DIGIT.search(text) is not None


OTHER_MEANING_REACH: Final = 40  # how near another meaning must stand to an ambiguous name


def drop_other_meanings(text: str, aliases: list[Hit], compiled: CompiledProfile) -> list[Hit]:
    """``aliases`` without the ambiguous ones ("ukb") that the words around one of their hits
    show to mean something else ("Universitätsklinikum Bonn", "UKB-10 接线端子", "uk b2b"), within
    :data:`OTHER_MEANING_REACH` characters: a name that means something else once means it
    throughout, and a chat line selling "UKBB baseline" stays a name beside another's "UK fullz"."""
    ambiguous = compiled.profile.ambiguous_aliases
    if not any(hit.term in ambiguous for hit in aliases):
        return aliases
    others = list(term_hits(text, compiled.other_meanings))
    if not others:
        return aliases
    reach = OTHER_MEANING_REACH
    other = {
        hit.term
        for hit in aliases
        if hit.term in ambiguous
        and any(o.start - reach <= hit.end and hit.start <= o.end + reach for o in others)
    }
    return [hit for hit in aliases if hit.term not in other]


def _header_hits(evidence: list[Hit]) -> list[Hit]:
    """Descriptors for a header in the cohort's own style: one for an eid column beside field
    IDs (31-0.0, p31), a second when four or more distinct fields stand beside it
    ("eid|p31|p34|p54_i0|p53_i0"): a header that long is the cohort's own export."""
    eid = next((h for h in evidence if h.group == "participant id column"), None)
    styled = {_field_of(h.term) for h in evidence if h.group == "field id" and not h.term.isdigit()}
    if eid is None or not styled:
        return []
    found = [Hit("descriptor", "descriptor", "eid + field ids", eid.text, eid.start, eid.end)]
    if len(styled) >= FIELD_LIST_MIN:
        found.append(
            Hit("descriptor", "descriptor", "eid + 4 fields", eid.text, eid.start, eid.end)
        )
    return found


def _field_of(term: str) -> str:
    """The field ID in a styled column name: 31-0.0, f.31.0.0, p31_i0, f31_0_0 → 31."""
    number = _FIELD_NUMBER.search(term)
    return term if number is None else number.group()


# "British" near a size claim: one descriptor (text-2.13). Not "UK", which prefixes every
# British marketing list ("UK homeowners aged 40-69, 500k leads")
_BRITISH: Final = re.compile(r"(?<![a-z])(?:british|britain|brit)(?![a-z])|英国|英帝|不列颠")
_BRITISH_REACH: Final = 40


def _british_size(text: str, evidence: list[Hit], described: list[Hit]) -> list[Hit]:
    """The first size claim with "British" within :data:`_BRITISH_REACH` characters that no
    descriptor phrase holds already ("英国50万人队列" counts once), as a list of at most one."""
    for hit in evidence:
        if hit.kind != "size" or hit.group != "size":
            continue
        if any(d.start < hit.end and hit.start < d.end for d in described):
            continue
        reach = hit.start - _BRITISH_REACH if hit.start > _BRITISH_REACH else 0
        if _BRITISH.search(text, reach, hit.end + _BRITISH_REACH):
            return [hit]
    return []


def _distinct_terms(hits: list[Hit]) -> int:
    """How many distinct terms ``hits`` hold, a term inside another found one not counted again
    ("40-69" within "aged 40-69", wherever each occurs)."""
    terms = {h.term for h in hits}
    return sum(1 for t in terms if not any(t != u and t in u for u in terms))


def _field_id_list(text: str, known: frozenset[int]) -> Hit | None:
    """One descriptor for a list of the cohort's field IDs: four or more distinct known IDs of
    three digits or more ("31/34/189/21022/41270/41280"), which chance numbers rarely are."""
    found: dict[int, re.Match[str]] = {}
    for count, match in enumerate(_BARE_ID.finditer(text)):
        if count >= 200:
            break
        number = int(match.group())
        if number in known:
            found.setdefault(number, match)
    if len(found) < FIELD_LIST_MIN:
        return None
    first = min(found.values(), key=lambda m: m.start())
    return Hit("descriptor", "descriptor", "list of field ids", text, *first.span())


def _may_claim_size(text: str, phrases: tuple[str, ...]) -> bool:
    """Whether ``text`` could hold a size claim: a digit, or one of the profile's size phrases."""
    return any(ch in text for ch in "0123456789") or any(p in text for p in phrases)


def find_descriptors(text: str, compiled: CompiledProfile) -> tuple[list[Hit], list[Hit] | None]:
    """Descriptor hits when they identify the cohort without its name, and the evidence found.

    Descriptors are the profile's phrases (22 assessment centres, recruited 2006-2010), one for a
    header in the cohort's style (eid beside 31-0.0), one for assessment-centre codes and one for a
    list of the cohort's field IDs. A size claim ("~502k rows", "50万行") counts as one more beside
    a header, centre codes or a field-ID list, or with "British" near it ("英国的，50w"), never
    alone or inside a phrase ("英国50万" already holds its number). A cheap substring count decides
    first whether a full evidence pass is worth it.
    """
    profile = compiled.profile
    listed = _field_id_list(text, compiled.field_ids)
    # a header may count two, centre codes, a size claim and a field-ID list one each
    extra = (
        2 * ("eid" in text)
        + ("110" in text)
        + (listed is not None)
        + _may_claim_size(text, profile.size_phrases)
    )
    if len(set(compiled.descriptor_re.findall(text))) + extra < profile.descriptor_min:
        return [], None
    described = list(term_hits(text, compiled.descriptors))  # word-bounded, nested ones once
    if _distinct_terms(described) + extra < profile.descriptor_min:
        return [], None
    evidence = find_evidence(text, compiled)
    structural = _header_hits(evidence)
    if listed is not None:
        structural.append(listed)
    structural.extend(centre_code_hits(text))
    if structural:  # the cohort's fields or centres, and its size beside them ("eid … 502k rows")
        described.extend(structural)
        described.extend(h for h in evidence if h.kind == "size" and h.group == "size")
    else:  # its size beside "British", outside the phrases ("英国的，50w", "British, 0.5M")
        described.extend(_british_size(text, evidence, described))
    if _distinct_terms(described) < profile.descriptor_min:
        return [], evidence
    return described, evidence
