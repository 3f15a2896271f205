"""Crawling the demo marketplace for real: Scrapy in a child process, the JS-only listing through
scrapy-playwright and headless Chromium, evidence on disk, rows in the database, alerts raised."""

from __future__ import annotations

import hashlib
from urllib.parse import urlsplit

import httpx
import pytest

from cohortwatch.demo_cohort import DemoCohort
from cohortwatch.settings import Settings
from cohortwatch.wiring import crawl_source, open_database
from crawler.demo import Catalogue, DemoMarketplace
from crawler.demo.images import png_bytes
from crawler.runner import CrawlStatus
from crawler.sources import SourceConfig, load_sources
from storage.db import session_scope
from storage.evidence import EvidenceStore
from storage.queries import (
    list_alerts,
    list_attachments,
    list_crawl_runs,
    list_listings,
    list_matches,
    list_snapshots,
)

pytestmark = [pytest.mark.slow, pytest.mark.browser]


def source(slug: str, market: DemoMarketplace) -> SourceConfig:
    return {s.slug: s for s in load_sources()}[slug].with_base_url(market.base_url)


def leak_paths(catalogue: Catalogue, kind: str) -> set[str]:
    return {p for p, label in catalogue.labels_by_path(kind=kind).items() if label == "leak"}


def test_marketplace_crawl_finds_every_leak_offer_and_keeps_evidence(
    settings: Settings, chromium: object, marketplace: DemoMarketplace, catalogue: Catalogue
) -> None:
    engine = open_database(settings)
    try:
        report = crawl_source(
            settings=settings, engine=engine, source=source("demo-marketplace", marketplace)
        )
        assert report.outcome.status is CrawlStatus.SUCCEEDED, report.outcome.error
        assert report.outcome.count("cohortwatch/browser_fallback") >= 1
        with session_scope(engine) as session:
            alerts = list_alerts(session=session)
            listings = {x.id: x for x in list_listings(session=session, limit=1000)}
            alerted = {urlsplit(listings[a.listing_id].url).path for a in alerts}
            assert alerted == leak_paths(catalogue, "offer")
            assert report.alerts_new == len(alerts)

            store = EvidenceStore(settings.evidence_dir)
            browser_snapshots = []
            for listing_id in listings:
                for snap in list_snapshots(session=session, listing_id=listing_id):
                    assert store.verify(snap.html_sha256)
                    if snap.rendered_with_browser:
                        browser_snapshots.append(snap)
            assert browser_snapshots, "the JS-only listing was not rendered in the browser"
            assert all(s.screenshot_sha256 for s in browser_snapshots)
            shot = store.read(browser_snapshots[0].screenshot_sha256 or "")
            assert shot.startswith(b"\x89PNG")
            attachments = [
                a for i in listings for a in list_attachments(session=session, listing_id=i)
            ]
            assert {a.filename.rsplit(".", 1)[-1] for a in attachments} >= {"csv", "xlsx", "zip"}
            assert all(store.verify(a.sha256) for a in attachments)
            assert all(a.kind == "file" for a in attachments if a.filename.endswith(".csv"))
            (run,) = list_crawl_runs(session=session)
            assert run.status == "succeeded" and run.listings_new == len(listings)
    finally:
        engine.dispose()


def test_listing_images_are_kept_as_hashed_evidence(
    settings: Settings, chromium: object, marketplace: DemoMarketplace, catalogue: Catalogue
) -> None:
    by_path = {x.url_path: x for x in catalogue.listings}
    engine = open_database(settings)
    try:
        report = crawl_source(
            settings=settings, engine=engine, source=source("demo-marketplace", marketplace)
        )
        assert report.outcome.status is CrawlStatus.SUCCEEDED, report.outcome.error
        store = EvidenceStore(settings.evidence_dir)
        with session_scope(engine) as session:
            stored: dict[str, set[tuple[str, str]]] = {}
            for listing in list_listings(session=session, limit=1000):
                assert listing.id is not None
                images = list_attachments(session=session, listing_id=listing.id, kind="image")
                assert all(i.snapshot_id == listing.latest_snapshot_id for i in images)
                assert all(i.content_type == "image/png" and store.verify(i.sha256) for i in images)
                stored[urlsplit(listing.url).path] = {
                    (urlsplit(i.url).path, i.sha256) for i in images
                }
    finally:
        engine.dispose()
    expected = {
        path: {
            (image, hashlib.sha256(png_bytes(image.removeprefix("/img/")[:-4])).hexdigest())
            for image in by_path[path].image_paths
        }
        for path in stored
    }
    assert stored == expected
    total = sum(len(v) for v in expected.values())
    assert total > len(stored)  # most offers show several photos
    assert report.outcome.count("cohortwatch/image_fetched") == total
    assert report.outcome.count("cohortwatch/image_stored") == total


def test_attachments_are_scanned_and_attributed_to_the_leaked_release(
    settings: Settings,
    chromium: object,
    marketplace: DemoMarketplace,
    catalogue: Catalogue,
    demo_cohort: DemoCohort,
) -> None:
    scanning = settings.model_copy(
        update={
            "fingerprint_path": demo_cohort.fingerprint_path,
            "fingerprint_key_file": demo_cohort.key_path,
        }
    )
    engine = open_database(scanning)
    try:
        report = crawl_source(
            settings=scanning, engine=engine, source=source("demo-marketplace", marketplace)
        )
        assert report.outcome.status is CrawlStatus.SUCCEEDED, report.outcome.error
        with session_scope(engine) as session:
            listings = {x.id: x for x in list_listings(session=session, limit=1000)}
            samples = [
                (urlsplit(listings[i].url).path, m)
                for i in listings
                for m in list_matches(session=session, listing_id=i)
                if m.matcher == "sample"
            ]
            alerts = {a.listing_id: a for a in list_alerts(session=session)}
    finally:
        engine.dispose()
    labels = catalogue.labels_by_path(kind="offer")
    linked = [(path, m) for path, m in samples if m.verdict == "participant-level"]
    leak_attachments = [(path, m) for path, m in samples if labels[path] == "leak"]
    assert leak_attachments and {id(m) for _, m in linked} == {id(m) for _, m in leak_attachments}
    assert all(m.release == demo_cohort.leaked_release for _, m in linked)
    assert any(labels[path] != "leak" for path, _ in samples), "a decoy attachment was scanned"
    sample_ids = {row[0] for row in demo_cohort.sample_rows}
    for path, _ in linked:
        alert = next(
            a for a in alerts.values() if urlsplit(listings[a.listing_id].url).path == path
        )
        assert alert.release == demo_cohort.leaked_release and alert.severity == "critical"
        assert any("participant-level" in r for r in alert.reasons)
        assert not any(eid in r for eid in sample_ids for r in alert.reasons), "raw IDs leaked"


def test_second_crawl_dedupes_listings_and_alerts(
    settings: Settings, chromium: object, marketplace: DemoMarketplace
) -> None:
    engine = open_database(settings)
    try:
        market = source("demo-marketplace", marketplace)
        first = crawl_source(settings=settings, engine=engine, source=market)
        second = crawl_source(settings=settings, engine=engine, source=market)
        assert second.outcome.status is CrawlStatus.SUCCEEDED
        assert second.outcome.count("cohortwatch/listings_new") == 0
        assert second.alerts_new == 0 and second.alerts_refreshed == first.alerts_new
        with session_scope(engine) as session:
            assert len(list_alerts(session=session)) == first.alerts_new
    finally:
        engine.dispose()


def test_telegram_preview_crawl_alerts_on_the_channel_leak(
    settings: Settings, marketplace: DemoMarketplace, catalogue: Catalogue
) -> None:
    engine = open_database(settings)
    try:
        report = crawl_source(
            settings=settings, engine=engine, source=source("demo-telegram", marketplace)
        )
        assert report.outcome.status is CrawlStatus.SUCCEEDED, report.outcome.error
        with session_scope(engine) as session:
            listings = {x.id: x for x in list_listings(session=session, limit=1000)}
            alerted = {
                urlsplit(listings[a.listing_id].url).path for a in list_alerts(session=session)
            }
        assert alerted == leak_paths(catalogue, "telegram")
    finally:
        engine.dispose()


def test_taken_down_listing_is_not_found_again(
    settings: Settings, chromium: object, marketplace: DemoMarketplace, catalogue: Catalogue
) -> None:
    leaks = sorted(leak_paths(catalogue, "offer"))
    listing_id = leaks[0].rsplit("/", 1)[-1].removesuffix(".html")
    httpx.post(f"{marketplace.base_url}/_control/takedown/{listing_id}").raise_for_status()
    try:
        engine = open_database(settings)
        try:
            crawl_source(
                settings=settings, engine=engine, source=source("demo-marketplace", marketplace)
            )
            with session_scope(engine) as session:
                urls = {urlsplit(x.url).path for x in list_listings(session=session, limit=1000)}
        finally:
            engine.dispose()
        assert leaks[0] not in urls
        assert set(leaks[1:]) <= urls
    finally:
        httpx.post(f"{marketplace.base_url}/_control/restore/{listing_id}").raise_for_status()
