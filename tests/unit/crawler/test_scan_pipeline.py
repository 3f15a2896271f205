"""A scanner failure on a hostile attachment becomes an ``error`` verdict, never a lost listing;
a wrong fingerprint key still stops the crawl loudly."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

import pytest
from scrapy import Spider
from scrapy.utils.test import get_crawler

import crawler.pipelines.scan_attachments as scan_module
from crawler.context import CrawlContext
from crawler.pipelines.scan_attachments import ScanAttachmentsPipeline, _reasons
from matcher.fingerprint import Fingerprint, FingerprintError
from matcher.listing_text import UK_BIOBANK_PROFILE
from matcher.scan import ScanResult
from storage.evidence import EvidenceStore


def context(tmp_path: Path) -> CrawlContext:
    return CrawlContext(
        run_id=1,
        source_id=1,
        engine=cast(Any, None),
        evidence=EvidenceStore(tmp_path),
        profile=UK_BIOBANK_PROFILE,
        now=lambda: datetime(2026, 4, 20, tzinfo=UTC),
        fingerprint=cast(Fingerprint, object()),
        fingerprint_key=b"k" * 32,
    )


def pipeline() -> ScanAttachmentsPipeline:
    return ScanAttachmentsPipeline.from_crawler(get_crawler(Spider))


def test_scanner_bug_becomes_an_error_verdict(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> ScanResult:
        raise IndexError("index 0 is out of bounds")

    monkeypatch.setattr(scan_module, "scan_bytes", broken)
    result = pipeline()._scan(b"eid,31-0.0\n1,0\n", "x.csv", context(tmp_path))
    assert result.verdict == "error" and result.error == "scanner failed: IndexError"
    reasons = _reasons("x.csv", result)
    assert "scanner failed: IndexError" in reasons[0] and "out of bounds" not in reasons[0]


def test_wrong_key_is_not_swallowed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def wrong_key(*args: object, **kwargs: object) -> ScanResult:
        raise FingerprintError("the key does not match the fingerprint")

    monkeypatch.setattr(scan_module, "scan_bytes", wrong_key)
    with pytest.raises(FingerprintError):
        pipeline()._scan(b"a,b\n1,2\n", "x.csv", context(tmp_path))
