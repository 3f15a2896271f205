"""Queries for what the crawler finds: sources, runs, listings, snapshots, attachments, matches."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from storage.enums import AttachmentKind, CrawlStatus, ListingStatus, MatcherKind, SourceKind
from storage.models import (
    Attachment,
    AttachmentCreate,
    CrawlRun,
    Listing,
    ListingCreate,
    ListingSnapshot,
    ListingSnapshotCreate,
    Match,
    MatchCreate,
    Source,
    SourceCreate,
)
from storage.models.crawl import MAX_ERROR_MESSAGE
from storage.queries._common import cap, check_page, flush, get_or_raise, insert_unique
from storage.types import require_aware

# --- sources and crawl runs -----------------------------------------------------------------


def get_or_create_source(
    *, session: Session, slug: str, name: str, kind: SourceKind | str, base_url: str
) -> Source:
    """The source with ``slug``, created if new; name, kind and URL follow the YAML file."""
    source_in = SourceCreate(slug=slug, name=name, kind=SourceKind(kind), base_url=base_url)
    lookup = select(Source).where(Source.slug == source_in.slug)
    source = session.exec(lookup).first()
    if source is None:
        source, created = insert_unique(session, Source.model_validate(source_in), lookup)
        if created:
            return source
    for field in ("name", "kind", "base_url"):
        if getattr(source, field) != getattr(source_in, field):
            setattr(source, field, getattr(source_in, field))
    flush(session)
    return source


def list_sources(*, session: Session) -> list[Source]:
    """Every source, by slug."""
    return list(session.exec(select(Source).order_by(col(Source.slug))).all())


def start_crawl_run(*, session: Session, source_id: int, now: datetime) -> CrawlRun:
    """Record that a crawl of ``source_id`` started at ``now``."""
    run = CrawlRun.model_validate(
        {"source_id": source_id, "started_at": require_aware(now), "status": CrawlStatus.RUNNING}
    )
    session.add(run)
    flush(session)
    return run


def finish_crawl_run(
    *,
    session: Session,
    run_id: int,
    status: CrawlStatus | str,
    now: datetime,
    pages_fetched: int,
    listings_seen: int,
    listings_new: int,
    attachments_fetched: int,
    error_count: int,
    error_message: str | None = None,
) -> CrawlRun:
    """Close a crawl run with its outcome and counters (``error_message`` is truncated)."""
    run = get_or_raise(session, CrawlRun, run_id)
    run.status = CrawlStatus(status)
    run.finished_at = require_aware(now)
    run.pages_fetched = pages_fetched
    run.listings_seen = listings_seen
    run.listings_new = listings_new
    run.attachments_fetched = attachments_fetched
    run.error_count = error_count
    run.error_message = cap(error_message, MAX_ERROR_MESSAGE)
    flush(session)
    return run


def list_crawl_runs(*, session: Session, limit: int = 20) -> list[CrawlRun]:
    """The most recent crawl runs, newest first."""
    limit, _ = check_page(limit)
    stmt = select(CrawlRun).order_by(col(CrawlRun.started_at).desc(), col(CrawlRun.id).desc())
    return list(session.exec(stmt.limit(limit)).all())


# --- listings and their evidence ------------------------------------------------------------

_LISTING_KEEP_IF_MISSING = ("external_id", "seller", "seller_url", "language")


def upsert_listing(
    *, session: Session, listing_in: ListingCreate, now: datetime
) -> tuple[Listing, bool]:
    """Insert a listing, or refresh the one with the same (source, url); True when new.

    An active observation moves ``last_seen_at`` forward, takes the new title and price, keeps
    known optional fields the new crawl did not find, and puts a removed listing back to
    active. A ``status=removed`` observation only marks the listing removed: the "item not
    found" page it came from says nothing about the offer.
    """
    now = require_aware(now)
    lookup = select(Listing).where(
        Listing.source_id == listing_in.source_id, Listing.url == listing_in.url
    )
    listing = session.exec(lookup).first()
    if listing is None:
        stamps: dict[str, object] = {"first_seen_at": now, "last_seen_at": now}
        if listing_in.status == ListingStatus.REMOVED:
            stamps["removed_at"] = now
        new = Listing.model_validate(listing_in, update=stamps)
        listing, created = insert_unique(session, new, lookup)
        if created:
            return listing, True
    if listing_in.status == ListingStatus.REMOVED:
        return _mark_removed(session, listing, now), False
    listing.title = listing_in.title
    listing.price_text = listing_in.price_text
    for field in _LISTING_KEEP_IF_MISSING:
        value = getattr(listing_in, field)
        if value is not None:
            setattr(listing, field, value)
    listing.last_seen_at = max(listing.last_seen_at, now)
    if listing.status == ListingStatus.REMOVED:
        listing.status = ListingStatus.ACTIVE
        listing.removed_at = None
    flush(session)
    return listing, False


def mark_listing_removed(*, session: Session, listing_id: int, now: datetime) -> Listing:
    """Record that a listing is gone (404, delisted); a no-op if it already is."""
    return _mark_removed(session, get_or_raise(session, Listing, listing_id), require_aware(now))


def _mark_removed(session: Session, listing: Listing, now: datetime) -> Listing:
    if listing.status != ListingStatus.REMOVED:
        listing.status = ListingStatus.REMOVED
        listing.removed_at = now
        flush(session)
    return listing


def get_listing(*, session: Session, listing_id: int) -> Listing | None:
    return session.get(Listing, listing_id)


def list_listings(
    *,
    session: Session,
    source_id: int | None = None,
    status: ListingStatus | str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[Listing]:
    """Listings, most recently seen first, optionally of one source and/or status."""
    limit, offset = check_page(limit, offset)
    stmt = select(Listing)
    if source_id is not None:
        stmt = stmt.where(Listing.source_id == source_id)
    if status is not None:
        stmt = stmt.where(Listing.status == ListingStatus(status))
    stmt = stmt.order_by(col(Listing.last_seen_at).desc(), col(Listing.id).desc())
    return list(session.exec(stmt.limit(limit).offset(offset)).all())


def add_snapshot(*, session: Session, snapshot_in: ListingSnapshotCreate) -> ListingSnapshot:
    """Store the evidence of one fetch and make it the listing's latest if it is the newest."""
    listing = get_or_raise(session, Listing, snapshot_in.listing_id)
    snapshot = ListingSnapshot.model_validate(snapshot_in)
    session.add(snapshot)
    flush(session)
    latest = (
        session.get(ListingSnapshot, listing.latest_snapshot_id)
        if listing.latest_snapshot_id is not None
        else None
    )
    if latest is None or snapshot.fetched_at >= latest.fetched_at:
        listing.latest_snapshot_id = snapshot.id
        flush(session)
    return snapshot


def list_snapshots(*, session: Session, listing_id: int) -> list[ListingSnapshot]:
    """A listing's snapshots, newest first."""
    stmt = (
        select(ListingSnapshot)
        .where(ListingSnapshot.listing_id == listing_id)
        .order_by(col(ListingSnapshot.fetched_at).desc(), col(ListingSnapshot.id).desc())
    )
    return list(session.exec(stmt).all())


def add_attachment(*, session: Session, attachment_in: AttachmentCreate) -> tuple[Attachment, bool]:
    """Record a fetched file once per (listing, sha256); True when new."""
    lookup = select(Attachment).where(
        Attachment.listing_id == attachment_in.listing_id,
        Attachment.sha256 == attachment_in.sha256,
    )
    existing = session.exec(lookup).first()
    if existing is not None:
        return existing, False
    return insert_unique(session, Attachment.model_validate(attachment_in), lookup)


def list_attachments(
    *, session: Session, listing_id: int, kind: AttachmentKind | str | None = None
) -> list[Attachment]:
    """A listing's attachments (optionally only files or only images), newest first."""
    stmt = select(Attachment).where(Attachment.listing_id == listing_id)
    if kind is not None:
        stmt = stmt.where(Attachment.kind == AttachmentKind(kind))
    stmt = stmt.order_by(col(Attachment.fetched_at).desc(), col(Attachment.id).desc())
    return list(session.exec(stmt).all())


def record_match(*, session: Session, match_in: MatchCreate) -> Match:
    """Store one matcher verdict."""
    match = Match.model_validate(match_in)
    session.add(match)
    flush(session)
    return match


def latest_matches_for_run(
    *, session: Session, run_id: int, matcher: MatcherKind | str | None = None
) -> list[tuple[Match, Listing]]:
    """For each listing fetched in crawl run ``run_id``: its newest match on that run's
    snapshots (optionally of one ``matcher`` kind), with the listing, by listing id."""
    stmt = (
        select(Match, Listing)
        .join(ListingSnapshot, col(Match.snapshot_id) == col(ListingSnapshot.id))
        .join(Listing, col(Match.listing_id) == col(Listing.id))
        .where(ListingSnapshot.crawl_run_id == run_id)
        .order_by(col(Match.created_at).desc(), col(Match.id).desc())
    )
    if matcher is not None:
        stmt = stmt.where(Match.matcher == MatcherKind(matcher))
    newest: dict[int, tuple[Match, Listing]] = {}
    for match, listing in session.exec(stmt).all():
        newest.setdefault(match.listing_id, (match, listing))
    return [newest[listing_id] for listing_id in sorted(newest)]


def matches_for_run(
    *, session: Session, run_id: int, matcher: MatcherKind | str | None = None
) -> list[tuple[Match, Listing]]:
    """Every match recorded on crawl run ``run_id``'s snapshots (optionally of one ``matcher``
    kind), with its listing, oldest first."""
    stmt = (
        select(Match, Listing)
        .join(ListingSnapshot, col(Match.snapshot_id) == col(ListingSnapshot.id))
        .join(Listing, col(Match.listing_id) == col(Listing.id))
        .where(ListingSnapshot.crawl_run_id == run_id)
        .order_by(col(Match.id))
    )
    if matcher is not None:
        stmt = stmt.where(Match.matcher == MatcherKind(matcher))
    return [(match, listing) for match, listing in session.exec(stmt).all()]


def list_matches(*, session: Session, listing_id: int) -> list[Match]:
    """A listing's matcher verdicts, newest first."""
    stmt = (
        select(Match)
        .where(Match.listing_id == listing_id)
        .order_by(col(Match.created_at).desc(), col(Match.id).desc())
    )
    return list(session.exec(stmt).all())
