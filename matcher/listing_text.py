"""First listing-text scorer: does a listing's title and text offer the cohort's data?

A deliberately small, explainable scorer for the walking skeleton: it looks for an alias of the
cohort's name (exact after normalisation, or fuzzy with rapidfuzz for the longer Latin aliases),
then for cues that the listing offers data (data terms, size claims, sale and contact cues), and for
negative contexts (freezers, papers, courses, application help, other biobanks). Every contribution
is recorded as a reason that quotes the matched snippet. The full multilingual scorer replaces it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from enum import StrEnum

from rapidfuzz import fuzz

SCORER_VERSION = "text-0.1"
FUZZY_MIN_ALIAS_LENGTH = 8
FUZZY_THRESHOLD = 88.0


class TextVerdict(StrEnum):
    """What a listing's text says about the cohort."""

    LEAK_OFFER = "leak-offer"
    RELATED = "related"
    UNRELATED = "unrelated"


@dataclass(frozen=True)
class CohortProfile:
    """The public names of a cohort and the cues that tell an offer of its data from noise."""

    name: str
    aliases: tuple[str, ...]
    data_cues: tuple[str, ...]
    size_claims: tuple[str, ...]
    sale_cues: tuple[str, ...]
    negative_cues: tuple[str, ...]


@dataclass(frozen=True)
class TextScore:
    """A score in [0, 1], its verdict and the reasons behind it."""

    score: float
    verdict: TextVerdict
    reasons: tuple[str, ...] = field(default_factory=tuple)
    scorer_version: str = SCORER_VERSION


def _terms(text: str) -> tuple[str, ...]:
    """Terms written one group per line, separated by ``|``."""
    return tuple(t.strip() for t in text.replace("\n", "|").split("|") if t.strip())


UK_BIOBANK_PROFILE = CohortProfile(
    name="UK Biobank",
    aliases=_terms("""
        uk biobank | ukbiobank | uk bio-bank | uk bio bank | ukbb | ukb
        英国生物样本库 | 英国生物银行 | 英國生物樣本庫 | 英国生物库
    """),
    data_cues=_terms("""
        data | dataset | data set | full data | database | records | participants
        phenotype | genotype | wgs | exome | imaging | icd10 | icd-10 | biochemistry
        数据 | 表型 | 基因 | 全量 | 样本量 | 病历 | 影像
    """),
    size_claims=_terms("500k | 502k | 500,000 | 502,000 | 500000 | 50万 | 五十万 | 50 万"),
    sale_cues=_terms("""
        for sale | sell | selling | price | usdt | btc | cheap | discount | buy now
        wechat | telegram | whatsapp | contact
        出售 | 转让 | 低价 | 打包 | 微信 | 联系 | 私聊 | 价格 | 现货
    """),
    negative_cues=_terms("""
        freezer | refrigerator | cryovial | cryo vial | cryogenic vial | sample tube
        storage rack | storage box | -80 | ultra-low | ultra low
        paper | journal | textbook | book | course | tutorial | training | webinar
        application service | application help | apply for access | access application
        beware | scam | warning | finngen | kadoorie | all of us
        冰箱 | 超低温 | 冻存管 | 冻存盒 | 冻存架 | 论文 | 文献 | 教程 | 课程 | 培训
        申请代办 | 代办申请 | 申请辅导 | 申请流程 | 代写 | 违规 | 警惕 | 骗子
        中国慢性病前瞻性研究
    """),
)

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))
_SPACES = re.compile(r"\s+")


def normalise(text: str) -> str:
    """NFKC, casefold, drop zero-width characters and collapse whitespace."""
    text = unicodedata.normalize("NFKC", text).translate(_ZERO_WIDTH).casefold()
    return _SPACES.sub(" ", text).strip()


def _is_latin(term: str) -> bool:
    return all(ord(ch) < 0x2E80 for ch in term)


def _find_term(text: str, term: str) -> str | None:
    """The snippet of ``text`` where ``term`` occurs (word-bounded for Latin terms), or None."""
    if _is_latin(term):
        # Word-bounded, allowing an English plural ("papers", "freezers").
        pattern = r"(?<![a-z0-9])" + re.escape(term) + r"(?:e?s)?(?![a-z0-9])"
        hit = re.search(pattern, text)
    else:
        hit = re.search(re.escape(term), text)
    if hit is None:
        return None
    return _snippet(text, hit.start(), hit.end())


def _snippet(text: str, start: int, end: int, context: int = 20) -> str:
    left = max(0, start - context)
    right = min(len(text), end + context)
    return text[left:right].strip()


def _alias_evidence(text: str, profile: CohortProfile) -> tuple[float, str | None]:
    """Strength of the best alias hit (1.0 exact, <1 fuzzy) and a reason quoting it."""
    for alias in profile.aliases:
        snippet = _find_term(text, alias)
        if snippet is not None:
            return 1.0, f"names the cohort ({alias!r}): “{snippet}”"
    best, best_alias = 0.0, None
    for alias in profile.aliases:
        if len(alias) >= FUZZY_MIN_ALIAS_LENGTH and _is_latin(alias):
            ratio = fuzz.partial_ratio(alias, text)
            if ratio > best:
                best, best_alias = ratio, alias
    if best >= FUZZY_THRESHOLD and best_alias is not None:
        return best / 100.0, f"close spelling of {best_alias!r} ({best:.0f}% similar)"
    return 0.0, None


def _cue_hits(text: str, cues: tuple[str, ...]) -> list[tuple[str, str]]:
    hits = []
    for cue in cues:
        snippet = _find_term(text, cue)
        if snippet is not None:
            hits.append((cue, snippet))
    return hits


def score_listing_text(*, title: str, text: str, profile: CohortProfile) -> TextScore:
    """Score how likely a listing offers the cohort's participant data, with reasons."""
    body = normalise(f"{title}\n{text}")
    alias_strength, alias_reason = _alias_evidence(body, profile)
    if alias_strength == 0.0:
        return TextScore(0.0, TextVerdict.UNRELATED, ("no name of the cohort found",))

    reasons = [alias_reason] if alias_reason else []
    data_hits = _cue_hits(body, profile.data_cues)
    size_hits = _cue_hits(body, profile.size_claims)
    sale_hits = _cue_hits(body, profile.sale_cues)
    negative_hits = _cue_hits(body, profile.negative_cues)

    score = 0.35 * alias_strength
    score += 0.15 * min(len(data_hits), 2)
    score += 0.15 if size_hits else 0.0
    score += 0.1 * min(len(sale_hits), 2)
    for label, hits in (
        ("data terms", data_hits),
        ("size claim", size_hits),
        ("sale or contact cue", sale_hits),
    ):
        if hits:
            reasons.append(f"{label}: " + ", ".join(repr(cue) for cue, _ in hits[:4]))
    if negative_hits:
        score -= 0.45
        cue, snippet = negative_hits[0]
        reasons.append(f"negative context ({cue!r}): “{snippet}”")

    score = max(0.0, min(1.0, score))
    if score >= 0.6:
        verdict = TextVerdict.LEAK_OFFER
    elif score >= 0.3:
        verdict = TextVerdict.RELATED
    else:
        verdict = TextVerdict.UNRELATED
    return TextScore(round(score, 3), verdict, tuple(reasons))
