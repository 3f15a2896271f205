"""Linkage keys: which keyed digests a row gets, and how to compute them from a table.

A *family* is one kind of linkage key: the quasi-identifier tuple (sex, year and month of birth,
centre, attendance date) and its parts, each selective measurement at its native precision and
one or two coarser roundings, the set of ICD-10 diagnoses, the first date of a dated array. Each
family has its own PRF key (so digests of two families never compare equal), a width (32-bit
digests for precise keys, 16-bit for coarse roundings) and an independence *group*: agreements
within a group are not counted as independent evidence. The same code computes the keys when a
fingerprint is built and when a sample is scanned, so both sides agree on every spelling.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import polars as pl

from matcher import canonical, code_kernels
from matcher.canonical import NULL_TEXT, Canon
from matcher.dictionary import Dictionary
from matcher.prf import derive_key, siphash_top
from matcher.samples import fastcsv
from matcher.samples.readers import LargeTable
from matcher.schema import ColumnMapping

Parsed = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]
QI_FIELDS = (31, 34, 52, 54, 53)
QI_FAMILIES: tuple[tuple[str, tuple[int, ...]], ...] = (
    ("qi", QI_FIELDS),
    ("sex_birth_visit", (31, 34, 52, 53)),
    ("birth_visit", (34, 52, 53)),
    ("visit", (53,)),
)
ID_FAMILY = "eid"
LEVELS = (0, 1, 2)  # decimals dropped from the native precision
MIN_DISTINCT_SELECTIVE = 200
# Fields derived from one another: agreements count once per group (see linkage).
CORRELATED: Mapping[int, str] = {
    30010: "red-cells", 30020: "red-cells", 30030: "red-cells", 30040: "red-cells",
    30050: "red-cells", 30000: "white-cells", 30120: "white-cells", 30130: "white-cells",
    30140: "white-cells", 30690: "lipids", 30780: "lipids",
}  # fmt: skip
ICD10_CODING = 19
SUFFIXES = ("", "!", "#")  # a member's values, cells needing the full parse, decimals shown
DATE_SNIFF_ROWS = 1000


@dataclass(frozen=True)
class FieldSpec:
    """How the fingerprint reads one field: its kind and native precision."""

    field_id: int
    kind: str  # number | date | code | set | dates
    decimals: int = 0
    selective: bool = False


@dataclass(frozen=True)
class Family:
    """One kind of linkage key."""

    name: str
    group: str
    bits: int
    field_id: int = 0
    drop: int = 0
    combine: str = "sum"  # how agreements inside the group add up: "max" or "sum"
    coverage: float = 0.0  # Good-Turing: chance a new person's key is in the cohort

    @property
    def dtype(self) -> type[np.unsignedinteger]:
        return np.uint32 if self.bits == 32 else np.uint16


def field_kind(field_id: int, dictionary: Dictionary) -> str | None:
    """number, date, code, set or dates for a field the dictionary knows; None otherwise."""
    info = dictionary.fields.get(field_id)
    if info is None:
        return None
    value_type = info.value_type.lower()
    if value_type in ("continuous", "integer"):
        return "number"
    if value_type in ("date", "time"):
        return "dates" if info.array > 1 else "date"
    if value_type == "categorical single":
        return "code"
    if value_type == "categorical multiple":
        return "set"
    return None


def columns_by_field(mappings: Sequence[ColumnMapping | None]) -> dict[int, list[int]]:
    """Column positions per field, lowest instance only (a cohort's baseline visit)."""
    lowest: dict[int, int] = {}
    for mapping in mappings:
        if mapping is not None and mapping.kind == "field":
            current = lowest.get(mapping.field_id, mapping.instance)
            lowest[mapping.field_id] = min(current, mapping.instance)
    found: dict[int, list[int]] = {}
    for index, mapping in enumerate(mappings):
        if mapping is None or mapping.kind != "field":
            continue
        if mapping.instance == lowest[mapping.field_id]:
            found.setdefault(mapping.field_id, []).append(index)
    return found


def canonical_fields(
    frame: pl.DataFrame, mappings: Sequence[ColumnMapping | None], dictionary: Dictionary
) -> dict[int, Canon]:
    """Every mapped field of ``frame`` (an all-text table) in canonical form.

    All columns are parsed in one lazy ``select`` (polars spreads them over the cores), first
    the cheap way: a straight cast for numbers, codes and dates in the format the first rows
    use. A column with a cell that way cannot read (spaces, quotes, decimal commas, meanings,
    mixed date formats) is parsed again in full (:mod:`matcher.canonical`), with the same result
    the full parse would give for every cell.
    """
    plans: dict[int, tuple[str, list[tuple[int, str]]]] = {}
    exprs: list[pl.Expr] = []
    fields: dict[int, Canon] = {}
    for field_id, positions in columns_by_field(mappings).items():
        kind = field_kind(field_id, dictionary)
        if kind is None:
            continue
        if kind in ("set", "dates") and any(_is_list(mappings[p]) for p in positions):
            series = [frame.to_series(p) for p in positions]
            canon = _canonical_lists(field_id, kind, series, mappings, positions, dictionary)
            if canon.count:
                fields[field_id] = canon
            continue
        plans[field_id] = (kind, [])
        for position in positions:
            out = f"{field_id}:{position}"
            plans[field_id][1].append((position, out))
            parsed = _fast_exprs(frame, field_id, kind, position, dictionary)
            exprs.extend(
                e.alias(f"{out}{suffix}") for e, suffix in zip(parsed, SUFFIXES, strict=False)
            )
    table = frame.lazy().select(exprs).collect() if exprs else pl.DataFrame()
    slow = [
        (field_id, kind, position, out)
        for field_id, (kind, members) in plans.items()
        for position, out in members
        if table[out + "!"].any()
    ]
    full = [
        expr
        for field_id, kind, position, out in slow
        if kind not in ("date", "dates")
        for expr in _full_exprs(frame, field_id, kind, position, dictionary, out=out)
    ]
    if full:
        table = table.with_columns(frame.lazy().select(full).collect())
    for field_id, (kind, members) in plans.items():
        canons = [_member_canon(frame, table, kind, position, out) for position, out in members]
        if kind == "dates":
            canon = canonical.earliest(canons)
        elif kind == "set":
            canon = canonical.set_codes(canons)
        else:
            canon = canons[0]
        if canon.count:
            fields[field_id] = canon
    return fields


class CsvFields(NamedTuple):
    """:func:`canonical_fields_csv`'s result: the fields in canonical form, the participant IDs
    (or None), and the fields only checked for a value that hold one."""

    fields: dict[int, Canon]
    ids: Canon | None
    present: frozenset[int] = frozenset()


def canonical_fields_csv(
    table: LargeTable,
    lines: tuple[np.ndarray, np.ndarray],
    head: pl.DataFrame,
    mappings: Sequence[ColumnMapping | None],
    dictionary: Dictionary,
    *,
    text: Callable[[list[int]], pl.DataFrame],
    keyed: Collection[int] | None = None,
) -> CsvFields | None:
    """:func:`canonical_fields` of a large plain CSV/TSV with a header line, and its first
    participant-ID column (:func:`parse_ids`), parsed from the bytes
    (:mod:`matcher.samples.fastcsv`). ``head`` is the table's first rows (header as names);
    ``text(positions)`` gives those columns' cells as text (every row but the header).

    A field with a cell the byte parser does not read (or a date format other than ISO, or
    list cells) is parsed from its text columns by :func:`canonical_fields`, so the result is
    the same. With ``keyed`` (the fields whose values the caller needs), any other field read
    from the bytes is only checked: it is in ``present`` when :func:`canonical_fields` would
    give it (it has a value), and its cells are not kept. None when the file does not split
    into lines as polars splits it.
    """
    plan = _plan(head, mappings, dictionary, keyed=keyed)
    kinds, fast, slow, eid = plan.kinds, plan.fast, list(plan.slow), plan.eid
    # a set or dated array in adjacent columns is combined as it is read (its members unkept)
    joined = {
        field_id: j
        for j, field_id in enumerate(
            f for f, (kind, ps) in fast.items()
            if kind in ("set", "dates") and not plan.checked[ps[0]]
            and ps == list(range(ps[0], ps[0] + len(ps)))
        )
    }  # fmt: skip
    parsed = fastcsv.parse_columns(
        table.data, lines, delimiter=table.delimiter, kinds=kinds, codes=plan.codes,
        checked=plan.checked,
        combined=[(fast[f][1], fast[f][0] == "set") for f in joined],
    )  # fmt: skip
    if parsed is None:
        return None
    values, floats, valid, shown, unread, seen, stored = parsed[:7]
    order = {int(c): j for j, c in enumerate(np.flatnonzero(stored))}
    numbers = {int(c): j for j, c in enumerate(np.flatnonzero(stored & (kinds == fastcsv.NUMBER)))}
    others = {int(c): j for j, c in enumerate(np.flatnonzero(stored & (kinds != fastcsv.NUMBER)))}

    def member(position: int) -> Canon:
        if position in numbers:
            j = numbers[position]
            ok = valid[order[position]]
            most = int(shown[j].max()) if shown[j].size else 0  # an empty cell shows 0 decimals
            decimals = min(most, canonical.MAX_DECIMALS)
            fixed = code_kernels.fixed_point(floats[j], decimals, out=floats[j].view(np.int64))
            return Canon(fixed, ok, decimals)  # in place: the floats are not needed again
        return Canon(values[others[position]], valid[order[position]])

    def block(kind: str, positions: list[int]) -> Canon | None:
        """A set or dates field whose members are adjacent in the parsed arrays, combined from
        views of them (no copy of the members)."""
        if any(p not in others for p in positions):
            return None
        rows, checks = [others[p] for p in positions], [order[p] for p in positions]
        if rows != list(range(rows[0], rows[0] + len(rows))):
            return None
        if checks != list(range(checks[0], checks[0] + len(checks))):
            return None
        lo, hi, vlo, vhi = rows[0], rows[-1] + 1, checks[0], checks[-1] + 1
        if kind == "dates":
            return canonical.earliest_block(values[lo:hi], valid[vlo:vhi])
        return canonical.set_codes_block(values[lo:hi], valid[vlo:vhi])

    fields: dict[int, Canon] = {}
    present: set[int] = set()
    for field_id, (kind, positions) in fast.items():
        if plan.checked[positions[0]]:  # a value in any member makes the field present
            if any(seen[p] for p in positions):
                present.add(field_id)
            elif any(unread[p] for p in positions):
                slow.extend(positions)
            continue
        if any(unread[p] for p in positions):
            slow.extend(positions)
            continue
        if field_id in joined:
            j = joined[field_id]
            made: Canon | None = Canon(parsed.combined[j].view(np.int64), parsed.combined_valid[j])
        else:
            made = block(kind, positions) if kind in ("dates", "set") else None
        canon = made if made is not None else _combined(kind, [member(p) for p in positions])
        if canon.count:
            fields[field_id] = canon
    ids = member(eid) if eid is not None and not unread[eid] else None
    text_positions = sorted(set(slow) | ({eid} if eid is not None and ids is None else set()))
    if text_positions:
        cells = text(text_positions)
        cells.columns = [f"c{p}" for p in text_positions]
        sub = [mappings[p] for p in text_positions]
        fields.update(canonical_fields(cells, sub, dictionary))
        if eid is not None and ids is None:
            ids = parse_ids(cells.get_column(f"c{eid}"))
    # the order canonical_fields gives: fields in list cells first, then column order
    by_field = columns_by_field(mappings)
    rank = {f: (not any(_is_list(mappings[p]) for p in ps), i)
            for i, (f, ps) in enumerate(by_field.items())}  # fmt: skip
    ordered = dict(sorted(fields.items(), key=lambda item: rank[item[0]]))
    return CsvFields(ordered, ids, frozenset(present))


@dataclass(frozen=True)
class _Plan:
    """Which columns of a large table the byte parser reads, and as what."""

    kinds: np.ndarray
    codes: dict[int, np.ndarray]
    fast: dict[int, tuple[str, list[int]]]
    slow: tuple[int, ...]
    eid: int | None
    checked: np.ndarray  # 1: a column of a field not keyed, only checked for a value


def _plan(
    head: pl.DataFrame,
    mappings: Sequence[ColumnMapping | None],
    dictionary: Dictionary,
    *,
    keyed: Collection[int] | None,
) -> _Plan:
    kinds = np.zeros(len(mappings), dtype=np.int8)
    checked = np.zeros(len(mappings), dtype=np.uint8)
    codes: dict[int, np.ndarray] = {}
    fast: dict[int, tuple[str, list[int]]] = {}
    slow: list[int] = []
    for field_id, positions in columns_by_field(mappings).items():
        kind = field_kind(field_id, dictionary)
        if kind is None:
            continue
        member_kinds = [_byte_kind(head, field_id, kind, p, dictionary, codes) for p in positions]
        if any(k == 0 for k in member_kinds) or any(_is_list(mappings[p]) for p in positions):
            slow.extend(positions)
            continue
        kinds[positions] = member_kinds
        checked[positions] = keyed is not None and field_id not in keyed
        fast[field_id] = (kind, positions)
    eid = next((i for i, m in enumerate(mappings) if m is not None and m.kind == "eid"), None)
    if eid is not None:
        kinds[eid] = fastcsv.ID
    return _Plan(kinds, codes, fast, tuple(slow), eid, checked)


def _byte_kind(
    head: pl.DataFrame,
    field_id: int,
    kind: str,
    position: int,
    dictionary: Dictionary,
    codes: dict[int, np.ndarray],
) -> int:
    """The :mod:`matcher.samples.fastcsv` kind that reads a column as :func:`_fast_exprs`
    does (0: read it as text)."""
    info = dictionary.fields[field_id]
    if kind == "number":
        return fastcsv.NUMBER
    if kind in ("date", "dates"):
        fmt = canonical.date_format(head.to_series(position).head(DATE_SNIFF_ROWS))
        return fastcsv.DATE if fmt == "%Y-%m-%d" else 0
    if kind == "set" and info.coding == ICD10_CODING:
        return fastcsv.ICD10
    coding = dictionary.field_coding(field_id) or {}
    table = canonical.meaning_table(coding, info.coding)
    keys = list(coding)
    if not keys or any(table.get(k.lower(), k) != k for k in keys) or set(keys) & set(NULL_TEXT):
        return 0
    if not all(re.fullmatch(r"-?[1-9]\d{0,14}|0", k) for k in keys):
        return 0
    codes[position] = np.array([int(k) for k in keys], dtype=np.int64)
    return fastcsv.CODE


def _combined(kind: str, canons: list[Canon]) -> Canon:
    if kind == "dates":
        return canonical.earliest(canons)
    if kind == "set":
        return canonical.set_codes(canons)
    return canons[0]


def _is_list(mapping: ColumnMapping | None) -> bool:
    return mapping is not None and mapping.array is None


def _fast_exprs(
    frame: pl.DataFrame, field_id: int, kind: str, position: int, dictionary: Dictionary
) -> list[pl.Expr]:
    """The cheap parse of a column: its values, whether each cell needs the full parse, and
    (numbers) the decimals each shows."""
    column = pl.col(frame.columns[position])
    info = dictionary.fields[field_id]
    if kind == "number":
        cast = column.cast(pl.Float64, strict=False)
        valid = cast.is_finite()
        # a number polars reads is ASCII [sign] digits [. digits] [exponent]: without an
        # exponent, its decimals are the characters after the point
        decimals = column.str.len_bytes() - 1 - column.str.find(".", literal=True)
        shown = pl.when(valid).then(decimals.fill_null(0)).cast(pl.UInt8)
        exponent = valid & column.str.contains("[eE]")
        return [pl.when(valid).then(cast), _odd(column, cast) | exponent, shown]
    if kind in ("date", "dates"):
        fmt = canonical.date_format(frame.to_series(position).head(DATE_SNIFF_ROWS))
        days = column.str.to_date(fmt, strict=False).cast(pl.Int64)
        return [days, _odd(column, days)]
    if kind == "set" and info.coding == ICD10_CODING:
        # the spellings of "missing" are never ICD-10 codes: stripping is all the cleaning
        text = column.str.strip_chars().str.strip_chars("\"'")
        return [canonical.icd10_expr(text, clean=False), pl.lit(False)]
    coding = dictionary.field_coding(field_id) or {}
    table = canonical.meaning_table(coding, info.coding)
    keys = list(coding)
    if not keys or any(table.get(k.lower(), k) != k for k in keys) or set(keys) & set(NULL_TEXT):
        return [canonical.code_expr(column, coding, info.coding), pl.lit(False)]
    known = pl.when(column.is_in(keys)).then(column.cast(pl.Int64, strict=False))
    return [known, _odd(column, known)]


def _odd(column: pl.Expr, parsed: pl.Expr) -> pl.Expr:
    """Cells the cheap parse missed that are not a spelling of "missing" (full parse needed)."""
    return column.is_not_null() & parsed.is_null() & ~column.is_in(NULL_TEXT)


def _full_exprs(
    frame: pl.DataFrame,
    field_id: int,
    kind: str,
    position: int,
    dictionary: Dictionary,
    *,
    out: str,
) -> list[pl.Expr]:
    """The full parse of a number or code column (replacing the cheap one's outputs)."""
    column = pl.col(frame.columns[position])
    if kind == "number":
        text = canonical.number_text_expr(column)
        value, _ = canonical.number_exprs(text)
        decimals = text.str.extract(r"\.(\d+)$").str.len_chars().fill_null(0)
        shown = pl.when(value.is_not_null()).then(decimals).cast(pl.UInt8)
        return [value.alias(out), shown.alias(out + "#")]
    info = dictionary.fields[field_id]
    coding = dictionary.field_coding(field_id) or {}
    return [canonical.code_expr(column, coding, info.coding).alias(out)]


def _member_canon(
    frame: pl.DataFrame, table: pl.DataFrame, kind: str, position: int, out: str
) -> Canon:
    column = table[out]
    if kind in ("date", "dates") and table[out + "!"].any():
        # some dates do not parse in the format the first rows use: try every format
        return canonical.parse_dates(frame.to_series(position))
    if kind == "number":
        shown = table[out + "#"].max()
        decimals = min(int(shown or 0), canonical.MAX_DECIMALS)  # type: ignore[arg-type]
        floats = column.to_numpy()  # null (missing) -> NaN; every other value is finite
        return Canon(canonical.fixed_point(floats, decimals), ~np.isnan(floats), decimals)
    return canonical.canon_of(column)


def _canonical_lists(
    field_id: int,
    kind: str,
    series: list[pl.Series],
    mappings: Sequence[ColumnMapping | None],
    positions: list[int],
    dictionary: Dictionary,
) -> Canon:
    """A set or dated array whose columns hold whole lists (RAP ``p41270``)."""
    info = dictionary.fields[field_id]
    coding = dictionary.field_coding(field_id) or {}
    members: list[pl.Series] = []
    for s, position in zip(series, positions, strict=True):
        members.extend(canonical.list_cells(s) if _is_list(mappings[position]) else [s])
    if kind == "dates":
        return canonical.earliest([canonical.parse_dates(m) for m in members])
    if info.coding == ICD10_CODING:
        return canonical.set_codes([canonical.icd10_codes(m) for m in members])
    return canonical.set_codes([canonical.parse_codes(m, coding, info.coding) for m in members])


def field_specs(fields: Mapping[int, Canon], dictionary: Dictionary) -> dict[int, FieldSpec]:
    """The specs a fingerprint stores, judged from the cohort's own values."""
    specs: dict[int, FieldSpec] = {}
    for field_id, canon in fields.items():
        kind = field_kind(field_id, dictionary)
        if kind is None:
            continue
        selective = False
        if kind == "number" and field_id not in QI_FIELDS:
            selective = _distinct_at_least(canon.values[canon.valid], MIN_DISTINCT_SELECTIVE)
        specs[field_id] = FieldSpec(field_id, kind, canon.decimals, selective)
    return specs


def _distinct_at_least(values: np.ndarray, least: int) -> bool:
    """Whether ``values`` hold at least ``least`` distinct values (a prefix usually settles it:
    a part never has more distinct values than the whole)."""
    head = values[: 16 * least]
    if _run_lengths(np.sort(head)).size >= least:
        return True
    return head.size < values.size and _run_lengths(np.sort(values)).size >= least


def plan_families(specs: Mapping[int, FieldSpec]) -> list[Family]:
    """Every family the fields allow, in a stable order."""
    families = [
        Family(name, "qi", 32, combine="max")
        for name, needed in QI_FAMILIES
        if all(f in specs for f in needed)
    ]
    for field_id, spec in sorted(specs.items()):
        group = CORRELATED.get(field_id, f"f{field_id}")
        if spec.kind == "number" and spec.selective:
            for drop in LEVELS:
                bits = 32 if drop == 0 else 16
                families.append(Family(f"m{field_id}_k{drop}", group, bits, field_id, drop))
        elif spec.kind in ("set", "dates") or (spec.kind == "date" and field_id != 53):
            families.append(Family(f"{spec.kind[0]}{field_id}", group, 32, field_id))
    return families


def keyed_fields(families: Iterable[Family]) -> frozenset[int]:
    """The fields whose values these families' keys are made of (:func:`family_codes`)."""
    needed = dict(QI_FAMILIES)
    return frozenset(
        field_id
        for family in families
        for field_id in (needed[family.name] if family.group == "qi" else (family.field_id,))
    )


def family_codes(
    family: Family,
    fields: Mapping[int, Canon],
    specs: Mapping[int, FieldSpec],
    *,
    all_levels: bool = False,
) -> tuple[np.ndarray, np.ndarray] | None:
    """The 64-bit codes and validity of one family for a table, or None if it cannot be made.

    A scanned number column written with ``d`` decimals feeds only the family of its own
    rounding, ``drop = native - d`` (more decimals than native are rounded to native first);
    a cohort (``all_levels``) feeds every rounding.
    """
    if family.group == "qi":
        needed = dict(QI_FAMILIES)[family.name]
        if not all(f in fields for f in needed):
            return None
        parts = [fields[f] for f in needed]
        valid = np.logical_and.reduce([p.valid for p in parts])
        codes = canonical.combine([p.values for p in parts])
        return codes, valid
    canon = fields.get(family.field_id)
    spec = specs.get(family.field_id)
    if canon is None or spec is None:
        return None
    if spec.kind != "number":
        return canon.values.view(np.uint64), canon.valid
    drop = spec.decimals - canon.decimals
    values = canon.values
    if drop < 0:
        values, drop = canonical.coarsen(values, -drop), 0
    if family.drop < drop or (family.drop > drop and not all_levels):
        return None  # a sample is keyed only at its own rounding
    return canonical.coarsen(values, family.drop - drop).view(np.uint64), canon.valid


def digest(master: bytes, family: Family, codes: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """The family's keyed digests, truncated to its width; 0 marks a missing value."""
    return siphash_top(derive_key(master, family.name), codes, valid, family.bits)


def coverage(digests: np.ndarray) -> float:
    """Good–Turing estimate of the chance that a non-member's key occurs in the cohort:
    one minus the share of cohort keys seen exactly once."""
    present = digests[digests != 0]
    if present.size == 0:
        return 0.0
    counts = _run_lengths(np.sort(present))
    return float(1.0 - np.count_nonzero(counts == 1) / present.size)


def _run_lengths(ordered: np.ndarray) -> np.ndarray:
    """How many times each distinct value occurs in a sorted array (sorting beats hashing)."""
    if ordered.size == 0:
        return np.zeros(0, dtype=np.int64)
    edges = np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1], [True])))
    return np.diff(edges)


def id_digests(master: bytes, ids: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """Keyed 32-bit digests of participant IDs (0 where missing)."""
    family = Family(ID_FAMILY, ID_FAMILY, 32)
    return digest(master, family, ids.astype(np.int64).view(np.uint64), valid)


def parse_ids(series: pl.Series) -> Canon:
    """Participant IDs as integers (a negative eid marks a withdrawal and is kept as is)."""
    numbers, valid, _ = canonical.parse_numbers(series)
    whole = valid & (np.nan_to_num(numbers) == np.floor(np.nan_to_num(numbers)))
    return Canon(np.nan_to_num(numbers).astype(np.int64), whole)
