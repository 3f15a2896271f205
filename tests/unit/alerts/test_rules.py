"""Matches become alerts: only leak offers at or above the threshold, one alert per listing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from alerts.rules import AlertRule, raise_alerts_for_run, severity_for
from storage.db import make_engine, session_scope
from storage.migrate import upgrade
from storage.models import (
    ListingCreate,
    ListingSnapshotCreate,
    MatchCreate,
    MatcherKind,
    Severity,
)
from storage.queries import (
    add_snapshot,
    get_or_create_source,
    list_alert_events,
    list_alerts,
    record_match,
    start_crawl_run,
    upsert_listing,
)

NOW = datetime(2026, 4, 20, 9, 0, tzinfo=UTC)


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    url = f"sqlite:///{tmp_path / 'cw.db'}"
    upgrade(url)
    engine = make_engine(url)
    yield engine
    engine.dispose()


def crawl_once(engine: Engine, verdicts: dict[str, tuple[str, float]], now: datetime) -> int:
    """Record one run in which each URL was seen with the given (verdict, score)."""
    with session_scope(engine) as session:
        source = get_or_create_source(
            session=session, slug="s", name="S", kind="marketplace", base_url="http://127.0.0.1:1"
        )
        assert source.id is not None
        run = start_crawl_run(session=session, source_id=source.id, now=now)
        assert run.id is not None
        for url, (verdict, score) in verdicts.items():
            listing, _ = upsert_listing(
                session=session,
                listing_in=ListingCreate(source_id=source.id, url=url, title=f"title of {url}"),
                now=now,
            )
            assert listing.id is not None
            snapshot = add_snapshot(
                session=session,
                snapshot_in=ListingSnapshotCreate(
                    listing_id=listing.id,
                    crawl_run_id=run.id,
                    fetched_at=now,
                    http_status=200,
                    final_url=url,
                    html_sha256="a" * 64,
                    html_size=1,
                    text="",
                    text_sha256="b" * 64,
                    rendered_with_browser=False,
                ),
            )
            record_match(
                session=session,
                match_in=MatchCreate(
                    listing_id=listing.id,
                    snapshot_id=snapshot.id,
                    matcher=MatcherKind.TEXT,
                    matcher_version="t",
                    score=score,
                    verdict=verdict,
                    reasons=[f"because {url}"],
                    created_at=now,
                ),
            )
        return run.id


@pytest.mark.parametrize(
    ("score", "severity"),
    [(0.95, Severity.CRITICAL), (0.8, Severity.HIGH), (0.6, Severity.MEDIUM), (0.3, Severity.LOW)],
)
def test_severity_follows_score(score: float, severity: Severity) -> None:
    assert severity_for(score) is severity


def test_only_leak_offers_over_threshold_alert_and_repeat_runs_dedupe(engine: Engine) -> None:
    seen = {
        "http://127.0.0.1:1/leak": ("leak-offer", 0.9),
        "http://127.0.0.1:1/weak-leak": ("leak-offer", 0.55),
        "http://127.0.0.1:1/related": ("related", 0.45),
        "http://127.0.0.1:1/noise": ("unrelated", 0.0),
    }
    run = crawl_once(engine, seen, NOW)
    with session_scope(engine) as session:
        raised = raise_alerts_for_run(
            session=session, run_id=run, rule=AlertRule(threshold=0.6), now=NOW
        )
        assert [r.created for r in raised] == [True]
        (alert,) = list_alerts(session=session)
        assert alert.title == "title of http://127.0.0.1:1/leak"
        assert alert.reasons == ["because http://127.0.0.1:1/leak"]
        assert alert.severity == Severity.CRITICAL

    later = NOW + timedelta(hours=6)
    run2 = crawl_once(engine, {**seen, "http://127.0.0.1:1/leak": ("leak-offer", 0.8)}, later)
    with session_scope(engine) as session:
        raised = raise_alerts_for_run(
            session=session, run_id=run2, rule=AlertRule(threshold=0.6), now=later
        )
        assert [r.created for r in raised] == [False]
        (alert,) = list_alerts(session=session)
        assert alert.score == 0.8 and alert.severity == Severity.HIGH
        assert alert.last_seen_at == later and alert.first_seen_at == NOW
        assert alert.id is not None
        kinds = [e.kind for e in list_alert_events(session=session, alert_id=alert.id)]
        assert sorted(kinds) == ["created", "rescored"]


def test_a_lower_threshold_also_alerts_on_strong_related_listings(engine: Engine) -> None:
    run = crawl_once(engine, {"http://127.0.0.1:1/related": ("related", 0.45)}, NOW)
    with session_scope(engine) as session:
        raised = raise_alerts_for_run(
            session=session, run_id=run, rule=AlertRule(threshold=0.4), now=NOW
        )
        assert [r.created for r in raised] == [True]


def test_threshold_is_respected(engine: Engine) -> None:
    run = crawl_once(engine, {"http://127.0.0.1:1/leak": ("leak-offer", 0.7)}, NOW)
    with session_scope(engine) as session:
        assert (
            raise_alerts_for_run(
                session=session, run_id=run, rule=AlertRule(threshold=0.75), now=NOW
            )
            == []
        )


def test_an_alerted_listing_scoring_below_the_threshold_keeps_its_alert_and_says_so(
    engine: Engine,
) -> None:
    """A seller rewording a listing under the threshold does not close or downgrade its alert;
    the alert's history records the new score, once per new score."""
    url = "http://127.0.0.1:1/leak"
    rule = AlertRule(threshold=0.6)
    with session_scope(engine) as session:
        raise_alerts_for_run(
            session=session, run_id=crawl_once(engine, {url: ("leak-offer", 0.9)}, NOW), rule=rule,
            now=NOW,
        )  # fmt: skip
    for hours, score in ((6, 0.3), (12, 0.3), (18, 0.2)):
        later = NOW + timedelta(hours=hours)
        run = crawl_once(engine, {url: ("related", score)}, later)
        with session_scope(engine) as session:
            assert raise_alerts_for_run(session=session, run_id=run, rule=rule, now=later) == []
    with session_scope(engine) as session:
        (alert,) = list_alerts(session=session)
        assert alert.score == 0.9 and alert.severity == Severity.CRITICAL
        assert alert.status == "open"
        assert alert.last_seen_at == NOW + timedelta(hours=18)
        assert alert.id is not None
        events = list_alert_events(session=session, alert_id=alert.id)
        assert [e.kind for e in events] == ["created", "rescored", "rescored"]
        assert [e.detail["new_score"] for e in events[1:]] == [0.3, 0.2]
        assert all(e.detail["below_threshold"] and e.detail["old_score"] == 0.9 for e in events[1:])


def test_a_listing_never_alerted_scoring_below_the_threshold_raises_nothing(
    engine: Engine,
) -> None:
    run = crawl_once(engine, {"http://127.0.0.1:1/related": ("related", 0.3)}, NOW)
    with session_scope(engine) as session:
        assert raise_alerts_for_run(session=session, run_id=run, rule=AlertRule(), now=NOW) == []
        assert list_alerts(session=session) == []
