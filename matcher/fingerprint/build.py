"""Build a fingerprint from a cohort table, its release maps and canary rows.

Input is an all-text polars frame (as :mod:`matcher.samples` reads any CSV/TSV/Parquet) in any
UK Biobank header style, or a large plain CSV/TSV still unread (:class:`LargeTable`), whose cells
are then parsed straight from its bytes (:func:`matcher.linkkeys.canonical_fields_csv`). Every mapped field is made canonical, every linkage-key family the
fields allow is keyed with the PRF, and each release's participant IDs (from its
``master_eid,release_eid`` map) are keyed in row order. Canary rows are appended after the
cohort's rows, tagged with their release. The key never leaves this call.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import polars as pl

from matcher import linkkeys
from matcher.canonical import Canon
from matcher.dictionary import Dictionary
from matcher.errors import MatchError
from matcher.fingerprint.model import Fingerprint, FingerprintError
from matcher.prf import check_master_key, key_id, start_warm_up
from matcher.samples import fastcsv
from matcher.samples.readers import LargeTable
from matcher.schema import ColumnMapping, header_names, map_columns

Progress = Callable[[str, int, int], None]
DEFAULT_PROFILE: Mapping[str, Any] = {
    "name": "UK Biobank",
    "aliases": ["UK Biobank", "UKBB", "UK Bio-bank", "UKB", "英国生物样本库", "英国生物银行",
                "UKB数据", "UKB数据集"],
}  # fmt: skip


def _no_progress(stage: str, done: int, total: int) -> None:
    return None


@dataclass(frozen=True)
class _Cohort:
    """What a build needs of the cohort table: its header, size, canonical fields and IDs."""

    headers: list[str]
    rows: int
    mappings: list[ColumnMapping | None]
    fields: dict[int, Any]
    ids: Callable[[], Canon | None]  # the participant IDs, parsed when a release needs them


def _frame_cohort(frame: pl.DataFrame, dictionary: Dictionary) -> _Cohort:
    mappings = map_columns(frame.columns, dictionary)
    fields = linkkeys.canonical_fields(frame, mappings, dictionary)

    def ids() -> Canon | None:
        index = _eid_column(frame, mappings)
        return None if index is None else linkkeys.parse_ids(frame.to_series(index))

    return _Cohort(list(frame.columns), frame.height, mappings, fields, ids)


def _large_cohort(table: LargeTable, dictionary: Dictionary) -> _Cohort:
    """A large CSV/TSV cohort (header on its first line) parsed from its bytes; read as text
    and parsed the frame's way when the bytes cannot be split as polars would split them."""
    raw = table.head(linkkeys.DATE_SNIFF_ROWS + 1)
    lines = fastcsv.split_lines(table.data) if raw.height else None
    if lines is not None:
        names = header_names([cell or "" for cell in raw.row(0)])
        head = raw.slice(1).rename(dict(zip(raw.columns, names, strict=True)))
        mappings = map_columns(names, dictionary)
        parsed = linkkeys.canonical_fields_csv(
            table, lines, head, mappings, dictionary,
            text=lambda positions: table.columns(positions).slice(1),
        )  # fmt: skip
        if parsed is not None:
            fields, ids = parsed.fields, parsed.ids
            return _Cohort(names, int(lines[1][-1]) - 1, mappings, fields, lambda: ids)
    frame = table.frame()
    names = header_names([cell or "" for cell in frame.row(0)]) if frame.height else []
    return _frame_cohort(
        frame.slice(1).rename(dict(zip(frame.columns, names, strict=True))), dictionary
    )


def _eid_column(frame: pl.DataFrame, mappings: Sequence[ColumnMapping | None]) -> int | None:
    for index, mapping in enumerate(mappings):
        if mapping is not None and mapping.kind == "eid":
            return index
    return None


def schema_entries(
    headers: Sequence[str], mappings: Sequence[ColumnMapping | None], dictionary: Dictionary
) -> tuple[dict[str, Any], ...]:
    """The schema a fingerprint records: field id, title and the headers it was seen under."""
    entries: dict[int, dict[str, Any]] = {}
    for header, mapping in zip(headers, mappings, strict=True):
        if mapping is None or mapping.kind != "field":
            continue
        entry = entries.setdefault(
            mapping.field_id,
            {"field_id": mapping.field_id, "title": dictionary.title(mapping.field_id),
             "headers": []},
        )  # fmt: skip
        if len(entry["headers"]) < 16:
            entry["headers"].append(header)
    return tuple(entries.values())


def build_fingerprint(
    cohort: pl.DataFrame | LargeTable,
    *,
    dictionary: Dictionary,
    key: bytes,
    releases: Mapping[str, pl.DataFrame] | None = None,
    canaries: Mapping[str, pl.DataFrame] | None = None,
    profile: Mapping[str, Any] | None = None,
    progress: Progress | None = None,
) -> Fingerprint:
    """Key a cohort (an all-text frame, or a large CSV/TSV with its header on the first line)
    into a :class:`Fingerprint`.

    ``releases`` maps a release name to its ``master_eid, release_eid`` frame; ``canaries`` maps
    a release name to canary rows (same header style, IDs of that release).
    """
    try:
        check_master_key(key)
    except ValueError as exc:
        raise FingerprintError(str(exc)) from None
    report = progress or _no_progress
    start_warm_up()  # the kernels load while the columns are parsed
    table = (
        _large_cohort(cohort, dictionary)
        if isinstance(cohort, LargeTable)
        else _frame_cohort(cohort, dictionary)
    )
    fields = table.fields
    specs = linkkeys.field_specs(fields, dictionary)
    families = linkkeys.plan_families(specs)
    if not families:
        raise FingerprintError(
            "the cohort has no field to link rows on (need the visit date or a measurement)"
        )
    digests = _family_digests(fields, specs, families, key, report)
    families = [
        replace(f, coverage=linkkeys.coverage(digests[f.name])) if f.group == "qi" else f
        for f in families
    ]
    release_names = tuple(releases or {})
    release_ids = _release_digests(table, releases or {}, key)
    fp = Fingerprint(
        key_id=key_id(key),
        rows=table.rows,
        specs=specs,
        families=tuple(families),
        digests=digests,
        releases=release_names,
        release_ids=release_ids,
        schema=schema_entries(table.headers, table.mappings, dictionary),
        profile={**(profile or DEFAULT_PROFILE), "participants": table.rows},
    )
    for release, rows in (canaries or {}).items():
        fp = add_canaries(fp, rows, release=release, dictionary=dictionary, key=key)
    return fp


def _family_digests(
    fields: Mapping[int, Any],
    specs: Mapping[int, linkkeys.FieldSpec],
    families: Sequence[linkkeys.Family],
    key: bytes,
    report: Progress,
) -> dict[str, np.ndarray]:
    digests: dict[str, np.ndarray] = {}
    for done, family in enumerate(families, start=1):
        made = linkkeys.family_codes(family, fields, specs, all_levels=True)
        if made is None:
            raise FingerprintError(f"cannot compute linkage keys {family.name}")
        digests[family.name] = linkkeys.digest(key, family, *made)
        report("keys", done, len(families))
    return digests


def _release_digests(
    cohort: _Cohort, releases: Mapping[str, pl.DataFrame], key: bytes
) -> dict[str, np.ndarray]:
    if not releases:
        return {}
    master = cohort.ids()
    if master is None:
        raise FingerprintError("the cohort has no participant ID column to join release maps on")
    master_frame = pl.DataFrame({"master_eid": master.values, "row": np.arange(cohort.rows)})
    out: dict[str, np.ndarray] = {}
    for name, table in releases.items():
        missing = {"master_eid", "release_eid"} - set(table.columns)
        if missing:
            raise FingerprintError(f"release map {name}: missing column(s) {sorted(missing)}")
        parsed = pl.DataFrame(
            {
                "master_eid": linkkeys.parse_ids(table["master_eid"]).values,
                "release_eid": linkkeys.parse_ids(table["release_eid"]).values,
            }
        )
        joined = master_frame.join(parsed, on="master_eid", how="left").sort("row")
        release_eid = joined["release_eid"]
        valid = release_eid.is_not_null().to_numpy() & master.valid
        ids = release_eid.fill_null(0).to_numpy()
        out[name] = linkkeys.id_digests(key, ids, valid)
    return out


def add_canaries(
    fp: Fingerprint, rows: pl.DataFrame, *, release: str, dictionary: Dictionary, key: bytes
) -> Fingerprint:
    """A new fingerprint with ``rows`` (all-text canary rows of ``release``) appended."""
    if key_id(key) != fp.key_id:
        raise FingerprintError("this key is not the fingerprint's key (key ids differ)")
    if rows.height == 0:
        return fp
    releases = fp.releases if release in fp.releases else (*fp.releases, release)
    if len(releases) > np.iinfo(np.int16).max:
        raise FingerprintError("too many releases")
    mappings = map_columns(rows.columns, dictionary)
    fields = linkkeys.canonical_fields(rows, mappings, dictionary)
    digests: dict[str, np.ndarray] = {}
    for family in fp.families:
        made = linkkeys.family_codes(family, _at_native(fields, fp), fp.specs, all_levels=True)
        extra = (
            linkkeys.digest(key, family, *made)
            if made is not None
            else np.zeros(rows.height, dtype=family.dtype)
        )
        digests[family.name] = np.concatenate([fp.digests[family.name], extra])
    eid_index = _eid_column(rows, mappings)
    if eid_index is None:
        raise FingerprintError("canary rows need a participant ID column")
    ids = linkkeys.parse_ids(rows.to_series(eid_index))
    release_ids: dict[str, np.ndarray] = {}
    for name in releases:
        current = fp.release_ids.get(name, np.zeros(fp.total_rows, dtype=np.uint32))
        extra = (
            linkkeys.id_digests(key, ids.values, ids.valid)
            if name == release
            else np.zeros(rows.height, dtype=np.uint32)
        )
        release_ids[name] = np.concatenate([current, extra])
    tags = np.full(rows.height, releases.index(release), dtype=np.int16)
    return Fingerprint(
        key_id=fp.key_id,
        rows=fp.rows,
        specs=fp.specs,
        families=fp.families,
        digests=digests,
        releases=releases,
        release_ids=release_ids,
        canary_release=np.concatenate([fp.canary_release, tags]),
        schema=fp.schema,
        profile=fp.profile,
    )


def _at_native(fields: Mapping[int, Any], fp: Fingerprint) -> dict[int, Any]:
    """Canary numbers re-rounded to the cohort's native precision, so every level is keyed."""
    from matcher.canonical import Canon, coarsen

    out: dict[int, Any] = {}
    for field_id, canon in fields.items():
        spec = fp.specs.get(field_id)
        if spec is not None and spec.kind == "number" and canon.decimals != spec.decimals:
            if canon.decimals > spec.decimals:
                values = coarsen(canon.values, canon.decimals - spec.decimals)
            else:
                values = canon.values * 10 ** (spec.decimals - canon.decimals)
            canon = Canon(values, canon.valid, spec.decimals)
        out[field_id] = canon
    return out


def check_key(fp: Fingerprint, key: bytes) -> None:
    """Raise FingerprintError unless ``key`` is the one the fingerprint was built with."""
    try:
        ident = key_id(key)
    except ValueError as exc:
        raise FingerprintError(str(exc)) from None
    if ident != fp.key_id:
        raise FingerprintError(
            f"the key (id {ident}) is not this fingerprint's key (id {fp.key_id})"
        )


__all__ = ["MatchError", "add_canaries", "build_fingerprint", "check_key", "schema_entries"]
