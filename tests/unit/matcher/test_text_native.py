"""The scorer's mypyc build: used only while it matches its sources, and scoring alike."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from matcher.text import native
from matcher.text.evaluation import parse_corpus
from matcher.text.profile import default_profile
from matcher.text.scoring import score_listing_text

ROOT = Path(__file__).resolve().parents[3]
CORPUS = ROOT / "tests" / "data" / "listings"
SCORE_ALL = """
import json, sys
from matcher.text.evaluation import parse_corpus
from matcher.text.profile import default_profile
from matcher.text.scoring import score_listing_text
from matcher.text.native import in_use
profile = default_profile()
rows = [r for name in sys.argv[1:] for r in parse_corpus(open(name, encoding="utf-8").read())]
scores = [score_listing_text(title=r.title, text=r.text, profile=profile) for r in rows]
print(json.dumps({"compiled": in_use(),
                  "scores": [[s.score, s.verdict.value, s.reasons, s.language] for s in scores]}))
"""
FILES = [str(path) for path in sorted(CORPUS.glob("*.jsonl"))]


def _fake_build(tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the sources and a 'build' of them holding only its stamp."""
    sources = tmp_path / "src"
    shutil.copytree(native.SOURCE_DIR, sources)
    build = tmp_path / "build"
    (build / "matcher" / "text").mkdir(parents=True)
    stamp = {"python": sys.version, "sources": native._source_hashes(sources)}
    (build / native.STAMP).write_text(json.dumps(stamp), encoding="utf-8")
    return build, sources


def test_a_build_is_used_only_while_it_matches_the_sources(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build, sources = _fake_build(tmp_path)
    monkeypatch.delenv(native.PURE_ENV, raising=False)
    path: list[str] = ["source"]
    assert native.activate(path, build, sources)
    assert path == [str(build / "matcher" / "text"), "source"]

    monkeypatch.setenv(native.PURE_ENV, "1")  # turned off
    assert not native.activate(["source"], build, sources)
    monkeypatch.delenv(native.PURE_ENV)

    scoring = sources / "scoring.py"
    scoring.write_text(scoring.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    path = ["source"]
    assert not native.is_fresh(build, sources)
    assert not native.activate(path, build, sources)  # stale: the edited source runs instead
    assert path == ["source"]


def test_a_missing_or_unreadable_stamp_means_no_build(tmp_path: Path) -> None:
    build, sources = _fake_build(tmp_path)
    (build / native.STAMP).write_text("not json", encoding="utf-8")
    assert not native.is_fresh(build, sources)
    assert not native.is_fresh(tmp_path / "nowhere", sources)


def test_the_compiled_scorer_is_in_use_after_setup() -> None:
    if os.environ.get(native.PURE_ENV):
        pytest.skip(f"compiled scorer turned off by {native.PURE_ENV}")
    if not native.is_fresh():
        message = f"no fresh mypyc build in {native.BUILD_DIR}: run scripts/setup"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    assert native.in_use(), native.describe()
    assert "compiled by mypyc" in native.describe()


def test_compiled_and_pure_python_score_alike() -> None:
    """Every listing of the corpus, scored by this process (compiled after
    setup) and by a pure-Python one: the same scores, verdicts, reasons and languages."""
    profile = default_profile()
    rows = [r for name in FILES for r in parse_corpus(Path(name).read_text(encoding="utf-8"))]
    here = [score_listing_text(title=r.title, text=r.text, profile=profile) for r in rows]
    env = {**os.environ, native.PURE_ENV: "1"}
    result = subprocess.run(
        [sys.executable, "-c", SCORE_ALL, *FILES],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    pure = json.loads(result.stdout)
    assert pure["compiled"] is False
    assert len(pure["scores"]) == len(here) > 3_000
    for row, mine, theirs in zip(rows, here, pure["scores"], strict=True):
        assert [mine.score, mine.verdict.value, list(mine.reasons), mine.language] == theirs, row.id
