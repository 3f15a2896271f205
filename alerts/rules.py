"""Turns matches into alerts: one alert per listing, deduplicated, rescored when seen again.

A listing raises (or refreshes) the alert keyed ``listing:<id>`` when, in a crawl run, its text
score is at or above the threshold (the default, 0.5, is where the UK Biobank profile's verdict
turns from ``related`` to ``leak-offer``; lower it to also hear about the strongest ``related``
listings), or any of its attachments holds participant-level rows of the cohort. A linked sample is proof rather than a guess: it makes the
alert critical, adds the scanner's reasons and names the release the IDs or canaries point to.
Severity follows the score. A listing with an alert that is seen again scoring below the
threshold (reworded, or rescored by a newer matcher) keeps its alert as triage left it, and the
alert's history records the new score once (``rescored``, ``below_threshold``). Cross-listing
dedupe (the same offer relisted under a new URL) and cases come with the full alerts issue.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session

from storage.models import AlertCreate, Listing, Match, MatcherKind, Severity
from storage.queries import (
    existing_alert_keys,
    latest_matches_for_run,
    matches_for_run,
    note_score_below_threshold,
    upsert_alert,
)

SAMPLE_FOUND_VERDICT = "participant-level"
SAMPLE_FOUND_SCORE = 1.0


@dataclass(frozen=True)
class AlertRule:
    """When a match becomes an alert."""

    threshold: float = 0.5


@dataclass(frozen=True)
class RaisedAlert:
    alert_id: int
    created: bool


@dataclass
class _Evidence:
    listing: Listing
    text: Match | None = None
    samples: list[Match] = field(default_factory=list)


def severity_for(score: float) -> Severity:
    """Map a score in [0, 1] to a severity."""
    if score >= 0.9:
        return Severity.CRITICAL
    if score >= 0.75:
        return Severity.HIGH
    if score >= 0.6:
        return Severity.MEDIUM
    return Severity.LOW


def _evidence_for_run(session: Session, run_id: int) -> dict[int, _Evidence]:
    evidence: dict[int, _Evidence] = {}
    for match, listing in latest_matches_for_run(
        session=session, run_id=run_id, matcher=MatcherKind.TEXT
    ):
        evidence[match.listing_id] = _Evidence(listing, text=match)
    for match, listing in matches_for_run(
        session=session, run_id=run_id, matcher=MatcherKind.SAMPLE
    ):
        if match.verdict == SAMPLE_FOUND_VERDICT:
            evidence.setdefault(match.listing_id, _Evidence(listing)).samples.append(match)
    return evidence


def raise_alerts_for_run(
    *, session: Session, run_id: int, rule: AlertRule, now: datetime
) -> list[RaisedAlert]:
    """Raise or refresh an alert for every listing in ``run_id`` whose matches cross the rule."""
    raised: list[RaisedAlert] = []
    evidence = sorted(_evidence_for_run(session, run_id).items())
    below = {  # listings that now score under the threshold: only alerted ones are noted
        f"listing:{listing_id}": found.text.score
        for listing_id, found in evidence
        if found.text is not None and found.text.score < rule.threshold and not found.samples
    }
    for key in sorted(existing_alert_keys(session=session, dedupe_keys=below)):
        note_score_below_threshold(
            session=session, dedupe_key=key, score=below[key], threshold=rule.threshold, now=now
        )
    for listing_id, found in evidence:
        text_hit = found.text is not None and found.text.score >= rule.threshold
        if not (text_hit or found.samples):
            continue
        score = found.text.score if text_hit and found.text else 0.0
        reasons: list[str] = []  # proof first: linked samples, then the text's reasons
        release = None
        for sample in found.samples:
            score = max(score, SAMPLE_FOUND_SCORE)
            reasons.extend(sample.reasons)
            release = release or sample.release
        if text_hit and found.text:
            reasons.extend(found.text.reasons)
        alert, created = upsert_alert(
            session=session,
            alert_in=AlertCreate(
                dedupe_key=f"listing:{listing_id}",
                listing_id=listing_id,
                severity=severity_for(score),
                score=score,
                title=found.listing.title[:300],
                reasons=reasons,
                release=release,
            ),
            now=now,
        )
        assert alert.id is not None
        raised.append(RaisedAlert(alert.id, created))
    return raised
