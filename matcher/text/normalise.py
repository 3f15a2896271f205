"""Normalisation of attacker-written listing text before any term is matched.

:func:`normalise` folds the tricks sellers use to dodge keyword filters into one plain form:
Unicode compatibility forms (full-width ``ＵＫ``, ligatures) by NFKC, case by casefold, invisible
characters (zero-width spaces, joiners, bidi controls, soft hyphens), emoji between letters, Latin
look-alikes (Cyrillic, Greek, small capitals, Canadian syllabics, Cherokee, squared letters),
traditional Chinese characters (a shipped table), Chinese numerals before a magnitude (``五十万`` →
``50万``) and two-digit ones (``二十二个中心`` → ``22个中心``). Whitespace is collapsed. Separators inside
words (``U.K. Bio-bank``, ``英 国 生 物``) and leetspeak (``B1obank``) are kept here and handled by
the alias patterns; :func:`fold_alias` removes them too, for fuzzy comparison and for tests.

Every step is a single pass of a C-level primitive (``str.translate``, a regex without nested
quantifiers), so normalisation stays linear in the input, which is capped by the caller. ASCII
text (most English listings) needs only the case fold and the whitespace collapse.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

from matcher.text.hanzi import FOLD_HANZI, TRADITIONAL_CHARS

# Invisible characters left by NFKC: zero-width space/joiners, word joiner, BOM, soft hyphen,
# bidi marks and embeddings, Mongolian vowel separator, invisible operators, variation selectors.
# Also the combining marks that NFKC leaves on a letter with no precomposed form: strikethrough,
# underline and "Zalgo" styling (b̶i̶o̶b̶a̶n̶k̶, U̲K̲) hides a name from a filter as well as a
# zero-width space does. Not the marks for symbols (U+20D0-U+20FF: the keycap of "1️⃣").
_INVISIBLE: Final = re.compile(
    "[\u00ad\u0300-\u036f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180e\u1ab0-\u1aff"
    "\u1dc0-\u1dff\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufe20-\ufe2f"
    "\ufeff\uffa0]"
)
# Latin look-alikes (after casefold) from Cyrillic and Greek.
_CONFUSABLES: Final = {
    "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p",
    "с": "c", "т": "t", "у": "y", "х": "x", "і": "i", "ї": "i", "ј": "j", "ѕ": "s", "ԁ": "d",
    "ԛ": "q", "ԝ": "w", "ո": "n", "α": "a", "β": "b", "ε": "e", "η": "n", "ι": "i", "κ": "k",
    "ν": "v", "ο": "o", "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "ϲ": "c", "ɑ": "a", "ı": "i",
    "ℓ": "l", "ǀ": "l",
    # Latin small capitals, which NFKC leaves alone ("ʙɪᴏʙᴀɴᴋ")
    "ᴀ": "a", "ʙ": "b", "ᴄ": "c", "ᴅ": "d", "ᴇ": "e", "ꜰ": "f", "ɢ": "g", "ʜ": "h", "ɪ": "i",
    "ᴊ": "j", "ᴋ": "k", "ʟ": "l", "ᴍ": "m", "ɴ": "n", "ᴏ": "o", "ᴘ": "p", "ʀ": "r", "ꜱ": "s",
    "ᴛ": "t", "ᴜ": "u", "ᴠ": "v", "ᴡ": "w", "ʏ": "y", "ᴢ": "z", "ʊ": "u", "ɡ": "g", "ɩ": "i",
    # Canadian syllabics and Cherokee letters shaped like Latin ones ("ᑌK Biobank")
    "ᑌ": "u", "ᑎ": "n", "ᑕ": "c", "ᑭ": "p", "ᗷ": "b", "ᗩ": "a", "ᗪ": "d", "ᕼ": "h", "ᒪ": "l",
    "ᔕ": "s", "ᗰ": "m", "ᐯ": "v", "ᗯ": "w", "ᐅ": "d", "Ꭺ": "a", "Ᏼ": "b", "Ꮯ": "c", "Ꭼ": "e",
    "Ꮋ": "h", "Ꮶ": "k", "Ꮮ": "l", "Ꮇ": "m", "Ꮲ": "p", "Ꮪ": "s", "Ꭲ": "t", "Ꮃ": "w", "Ꮖ": "i",
    "Ꮓ": "z", "Ꭻ": "j",
}  # fmt: skip
# Squared and negative circled or squared letters (🄱, 🅑, 🅱), which NFKC leaves as emoji.
for _first in (0x1F130, 0x1F150, 0x1F170):
    _CONFUSABLES.update({chr(_first + i): chr(ord("a") + i) for i in range(26)})
_CONFUSABLE_TABLE: Final = {ord(k): v for k, v in _CONFUSABLES.items()}


def _accented_letters() -> dict[str, str]:
    """Latin letters with accents, after casefold, and their plain ASCII letters: every letter of
    Latin-1, Latin Extended-A and -B and Latin Extended Additional that decomposes into an ASCII
    letter and marks (ü → u, î → i, ị → i; not ø, æ or ß, which have no such base)."""
    found = {}
    for code in (*range(0xC0, 0x250), *range(0x1E00, 0x1F00)):
        letter = chr(code).casefold()
        parts = unicodedata.normalize("NFD", letter)
        if len(letter) == 1 and len(parts) > 1 and parts[0].isascii() and parts[0].isalpha():
            found[letter] = parts[0]
    return found


_ACCENTED: Final = _accented_letters()
_ACCENT_TABLE: Final = {ord(k): v for k, v in _ACCENTED.items()}


def _class_of(chars: str) -> str:
    """A regex character class of ``chars``, runs of consecutive code points written as ranges.

    Listing every character above U+FFFF one by one (🄰 … 🅉) costs the regex engine its fast
    character-set scan: such a class searched ~10 times slower (13 µs against 1.3 µs a listing).
    """
    codes = sorted(set(map(ord, chars)))
    runs: list[list[int]] = []
    for code in codes:
        if runs and code == runs[-1][1] + 1:
            runs[-1][1] = code
        else:
            runs.append([code, code])
    parts = (
        re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in runs
    )
    return "[" + "".join(parts) + "]"


_CONFUSABLE_RE: Final = re.compile(_class_of("".join(_CONFUSABLES)))
_ACCENTED_RE: Final = re.compile(_class_of("".join(_ACCENTED)))
# Characters read "ying" (any tone, simplified and traditional) that sellers write for 英 before 国
# ("鹰国", "婴国"): no country is called that, and a whole alias must still follow.
_YING: Final = "鹰鷹婴嬰樱櫻莺鶯缨纓瑛应膺嘤罂璎撄迎盈营赢贏萤螢莹瑩蝇蠅荧熒滢瀅影颖穎硬映"
_YING_COUNTRY: Final = re.compile(f"[{_YING}](?=国)")
# Characters read "yin" that sellers write for 银 in 生物银行 ("生物阴行")
_YIN_BANK: Final = re.compile("(?<=生物)[阴陰音因引印吟寅淫](?=行)")
# Characters read "wu" that sellers write for 物 in 生物 ("生屋样本库")
_WU_THING: Final = re.compile("(?<=生)[屋雾務务误悟舞午武吾坞勿](?=样|银行|库|资料)")
# 夲, a look-alike (and old variant) of 本, in 样本 ("样夲库")
_BEN_LOOKALIKE: Final = re.compile("(?<=[样羊洋])夲")
# Characters read "yang" that sellers write for 样 in 生物样本 ("生物羊本库")
_YANG_SAMPLE: Final = re.compile("(?<=生物)[羊洋杨阳扬央秧](?=本)")
# Characters read "ke" that sellers write for the K of UKB ("U可B")
_KAY_LETTER: Final = re.compile("(?<=u)[可克科课刻客](?=b)")
# The disguises read in this order: a character every match needs (a cheap test), the pattern,
# what it reads as
_DISGUISES: Final = (
    ("国", _YING_COUNTRY, "英"),
    ("行", _YIN_BANK, "银"),
    ("生", _WU_THING, "物"),
    ("夲", _BEN_LOOKALIKE, "本"),
    ("本", _YANG_SAMPLE, "样"),
    ("u", _KAY_LETTER, "k"),
)
_TRADITIONAL_RE: Final = re.compile("[" + TRADITIONAL_CHARS + "]")
# Emoji and pictographs (flags, symbols, dingbats) dropped between Chinese characters
# ("英🇬🇧国生🧬物"), read as a space elsewhere ("uk🧬biobank").
# A run of them, spelled as one and any more (the same as "+"): a pattern that opens with one class
# lets the regex engine skip to candidate characters instead of trying a match at every position
# (2.37 against 1.52 µs a listing with emoji, substituted).
_EMOJI_CHARS: Final = "\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff"
_EMOJI: Final = f"[{_EMOJI_CHARS}][{_EMOJI_CHARS}]*"
_EMOJI_RE: Final = re.compile(_EMOJI)


def _chars_of(class_body: str) -> str:
    """Every character of a class body written as characters and ranges ("a-z"), no escapes."""
    chars: list[str] = []
    at = 0
    while at < len(class_body):
        if at + 2 < len(class_body) and class_body[at + 1] == "-":
            chars.extend(map(chr, range(ord(class_body[at]), ord(class_body[at + 2]) + 1)))
            at += 3
        else:
            chars.append(class_body[at])
            at += 1
    return "".join(chars)


# Any character that one of the four folds above changes: a text without one (about a third of
# the non-ASCII listings) skips the folds. One class of all their characters, so that overlapping
# runs merge: the squared letters (🄰 …) and the emoji around them above U+FFFF are one range, and
# the regex engine tests every character of the text against each range above U+FFFF in turn
# (four separate ranges took 1.76 against 0.89 µs a non-ASCII listing).
_FOLDED_RE: Final = re.compile(
    _class_of(
        "".join(_CONFUSABLES)
        + TRADITIONAL_CHARS
        + _chars_of(_INVISIBLE.pattern[1:-1])
        + _chars_of(_EMOJI_CHARS)
    )
)
# Full-width ASCII forms and the ideographic space, which NFKC maps one to one onto ASCII
# (ＵＫ → uk, "，" → ","): most Chinese listings hold some and nothing else that NFKC changes, so
# mapping them first leaves text that is already in NFKC and skips the full normalisation.
# A run spelled as one and any more, like the emoji (2.78 against 2.14 µs a listing, substituted).
_FULL_WIDTH: Final = re.compile("[\uff01-\uff5e\u3000][\uff01-\uff5e\u3000]*")
# Whether there is one: a class alone lets the regex engine test each character against it
# (0.41 µs a listing); a run that opens with a repeat makes it try a match at every position
# (0.93 µs).
_ANY_FULL_WIDTH: Final = re.compile("[\uff01-\uff5e\u3000]")
_FULL_WIDTH_TO_ASCII: Final = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {
    0x3000: 0x20
}
# The full-width punctuation of Chinese text ("，" alone is a third of all full-width forms in
# the corpus), replaced one by one before any regex: quicker than a substitution with a callback.
_FULL_WIDTH_PUNCTUATION: Final = tuple(
    (wide, chr(_FULL_WIDTH_TO_ASCII[ord(wide)])) for wide in "，：？！；（）"
)

_DIGITS: Final = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
           "七": 7, "八": 8, "九": 9}  # fmt: skip
_UNITS: Final = {"十": 10, "百": 100, "千": 1000}
# A run of Chinese numerals (optionally with a decimal 点) right before 万 or 亿. Spelled as one
# numeral and up to eleven more, the same as {1,12}: a pattern that opens with a plain class
# lets the regex engine skip to candidate characters (0.63 against 1.11 µs a listing with 万).
_CN_NUMBER: Final = re.compile(
    "[零〇一二两三四五六七八九十百千点][零〇一二两三四五六七八九十百千点]{0,11}(?=[万亿])"
)
_CN_DIGIT: Final = re.compile("[零〇一二两三四五六七八九]")
# A two-digit Chinese number anywhere (二十二个中心, 四十到六十九岁): tens with a digit on
# either side of 十, so a bare 十 (十分, 十全十美) stays a word.
_CN_TENS: Final = re.compile(
    "(?<![零〇一二两三四五六七八九十百千点])"
    "(?:[二三四五六七八九]十[一二三四五六七八九]?|十[一二三四五六七八九])"
    "(?![零〇一二两三四五六七八九十百千万亿点])"
)
# Chinese written one character at a time ("英 国 生 物") and a space between a number and the
# Chinese around it ("50 万", "22 个评估中心", "英国 50万") hide words from a filter: those spaces
# are dropped; "数据 低价" keeps its. A space goes between a digit and a Chinese character (either
# side), and between two Chinese characters when either
# stands alone (a space or the end of the text on its other side). The pattern opens with the
# space itself, so the engine jumps from space to space, and every branch needs a digit or a
# Chinese character after it: one test of that rejects most spaces (0.5 µs a listing quicker).
_SPELLING_SPACE: Final = re.compile(
    r" (?=[\d\u3400-\u9fff])(?:(?<=\d )(?=[\u3400-\u9fff])|(?<=[\u3400-\u9fff] )(?=\d)"
    r"|(?<=[\u3400-\u9fff] )(?<![^ ][\u3400-\u9fff] )(?=[\u3400-\u9fff])"
    r"|(?<=[\u3400-\u9fff] )(?=[\u3400-\u9fff](?: |\Z)))"
)

# Leetspeak digits and symbols inside Latin words, and separators inside names.
_LEET: Final = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b",
                       "@": "a", "$": "s", "!": "i", "|": "l"})  # fmt: skip
_LEET_WORD: Final = re.compile(r"[a-z][a-z0-9@$!|]*[a-z0-9@$!|]")
_NON_NAME: Final = re.compile(r"[^a-z0-9\u3400-\u9fff]")
# What the alias patterns allow between letters; a run spelled as one and any more, like the emoji
_SEPARATORS: Final = re.compile(r"[\s.\-_·*/()•|][\s.\-_·*/()•|]*")


def _cn_integer(text: str) -> int | None:
    """Value of a Chinese integer like 五十, 三百零二, 十二; None when it is not one."""
    total, digit = 0, None
    for ch in text:
        if ch in _DIGITS:
            digit = _DIGITS[ch]
        elif ch in _UNITS:
            total += (1 if digit is None else digit) * _UNITS[ch]
            digit = None
        else:
            return None
    return total + (digit or 0)


def _cn_numeral(match: re.Match[str]) -> str:
    """Chinese numerals → Arabic digits (五十 → 50, 五十点二 → 50.2); unchanged if malformed."""
    if not _CN_DIGIT.search(match.group()):
        return match.group()  # 千万 ("by all means"), 十万: idioms or round numbers
    whole, _, fraction = match.group().partition("点")
    value = _cn_integer(whole) if whole else None
    if value is None:
        return match.group()
    if not fraction:
        return str(value)
    if all(ch in _DIGITS for ch in fraction):
        return f"{value}." + "".join(str(_DIGITS[ch]) for ch in fraction)
    return match.group()


def _cn_tens(match: re.Match[str]) -> str:
    return str(_cn_integer(match.group()))


def _ascii_of(match: re.Match[str]) -> str:
    return match.group().translate(_FULL_WIDTH_TO_ASCII)


def _emoji_gap(match: re.Match[str]) -> str:
    """What a run of emoji leaves: nothing between two Chinese characters, else a space."""
    text, start, end = match.string, match.start(), match.end()
    if start and end < len(text) and is_chinese(text[start - 1]) and is_chinese(text[end]):
        return ""
    return " "


def is_chinese(char: str) -> bool:
    """Whether ``char`` is a Chinese character (CJK Extension A and the Unified Ideographs)."""
    return "\u3400" <= char <= "\u9fff"


def nfkc(text: str) -> str:
    """``unicodedata.normalize("NFKC", text)``, sparing the full normalisation when mapping the
    full-width forms is all it would do. NFKC decomposes each of them to exactly that ASCII
    character, so mapping them first cannot change the result."""
    for wide, narrow in _FULL_WIDTH_PUNCTUATION:
        if wide in text:
            text = text.replace(wide, narrow)
    if _ANY_FULL_WIDTH.search(text):
        text = _FULL_WIDTH.sub(_ascii_of, text)
    if unicodedata.is_normalized("NFKC", text):
        return text
    return unicodedata.normalize("NFKC", text)


def replace_found(text: str, found: list[str], table: dict[int, str]) -> str:
    """``text.translate(table)``, given ``found``, the characters of ``text`` that ``table`` maps
    (repeats do no harm). Each is replaced in turn by a substring search, quicker than
    ``translate``'s look-up of every character of the text: 5.4 against 2.4 µs a listing with
    traditional characters (11 distinct on average). The same text, since no replacement holds a
    character the table replaces (a test checks both tables)."""
    for char in dict.fromkeys(found):
        text = text.replace(char, table[ord(char)])
    return text


def normalise(text: str) -> str:
    """The plain form of ``text`` that every profile term is matched against."""
    if text.isascii():  # every fold below only changes non-ASCII characters
        return " ".join(text.lower().split())
    text = nfkc(text).casefold()
    # One scan collects the characters any fold changes; which folds apply is then read off
    # those few characters instead of searching the whole text once per fold.
    folded = "".join(_FOLDED_RE.findall(text))
    if folded:
        if _INVISIBLE.search(folded):
            text = _INVISIBLE.sub("", text)
        if _CONFUSABLE_RE.search(folded):
            text = replace_found(text, _CONFUSABLE_RE.findall(folded), _CONFUSABLE_TABLE)
        if _TRADITIONAL_RE.search(folded):
            text = replace_found(text, _TRADITIONAL_RE.findall(folded), FOLD_HANZI)
        if _EMOJI_RE.search(folded):
            text = _EMOJI_RE.sub(_emoji_gap, text)
    text = " ".join(text.split())
    text = _SPELLING_SPACE.sub("", text)
    if "万" in text or "亿" in text:
        text = _CN_NUMBER.sub(_cn_numeral, text)
    if "十" in text:
        text = _CN_TENS.sub(_cn_tens, text)
    return text


def disguised_reading(text: str) -> str | None:
    """Normalised ``text`` read past seven disguises, character for character so every position
    stays: accented Latin letters as plain ones ("ü.k. bîobank" → "u.k. biobank"), a character
    read "ying" before 国 as 英 ("鹰国生物样本库" → "英国生物样本库"), one read "yin" in 生物银行 as
    银 ("生物阴行" → "生物银行"), one read "wu" in 生物 as 物 ("生屋样本库"), one read "yang" in
    生物样本 as 样 ("生物羊本库"), one read "ke" between U and B as K ("u可b" → "ukb") and the
    look-alike 夲 in 样本 as 本 ("样夲库"). None when none occurs.

    Not part of :func:`normalise`: the wording model and the profile's terms read these words as
    they are written ("universitätsklinikum"). The alias search reads a listing this way when
    nothing else names the cohort.
    """
    if text.isascii():
        return None
    reading = text
    if _ACCENTED_RE.search(reading):
        reading = reading.translate(_ACCENT_TABLE)
    for needed, disguise, read_as in _DISGUISES:
        if needed in reading:
            reading = disguise.sub(read_as, reading)
    return None if reading == text else reading


def unleet(text: str) -> str:
    """Leetspeak digits and symbols inside Latin words read as letters (b1obank → biobank)."""
    return _LEET_WORD.sub(lambda m: m.group().translate(_LEET), text)


def fold_normalised(text: str) -> str:
    """:func:`fold_alias` of text that :func:`normalise` already returned."""
    return _NON_NAME.sub("", unleet(_SEPARATORS.sub("", text.replace("|<", "k"))))


def fold_alias(text: str) -> str:
    """Normalised, leetspeak read as letters, every separator removed: "U.K. B1o-bank" → "ukbiobank"."""
    return fold_normalised(normalise(text))
