"""Who speaks in a listing: negations before a term, real data disowned after it, and the seller's
pitch that a warning or a news report quotes.

A name said only to deny it ("no UKB.", "UKB没有，只有CKB") does not make the page's offers ours.
The scorer counts a cue only where the listing's own voice says it: "no real participants" and
"非真实参与者" (a negation before a release cue in its clause), "no selling", "不是汇总统计" and "not a
scam" (a negation right before a cue or a negative context), "与任何真实参与者无关" (real data
disowned by the words after it), and a scam warning's “UKB full 500k, 300u, tg @x” (the pitch it
quotes is the seller's, not the page's).
"""

from __future__ import annotations

import re
from typing import Final

from matcher.text.hits import ByGroup, Hit
from matcher.text.prefilter import any_needed, required_literals

_NEGATION_WINDOW: Final = 40
_NEGATION: Final = re.compile(r"(?<![a-z])(?:no|not|never|without|none of) |non-|[非不无]|没有")
_CLAUSE_END: Final = re.compile(r".*[.,;:!?。\n]", re.DOTALL)
# Real data disowned by the words right after it: "与任何真实参与者无关", "真实数据请通过 UK Biobank
# 官方申请" (a course's simulated rows, and where the real ones come from)
_DISOWNED: Final = re.compile(r"[^,.;:!?。;,]{0,8}?(?:无关|请通过|请自行|请向|需自行申请)")
# A negation right before a cue or a negative context ("no selling", "don't dm me", "不是汇总统计",
# "not a scam", "skip the 6-month access application", "免去申请流程", "请勿用于发表"): at most two
# words between it and the term in English, nothing but an auxiliary in Chinese. Negations further
# back in the clause ("不开发票，…出售") do not reach the term.
CLOSE_NEGATION: Final = re.compile(
    r"(?:(?<![a-z'])(?:no|not|never|don't|dont|do not|didn't|did not|isn't|won't|will not|cannot"
    r"|can't|without|skip)"
    r" (?:[a-z0-9'-]+ ){0,2}|(?:不|没有|没|非|别|勿|免去|免|无需)(?:是|要|会|能|可以|再|做|提供|用于)?)\Z"
)
_CLOSE_WINDOW: Final = 24
# The negation words every close negation holds ("no", "don't", "不", "无需" …), read from the
# pattern itself: a hit's window without any of them is not negated, and most windows hold none,
# so one search of these literals spares the full pattern's search (~half its cost).
CLOSE_NEGATION_WORDS: Final = any_needed(required_literals(CLOSE_NEGATION.pattern))
NEGATABLE: Final = frozenset({"offer", "transaction", "contact"})
# Negative contexts whose pages quote sellers (a warning, a news report), the quotation marks they
# quote in, and the evidence that is the seller's pitch when it stands inside them
REPORTING: Final = ("warning", "news")
_QUOTE: Final = re.compile(
    r'“[^“”]{1,300}”|‘[^‘’]{1,300}’|"[^"\n]{1,300}"|「[^「」]{1,300}」|『[^『』]{1,300}』'
    r"|(?<![a-z0-9])'[^'\n]{1,300}'(?![a-z0-9])"  # 'single quotes', not an apostrophe's
)
MAX_QUOTES: Final = 32
PITCH: Final = frozenset({("cue", "offer"), ("cue", "transaction"), ("cue", "contact")})


def negated(hit: Hit) -> bool:
    """Whether a negation ("no", "not", "非", "不") comes before the hit in its clause ("no
    individual-level data or per-participant scores")."""
    start = hit.start - _NEGATION_WINDOW if hit.start > _NEGATION_WINDOW else 0
    before = hit.text[start : hit.start]
    clause_end = _CLAUSE_END.match(before)
    if clause_end:
        before = before[clause_end.end() :]
    return _NEGATION.search(before) is not None


def negated_close(hit: Hit) -> bool:
    """Whether a negation stands right before the hit ("no selling", "不是汇总统计")."""
    text, start = hit.text, hit.start - _CLOSE_WINDOW if hit.start > _CLOSE_WINDOW else 0
    if CLOSE_NEGATION_WORDS.search(text, start, hit.start) is None:
        return False
    return CLOSE_NEGATION.search(text, start, hit.start) is not None


def drop_quoted_pitch(body: str, by_group: ByGroup) -> None:
    """Leave out the seller's pitch that a warning or a news report quotes: offer, price, payment
    and contact inside quotation marks (“…”, ‘…’, "…", '…', 「…」, 『…』) are the seller's words, not
    the page's ("scam alert: “UKB full 500k, 300u, tg @x” took my money"). The page's own words
    around the quote still count, and so does a size inside one: a seller echoes the buyers'
    question ("大家问的“英国那个50万人的队列”", blind5) as often as a warning quotes the pitch."""
    quotes = [m.span() for _, m in zip(range(MAX_QUOTES), _QUOTE.finditer(body), strict=False)]
    if not quotes:
        return
    for key in [k for k in by_group if k in PITCH]:
        kept = [h for h in by_group[key] if not any(a < h.start and h.end < b for a, b in quotes)]
        if kept:
            by_group[key] = kept
        else:
            del by_group[key]


# A name said only to deny it: "no UKB.", "UKB没有，只有CKB", "UK Biobank — not available", "英国生物
# 样本库 — 暂无" (a seller of other data answering a buyer, a shop's list of what it lacks). The
# denial ends its clause ("UKB没有删减" is no denial); what follows it is about other data.
_DENIAL: Final = r"(?:没有|没了|没货|暂无|无货|缺货|售罄|not available|n/a|sold out|none(?![a-z]))"
_CLAUSE_AFTER: Final = r"(?= ?(?:[.,;!?。，；！？·—-]|\Z|只有|(?<![a-z])(?:but|only)(?![a-z])))"
_DENIED_AFTER: Final = re.compile(rf" ?[-—–:：,，.、]? ?{_DENIAL}{_CLAUSE_AFTER}")
_DENIED_BEFORE: Final = re.compile(r"(?:(?<![a-z])no|没有|暂无) ?\Z")
_ENDS_CLAUSE: Final = re.compile(_CLAUSE_AFTER)
_DENIAL_WINDOW: Final = 8
DENIAL_REACH: Final = 40  # what follows a denial, as far as this, is about other data


def denied(hit: Hit) -> bool:
    """Whether the words around a name deny it ("no ukb.", "ukb没有,", "uk biobank — not
    available")."""
    text = hit.text
    if _DENIED_AFTER.match(text, hit.end):
        return True
    start = hit.start - _DENIAL_WINDOW if hit.start > _DENIAL_WINDOW else 0
    return (
        _DENIED_BEFORE.search(text, start, hit.start) is not None
        and _ENDS_CLAUSE.match(text, hit.end) is not None
    )


def drop_after_denials(denials: list[Hit], by_group: ByGroup) -> None:
    """Leave out the offer, delivery, contact and size that follow a denied name within
    :data:`DENIAL_REACH` characters ("no ukb. have finngen r9, 500$": the price is FinnGen's)."""
    for key in [k for k in by_group if k in PITCH or k == ("size", "size")]:
        kept = [
            h
            for h in by_group[key]
            if not any(d.end <= h.start <= d.end + DENIAL_REACH for d in denials)
        ]
        if kept:
            by_group[key] = kept
        else:
            del by_group[key]


def disowned(hit: Hit) -> bool:
    """Whether the words right after a release cue disown it ("与任何真实参与者无关")."""
    return _DISOWNED.match(hit.text, hit.end) is not None
