"""The in-process crawl scheduler (APScheduler): each source on its own interval, one crawl of a
source at a time, crawls run one after another by default (each is already a child process).

The scheduler does not know how a crawl is run: the caller hands it a ``job`` callable (the CLI
wires :func:`cohortwatch.wiring.crawl_source`), so it stays testable without Scrapy.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, JobExecutionEvent
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler

from crawler.errors import CrawlError
from crawler.sources import SourceConfig

logger = logging.getLogger(__name__)

CrawlJob = Callable[[SourceConfig], Any]


@dataclass(frozen=True)
class JobOutcome:
    """What one scheduled crawl returned, or the error it raised."""

    slug: str
    result: Any = None
    error: BaseException | None = None


class CrawlScheduler:
    """Runs ``job(source)`` for each source, now or on the source's interval."""

    def __init__(self, *, job: CrawlJob, max_parallel: int = 1) -> None:
        self._job = job
        self._scheduler = BackgroundScheduler(
            executors={"default": ThreadPoolExecutor(max_workers=max_parallel)},
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600},
            timezone=UTC,
        )
        self._stopped = threading.Event()

    def schedule(self, source: SourceConfig, *, first_run: datetime | None = None) -> datetime:
        """Crawl ``source`` every ``source.every_minutes``; returns its next run time."""
        job = self._scheduler.add_job(
            self._job,
            trigger="interval",
            minutes=source.every_minutes,
            jitter=source.jitter_seconds or None,
            args=[source],
            id=source.slug,
            name=f"crawl {source.slug}",
            next_run_time=first_run or datetime.now(UTC),
            replace_existing=True,
        )
        next_run: datetime = job.next_run_time
        return next_run

    def run_once(self, sources: Iterable[SourceConfig], *, timeout: float) -> list[JobOutcome]:
        """Crawl every source once, now, and wait for all of them (in the given order)."""
        pending = list(sources)
        if not pending:
            return []
        outcomes: dict[str, JobOutcome] = {}
        done = threading.Event()

        def on_event(event: JobExecutionEvent) -> None:
            slug = event.job_id.removeprefix("once:")
            outcomes[slug] = JobOutcome(slug, result=event.retval, error=event.exception)
            if len(outcomes) == len(pending):
                done.set()

        self._scheduler.add_listener(on_event, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)
        now = datetime.now(UTC)
        for offset, source in enumerate(pending):
            self._scheduler.add_job(
                self._job,
                trigger="date",
                run_date=now + timedelta(microseconds=offset),
                args=[source],
                id=f"once:{source.slug}",
                name=f"crawl {source.slug} once",
            )
        started_here = not self._scheduler.running
        if started_here:
            self._scheduler.start()
        try:
            if not done.wait(timeout):
                raise CrawlError(f"scheduled crawls did not finish within {timeout:.0f}s")
        finally:
            self._scheduler.remove_listener(on_event)
            if started_here:
                # After a timeout, leave the stuck crawl to its own (child-process) timeout.
                self._scheduler.shutdown(wait=done.is_set())
        return [outcomes[s.slug] for s in pending]

    def run_forever(self) -> None:
        """Start the schedule and block until :meth:`stop` (or Ctrl-C in the caller)."""
        self._scheduler.start()
        try:
            self._stopped.wait()
        finally:
            self._scheduler.shutdown(wait=True)

    def stop(self) -> None:
        """Make :meth:`run_forever` return once the running crawl (if any) has finished."""
        self._stopped.set()

    def next_runs(self) -> dict[str, datetime]:
        """Next run time of every scheduled source, by slug."""
        return {job.id: job.next_run_time for job in self._scheduler.get_jobs()}
