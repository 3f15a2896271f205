"""The UK Biobank dictionary loader: shipped subset, full Showcase files, and clear errors."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from matcher.dictionary import (
    DictionaryError,
    FieldInfo,
    load_dictionary,
    load_dictionary_dir,
)
from matcher.errors import MatchError
from matcher.ukb import build_subset
from matcher.ukb.subset import FIELD_IDS, ICD10_CODES

REPO = Path(__file__).resolve().parents[3]
SHIPPED = REPO / "matcher" / "ukb"
SHOWCASE = REPO.parent / "shared" / "ukb"
FULL_FIELDS = SHOWCASE / "Data_Dictionary_Showcase.csv"
FULL_CODINGS = SHOWCASE / "Codings_Showcase.csv"
needs_showcase = pytest.mark.skipif(
    not FULL_FIELDS.is_file() or not FULL_CODINGS.is_file(),
    reason=f"public Showcase files not found in {SHOWCASE}",
)

FIELDS_HEADER = "FieldID,Field,ValueType,Units,Coding,Instances,Array,Category\n"


def test_shipped_subset_has_every_listed_field() -> None:
    dictionary = load_dictionary()
    assert set(dictionary.fields) == set(FIELD_IDS)
    assert dictionary.title(31) == "Sex"
    assert dictionary.title(21022) == "Age at recruitment"
    assert dictionary.fields[41270] == FieldInfo(
        field_id=41270,
        title="Diagnoses - ICD10",
        value_type="Categorical multiple",
        units=None,
        coding=19,
        instances=1,
        array=213,
        category=2002,
    )
    assert dictionary.fields[30020].units == "grams/decilitre"
    assert dictionary.fields[30020].coding is None
    assert dictionary.fields[53].instances == 4


@pytest.mark.parametrize(
    ("coding", "value", "meaning"),
    [
        (9, 0, "Female"),
        (9, "1", "Male"),
        (8, 12, "December"),
        (10, 11001, "Manchester"),
        (10, 11023, "Wrexham"),
        (90, -3, "Prefer not to answer"),
        (100402, 1, "Daily or almost daily"),
        (100373, -10, "Less than one"),
        (19, "E119", "E11.9 Without complications"),
        (19, "I10", "I10 Essential (primary) hypertension"),
    ],
)
def test_meaning_of_real_codes(coding: int, value: str | int, meaning: str) -> None:
    assert load_dictionary().meaning(coding, value) == meaning


def test_unknown_lookups_are_none_not_errors() -> None:
    dictionary = load_dictionary()
    assert dictionary.title(999999) is None
    assert dictionary.meaning(10, 11015) is None  # no such centre
    assert dictionary.meaning(10, 11019) is None
    assert dictionary.meaning(123456, 1) is None
    assert dictionary.field_coding(34) is None
    assert dictionary.field_coding(31) == {"0": "Female", "1": "Male"}


def test_shipped_icd10_codes_are_exactly_the_generator_list() -> None:
    codes = load_dictionary().codings[19]
    assert set(codes) == set(ICD10_CODES)
    assert len(ICD10_CODES) == 300


def test_shipped_files_stay_small() -> None:
    for name in ("fields.csv", "codings.csv"):
        assert (SHIPPED / name).stat().st_size < 200_000


def test_dictionary_is_read_only() -> None:
    dictionary = load_dictionary()
    with pytest.raises(TypeError):
        dictionary.fields[1] = dictionary.fields[31]  # type: ignore[index]
    with pytest.raises(TypeError):
        dictionary.codings[9]["2"] = "Other"  # type: ignore[index]
    assert repr(dictionary) == "Dictionary(47 fields, 14 codings)"


@needs_showcase
def test_full_showcase_files_load() -> None:
    full = load_dictionary(FULL_FIELDS, FULL_CODINGS)
    assert len(full.fields) == 7460
    assert len(full.codings[19]) > 19000
    assert full.title(3) == "Verbal interview duration"


@needs_showcase
def test_shipped_subset_agrees_with_full_files() -> None:
    full = load_dictionary(FULL_FIELDS, FULL_CODINGS)
    subset = load_dictionary()
    for field_id, info in subset.fields.items():
        assert full.fields[field_id] == info
    for coding, values in subset.codings.items():
        assert dict(values).items() <= dict(full.codings[coding]).items()
        if coding != 19:
            assert dict(values) == dict(full.codings[coding])


@needs_showcase
def test_build_subset_reproduces_the_shipped_files(tmp_path: Path) -> None:
    assert build_subset.main([str(FULL_FIELDS), str(FULL_CODINGS), "--out-dir", str(tmp_path)]) == 0
    for name in ("fields.csv", "codings.csv"):
        assert (tmp_path / name).read_bytes() == (SHIPPED / name).read_bytes(), name


def test_build_subset_refuses_missing_fields(tmp_path: Path) -> None:
    fields = tmp_path / "dict.csv"
    fields.write_text(FIELDS_HEADER + "31,Sex,Categorical single,,9,1,1,100094\n")
    codings = tmp_path / "codings.csv"
    codings.write_text("Coding,Value,Meaning\n9,0,Female\n")
    assert build_subset.main([str(fields), str(codings), "--out-dir", str(tmp_path / "o")]) == 2
    assert not (tmp_path / "o").exists()


def test_tab_separated_files_load(tmp_path: Path) -> None:
    fields = tmp_path / "Data_Dictionary_Showcase.tsv"
    fields.write_text(
        "FieldID\tField\tValueType\tUnits\tCoding\tInstances\tArray\tCategory\tNotes\n"
        "31\tSex\tCategorical single\t\t9\t1\t1\t100094\tGenetic, or reported, sex\n"
    )
    codings = tmp_path / "Codings.tsv"
    codings.write_text("Coding\tValue\tMeaning\n9\t0\tFemale\n9\t1\tMale\n")
    dictionary = load_dictionary_dir(tmp_path)
    assert dictionary.title(31) == "Sex"
    assert dictionary.meaning(9, 1) == "Male"


def test_load_dictionary_dir_finds_subset_files(tmp_path: Path) -> None:
    for name in ("fields.csv", "codings.csv"):
        (tmp_path / name).write_bytes((SHIPPED / name).read_bytes())
    assert set(load_dictionary_dir(tmp_path).fields) == set(FIELD_IDS)


def test_load_dictionary_dir_without_files(tmp_path: Path) -> None:
    with pytest.raises(DictionaryError, match=re.escape("Data_Dictionary_Showcase.csv")):
        load_dictionary_dir(tmp_path)
    with pytest.raises(DictionaryError, match="not found"):
        load_dictionary_dir(tmp_path / "nope")


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("fields_text", "message"),
    [
        ("FieldID,Field\n31,Sex\n", "missing column"),
        (FIELDS_HEADER + "x31,Sex,Integer,,,1,1,1\n", "line 2: FieldID is not an integer"),
        (FIELDS_HEADER + "31,Sex,Integer,,nine,1,1,1\n", "Coding is not an integer"),
        (FIELDS_HEADER + "31,Sex,Integer,,,1,1,1\n31,Sex,Integer,,,1,1,1\n", "listed twice"),
        (FIELDS_HEADER, "no fields"),
        ("", "missing column"),
    ],
)
def test_bad_fields_file(tmp_path: Path, fields_text: str, message: str) -> None:
    path = _write(tmp_path / "fields.csv", fields_text)
    with pytest.raises(DictionaryError, match=message) as info:
        load_dictionary(path)
    assert str(path) in str(info.value)


@pytest.mark.parametrize(
    ("codings_text", "message"),
    [
        ("Coding,Value\n9,0\n", "missing column"),
        ("Coding,Value,Meaning\nnine,0,Female\n", "Coding is not an integer"),
        ("Coding,Value,Meaning\n9,,Female\n", "empty value"),
        ("Coding,Value,Meaning\n", "no codings"),
    ],
)
def test_bad_codings_file(tmp_path: Path, codings_text: str, message: str) -> None:
    path = _write(tmp_path / "codings.csv", codings_text)
    with pytest.raises(DictionaryError, match=message):
        load_dictionary(codings_csv=path)


def test_missing_file_is_a_match_error(tmp_path: Path) -> None:
    missing = tmp_path / "absent.csv"
    with pytest.raises(MatchError, match=re.escape(f"dictionary file not found: {missing}")):
        load_dictionary(missing)


def test_undecodable_file(tmp_path: Path) -> None:
    path = tmp_path / "fields.csv"
    path.write_bytes(b"FieldID,Field\n\xff\xfe\xfa\n")
    with pytest.raises(DictionaryError, match="cannot read"):
        load_dictionary(path)


def test_shipped_fields_file_is_plain_csv() -> None:
    with (SHIPPED / "fields.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [int(row["FieldID"]) for row in rows] == sorted(FIELD_IDS)
