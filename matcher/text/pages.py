"""A listing as the scorer reads it: its title and text joined and capped, and its parts.

A long page (a thread, a channel digest, a shop's menu) is scored whole, then part by part
(:func:`matcher.text.scoring.score_listing_text`); this module says what its parts are
(:func:`page_parts`), which of them are posts of their own or replies (:data:`POST`,
:data:`REPLY`), whether cues offer and say how (:func:`says_how`), the name a thread uses
(:func:`subject`), and reads the flag of the UK as the name's "UK".
"""

from __future__ import annotations

import re
from typing import Final

from matcher.text.evidence import CompiledProfile, drop_other_meanings, find_aliases
from matcher.text.hits import Hit
from matcher.text.normalise import normalise

MAX_TITLE_CHARS: Final = 2_000
MAX_TEXT_CHARS: Final = 50_000
MAX_PARTS: Final = 24  # parts of a long page scored on their own (see score_listing_text)
MIN_PART_CHARS: Final = 16  # a shorter line ("Edit:", "2楼") joins the next one
# Negative contexts that speak for the whole page: no part of it is scored on its own, or (the
# second set) only parts that are posts of their own.
ABSOLUTE_NEGATIVES: Final = frozenset({"no_data"})
PAGE_WIDE_NEGATIVES: Final = frozenset(
    {"code", "training", "stays_on_platform", "access_help", "warning", "news"}
)
# A post of its own: a reply (2楼, 楼主, 回复, "Reply (u/name):", 回答2：, a quoted reply "> …"), a chat
# line ([name], @name), a comment (u/name, ▲ 12), a numbered shop item (4. …, 4、…) or a bulleted
# line ("▍匿名用户：", "• 出UKB数据").
POST: Final = re.compile(
    r"\s*(?:[•▍▸▪◆]|(?:[>*·-]\s*)?(?:\d{1,3}\s*楼|楼主|沙发|回复\s*\d*|评论|\[[^\]\n]{1,24}\]"
    r"|u/[\w-]{2,30}|@[\w-]{2,30}|▲\s*\d+|\d{1,2}[.、)]\s*\S|[Rr]epl(?:y|ies)\b[^:：\n]{0,40}[:：]"
    r"|回答\s*\d+\s*[:：]|>))"
)
# A reply or a chat line, which answers the thread's subject: 2楼, 回复, [name], u/name, "Reply — x:",
# 回答2：, "> …" (not a shop's item or a digest's bullet, which stand on their own)
REPLY: Final = re.compile(
    r"\s*(?:[>*·-]\s*)?(?:\d{1,3}\s*楼|楼主|回复|\[[^\]\n]{1,24}\]|u/[\w-]{2,30}"
    r"|[Rr]epl(?:y|ies)\b[^:：\n]{0,40}[:：]|回答\s*\d+\s*[:：]|>)"
)
OFFERING: Final = frozenset({"offer", "transaction", "contact", "release"})
# The flag of the UK, and the regional-indicator letters U and K, which a seller writes for "UK"
UK_FLAGS: Final = ("\U0001f1ec\U0001f1e7", "\U0001f1fa\U0001f1f0")


def says_how(cues: dict[str, list[Hit]]) -> bool:
    """Whether cues offer and say how: two of offer, payment, contact and real rows, or two
    distinct offer terms ("我这边有全套数据, 按字段收费", "dm me, I can share our extract")."""
    if sum(group in cues for group in OFFERING) >= 2:
        return True
    return len({hit.term for hit in cues.get("offer", [])}) >= 2


def subject(title: str, text: str, compiled: CompiledProfile) -> str:
    """The cohort's name as the thread spells it first (normalised), or "" when it names none or
    means something else by it ("UKB" in a thread about the Bonn hospital)."""
    body = listing_body(title=title, text=text)
    named = drop_other_meanings(body, find_aliases(body, compiled), compiled)
    return named[0].text[named[0].start : named[0].end] if named else ""


def has_uk_flag(title: str, text: str) -> bool:
    """Whether the title or text holds the flag of the UK ("🇬🇧 Biobank")."""
    return any(flag in title or flag in text for flag in UK_FLAGS)


def uk_flag_read(text: str) -> str:
    """``text`` with the flag of the UK (🇬🇧, or 🇺🇰 spelled with the letters U and K) as "UK"."""
    for flag in UK_FLAGS:
        text = text.replace(flag, " UK ")
    return text


def page_parts(text: str) -> list[str]:
    """The parts of a page: its non-empty lines, a short line joined to the next, at most
    :data:`MAX_PARTS` (neighbouring parts are joined when there are more)."""
    parts: list[str] = []
    pending = ""
    for line in text[:MAX_TEXT_CHARS].splitlines():
        line = line.strip()
        if not line:
            continue
        pending = f"{pending} {line}" if pending else line
        if len(pending) >= MIN_PART_CHARS:
            parts.append(pending)
            pending = ""
    if pending:
        if parts:
            parts[-1] = f"{parts[-1]} {pending}"
        else:
            parts.append(pending)
    if len(parts) > MAX_PARTS:
        size = -(-len(parts) // MAX_PARTS)
        parts = [" ".join(parts[i : i + size]) for i in range(0, len(parts), size)]
    return parts


def listing_body(*, title: str, text: str) -> str:
    """The normalised text the scorer reads: title and text joined, each capped."""
    return normalise(f"{title[:MAX_TITLE_CHARS]}\n{text[:MAX_TEXT_CHARS]}")
