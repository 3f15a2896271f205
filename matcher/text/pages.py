"""A listing as the scorer reads it: its title and text joined and capped, and its parts.

A long page (a thread, a channel digest, a shop's menu) is scored whole, then part by part
(:func:`matcher.text.scoring.score_listing_text`); this module says what its parts are
(:func:`page_parts`), which of them are posts of their own or replies (:data:`POST`,
:data:`REPLY`, :data:`REPLY_TITLE`), whether cues offer and say how (:func:`says_how`), who speaks
in a chat (:func:`speakers`), the name a thread uses (:func:`subject`), and reads pictographs as
words of the name ("🇬🇧" as "UK").
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
    {"code", "training", "stays_on_platform", "access_help", "warning", "news", "jobs"}
)
# A post of its own: a reply (2楼, 楼主, 回复, 作者回复, "Reply (u/name):", 回答2：, "Answer (name):",
# a quoted reply "> …"), a chat line ([name], @name, a time and a word: "20:18 name:",
# "2026-09-11 20:05:12 name(qq)", C姐：, 群主：, a handle "buyer77:", a WeChat group's
# "数据服务-小陈：" (affiliation-name), WhatsApp's "22/04/2026, 09:14 -
# name:", Discord's "name — 13:08:", QQ's "name 10:13:01" above its words), a comment (u/name, "OP
# (u/name)", "name 2 hours ago:", 读者“小陈”, 评论（name）, ▲ 12, "#2 opened by"), a numbered shop
# item (4. …, 4、…, "Tier 3", 规格2) or a bulleted line ("▍匿名用户：", "• 出UKB").
# When a post was written, as bylines show it: "发表于 2026-5-8", "3天前", "2d ago", "commented on
# Feb 15", "opened this issue on", "· 2026-05-21", "· 4d", Zhihu's "赞同 312", a name and a date
# ("板凳  datagirl  2026-03-18"), "小羊 回复 数据狗", "Answer · Dr. V. Kumar"
_STAMP: Final = (
    r"发表于|\d{1,3}\s*(?:天|小时|分钟)前|\d{1,3}\s*(?:[dhmw]|mins?|hours?|days?|weeks?)\s+ago\b"
    r"|\bcommented\s+on\b|\bopened\s+this\s+issue\b|·\s*\d{4}[-/.]\d{1,2}[-/.]\d{1,2}"
    r"|·\s*\d{1,3}\s*[dhmw]\b|赞同\s*\d+|\s\d{4}-\d{1,2}-\d{1,2}(?=\s|$)|\S\s+回复\s+\S"
    r"|^(?:answer|reply|comment)\s+·"
)
_STAMP_RE: Final = re.compile(_STAMP, re.IGNORECASE)
_DATE_WITH_COMMA: Final = re.compile(r"[A-Za-z]{3,9}\.? \d{1,2}, \d{4}")  # "Feb 15, 2026"
_SPEAKER: Final = (
    r"\d{1,3}\s*楼|楼主|回复|\[[^\]\n]{1,24}\]|(?:OP\s*\(\s*)?u/[\w-]{2,30}"
    r"|[Rr]epl(?:y|ies)\b[^:：\n]{0,40}[:：]|(?:回答|[Aa]nswer|[Cc]omment)\s*\d*\b[^:：\n]{0,40}[:：]"
    r"|(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}\s+)?\d{1,2}:\d{2}(?::\d{2})?\s+(?=\S)"
    r"|[\w.-]{2,30}\s+\d{1,3}\s+(?:minutes?|hours?|days?|weeks?|months?)\s+ago\b"
    r"|[\w.-]{2,30}\s+[—–-]\s+\d{1,2}:\d{2}\s*[:：]"  # Discord's "name — 13:08:"
    r"|#\d{1,4}\s+opened\s+by\b|>"
    r"|[A-Za-z\d]{0,3}[\u4e00-\u9fff]{0,4}"  # a nickname: C姐, A总, 群主, 网友B, 用户B
    r"(?:姐|哥|总|弟|妹|老师|群主|管理员|群友|网友[A-Za-z\d]?|用户[A-Za-z\d]{1,3})[:：]"
    r"|(?:user\s+)?[A-Za-z][\w.]*[\d_-][\w.-]*[:：]"  # a handle: "buyer77:", "ts-lab:"
    r"|[\u4e00-\u9fffA-Za-z\d]{1,8}[-－][\u4e00-\u9fff]{1,4}[:：]"  # WeChat's "单位-姓名："
    r"|\d{1,2}/\d{1,2}/\d{2,4},?\s+\d{1,2}:\d{2}\s*(?:[AaPp][Mm])?\s*-\s*[^:：\n]{1,30}[:：]"
    r"|[^\s:：]{1,20}\s+\d{1,2}:\d{2}(?::\d{2})?(?!\S)"  # QQ: "资源君 10:13:01", its words below
    r"|(?:作者|博主|楼主|up主|UP主)回复|读者“[^”\n]{1,12}”|评论\s*[（(][^）)\n]{1,16}[）)]"
    r"|[\u4e00-\u9fff]{1,4}回复[:：]"  # a marketplace's answers: 供应商回复：, 卖家回复：
    rf"|[^\n:：]{{0,40}}?(?:{_STAMP})"  # a byline with its time: "板凳 kk 发表于 2026-5-8 22:02"
)
POST: Final = re.compile(
    rf"\s*(?:[•▍▸▪◆]|(?:[>*·-]\s*|#\d{{1,4}}\s+)?(?:{_SPEAKER}|沙发|评论|@[\w-]{{2,30}}|▲\s*\d+"
    r"|\d{1,2}[.、)]\s*\S"
    r"|(?:[Tt]ier|规格|套餐|SKU)\s*\d{{1,2}}\b))"
)
# A reply or a chat line, which answers the thread's subject (not a shop's item or a digest's
# bullet, which stand on their own)
REPLY: Final = re.compile(rf"\s*(?:[>*·-]\s*|#\d{{1,4}}\s+)?(?:{_SPEAKER})")
# The thread's opener, who wrote its title: "[OP] name · date", "OP: …", "楼主：", "5楼 楼主 name"
OPENER: Final = re.compile(
    r"\s*(?:\[\s*op\s*\]|op\b|(?:\d{1,3}\s*楼\s*)?楼主(?!回复))", re.IGNORECASE
)
# Who speaks in a chat line: its opening with times, dates, digits and marks left out
MAX_SPEAKER_CHARS: Final = 32
_COLON: Final = re.compile("[:：]")
_WORD: Final = re.compile(r"\S+")
_NOT_A_NAME: Final = re.compile(
    r"\[[^\]\n]*\]|[\d\s:：/.,()（）\[\]>*·-]|(?<![a-z])[ap]m(?![a-z])", re.I
)
_NO_SPEAKER: Final = frozenset(
    {"楼", "楼主", "回复", "回答", "reply", "replies", "answer", "comment"}
)
# A chat line "name：…" ("数据搬运工：找我…"): a post when its name opens two or more lines of the
# page, as a chat's speakers do; a shop's "价格：" or "说明：" opens one
_NAMED_LINE: Final = re.compile(r"\s*([^\s:：,，。.!?！？]{1,16})\s*[:：]")
# A line drawn between posts: dashes, rules, stars
_RULE: Final = re.compile(r"[-—–_=*~·.•─━]{3,}")
# A line that only says who posts ("OP (u/name) · 14 points", "u/name · MOD"): its post follows
BYLINE_CHARS: Final = 48
OFFERING: Final = frozenset({"offer", "transaction", "contact", "release"})
_SAYS_HOW_ALONE: Final = ("offer", "transaction")  # two distinct terms of one of these say how
# Pictographs a seller writes for words of the cohort's name: the flag of the UK and the
# regional-indicator letters U and K for "UK", the bank building for 银行, and the double helix
# beside it or before 库 for 生物 ("🇬🇧生物🏦", "🇬🇧🧬🏦", "🇬🇧🧬库"; alone, "🇬🇧🧬 B1obank", it stays a gap)
PICTOGRAPHS: Final = (
    ("\U0001f1ec\U0001f1e7", " UK "),
    ("\U0001f1fa\U0001f1f0", " UK "),
    ("\U0001f9ec\U0001f3e6", "生物银行"),
    ("\U0001f9ec库", "生物库"),
    ("\U0001f3e6", "银行"),
)
# A reply's title: the thread's, after "Re:" ("Re: WTB UK Biobank", "回复：求UKB全量")
REPLY_TITLE: Final = re.compile(r"\s*(?:re|回复|答复)\s*[:：]", re.IGNORECASE)


def says_how(cues: dict[str, list[Hit]]) -> bool:
    """Whether cues offer and say how: two of offer, payment, contact and real rows, or two
    distinct offer terms ("我这边有全套数据, 按字段收费", "dm me, I can share our extract") or
    delivery terms ("mirrored here, magnet:?…")."""
    if sum(group in cues for group in OFFERING) >= 2:
        return True
    return any(len({hit.term for hit in cues.get(group, [])}) >= 2 for group in _SAYS_HOW_ALONE)


def subject(title: str, text: str, compiled: CompiledProfile) -> str:
    """The cohort's name as the thread spells it first (normalised), or "" when it names none or
    means something else by it ("UKB" in a thread about the Bonn hospital)."""
    body = listing_body(title=title, text=text)
    named = drop_other_meanings(body, find_aliases(body, compiled), compiled)
    return named[0].text[named[0].start : named[0].end] if named else ""


def chat_names(lines: list[str]) -> frozenset[str]:
    """The names that open two or more of ``lines`` as "name：…" (a chat's speakers)."""
    counts: dict[str, int] = {}
    for line in lines:
        named = _NAMED_LINE.match(line)
        if named is not None:
            name = named.group(1)
            counts[name] = counts.get(name, 0) + 1
    return frozenset(
        name
        for name, count in counts.items()
        if count >= 2
        and len(name) > 1  # "Q:", "A:", "问：" label a Q&A, not who speaks
        and not name.endswith(("问", "答"))  # "买家问：", "卖家答："
        and name.casefold() not in _NO_SPEAKER
        and OPENER.match(name) is None
    )


def chat_line(part: str, names: frozenset[str]) -> bool:
    """Whether ``part`` opens with one of ``names`` (:func:`chat_names`): "数据搬运工：找我…"."""
    if not names:
        return False
    named = _NAMED_LINE.match(part)
    return named is not None and named.group(1) in names


def is_post(part: str, names: frozenset[str]) -> bool:
    """Whether ``part`` is a post of its own: a form of :data:`POST`, or a chat line."""
    return POST.match(part) is not None or chat_line(part, names)


def speakers(parts: list[str], names: frozenset[str] | None = None) -> dict[str, list[str]]:
    """The chat lines of each speaker who wrote two or more (a speaker is the line's opening, the
    time, date and digits left out: "[4/17/2026 11:04 PM] 阿明#0831:", "资源君 10:13:01" and
    "2026-09-11 20:05:12 顺风数据(38xxxxx019)" are 阿明#, 资源君 and 顺风数据xxxxx). Floors and
    numbered replies (2楼, 回复3) are different people and are left out. A plain "name：" line
    counts when its name opens two or more parts (``names``: :func:`chat_names` of ``parts``,
    read here when the caller has not)."""
    said: dict[str, list[str]] = {}
    if names is None:
        names = chat_names(parts)
    for part in parts:
        match = REPLY.match(part)
        if match is None:
            named = _NAMED_LINE.match(part) if names else None
            if named is not None and named.group(1) in names:
                said.setdefault(named.group(1), []).append(part)
            continue
        opening = match.group()
        stamped = _STAMP_RE.search(opening)
        if stamped is not None:  # "数据侠 · 2026-05-21 …", "liu-stat commented on Feb 15, 2026"
            opening = opening[: stamped.start()]
        elif not opening.rstrip().endswith((":", "：")):  # "[time] name: …": the name follows
            colon = _COLON.search(part, match.end(), match.end() + MAX_SPEAKER_CHARS)
            word = _WORD.match(part, match.end())  # or "time name(qq) words", as QQ writes
            opening = part[: colon.end() if colon else word.end() if word else match.end()]
        who = _NOT_A_NAME.sub("", opening)
        if who and who.casefold() not in _NO_SPEAKER:
            said.setdefault(who, []).append(part)
    return {who: lines for who, lines in said.items() if len(lines) >= 2}


def has_pictographs(title: str, text: str) -> bool:
    """Whether the title or text holds a pictograph of :data:`PICTOGRAPHS` ("🇬🇧 Biobank")."""
    return any(sign in title or sign in text for sign, _ in PICTOGRAPHS)


def pictographs_read(text: str) -> str:
    """``text`` with the pictographs of :data:`PICTOGRAPHS` read as words ("🇬🇧生物🏦" → " UK 生物银行")."""
    for sign, words in PICTOGRAPHS:
        text = text.replace(sign, words)
    return text


def page_parts(text: str) -> list[str]:
    """The parts of a page: its lines (not blank ones or rules), at most :data:`MAX_PARTS`
    (neighbouring parts are joined when there are more). A short line ("Edit:", "2楼") and a line
    that only says who posts ("OP (u/name) · 14 points", "板凳 kk 发表于 2026-5-8") join the next
    line, unless both are posts of their own or the next is a chat speaker's line
    (:func:`chat_names`)."""
    parts: list[str] = []
    pending = ""
    lines = [line.strip() for line in text[:MAX_TEXT_CHARS].splitlines()]
    names = chat_names(lines)
    for line in lines:
        if not line or _RULE.fullmatch(line):
            continue  # blank, or a rule between posts ("——————", "-----")
        if pending and is_post(line, names) and (is_post(pending, names) or chat_line(line, names)):
            parts.append(pending)  # "3楼: 在哪？" is a post of its own, not the start of "4楼: …"
            pending = ""
        pending = f"{pending} {line}" if pending else line
        if len(pending) >= MIN_PART_CHARS and not _byline(pending):
            parts.append(pending)
            pending = ""
    if pending:
        if parts and not is_post(pending, names):
            parts[-1] = f"{parts[-1]} {pending}"
        else:
            parts.append(pending)
    if len(parts) > MAX_PARTS:
        size = -(-len(parts) // MAX_PARTS)
        parts = [" ".join(parts[i : i + size]) for i in range(0, len(parts), size)]
    return parts


def _byline(line: str) -> bool:
    """Whether ``line`` only says who posts: a post's opening, short, with no sentence in it."""
    return (
        len(line) < BYLINE_CHARS
        and POST.match(line) is not None
        and not any(mark in _DATE_WITH_COMMA.sub("", line) for mark in ".!?。！？，,")
    )


def listing_body(*, title: str, text: str) -> str:
    """The normalised text the scorer reads: title and text joined, each capped."""
    return normalise(f"{title[:MAX_TITLE_CHARS]}\n{text[:MAX_TEXT_CHARS]}")
