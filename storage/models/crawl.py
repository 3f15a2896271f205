"""Tables for what the crawler finds: sources, crawl runs, listings and their evidence.

A ``Listing`` is one offer page, unique per (source, url). Each fetch of it leaves a
``ListingSnapshot`` (hashes of the raw HTML and screenshot kept in the evidence store, plus the
visible text), files linked from it and its product images become ``Attachment`` rows (unique per
listing and SHA-256; ``kind`` tells them apart), and each matcher verdict on it is a ``Match`` row.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import StringConstraints
from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlmodel import Field

from storage.enums import AttachmentKind, CrawlStatus, ListingStatus, MatcherKind, SourceKind
from storage.models.base import (
    SHA256_LENGTH,
    URL_LENGTH,
    Sha256,
    StorageModel,
    Url,
    UTCTimestamp,
    capped,
)
from storage.types import StrEnumType, UTCDateTime, utc_now

MAX_ERROR_MESSAGE = 2000
MAX_TITLE = 1000
MAX_SNAPSHOT_TEXT = 200_000

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,99}$")]


# --- source ---------------------------------------------------------------------------------


class SourceBase(StorageModel):
    slug: Slug = Field(sa_type=String(100), unique=True)
    name: Annotated[str, capped(200)] = Field(sa_type=String(200))
    kind: SourceKind = Field(sa_type=StrEnumType(SourceKind))
    base_url: Url = Field(sa_type=String(URL_LENGTH))
    enabled: bool = True


class SourceCreate(SourceBase):
    """A source as declared in its YAML file."""


class Source(SourceBase, table=True):
    """A place CohortWatch crawls (a marketplace, forum, paste site, code host...)."""

    __tablename__ = "source"

    id: int | None = Field(default=None, primary_key=True)
    created_at: UTCTimestamp = Field(default_factory=utc_now, sa_type=UTCDateTime)


class SourcePublic(SourceBase):
    id: int
    created_at: datetime


# --- crawl_run ------------------------------------------------------------------------------


class CrawlRunBase(StorageModel):
    source_id: int = Field(foreign_key="source.id")
    started_at: UTCTimestamp = Field(sa_type=UTCDateTime)
    finished_at: UTCTimestamp | None = Field(default=None, sa_type=UTCDateTime)
    status: CrawlStatus = Field(default=CrawlStatus.RUNNING, sa_type=StrEnumType(CrawlStatus))
    pages_fetched: int = 0
    listings_seen: int = 0
    listings_new: int = 0
    attachments_fetched: int = 0
    error_count: int = 0
    error_message: Annotated[str, capped(MAX_ERROR_MESSAGE)] | None = Field(
        default=None, sa_type=Text
    )


class CrawlRun(CrawlRunBase, table=True):
    """One crawl of one source, recorded by the scheduler that supervised it."""

    __tablename__ = "crawl_run"
    __table_args__ = (Index("ix_crawl_run_source_id_started_at", "source_id", "started_at"),)

    id: int | None = Field(default=None, primary_key=True)


class CrawlRunPublic(CrawlRunBase):
    id: int


# --- listing --------------------------------------------------------------------------------


class ListingBase(StorageModel):
    source_id: int = Field(foreign_key="source.id")
    url: Url = Field(sa_type=String(URL_LENGTH))
    external_id: Annotated[str, capped(200)] | None = Field(default=None, sa_type=String(200))
    title: Annotated[str, capped(MAX_TITLE)] = Field(sa_type=Text)
    seller: Annotated[str, capped(300)] | None = Field(default=None, sa_type=String(300))
    seller_url: Url | None = Field(default=None, sa_type=String(URL_LENGTH))
    price_text: Annotated[str, capped(200)] = Field(default="", sa_type=String(200))
    language: Annotated[str, StringConstraints(max_length=16)] | None = Field(
        default=None, sa_type=String(16)
    )
    status: ListingStatus = Field(
        default=ListingStatus.ACTIVE, sa_type=StrEnumType(ListingStatus), index=True
    )


class ListingCreate(ListingBase):
    """A listing as the crawler parsed it; ``status=removed`` when the page says it is gone."""


class Listing(ListingBase, table=True):
    """One offer page, unique per (source, url); its history is in snapshots and alerts."""

    __tablename__ = "listing"
    __table_args__ = (
        UniqueConstraint("source_id", "url"),
        Index("ix_listing_last_seen_at", "last_seen_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    first_seen_at: UTCTimestamp = Field(sa_type=UTCDateTime)
    last_seen_at: UTCTimestamp = Field(sa_type=UTCDateTime)
    removed_at: UTCTimestamp | None = Field(default=None, sa_type=UTCDateTime)
    # listing <-> listing_snapshot is a cycle: this key is added after both tables exist.
    latest_snapshot_id: int | None = Field(
        default=None,
        sa_column_args=[ForeignKey("listing_snapshot.id", use_alter=True)],
    )


class ListingPublic(ListingBase):
    id: int
    first_seen_at: datetime
    last_seen_at: datetime
    removed_at: datetime | None
    latest_snapshot_id: int | None


# --- listing_snapshot -----------------------------------------------------------------------


class ListingSnapshotBase(StorageModel):
    listing_id: int = Field(foreign_key="listing.id", index=True)
    crawl_run_id: int | None = Field(default=None, foreign_key="crawl_run.id")
    fetched_at: UTCTimestamp = Field(sa_type=UTCDateTime)
    http_status: int
    final_url: Url = Field(sa_type=String(URL_LENGTH))
    html_sha256: Sha256 = Field(sa_type=String(SHA256_LENGTH))
    html_size: int = Field(ge=0)
    screenshot_sha256: Sha256 | None = Field(default=None, sa_type=String(SHA256_LENGTH))
    text: Annotated[str, capped(MAX_SNAPSHOT_TEXT)] = Field(default="", sa_type=Text)
    text_sha256: Sha256 = Field(sa_type=String(SHA256_LENGTH))
    rendered_with_browser: bool = False


class ListingSnapshotCreate(ListingSnapshotBase):
    """One fetch of a listing. ``text_sha256`` is the caller's hash of the full visible text."""


class ListingSnapshot(ListingSnapshotBase, table=True):
    """The evidence of one fetch: what was served, when, and the hashes to prove it."""

    __tablename__ = "listing_snapshot"

    id: int | None = Field(default=None, primary_key=True)


class ListingSnapshotPublic(ListingSnapshotBase):
    id: int


# --- attachment -----------------------------------------------------------------------------


class AttachmentBase(StorageModel):
    listing_id: int = Field(foreign_key="listing.id")
    snapshot_id: int | None = Field(default=None, foreign_key="listing_snapshot.id")
    kind: AttachmentKind = Field(
        default=AttachmentKind.FILE,
        sa_type=StrEnumType(AttachmentKind),
        sa_column_kwargs={"server_default": AttachmentKind.FILE.value},
    )
    url: Url = Field(sa_type=String(URL_LENGTH))
    filename: Annotated[str, capped(255)] = Field(sa_type=String(255))
    content_type: Annotated[str, capped(200)] = Field(
        default="application/octet-stream", sa_type=String(200)
    )
    size: int = Field(ge=0)
    sha256: Sha256 = Field(sa_type=String(SHA256_LENGTH))
    fetched_at: UTCTimestamp = Field(sa_type=UTCDateTime)


class AttachmentCreate(AttachmentBase):
    """A file or image linked from a listing, already stored in the evidence store."""


class Attachment(AttachmentBase, table=True):
    """A file (sample, schema dump...) or product image fetched from a listing; the bytes live
    in evidence. Images are evidence only: they are never scanned, and never shown inline."""

    __tablename__ = "attachment"
    __table_args__ = (UniqueConstraint("listing_id", "sha256"),)

    id: int | None = Field(default=None, primary_key=True)


class AttachmentPublic(AttachmentBase):
    id: int


# --- match ----------------------------------------------------------------------------------


class MatchBase(StorageModel):
    listing_id: int = Field(foreign_key="listing.id", index=True)
    snapshot_id: int | None = Field(default=None, foreign_key="listing_snapshot.id")
    attachment_id: int | None = Field(default=None, foreign_key="attachment.id")
    matcher: MatcherKind = Field(sa_type=StrEnumType(MatcherKind))
    matcher_version: Annotated[str, StringConstraints(max_length=32)] = Field(sa_type=String(32))
    score: float
    verdict: Annotated[str, StringConstraints(max_length=64)] = Field(sa_type=String(64))
    reasons: list[str] = Field(default_factory=list, sa_type=JSON)
    release: Annotated[str, StringConstraints(max_length=100)] | None = Field(
        default=None, sa_type=String(100)
    )
    created_at: UTCTimestamp = Field(default_factory=utc_now, sa_type=UTCDateTime)


class MatchCreate(MatchBase):
    """A matcher's verdict on a listing (or one of its snapshots / attachments)."""


class Match(MatchBase, table=True):
    """A stored matcher verdict with its score and human-readable reasons."""

    __tablename__ = "match"

    id: int | None = Field(default=None, primary_key=True)


class MatchPublic(MatchBase):
    id: int
