"""Parse the cells of a large plain-ASCII CSV/TSV straight from its bytes, column by column.

The all-text path (:func:`matcher.samples.text.delimited`, then :mod:`matcher.canonical`) turns
every cell into a Python-side text column and parses each number twice. For a large file whose
header is mapped, :func:`parse_columns` reads only the cells the linkage needs, in one parallel
numba pass over the bytes, into the arrays the canonical parsers would give:

- numbers (``-?digits[.digits]``, at most 15 digits): the float ``text`` reads as (the integer
  of its digits divided by a power of ten, which IEEE rounds exactly as a correct parse does) and
  the decimals the cell shows;
- codes: a cell that is exactly one of the coding's codes (canonical integers);
- dates: ``YYYY-MM-DD`` (days since 1970-01-01);
- ICD-10 codes (``E119``, ``E11.9``) packed as :func:`matcher.canonical.icd10_expr` packs them;
- participant IDs (``-?digits``).

Any other non-empty cell marks its column *unread*, and the caller parses that column the
all-text way, so the result is the same as the all-text path's for every file. A column the
caller needs only to know holds a value (a field no linkage key is made of) is *checked*: its
cells are read until one is read or unread, and none is kept. A set or dated array in adjacent
columns can be *combined* as its cells are read (its set code or earliest date), its members
not kept. A file this parser cannot split exactly as polars would (quotes inside cells, cells
spanning lines, carriage returns, empty or ragged lines) is refused as a whole (None).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numba
import numpy as np

from matcher.code_kernels import _mix
from matcher.prf import wait_warm_up

NUMBER, CODE, DATE, ICD10, ID = 1, 2, 3, 4, 5
MAX_DIGITS = 15  # below 2**53: the digits are an exact float
QUOTE = 34
NEWLINE = 10
CARRIAGE_RETURN = 13
_POW10 = np.array([10.0**k for k in range(23)])


LOW7 = np.uint64(0x7F7F7F7F7F7F7F7F)
ONES = np.uint64(0x0101010101010101)
NEWLINES = ONES * np.uint64(NEWLINE)
RETURNS = ONES * np.uint64(CARRIAGE_RETURN)


@numba.njit(cache=True, nogil=True, inline="always")
def _zero_bytes(y: np.uint64) -> np.uint64:
    """The top bit of each byte of ``y`` that is zero, and no other bit (exact, no carries)."""
    t = (y & LOW7) + LOW7
    return ~(t | y | LOW7)


@numba.njit(parallel=True, cache=True, nogil=True)
def _count_lines(
    buf: np.ndarray, words: np.ndarray, bounds: np.ndarray, counts: np.ndarray
) -> None:
    """Newlines per chunk; -1 for a chunk with a carriage return. ``words`` is ``buf`` read 8
    bytes at a time: a chunk's whole words are tested 8 bytes at once, its ends byte by byte."""
    for c in numba.prange(bounds.size - 1):
        a, b = bounds[c], bounds[c + 1]
        first_word, end_word = (a + 7) // 8, b // 8
        if first_word >= end_word:
            first_word = end_word = b // 8 + 1  # no whole word: every byte one by one
        lines = 0
        returns = np.uint64(0)
        for i in range(a, min(b, first_word * 8)):
            lines += buf[i] == NEWLINE
            returns |= np.uint64(buf[i] == CARRIAGE_RETURN)
        for w in range(first_word, end_word):
            x = words[w]
            found = ((_zero_bytes(x ^ NEWLINES) >> np.uint64(7)) * ONES) >> np.uint64(56)
            lines += int(found)  # how many of its bytes are newlines (0 to 8)
            returns |= _zero_bytes(x ^ RETURNS)
        for i in range(max(a, end_word * 8), b):
            lines += buf[i] == NEWLINE
            returns |= np.uint64(buf[i] == CARRIAGE_RETURN)
        counts[c] = lines if returns == 0 else -1


def split_lines(data: bytes, *, chunks: int = 256) -> tuple[np.ndarray, np.ndarray] | None:
    """Chunks of whole lines: their byte bounds and the index of each chunk's first line (one
    more entry: the number of lines). None when the file has a carriage return."""
    size = len(data)
    marks = [0]
    for k in range(1, chunks):
        cut = data.find(b"\n", max(marks[-1], size * k // chunks)) + 1
        if cut <= 0:
            break
        if cut > marks[-1]:
            marks.append(cut)
    if marks[-1] != size:
        marks.append(size)
    bounds = np.array(marks, dtype=np.int64)
    buf = np.frombuffer(data, dtype=np.uint8)
    words = buf[: size // 8 * 8].view(np.uint64)
    counts = np.empty(bounds.size - 1, dtype=np.int64)
    wait_warm_up("fastcsv")
    _count_lines(buf, words, bounds, counts)
    if np.any(counts < 0):
        return None
    if size and data[-1:] != b"\n":
        counts[-1] += 1  # a last line without its newline
    first = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)
    return bounds, first


@numba.njit(cache=True, nogil=True, inline="always")
def _number(buf: np.ndarray, a: int, b: int) -> tuple[int, float, int]:
    """(status, value, decimals): status 1 read, 0 empty, -1 not a plain number."""
    if a == b:
        return 0, 0.0, 0
    i = a
    negative = buf[i] == 45  # '-'
    if negative:
        i += 1
    mantissa = 0
    digits = 0
    before = 0
    while i < b and 48 <= buf[i] <= 57:
        mantissa = mantissa * 10 + (buf[i] - 48)
        digits += 1
        before += 1
        i += 1
    decimals = 0
    if i < b and buf[i] == 46:  # '.'
        i += 1
        while i < b and 48 <= buf[i] <= 57:
            mantissa = mantissa * 10 + (buf[i] - 48)
            digits += 1
            decimals += 1
            i += 1
        if decimals == 0:
            return -1, 0.0, 0
    if i != b or before == 0 or digits > MAX_DIGITS:
        return -1, 0.0, 0
    value = mantissa / _POW10[decimals]
    return 1, -value if negative else value, decimals


@numba.njit(cache=True, nogil=True, inline="always")
def _integer(buf: np.ndarray, a: int, b: int) -> tuple[int, int]:
    """(status, value) of a canonical integer (no sign but '-', no leading zero)."""
    if a == b:
        return 0, 0
    i = a
    negative = buf[i] == 45
    if negative:
        i += 1
    if i == b or (buf[i] == 48 and b - i > 1) or (negative and buf[i] == 48) or b - i > 15:
        return -1, 0
    value = 0
    while i < b:
        d = buf[i] - 48
        if d < 0 or d > 9:
            return -1, 0
        value = value * 10 + d
        i += 1
    return 1, -value if negative else value


@numba.njit(cache=True, nogil=True, inline="always")
def _days(year: int, month: int, day: int) -> int:
    """Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm)."""
    y = year - 1 if month <= 2 else year
    era = (y if y >= 0 else y - 399) // 400
    yoe = y - era * 400
    doy = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


@numba.njit(cache=True, nogil=True, inline="always")
def _digits(buf: np.ndarray, a: int, b: int) -> int:
    """The number ``buf[a:b]`` spells in decimal digits, -1 if it is not all digits."""
    value = 0
    for i in range(a, b):
        d = int(buf[i]) - 48
        if d < 0 or d > 9:
            return -1
        value = value * 10 + d
    return value


@numba.njit(cache=True, nogil=True, inline="always")
def _date(buf: np.ndarray, a: int, b: int) -> tuple[int, int]:
    if a == b:
        return 0, 0
    if b - a != 10 or buf[a + 4] != 45 or buf[a + 7] != 45:
        return -1, 0
    year, month, day = _digits(buf, a, a + 4), _digits(buf, a + 5, a + 7), _digits(buf, a + 8, b)
    if year < 1 or month < 1 or day < 0 or month > 12 or day < 1:
        return -1, 0
    leap = (year % 4 == 0 and year % 100 != 0) or year % 400 == 0
    length = 31
    if month == 2:
        length = 29 if leap else 28
    elif month in (4, 6, 9, 11):
        length = 30
    if day > length:
        return -1, 0
    return 1, _days(year, month, day)


@numba.njit(cache=True, nogil=True, inline="always")
def _alnum(c: int) -> bool:
    return 48 <= c <= 57 or 65 <= c <= 90 or 97 <= c <= 122


@numba.njit(cache=True, nogil=True, inline="always")
def _icd10(buf: np.ndarray, a: int, b: int) -> tuple[int, int]:
    """A cell that is exactly ``L DD [.] [X[X]]`` packed as 8 ASCII bytes, little-endian."""
    if a == b:
        return 0, 0
    n = b - a
    letter = buf[a] | 32
    if n < 3 or n > 6 or letter < 97 or letter > 122:
        return -1, 0
    if not (48 <= buf[a + 1] <= 57 and 48 <= buf[a + 2] <= 57):
        return -1, 0
    i = a + 3
    if i < b and buf[i] == 46:
        i += 1
        if i == b:
            return -1, 0
    rest = b - i
    if rest > 2:
        return -1, 0
    for k in range(i, b):
        if not _alnum(buf[k]):
            return -1, 0
    value = 0
    shift = 0
    for k in range(a, b):
        c = buf[k]
        if c == 46:
            continue
        if 97 <= c <= 122:
            c -= 32
        value |= int(c) << shift
        shift += 8
    return 1, value


@numba.njit(cache=True, nogil=True, inline="always")
def _read(
    buf: np.ndarray, a: int, b: int, kind: int, col: int, key_starts: np.ndarray, keys: np.ndarray
) -> tuple[int, int, float, int]:
    """One cell of column ``col``: (status, code, number, decimals shown); status 1 read, 0
    empty, -1 unread. A number cell gives its float, any other cell its integer code."""
    if kind == NUMBER:
        status, number, decimals = _number(buf, a, b)
        return status, 0, number, decimals
    if kind == CODE:
        status, code = _integer(buf, a, b)
        if status == 1:
            lo, hi = key_starts[col], key_starts[col + 1]
            while lo < hi:
                mid = (lo + hi) >> 1
                if keys[mid] < code:
                    lo = mid + 1
                else:
                    hi = mid
            if lo == key_starts[col + 1] or keys[lo] != code:
                status = -1
    elif kind == DATE:
        status, code = _date(buf, a, b)
    elif kind == ICD10:
        status, code = _icd10(buf, a, b)
    else:
        status, code = _integer(buf, a, b)
    return status, code, 0.0, 0


EARLIEST_NONE = np.iinfo(np.int64).max


@numba.njit(cache=True, nogil=True, inline="always")
def _add_member(
    mixed: np.ndarray,
    totals: np.ndarray,
    counts: np.ndarray,
    f: int,
    first_col: int,
    col: int,
    code: int,
    read: bool,
) -> None:
    """Add a member's code to its row's set as :func:`matcher.code_kernels.set_codes` does:
    the sum of the distinct members' mixed codes and their count (the field's members are
    the columns ``first_col`` to ``col``; an empty one mixes as 0)."""
    mixed[col] = _mix(np.uint64(code)) if read else np.uint64(0)
    if not read:
        return
    for e in range(first_col, col):  # a code repeated in one row counts once
        if mixed[e] == mixed[col]:
            return
    totals[f] += mixed[col]
    counts[f] += 1


@numba.njit(parallel=True, cache=True, nogil=True)
def _parse(
    buf: np.ndarray,
    bounds: np.ndarray,
    first: np.ndarray,
    skip: int,
    delimiter: int,
    kinds: np.ndarray,
    slots: np.ndarray,
    vslots: np.ndarray,
    key_starts: np.ndarray,
    keys: np.ndarray,
    values: np.ndarray,
    floats: np.ndarray,
    valid: np.ndarray,
    shown: np.ndarray,
    unread: np.ndarray,
    seen: np.ndarray,
    combined_of: np.ndarray,
    combined_set: np.ndarray,
    combined_first: np.ndarray,
    combined: np.ndarray,
    combined_valid: np.ndarray,
    broken: np.ndarray,
) -> None:
    ncols = kinds.size
    size = buf.size
    rows = valid.shape[1]
    fields = combined_set.size
    for c in numba.prange(bounds.size - 1):
        mixed = np.zeros(ncols, dtype=np.uint64)  # a set member's mixed code, this row
        totals = np.zeros(fields, dtype=np.uint64)  # per combined field, this row
        counts = np.zeros(fields, dtype=np.int64)
        line = first[c]
        p = bounds[c]
        stop = bounds[c + 1]
        while p < stop:
            r = line - skip
            line += 1
            if buf[p] == NEWLINE:
                broken[0] = 1  # an empty line (polars skips it)
            if r >= rows:
                broken[0] = 1
                break
            for f in range(fields):
                totals[f] = 0
                counts[f] = 0
                if not combined_set[f]:
                    totals[f] = np.uint64(EARLIEST_NONE)
            col = 0
            while True:
                if p < size and buf[p] == QUOTE:
                    a = p + 1
                    p = a
                    while p < size and buf[p] != QUOTE and buf[p] != NEWLINE:
                        p += 1
                    b = p
                    if b >= size or buf[b] != QUOTE:
                        broken[0] = 1  # a cell running past its line
                        break
                    p += 1
                    if p < size and buf[p] != delimiter and buf[p] != NEWLINE:
                        broken[0] = 1  # a quote inside a cell
                        break
                else:
                    a = p
                    while p < size and buf[p] != delimiter and buf[p] != NEWLINE:
                        if buf[p] == QUOTE:
                            broken[0] = 1  # polars reads such a line otherwise
                        p += 1
                    b = p
                if r >= 0 and col < ncols:  # the header lines are only split
                    kind = kinds[col]
                    if kind != 0 and unread[col] == 0 and seen[col] == 0:
                        status, code, number, decimals = _read(
                            buf, a, b, kind, col, key_starts, keys
                        )
                        if status < 0:
                            unread[col] = 1
                        slot = slots[col]
                        f = combined_of[col]
                        if f >= 0:  # a member of a set or dated array, combined as it is read
                            if combined_set[f]:
                                first_col = combined_first[f]
                                read = status == 1
                                _add_member(mixed, totals, counts, f, first_col, col, code, read)
                            elif status == 1 and code < np.int64(totals[f]):
                                totals[f] = np.uint64(code)
                        elif slot < 0:  # only whether the column holds a value
                            if status == 1:
                                seen[col] = 1
                        elif kind == NUMBER:
                            floats[slot, r] = number if status == 1 else np.nan
                            shown[slot, r] = decimals
                        else:
                            values[slot, r] = code
                        if slot >= 0:
                            valid[vslots[col], r] = status == 1
                if p >= size or buf[p] == NEWLINE:
                    break
                p += 1  # the delimiter
                col += 1
            if col != ncols - 1:
                broken[0] = 1  # a ragged line
            if r >= 0:
                for f in range(fields):
                    if combined_set[f]:
                        combined[f, r] = _mix(totals[f] ^ np.uint64(counts[f]))
                        combined_valid[f, r] = counts[f] > 0
                    else:  # as code_kernels.earliest: 0 when no member has a date
                        present = np.int64(totals[f]) != EARLIEST_NONE
                        combined[f, r] = totals[f] if present else np.uint64(0)
                        combined_valid[f, r] = present
            while p < size and buf[p] != NEWLINE:
                p += 1
            p += 1


class ParsedColumns(NamedTuple):
    """What :func:`parse_columns` read: the integer values of the stored non-number columns,
    the float values and decimals shown of the stored number columns (each in column order),
    the validity of every stored column (in column order); per column whether a cell was not
    read (1: parse it the all-text way), whether a column only checked holds a value (1), and
    whether its cells are stored; and each combined field's codes and validity."""

    values: np.ndarray
    floats: np.ndarray
    valid: np.ndarray
    shown: np.ndarray
    unread: np.ndarray
    seen: np.ndarray
    stored: np.ndarray
    combined: np.ndarray
    combined_valid: np.ndarray


def parse_columns(
    data: bytes,
    lines: tuple[np.ndarray, np.ndarray],
    *,
    delimiter: str,
    kinds: np.ndarray,
    codes: dict[int, np.ndarray],
    skip: int = 1,
    checked: np.ndarray | None = None,
    combined: Sequence[tuple[Sequence[int], bool]] = (),
) -> ParsedColumns | None:
    """Parse the columns whose ``kinds`` are not 0, for every line after the first ``skip``
    (``lines`` from :func:`split_lines`).

    ``codes[col]`` holds the codes a CODE column accepts. A column marked in ``checked`` is
    only checked for a value: its cells are read until one is (``seen``) or one is not
    (``unread``), and none is kept. Each ``combined`` field (adjacent member columns, and
    True for a set, False for dated members) is combined as it is read, into the code
    :func:`matcher.code_kernels.set_codes` or the date :func:`matcher.code_kernels.earliest`
    gives (as uint64 bits), and its members are not kept. None when the file does not split
    into lines of ``kinds.size`` cells exactly as polars would split it.
    """
    bounds, first = lines
    buf = np.frombuffer(data, dtype=np.uint8)
    rows = max(0, int(first[-1]) - skip)
    combined_of = np.full(kinds.size, -1, dtype=np.int64)
    combined_set = np.zeros(len(combined), dtype=np.bool_)
    combined_first = np.zeros(len(combined), dtype=np.int64)
    for f, (members, is_set) in enumerate(combined):
        if list(members) != list(range(members[0], members[0] + len(members))):
            raise ValueError("a combined field's members must be adjacent columns")
        combined_of[list(members)] = f
        combined_set[f] = is_set
        combined_first[f] = members[0]
    stored = (kinds != 0) & (combined_of < 0)
    if checked is not None:
        stored &= ~checked.astype(np.bool_)
    parsed = np.flatnonzero(stored)
    numbers = np.flatnonzero(stored & (kinds == NUMBER))
    others = np.flatnonzero(stored & (kinds != NUMBER))
    slots = np.full(kinds.size, -1, dtype=np.int64)
    slots[numbers] = np.arange(numbers.size)
    slots[others] = np.arange(others.size)
    vslots = np.zeros(kinds.size, dtype=np.int64)
    vslots[parsed] = np.arange(parsed.size)
    key_lists = [np.sort(codes.get(c, np.zeros(0, np.int64))) for c in range(kinds.size)]
    key_starts = np.concatenate(([0], np.cumsum([k.size for k in key_lists]))).astype(np.int64)
    keys = np.concatenate([*key_lists, np.zeros(0, np.int64)]).astype(np.int64)
    values = np.empty((others.size, rows), dtype=np.int64)
    floats = np.empty((numbers.size, rows))
    valid = np.empty((parsed.size, rows), dtype=np.bool_)
    shown = np.empty(floats.shape, dtype=np.uint8)
    unread = np.zeros(kinds.size, dtype=np.uint8)
    seen = np.zeros(kinds.size, dtype=np.uint8)
    joined = np.empty((len(combined), rows), dtype=np.uint64)
    joined_valid = np.empty((len(combined), rows), dtype=np.bool_)
    broken = np.zeros(1, dtype=np.uint8)
    wait_warm_up("fastcsv")
    _parse(
        buf, bounds, first, skip, ord(delimiter), kinds.astype(np.int8), slots, vslots,
        key_starts, keys, values, floats, valid, shown, unread, seen, combined_of, combined_set,
        combined_first, joined, joined_valid, broken,
    )  # fmt: skip
    if broken[0]:
        return None
    return ParsedColumns(values, floats, valid, shown, unread, seen, stored, joined, joined_valid)


def load_kernels() -> None:
    """Run the kernels once on a tiny file (loads numba's cache)."""
    data = b'a,b,c,d,e\n"1.5",2,2008-03-14,E11.9,1000001\n'
    lines = split_lines(data)
    assert lines is not None
    kinds = np.array([NUMBER, CODE, DATE, ICD10, ID], dtype=np.int8)
    checked = np.array([0, 1, 0, 0, 0], dtype=np.uint8)
    parse_columns(
        data, lines, delimiter=",", kinds=kinds, codes={1: np.array([2])}, checked=checked
    )
