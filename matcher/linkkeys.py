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

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl

from matcher import canonical
from matcher.canonical import Canon
from matcher.dictionary import Dictionary
from matcher.prf import derive_key, siphash_codes
from matcher.schema import ColumnMapping

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
    """Every mapped field of ``frame`` (an all-text table) in canonical form."""
    fields: dict[int, Canon] = {}
    for field_id, positions in columns_by_field(mappings).items():
        kind = field_kind(field_id, dictionary)
        if kind is None:
            continue
        series = [frame.to_series(p) for p in positions]
        canon = _canonical(field_id, kind, series, mappings, positions, dictionary)
        if canon is not None and canon.count:
            fields[field_id] = canon
    return fields


def _canonical(
    field_id: int,
    kind: str,
    series: list[pl.Series],
    mappings: Sequence[ColumnMapping | None],
    positions: list[int],
    dictionary: Dictionary,
) -> Canon | None:
    info = dictionary.fields[field_id]
    coding = dictionary.field_coding(field_id) or {}
    if kind in ("set", "dates"):
        members: list[pl.Series] = []
        for s, position in zip(series, positions, strict=True):
            mapping = mappings[position]
            is_list = mapping is not None and mapping.array is None
            members.extend(canonical.list_cells(s) if is_list else [s])
        if kind == "dates":
            return canonical.earliest([canonical.parse_dates(m) for m in members])
        if info.coding == ICD10_CODING:
            return canonical.set_codes([canonical.icd10_codes(m) for m in members])
        return canonical.set_codes([canonical.parse_codes(m, coding, info.coding) for m in members])
    first = series[0]
    if kind == "number":
        return canonical.parse_number_canon(first)
    if kind == "date":
        return canonical.parse_dates(first)
    return canonical.parse_codes(first, coding, info.coding)


def field_specs(fields: Mapping[int, Canon], dictionary: Dictionary) -> dict[int, FieldSpec]:
    """The specs a fingerprint stores, judged from the cohort's own values."""
    specs: dict[int, FieldSpec] = {}
    for field_id, canon in fields.items():
        kind = field_kind(field_id, dictionary)
        if kind is None:
            continue
        selective = False
        if kind == "number" and field_id not in QI_FIELDS:
            distinct = np.unique(canon.values[canon.valid]).size
            selective = distinct >= MIN_DISTINCT_SELECTIVE
        specs[field_id] = FieldSpec(field_id, kind, canon.decimals, selective)
    return specs


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
    hashed = siphash_codes(derive_key(master, family.name), codes)
    top = (hashed >> np.uint64(64 - family.bits)).astype(family.dtype)
    top[top == 0] = 1
    top[~valid] = 0
    return top


def coverage(digests: np.ndarray) -> float:
    """Good–Turing estimate of the chance that a non-member's key occurs in the cohort:
    one minus the share of cohort keys seen exactly once."""
    present = digests[digests != 0]
    if present.size == 0:
        return 0.0
    _, counts = np.unique(present, return_counts=True)
    return float(1.0 - np.count_nonzero(counts == 1) / present.size)


def id_digests(master: bytes, ids: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """Keyed 32-bit digests of participant IDs (0 where missing)."""
    family = Family(ID_FAMILY, ID_FAMILY, 32)
    return digest(master, family, ids.astype(np.int64).view(np.uint64), valid)


def parse_ids(series: pl.Series) -> Canon:
    """Participant IDs as integers (a negative eid marks a withdrawal and is kept as is)."""
    numbers, valid, _ = canonical.parse_numbers(series)
    whole = valid & (np.nan_to_num(numbers) == np.floor(np.nan_to_num(numbers)))
    return Canon(np.nan_to_num(numbers).astype(np.int64), whole)
