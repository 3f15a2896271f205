"""The in-process scheduler runs the job for each source, reports errors per source, and stops."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from crawler.errors import CrawlError
from crawler.scheduler import CrawlScheduler
from crawler.sources import SourceConfig, load_sources


def sources() -> list[SourceConfig]:
    return load_sources()


def test_run_once_runs_every_source_in_order_and_keeps_errors_apart() -> None:
    seen: list[str] = []

    def job(source: SourceConfig) -> str:
        seen.append(source.slug)
        if source.slug == "demo-forum":
            raise RuntimeError("forum down")
        return f"crawled {source.slug}"

    outcomes = CrawlScheduler(job=job).run_once(sources(), timeout=30)
    slugs = [s.slug for s in sources()]
    assert seen == slugs
    assert [o.slug for o in outcomes] == slugs
    by_slug = {o.slug: o for o in outcomes}
    assert isinstance(by_slug["demo-forum"].error, RuntimeError)
    assert by_slug["demo-marketplace"].result == "crawled demo-marketplace"
    assert by_slug["demo-marketplace"].error is None


def test_run_once_times_out_clearly() -> None:
    release = threading.Event()

    def job(source: SourceConfig) -> None:
        release.wait(5)

    scheduler = CrawlScheduler(job=job)
    try:
        with pytest.raises(CrawlError, match="did not finish"):
            scheduler.run_once(sources()[:1], timeout=0.05)
    finally:
        release.set()


def test_schedule_uses_the_source_interval() -> None:
    source = sources()[0].model_copy(update={"every_minutes": 90, "jitter_seconds": 0})
    scheduler = CrawlScheduler(job=lambda s: None)
    first = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)
    assert scheduler.schedule(source, first_run=first) == first
    assert scheduler.next_runs() == {source.slug: first}


def test_run_forever_runs_due_sources_until_stopped() -> None:
    ran: list[str] = []
    scheduler: CrawlScheduler

    def job(source: SourceConfig) -> None:
        ran.append(source.slug)
        scheduler.stop()

    scheduler = CrawlScheduler(job=job)
    scheduler.schedule(sources()[0], first_run=datetime.now(UTC) - timedelta(seconds=1))
    scheduler.run_forever()
    assert ran == [sources()[0].slug]
