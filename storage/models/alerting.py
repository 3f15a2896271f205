"""Tables for what the security team works with: cases, alerts, their history, takedowns, outbox.

An ``Alert`` is deduplicated by ``dedupe_key`` (the alerts package decides what that is); every
change to it is appended to ``AlertEvent`` so the timeline can be shown and exported. A ``Case``
groups alerts under one investigation. ``TakedownRequest`` holds the letter sent to a platform.
``NotificationOutbox`` rows are written in the same transaction as the alert they announce and
delivered at least once by the notifier, deduplicated by their own ``dedupe_key``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import StringConstraints
from sqlalchemy import JSON, Index, String, Text
from sqlmodel import Field

from storage.enums import (
    AlertEventKind,
    AlertStatus,
    CaseStatus,
    NotificationChannel,
    OutboxStatus,
    Severity,
    TakedownStatus,
)
from storage.models.base import StorageModel, UTCTimestamp, capped
from storage.types import StrEnumType, UTCDateTime, utc_now

MAX_LAST_ERROR = 2000
DedupeKey = Annotated[str, StringConstraints(min_length=1, max_length=200)]


# --- case -----------------------------------------------------------------------------------


class CaseBase(StorageModel):
    title: Annotated[str, capped(300)] = Field(sa_type=String(300))
    status: CaseStatus = Field(default=CaseStatus.OPEN, sa_type=StrEnumType(CaseStatus))
    owner_id: int | None = Field(default=None, foreign_key="app_user.id")
    notes: str = Field(default="", sa_type=Text)


class CaseCreate(CaseBase):
    """A new investigation."""


class Case(CaseBase, table=True):
    """An investigation grouping the alerts and takedowns about one leak."""

    __tablename__ = "case"

    id: int | None = Field(default=None, primary_key=True)
    created_at: UTCTimestamp = Field(default_factory=utc_now, sa_type=UTCDateTime)
    updated_at: UTCTimestamp = Field(default_factory=utc_now, sa_type=UTCDateTime)


class CasePublic(CaseBase):
    id: int
    created_at: datetime
    updated_at: datetime


# --- alert ----------------------------------------------------------------------------------


class AlertBase(StorageModel):
    dedupe_key: DedupeKey = Field(sa_type=String(200), unique=True)
    listing_id: int = Field(foreign_key="listing.id", index=True)
    case_id: int | None = Field(default=None, foreign_key="case.id", index=True)
    severity: Severity = Field(sa_type=StrEnumType(Severity))
    score: float
    title: Annotated[str, capped(500)] = Field(sa_type=String(500))
    reasons: list[str] = Field(default_factory=list, sa_type=JSON)
    release: Annotated[str, StringConstraints(max_length=100)] | None = Field(
        default=None, sa_type=String(100)
    )


class AlertCreate(AlertBase):
    """An alert as the alert rules produce it; storage deduplicates on ``dedupe_key``."""


class Alert(AlertBase, table=True):
    """A listing judged worth a human's attention, with its triage status."""

    __tablename__ = "alert"
    __table_args__ = (
        Index("ix_alert_status_last_seen_at", "status", "last_seen_at"),
        Index("ix_alert_created_at", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    status: AlertStatus = Field(default=AlertStatus.OPEN, sa_type=StrEnumType(AlertStatus))
    first_seen_at: UTCTimestamp = Field(sa_type=UTCDateTime)
    last_seen_at: UTCTimestamp = Field(sa_type=UTCDateTime)
    created_at: UTCTimestamp = Field(sa_type=UTCDateTime)
    updated_at: UTCTimestamp = Field(sa_type=UTCDateTime)


class AlertPublic(AlertBase):
    id: int
    status: AlertStatus
    first_seen_at: datetime
    last_seen_at: datetime
    created_at: datetime
    updated_at: datetime


# --- alert_event ----------------------------------------------------------------------------


class AlertEventBase(StorageModel):
    alert_id: int = Field(foreign_key="alert.id", index=True)
    at: UTCTimestamp = Field(sa_type=UTCDateTime)
    kind: AlertEventKind = Field(sa_type=StrEnumType(AlertEventKind))
    detail: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    actor: Annotated[str, capped(200)] | None = Field(default=None, sa_type=String(200))


class AlertEvent(AlertEventBase, table=True):
    """One entry of an alert's append-only history."""

    __tablename__ = "alert_event"

    id: int | None = Field(default=None, primary_key=True)


class AlertEventPublic(AlertEventBase):
    id: int


# --- takedown_request -----------------------------------------------------------------------


class TakedownRequestBase(StorageModel):
    case_id: int | None = Field(default=None, foreign_key="case.id", index=True)
    alert_id: int | None = Field(default=None, foreign_key="alert.id", index=True)
    platform: Annotated[str, StringConstraints(max_length=100)] = Field(sa_type=String(100))
    template: Annotated[str, StringConstraints(max_length=100)] = Field(sa_type=String(100))
    recipient: Annotated[str, StringConstraints(max_length=320)] = Field(sa_type=String(320))
    subject: Annotated[str, capped(500)] = Field(sa_type=String(500))
    body: str = Field(sa_type=Text)
    status: TakedownStatus = Field(
        default=TakedownStatus.DRAFT, sa_type=StrEnumType(TakedownStatus)
    )


class TakedownRequestCreate(TakedownRequestBase):
    """A rendered takedown letter, usually created as a draft."""


class TakedownRequest(TakedownRequestBase, table=True):
    """A takedown letter to a platform and what became of it."""

    __tablename__ = "takedown_request"

    id: int | None = Field(default=None, primary_key=True)
    created_at: UTCTimestamp = Field(default_factory=utc_now, sa_type=UTCDateTime)
    sent_at: UTCTimestamp | None = Field(default=None, sa_type=UTCDateTime)
    verified_removed_at: UTCTimestamp | None = Field(default=None, sa_type=UTCDateTime)


class TakedownRequestPublic(TakedownRequestBase):
    id: int
    created_at: datetime
    sent_at: datetime | None
    verified_removed_at: datetime | None


# --- notification_outbox --------------------------------------------------------------------


class NotificationOutbox(StorageModel, table=True):
    """A notification waiting to be delivered (or delivered), retried with backoff."""

    __tablename__ = "notification_outbox"
    __table_args__ = (
        Index("ix_notification_outbox_status_next_attempt_at", "status", "next_attempt_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    dedupe_key: DedupeKey = Field(sa_type=String(200), unique=True)
    channel: NotificationChannel = Field(sa_type=StrEnumType(NotificationChannel))
    payload: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    status: OutboxStatus = Field(default=OutboxStatus.PENDING, sa_type=StrEnumType(OutboxStatus))
    attempts: int = 0
    next_attempt_at: UTCTimestamp = Field(sa_type=UTCDateTime)
    last_error: Annotated[str, capped(MAX_LAST_ERROR)] | None = Field(default=None, sa_type=Text)
    created_at: UTCTimestamp = Field(sa_type=UTCDateTime)
    sent_at: UTCTimestamp | None = Field(default=None, sa_type=UTCDateTime)
