"""Scans each stored listing's attachments against the cohort fingerprint and records one
``sample`` match per attachment: does it hold participant-level rows of our cohort, and which
released copy do its IDs or canaries point to?

Switched off (items pass through) when the crawl has no fingerprint. Samples are leaked data:
only the verdict, counts and reasons are kept, never a row. Product images are not scanned.

Scans run on the pipelines' thread pool, one item at a time: the scanner's numba kernels are
already parallel, and numba's default (workqueue) threading layer must never be entered from two
threads at once.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from scrapy.crawler import Crawler
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.defer import DeferredLock

from crawler.context import CrawlContext
from crawler.items import ListingItem
from crawler.pipelines.base import ContextPipeline
from matcher.fingerprint import FingerprintError
from matcher.scan import ScanResult, scan_bytes
from storage.db import session_scope
from storage.models import MatchCreate, MatcherKind
from storage.queries import record_match

logger = logging.getLogger(__name__)

SCANNER_VERSION = "scan-1"
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
            or not item.attachments
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
        """Scan every attachment, record one match each, return the verdicts (blocking)."""
        assert item.listing_id is not None
        verdicts: list[str] = []
        for attachment in item.attachments:
            result = self._scan(attachment.body, attachment.filename, context)
            verdicts.append(result.verdict)
            sha = hashlib.sha256(attachment.body).hexdigest()
            with session_scope(context.engine) as session:
                record_match(
                    session=session,
                    match_in=MatchCreate(
                        listing_id=item.listing_id,
                        snapshot_id=item.snapshot_id,
                        attachment_id=item.attachment_ids.get(sha),
                        matcher=MatcherKind.SAMPLE,
                        matcher_version=SCANNER_VERSION,
                        score=VERDICT_SCORES.get(result.verdict, 0.0),
                        verdict=result.verdict,
                        reasons=_reasons(attachment.filename, result),
                        release=result.release,
                        created_at=context.now(),
                    ),
                )
        return verdicts

    def _scan(self, body: bytes, filename: str, context: CrawlContext) -> ScanResult:
        """The scanner's verdict; a scanner bug becomes an ``error`` verdict, not a lost item."""
        assert context.fingerprint is not None and context.fingerprint_key is not None
        try:
            return scan_bytes(
                body,
                filename=filename,
                fingerprint=context.fingerprint,
                key=context.fingerprint_key,
            )
        except FingerprintError:
            raise  # a wrong key: every attachment would fail; stop loudly
        except Exception as exc:  # the sample is hostile input; keep the listing either way
            logger.warning("scanner failed on an attachment: %s", type(exc).__name__)
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
