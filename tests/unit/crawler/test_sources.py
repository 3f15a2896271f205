"""Source YAML files load strictly; bad files give one clear error."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.sources import BrowserMode, load_source, load_sources
from crawler.sources.config import SourceConfigError


def test_builtin_sources_load() -> None:
    sources = {s.slug: s for s in load_sources()}
    assert {"demo-marketplace", "demo-telegram"} <= set(sources)
    market = sources["demo-marketplace"]
    assert market.browser is BrowserMode.FALLBACK
    assert market.search is not None and "英国生物样本库" in market.search.queries


def test_with_base_url_moves_allowed_domains() -> None:
    market = {s.slug: s for s in load_sources()}["demo-marketplace"]
    moved = market.with_base_url("http://127.0.0.2:4321/")
    assert moved.base_url == "http://127.0.0.2:4321"
    assert moved.allowed_domains == ("127.0.0.2",)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("slug: x\n", "slug"),
        ("- a list\n", "must hold a mapping"),
        ("slug: [unclosed\n", "not valid YAML"),
    ],
)
def test_bad_source_files_fail_clearly(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SourceConfigError, match=message):
        load_source(path)


def test_unknown_key_is_an_error(tmp_path: Path) -> None:
    good = (Path(__file__).parents[3] / "crawler/sources/demo-telegram.yaml").read_text()
    path = tmp_path / "typo.yaml"
    path.write_text(good + "dowload_delay: 3\n", encoding="utf-8")
    with pytest.raises(SourceConfigError, match="dowload_delay"):
        load_source(path)


def test_missing_file_fails_clearly(tmp_path: Path) -> None:
    with pytest.raises(SourceConfigError, match="cannot read source file"):
        load_source(tmp_path / "nope.yaml")


def test_non_http_base_url_is_refused(tmp_path: Path) -> None:
    good = (Path(__file__).parents[3] / "crawler/sources/demo-telegram.yaml").read_text()
    path = tmp_path / "file.yaml"
    path.write_text(good.replace("http://127.0.0.1:8765", "file:///etc"), encoding="utf-8")
    with pytest.raises(SourceConfigError, match="base_url"):
        load_source(path)
