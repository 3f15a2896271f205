"""The UK Biobank data dictionary: field titles, value types and codings, as plain values.

:func:`load_dictionary` reads the curated subset shipped in ``matcher/ukb/`` by default, or the
full public Showcase files (``Data_Dictionary_Showcase.csv`` / ``Codings_Showcase.csv``, comma- or
tab-separated) from paths the caller gives. Lookups that find nothing return ``None``; only a
missing or malformed file raises :class:`DictionaryError`. Pure: reads the files it is handed and
nothing else.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from types import MappingProxyType

from matcher.errors import MatchError

FIELDS_FILE = "fields.csv"
CODINGS_FILE = "codings.csv"
SHOWCASE_FIELDS_FILE = "Data_Dictionary_Showcase.csv"
SHOWCASE_CODINGS_FILE = "Codings_Showcase.csv"
FIELD_COLUMNS = (
    "FieldID",
    "Field",
    "ValueType",
    "Units",
    "Coding",
    "Instances",
    "Array",
    "Category",
)
CODING_COLUMNS = ("Coding", "Value", "Meaning")


class DictionaryError(MatchError):
    """A dictionary or codings file is missing, unreadable or malformed."""


@dataclass(frozen=True)
class FieldInfo:
    """One UK Biobank data field as the Showcase describes it."""

    field_id: int
    title: str
    value_type: str
    units: str | None
    coding: int | None
    instances: int
    array: int
    category: int

    @property
    def is_categorical(self) -> bool:
        """True for "Categorical single" and "Categorical multiple" fields."""
        return self.value_type.startswith("Categorical")


@dataclass(frozen=True)
class Dictionary:
    """Fields by id and codings by id (each a mapping of value string to meaning)."""

    fields: Mapping[int, FieldInfo] = field(repr=False)
    codings: Mapping[int, Mapping[str, str]] = field(repr=False)

    def __repr__(self) -> str:
        return f"Dictionary({len(self.fields)} fields, {len(self.codings)} codings)"

    def title(self, field_id: int) -> str | None:
        """The field's Showcase title (``31`` -> ``"Sex"``), or None for an unknown field."""
        info = self.fields.get(field_id)
        return info.title if info is not None else None

    def meaning(self, coding: int, value: str | int) -> str | None:
        """What ``value`` means in ``coding`` (``meaning(9, 0)`` -> ``"Female"``), or None."""
        values = self.codings.get(coding)
        if values is None:
            return None
        return values.get(str(value))

    def field_coding(self, field_id: int) -> Mapping[str, str] | None:
        """The value -> meaning mapping of the field's coding, or None if it has none."""
        info = self.fields.get(field_id)
        if info is None or info.coding is None:
            return None
        return self.codings.get(info.coding)


def load_dictionary(fields_csv: Path | None = None, codings_csv: Path | None = None) -> Dictionary:
    """Load the dictionary; each file defaults to the subset shipped in ``matcher/ukb/``."""
    fields_text = _read_text(fields_csv, FIELDS_FILE)
    codings_text = _read_text(codings_csv, CODINGS_FILE)
    fields_name = str(fields_csv) if fields_csv is not None else f"matcher/ukb/{FIELDS_FILE}"
    codings_name = str(codings_csv) if codings_csv is not None else f"matcher/ukb/{CODINGS_FILE}"
    return Dictionary(
        fields=MappingProxyType(_parse_fields(fields_text, fields_name)),
        codings=MappingProxyType(_parse_codings(codings_text, codings_name)),
    )


def load_dictionary_dir(directory: Path) -> Dictionary:
    """Load the dictionary from a folder holding the Showcase files or a subset's CSVs.

    Looks for ``Data_Dictionary_Showcase.csv``/``.tsv`` then ``fields.csv``, and for
    ``Codings_Showcase.csv``/``Codings.tsv``/``.tsv`` then ``codings.csv``.
    """
    if not directory.is_dir():
        raise DictionaryError(f"dictionary folder not found: {directory}")
    fields_csv = _first_existing(
        directory, (SHOWCASE_FIELDS_FILE, "Data_Dictionary_Showcase.tsv", FIELDS_FILE)
    )
    codings_csv = _first_existing(
        directory, (SHOWCASE_CODINGS_FILE, "Codings_Showcase.tsv", "Codings.tsv", CODINGS_FILE)
    )
    return load_dictionary(fields_csv, codings_csv)


def _first_existing(directory: Path, names: tuple[str, ...]) -> Path:
    for name in names:
        candidate = directory / name
        if candidate.is_file():
            return candidate
    raise DictionaryError(f"no {' or '.join(names)} in {directory}")


def _read_text(path: Path | None, shipped_name: str) -> str:
    try:
        if path is None:
            return (resources.files("matcher") / "ukb" / shipped_name).read_text(
                encoding="utf-8-sig"
            )
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as exc:
        raise DictionaryError(f"dictionary file not found: {path or shipped_name}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise DictionaryError(f"cannot read dictionary file {path or shipped_name}: {exc}") from exc


def _rows(text: str, name: str, required: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line else ","
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = [column.strip() for column in reader.fieldnames or ()]
    missing = [column for column in required if column not in header]
    if missing:
        raise DictionaryError(f"{name}: missing column(s) {', '.join(missing)}")
    reader.fieldnames = header
    try:
        for row in reader:
            yield reader.line_num, row
    except csv.Error as exc:
        raise DictionaryError(f"{name}: line {reader.line_num}: {exc}") from exc


def _int(value: str | None, *, name: str, line: int, column: str) -> int:
    try:
        return int((value or "").strip())
    except ValueError:
        message = f"{name}: line {line}: {column} is not an integer: {value!r}"
        raise DictionaryError(message) from None


def _parse_fields(text: str, name: str) -> dict[int, FieldInfo]:
    fields: dict[int, FieldInfo] = {}
    for line, row in _rows(text, name, FIELD_COLUMNS):
        field_id = _int(row["FieldID"], name=name, line=line, column="FieldID")
        if field_id in fields:
            raise DictionaryError(f"{name}: line {line}: field {field_id} listed twice")
        coding = (row["Coding"] or "").strip()
        units = (row["Units"] or "").strip()
        fields[field_id] = FieldInfo(
            field_id=field_id,
            title=(row["Field"] or "").strip(),
            value_type=(row["ValueType"] or "").strip(),
            units=units or None,
            coding=_int(coding, name=name, line=line, column="Coding") if coding else None,
            instances=_int(row["Instances"], name=name, line=line, column="Instances"),
            array=_int(row["Array"], name=name, line=line, column="Array"),
            category=_int(row["Category"], name=name, line=line, column="Category"),
        )
    if not fields:
        raise DictionaryError(f"{name}: no fields")
    return fields


def _parse_codings(text: str, name: str) -> dict[int, Mapping[str, str]]:
    codings: dict[int, dict[str, str]] = {}
    for line, row in _rows(text, name, CODING_COLUMNS):
        coding = _int(row["Coding"], name=name, line=line, column="Coding")
        value = (row["Value"] or "").strip()
        if not value:
            raise DictionaryError(f"{name}: line {line}: empty value in coding {coding}")
        codings.setdefault(coding, {})[value] = (row["Meaning"] or "").strip()
    if not codings:
        raise DictionaryError(f"{name}: no codings")
    return {coding: MappingProxyType(values) for coding, values in codings.items()}
