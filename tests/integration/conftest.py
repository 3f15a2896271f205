"""Fixtures for integration tests: a headless Chromium, a demo marketplace on 127.0.0.1:0, and
settings with a throwaway data dir.

A test that needs Chromium fails in CI (``CI`` set) when it is missing, and skips with the reason
elsewhere.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from cohortwatch.demo_cohort import DemoCohort, prepare_demo_cohort
from cohortwatch.settings import Settings
from crawler.demo import Catalogue, DemoMarketplace, build_catalogue


def require(condition: bool, reason: str) -> None:
    """Skip outside CI, fail in CI, when a real component is missing."""
    if condition:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (required in CI)")
    pytest.skip(reason)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(environment="test", data_dir=tmp_path / "data", crawl_timeout_seconds=120)


@pytest.fixture
def chromium(settings: Settings) -> Path:
    path = settings.resolved_browser_path()
    require(path is not None and path.exists(), "no Chromium found (apt-get install chromium)")
    assert path is not None
    return path


@pytest.fixture(scope="session")
def demo_cohort(tmp_path_factory: pytest.TempPathFactory) -> DemoCohort:
    """The demo's cohort, release maps, fingerprint, key and leaked sample (built once)."""
    return prepare_demo_cohort(
        Settings(environment="test", data_dir=tmp_path_factory.mktemp("cohort"))
    )


@pytest.fixture(scope="session")
def catalogue(demo_cohort: DemoCohort) -> Catalogue:
    return build_catalogue(
        sample_header=demo_cohort.sample_header, sample_rows=demo_cohort.sample_rows
    )


@pytest.fixture
def marketplace(catalogue: Catalogue) -> Iterator[DemoMarketplace]:
    with DemoMarketplace(catalogue) as market:
        yield market
