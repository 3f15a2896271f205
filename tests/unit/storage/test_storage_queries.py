"""Query functions on SQLite and PostgreSQL, with a controlled clock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session

from storage import queries
from storage.enums import (
    AlertEventKind,
    AlertStatus,
    CrawlStatus,
    ListingStatus,
    MatcherKind,
    NotificationChannel,
    OutboxStatus,
    Severity,
    SourceKind,
)
from storage.errors import ConstraintViolationError, NaiveDatetimeError, RecordNotFoundError
from storage.models import (
    AlertCreate,
    AttachmentCreate,
    Listing,
    ListingCreate,
    ListingSnapshotCreate,
    MatchCreate,
    Source,
    metadata,
)

T0 = datetime(2026, 4, 20, 9, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)
SHA = [f"{n:x}" * 64 for n in range(10)]


def _snapshot_in(listing: Listing, *, at: datetime, sha: str = SHA[1]) -> ListingSnapshotCreate:
    assert listing.id is not None
    return ListingSnapshotCreate(
        listing_id=listing.id,
        fetched_at=at,
        http_status=200,
        final_url=listing.url,
        html_sha256=sha,
        html_size=1234,
        text="UK Biobank 50万人 数据",
        text_sha256=SHA[2],
    )


def _alert_in(listing: Listing, *, key: str = "listing:1", score: float = 0.8) -> AlertCreate:
    assert listing.id is not None
    return AlertCreate(
        dedupe_key=key,
        listing_id=listing.id,
        severity=Severity.HIGH,
        score=score,
        title=listing.title,
        reasons=["alias hit"],
        release="app12345",
    )


# --- sources and crawl runs -----------------------------------------------------------------


def test_get_or_create_source_is_idempotent_and_follows_the_config(session: Session) -> None:
    first = queries.get_or_create_source(
        session=session, slug="xianyu", name="Xianyu", kind="marketplace", base_url="http://a/"
    )
    again = queries.get_or_create_source(
        session=session,
        slug="xianyu",
        name="闲鱼",
        kind=SourceKind.MARKETPLACE,
        base_url="http://b/",
    )
    assert again.id == first.id
    assert (again.name, again.base_url, again.kind) == ("闲鱼", "http://b/", SourceKind.MARKETPLACE)
    assert [s.slug for s in queries.list_sources(session=session)] == ["xianyu"]


def test_crawl_run_lifecycle(session: Session, source: Source) -> None:
    assert source.id is not None
    run = queries.start_crawl_run(session=session, source_id=source.id, now=T0)
    assert (run.status, run.started_at, run.finished_at) == (CrawlStatus.RUNNING, T0, None)
    done = queries.finish_crawl_run(
        session=session,
        run_id=run.id or 0,
        status="failed",
        now=T0 + HOUR,
        pages_fetched=7,
        listings_seen=5,
        listings_new=2,
        attachments_fetched=1,
        error_count=3,
        error_message="boom " * 1000,
    )
    session.commit()
    assert done.status is CrawlStatus.FAILED
    assert done.finished_at == T0 + HOUR
    assert (done.pages_fetched, done.listings_seen, done.listings_new) == (7, 5, 2)
    assert done.error_message is not None and len(done.error_message) == 2000
    later = queries.start_crawl_run(session=session, source_id=source.id, now=T0 + 2 * HOUR)
    runs = queries.list_crawl_runs(session=session, limit=20)
    assert [r.id for r in runs] == [later.id, run.id]
    with pytest.raises(RecordNotFoundError, match="crawl_run"):
        queries.finish_crawl_run(
            session=session,
            run_id=999,
            status="succeeded",
            now=T0,
            pages_fetched=0,
            listings_seen=0,
            listings_new=0,
            attachments_fetched=0,
            error_count=0,
        )


def test_start_crawl_run_for_a_missing_source_is_a_constraint_error(session: Session) -> None:
    with pytest.raises(ConstraintViolationError):
        queries.start_crawl_run(session=session, source_id=4242, now=T0)


# --- listings -------------------------------------------------------------------------------


def test_upsert_listing_inserts_then_refreshes(
    session: Session, source: Source, make_listing: Callable[..., Listing]
) -> None:
    first = make_listing(seller="seller-1", language="zh")
    assert first.first_seen_at == T0 and first.last_seen_at == T0
    assert first.status is ListingStatus.ACTIVE
    listing_in = ListingCreate(
        source_id=source.id or 0,
        url=first.url,
        title="UK Biobank 2026 full",
        price_text="¥ 1500",
    )
    again, created = queries.upsert_listing(session=session, listing_in=listing_in, now=T0 + HOUR)
    session.commit()
    assert created is False
    assert again.id == first.id
    assert (again.title, again.price_text) == ("UK Biobank 2026 full", "¥ 1500")
    assert (again.seller, again.language) == ("seller-1", "zh")  # kept: not in the new crawl
    assert again.first_seen_at == T0
    assert again.last_seen_at == T0 + HOUR
    # An older observation arriving late never moves last_seen_at backwards.
    queries.upsert_listing(session=session, listing_in=listing_in, now=T0 - HOUR)
    assert again.last_seen_at == T0 + HOUR
    assert len(queries.list_listings(session=session)) == 1


def test_upsert_listing_reports_new_rows(session: Session, source: Source) -> None:
    listing_in = ListingCreate(source_id=source.id or 0, url="http://x/2", title="t")
    _, created = queries.upsert_listing(session=session, listing_in=listing_in, now=T0)
    assert created is True


def test_removed_listing_seen_again_is_active(
    session: Session, listing: Listing, source: Source
) -> None:
    removed = queries.mark_listing_removed(
        session=session, listing_id=listing.id or 0, now=T0 + HOUR
    )
    assert (removed.status, removed.removed_at) == (ListingStatus.REMOVED, T0 + HOUR)
    queries.mark_listing_removed(session=session, listing_id=listing.id or 0, now=T0 + 5 * HOUR)
    assert removed.removed_at == T0 + HOUR  # first removal time is kept
    listing_in = ListingCreate(source_id=source.id or 0, url=listing.url, title=listing.title)
    back, created = queries.upsert_listing(
        session=session, listing_in=listing_in, now=T0 + 9 * HOUR
    )
    assert created is False
    assert (back.status, back.removed_at) == (ListingStatus.ACTIVE, None)


def test_list_listings_filters_and_orders(
    session: Session, make_listing: Callable[..., Listing]
) -> None:
    other = queries.get_or_create_source(
        session=session, slug="forum", name="Forum", kind="forum", base_url="http://f/"
    )
    old = make_listing(url="http://x/old", now=T0)
    new = make_listing(url="http://x/new", now=T0 + HOUR)
    elsewhere = make_listing(source_id=other.id, url="http://f/1", now=T0 + 2 * HOUR)
    queries.mark_listing_removed(session=session, listing_id=old.id or 0, now=T0 + 3 * HOUR)
    session.commit()
    assert [x.id for x in queries.list_listings(session=session)] == [elsewhere.id, new.id, old.id]
    assert [x.id for x in queries.list_listings(session=session, source_id=other.id)] == [
        elsewhere.id
    ]
    removed = queries.list_listings(session=session, status="removed")
    assert [x.id for x in removed] == [old.id]
    assert [x.id for x in queries.list_listings(session=session, limit=1, offset=1)] == [new.id]
    assert queries.get_listing(session=session, listing_id=new.id or 0) == new
    assert queries.get_listing(session=session, listing_id=9999) is None
    with pytest.raises(ValueError, match="limit"):
        queries.list_listings(session=session, limit=0)


# --- evidence rows --------------------------------------------------------------------------


def test_add_snapshot_sets_latest_only_for_the_newest(session: Session, listing: Listing) -> None:
    first = queries.add_snapshot(session=session, snapshot_in=_snapshot_in(listing, at=T0))
    assert listing.latest_snapshot_id == first.id
    newer = queries.add_snapshot(
        session=session, snapshot_in=_snapshot_in(listing, at=T0 + HOUR, sha=SHA[3])
    )
    late_old = queries.add_snapshot(
        session=session, snapshot_in=_snapshot_in(listing, at=T0 - HOUR, sha=SHA[4])
    )
    session.commit()
    assert listing.latest_snapshot_id == newer.id
    snapshots = queries.list_snapshots(session=session, listing_id=listing.id or 0)
    assert [s.id for s in snapshots] == [newer.id, first.id, late_old.id]
    assert snapshots[0].text == "UK Biobank 50万人 数据"
    assert snapshots[0].fetched_at == T0 + HOUR


def test_add_snapshot_for_a_missing_listing(session: Session, listing: Listing) -> None:
    bad = _snapshot_in(listing, at=T0).model_copy(update={"listing_id": 9999})
    with pytest.raises(RecordNotFoundError):
        queries.add_snapshot(session=session, snapshot_in=bad)


def test_add_attachment_dedupes_on_listing_and_hash(session: Session, listing: Listing) -> None:
    def attachment(url: str, sha: str) -> AttachmentCreate:
        return AttachmentCreate(
            listing_id=listing.id or 0,
            url=url,
            filename="sample.csv",
            content_type="text/csv",
            size=42,
            sha256=sha,
            fetched_at=T0,
        )

    first, created = queries.add_attachment(session=session, attachment_in=attachment("u1", SHA[5]))
    same, created_again = queries.add_attachment(
        session=session, attachment_in=attachment("u2", SHA[5])
    )
    other, created_other = queries.add_attachment(
        session=session, attachment_in=attachment("u3", SHA[6])
    )
    session.commit()
    assert (created, created_again, created_other) == (True, False, True)
    assert same.id == first.id and same.url == "u1"
    assert {
        a.id for a in queries.list_attachments(session=session, listing_id=listing.id or 0)
    } == {
        first.id,
        other.id,
    }


def test_record_and_list_matches(session: Session, listing: Listing) -> None:
    for n, matcher in enumerate([MatcherKind.TEXT, MatcherKind.SCHEMA]):
        queries.record_match(
            session=session,
            match_in=MatchCreate(
                listing_id=listing.id or 0,
                matcher=matcher,
                matcher_version="1.0",
                score=0.5 + n / 10,
                verdict="likely",
                reasons=[f"reason {n}"],
                created_at=T0 + n * HOUR,
            ),
        )
    session.commit()
    matches = queries.list_matches(session=session, listing_id=listing.id or 0)
    assert [m.matcher for m in matches] == [MatcherKind.SCHEMA, MatcherKind.TEXT]
    assert matches[0].reasons == ["reason 1"]
    assert matches[0].score == pytest.approx(0.6)


# --- alerts ---------------------------------------------------------------------------------


def test_upsert_alert_dedupes_and_logs_events(session: Session, listing: Listing) -> None:
    alert, created = queries.upsert_alert(session=session, alert_in=_alert_in(listing), now=T0)
    assert created is True
    assert (alert.status, alert.first_seen_at, alert.last_seen_at) == (AlertStatus.OPEN, T0, T0)
    same, created = queries.upsert_alert(
        session=session, alert_in=_alert_in(listing), now=T0 + HOUR
    )
    assert created is False and same.id == alert.id
    rescored, _ = queries.upsert_alert(
        session=session, alert_in=_alert_in(listing, score=0.95), now=T0 + 2 * HOUR
    )
    session.commit()
    assert rescored.score == pytest.approx(0.95)
    assert rescored.first_seen_at == T0
    assert rescored.last_seen_at == T0 + 2 * HOUR
    events = queries.list_alert_events(session=session, alert_id=alert.id or 0)
    kinds = [e.kind for e in events]
    assert kinds == [AlertEventKind.CREATED, AlertEventKind.SEEN_AGAIN, AlertEventKind.RESCORED]
    assert events[2].detail["old_score"] == pytest.approx(0.8)
    assert events[2].detail["new_score"] == pytest.approx(0.95)
    assert [e.at for e in events] == [T0, T0 + HOUR, T0 + 2 * HOUR]


def test_alert_status_changes_are_logged(session: Session, listing: Listing) -> None:
    alert, _ = queries.upsert_alert(session=session, alert_in=_alert_in(listing), now=T0)
    queries.set_alert_status(
        session=session, alert_id=alert.id or 0, status="acknowledged", now=T0 + HOUR, actor="ana"
    )
    queries.set_alert_status(
        session=session, alert_id=alert.id or 0, status=AlertStatus.ACKNOWLEDGED, now=T0 + HOUR
    )
    queries.add_alert_event(
        session=session,
        alert_id=alert.id or 0,
        kind="notified",
        now=T0 + HOUR,
        detail={"channel": "slack"},
    )
    session.commit()
    assert alert.status is AlertStatus.ACKNOWLEDGED
    assert alert.updated_at == T0 + HOUR
    events = queries.list_alert_events(session=session, alert_id=alert.id or 0)
    assert [e.kind for e in events] == ["created", "status_changed", "notified"]
    assert events[1].detail == {"from": "open", "to": "acknowledged"}
    assert events[1].actor == "ana"
    with pytest.raises(RecordNotFoundError):
        queries.add_alert_event(session=session, alert_id=999, kind="notified", now=T0)
    with pytest.raises(ValueError):
        queries.add_alert_event(session=session, alert_id=alert.id or 0, kind="nope", now=T0)


def test_list_alerts_newest_first_with_status_filter(
    session: Session, make_listing: Callable[..., Listing]
) -> None:
    ids = []
    for n in range(3):
        listing = make_listing(url=f"http://x/{n}")
        alert, _ = queries.upsert_alert(
            session=session, alert_in=_alert_in(listing, key=f"k{n}"), now=T0 + n * HOUR
        )
        ids.append(alert.id)
    queries.set_alert_status(session=session, alert_id=ids[1] or 0, status="resolved", now=T0)
    session.commit()
    assert [a.id for a in queries.list_alerts(session=session)] == ids[::-1]
    assert [a.id for a in queries.list_alerts(session=session, status="open")] == [ids[2], ids[0]]
    assert [a.id for a in queries.list_alerts(session=session, limit=1, offset=1)] == [ids[1]]
    assert queries.get_alert(session=session, alert_id=ids[0] or 0) is not None
    assert queries.get_alert(session=session, alert_id=999) is None


def test_queries_refuse_naive_now(session: Session, listing: Listing) -> None:
    with pytest.raises(NaiveDatetimeError):
        queries.upsert_alert(
            session=session, alert_in=_alert_in(listing), now=datetime(2026, 4, 20, 9)
        )


# --- outbox and counts ----------------------------------------------------------------------


def test_outbox_enqueue_dedupes_and_tracks_delivery(session: Session) -> None:
    row, created = queries.enqueue_notification(
        session=session,
        dedupe_key="alert:1:created",
        channel="slack",
        payload={"text": "new alert"},
        now=T0,
    )
    again, created_again = queries.enqueue_notification(
        session=session,
        dedupe_key="alert:1:created",
        channel=NotificationChannel.SLACK,
        payload={"text": "other"},
        now=T0 + HOUR,
    )
    assert (created, created_again) == (True, False)
    assert again.id == row.id and again.payload == {"text": "new alert"}
    queries.enqueue_notification(
        session=session, dedupe_key="alert:2:created", channel="email", payload={}, now=T0 + HOUR
    )
    session.commit()

    due = queries.due_notifications(session=session, now=T0)
    assert [d.id for d in due] == [row.id]
    failed = queries.mark_notification_failed(
        session=session,
        notification_id=row.id or 0,
        now=T0,
        error="HTTP 500",
        retry_at=T0 + 2 * HOUR,
    )
    assert (failed.status, failed.attempts, failed.last_error) == (
        OutboxStatus.PENDING,
        1,
        "HTTP 500",
    )
    session.commit()
    due_later = queries.due_notifications(session=session, now=T0 + HOUR)
    assert [d.dedupe_key for d in due_later] == ["alert:2:created"]
    sent = queries.mark_notification_sent(
        session=session, notification_id=row.id or 0, now=T0 + 3 * HOUR
    )
    assert (sent.status, sent.attempts, sent.sent_at, sent.last_error) == (
        OutboxStatus.SENT,
        2,
        T0 + 3 * HOUR,
        None,
    )
    gave_up = queries.mark_notification_failed(
        session=session, notification_id=due_later[0].id or 0, now=T0, error="x", retry_at=None
    )
    session.commit()
    assert gave_up.status is OutboxStatus.FAILED
    assert queries.due_notifications(session=session, now=T0 + 10 * HOUR) == []


def test_count_rows_covers_every_table(session: Session, listing: Listing) -> None:
    queries.upsert_alert(session=session, alert_in=_alert_in(listing), now=T0)
    session.commit()
    counts = queries.count_rows(session=session)
    assert set(counts) == set(metadata.tables)
    assert counts["source"] == 1
    assert counts["listing"] == 1
    assert counts["alert"] == 1
    assert counts["alert_event"] == 1
    assert counts["match"] == 0


def test_a_removed_observation_only_marks_the_listing_removed(
    session: Session, listing: Listing, source: Source
) -> None:
    gone = ListingCreate(
        source_id=source.id or 0,
        url=listing.url,
        title="该商品已下架",
        price_text="",
        status=ListingStatus.REMOVED,
    )
    removed, created = queries.upsert_listing(session=session, listing_in=gone, now=T0 + HOUR)
    assert created is False
    assert (removed.status, removed.removed_at) == (ListingStatus.REMOVED, T0 + HOUR)
    assert removed.title == "UK Biobank full dataset 500k participants"  # not the 404 text
    assert removed.last_seen_at == T0
    fresh, created = queries.upsert_listing(
        session=session,
        listing_in=gone.model_copy(update={"url": "http://x/never-seen-alive"}),
        now=T0 + HOUR,
    )
    assert created is True
    assert (fresh.status, fresh.removed_at) == (ListingStatus.REMOVED, T0 + HOUR)


def test_latest_matches_for_run_gives_each_listings_newest_match_in_that_run(
    session: Session, source: Source, make_listing: Callable[..., Listing]
) -> None:
    assert source.id is not None
    run_1 = queries.start_crawl_run(session=session, source_id=source.id, now=T0)
    run_2 = queries.start_crawl_run(session=session, source_id=source.id, now=T0 + HOUR)
    first, second = make_listing(url="http://x/a"), make_listing(url="http://x/b")

    def fetch_and_match(listing: Listing, run_id: int | None, score: float, at: datetime) -> None:
        snapshot = queries.add_snapshot(
            session=session,
            snapshot_in=_snapshot_in(listing, at=at).model_copy(update={"crawl_run_id": run_id}),
        )
        for matcher in (MatcherKind.TEXT, MatcherKind.SCHEMA):
            queries.record_match(
                session=session,
                match_in=MatchCreate(
                    listing_id=listing.id or 0,
                    snapshot_id=snapshot.id,
                    matcher=matcher,
                    matcher_version="1",
                    score=score,
                    verdict="leak-offer",
                    created_at=at,
                ),
            )

    fetch_and_match(first, run_1.id, 0.1, T0)
    fetch_and_match(first, run_2.id, 0.7, T0 + HOUR)
    fetch_and_match(first, run_2.id, 0.9, T0 + 2 * HOUR)
    fetch_and_match(second, run_1.id, 0.5, T0)
    session.commit()

    in_run_2 = queries.latest_matches_for_run(session=session, run_id=run_2.id or 0, matcher="text")
    assert [(listing.id, match.score, match.matcher) for match, listing in in_run_2] == [
        (first.id, pytest.approx(0.9), MatcherKind.TEXT)
    ]
    in_run_1 = queries.latest_matches_for_run(session=session, run_id=run_1.id or 0)
    assert [(listing.id, match.score) for match, listing in in_run_1] == [
        (first.id, pytest.approx(0.1)),
        (second.id, pytest.approx(0.5)),
    ]
    assert queries.latest_matches_for_run(session=session, run_id=999) == []
