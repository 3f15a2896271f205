"""Stores each listing with its evidence: raw HTML, screenshot and attachments go to the
content-addressed evidence store; the listing, a snapshot and attachment rows go to the database."""

from __future__ import annotations

import hashlib
from typing import Any

from crawler.items import ListingItem
from crawler.pipelines.base import ContextPipeline
from storage.db import session_scope
from storage.models import (
    AttachmentCreate,
    ListingCreate,
    ListingSnapshotCreate,
    ListingStatus,
)
from storage.queries import add_attachment, add_snapshot, upsert_listing

MAX_STORED_TEXT = 100_000


class StoreListingPipeline(ContextPipeline):
    """Writes every :class:`ListingItem` to evidence and storage; counts new listings."""

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, ListingItem):
            return item
        context = self.context
        stats = self.stats
        now = context.now()
        html_ref = context.evidence.put(item.html)
        screenshot_sha = context.evidence.put(item.screenshot).sha256 if item.screenshot else None
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
            for attachment in item.attachments:
                ref = context.evidence.put(attachment.body)
                row, _ = add_attachment(
                    session=session,
                    attachment_in=AttachmentCreate(
                        listing_id=listing.id,
                        snapshot_id=snapshot.id,
                        url=attachment.url,
                        filename=attachment.filename,
                        content_type=attachment.content_type,
                        size=ref.size,
                        sha256=ref.sha256,
                        fetched_at=now,
                    ),
                )
                assert row.id is not None
                item.attachment_ids[ref.sha256] = row.id

            item.listing_id = listing.id
            item.snapshot_id = snapshot.id
        stats.inc_value("cohortwatch/listings_seen")
        if created:
            stats.inc_value("cohortwatch/listings_new")
        return item
