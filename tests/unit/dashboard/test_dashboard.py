"""Dashboard pages and API over a real SQLite database (with a read token); attacker-written text
stays inert."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine

from storage.db import session_scope
from storage.evidence import EvidenceStore
from storage.models import ListingSnapshotCreate, Severity
from storage.queries import add_snapshot, note_score_below_threshold, start_crawl_run
from tests.unit.dashboard.conftest import MakeToken, ServeDashboard, seed_alert

NOW = datetime(2026, 4, 20, 9, 30, tzinfo=UTC)
EVIL_TITLE = 'UK Biobank 全量 <script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture
def client(
    engine: Engine, tmp_path: Path, serve_dashboard: ServeDashboard, make_token: MakeToken
) -> Iterator[tuple[httpx.Client, int, str]]:
    html = EvidenceStore(tmp_path / "evidence").put(
        b"<html><script>steal()</script>evidence</html>"
    )
    with session_scope(engine) as session:
        listing, alert = seed_alert(
            session,
            url="http://127.0.0.1:1/offer/1.html",
            title=EVIL_TITLE,
            score=0.95,
            severity=Severity.CRITICAL,
            reasons=["names the cohort: “<b>uk biobank</b>”"],
            now=NOW,
        )
        assert listing.id is not None and alert.id is not None
        run = start_crawl_run(session=session, source_id=listing.source_id, now=NOW)
        add_snapshot(
            session=session,
            snapshot_in=ListingSnapshotCreate(
                listing_id=listing.id,
                crawl_run_id=run.id,
                fetched_at=NOW,
                http_status=200,
                final_url=listing.url,
                html_sha256=html.sha256,
                html_size=html.size,
                text="",
                text_sha256="0" * 64,
                rendered_with_browser=False,
            ),
        )
        note_score_below_threshold(  # seen again, reworded under the threshold
            session=session, dedupe_key=alert.dedupe_key, score=0.3, threshold=0.5, now=NOW
        )
        alert_id = alert.id
    headers = {"Authorization": f"Bearer {make_token('analyst', 'read')}"}
    with (
        serve_dashboard() as served,
        httpx.Client(base_url=served.base_url, headers=headers) as http,
    ):
        yield http, alert_id, html.sha256


def test_index_lists_alerts_with_text_escaped(client: tuple[httpx.Client, int, str]) -> None:
    http, _, _ = client
    page = http.get("/")
    assert page.status_code == 200
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page.text
    assert "<script>" not in page.text and "<img src=x" not in page.text
    assert "&lt;b&gt;uk biobank&lt;/b&gt;" in page.text


def test_alert_page_shows_evidence_hashes(client: tuple[httpx.Client, int, str]) -> None:
    http, alert_id, sha = client
    page = http.get(f"/alerts/{alert_id}")
    assert page.status_code == 200
    assert sha in page.text and "<script>" not in page.text


def test_alert_page_says_when_the_listing_scored_below_the_threshold(
    client: tuple[httpx.Client, int, str],
) -> None:
    http, alert_id, _ = client
    page = http.get(f"/alerts/{alert_id}").text
    assert "rescored: 0.95 → 0.30, below the alert threshold; the alert stays as triaged" in page


def test_api_lists_and_details_alerts(client: tuple[httpx.Client, int, str]) -> None:
    http, alert_id, sha = client
    alerts = http.get("/api/alerts").json()
    assert [a["id"] for a in alerts] == [alert_id]
    assert alerts[0]["title"] == EVIL_TITLE and alerts[0]["severity"] == "critical"
    detail = http.get(f"/api/alerts/{alert_id}").json()
    assert detail["snapshots"][0]["html_sha256"] == sha
    assert [e["kind"] for e in detail["events"]] == ["created", "rescored"]
    assert detail["events"][1]["detail"]["below_threshold"] is True
    assert http.get("/api/alerts", params={"status": "resolved"}).json() == []
    assert http.get("/api/alerts/999").status_code == 404
    assert http.get("/api/alerts", params={"limit": 0}).status_code == 422
    assert http.get("/api/stats").json()["rows"]["alert"] == 1
    assert http.get("/api/health").json() == {"status": "ok"}


def test_evidence_is_a_sandboxed_download(client: tuple[httpx.Client, int, str]) -> None:
    http, _, sha = client
    blob = http.get(f"/evidence/{sha}")
    assert blob.status_code == 200
    assert blob.content == b"<html><script>steal()</script>evidence</html>"
    assert blob.headers["content-type"] == "application/octet-stream"
    assert blob.headers["x-content-type-options"] == "nosniff"
    assert "sandbox" in blob.headers["content-security-policy"]
    assert "attachment" in blob.headers["content-disposition"]


@pytest.mark.parametrize("bad", ["../../etc/passwd", "abc", "G" * 64])
def test_evidence_refuses_malformed_digests(
    client: tuple[httpx.Client, int, str], bad: str
) -> None:
    http, _, _ = client
    assert http.get(f"/evidence/{bad}").status_code in (400, 404)


def test_evidence_missing_blob_is_404(client: tuple[httpx.Client, int, str]) -> None:
    http, _, _ = client
    assert http.get(f"/evidence/{'a' * 64}").status_code == 404
