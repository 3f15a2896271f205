"""Queries for alerts and their append-only history (``alert_event``)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from storage.enums import AlertEventKind, AlertStatus
from storage.models import Alert, AlertCreate, AlertEvent
from storage.queries._common import check_page, flush, get_or_raise, insert_unique
from storage.types import require_aware

SCORE_EPSILON = 1e-9
_REFRESHED_FIELDS = ("listing_id", "score", "severity", "title", "reasons", "release")


def upsert_alert(*, session: Session, alert_in: AlertCreate, now: datetime) -> tuple[Alert, bool]:
    """Create the alert for ``dedupe_key`` or refresh it; True when new.

    New: an ``AlertEvent(created)``. Existing: ``last_seen_at`` moves forward; listing, score,
    severity, title, reasons and release take the new values; an ``AlertEvent`` says
    ``rescored`` (the score changed) or ``seen_again``. The status is left alone: reopening a
    resolved alert is the alerts package's decision.
    """
    now = require_aware(now)
    lookup = select(Alert).where(Alert.dedupe_key == alert_in.dedupe_key)
    alert = session.exec(lookup).first()
    if alert is None:
        stamps = {"first_seen_at": now, "last_seen_at": now, "created_at": now, "updated_at": now}
        new = Alert.model_validate(alert_in, update=stamps)
        alert, created = insert_unique(session, new, lookup)
        if created:
            created_detail = {"score": alert.score, "severity": str(alert.severity)}
            _add_event(session, alert, AlertEventKind.CREATED, now=now, detail=created_detail)
            return alert, True
    detail: dict[str, Any] = {"listing_id": alert_in.listing_id}
    if abs(alert.score - alert_in.score) > SCORE_EPSILON:
        kind = AlertEventKind.RESCORED
        detail |= {"old_score": alert.score, "new_score": alert_in.score}
    else:
        kind = AlertEventKind.SEEN_AGAIN
    for field in _REFRESHED_FIELDS:
        setattr(alert, field, getattr(alert_in, field))
    if alert.case_id is None and alert_in.case_id is not None:
        alert.case_id = alert_in.case_id
    alert.last_seen_at = max(alert.last_seen_at, now)
    alert.updated_at = now
    _add_event(session, alert, kind, now=now, detail=detail)
    return alert, False


def existing_alert_keys(*, session: Session, dedupe_keys: Iterable[str]) -> set[str]:
    """Which of ``dedupe_keys`` have an alert (one query per 500 keys, not one per key)."""
    keys = list(dict.fromkeys(dedupe_keys))
    found: set[str] = set()
    for start in range(0, len(keys), 500):  # bounded IN lists
        stmt = select(Alert.dedupe_key).where(col(Alert.dedupe_key).in_(keys[start : start + 500]))
        found.update(session.exec(stmt).all())
    return found


def note_score_below_threshold(
    *, session: Session, dedupe_key: str, score: float, threshold: float, now: datetime
) -> Alert | None:
    """Record that the listing behind an existing alert now scores ``score``, below the alert
    threshold; ``None`` when there is no such alert.

    The alert keeps its score, severity, reasons and status: a listing reworded under the
    threshold is not a resolved leak (sellers reword to slip past filters), and closing it is
    triage's decision. What changes is its history: a ``rescored`` event with the old and new
    scores and ``below_threshold``, written once per new score (not on every crawl that sees
    the same text again), and ``last_seen_at``.
    """
    now = require_aware(now)
    alert = session.exec(select(Alert).where(Alert.dedupe_key == dedupe_key)).first()
    if alert is None:
        return None
    alert.last_seen_at = max(alert.last_seen_at, now)
    last = session.exec(
        select(AlertEvent)
        .where(AlertEvent.alert_id == alert.id, AlertEvent.kind == AlertEventKind.RESCORED)
        .order_by(col(AlertEvent.at).desc(), col(AlertEvent.id).desc())
    ).first()
    if (
        last is not None
        and last.detail.get("below_threshold") is True
        and abs(float(last.detail.get("new_score", -1.0)) - score) <= SCORE_EPSILON
    ):
        return alert  # this score is already in the history
    detail = {
        "old_score": alert.score,
        "new_score": score,
        "threshold": threshold,
        "below_threshold": True,
    }
    alert.updated_at = now
    _add_event(session, alert, AlertEventKind.RESCORED, now=now, detail=detail)
    return alert


def set_alert_status(
    *,
    session: Session,
    alert_id: int,
    status: AlertStatus | str,
    now: datetime,
    actor: str | None = None,
) -> Alert:
    """Change an alert's triage status and log ``status_changed`` (no-op if unchanged)."""
    alert = get_or_raise(session, Alert, alert_id)
    new_status = AlertStatus(status)
    if alert.status != new_status:
        detail = {"from": str(alert.status), "to": str(new_status)}
        alert.status = new_status
        alert.updated_at = require_aware(now)
        _add_event(
            session, alert, AlertEventKind.STATUS_CHANGED, now=now, detail=detail, actor=actor
        )
    return alert


def add_alert_event(
    *,
    session: Session,
    alert_id: int,
    kind: AlertEventKind | str,
    now: datetime,
    detail: dict[str, Any] | None = None,
    actor: str | None = None,
) -> AlertEvent:
    """Append one entry (notified, takedown_sent, listing_removed...) to an alert's history."""
    alert = get_or_raise(session, Alert, alert_id)
    return _add_event(session, alert, AlertEventKind(kind), now=now, detail=detail, actor=actor)


def get_alert(*, session: Session, alert_id: int) -> Alert | None:
    return session.get(Alert, alert_id)


def list_alerts(
    *,
    session: Session,
    status: AlertStatus | str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[Alert]:
    """Alerts, newest first, optionally only those with ``status``."""
    limit, offset = check_page(limit, offset)
    stmt = select(Alert)
    if status is not None:
        stmt = stmt.where(Alert.status == AlertStatus(status))
    stmt = stmt.order_by(col(Alert.created_at).desc(), col(Alert.id).desc())
    return list(session.exec(stmt.limit(limit).offset(offset)).all())


def list_alert_events(*, session: Session, alert_id: int) -> list[AlertEvent]:
    """An alert's history, oldest first (a timeline)."""
    stmt = (
        select(AlertEvent)
        .where(AlertEvent.alert_id == alert_id)
        .order_by(col(AlertEvent.at), col(AlertEvent.id))
    )
    return list(session.exec(stmt).all())


def _add_event(
    session: Session,
    alert: Alert,
    kind: AlertEventKind,
    *,
    now: datetime,
    detail: dict[str, Any] | None = None,
    actor: str | None = None,
) -> AlertEvent:
    if alert.id is None:
        flush(session)
    event = AlertEvent.model_validate(
        {"alert_id": alert.id, "at": now, "kind": kind, "detail": detail or {}, "actor": actor}
    )
    session.add(event)
    flush(session)
    return event
