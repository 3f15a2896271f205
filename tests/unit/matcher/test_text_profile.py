"""Cohort profiles load from YAML; a bad profile is one clear ProfileError naming the problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from matcher.errors import MatchError
from matcher.text.profile import ProfileError, default_profile, load_profile, parse_profile

SHIPPED = Path(__file__).resolve().parents[3] / "matcher" / "profiles" / "ukbiobank.yaml"


def test_shipped_profile_loads_with_normalised_terms() -> None:
    profile = default_profile()
    assert profile.name == "UK Biobank"
    assert "英国生物样本库" in profile.aliases
    assert "英国生物样本库" in profile.aliases and "英國生物樣本庫" not in profile.aliases
    assert {31, 21022, 41270} <= profile.field_ids
    assert profile.weights.negatives["goods"][0] < 0 < profile.weights.groups["offer"][0]


def test_load_profile_reads_a_file_and_its_model(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(SHIPPED.read_text(encoding="utf-8").replace("UK Biobank\n", "Mine\n", 1))
    model = SHIPPED.with_name("ukbiobank-wording.json")
    (tmp_path / model.name).write_bytes(model.read_bytes())
    profile = load_profile(path)
    assert profile.name == "Mine"
    assert profile.model is not None and profile.model == default_profile().model


@pytest.mark.parametrize(
    ("model_section", "message"),
    [
        (
            "model:\n  file: absent.json\n",
            "cannot read model file 'absent.json' beside the profile",
        ),
        ("model:\n  file: ../x.json\n", "must be a plain file name"),
        ("model:\n  weight: 1\n", "'model' needs 'file'"),
        ("model:\n  file: bad.json\n", "bad.json: not JSON"),
        ("model:\n  file: shape.json\n", "needs a number 'bias'"),
    ],
)
def test_bad_model_sections_are_named(tmp_path: Path, model_section: str, message: str) -> None:
    (tmp_path / "bad.json").write_text("{oops", encoding="utf-8")
    (tmp_path / "shape.json").write_text('{"format": 1, "bias": "x"}', encoding="utf-8")
    shipped = SHIPPED.read_text(encoding="utf-8")
    start = shipped.index("\nmodel:\n")
    end = shipped.index("\n\n", start + 1)
    path = tmp_path / "p.yaml"
    path.write_text(shipped[:start] + "\n" + model_section + shipped[end:], encoding="utf-8")
    with pytest.raises(ProfileError, match=message):
        load_profile(path)


def test_a_profile_without_a_model_scores_by_rules_alone(tmp_path: Path) -> None:
    shipped = SHIPPED.read_text(encoding="utf-8")
    start = shipped.index("\nmodel:\n")
    end = shipped.index("\n\n", start + 1)
    path = tmp_path / "p.yaml"
    path.write_text(shipped[:start] + shipped[end:], encoding="utf-8")
    profile = load_profile(path)
    assert profile.model is None and profile.model_weight == 0.0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("name: [unclosed", "not valid YAML at line 1"),
        ("- just a list", "a profile is a YAML mapping"),
        ("name: X\n", "profile has no 'aliases' section"),
        ("name: X\naliases: oops\n", "'aliases' must be a list of terms"),
    ],
)
def test_bad_profiles_raise_clear_errors(text: str, message: str) -> None:
    with pytest.raises(ProfileError, match=message) as info:
        parse_profile(text, source="bad.yaml")
    assert str(info.value).startswith("bad.yaml: ")
    assert isinstance(info.value, MatchError)


def test_bad_weight_is_named() -> None:
    text = SHIPPED.read_text(encoding="utf-8").replace("bias: -4.0", "bias: lots")
    with pytest.raises(ProfileError, match=r"'weights\.bias' must be a number"):
        parse_profile(text)


def test_duplicate_field_is_refused() -> None:
    text = SHIPPED.read_text(encoding="utf-8").replace(
        "  - {id: 34,", "  - {id: 31, en: [x], zh: []}\n  - {id: 34,"
    )
    with pytest.raises(ProfileError, match="field 31 is listed twice"):
        parse_profile(text)


def test_missing_file_is_a_profile_error(tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match="cannot read profile"):
        load_profile(tmp_path / "none.yaml")


def test_field_titles_come_from_the_schema_mapper_too() -> None:
    from matcher.schema import CHINESE_TITLES

    titles = {f.field_id: f.titles for f in default_profile().fields}
    assert "肌酐" in CHINESE_TITLES[30700] and "肌酐" in titles[30700]  # not in the YAML
    assert "c-reactive protein" in titles[30710]
    assert titles[31] == ("sex", "性别")  # the YAML's own titles; "Sex" is too short to add


def test_fields_from_dictionary_must_be_a_boolean() -> None:
    text = SHIPPED.read_text(encoding="utf-8").replace(
        "fields_from_dictionary: true", "fields_from_dictionary: maybe"
    )
    with pytest.raises(ProfileError, match="'fields_from_dictionary' must be true or false"):
        parse_profile(text)
