"""``cohortwatch synth cohort`` and the release maps it writes."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import click
import polars as pl
import pytest
from click.testing import CliRunner, Result

from cohortwatch.commands.synth import register
from cohortwatch.errors import UsageError
from cohortwatch.synth import release_map, release_map_path, write_release_maps
from matcher.dictionary import DictionaryError

REPO = Path(__file__).resolve().parents[3]


def run(*args: str) -> Result:
    group = click.Group("cohortwatch")
    register(group)
    return CliRunner().invoke(group, ["synth", "cohort", *args])


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_writes_cohort_and_release_maps(tmp_path: Path) -> None:
    out = tmp_path / "leak.csv"
    result = run(
        "--rows", "2000", "--seed", "4", "--style", "rap", "--out", str(out), "--releases", "3"
    )
    assert result.exit_code == 0, result.output
    assert re.fullmatch(
        rf"wrote 2000 rows x 62 columns \(rap\) to {re.escape(str(out))} in \d+\.\d s; "
        rf"3 release map\(s\) in {re.escape(str(tmp_path))}\n",
        result.output,
    )
    rows = read_csv(out)
    assert len(rows) == 2000
    assert list(rows[0])[:3] == ["eid", "p31", "p34"]
    master = {row["eid"] for row in rows}
    maps = [read_csv(tmp_path / f"leak.release-{k}.csv") for k in (1, 2, 3)]
    releases = []
    for release in maps:
        assert list(release[0]) == ["master_eid", "release_eid"]
        assert {row["master_eid"] for row in release} == master
        ids = [row["release_eid"] for row in release]
        assert len(set(ids)) == len(ids) == 2000
        assert all(re.fullmatch(r"\d{7}", i) and 1_000_000 <= int(i) <= 6_026_000 for i in ids)
        same = sum(row["master_eid"] == row["release_eid"] for row in release)
        assert same < 5
        releases.append(ids)
    assert releases[0] != releases[1] != releases[2]
    assert len(set(releases[0]) & set(releases[1])) < 1000  # independent draws, not a reshuffle


def test_same_seed_same_files(tmp_path: Path) -> None:
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        result = run("--rows", "500", "--seed", "8", "--out", str(tmp_path / name / "x.tsv"),
                     "--style", "r", "--releases", "1")  # fmt: skip
        assert result.exit_code == 0, result.output
    for file in ("x.tsv", "x.release-1.csv"):
        assert (tmp_path / "a" / file).read_bytes() == (tmp_path / "b" / file).read_bytes()
    assert (tmp_path / "a" / "x.tsv").read_text().startswith("f.eid\tf.31.0.0\t")


def test_releases_dir(tmp_path: Path) -> None:
    maps = tmp_path / "maps"
    maps.mkdir()
    out = tmp_path / "cohort.csv"
    result = run("--rows", "100", "--out", str(out), "--releases", "2", "--releases-dir", str(maps))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in maps.iterdir()) == [
        "cohort.release-1.csv",
        "cohort.release-2.csv",
    ]


def test_full_dictionary_dir(tmp_path: Path) -> None:
    folder = tmp_path / "dict"
    folder.mkdir()
    for name in ("fields.csv", "codings.csv"):
        (folder / name).write_bytes((REPO / "matcher" / "ukb" / name).read_bytes())
    out = tmp_path / "t.csv"
    result = run(
        "--rows", "50", "--style", "titles", "--out", str(out), "--dictionary-dir", str(folder)
    )
    assert result.exit_code == 0, result.output
    assert out.read_text().startswith("Participant ID,Sex,Year of birth,")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--rows", "0"], "--rows must be a positive number, not 0"),
        (["--rows", "-3"], "--rows must be a positive number"),
        (["--seed", "-1"], "--seed must be zero or positive"),
        (["--releases", "-1"], "--releases must be zero or more"),
    ],
)
def test_bad_numbers(tmp_path: Path, args: list[str], message: str) -> None:
    result = run(*args, "--out", str(tmp_path / "x.csv"))
    assert isinstance(result.exception, UsageError)
    assert message in str(result.exception)
    assert not (tmp_path / "x.csv").exists()


def test_unwritable_out_paths(tmp_path: Path) -> None:
    result = run("--rows", "10", "--out", str(tmp_path / "missing" / "x.csv"))
    assert isinstance(result.exception, UsageError)
    assert "does not exist" in str(result.exception)
    result = run("--rows", "10", "--out", str(tmp_path))
    assert isinstance(result.exception, UsageError)
    assert "is a folder" in str(result.exception)
    a_file = tmp_path / "file"
    a_file.write_text("x")
    result = run("--rows", "10", "--out", str(a_file / "x.csv"))
    assert isinstance(result.exception, UsageError)
    result = run("--rows", "10", "--out", str(tmp_path / "x.csv"), "--releases-dir", str(a_file))
    assert isinstance(result.exception, UsageError)
    assert "--releases-dir" in str(result.exception)


def test_bad_style_is_a_click_error(tmp_path: Path) -> None:
    result = run("--style", "sas", "--out", str(tmp_path / "x.csv"))
    assert result.exit_code == 2
    assert "Invalid value for '--style'" in result.output


def test_missing_dictionary_dir(tmp_path: Path) -> None:
    result = run(
        "--rows", "10", "--out", str(tmp_path / "x.csv"), "--dictionary-dir", str(tmp_path)
    )
    assert isinstance(result.exception, DictionaryError)


def test_help_has_examples() -> None:
    group = click.Group("cohortwatch")
    register(group)
    for args in (["synth", "--help"], ["synth", "cohort", "--help"]):
        output = CliRunner().invoke(group, args).output
        example = output.split("Example:", 1)[1]
        assert "cohortwatch synth cohort --rows" in example
        assert "--out ukb.csv --releases 3" in output or "--out cohort.csv" in output


def test_release_map_is_deterministic_per_seed_and_release() -> None:
    eids = pl.Series("eid", [1_000_001, 2_000_002, 3_000_003, 4_000_004])
    first = release_map(eids, seed=1, release=1)
    assert first.columns == ["master_eid", "release_eid"]
    assert first.get_column("master_eid").to_list() == eids.to_list()
    assert first.equals(release_map(eids, seed=1, release=1))
    assert not first.equals(release_map(eids, seed=1, release=2))
    assert not first.equals(release_map(eids, seed=2, release=1))


def test_release_map_refuses_bad_input(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="numbered from 1"):
        release_map(pl.Series([1_000_001]), seed=1, release=0)
    with pytest.raises(UsageError, match="not unique"):
        release_map(pl.Series([1_000_001, 1_000_001]), seed=1, release=1)
    with pytest.raises(UsageError, match="cannot write"):
        write_release_maps(
            pl.Series([1_000_001]),
            seed=1,
            releases=1,
            out=tmp_path / "x.csv",
            directory=tmp_path / "no",
        )


def test_release_map_path() -> None:
    assert release_map_path(Path("/d/leak.csv"), 2) == Path("/d/leak.release-2.csv")
    assert release_map_path(Path("/d/leak.tsv"), 1, directory=Path("/m")) == Path(
        "/m/leak.release-1.csv"
    )
