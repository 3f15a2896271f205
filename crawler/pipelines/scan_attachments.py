"""Scans each stored listing's attachments against the cohort fingerprint and records one
``sample`` match per attachment: does it hold participant-level rows of our cohort, and which
released copy do its IDs or canaries point to? Tables pasted into the listing itself (a pipe
table in its text, an HTML table in its page) are scanned too, and recorded unless ``clean``.

Switched off (items pass through) when the crawl has no fingerprint. Samples are leaked data:
only the verdict, counts and reasons are kept, never a row. Product images are not scanned.

Scans run on the pipelines' thread pool, one item at a time: the scanner's numba kernels are
already parallel, and numba's default (workqueue) threading layer must never be entered from two
threads at once.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from typing import Any

from scrapy.crawler import Crawler
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.defer import DeferredLock

from crawler.context import CrawlContext
from crawler.items import ListingItem
from crawler.pipelines.base import ContextPipeline
from matcher.fingerprint import FingerprintError
from matcher.scan import ScanResult, scan_bytes, scan_listing
from storage.db import session_scope
from storage.models import MatchCreate, MatcherKind
from storage.queries import record_match

logger = logging.getLogger(__name__)

SCANNER_VERSION = "scan-1"
LISTING_PAGE = "listing page"  # the name the tables a listing shows are recorded under
VERDICT_SCORES = {"participant-level": 1.0, "cohort-schema": 0.5, "aggregate": 0.2}


class ScanAttachmentsPipeline(ContextPipeline):
    """Runs the sample scanner on every attachment of a stored listing."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self._one_scan_at_a_time = DeferredLock()

    async def process_item(self, item: Any) -> Any:
        context: CrawlContext | None = getattr(self.crawler.spider, "context", None)
        if (
            not isinstance(item, ListingItem)
            or item.listing_id is None
            or not (item.attachments or _may_show_tables(item))
            or context is None
            or context.fingerprint is None
            or context.fingerprint_key is None
        ):
            return item
        await maybe_deferred_to_future(self._one_scan_at_a_time.acquire())
        try:
            verdicts = await self.in_thread(self.scan_and_record, context, item)
        finally:
            self._one_scan_at_a_time.release()
        for verdict in verdicts:
            self.stats.inc_value(f"cohortwatch/sample/{verdict}")
        return item

    def scan_and_record(self, context: CrawlContext, item: ListingItem) -> list[str]:
        """Scan every attachment and the tables the listing shows; record a match for each
        attachment, and for the listing's tables unless clean; return the verdicts (blocking)."""
        verdicts: list[str] = []
        for attachment in item.attachments:
            result = self._scan(attachment.body, attachment.filename, context)
            verdicts.append(result.verdict)
            sha = hashlib.sha256(attachment.body).hexdigest()
            attachment_id = item.attachment_ids.get(sha)
            self._record(context, item, attachment.filename, result, attachment_id)
        shown = self._scan_listing(item, context) if _may_show_tables(item) else None
        if shown is not None and shown.verdict != "clean":
            verdicts.append(shown.verdict)
            self._record(context, item, LISTING_PAGE, shown, None)
        return verdicts

    def _record(
        self,
        context: CrawlContext,
        item: ListingItem,
        name: str,
        result: ScanResult,
        attachment_id: int | None,
    ) -> None:
        assert item.listing_id is not None
        with session_scope(context.engine) as session:
            record_match(
                session=session,
                match_in=MatchCreate(
                    listing_id=item.listing_id,
                    snapshot_id=item.snapshot_id,
                    attachment_id=attachment_id,
                    matcher=MatcherKind.SAMPLE,
                    matcher_version=SCANNER_VERSION,
                    score=VERDICT_SCORES.get(result.verdict, 0.0),
                    verdict=result.verdict,
                    reasons=_reasons(name, result),
                    release=result.release,
                    created_at=context.now(),
                ),
            )

    def _scan(self, body: bytes, filename: str, context: CrawlContext) -> ScanResult:
        """The scanner's verdict on an attachment (see :func:`_guarded`)."""
        assert context.fingerprint is not None and context.fingerprint_key is not None
        fp, key = context.fingerprint, context.fingerprint_key
        result = _guarded(
            filename, lambda: scan_bytes(body, filename=filename, fingerprint=fp, key=key)
        )
        assert result is not None
        return result

    def _scan_listing(self, item: ListingItem, context: CrawlContext) -> ScanResult | None:
        """The scanner's verdict on the tables the listing shows (None: it shows none)."""
        assert context.fingerprint is not None and context.fingerprint_key is not None
        fp, key = context.fingerprint, context.fingerprint_key
        return _guarded(
            LISTING_PAGE, lambda: scan_listing(item.text, item.html, fingerprint=fp, key=key)
        )


def _may_show_tables(item: ListingItem) -> bool:
    """A cheap test before the scan: a pipe table needs pipes, an HTML table or a preformatted
    block (an aligned table in a code block) its tag."""
    html = item.html.lower()
    return item.text.count("|") >= 4 or b"<table" in html or b"<pre" in html


def _guarded(filename: str, scan: Callable[[], ScanResult | None]) -> ScanResult | None:
    """``scan()``; a scanner bug becomes an ``error`` verdict, not a lost item."""
    try:
        return scan()
    except FingerprintError:
        raise  # a wrong key: every attachment would fail; stop loudly
    except Exception as exc:  # the sample is hostile input; keep the listing either way
        logger.warning("scanner failed: %s", type(exc).__name__)
        return ScanResult(
            file=filename, verdict="error", error=f"scanner failed: {type(exc).__name__}"
        )


def _reasons(filename: str, result: ScanResult) -> list[str]:
    head = (
        f"sample {filename}: {result.verdict}, {result.linked_rows} of {result.rows} rows "
        f"linked (chance alone: {result.expected_chance_links:.3g})"
    )
    if result.release:
        head += f"; IDs point to release {result.release}"
    if result.error:
        head += f"; {result.error}"
    return [head, *(f"sample {filename}: {r}" for r in result.reasons)]
