"""Query functions used by the crawler, alerts and dashboard: keyword-only, session first.

Callers own the transaction (see :func:`storage.db.session_scope`): functions ``flush`` so ids
are set, but never commit. Callers pass ``now`` (an aware datetime) so tests control the clock;
a naive one raises :class:`storage.errors.NaiveDatetimeError`. Upserts are safe against a
concurrent writer inserting the same key: the insert runs in a SAVEPOINT and a unique-key clash
becomes "found the existing row". Other constraint failures (a missing parent row) raise
:class:`storage.errors.ConstraintViolationError`; an unknown id raises
:class:`storage.errors.RecordNotFoundError`.
"""

from __future__ import annotations

from storage.queries.alerts import (
    add_alert_event,
    existing_alert_keys,
    get_alert,
    list_alert_events,
    list_alerts,
    note_score_below_threshold,
    set_alert_status,
    upsert_alert,
)
from storage.queries.crawl import (
    add_attachment,
    add_snapshot,
    finish_crawl_run,
    get_listing,
    get_or_create_source,
    latest_matches_for_run,
    list_attachments,
    list_crawl_runs,
    list_listings,
    list_matches,
    list_snapshots,
    list_sources,
    mark_listing_removed,
    matches_for_run,
    record_match,
    start_crawl_run,
    upsert_listing,
)
from storage.queries.outbox import (
    due_notifications,
    enqueue_notification,
    mark_notification_failed,
    mark_notification_sent,
)
from storage.queries.stats import count_rows
from storage.queries.tokens import (
    create_api_token,
    find_api_token,
    list_api_tokens,
    revoke_api_token,
    touch_api_token,
)

__all__ = [
    "add_alert_event",
    "add_attachment",
    "add_snapshot",
    "count_rows",
    "create_api_token",
    "due_notifications",
    "enqueue_notification",
    "existing_alert_keys",
    "find_api_token",
    "finish_crawl_run",
    "get_alert",
    "get_listing",
    "get_or_create_source",
    "latest_matches_for_run",
    "list_alert_events",
    "list_alerts",
    "list_api_tokens",
    "list_attachments",
    "list_crawl_runs",
    "list_listings",
    "list_matches",
    "list_snapshots",
    "list_sources",
    "mark_listing_removed",
    "mark_notification_failed",
    "mark_notification_sent",
    "matches_for_run",
    "note_score_below_threshold",
    "record_match",
    "revoke_api_token",
    "set_alert_status",
    "start_crawl_run",
    "touch_api_token",
    "upsert_alert",
    "upsert_listing",
]
