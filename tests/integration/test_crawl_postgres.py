"""The scaled-out storage path: a crawl's child process writes listings, evidence rows and
matches to a real PostgreSQL, and alerts are raised there (the URL reaches the child on stdin)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from pydantic import SecretStr

from cohortwatch.settings import Settings
from cohortwatch.wiring import crawl_source, open_database
from crawler.demo import Catalogue, DemoMarketplace
from crawler.runner import CrawlStatus
from crawler.sources import load_sources
from storage.db import session_scope
from storage.queries import count_rows, list_alerts, list_listings

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


def test_telegram_crawl_into_postgres(
    tmp_path: Path, pg_database: str, marketplace: DemoMarketplace, catalogue: Catalogue
) -> None:
    settings = Settings(
        environment="test",
        data_dir=tmp_path / "data",
        database_url=SecretStr(pg_database),
        crawl_timeout_seconds=120,
    )
    source = {s.slug: s for s in load_sources()}["demo-telegram"].with_base_url(
        marketplace.base_url
    )
    engine = open_database(settings)
    try:
        assert engine.dialect.name == "postgresql"
        report = crawl_source(settings=settings, engine=engine, source=source)
        assert report.outcome.status is CrawlStatus.SUCCEEDED, report.outcome.error
        with session_scope(engine) as session:
            listings = {x.id: x for x in list_listings(session=session, limit=1000)}
            alerted = {
                urlsplit(listings[a.listing_id].url).path for a in list_alerts(session=session)
            }
            counts = count_rows(session=session)
    finally:
        engine.dispose()
    expected = {
        p for p, label in catalogue.labels_by_path(kind="telegram").items() if label == "leak"
    }
    assert alerted == expected and expected
    assert counts["listing_snapshot"] == counts["listing"] == len(listings) > len(expected)
    assert counts["match"] == counts["listing"]
