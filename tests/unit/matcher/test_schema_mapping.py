"""Headers in every UK Biobank style map to the right field, instance and array index."""

from __future__ import annotations

import pytest

from matcher.dictionary import load_dictionary
from matcher.schema import map_column, map_columns, mapped_fields

CASES = [
    ("eid", "eid"), ("f.eid", "eid"), ("Participant ID", "eid"), ("参与者编号", "eid"),
    ("31-0.0", "31-0.0"), ("41270-0.3", "41270-0.3"), ("f.31.0.0", "31-0.0"),
    ("X53.0.0", "53-0.0"), ("sex_f31_0_0", "31-0.0"),
    ("haemoglobin_concentration_f30020_0_0", "30020-0.0"), ("p31", "31-0.0"),
    ("p53_i0", "53-0.0"), ("p41270", "41270-0.*"), ("p41270_a3", "41270-0.3"),
    ("participant.p21022", "21022-0.0"), ("Sex", "31-0.0"),
    ("Date of attending assessment centre | Instance 0", "53-0.0"),
    ("Diagnoses - ICD10 | Array 3", "41270-0.3"), ("Diagnoses - ICD10 [0.3]", "41270-0.3"),
    ("性别", "31-0.0"), ("血小板计数", "30080-0.0"), ("ICD10诊断 [0.2]", "41270-0.2"),
    ("  \ufeffAlcohol intake frequency  ", "1558-0.0"),
    ("townsend_deprivation_index_at_recruitment", "189-0.0"),
]  # fmt: skip


@pytest.mark.parametrize(("header", "key"), CASES)
def test_header_styles(header: str, key: str) -> None:
    mapping = map_column(header, load_dictionary())
    assert mapping is not None and mapping.key == key


@pytest.mark.parametrize("header", ["", "foo", "99999-0.0", "p99999", "count", "mean"])
def test_unknown_headers_map_to_nothing(header: str) -> None:
    assert map_column(header, load_dictionary()) is None


def test_a_field_seen_twice_keeps_its_first_column() -> None:
    mappings = map_columns(["31-0.0", "Sex", "34-0.0"], load_dictionary())
    assert mappings[1] is None
    assert mapped_fields(mappings) == [31, 34]
