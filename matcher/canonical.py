"""Turn the text of a table column into canonical 64-bit codes, whatever its spelling.

A fingerprint and a scan must agree on a value however a leak writes it: ``14.5`` or ``14.50``,
``2008-03-14``, ``14/03/2008`` or ``2008年3月14日``, ``0``/``Female``/``女``, ICD-10 ``E11.9`` or
``E119 Non-insulin-dependent ...``. Each parser here takes a polars String series and returns a
:class:`Canon`: one ``int64`` per row plus a validity mask. Numbers become fixed-point integers at
a number of decimals (:func:`fixed_point`, :func:`coarsen` for coarser roundings), dates days
since 1970-01-01, categories their code in the field's coding, a set of codes (ICD-10 diagnoses)
an order-free 64-bit combination. Vectorised with polars, numpy and numba kernels; pure.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl

from matcher import code_kernels

NULL_TEXT = ("", "na", "nan", "null", "none", "n/a", "-", "—", "nat", "缺失", "无")
MAX_DECIMALS = 6
DATE_FORMATS = (
    "%Y-%m-%d", "%d/%m/%Y", "%m/%d/%Y", "%Y/%m/%d", "%d-%m-%Y", "%d.%m.%Y", "%Y.%m.%d",
    "%Y年%m月%d日", "%Y%m%d", "%d %B %Y", "%d %b %Y", "%B %d, %Y", "%b %d, %Y",
)  # fmt: skip
EXCEL_EPOCH_DAYS = 25569  # 1970-01-01 as an Excel serial day number

# Meanings in other languages and abbreviations, by coding: text -> code.
EXTRA_MEANINGS: Mapping[int, Mapping[str, str]] = {
    9: {"女": "0", "男": "1", "f": "0", "m": "1", "女性": "0", "男性": "1", "woman": "0", "man": "1"},
    8: {
        **{f"{month}月": str(month) for month in range(1, 13)},
        **{
            name: str(month)
            for month, name in enumerate(
                ("一月", "二月", "三月", "四月", "五月", "六月", "七月", "八月", "九月", "十月",
                 "十一月", "十二月"), start=1)
        },
        **{
            name: str(month)
            for month, name in enumerate(
                ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov",
                 "dec"), start=1)
        },
    },
    10: {"曼彻斯特": "11001", "牛津": "11002", "加的夫": "11003", "格拉斯哥": "11004",
         "爱丁堡": "11005", "斯托克": "11006", "雷丁": "11007", "伯里": "11008",
         "纽卡斯尔": "11009", "利兹": "11010", "布里斯托尔": "11011", "诺丁汉": "11013",
         "谢菲尔德": "11014", "利物浦": "11016", "米德尔斯堡": "11017", "赫斯韦尔": "11018",
         "克罗伊登": "11020", "伯明翰": "11021", "斯旺西": "11022", "雷克瑟姆": "11023"},
}  # fmt: skip
_ICD10 = r"^\s*([A-Za-z][0-9]{2}(?:\.?[0-9A-Za-z]{1,2})?)\b"


@dataclass(frozen=True)
class Canon:
    """One column in canonical form: ``values[i]`` is meaningful where ``valid[i]``.

    ``decimals`` is the precision of a number column as written (the most decimals seen).
    """

    values: np.ndarray
    valid: np.ndarray
    decimals: int = 0

    @property
    def count(self) -> int:
        return int(self.valid.sum())


def clean_expr(column: pl.Expr) -> pl.Expr:
    """Strip spaces and quotes; null for the spellings of "missing" (an expression)."""
    text = column.cast(pl.String).str.strip_chars().str.strip_chars("\"'")
    return pl.when(text.str.to_lowercase().is_in(NULL_TEXT)).then(None).otherwise(text)


def clean_text(series: pl.Series) -> pl.Series:
    """Strip spaces and quotes; null for the spellings of "missing"."""
    return _apply(series, clean_expr).alias(series.name)


def _apply(series: pl.Series, build: Callable[[pl.Expr], pl.Expr]) -> pl.Series:
    """``build(column)`` evaluated on one series."""
    return series.alias("x").to_frame().select(build(pl.col("x"))).to_series()


def number_text_expr(column: pl.Expr) -> pl.Expr:
    """Number text without spaces, quotes or thousands separators, with a decimal point.

    ``"1,5"`` (decimal comma) reads 1.5, ``"1 234"`` and ``"1,234.5"`` lose their thousands
    separators. A linear chain of string passes (no branches), so polars runs it once.
    """
    text = column.cast(pl.String).str.strip_chars().str.strip_chars("\"'")
    text = text.str.replace_all(r"[\s\u00a0]", "").str.replace(r"^(-?\d+),(\d+)$", "$1.$2")
    return text.str.replace_all(",", "", literal=True)


def number_exprs(text: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """From a :func:`number_text_expr` column: the number (null where missing or not finite)
    and the most decimals a number shows (an aggregate). The spellings of "missing" never
    parse as a finite number."""
    numbers = text.cast(pl.Float64, strict=False)
    valid = numbers.is_finite()
    decimals = text.str.extract(r"\.(\d+)$").str.len_chars().fill_null(0)
    return pl.when(valid).then(numbers), pl.when(valid).then(decimals).max()


def parse_numbers(series: pl.Series) -> tuple[np.ndarray, np.ndarray, int]:
    """Floats (NaN where missing), the validity mask and the most decimals any value shows."""
    value, shown = number_exprs(pl.col("x"))
    text = _apply(series, number_text_expr).alias("x").to_frame()
    out = text.select(value.alias("v"), shown.alias("d"))
    numbers = out.to_series(0)
    shown_max = out.get_column("d").max() if out.height else None  # an empty column shows none
    decimals = min(int(shown_max) if isinstance(shown_max, int | float) else 0, MAX_DECIMALS)
    return numbers.fill_null(np.nan).to_numpy(), numbers.is_not_null().to_numpy(), decimals


def fixed_point(values: np.ndarray, decimals: int) -> np.ndarray:
    """``round(value * 10**decimals)`` as int64, half away from zero (negative: tens, hundreds).

    Each value is scaled, nudged by a relative epsilon (so 2.675 * 100 = 267.49999... still
    rounds to 268), then floored away from zero; a numba kernel (:mod:`matcher.code_kernels`)."""
    return code_kernels.fixed_point(values, decimals)


def coarsen(fixed: np.ndarray, drop: int) -> np.ndarray:
    """Round fixed-point integers ``drop`` more decimal places, half away from zero."""
    if drop <= 0:
        return fixed
    return code_kernels.coarsen(fixed, drop)


def parse_number_canon(series: pl.Series) -> Canon:
    """Numbers as fixed-point integers at the precision written (``Canon.decimals``)."""
    values, valid, decimals = parse_numbers(series)
    return Canon(fixed_point(values, decimals), valid, decimals)


def date_text_expr(column: pl.Expr) -> pl.Expr:
    """Clean date text; an ISO timestamp keeps only its date."""
    text = clean_expr(column)
    iso_time = text.str.contains(r"^\d{4}-\d{2}-\d{2}[ T]")
    return pl.when(iso_time).then(text.str.slice(0, 10)).otherwise(text)


def date_format(series: pl.Series) -> str:
    """The first known format that parses most of ``series`` (a sample of a column)."""
    text = _apply(series, date_text_expr)
    best, best_count = DATE_FORMATS[0], 0
    for fmt in DATE_FORMATS:
        count = text.len() - text.str.to_date(fmt, strict=False).null_count()
        if count > best_count:
            best, best_count = fmt, count
    return best


def parse_dates(series: pl.Series) -> Canon:
    """Days since 1970-01-01, trying every known format and keeping the one that parses most."""
    text = _apply(series, date_text_expr)
    present = int(text.is_not_null().sum())
    best: pl.Series | None = None
    best_count = 0
    if present:
        for fmt in DATE_FORMATS:
            parsed = text.str.to_date(fmt, strict=False)
            count = present - int(parsed.null_count() - text.null_count())
            if count > best_count:
                best, best_count = parsed, count
            if count == present:
                break
        serial = _excel_serial(text)
        if serial is not None and int(serial.is_not_null().sum()) > best_count:
            best = serial
    if best is None:
        n = series.len()
        return Canon(np.zeros(n, dtype=np.int64), np.zeros(n, dtype=bool))
    days = best.cast(pl.Int64)
    return Canon(days.fill_null(0).to_numpy(), days.is_not_null().to_numpy())


def _excel_serial(text: pl.Series) -> pl.Series | None:
    numbers = text.cast(pl.Float64, strict=False)
    if numbers.is_null().all():
        return None
    in_range = (numbers >= 2) & (numbers < 80_000)
    days = pl.select(
        pl.when(in_range).then(numbers.floor().cast(pl.Int64) - EXCEL_EPOCH_DAYS).otherwise(None)
    ).to_series()
    return days.cast(pl.Date)


def meaning_table(coding: Mapping[str, str], coding_id: int | None) -> dict[str, str]:
    """Lower-cased meaning (and extra spellings) -> code, for one coding."""
    table = {meaning.strip().lower(): value for value, meaning in coding.items()}
    if coding_id is not None:
        table.update(EXTRA_MEANINGS.get(coding_id, {}))
    return table


def code_expr(
    column: pl.Expr, coding: Mapping[str, str], coding_id: int | None, *, clean: bool = True
) -> pl.Expr:
    """Categorical values given as codes or meanings -> the code (null where not one).

    ``clean=False`` when ``column`` is already :func:`clean_expr` text."""
    text = clean_expr(column) if clean else column
    table = meaning_table(coding, coding_id)
    mapped = text.str.to_lowercase().replace_strict(table, default=None, return_dtype=pl.String)
    as_code = pl.coalesce(mapped, text.str.replace(r"\.0$", ""))
    codes = as_code.cast(pl.Int64, strict=False)
    if not coding:
        return codes
    return pl.when(as_code.is_in(list(coding))).then(codes).otherwise(None)


def parse_codes(series: pl.Series, coding: Mapping[str, str], coding_id: int | None) -> Canon:
    """Categorical values given as codes or meanings -> the integer code of the coding."""
    return canon_of(_apply(series, lambda column: code_expr(column, coding, coding_id)))


def canon_of(codes: pl.Series, decimals: int = 0) -> Canon:
    """A nullable integer series as a :class:`Canon` (null = missing)."""
    return Canon(codes.fill_null(0).to_numpy(), codes.is_not_null().to_numpy(), decimals)


def mix64(values: np.ndarray) -> np.ndarray:
    """An unkeyed 64-bit mixer (splitmix64 finaliser); only ever an input to the keyed PRF."""
    return code_kernels.mix64(values)


def combine(parts: Sequence[np.ndarray]) -> np.ndarray:
    """One 64-bit code for a tuple of codes (order matters): ``acc = mix64(acc ^ mix64(part +
    index))`` over the parts."""
    acc = np.zeros(parts[0].shape, dtype=np.uint64)
    for index, part in enumerate(parts):
        code_kernels.combine_into(acc, part, index)
    return acc


def icd10_expr(column: pl.Expr, *, clean: bool = True) -> pl.Expr:
    """ICD-10 codes (``E119``, ``E11.9``, ``E119 Non-insulin...``) packed as 8 ASCII bytes,
    little-endian (the first letter is the lowest byte); null where there is none."""
    code = (
        (clean_expr(column) if clean else column)
        .str.extract(_ICD10)
        .str.replace(".", "", literal=True)
    )
    packed = code.str.to_uppercase().str.reverse().str.encode("hex")
    return packed.str.to_integer(base=16, strict=False).cast(pl.Int64)


def icd10_codes(series: pl.Series) -> Canon:
    """ICD-10 codes packed as 8 ASCII bytes (see :func:`icd10_expr`)."""
    return canon_of(_apply(series, icd10_expr))


def list_cells(series: pl.Series) -> list[pl.Series]:
    """A column of list cells (``["I10","E119"]``, ``I10|E119``) as one column per position."""
    items = clean_text(series).str.replace_all(r"[\[\]\"']", "").str.split(by=",")
    items = items.list.eval(pl.element().str.split("|").explode().str.strip_chars())
    width = int(items.list.len().max() or 0)  # type: ignore[arg-type]
    return [items.list.get(j, null_on_oob=True).alias(f"{series.name}[{j}]") for j in range(width)]


def set_codes(members: Sequence[Canon]) -> Canon:
    """An order-free code for each row's set of member codes (valid when the set is non-empty):
    ``mix64`` of the sum of its distinct members' ``mix64`` and their count."""
    if not members:
        return Canon(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=bool))
    values = np.stack([m.values.astype(np.int64, copy=False) for m in members])
    return set_codes_block(values, np.stack([m.valid for m in members]))


def set_codes_block(values: np.ndarray, valid: np.ndarray) -> Canon:
    """:func:`set_codes` of members given as one (members x rows) array of codes and one of
    validity."""
    code, present = code_kernels.set_codes(values, valid)
    return Canon(code.view(np.int64), present)


def earliest(members: Sequence[Canon]) -> Canon:
    """Per row, the smallest valid value among the members (e.g. the first diagnosis date)."""
    if not members:
        return Canon(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=bool))
    values = np.stack([m.values.astype(np.int64, copy=False) for m in members])
    return earliest_block(values, np.stack([m.valid for m in members]))


def earliest_block(values: np.ndarray, valid: np.ndarray) -> Canon:
    """:func:`earliest` of members given as one (members x rows) int64 array and validity."""
    low, present = code_kernels.earliest(values, valid)
    return Canon(low, present)


def looks_like(text: str, pattern: str) -> bool:
    """True when ``text`` matches ``pattern`` (a helper for the value-pattern guesser)."""
    return re.fullmatch(pattern, text) is not None
