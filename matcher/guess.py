"""Guess which field an unnamed column holds from its values.

Headerless samples (and columns with made-up names) are common in leaks. Cheap patterns first:
7-digit integers are participant IDs, dates in 2006-2010 the assessment visit, codes 11001-11023
the centre, 1934-1971 the birth year, ``Female``/``Male``/``女``/``男`` sex, ICD-10 codes the
diagnoses. A column of decimals is tried against every selective measurement the fingerprint
holds (at the rounding its decimals imply); the field whose keyed digests it hits most, if most of
its values hit, wins. Only the first ``GUESS_ROWS`` rows are looked at.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import polars as pl

from matcher import canonical, linkkeys
from matcher.dictionary import Dictionary
from matcher.fingerprint.model import Fingerprint
from matcher.linkage import _counts
from matcher.schema import ColumnMapping

GUESS_ROWS = 2000
MIN_HIT_RATE = 0.8
VISIT_START, VISIT_END = 13000, 14975  # 2005-08-05 .. 2010-12-31 in days since 1970


def _share(mask: np.ndarray, valid: np.ndarray) -> float:
    present = int(valid.sum())
    return float((mask & valid).sum()) / present if present else 0.0


def _pattern_field(series: pl.Series, dictionary: Dictionary) -> int | str | None:
    text = canonical.clean_text(series)
    present = text.drop_nulls()
    if present.len() == 0:
        return None
    if present.str.contains(r"^-?\d{7}$").all():
        return "eid"
    date_like = present.str.contains(r"\d{1,4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,4}").all()
    dates = canonical.parse_dates(series)
    if date_like and dates.count >= 0.9 * present.len():
        in_visit = (dates.values >= VISIT_START) & (dates.values <= VISIT_END)
        return 53 if _share(in_visit, dates.valid) >= 0.9 else 41280
    icd = canonical.icd10_codes(series)
    if icd.count >= 0.9 * present.len() and present.str.contains(r"[A-Za-z]").all():
        return 41270
    lowered = set(present.str.to_lowercase().unique().to_list())
    if lowered and lowered <= {"female", "male", "女", "男", "f", "m"}:
        return 31
    numbers = present.cast(pl.Float64, strict=False)
    if numbers.null_count() or not (numbers == numbers.floor()).all():
        return None
    low, high = numbers.min(), numbers.max()
    assert isinstance(low, float) and isinstance(high, float)
    if low >= 10003 and high <= 11023 and 54 in dictionary.fields:
        return 54
    if low >= 1934 and high <= 1971 and 34 in dictionary.fields:
        return 34
    return None


def _is_row_index(values: np.ndarray) -> bool:
    """Whole numbers counting up from 0 or 1: a row index (pandas' index, R's row names)."""
    return (
        values.size > 0
        and values[0] in (0, 1)
        and np.array_equal(values, np.arange(values[0], values[0] + values.size))
    )


def _measurement(series: pl.Series, fp: Fingerprint, key: bytes, taken: set[int]) -> int | None:
    canon = canonical.parse_number_canon(series)
    whole = canon.values[canon.valid] if canon.decimals == 0 else None
    if canon.count < 3 or (whole is not None and (not np.any(whole % 10) or _is_row_index(whole))):
        return None
    best: tuple[float, int] | None = None
    for field_id, spec in fp.specs.items():
        if not spec.selective or field_id in taken:
            continue
        drop = spec.decimals - canon.decimals
        if drop < 0 or drop > max(linkkeys.LEVELS):
            continue
        family = fp.family(f"m{field_id}_k{drop}")
        if family is None:
            continue
        digests = linkkeys.digest(key, family, canon.values.view(np.uint64), canon.valid)
        _, count = _counts(fp, family.name, digests)
        rate = _share(count > 0, canon.valid)
        if rate >= MIN_HIT_RATE and (best is None or rate > best[0]):
            best = (rate, field_id)
    return best[1] if best else None


def guess_columns(
    frame: pl.DataFrame,
    mappings: Sequence[ColumnMapping | None],
    *,
    fingerprint: Fingerprint,
    key: bytes,
    dictionary: Dictionary,
) -> tuple[list[ColumnMapping | None], list[str]]:
    """Mappings with unmapped columns filled in where the values say which field they hold."""
    head = frame.head(GUESS_ROWS)
    out = list(mappings)
    taken = {m.field_id for m in out if m is not None and m.kind == "field"}
    has_eid = any(m is not None and m.kind == "eid" for m in out)
    guessed: list[str] = []
    icd_index = 0
    for index, mapping in enumerate(out):
        if mapping is not None:
            continue
        series = head.to_series(index)
        found = _pattern_field(series, dictionary)
        if found == "eid" and not has_eid:
            out[index], has_eid = ColumnMapping("eid", style="guess"), True
        elif found == 41270 and 41270 in dictionary.fields:
            out[index] = ColumnMapping("field", 41270, 0, icd_index, "guess")
            icd_index += 1
        elif isinstance(found, int) and found not in taken and found in dictionary.fields:
            out[index] = ColumnMapping("field", found, 0, 0, "guess")
        elif found is None:
            measured = _measurement(series, fingerprint, key, taken)
            if measured is not None:
                out[index] = ColumnMapping("field", measured, 0, 0, "guess")
                found = measured
        mapped = out[index]
        if mapped is not None:
            taken.add(mapped.field_id) if mapped.kind == "field" else None
            guessed.append(f"{frame.columns[index]}={mapped.key}")
    return out, guessed
