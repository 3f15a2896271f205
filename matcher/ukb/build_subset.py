"""One-off script: cut the shipped dictionary subset out of the full public Showcase files.

Run by hand when the field list in :mod:`matcher.ukb.subset` changes::

    python -m matcher.ukb.build_subset \\
        /work/shared/ukb/Data_Dictionary_Showcase.csv /work/shared/ukb/Codings_Showcase.csv

It writes ``fields.csv`` (the rows of ``FIELD_IDS``, without the bulky Path/Notes/Link columns)
and ``codings.csv`` (every coding those fields use; for coding 19, ICD-10, only the codes in
``ICD10_CODES``) next to this file, or into ``--out-dir``. Both inputs may be comma- or
tab-separated (the Showcase has published both). It refuses to write anything when a field or an
ICD-10 code is missing from the inputs, so a stale list is noticed.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from matcher.ukb.subset import FIELD_IDS, ICD10_CODES, ICD10_CODING

FIELD_COLUMNS = (
    "Category",
    "FieldID",
    "Field",
    "Participants",
    "Items",
    "Stability",
    "ValueType",
    "Units",
    "ItemType",
    "Strata",
    "Sexed",
    "Instances",
    "Array",
    "Coding",
)
CODING_COLUMNS = ("Coding", "Value", "Meaning")


@contextmanager
def _open_table(path: Path) -> Iterator[csv.DictReader[str]]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        first = handle.readline()
        handle.seek(0)
        delimiter = "\t" if "\t" in first else ","
        yield csv.DictReader(handle, delimiter=delimiter)


def _write_table(handle: TextIO, columns: Sequence[str], rows: Sequence[dict[str, str]]) -> None:
    writer = csv.DictWriter(handle, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({column: row.get(column, "") for column in columns})


def select_fields(dictionary_csv: Path) -> list[dict[str, str]]:
    """Dictionary rows of ``FIELD_IDS`` in field-id order; ValueError if any is absent."""
    wanted = set(FIELD_IDS)
    with _open_table(dictionary_csv) as reader:
        rows = [row for row in reader if row.get("FieldID", "").strip().isdigit()]
    found = {int(row["FieldID"]): row for row in rows if int(row["FieldID"]) in wanted}
    missing = sorted(wanted - found.keys())
    if missing:
        raise ValueError(f"{dictionary_csv}: fields not found: {missing}")
    return [found[field_id] for field_id in sorted(found)]


def select_codings(codings_csv: Path, coding_ids: set[int]) -> list[dict[str, str]]:
    """Rows of the wanted codings; coding 19 cut down to ``ICD10_CODES``."""
    icd_codes = set(ICD10_CODES)
    with _open_table(codings_csv) as reader:
        rows = [
            row
            for row in reader
            if row.get("Coding", "").strip().isdigit() and int(row["Coding"]) in coding_ids
        ]
    kept = [row for row in rows if int(row["Coding"]) != ICD10_CODING or row["Value"] in icd_codes]
    present = {int(row["Coding"]) for row in kept}
    missing_codings = sorted(coding_ids - present)
    if missing_codings:
        raise ValueError(f"{codings_csv}: codings not found: {missing_codings}")
    if ICD10_CODING in coding_ids:
        found_icd = {row["Value"] for row in kept if int(row["Coding"]) == ICD10_CODING}
        missing_icd = sorted(icd_codes - found_icd)
        if missing_icd:
            raise ValueError(f"{codings_csv}: ICD-10 codes not in coding 19: {missing_icd}")
    kept.sort(key=lambda row: int(row["Coding"]))  # stable: keeps the Showcase's value order
    return kept


def build_subset(dictionary_csv: Path, codings_csv: Path, *, out_dir: Path) -> tuple[Path, Path]:
    """Write ``fields.csv`` and ``codings.csv`` into ``out_dir``; return their paths."""
    fields = select_fields(dictionary_csv)
    coding_ids = {int(row["Coding"]) for row in fields if row["Coding"].strip()}
    codings = select_codings(codings_csv, coding_ids)
    out_dir.mkdir(parents=True, exist_ok=True)
    fields_path = out_dir / "fields.csv"
    codings_path = out_dir / "codings.csv"
    with fields_path.open("w", newline="", encoding="utf-8") as handle:
        _write_table(handle, FIELD_COLUMNS, fields)
    with codings_path.open("w", newline="", encoding="utf-8") as handle:
        _write_table(handle, CODING_COLUMNS, codings)
    return fields_path, codings_path


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the process exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("dictionary_csv", type=Path, help="full Data_Dictionary_Showcase.csv")
    parser.add_argument("codings_csv", type=Path, help="full Codings_Showcase.csv")
    parser.add_argument(
        "--out-dir", type=Path, default=Path(__file__).parent, help="where to write the subset"
    )
    args = parser.parse_args(argv)
    try:
        fields_path, codings_path = build_subset(
            args.dictionary_csv, args.codings_csv, out_dir=args.out_dir
        )
    except (OSError, ValueError, KeyError) as exc:
        print(f"build_subset: {exc}", file=sys.stderr)
        return 2
    for path in (fields_path, codings_path):
        print(f"wrote {path} ({path.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
