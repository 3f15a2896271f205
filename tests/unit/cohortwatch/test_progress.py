"""Progress bars: the build reports its stages on a terminal, and nothing is drawn elsewhere."""

from __future__ import annotations

import io
import sys

import pytest

from cohortwatch.commands.fingerprint import progress_bar
from cohortwatch.synth import generate_cohort, render_cohort
from matcher.dictionary import load_dictionary
from matcher.fingerprint import build_fingerprint


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
