"""Turns matches into alerts: one alert per listing, deduplicated, rescored when seen again.

A listing whose newest text match says ``leak-offer`` at or above the threshold raises (or
refreshes) the alert keyed ``listing:<id>``. Severity follows the score. Cross-listing dedupe
(the same offer relisted under a new URL) and cases come with the full alerts issue.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from storage.models import AlertCreate, Severity
from storage.queries import latest_matches_for_run, upsert_alert

LEAK_VERDICT = "leak-offer"


@dataclass(frozen=True)
class AlertRule:
    """When a match becomes an alert."""

    threshold: float = 0.6


@dataclass(frozen=True)
class RaisedAlert:
    alert_id: int
    created: bool


def severity_for(score: float) -> Severity:
    """Map a score in [0, 1] to a severity."""
    if score >= 0.9:
        return Severity.CRITICAL
    if score >= 0.75:
        return Severity.HIGH
    if score >= 0.6:
        return Severity.MEDIUM
    return Severity.LOW


def raise_alerts_for_run(
    *, session: Session, run_id: int, rule: AlertRule, now: datetime
) -> list[RaisedAlert]:
    """Raise or refresh an alert for every listing in ``run_id`` whose match crosses the rule."""
    raised: list[RaisedAlert] = []
    for match, listing in latest_matches_for_run(session=session, run_id=run_id):
        if match.verdict != LEAK_VERDICT or match.score < rule.threshold:
            continue
        assert listing.id is not None
        alert, created = upsert_alert(
            session=session,
            alert_in=AlertCreate(
                dedupe_key=f"listing:{listing.id}",
                listing_id=listing.id,
                severity=severity_for(match.score),
                score=match.score,
                title=listing.title[:300],
                reasons=list(match.reasons),
                release=match.release,
            ),
            now=now,
        )
        assert alert.id is not None
        raised.append(RaisedAlert(alert.id, created))
    return raised
