"""Size claims ("488k participants", "50万"), prices ("300u") and field IDs such as ``31-0.0``.

Both patterns open with a character class (a digit, or one of ``\\d _ e f p``), so the regex
engine skips straight to candidate characters instead of trying every branch at every position;
the context checks that used to lead each branch (``(?<![\\w.])``) follow the first character as
lookbehinds that include it. No quantifier is nested, so matching stays linear. ASCII text is
scanned by copies of the size and field-ID patterns with ``\\d`` spelled ``[0-9]``
(:func:`_ascii_digits`): the same matches there, 17-31 % quicker.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Final

from matcher.text.hits import Hit

MAX_HITS: Final = 400


def _ascii_digits(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """``pattern`` with every ``\\d`` spelled ``0-9``: the same matches in ASCII text, which can
    hold no other decimal digit, found quicker (a Unicode ``\\d`` looks every character up in
    the Unicode database)."""
    source, spelled, in_class, at = pattern.pattern, [], False, 0
    while at < len(source):
        char = source[at]
        if char == "\\":
            escape = source[at : at + 2]
            spelled.append(("0-9" if in_class else "[0-9]") if escape == "\\d" else escape)
            at += 2
            continue
        if char == "[" and not in_class:
            in_class = True
        elif char == "]" and in_class:
            in_class = False
        spelled.append(char)
        at += 1
    return re.compile("".join(spelled))


_NUMBER: Final = re.compile(  # 488,000 | 488 000 | 502,4xx (masked) | 0.5 | 488
    r"(\d(?:\d{0,2}(?:[,' ](?:\d{3}|\d\dx|\dxx|xxx))+|\d{0,6}(?:\.\d{1,3})?))"
    r" ?(k|千|万|w|m|mio|million|thousand)?(?![a-z\d])"
)
_NUMBER_ASCII: Final = _ascii_digits(_NUMBER)
_DIGITS: Final = frozenset("0123456789")
MIN_COUNT: Final = 1_000
# After a number, the people it counts: "4万例", "45,109 participants", "4,8xx uk biobank
# participants", "1,8xx eids". Up to three words between the number and the noun.
_PEOPLE: Final = re.compile(
    r" ?\+?(?:名|个)? ?(?:[a-z][a-z-]{0,15} ){0,3}"
    r"(人|例|participants?|subjects?|individuals|people|eids?|参与者|受试者)(?![a-z])"
)
# A price: a currency sign before the amount, or a currency word, "u" (USDT) or "a copy" after it.
_UNITS: Final = (
    r"usdt|usdc|usd|rmb|gbp|eur|btc|eth|xmr|dollars?|bucks|\$|元|块|刀|美元|美金|一份|每份|/份|一套"
)
_PRICE: Final = re.compile(
    r"[$¥£€0-9](?:(?<=[$¥£€]) ?\d[\d,.]{0,8}k?"
    rf"|(?<![\d.,a-z][0-9])(?<=[0-9])[\d,.]{{0,8}}(?:k ?| ?)(?:{_UNITS})"
    r"|(?<![\d.,a-z][0-9])(?<=[0-9])[\d,.]{0,8}k?u)(?![a-z0-9])"
)
# A centre code stands alone: not inside a longer number ("111010", "11010.5", "11,010,500"),
# but a CSV comma beside it is fine ("1951,7,11010,56").
_CENTRE_CODE: Final = re.compile(r"(?<![\d.])110(?:0[1-9]|1\d|2[0-3])(?!\d|\.\d|,\d{3}(?!\d))")
# A data file a page holds: a name with a data format's extension, listed under a folder
# ("data/pheno.csv"), with its size ("ukb_chr1.bed (28.4 gb") or as release assets / Git LFS.
# Placeholder and toy names ("your_app.csv", "example.csv", "ukbxxxx.csv") are not data.
_DATA_EXTENSIONS: Final = (
    "csv|tsv|parquet|feather|arrow|bed|bim|fam|bgen|pgen|pvar|psam|vcf|npy|npz|h5|hdf5|dcm|cwa"
    "|xlsx|rds|rdata|sav|dta|sas7bdat|enc_ukb|tab"
)
_DATA_FILE: Final = re.compile(
    rf"(?<![\w./-])(?:[\w*-]+/)*([\w*.-]{{1,80}}\.(?:{_DATA_EXTENSIONS})(?:\.(?:gz|zst|bz2|xz))?)"
    r"(?![\w])(?:[`'\"]?[ :(\-–]{0,4}(\d+(?:\.\d+)? ?(?:tb|gb|mb|g|m)(?![a-z])))?"
)
_DATA_EXTENSION: Final = re.compile(rf"\.(?:{_DATA_EXTENSIONS})(?![a-z])")  # a cheap test first
_PLACEHOLDER: Final = re.compile(
    r"your|example|xxx|dummy|toy|synthetic|simulated|fake|test|demo|template"
)
_HOSTED: Final = ("git lfs", "lfs)", " lfs", "assets", "releases")

_MULTIPLIER: Final = {None: 1, "k": 1_000, "千": 1_000, "thousand": 1_000, "万": 10_000, "w": 10_000,
               "m": 1_000_000, "mio": 1_000_000, "million": 1_000_000}  # fmt: skip
# Field-ID styles, one named branch each: 31-0.0 / f.31.0.0 (styled; the instance is one digit, so a
# date "14.06.26" is none), p31 / p53_i0 (rap),
# sex_f31_0_0 (readable), eid / f.eid (eid), a bare ID such as 21022 (plain: counted when two or
# more are known). A branch's first character is matched by the opening class.
_FIELD_BRANCHES: Final = (
    r"(?<![a-z0-9_.]f)(?<=f)(?P<styled_f>\.\d{1,6}[-.]\d\.\d{1,3}(?![a-z0-9_]))",
    r"(?<![a-z0-9]f)(?<=f)(?P<eid_f>\.eid(?![a-z0-9]))",
    r"(?<![a-z0-9_]p)(?<=p)(?P<rap>\d{1,6}(?:_i\d{1,2})?(?:_a\d{1,3})?(?![a-z0-9]))",
    r"(?<=_)(?P<readable>f\d{1,6}_\d{1,2}_\d{1,3}(?![0-9]))",
    r"(?<![a-z0-9]e)(?<=e)(?P<eid>id(?![a-z0-9]))",
    r"(?<![a-z0-9_.]\d)(?<=\d)(?P<styled>\d{0,5}[-.]\d\.\d{1,3}(?![a-z0-9_]))",
    r"(?<![\d.,]\d)(?<=\d)(?P<plain>\d{3,4}(?![\d.,]))",
)
# After the opening character every branch needs a digit, "-" or "." (styled, plain, rap,
# styled_f), "f" (readable) or "i" (eid): a look-ahead for those rejects most "e", "f" and "p"
# of English words in one test instead of seven branches (the scan 27-42 % quicker).
_FIELD_STYLES: Final = re.compile(r"[\d_efp](?=[\d.\-fi])(?:" + "|".join(_FIELD_BRANCHES) + ")")
# The same without the "eid" branches, for text without "eid": "e" is the commonest letter.
_FIELD_IDS: Final = re.compile(
    r"[\d_fp](?=[\d.\-f])(?:" + "|".join(b for b in _FIELD_BRANCHES if "eid" not in b) + ")"
)
_FIELD_STYLES_ASCII: Final = _ascii_digits(_FIELD_STYLES)
_FIELD_IDS_ASCII: Final = _ascii_digits(_FIELD_IDS)


def size_hits(text: str, *, size_min: int, size_max: int) -> Iterator[Hit]:
    """Numbers (with their magnitude) between ``size_min`` and ``size_max``, and counts of people
    in a subset of the cohort ("4万例", "45,109 participants", "4,8xx uk biobank participants",
    "1,8xx eids": at least :data:`MIN_COUNT`, fewer than ``size_min``), both size claims. A count
    of eids is also a ``release`` cue: it describes a list of participants."""
    counts = 0
    # A number of n characters without a magnitude is below 10**n: those too short to reach
    # either bound (half the numbers: "2", "10", "1.5") are passed over before their value is read.
    least = min(size_min, MIN_COUNT)
    short = len(str(least)) - 1 if least >= 1 else 0  # 10**short <= least
    number = _NUMBER_ASCII if text.isascii() else _NUMBER
    for found, match in enumerate(number.finditer(text)):
        if found >= MAX_HITS:
            return
        at = match.start()
        if match.end() - at <= short and match.lastindex == 1:
            continue  # no magnitude, and too short to reach either bound
        if at and (
            text[at - 1] in _DIGITS or (text[at - 1] in ".," and text[at - 2 : at - 1] in _DIGITS)
        ):
            continue  # the tail of a longer number ("50万" after "数据," is not)
        digits = match.group(1)
        plain = digits.replace(",", "").replace("'", "").replace(" ", "").replace("x", "0")
        value = float(plain) * _MULTIPLIER[match.group(2)]
        if size_min <= value <= size_max:
            yield Hit("size", "size", match.group().strip(), text, at, match.end())
        elif MIN_COUNT <= value < size_min and counts < 4:
            if match.group(2) is None and plain == digits and 1900 <= value <= 2099:
                continue  # a year ("2024 people")
            noun = _PEOPLE.match(text, match.end())
            if noun is None:
                continue
            counts += 1
            yield Hit("size", "size", text[at : noun.end()], text, at, noun.end())
            if noun.group(1).startswith("eid"):
                yield Hit("cue", "release", "eid list", text, at, noun.end())


def price_hits(text: str) -> Iterator[Hit]:
    """Price amounts ("$1.8k", "300u", "888 usdt", "2000元", "150一份"): sale intent, as an
    ``offer`` cue."""
    for count, match in enumerate(_PRICE.finditer(text)):
        if count >= 8:
            return
        yield Hit("cue", "offer", match.group(), text, *match.span())


def data_file_hits(text: str) -> Iterator[Hit]:
    """At most one hit for a data file that the page says it holds (a ``release`` cue)."""
    if not _DATA_EXTENSION.search(text):
        return
    hosted = any(word in text for word in _HOSTED)
    for count, match in enumerate(_DATA_FILE.finditer(text)):
        if count >= 64:
            return
        name = match.group(1)
        if _PLACEHOLDER.search(name):
            continue
        if hosted or match.group(2) or "/" in match.group():
            yield Hit("cue", "release", "data file listed", text, *match.span())
            return


def centre_code_hits(text: str) -> Iterator[Hit]:
    """At most one hit for UK Biobank assessment-centre codes (11001-11023) in the text."""
    match = _CENTRE_CODE.search(text)
    if match:
        yield Hit("descriptor", "descriptor", "assessment centre code", text, *match.span())


def schema_hits(text: str, known: frozenset[int]) -> Iterator[Hit]:
    """Field IDs in a known style, known bare IDs (two or more) and the participant ID column."""
    bare: dict[str, Hit] = {}
    if text.isascii():
        pattern = _FIELD_STYLES_ASCII if "eid" in text else _FIELD_IDS_ASCII
    else:
        pattern = _FIELD_STYLES if "eid" in text else _FIELD_IDS
    for count, match in enumerate(pattern.finditer(text)):
        if count >= MAX_HITS:
            break
        style, found = match.lastgroup, match.group()
        if style == "eid" or style == "eid_f":
            yield Hit("schema", "participant id column", "eid", text, *match.span())
        elif style == "styled" or style == "styled_f" or style == "readable":
            yield Hit("schema", "field id", found.strip("_"), text, *match.span())
        elif style == "rap" and int(found[1:].partition("_")[0]) in known:
            yield Hit("schema", "field id", found, text, *match.span())
        elif style == "plain" and int(found) in known:
            bare.setdefault(found, Hit("schema", "field id", found, text, *match.span()))
    if len(bare) >= 2:
        yield from bare.values()
