"""The closed vocabularies of CohortWatch, as ``StrEnum`` s stored as plain strings.

A member compares equal to its string value (``AlertStatus.OPEN == "open"``), so callers may
pass either; columns load back as members.
"""

from __future__ import annotations

from enum import StrEnum


class SourceKind(StrEnum):
    """What kind of place a source is."""

    MARKETPLACE = "marketplace"
    FORUM = "forum"
    PASTE = "paste"
    CODE = "code"
    TELEGRAM = "telegram"
    API = "api"


class CrawlStatus(StrEnum):
    """Life of one crawl run; every state but ``running`` is final."""

    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    TIMED_OUT = "timed_out"


class ListingStatus(StrEnum):
    """Whether a listing was still online the last time it was checked."""

    ACTIVE = "active"
    REMOVED = "removed"


class AttachmentKind(StrEnum):
    """What an attachment row holds: a file offered with a listing, or one of its images."""

    FILE = "file"
    IMAGE = "image"


class MatcherKind(StrEnum):
    """Which matcher produced a match row."""

    TEXT = "text"
    SCHEMA = "schema"
    SAMPLE = "sample"


class CaseStatus(StrEnum):
    """Where an investigation stands."""

    OPEN = "open"
    MONITORING = "monitoring"
    CLOSED = "closed"


class AlertStatus(StrEnum):
    """Triage state of an alert."""

    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"
    FALSE_POSITIVE = "false_positive"


class Severity(StrEnum):
    """How urgent an alert is."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


class AlertEventKind(StrEnum):
    """One entry in an alert's history."""

    CREATED = "created"
    RESCORED = "rescored"
    SEEN_AGAIN = "seen_again"
    STATUS_CHANGED = "status_changed"
    NOTIFIED = "notified"
    TAKEDOWN_SENT = "takedown_sent"
    LISTING_REMOVED = "listing_removed"
    RELISTED = "relisted"


class TakedownStatus(StrEnum):
    """Progress of a takedown request."""

    DRAFT = "draft"
    SENT = "sent"
    ACKNOWLEDGED = "acknowledged"
    REMOVED = "removed"
    REJECTED = "rejected"


class NotificationChannel(StrEnum):
    """Where an outbox message is delivered."""

    SLACK = "slack"
    EMAIL = "email"
    WEBHOOK = "webhook"


class OutboxStatus(StrEnum):
    """Delivery state of an outbox message (``failed`` = gave up after retries)."""

    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


class UserRole(StrEnum):
    """What a dashboard user may do: read, triage, or administer."""

    VIEWER = "viewer"
    ANALYST = "analyst"
    ADMIN = "admin"


class TokenScope(StrEnum):
    """What an API token may do: ``read`` the dashboard and API, ``scan`` files, or everything."""

    READ = "read"
    SCAN = "scan"
    ADMIN = "admin"
