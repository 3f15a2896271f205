"""Queries for the notification outbox: enqueue once per key, claim due rows, record outcomes.

A notifier loop calls :func:`due_notifications` (on PostgreSQL the rows are locked with
``FOR UPDATE SKIP LOCKED`` so several workers never claim the same row), delivers, then calls
:func:`mark_notification_sent` or :func:`mark_notification_failed` in the same transaction.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from storage.enums import NotificationChannel, OutboxStatus
from storage.models import NotificationOutbox
from storage.models.alerting import MAX_LAST_ERROR
from storage.queries._common import cap, check_page, flush, get_or_raise, insert_unique
from storage.types import require_aware


def enqueue_notification(
    *,
    session: Session,
    dedupe_key: str,
    channel: NotificationChannel | str,
    payload: dict[str, Any],
    now: datetime,
) -> tuple[NotificationOutbox, bool]:
    """Queue a notification unless one with ``dedupe_key`` exists; True when queued now."""
    now = require_aware(now)
    lookup = select(NotificationOutbox).where(NotificationOutbox.dedupe_key == dedupe_key)
    existing = session.exec(lookup).first()
    if existing is not None:
        return existing, False
    row = NotificationOutbox.model_validate(
        {
            "dedupe_key": dedupe_key,
            "channel": NotificationChannel(channel),
            "payload": payload,
            "status": OutboxStatus.PENDING,
            "next_attempt_at": now,
            "created_at": now,
        }
    )
    return insert_unique(session, row, lookup)


def due_notifications(
    *, session: Session, now: datetime, limit: int = 50
) -> list[NotificationOutbox]:
    """Pending notifications whose ``next_attempt_at`` has come, oldest first."""
    limit, _ = check_page(limit)
    stmt = (
        select(NotificationOutbox)
        .where(
            NotificationOutbox.status == OutboxStatus.PENDING,
            col(NotificationOutbox.next_attempt_at) <= require_aware(now),
        )
        .order_by(col(NotificationOutbox.next_attempt_at), col(NotificationOutbox.id))
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return list(session.exec(stmt).all())


def mark_notification_sent(
    *, session: Session, notification_id: int, now: datetime
) -> NotificationOutbox:
    """Record a successful delivery."""
    row = get_or_raise(session, NotificationOutbox, notification_id)
    row.status = OutboxStatus.SENT
    row.attempts += 1
    row.sent_at = require_aware(now)
    row.last_error = None
    flush(session)
    return row


def mark_notification_failed(
    *,
    session: Session,
    notification_id: int,
    now: datetime,
    error: str,
    retry_at: datetime | None,
) -> NotificationOutbox:
    """Record a failed attempt: retry at ``retry_at``, or give up (``failed``) when it is None."""
    require_aware(now)
    row = get_or_raise(session, NotificationOutbox, notification_id)
    row.attempts += 1
    row.last_error = cap(error, MAX_LAST_ERROR)
    if retry_at is None:
        row.status = OutboxStatus.FAILED
    else:
        row.status = OutboxStatus.PENDING
        row.next_attempt_at = require_aware(retry_at)
    flush(session)
    return row
