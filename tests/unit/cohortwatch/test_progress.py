"""Progress bars: the build reports its stages on a terminal, and nothing is drawn elsewhere."""

from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path

import pytest

from cohortwatch.commands.fingerprint import progress_bar
from cohortwatch.synth import generate_cohort, render_cohort
from matcher.dictionary import load_dictionary
from matcher.fingerprint import build_fingerprint
from matcher.scan import scan_path


class Terminal(io.StringIO):
    """A stderr that says it is a terminal, and keeps what is drawn on it."""

    def isatty(self) -> bool:
        return True


def _build(quiet: bool) -> None:
    dictionary = load_dictionary()
    cohort = generate_cohort(rows=300, seed=2, dictionary=dictionary)
    text = render_cohort(cohort, style="ukbconv", dictionary=dictionary)
    with progress_bar("fingerprint", quiet=quiet) as report:
        build_fingerprint(text, dictionary=dictionary, key=bytes(range(32)), progress=report)


def test_the_build_draws_its_stages_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    _build(quiet=False)
    assert "fingerprint: keys" in terminal.getvalue()


@pytest.mark.parametrize("stderr", [Terminal(), io.StringIO()], ids=["quiet", "not-a-terminal"])
def test_no_bar_when_quiet_or_not_on_a_terminal(
    monkeypatch: pytest.MonkeyPatch, stderr: io.StringIO
) -> None:
    monkeypatch.setattr(sys, "stderr", stderr)
    _build(quiet=isinstance(stderr, Terminal))
    assert stderr.getvalue() == ""


def test_a_scan_reports_its_stages_within_a_file(tmp_path: Path) -> None:
    """Reading, then keys and links table by table: a large file's bar moves inside it."""
    dictionary = load_dictionary()
    key = bytes(range(32))
    cohort = generate_cohort(rows=300, seed=2, dictionary=dictionary)
    fp = build_fingerprint(
        render_cohort(cohort, style="ukbconv", dictionary=dictionary),
        dictionary=dictionary,
        key=key,
    )
    sample = render_cohort(cohort[:20], style="ukbconv", dictionary=dictionary).write_csv()
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("a.csv", sample)
        zipped.writestr("b.csv", sample)
    path = tmp_path / "two.zip"
    path.write_bytes(archive.getvalue())
    stages: list[tuple[str, int, int]] = []
    result = scan_path(
        path,
        fingerprint=fp,
        key=key,
        dictionary=dictionary,
        progress=lambda stage, done, total: stages.append((stage, done, total)),
    )
    assert result.verdict == "participant-level"
    assert stages == [
        ("reading", 0, 1),
        ("keys and links, table 1 of 2", 1, 3),
        ("keys and links, table 2 of 2", 2, 3),
    ]
