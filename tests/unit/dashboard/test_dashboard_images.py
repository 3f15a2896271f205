"""A listing's product images appear on the alert page and in the API only as evidence download
links: never an ``<img>``, and an attacker's file name or URL stays inert text."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine

from crawler.demo.images import png_bytes
from storage.db import session_scope
from storage.evidence import EvidenceStore
from storage.models import AttachmentCreate, AttachmentKind, Severity
from storage.queries import add_attachment
from tests.unit.dashboard.conftest import MakeToken, ServeDashboard, seed_alert

NOW = datetime(2026, 4, 20, 9, 30, tzinfo=UTC)
EVIL_URL = 'http://127.0.0.1:1/img/"><img src=x onerror=alert(1)>.png'


@pytest.fixture
def served(
    engine: Engine, tmp_path: Path, serve_dashboard: ServeDashboard, make_token: MakeToken
) -> Iterator[tuple[httpx.Client, int, str, str]]:
    store = EvidenceStore(tmp_path / "evidence")
    image = store.put(png_bytes("photo"))
    sample = store.put(b"eid,31-0.0\n")
    with session_scope(engine) as session:
        listing, alert = seed_alert(
            session, url=EVIL_URL[:25], title="t", score=0.9, severity=Severity.HIGH, reasons=[],
            now=NOW,
        )  # fmt: skip
        assert listing.id is not None and alert.id is not None
        for kind, ref, name, content_type in (
            (AttachmentKind.IMAGE, image, "photo.png", "image/png"),
            (AttachmentKind.FILE, sample, "sample.csv", "text/csv"),
        ):
            add_attachment(
                session=session,
                attachment_in=AttachmentCreate(
                    listing_id=listing.id,
                    kind=kind,
                    url=EVIL_URL if kind is AttachmentKind.IMAGE else EVIL_URL[:25] + name,
                    filename=name,
                    content_type=content_type,
                    size=ref.size,
                    sha256=ref.sha256,
                    fetched_at=NOW,
                ),
            )
        alert_id = alert.id
    headers = {"Authorization": f"Bearer {make_token('a', 'read')}"}
    with serve_dashboard() as app, httpx.Client(base_url=app.base_url, headers=headers) as http:
        yield http, alert_id, image.sha256, sample.sha256


def test_images_are_download_links_only(served: tuple[httpx.Client, int, str, str]) -> None:
    http, alert_id, image_sha, sample_sha = served
    page = http.get(f"/alerts/{alert_id}")
    assert page.status_code == 200
    assert f'<a class="mono" href="/evidence/{image_sha}" download>' in page.text
    assert "<img" not in page.text and "&lt;img src=x onerror=alert(1)&gt;" in page.text
    detail = http.get(f"/api/alerts/{alert_id}").json()
    assert [(i["kind"], i["sha256"]) for i in detail["images"]] == [("image", image_sha)]
    assert [(a["kind"], a["sha256"]) for a in detail["attachments"]] == [("file", sample_sha)]
    blob = http.get(f"/evidence/{image_sha}")
    assert blob.content == png_bytes("photo")
    assert blob.headers["content-type"] == "application/octet-stream"
