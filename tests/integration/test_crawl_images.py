"""Listing images, crawled for real (Scrapy in a child process) from a small shop on 127.0.0.1:
the image on the shop is kept as hashed evidence and linked to the listing; an image on another
host is refused without a request, and so is a redirect there; an HTML "image" and one over the
size cap are refused; all of it shows in the stats counters."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

import pytest
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from cohortwatch.settings import Settings
from cohortwatch.wiring import crawl_source, open_database
from crawler.demo.images import png_bytes
from crawler.runner import CrawlStatus
from crawler.sources import DetailSelectors, SearchConfig, SourceConfig
from storage.db import session_scope
from storage.evidence import EvidenceStore
from storage.models import AttachmentKind
from storage.queries import list_attachments, list_listings
from tests.servers import serve_app

pytestmark = pytest.mark.slow

PHOTO = png_bytes("shop-photo")
BIG_PHOTO = png_bytes("shop-big", width=400, height=400)  # > the 1 KiB cap below


def recorder(hits: list[str]) -> FastAPI:
    """Another host: every request it gets is a failure of the test."""
    app = FastAPI()

    @app.get("/{path:path}")
    def anything(path: str, request: Request) -> Response:
        hits.append(str(request.url))
        return Response(PHOTO, media_type="image/png")

    return app


def shop(elsewhere: str) -> FastAPI:
    app = FastAPI()

    @app.get("/search", response_class=HTMLResponse)
    def search() -> str:
        return '<div class="offer-card"><a class="offer-link" href="/offer/1.html">x</a></div>'

    @app.get("/offer/1.html", response_class=HTMLResponse)
    def offer() -> str:
        return f"""<html lang="en"><body><h1 class="offer-title">UK Biobank data</h1>
        <div class="offer-description"><p>500k participants</p></div>
        <img class="offer-image" src="/img/photo.png">
        <img class="offer-image" src="{elsewhere}/img/tracker.png">
        <img class="offer-image" src="/img/hop.png">
        <img class="offer-image" src="/img/page.png">
        <img class="offer-image" src="/img/big.png">
        </body></html>"""

    @app.get("/img/photo.png")
    def photo() -> Response:
        return Response(PHOTO, media_type="image/png")

    @app.get("/img/hop.png")
    def hop() -> Response:
        return RedirectResponse(f"{elsewhere}/img/after-redirect.png", status_code=302)

    @app.get("/img/page.png")
    def page() -> Response:
        return HTMLResponse("<html><script>alert(document.cookie)</script></html>")

    @app.get("/img/big.png")
    def big() -> Response:
        return Response(BIG_PHOTO, media_type="image/png")

    return app


@pytest.fixture
def hits() -> list[str]:
    return []


@pytest.fixture
def shop_source(hits: list[str]) -> Iterator[SourceConfig]:
    with serve_app(recorder(hits)) as elsewhere_url:
        # The same server under another name: "localhost" is not among the allowed domains.
        elsewhere = elsewhere_url.replace("127.0.0.1", "localhost")
        with serve_app(shop(elsewhere)) as base_url:
            yield SourceConfig(
                slug="image-shop",
                name="Image shop",
                kind="marketplace",
                spider="marketplace",
                base_url=base_url,
                allowed_domains=("127.0.0.1",),
                search=SearchConfig(
                    url="{base}/search?q={query}",
                    queries=("biobank",),
                    result_link="div.offer-card a.offer-link::attr(href)",
                ),
                detail=DetailSelectors(
                    title="h1.offer-title",
                    description="div.offer-description",
                    images="img.offer-image::attr(src)",
                ),
                download_delay=0,
                max_image_bytes=1024,
            )


def test_images_are_kept_as_evidence_and_off_domain_ones_never_requested(
    settings: Settings, shop_source: SourceConfig, hits: list[str]
) -> None:
    assert len(PHOTO) <= 1024 < len(BIG_PHOTO)
    engine = open_database(settings)
    try:
        report = crawl_source(settings=settings, engine=engine, source=shop_source)
        assert report.outcome.status is CrawlStatus.SUCCEEDED, report.outcome.error
        with session_scope(engine) as session:
            (listing,) = list_listings(session=session)
            assert listing.id is not None
            images = list_attachments(
                session=session, listing_id=listing.id, kind=AttachmentKind.IMAGE
            )
            files = list_attachments(session=session, listing_id=listing.id, kind="file")
    finally:
        engine.dispose()
    assert hits == [], "a request left the source's allowed domains"
    (image,) = images
    assert not files
    assert image.url == f"{shop_source.base_url}/img/photo.png"
    assert (image.content_type, image.size, image.filename) == (
        "image/png",
        len(PHOTO),
        "photo.png",
    )
    assert image.sha256 == hashlib.sha256(PHOTO).hexdigest()
    assert image.snapshot_id == listing.latest_snapshot_id
    store = EvidenceStore(settings.evidence_dir)
    assert store.verify(image.sha256) and store.read(image.sha256) == PHOTO
    count = report.outcome.count
    assert count("cohortwatch/image_fetched") == count("cohortwatch/image_stored") == 1
    assert count("cohortwatch/image_refused/offsite") == 1
    assert count("cohortwatch/image_refused/blocked") == 1  # the redirect to the other host
    assert count("cohortwatch/image_refused/not_image") == 1
    assert count("cohortwatch/image_refused/too_large") == 1
    assert count("cohortwatch/image_failed") == 0
