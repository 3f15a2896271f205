"""Stores each listing with its evidence: raw HTML, screenshot, attachments and product images go
to the content-addressed evidence store; the listing, a snapshot and attachment rows (``kind``
``file`` or ``image``) go to the database.

The work runs on the pipelines' thread pool. Blobs are written (and fsynced) before the database
transaction opens, so a slow disk never holds the database's write lock.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from crawler.context import CrawlContext
from crawler.items import ListingItem
from crawler.pipelines.base import ContextPipeline
from storage.db import session_scope
from storage.evidence import EvidenceRef
from storage.models import (
    AttachmentCreate,
    AttachmentKind,
    ListingCreate,
    ListingSnapshotCreate,
    ListingStatus,
)
from storage.queries import add_attachment, add_snapshot, upsert_listing

MAX_STORED_TEXT = 100_000


@dataclass(frozen=True)
class _Stored:
    created: bool
    images: int


class StoreListingPipeline(ContextPipeline):
    """Writes every :class:`ListingItem` to evidence and storage; counts new listings."""

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, ListingItem):
            return item
        stored = await self.in_thread(store_listing, self.context, item)
        stats = self.stats
        stats.inc_value("cohortwatch/listings_seen")
        if stored.created:
            stats.inc_value("cohortwatch/listings_new")
        if stored.images:
            stats.inc_value("cohortwatch/image_stored", stored.images)
        return item


def store_listing(context: CrawlContext, item: ListingItem) -> _Stored:
    """Store ``item``'s evidence and rows; sets its listing, snapshot and attachment ids."""
    now = context.now()
    html_ref = context.evidence.put(item.html)
    screenshot_sha = context.evidence.put(item.screenshot).sha256 if item.screenshot else None
    files = [(a, context.evidence.put(a.body)) for a in item.attachments]
    images = [(i, context.evidence.put(i.body)) for i in item.images]
    text = item.text[:MAX_STORED_TEXT]
    with session_scope(context.engine) as session:
        listing, created = upsert_listing(
            session=session,
            listing_in=ListingCreate(
                source_id=context.source_id,
                url=item.url,
                external_id=item.external_id,
                title=item.title[:1000],
                seller=item.seller,
                seller_url=item.seller_url,
                price_text=item.price_text or "",
                language=item.language,
                status=ListingStatus.REMOVED if item.removed else ListingStatus.ACTIVE,
            ),
            now=now,
        )
        assert listing.id is not None
        snapshot = add_snapshot(
            session=session,
            snapshot_in=ListingSnapshotCreate(
                listing_id=listing.id,
                crawl_run_id=context.run_id,
                fetched_at=now,
                http_status=item.http_status,
                final_url=item.final_url,
                html_sha256=html_ref.sha256,
                html_size=html_ref.size,
                screenshot_sha256=screenshot_sha,
                text=text,
                text_sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
                rendered_with_browser=item.rendered_with_browser,
            ),
        )
        attachment_ids: dict[str, int] = {}
        evidence: list[tuple[AttachmentKind, str, str, str, EvidenceRef]] = [
            (AttachmentKind.FILE, a.url, a.filename, a.content_type, ref) for a, ref in files
        ] + [(AttachmentKind.IMAGE, i.url, i.filename, i.content_type, ref) for i, ref in images]
        for kind, url, filename, content_type, ref in evidence:
            row, _ = add_attachment(
                session=session,
                attachment_in=AttachmentCreate(
                    listing_id=listing.id,
                    snapshot_id=snapshot.id,
                    kind=kind,
                    url=url,
                    filename=filename,
                    content_type=content_type,
                    size=ref.size,
                    sha256=ref.sha256,
                    fetched_at=now,
                ),
            )
            assert row.id is not None
            if kind is AttachmentKind.FILE:
                attachment_ids[ref.sha256] = row.id
    item.listing_id = listing.id
    item.snapshot_id = snapshot.id
    item.attachment_ids.update(attachment_ids)
    return _Stored(created=created, images=len(images))
