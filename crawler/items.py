"""What a spider hands to the pipelines: one listing page as fetched, with its attachments and
product images.

Items are plain dataclasses; every text field in them is attacker-written and stays untrusted all
the way through (escaped where shown, capped where stored). Content fields are left out of the
``repr``, because Scrapy logs an item when a pipeline fails, and samples must never reach a log.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class AttachmentItem:
    """One downloaded file offered with a listing (a "sample")."""

    url: str
    filename: str
    content_type: str
    body: bytes = field(repr=False)


@dataclass
class ImageItem:
    """One product image of a listing, already checked to be PNG, JPEG, GIF or WebP.

    ``content_type`` is what the bytes are (sniffed), not what the server claimed.
    """

    url: str
    filename: str
    content_type: str
    body: bytes = field(repr=False)


@dataclass
class ListingItem:
    """One listing page, with its raw HTML kept as evidence."""

    source_slug: str
    url: str
    final_url: str
    http_status: int
    title: str = field(repr=False)
    text: str = field(repr=False)
    html: bytes = field(repr=False)
    price_text: str | None = None
    seller: str | None = None
    seller_url: str | None = None
    language: str | None = None
    external_id: str | None = None
    removed: bool = False
    rendered_with_browser: bool = False
    screenshot: bytes | None = field(default=None, repr=False)
    image_urls: list[str] = field(default_factory=list)
    attachments: list[AttachmentItem] = field(default_factory=list, repr=False)
    images: list[ImageItem] = field(default_factory=list, repr=False)
    listing_id: int | None = None
    snapshot_id: int | None = None
    attachment_ids: dict[str, int] = field(default_factory=dict)  # sha256 -> attachment row
