"""Values canonicalise the same however a leak spells them."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from matcher import canonical, linkkeys
from matcher.dictionary import load_dictionary
from matcher.schema import map_columns


@pytest.mark.parametrize(
    "spelling", ["2008-03-14", "14/03/2008", "2008年3月14日", "2008/03/14", "14.03.2008",
                 "2008-03-14 00:00:00", "39521"],
)  # fmt: skip
def test_dates(spelling: str) -> None:
    canon = canonical.parse_dates(pl.Series([spelling]))
    assert canon.valid.all() and canon.values[0] == 13952  # 2008-03-14


def test_numbers_keep_their_written_precision_and_round_half_away_from_zero() -> None:
    canon = canonical.parse_number_canon(pl.Series(["14.5", "14.53", "NA", "", "1,5"]))
    assert canon.decimals == 2
    assert canon.values[canon.valid].tolist() == [1450, 1453, 150]
    assert canonical.coarsen(np.array([1234, -1235, 1250]), 1).tolist() == [123, -124, 125]
    assert canonical.fixed_point(np.array([2.675, -0.5]), 2).tolist() == [268, -50]


@pytest.mark.parametrize("spelling", ["0", "Female", "female", "女", "F", "0.0"])
def test_sex_codes_and_meanings(spelling: str) -> None:
    d = load_dictionary()
    canon = canonical.parse_codes(pl.Series([spelling]), d.field_coding(31) or {}, 9)
    assert canon.valid.all() and canon.values[0] == 0


def test_icd10_spellings_and_sets_ignore_order() -> None:
    a = canonical.icd10_codes(pl.Series(["E119", "I10"]))
    b = canonical.icd10_codes(pl.Series(["I10", "E11.9 Non-insulin-dependent diabetes"]))
    assert canonical.set_codes([a]).values[0] != canonical.set_codes([a]).values[1]
    sa = canonical.set_codes([canonical.Canon(a.values[:1], a.valid[:1]),
                              canonical.Canon(a.values[1:], a.valid[1:])])  # fmt: skip
    sb = canonical.set_codes([canonical.Canon(b.values[1:], b.valid[1:]),
                              canonical.Canon(b.values[:1], b.valid[:1])])  # fmt: skip
    assert sa.values.tolist() == sb.values.tolist()


def test_list_cells_split_json_and_pipes() -> None:
    columns = canonical.list_cells(pl.Series("x", ['["I10","E119"]', None, "K573|I10"]))
    assert [c.to_list() for c in columns] == [["I10", None, "K573"], ["E119", None, "I10"]]


FAST_AND_FULL = {
    "30020-0.0": ["13.5", "12.25", "", "14.125", "nan", "9."],  # clean: the cheap parse
    "30080-0.0": ["2.5e2", " 312.5", "1,5", "NA", "1 234", "'7.25'"],  # needs the full parse
    "31-0.0": ["0", "1", "", "na", "1", "0"],
    "54-0.0": ["11001", "牛津", "Oxford", "11002.0", "", "x"],
    "53-0.0": ["2008-03-14", "2009-01-02", "", "2007-12-31", "2010-06-30", "2008-03-14"],
    "41280-0.0": ["2008-03-14", "14/03/2008", "", "2008年3月14日", "x", "2010-06-30"],
    "41270-0.0": ["E119", "I10 Essential", "", "'K57.3'", "na", "E11.9"],
}


def test_one_select_parse_equals_the_per_column_parsers() -> None:
    dictionary = load_dictionary()
    frame = pl.DataFrame(FAST_AND_FULL)
    fields = linkkeys.canonical_fields(frame, map_columns(frame.columns, dictionary), dictionary)
    expected = {
        30020: canonical.parse_number_canon(frame["30020-0.0"]),
        30080: canonical.parse_number_canon(frame["30080-0.0"]),
        31: canonical.parse_codes(frame["31-0.0"], dictionary.field_coding(31) or {}, 9),
        54: canonical.parse_codes(frame["54-0.0"], dictionary.field_coding(54) or {}, 10),
        53: canonical.parse_dates(frame["53-0.0"]),
        41280: canonical.earliest([canonical.parse_dates(frame["41280-0.0"])]),
        41270: canonical.set_codes([canonical.icd10_codes(frame["41270-0.0"])]),
    }
    assert set(fields) == set(expected)
    for field_id, canon in expected.items():
        got = fields[field_id]
        assert got.decimals == canon.decimals, field_id
        assert np.array_equal(got.valid, canon.valid), field_id
        assert np.array_equal(got.values[got.valid], canon.values[canon.valid]), field_id


def test_parse_numbers_of_an_empty_column() -> None:
    from matcher.canonical import parse_numbers

    values, valid, decimals = parse_numbers(pl.Series("x", [], dtype=pl.String))
    assert len(values) == 0 and len(valid) == 0 and decimals == 0


@pytest.mark.parametrize("rows", [0, 1, 2])
def test_one_select_parse_of_tiny_and_all_missing_tables(rows: int) -> None:
    dictionary = load_dictionary()
    frame = (
        pl.DataFrame(FAST_AND_FULL)
        .head(rows)
        .with_columns(
            pl.lit("", dtype=pl.String).alias("30000-0.0"),  # all missing
            pl.lit(None, dtype=pl.String).alias("30010-0.0"),  # empty
        )
    )
    fields = linkkeys.canonical_fields(frame, map_columns(frame.columns, dictionary), dictionary)
    assert 30000 not in fields and 30010 not in fields  # nothing to key on
    for column, field_id in (("30020-0.0", 30020), ("30080-0.0", 30080)):
        canon = canonical.parse_number_canon(frame[column])
        if canon.count == 0:
            assert field_id not in fields
            continue
        got = fields[field_id]
        assert got.decimals == canon.decimals
        assert np.array_equal(got.valid, canon.valid)
        assert np.array_equal(got.values[got.valid], canon.values[canon.valid])
