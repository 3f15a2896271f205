"""keygen -> synth -> fingerprint build -> canary make -> scan, through the CLI, with exit codes."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from click.testing import CliRunner

from cohortwatch.cli import cli, main
from matcher.fingerprint import load_fingerprint
from matcher.samples import SampleTable
from matcher.samples.readers import LargeTable
from matcher.scan import _scan_read


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), env=env)
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("scan")
    code, out = run("keygen", "--out", str(tmp / "k.key"))
    assert code == 0, out
    assert (tmp / "k.key").stat().st_mode & 0o777 == 0o600
    code, out = run("synth", "cohort", "--rows", "5000", "--seed", "3", "--style", "r",
                    "--out", str(tmp / "c.tsv"), "--releases", "2")  # fmt: skip
    assert code == 0, out
    code, out = run(
        "fingerprint", "build", str(tmp / "c.tsv"), "--release", f"a1={tmp / 'c.release-1.csv'}",
        "--release", f"a2={tmp / 'c.release-2.csv'}", "--key-file", str(tmp / "k.key"),
        "--out", str(tmp / "c.fp"), "--quiet",
    )  # fmt: skip
    assert code == 0, out
    code, out = run("canary", "make", "--fingerprint", str(tmp / "c.fp"), "--release", "a2",
                    "--count", "3", "--key-file", str(tmp / "k.key"), "--out", str(tmp / "can.csv"))  # fmt: skip
    assert code == 0, out
    return tmp


def test_show(setup: Path) -> None:
    code, out = run("fingerprint", "show", str(setup / "c.fp"), "--json")
    assert code == 0
    info = json.loads(out)
    assert info["rows"] == 5000 and info["canaries"] == {"a1": 0, "a2": 3}
    assert info["file_bytes"] > 0


def test_scan_exit_codes_and_json(setup: Path) -> None:
    cohort = pl.read_csv(setup / "c.tsv", separator="\t", infer_schema=False)
    cohort.head(6).write_csv(setup / "leak.csv")
    (setup / "clean.txt").write_text("nothing to see here\n")
    (setup / "broken.xlsx").write_bytes(b"PK\x03\x04 broken")
    fp, key = str(setup / "c.fp"), str(setup / "k.key")
    code, out = run("scan", str(setup / "clean.txt"), "--fingerprint", fp, "--key-file", key)
    assert code == 0, out
    code, out = run("scan", str(setup / "leak.csv"), str(setup / "broken.xlsx"),
                    str(setup / "can.csv"), "--fingerprint", fp, "--key-file", key, "--json")  # fmt: skip
    assert code == 1, out
    results = {Path(r["file"]).name: r for r in json.loads(out)}
    assert results["leak.csv"]["verdict"] == "participant-level"
    assert results["leak.csv"]["linked_rows"] >= 5
    assert results["broken.xlsx"]["verdict"] == "error" and results["broken.xlsx"]["error"]
    assert results["can.csv"]["canaries"] == 3 and results["can.csv"]["release"] == "a2"
    keys = {"file", "verdict", "rows", "linked_rows", "expected_chance_links", "release",
            "canaries", "fields", "reasons"}  # fmt: skip
    assert keys <= set(results["leak.csv"])
    code, out = run("scan", str(setup / "broken.xlsx"), "--fingerprint", fp, "--key-file", key)
    assert code == 2


def _zip_of_unknown_method(member: bytes) -> bytes:
    """A ZIP whose one member claims a compression method zipfile does not implement."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("sample.csv", member)
    data = bytearray(buffer.getvalue())
    central = data.find(b"PK\x01\x02")
    data[8:10] = data[central + 10 : central + 12] = (97).to_bytes(2, "little")
    return bytes(data)


def test_hostile_files_are_errors_of_their_own(setup: Path) -> None:
    """Files whose parsers once raised past the scanner (and stopped the whole run) now give
    their own line, and the leak beside them is still found."""
    cohort = pl.read_csv(setup / "c.tsv", separator="\t", infer_schema=False)
    cohort.head(6).write_csv(setup / "leak2.csv")
    (setup / "long-line.txt").write_bytes(b"x" * 200_000)
    (setup / "odd.zip").write_bytes(_zip_of_unknown_method(b"a,b\n1,2\n"))
    (setup / "odd.ipynb").write_text(json.dumps({"cells": [{"outputs": [{"data": 3}]}]}))
    names = ["long-line.txt", "odd.zip", "odd.ipynb", "leak2.csv"]
    code, out = run("scan", *(str(setup / n) for n in names), "--fingerprint",
                    str(setup / "c.fp"), "--key-file", str(setup / "k.key"), "--json")  # fmt: skip
    assert code == 1, out
    results = {Path(r["file"]).name: r for r in json.loads(out)}
    assert list(results) == names
    assert results["odd.zip"]["verdict"] == "error"
    assert "compression method" in results["odd.zip"]["error"]
    assert results["long-line.txt"]["verdict"] == results["odd.ipynb"]["verdict"] == "clean"
    assert results["leak2.csv"]["verdict"] == "participant-level"


def test_any_error_while_reading_is_that_files_error(setup: Path) -> None:
    """What a third-party parser raises on hostile bytes becomes the file's error result."""
    fp = load_fingerprint(setup / "c.fp")
    key = bytes.fromhex((setup / "k.key").read_text().strip())

    def read() -> list[SampleTable | LargeTable]:
        raise KeyError("xl/sharedStrings.xml")

    result = _scan_read(read, filename="odd.xlsx", fingerprint=fp, key=key, dictionary=None)
    assert result.verdict == "error"
    assert result.error is not None and "KeyError" in result.error


def test_canaries_link_to_no_real_row(setup: Path) -> None:
    """Canary rows are decoys: against the cohort's fingerprint without them, none links, and
    their IDs are not the release's."""
    fp, key = str(setup / "plain.fp"), str(setup / "k.key")
    code, out = run("fingerprint", "build", str(setup / "c.tsv"), "--release",
                    f"a2={setup / 'c.release-2.csv'}", "--key-file", key, "--out", fp, "-q")  # fmt: skip
    assert code == 0, out
    code, out = run("scan", str(setup / "can.csv"), "--fingerprint", fp, "--key-file", key,
                    "--json")  # fmt: skip
    (result,) = json.loads(out)
    assert code == 0 and result["rows"] == 3 and result["linked_rows"] == 0, out
    assert result["release"] is None and result["canaries"] == 0


@pytest.mark.parametrize("style", ["ukbconv", "readable", "rap", "titles", "parquet"])
def test_every_header_style_builds_the_same_fingerprint(setup: Path, style: str) -> None:
    """The same cohort in another header style (or as Parquet) keys to the same digests and
    release IDs as the R-style file does."""
    key, release = str(setup / "k.key"), f"a1={setup / 'c.release-1.csv'}"
    if style == "parquet":
        cohort = setup / "c.parquet"
        pl.read_csv(setup / "c.tsv", separator="\t", infer_schema=False).write_parquet(cohort)
    else:
        cohort = setup / f"c-{style}.csv"
        code, out = run("synth", "cohort", "--rows", "5000", "--seed", "3", "--style", style,
                        "--out", str(cohort))  # fmt: skip
        assert code == 0, out
    fingerprints = {}
    for name, source in (("r", setup / "c.tsv"), (style, cohort)):
        code, out = run("fingerprint", "build", str(source), "--release", release,
                        "--key-file", key, "--out", str(setup / f"{name}.fp"), "-q")  # fmt: skip
        assert code == 0, out
        fingerprints[name] = load_fingerprint(setup / f"{name}.fp")
    ours, theirs = fingerprints["r"], fingerprints[style]
    assert sorted(ours.specs) == sorted(theirs.specs) and len(ours.digests) > 40
    for name, digests in ours.digests.items():
        assert np.array_equal(digests, theirs.digests[name]), name
    assert np.array_equal(ours.release_ids["a1"], theirs.release_ids["a1"])


def test_canaries_given_at_build_pin_their_release(setup: Path) -> None:
    """``fingerprint build --canaries NAME=FILE`` holds the file's rows as NAME's canaries: one
    of them, without its ID, pins a sample to NAME."""
    key, canaries, fp = str(setup / "k.key"), setup / "built-canaries.tsv", setup / "built.fp"
    code, out = run("synth", "cohort", "--rows", "4", "--seed", "77", "--style", "r",
                    "--out", str(canaries))  # fmt: skip
    assert code == 0, out
    code, out = run("fingerprint", "build", str(setup / "c.tsv"), "--release",
                    f"a1={setup / 'c.release-1.csv'}", "--canaries", f"a1={canaries}",
                    "--key-file", key, "--out", str(fp), "-q")  # fmt: skip
    assert code == 0, out
    code, out = run("fingerprint", "show", str(fp), "--json")
    assert json.loads(out)["canaries"] == {"a1": 4}
    rows = pl.read_csv(canaries, separator="\t", infer_schema=False)
    rows.head(1).drop("f.eid").write_csv(setup / "one-canary.csv")
    code, out = run("scan", str(setup / "one-canary.csv"), "--fingerprint", str(fp),
                    "--key-file", key, "--json")  # fmt: skip
    (result,) = json.loads(out)
    assert code == 1 and result["canaries"] == 1 and result["release"] == "a1", out


def test_key_from_the_environment_and_wrong_keys(
    setup: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fp = str(setup / "c.fp")
    hex_key = (setup / "k.key").read_text().strip()
    env = {"COHORTWATCH_FINGERPRINT_KEY": hex_key}
    code, _ = run("scan", str(setup / "can.csv"), "--fingerprint", fp, env=env)
    assert code == 1
    monkeypatch.setenv("COHORTWATCH_FINGERPRINT_KEY", "00" * 32)
    with pytest.raises(SystemExit) as exit_info:
        main(["scan", str(setup / "can.csv"), "--fingerprint", fp])
    assert exit_info.value.code == 2
    assert "not this fingerprint's key" in capsys.readouterr().err
    code, _ = run("keygen", "--out", str(setup / "k.key"))
    assert code != 0  # never overwrites a key


def test_canaries_in_the_extract_style_are_attributed(setup: Path) -> None:
    """Canaries written with the RAP extract's own headers (p31, p53_i0) pin a leak of that
    extract to its release when they are appended to it and a few rows leak."""
    copy = setup / "c-rap.fp"  # the module's fingerprint stays as the other tests expect it
    copy.write_bytes((setup / "c.fp").read_bytes())
    fp, key = str(copy), str(setup / "k.key")
    out = setup / "can-rap.csv"
    code, text = run("canary", "make", "--fingerprint", fp, "--release", "a1", "--count", "2",
                     "--style", "rap", "--key-file", key, "--out", str(out))  # fmt: skip
    assert code == 0, text
    assert "note:" not in text  # a1 is a release of the fingerprint
    rows = pl.read_csv(out, infer_schema=False)
    assert rows.height == 2 and rows.columns[0] == "eid" and "p31" in rows.columns
    assert not any("-0." in c for c in rows.columns)
    code, text = run("scan", str(out), "--fingerprint", fp, "--key-file", key, "--json")
    assert code == 1, text
    (result,) = json.loads(text)
    assert result["canaries"] == 2 and result["release"] == "a1"
    code, text = run("fingerprint", "show", fp, "--json")
    assert json.loads(text)["canaries"] == {"a1": 2, "a2": 3}


def test_canaries_of_an_unknown_release_are_noted(setup: Path) -> None:
    """A release known by its canaries alone is allowed, and said: a typo would pass unseen."""
    copy = setup / "c-typo.fp"
    copy.write_bytes((setup / "c.fp").read_bytes())
    code, text = run("canary", "make", "--fingerprint", str(copy), "--release", "a-1",
                     "--count", "1", "--key-file", str(setup / "k.key"),
                     "--out", str(setup / "can-typo.csv"))  # fmt: skip
    assert code == 0, text
    assert "note: release 'a-1' is not among the fingerprint's releases (a1, a2)" in text
