"""Scan a file for participant-level rows of the cohort: the verdict an egress gateway acts on.

``scan_bytes(data, filename=..., fingerprint=fp, key=key)`` reads every table in the file
(:mod:`matcher.samples`), finds or guesses the header, maps columns to fields, computes the
sample's linkage keys with the fingerprint's key, links rows (:mod:`matcher.linkage`) and
attributes the sample to a release (:mod:`matcher.attribution`); the rules that turn its counts
into a verdict are :mod:`matcher.verdict_rules`. Verdicts, strongest first:
``participant-level`` (rows link, far beyond chance), ``aggregate`` (summary tables, GWAS summary
statistics), ``cohort-schema`` (our fields, row-level, but the rows do not link: fake or
perturbed), ``clean``. A file that cannot be read gives an ``error`` result, never an exception.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from matcher import linkkeys
from matcher.attribution import attribute
from matcher.canonical import clean_text
from matcher.dictionary import Dictionary, load_dictionary
from matcher.errors import MatchError
from matcher.fingerprint.build import Progress, check_key
from matcher.fingerprint.model import Fingerprint
from matcher.guess import GUESS_ROWS, guess_columns
from matcher.linkage import index_all_families, link_rows, quasi_identifier_hits
from matcher.prf import start_warm_up, wait_warm_up
from matcher.samples import Limits, SampleTable, fastcsv
from matcher.samples.readers import LargeTable, listing_tables, read_table_sources
from matcher.schema import ColumnMapping, header_names, map_columns
from matcher.verdict_rules import (
    MIN_SCHEMA_FIELDS,
    links_beyond_chance,
    listed_by_id,
    looks_aggregate,
    qi_beyond_chance,
)

Verdict = str  # participant-level | aggregate | cohort-schema | clean | error
RANK = {"error": -1, "clean": 0, "cohort-schema": 1, "aggregate": 2, "participant-level": 3}

# errors a file's reading or scanning raises on bad input, its message fit to show
KNOWN_ERRORS = (MatchError, pl.exceptions.PolarsError, ValueError, MemoryError, RecursionError)


@dataclass(frozen=True)
class ScanResult:
    """The verdict on one file, as ``cohortwatch scan --json`` prints it."""

    file: str
    verdict: Verdict
    rows: int = 0
    linked_rows: int = 0
    expected_chance_links: float = 0.0
    release: str | None = None
    release_chance: float | None = None
    canaries: int = 0
    fields: tuple[int, ...] = ()
    reasons: tuple[str, ...] = ()
    tables: int = 0
    error: str | None = None

    @property
    def found(self) -> bool:
        return self.verdict == "participant-level"

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["fields"] = list(self.fields)
        data["reasons"] = list(self.reasons)
        data["expected_chance_links"] = float(f"{self.expected_chance_links:.3g}")
        return data


@dataclass
class _TableScan:
    verdict: Verdict
    rows: int
    linked: int = 0
    expected: float = 0.0
    fields: list[int] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    links: np.ndarray | None = None
    ids: np.ndarray | None = None


def _is_number(text: str) -> bool:
    return re.fullmatch(r"-?\d+(?:[.,]\d+)?(?:[eE][-+]?\d+)?", text.strip()) is not None


def with_header(table: SampleTable, dictionary: Dictionary) -> tuple[pl.DataFrame, bool]:
    """The table with its header as column names (row 0 if it is one), and whether it had one."""
    frame = table.frame
    if table.named:
        return frame, True
    if frame.height == 0:
        return frame, False
    first = [cell or "" for cell in frame.row(0)]
    mapped = sum(m is not None for m in map_columns(first, dictionary))
    wordy = sum(1 for cell in first if cell.strip() and not _is_number(cell))
    if mapped == 0 and wordy < max(1, (len(first) + 1) // 2):
        return frame, False
    names = header_names(first)
    return frame.slice(1).rename(dict(zip(frame.columns, names, strict=True))), True


def sample_digests(
    fp: Fingerprint, fields: dict[int, Any], key: bytes, rows: int
) -> dict[str, np.ndarray]:
    """The sample's keyed digests per family (what :func:`link_rows` takes)."""
    sample: dict[str, np.ndarray] = {}
    for family in fp.families:
        made = linkkeys.family_codes(family, fields, fp.specs)
        if made is not None and made[0].size == rows:
            sample[family.name] = linkkeys.digest(key, family, *made)
    return sample


# a large table's header and the rows value guessing and date sniffing look at
HEAD_LINES = max(GUESS_ROWS, linkkeys.DATE_SNIFF_ROWS) + 1


@dataclass
class _Columns:
    """A table's header, mapped fields and participant IDs, ready to link."""

    rows: int
    headers: list[str]
    mappings: list[ColumnMapping | None]
    fields: dict[int, Any]
    ids: Any
    aggregate: str | None
    reasons: list[str]
    present: frozenset[int] = frozenset()  # fields not keyed that hold a value (not kept)


def _mapped(
    frame: pl.DataFrame,
    had_header: bool,
    *,
    fingerprint: Fingerprint,
    key: bytes,
    dictionary: Dictionary,
) -> tuple[list[ColumnMapping | None], str | None, list[str]]:
    """Mappings (guessed where the header says nothing), the aggregate reason and the reasons."""
    headers = list(frame.columns) if had_header else []
    mappings: list[ColumnMapping | None] = (
        map_columns(headers, dictionary) if had_header else [None] * frame.width
    )
    reasons: list[str] = []
    aggregate = looks_aggregate(headers, frame) if had_header else None
    eid_mapped = any(m is not None and m.kind == "eid" for m in mappings)
    if aggregate is None or eid_mapped:
        mappings, guessed = guess_columns(
            frame, mappings, fingerprint=fingerprint, key=key, dictionary=dictionary
        )
        if guessed:
            reasons.append(f"fields guessed from value patterns: {', '.join(guessed)}")
    return mappings, aggregate, reasons


def _frame_columns(
    table: SampleTable, *, fingerprint: Fingerprint, key: bytes, dictionary: Dictionary
) -> _Columns:
    frame, had_header = with_header(table, dictionary)
    mappings, aggregate, reasons = _mapped(
        frame, had_header, fingerprint=fingerprint, key=key, dictionary=dictionary
    )
    fields = linkkeys.canonical_fields(frame, mappings, dictionary)
    ids = None
    for index, mapping in enumerate(mappings):
        if mapping is not None and mapping.kind == "eid":
            ids = linkkeys.parse_ids(frame.to_series(index))
            break
    headers = list(frame.columns) if had_header else []
    return _Columns(frame.height, headers, mappings, fields, ids, aggregate, reasons)


def _large_columns(
    table: LargeTable, *, fingerprint: Fingerprint, key: bytes, dictionary: Dictionary
) -> _Columns | None:
    """A large CSV/TSV's columns parsed from its bytes; None when it must be read as text
    (no header line, or lines polars would split otherwise)."""
    head, had_header = with_header(SampleTable(table.source, table.head(HEAD_LINES)), dictionary)
    if not had_header:
        return None
    lines = fastcsv.split_lines(table.data)
    if lines is None:
        return None
    mappings, aggregate, reasons = _mapped(
        head, True, fingerprint=fingerprint, key=key, dictionary=dictionary
    )
    # only the fields the fingerprint's keys are made of are kept; any other is only checked
    # for a value (it is reported, never keyed)
    parsed = linkkeys.canonical_fields_csv(
        table, lines, head, mappings, dictionary,
        text=lambda positions: table.columns(positions).slice(1),
        keyed=linkkeys.keyed_fields(fingerprint.families),
    )  # fmt: skip
    if parsed is None:
        return None
    table.release()  # its bytes are not read again
    rows = int(lines[1][-1]) - 1
    return _Columns(
        rows, list(head.columns), mappings, parsed.fields, parsed.ids, aggregate, reasons,
        parsed.present,
    )  # fmt: skip


def scan_frame(
    table: SampleTable | LargeTable,
    *,
    fingerprint: Fingerprint,
    key: bytes,
    dictionary: Dictionary,
) -> _TableScan:
    columns = None
    if isinstance(table, LargeTable):
        columns = _large_columns(table, fingerprint=fingerprint, key=key, dictionary=dictionary)
        if columns is None:
            table = SampleTable(table.source, table.frame())
    if columns is None:
        assert isinstance(table, SampleTable)
        columns = _frame_columns(table, fingerprint=fingerprint, key=key, dictionary=dictionary)
    return _verdict(columns, fingerprint=fingerprint, key=key)


def _verdict(columns: _Columns, *, fingerprint: Fingerprint, key: bytes) -> _TableScan:
    """Key, link and judge a table's columns. Empties ``columns.fields`` and ``columns.ids``
    once they are keyed, so their arrays are freed before the linkage allocates its own."""
    rows, fields, reasons, aggregate = (
        columns.rows,
        columns.fields,
        columns.reasons,
        columns.aggregate,
    )
    field_ids = sorted(fields.keys() | columns.present)
    sample = sample_digests(fingerprint, fields, key, rows)
    ids = None
    if columns.ids is not None:
        ids = linkkeys.id_digests(key, columns.ids.values, columns.ids.valid)
    # the parsed cells are not needed again: freed now, their memory serves the linkage, which
    # sorts the fingerprint's side only now (fresh memory costs more than that sort would save
    # running beside the keying, which uses every core anyway)
    columns.fields, columns.ids, fields = {}, None, {}
    result = link_rows(fingerprint, sample, rows=rows)
    scan = _TableScan("clean", rows, result.linked, result.expected_chance, field_ids, reasons)
    scan.links, scan.ids = result.links, ids
    if links_beyond_chance(result.linked, rows, result.expected_chance):
        scan.verdict = "participant-level"
        reasons.append(
            f"{result.linked} of {rows} rows link to cohort rows on independent keys "
            f"(chance alone: {result.expected_chance:.2g})"
        )
    elif _quasi_identifiers(fingerprint, sample, scan):
        pass
    elif aggregate is not None:
        scan.verdict = "aggregate"
        reasons.append(aggregate)
    elif len(field_ids) >= MIN_SCHEMA_FIELDS and rows >= 2:
        scan.verdict = "cohort-schema"
        reasons.append(
            f"{len(field_ids)} cohort fields at row level, but only {result.linked} of {rows} "
            f"rows link (chance alone: {result.expected_chance:.2g}): fake or perturbed rows"
        )
    return scan


def _quasi_identifiers(fp: Fingerprint, sample: dict[str, np.ndarray], scan: _TableScan) -> bool:
    """Participant-level by the quasi-identifier tuple alone (see :func:`qi_beyond_chance`)."""
    qi = quasi_identifier_hits(fp, sample)
    if not qi_beyond_chance(qi.hits, qi.rows, qi.expected_chance):
        return False
    scan.verdict = "participant-level"
    scan.linked = max(scan.linked, qi.hits)
    scan.expected = max(scan.expected, qi.expected_chance)
    scan.reasons.append(
        f"{qi.hits} of {qi.rows} rows match a cohort participant's quasi-identifiers "
        f"({qi.family}); chance alone: {qi.expected_chance:.2g}"
    )
    return True


def scan_tables(
    tables: Sequence[SampleTable | LargeTable],
    *,
    filename: str,
    fingerprint: Fingerprint,
    key: bytes,
    dictionary: Dictionary,
    progress: Progress | None = None,
) -> ScanResult:
    """Combine the scans of a file's tables into one result (``progress``: each table's stage,
    as :func:`scan_path` reports it)."""
    scans = []
    for number, table in enumerate(tables, start=1):
        if progress is not None:
            progress(f"keys and links, table {number} of {len(tables)}", number, len(tables) + 1)
        scans.append(scan_frame(table, fingerprint=fingerprint, key=key, dictionary=dictionary))
    if not scans:
        return ScanResult(file=filename, verdict="clean", reasons=("no table found",))
    verdict = max((s.verdict for s in scans), key=lambda v: RANK[v])
    links = np.concatenate([s.links for s in scans if s.links is not None])
    ids = np.concatenate(
        [s.ids if s.ids is not None else np.zeros(s.rows, np.uint32) for s in scans if s.rows]
        or [np.zeros(0, np.uint32)]
    )
    attribution = attribute(fingerprint, links, ids if np.any(ids) else None)
    reasons = [r for s in scans for r in s.reasons] + list(attribution.reasons)
    if attribution.canaries and verdict != "participant-level":
        verdict = "participant-level"
    elif listed_by_id(verdict, attribution.chance):
        verdict = "participant-level"  # per-participant rows of the cohort, keyed by their IDs
        reasons.append(
            f"its rows carry participant IDs of release {attribution.release}: they are the "
            "cohort's participants, whatever the other values"
        )
    fields = sorted({f for s in scans for f in s.fields})
    return ScanResult(
        file=filename,
        verdict=verdict,
        rows=sum(s.rows for s in scans),
        linked_rows=sum(s.linked for s in scans),
        expected_chance_links=sum(s.expected for s in scans),
        release=attribution.release,
        release_chance=attribution.chance,
        canaries=attribution.canaries,
        fields=tuple(fields),
        reasons=tuple(dict.fromkeys(reasons)),
        tables=len(scans),
    )


def scan_bytes(
    data: bytes,
    *,
    filename: str,
    fingerprint: Fingerprint,
    key: bytes,
    dictionary: Dictionary | None = None,
    limits: Limits | None = None,
) -> ScanResult:
    """Scan one file's bytes. Unreadable files give verdict ``error`` (never raise)."""
    return _scan_read(
        lambda: read_table_sources(data, filename=filename, limits=limits),
        filename=filename, fingerprint=fingerprint, key=key, dictionary=dictionary,
    )  # fmt: skip


def _scan_read(
    read: Callable[[], Sequence[SampleTable | LargeTable]],
    *,
    filename: str,
    fingerprint: Fingerprint,
    key: bytes,
    dictionary: Dictionary | None,
    progress: Progress | None = None,
) -> ScanResult:
    """Scan the tables ``read()`` gives (a file's); errors give verdict ``error``.

    Reading hands attacker-written bytes to third-party parsers (zipfile, openpyxl, the XML
    parsers, BeautifulSoup, polars), which raise whatever they like on hostile input: any error
    while reading is this file's error, so the other files of a scan are still scanned.
    """
    check_key(fingerprint, key)
    start_warm_up()  # the kernels load while the file is parsed
    if progress is not None:
        progress("reading", 0, 1)
    try:
        tables = read()
    except KNOWN_ERRORS as exc:
        return ScanResult(file=filename, verdict="error", error=str(exc)[:500])
    except (Exception, pl.exceptions.PanicException) as exc:  # hostile bytes (see above)
        error = f"unreadable file ({type(exc).__name__}: {exc})"
        return ScanResult(file=filename, verdict="error", error=error[:500])
    try:
        return scan_tables(
            tables,
            filename=filename,
            fingerprint=fingerprint,
            key=key,
            dictionary=dictionary or load_dictionary(),
            progress=progress,
        )
    except KNOWN_ERRORS as exc:
        return ScanResult(file=filename, verdict="error", error=str(exc)[:500])


def scan_listing(
    text: str,
    html: bytes,
    *,
    fingerprint: Fingerprint,
    key: bytes,
    dictionary: Dictionary | None = None,
) -> ScanResult | None:
    """Scan the tables a listing page shows (:func:`matcher.samples.readers.listing_tables`):
    sellers paste sample rows into the listing itself. None when the page shows no table."""
    result = _scan_read(
        lambda: listing_tables(text, html),
        filename="listing page", fingerprint=fingerprint, key=key, dictionary=dictionary,
    )  # fmt: skip
    return None if result.tables == 0 and result.verdict == "clean" else result


def prepare_service(fingerprint: Fingerprint, *, index_families: bool = True) -> None:
    """What a long-running scanner (``cohortwatch serve``) does once, before its first scan:
    load the kernels and (``index_families``) sort every family of the fingerprint (see
    :func:`matcher.linkage.index_all_families`), so no scan waits for either."""
    start_warm_up()
    if index_families:
        index_all_families(fingerprint)
    wait_warm_up()


def scan_path(
    path: Path,
    *,
    fingerprint: Fingerprint,
    key: bytes,
    dictionary: Dictionary | None = None,
    limits: Limits | None = None,
    progress: Progress | None = None,
) -> ScanResult:
    """Scan a file on disk (see :func:`scan_bytes`). ``progress(stage, done, total)`` hears the
    stages of a large file's scan: reading, then keys and links table by table."""
    limits = limits or Limits()
    start_warm_up()
    try:
        size = path.stat().st_size
        if size > limits.max_total_bytes:
            return ScanResult(file=str(path), verdict="error", error="file exceeds the size limit")
        owned = [path.read_bytes()]
    except OSError as exc:
        return ScanResult(file=str(path), verdict="error", error=f"cannot read: {exc.strerror}")
    # the file's tables are the only holders of its bytes, so a large CSV's are freed once
    # parsed and keying and linking reuse their memory (see :func:`_large_columns`)
    return _scan_read(
        lambda: read_table_sources(owned.pop(), filename=str(path), limits=limits),
        filename=str(path), fingerprint=fingerprint, key=key, dictionary=dictionary,
        progress=progress,
    )  # fmt: skip


__all__ = [
    "ScanResult",
    "clean_text",
    "prepare_service",
    "scan_bytes",
    "scan_listing",
    "scan_path",
    "scan_tables",
]
