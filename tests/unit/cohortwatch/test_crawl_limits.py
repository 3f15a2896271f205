"""What every crawl gets from the settings, environment variables included."""

from __future__ import annotations

from pathlib import Path

import pytest

from cohortwatch.settings import Settings
from cohortwatch.wiring import crawl_limits
from crawler.pipelines.blocking import DEFAULT_THREADS, THREADS_SETTING
from crawler.settings import scrapy_settings
from crawler.sources.config import load_sources


def test_crawl_limits_come_from_the_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert crawl_limits(Settings(data_dir=tmp_path)).pipeline_threads == DEFAULT_THREADS
    monkeypatch.setenv("COHORTWATCH_CRAWL_PIPELINE_THREADS", "9")
    monkeypatch.setenv("COHORTWATCH_CRAWL_TIMEOUT_SECONDS", "42")
    limits = crawl_limits(Settings(data_dir=tmp_path))
    assert (limits.pipeline_threads, limits.timeout_seconds) == (9, 42.0)
    source = load_sources()[0]
    assert scrapy_settings(source=source, limits=limits, browser_path=None)[THREADS_SETTING] == 9
    monkeypatch.setenv("COHORTWATCH_CRAWL_PIPELINE_THREADS", "0")
    with pytest.raises(ValueError, match="crawl_pipeline_threads"):
        Settings(data_dir=tmp_path)
