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


def test_load_profile_reads_a_file(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(SHIPPED.read_text(encoding="utf-8").replace("UK Biobank\n", "Mine\n", 1))
    assert load_profile(path).name == "Mine"


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
