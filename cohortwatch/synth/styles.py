"""Write a cohort the way UK Biobank tools write one: five header and value styles.

=========  =====================================  ======================================
style      header                                 values
=========  =====================================  ======================================
ukbconv    ``eid,31-0.0,41270-0.3`` (CSV)         codes; every cell quoted, ``""`` missing
r          ``f.eid  f.31.0.0`` (tab-separated)    codes; ``NA`` missing (ukbconv's .tab)
readable   ``sex_f31_0_0`` (ukbtools names)       categorical values as their meanings
rap        ``eid,p31,p53_i0,p41270``              codes; arrays as one JSON-list cell
titles     ``Sex``, ``... | Instance 0``          codes; RAP table exporter's title headers
=========  =====================================  ======================================

Numbers are written as UK Biobank writes them: at most the field's decimals, no trailing zeros
(``14.5``, ``180``). Dates are ISO (``2008-05-12``); ICD-10 codes as in coding 19 (``E119``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, get_args

import polars as pl

from cohortwatch.errors import UsageError
from cohortwatch.synth.schema import EID, ColumnId, parse_column
from matcher.dictionary import Dictionary, FieldInfo

Style = Literal["ukbconv", "r", "readable", "rap", "titles"]
STYLES: tuple[str, ...] = get_args(Style)
TITLES_EID = "Participant ID"


@dataclass(frozen=True)
class _Format:
    separator: str
    quote_style: Literal["necessary", "always", "never", "non_numeric"]
    null_value: str


_FORMATS: dict[str, _Format] = {
    "ukbconv": _Format(",", "always", ""),
    "r": _Format("\t", "necessary", "NA"),
    "readable": _Format(",", "necessary", ""),
    "rap": _Format(",", "necessary", ""),
    "titles": _Format(",", "necessary", ""),
}


def snake_case(title: str) -> str:
    """ukbtools' variable name for a title: ``"Sleeplessness / insomnia"`` -> ``sleeplessness_insomnia``."""
    name = title.lower().replace(" - ", "_").replace(" ", "_")
    name = re.sub(r"[^a-z0-9_]", "", name)
    return re.sub(r"_+", "_", name).strip("_")


def _field(dictionary: Dictionary, column: ColumnId) -> FieldInfo:
    info = dictionary.fields.get(column.field_id)
    if info is None:
        raise UsageError(f"field {column.field_id} is not in the dictionary")
    return info


def column_header(name: str, *, style: str, dictionary: Dictionary) -> str:
    """The header a style gives one canonical column (``"31-0.0"`` -> ``"f.31.0.0"`` in r)."""
    column = parse_column(name)
    if column is None:
        if name != EID:
            raise UsageError(f"not a cohort column: {name!r}")
        return {"r": "f.eid", "titles": TITLES_EID}.get(style, EID)
    fid, inst, arr = column.field_id, column.instance, column.array
    if style == "ukbconv":
        return name
    if style == "r":
        return f"f.{fid}.{inst}.{arr}"
    info = _field(dictionary, column)
    if style == "readable":
        return f"{snake_case(info.title)}_f{fid}_{inst}_{arr}"
    if style == "rap":  # arrays share one column, so no _a suffix
        return f"p{fid}_i{inst}" if info.instances > 1 else f"p{fid}"
    if style == "titles":
        header = info.title
        if info.instances > 1:
            header += f" | Instance {inst}"
        if info.array > 1:
            header += f" | Array {arr}"
        return header
    raise UsageError(f"unknown style {style!r}; choose one of {', '.join(STYLES)}")


def _as_text(frame: pl.DataFrame, name: str) -> pl.Expr:
    dtype = frame.schema[name]
    expr = pl.col(name)
    if dtype.is_float():
        return expr.cast(pl.String).str.replace(r"\.0$", "")
    return expr.cast(pl.String)


def _coded_text(frame: pl.DataFrame, name: str, dictionary: Dictionary) -> pl.Expr:
    """Categorical values as their meanings (readable style); anything else as text."""
    column = parse_column(name)
    text = _as_text(frame, name)
    if column is None:
        return text
    info = _field(dictionary, column)
    coding = dictionary.field_coding(info.field_id)
    if not info.is_categorical or coding is None:
        return text
    values = frame.get_column(name).drop_nulls().cast(pl.String).unique().to_list()
    mapping = {value: coding[value] for value in values if value in coding}
    return text.replace(mapping) if mapping else text


def render_cohort(df: pl.DataFrame, *, style: str, dictionary: Dictionary) -> pl.DataFrame:
    """An all-text frame with the style's headers and values, ready to write."""
    if style not in STYLES:
        raise UsageError(f"unknown style {style!r}; choose one of {', '.join(STYLES)}")
    if style == "readable":
        texts = [_coded_text(df, name, dictionary) for name in df.columns]
    else:
        texts = [_as_text(df, name) for name in df.columns]
    headers = [column_header(name, style=style, dictionary=dictionary) for name in df.columns]
    if style != "rap":
        return df.select(text.alias(header) for text, header in zip(texts, headers, strict=True))
    groups: dict[str, list[pl.Expr]] = {}
    for text, header in zip(texts, headers, strict=True):
        groups.setdefault(header, []).append(text)
    return df.select(_rap_cell(members).alias(header) for header, members in groups.items())


def _rap_cell(members: list[pl.Expr]) -> pl.Expr:
    """One column as is; an array's columns as a JSON list of the present values."""
    if len(members) == 1:
        return members[0]
    present = pl.concat_list(members).list.drop_nulls()
    joined = pl.concat_str([pl.lit('["'), present.list.join('","'), pl.lit('"]')])
    return pl.when(present.list.len() > 0).then(joined).otherwise(None)


def _write(
    df: pl.DataFrame, *, style: str, dictionary: Dictionary, sink: Callable[..., str | None]
) -> str | None:
    rendered = render_cohort(df, style=style, dictionary=dictionary)
    fmt = _FORMATS[style]
    return sink(
        rendered,
        separator=fmt.separator,
        quote_style=fmt.quote_style,
        null_value=fmt.null_value,
    )


def format_cohort(df: pl.DataFrame, *, style: str, dictionary: Dictionary) -> str:
    """The cohort as the text of a file in ``style`` (small frames: samples, attachments)."""
    text = _write(
        df,
        style=style,
        dictionary=dictionary,
        sink=lambda frame, **options: frame.write_csv(None, **options),
    )
    assert text is not None
    return text


def write_cohort(df: pl.DataFrame, *, style: str, path: Path, dictionary: Dictionary) -> Path:
    """Write the cohort to ``path`` in ``style``; raises UsageError if it cannot be written."""
    try:
        _write(
            df,
            style=style,
            dictionary=dictionary,
            sink=lambda frame, **options: frame.write_csv(path, **options),
        )
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from exc
    return path
