"""The synthetic cohort: reproducible, self-consistent, real codes, realistic gaps."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from cohortwatch.errors import UsageError
from cohortwatch.synth import generate_cohort, sample_rows, write_cohort
from cohortwatch.synth.schema import parse_column
from matcher.dictionary import Dictionary, load_dictionary

ROWS = 20_000
SEED = 2026
ICD = [f"41270-0.{j}" for j in range(8)]
ICD_DATES = [f"41280-0.{j}" for j in range(8)]
BLOOD = [30000, 30010, 30020, 30030, 30040, 30050, 30080, 30120, 30130, 30140]
BIOCHEMISTRY = [30600, 30610, 30620, 30650, 30670, 30690, 30700, 30710, 30740, 30750, 30760]
BIOCHEMISTRY += [30780, 30870, 30880]


@pytest.fixture(scope="module")
def dictionary() -> Dictionary:
    return load_dictionary()


@pytest.fixture(scope="module")
def cohort(dictionary: Dictionary) -> pl.DataFrame:
    return generate_cohort(rows=ROWS, seed=SEED, dictionary=dictionary)


def col(cohort: pl.DataFrame, field_id: int) -> pl.Series:
    return cohort.get_column(f"{field_id}-0.0")


def test_shape_and_column_order(cohort: pl.DataFrame, dictionary: Dictionary) -> None:
    assert cohort.height == ROWS
    assert cohort.columns[0] == "eid"
    ids = [parse_column(name) for name in cohort.columns[1:]]
    assert all(column is not None for column in ids)
    keys = [(c.field_id, c.instance, c.array) for c in ids if c is not None]
    assert keys == sorted(keys)
    assert {key[0] for key in keys} == set(dictionary.fields)
    assert cohort.columns[-16:] == ICD + ICD_DATES
    assert cohort.schema["53-0.0"] == pl.Date
    assert cohort.schema["41270-0.0"] == pl.String
    assert cohort.schema["30020-0.0"] == pl.Float64
    assert cohort.schema["31-0.0"] == pl.Int64


def test_eids_are_unique_sorted_seven_digit_numbers(cohort: pl.DataFrame) -> None:
    eids = cohort.get_column("eid")
    assert eids.n_unique() == ROWS
    assert eids.is_sorted()
    assert eids.min() >= 1_000_000 and eids.max() <= 6_026_000


def test_same_seed_same_bytes_different_seed_differs(
    tmp_path: Path, dictionary: Dictionary
) -> None:
    paths = []
    for name, seed in (("a", 11), ("b", 11), ("c", 12)):
        frame = generate_cohort(rows=3_000, seed=seed, dictionary=dictionary)
        paths.append(
            write_cohort(frame, style="ukbconv", path=tmp_path / name, dictionary=dictionary)
        )
    a, b, c = (path.read_bytes() for path in paths)
    assert a == b
    assert a != c
    assert a.splitlines()[1] != c.splitlines()[1]


def test_same_bytes_in_another_process(tmp_path: Path, dictionary: Dictionary) -> None:
    here = tmp_path / "here.tsv"
    write_cohort(
        generate_cohort(rows=1_000, seed=5, dictionary=dictionary),
        style="readable",
        path=here,
        dictionary=dictionary,
    )
    there = tmp_path / "there.tsv"
    script = (
        "import sys; from pathlib import Path; from matcher.dictionary import load_dictionary; "
        "from cohortwatch.synth import generate_cohort, write_cohort; d = load_dictionary(); "
        "write_cohort(generate_cohort(rows=1000, seed=5, dictionary=d), style='readable', "
        "path=Path(sys.argv[1]), dictionary=d)"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    subprocess.run([sys.executable, "-c", script, str(there)], check=True, env=env, timeout=60)
    assert here.read_bytes() == there.read_bytes()


def test_birth_and_visit_dates(cohort: pl.DataFrame) -> None:
    years = col(cohort, 34)
    assert years.min() >= 1934 and years.max() <= 1971
    visits = col(cohort, 53)
    assert visits.min() >= date(2006, 3, 13) and visits.max() <= date(2010, 10, 1)
    assert visits.null_count() == 0
    assert (visits.dt.weekday() == 7).sum() == 0  # no Sunday clinics
    assert set(col(cohort, 52).unique().to_list()) == set(range(1, 13))


def test_age_follows_birth_and_visit(cohort: pl.DataFrame) -> None:
    visits = col(cohort, 53)
    later_birthday = (col(cohort, 52) > visits.dt.month()).cast(pl.Int64)
    expected = visits.dt.year().cast(pl.Int64) - col(cohort, 34) - later_birthday
    assert (col(cohort, 21022) == expected).all()
    ages = col(cohort, 21022)
    assert ages.min() >= 40 and ages.max() <= 70
    assert 54 < ages.mean() < 59


def test_sex_specific_blood_values(cohort: pl.DataFrame) -> None:
    by_sex = cohort.group_by("31-0.0").agg(
        pl.col("30020-0.0").mean().alias("hb"),
        pl.col("30030-0.0").mean().alias("hct"),
        pl.col("30010-0.0").mean().alias("rbc"),
        pl.col("30700-0.0").mean().alias("creatinine"),
        pl.col("30880-0.0").mean().alias("urate"),
    )
    female = by_sex.filter(pl.col("31-0.0") == 0).row(0, named=True)
    male = by_sex.filter(pl.col("31-0.0") == 1).row(0, named=True)
    assert 1.2 < male["hb"] - female["hb"] < 1.8
    assert 13.0 < female["hb"] < 14.0
    assert male["hct"] > female["hct"] + 3
    assert male["rbc"] > female["rbc"] + 0.3
    assert male["creatinine"] > female["creatinine"] + 10
    assert male["urate"] > female["urate"] + 60
    assert 0.40 < col(cohort, 31).mean() < 0.50


def test_blood_indices_hang_together(cohort: pl.DataFrame) -> None:
    full = cohort.drop_nulls([f"{f}-0.0" for f in BLOOD])
    mcv = full.get_column("30030-0.0") * 10 / full.get_column("30010-0.0")
    assert (mcv - full.get_column("30040-0.0")).abs().max() < 0.5
    differential = sum(full.get_column(f"{f}-0.0") for f in (30120, 30130, 30140))
    assert (full.get_column("30000-0.0") > differential).mean() > 0.99
    ldl, total = full.get_column("30780-0.0"), full.get_column("30690-0.0")
    assert np.corrcoef(ldl.fill_null(3.5), total.fill_null(5.7))[0, 1] > 0.6


def test_work_questions_only_for_the_employed(cohort: pl.DataFrame) -> None:
    missing = [col(cohort, f).is_null() for f in (806, 816, 826)]
    assert (missing[0] == missing[1]).all() and (missing[0] == missing[2]).all()
    assert 0.3 < missing[0].mean() < 0.5
    employed_age = cohort.filter(col(cohort, 806).is_not_null()).get_column("21022-0.0").mean()
    assert employed_age < col(cohort, 21022).mean()


def test_every_categorical_value_is_a_real_code(
    cohort: pl.DataFrame, dictionary: Dictionary
) -> None:
    checked = 0
    for name in cohort.columns[1:]:
        column = parse_column(name)
        assert column is not None
        info = dictionary.fields[column.field_id]
        coding = dictionary.field_coding(column.field_id)
        if coding is None:
            continue
        values = {str(v) for v in cohort.get_column(name).drop_nulls().unique().to_list()}
        if info.is_categorical:
            unknown = values - set(coding)
        else:  # integer fields whose coding lists only the special (negative) answers
            unknown = {v for v in values if v.startswith("-")} - set(coding)
        assert not unknown, f"{name}: {sorted(unknown)[:5]} not in coding {info.coding}"
        for special in ("-1", "-3"):
            if special in coding and name != "41270-0.0":
                assert special in values, f"{name} never uses {special} ({coding[special]})"
        checked += 1
    assert checked >= 20


def test_assessment_centres(cohort: pl.DataFrame) -> None:
    centres = set(col(cohort, 54).unique().to_list())
    assert centres <= set(range(11001, 11024)) - {11015, 11019}
    assert len(centres) == 21


def test_neuroticism_score(cohort: pl.DataFrame) -> None:
    score = col(cohort, 20127)
    assert score.min() >= 0 and score.max() <= 12
    women = score.filter(col(cohort, 31) == 0).mean()
    men = score.filter(col(cohort, 31) == 1).mean()
    assert women > men


def test_diagnoses_are_distinct_sorted_and_dated(cohort: pl.DataFrame) -> None:
    codes = cohort.select(ICD).rows()
    dates = cohort.select(ICD_DATES).rows()
    counts = []
    for row_codes, row_dates in zip(codes, dates, strict=True):
        present = [c for c in row_codes if c is not None]
        counts.append(len(present))
        assert list(row_codes[: len(present)]) == present  # packed to the front
        assert present == sorted(set(present))
        assert [d is not None for d in row_dates] == [c is not None for c in row_codes]
    counts_array = np.asarray(counts)
    assert 0.35 < (counts_array == 0).mean() < 0.7
    assert counts_array.max() == 8
    assert set(np.unique(counts_array)) == set(range(9))
    first_dates = cohort.get_column("41280-0.0").drop_nulls()
    assert first_dates.min() >= date(1996, 4, 1) and first_dates.max() <= date(2022, 10, 31)
    assert "I10" in cohort.select(pl.concat_list(ICD).explode()).to_series().to_list()


def test_diabetics_have_high_hba1c_and_e119(cohort: pl.DataFrame) -> None:
    has_e119 = pl.any_horizontal([pl.col(c) == "E119" for c in ICD]).fill_null(False)
    with_code = cohort.filter(has_e119).get_column("30750-0.0").mean()
    without = cohort.filter(~has_e119).get_column("30750-0.0").mean()
    assert with_code > without + 5


@pytest.mark.parametrize(
    ("field_ids", "low", "high"),
    [
        ([189], 0.0002, 0.005),
        (BLOOD, 0.03, 0.07),
        ([30610, 30620, 30650, 30670, 30690, 30700, 30710, 30780, 30870, 30880], 0.05, 0.09),
        ([30750], 0.08, 0.14),
        ([30600, 30740, 30760], 0.10, 0.17),
        ([20127], 0.15, 0.25),
        ([31, 34, 52, 53, 54, 21022], 0.0, 0.0),
    ],
)
def test_missingness_rates(
    cohort: pl.DataFrame, field_ids: list[int], low: float, high: float
) -> None:
    for field_id in field_ids:
        rate = col(cohort, field_id).null_count() / cohort.height
        assert low <= rate <= high, f"field {field_id}: {rate:.4f} missing"


def test_blood_sample_missing_as_a_whole(cohort: pl.DataFrame) -> None:
    nulls = cohort.select([pl.col(f"{f}-0.0").is_null() for f in BLOOD])
    all_missing = nulls.select(pl.all_horizontal(pl.all())).to_series().sum()
    any_missing = nulls.select(pl.any_horizontal(pl.all())).to_series().sum()
    assert all_missing / any_missing > 0.8


def test_sample_rows_is_a_reproducible_subset(cohort: pl.DataFrame) -> None:
    first = sample_rows(cohort, rows=25, seed=1)
    assert first.height == 25
    assert first.equals(sample_rows(cohort, rows=25, seed=1))
    assert not first.equals(sample_rows(cohort, rows=25, seed=2))
    assert first.get_column("eid").is_sorted()
    assert set(first.get_column("eid")) <= set(cohort.get_column("eid"))
    assert first.schema == cohort.schema


@pytest.mark.parametrize("rows", [0, -1, ROWS + 1])
def test_sample_rows_refuses_impossible_sizes(cohort: pl.DataFrame, rows: int) -> None:
    with pytest.raises(UsageError, match="cannot sample"):
        sample_rows(cohort, rows=rows, seed=1)


@pytest.mark.parametrize(
    ("rows", "seed", "message"),
    [(0, 1, "rows must be positive"), (-5, 1, "rows must be positive"), (10, -1, "seed")],
)
def test_generate_refuses_bad_arguments(
    dictionary: Dictionary, rows: int, seed: int, message: str
) -> None:
    with pytest.raises(UsageError, match=message):
        generate_cohort(rows=rows, seed=seed, dictionary=dictionary)


def test_generate_refuses_a_dictionary_without_the_codes(dictionary: Dictionary) -> None:
    codings = dict(dictionary.codings)
    codings[100402] = {"1": "Daily or almost daily"}
    broken = Dictionary(fields=dictionary.fields, codings=codings)
    with pytest.raises(UsageError, match="coding 100402"):
        generate_cohort(rows=10, seed=1, dictionary=broken)


def test_tiny_cohort(dictionary: Dictionary) -> None:
    one = generate_cohort(rows=1, seed=0, dictionary=dictionary)
    assert one.height == 1
    assert one.width == 62
