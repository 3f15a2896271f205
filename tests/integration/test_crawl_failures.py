"""A crawl that cannot reach its source is recorded as failed, with the first error, not a hang."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from cohortwatch.settings import Settings
from cohortwatch.wiring import crawl_source, open_database
from crawler.items import AttachmentItem, ListingItem
from crawler.runner import CrawlStatus
from crawler.sources import load_sources
from crawler.sources.config import BUILTIN_DIR
from storage.db import session_scope
from storage.queries import list_crawl_runs

pytestmark = pytest.mark.slow


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_unreachable_source_fails_with_the_first_error(settings: Settings) -> None:
    source = {s.slug: s for s in load_sources()}["demo-telegram"].with_base_url(
        f"http://127.0.0.1:{closed_port()}"
    )
    engine = open_database(settings)
    try:
        report = crawl_source(settings=settings, engine=engine, source=source)
        with session_scope(engine) as session:
            (run,) = list_crawl_runs(session=session)
            status, message = run.status, run.error_message
    finally:
        engine.dispose()
    assert report.outcome.status is CrawlStatus.FAILED
    assert status == "failed" and message and "Connection refused" in message
    assert report.alerts_new == 0


def test_items_never_show_content_in_their_repr() -> None:
    item = ListingItem(
        source_slug="s",
        url="http://127.0.0.1/x",
        final_url="http://127.0.0.1/x",
        http_status=200,
        title="SECRET-TITLE",
        text="SECRET-TEXT",
        html=b"SECRET-HTML",
        attachments=[AttachmentItem("u", "f.csv", "text/csv", b"eid,31-0.0\n1234567,0")],
    )
    shown = repr(item)
    assert "SECRET" not in shown and "1234567" not in shown
    assert "http://127.0.0.1/x" in shown


def test_crawl_command_exits_2_when_a_crawl_fails(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("COHORTWATCH_")}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "cohortwatch",
            "--data-dir",
            str(tmp_path / "d"),
            "crawl",
            "--source",
            str(BUILTIN_DIR / "demo-telegram.yaml"),
            "--base-url",
            f"http://127.0.0.1:{closed_port()}",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Connection" in result.stdout and "Traceback" not in result.stderr
