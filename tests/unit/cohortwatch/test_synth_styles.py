"""The five header styles: headers parse back to the same fields, values are written UKB-style."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import polars as pl
import pytest

from cohortwatch.errors import UsageError
from cohortwatch.synth import STYLES, format_cohort, generate_cohort, sample_rows, write_cohort
from cohortwatch.synth.schema import DECIMALS
from cohortwatch.synth.styles import column_header, snake_case
from matcher.dictionary import Dictionary, load_dictionary

REPO = Path(__file__).resolve().parents[3]
Key = tuple[int, int, int | None]  # field, instance, array (None: rap, arrays share one cell)


@pytest.fixture(scope="module")
def dictionary() -> Dictionary:
    return load_dictionary()


@pytest.fixture(scope="module")
def cohort(dictionary: Dictionary) -> pl.DataFrame:
    return generate_cohort(rows=5_000, seed=99, dictionary=dictionary)


@pytest.fixture(scope="module")
def ukbconv_rows(cohort: pl.DataFrame, dictionary: Dictionary) -> list[dict[str, str]]:
    return read_back(format_cohort(cohort, style="ukbconv", dictionary=dictionary), "ukbconv")


@pytest.fixture(scope="module")
def titles() -> dict[str, int]:
    """Title -> field id, read straight from the shipped CSV (not through the loader)."""
    with (REPO / "matcher" / "ukb" / "fields.csv").open(newline="", encoding="utf-8") as handle:
        return {row["Field"]: int(row["FieldID"]) for row in csv.DictReader(handle)}


def header_key(style: str, header: str, titles: dict[str, int]) -> Key | str:
    """What a header names, parsed the way a reader of that style would: "eid" or a key."""
    if header in ("eid", "f.eid", "Participant ID"):
        return "eid"
    patterns = {
        "ukbconv": r"(\d+)-(\d+)\.(\d+)",
        "r": r"f\.(\d+)\.(\d+)\.(\d+)",
        "readable": r"[a-z0-9_]+_f(\d+)_(\d+)_(\d+)",
        "rap": r"p(\d+)(?:_i(\d+))?()",
    }
    if style in patterns:
        match = re.fullmatch(patterns[style], header)
        assert match, f"{style}: unexpected header {header!r}"
        array = int(match.group(3)) if match.group(3) else None
        return int(match.group(1)), int(match.group(2) or 0), array
    title, *suffixes = header.split(" | ")
    parts = dict(suffix.split(" ") for suffix in suffixes)
    return titles[title], int(parts.get("Instance", 0)), int(parts.get("Array", 0))


def read_back(text: str, style: str) -> list[dict[str, str]]:
    delimiter = "\t" if style == "r" else ","
    return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter))


def canonical_key(name: str, *, whole_arrays: bool) -> Key | str:
    if name == "eid":
        return "eid"
    field_part, rest = name.split("-")
    instance, array = rest.split(".")
    return int(field_part), int(instance), None if whole_arrays else int(array)


@pytest.mark.parametrize("style", STYLES)
def test_headers_parse_back_to_the_same_fields(
    style: str, cohort: pl.DataFrame, dictionary: Dictionary, titles: dict[str, int]
) -> None:
    text = format_cohort(cohort.head(50), style=style, dictionary=dictionary)
    header = next(csv.reader(io.StringIO(text), delimiter="\t" if style == "r" else ","))
    parsed = [header_key(style, h, titles) for h in header]
    expected = list(
        dict.fromkeys(canonical_key(n, whole_arrays=style == "rap") for n in cohort.columns)
    )
    assert parsed == expected
    assert len(set(header)) == len(header)


@pytest.mark.parametrize(
    ("style", "start"),
    [
        ("ukbconv", '"eid","31-0.0","34-0.0","52-0.0","53-0.0","54-0.0","189-0.0",'),
        ("r", "f.eid\tf.31.0.0\tf.34.0.0\tf.52.0.0\tf.53.0.0\tf.54.0.0\tf.189.0.0\t"),
        ("readable", "eid,sex_f31_0_0,year_of_birth_f34_0_0,month_of_birth_f52_0_0,"),
        ("rap", "eid,p31,p34,p52,p53_i0,p54_i0,p189,p806_i0,"),
        ("titles", "Participant ID,Sex,Year of birth,Month of birth,"),
    ],
)
def test_header_spelling(
    style: str, start: str, cohort: pl.DataFrame, dictionary: Dictionary
) -> None:
    text = format_cohort(cohort.head(3), style=style, dictionary=dictionary)
    assert text.startswith(start)


def test_rap_and_titles_array_headers(dictionary: Dictionary) -> None:
    assert column_header("41270-0.3", style="rap", dictionary=dictionary) == "p41270"
    assert column_header("41270-0.3", style="titles", dictionary=dictionary) == (
        "Diagnoses - ICD10 | Array 3"
    )
    assert column_header("53-0.0", style="titles", dictionary=dictionary) == (
        "Date of attending assessment centre | Instance 0"
    )
    assert column_header("41280-0.1", style="readable", dictionary=dictionary) == (
        "date_of_first_inpatient_diagnosis_icd10_f41280_0_1"
    )


@pytest.mark.parametrize(
    ("title", "name"),
    [
        ("Sex", "sex"),
        ("Sleeplessness / insomnia", "sleeplessness_insomnia"),
        ("Morning/evening person (chronotype)", "morningevening_person_chronotype"),
        ("Alcohol intake frequency.", "alcohol_intake_frequency"),
        ("Diagnoses - ICD10", "diagnoses_icd10"),
        ("Seen doctor (GP) for nerves, anxiety, tension or depression",
         "seen_doctor_gp_for_nerves_anxiety_tension_or_depression"),
    ],
)  # fmt: skip
def test_snake_case_follows_ukbtools(title: str, name: str) -> None:
    assert snake_case(title) == name


def test_ukbconv_quotes_every_cell(cohort: pl.DataFrame, dictionary: Dictionary) -> None:
    text = format_cohort(cohort.head(200), style="ukbconv", dictionary=dictionary)
    for line in text.splitlines():
        cells = line.split('","')
        assert line.startswith('"') and line.endswith('"')
        assert len(cells) == cohort.width
    assert '""' in text  # missing values


def test_r_style_writes_na_for_missing(cohort: pl.DataFrame, dictionary: Dictionary) -> None:
    rows = read_back(format_cohort(cohort.head(200), style="r", dictionary=dictionary), "r")
    assert all("" not in row.values() for row in rows)
    assert any(row["f.41270.0.7"] == "NA" for row in rows)


@pytest.mark.parametrize("field_id", sorted(DECIMALS))
def test_precision_per_field(field_id: int, ukbconv_rows: list[dict[str, str]]) -> None:
    values = [row[f"{field_id}-0.0"] for row in ukbconv_rows if row[f"{field_id}-0.0"]]
    decimals = [len(v.split(".")[1]) if "." in v else 0 for v in values]
    assert max(decimals) == DECIMALS[field_id]
    assert all(not v.endswith(".0") and re.fullmatch(r"-?\d+(\.\d*[1-9])?", v) for v in values)


def test_integers_dates_and_icd_codes_are_written_plainly(
    ukbconv_rows: list[dict[str, str]],
) -> None:
    rows = ukbconv_rows
    assert all(re.fullmatch(r"\d{4}", row["34-0.0"]) for row in rows)
    assert all(re.fullmatch(r"20(0[6-9]|10)-\d\d-\d\d", row["53-0.0"]) for row in rows)
    codes = {row["41270-0.0"] for row in rows} - {""}
    assert all(re.fullmatch(r"[A-Z]\d{2,4}", code) for code in codes)
    assert {"I10", "E119"} <= {row[f"41270-0.{j}"] for row in rows for j in range(8)}


def test_readable_writes_meanings(cohort: pl.DataFrame, dictionary: Dictionary) -> None:
    rows = read_back(format_cohort(cohort, style="readable", dictionary=dictionary), "readable")
    assert {row["sex_f31_0_0"] for row in rows} == {"Female", "Male"}
    assert {row["smoking_status_f20116_0_0"] for row in rows} - {""} == {
        "Never",
        "Previous",
        "Current",
        "Prefer not to answer",
    }
    centres = {row["uk_biobank_assessment_centre_f54_0_0"] for row in rows}
    assert {"Manchester", "Wrexham", "Barts"} <= centres
    assert {row["month_of_birth_f52_0_0"] for row in rows} >= {"January", "December"}
    diagnoses = {row["diagnoses_icd10_f41270_0_0"] for row in rows} - {""}
    assert "E11.9 Without complications" in diagnoses
    # integer fields stay numbers; dates stay dates
    assert all(re.fullmatch(r"\d{4}", row["year_of_birth_f34_0_0"]) for row in rows)
    assert {row["sleep_duration_f1160_0_0"] for row in rows} >= {"7", "-1", "-3"}


def test_rap_arrays_are_json_lists_aligned_with_dates(
    cohort: pl.DataFrame, dictionary: Dictionary
) -> None:
    rows = read_back(format_cohort(cohort, style="rap", dictionary=dictionary), "rap")
    icd = cohort.select([f"41270-0.{j}" for j in range(8)]).rows()
    dates = cohort.select([f"41280-0.{j}" for j in range(8)]).rows()
    for row, codes, when in zip(rows, icd, dates, strict=True):
        expected = [c for c in codes if c is not None]
        if not expected:
            assert row["p41270"] == "" and row["p41280"] == ""
            continue
        assert json.loads(row["p41270"]) == expected
        assert json.loads(row["p41280"]) == [d.isoformat() for d in when if d is not None]


def test_eids_survive_every_style(cohort: pl.DataFrame, dictionary: Dictionary) -> None:
    sample = sample_rows(cohort, rows=20, seed=3)
    eids = [str(e) for e in sample.get_column("eid")]
    for style in STYLES:
        rows = read_back(format_cohort(sample, style=style, dictionary=dictionary), style)
        first = next(iter(rows[0]))
        assert [row[first] for row in rows] == eids, style


def test_write_cohort_matches_format_cohort(
    tmp_path: Path, cohort: pl.DataFrame, dictionary: Dictionary
) -> None:
    small = cohort.head(100)
    for style in STYLES:
        path = write_cohort(
            small, style=style, path=tmp_path / f"{style}.txt", dictionary=dictionary
        )
        assert path.read_text(encoding="utf-8") == format_cohort(
            small, style=style, dictionary=dictionary
        )


def test_unknown_style_and_unwritable_path(
    tmp_path: Path, cohort: pl.DataFrame, dictionary: Dictionary
) -> None:
    with pytest.raises(UsageError, match="unknown style 'sas'"):
        format_cohort(cohort.head(1), style="sas", dictionary=dictionary)
    with pytest.raises(UsageError, match="cannot write"):
        write_cohort(
            cohort.head(1), style="rap", path=tmp_path / "no" / "x.csv", dictionary=dictionary
        )


def test_columns_outside_the_dictionary_are_refused(dictionary: Dictionary) -> None:
    frame = pl.DataFrame({"eid": [1000001], "50-0.0": [170.0]})
    assert format_cohort(frame, style="ukbconv", dictionary=dictionary).startswith('"eid","50-0.0"')
    with pytest.raises(UsageError, match="field 50 is not in the dictionary"):
        format_cohort(frame, style="titles", dictionary=dictionary)
    with pytest.raises(UsageError, match="not a cohort column"):
        format_cohort(pl.DataFrame({"height": [1]}), style="r", dictionary=dictionary)
