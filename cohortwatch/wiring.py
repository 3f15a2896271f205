"""Wiring: turns Settings into the objects the packages take (engine, evidence store, crawl specs)
and runs one crawl of one source from start to recorded end."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.engine import Engine

from alerts.rules import AlertRule, raise_alerts_for_run
from cohortwatch.errors import UsageError
from cohortwatch.keys import load_key
from cohortwatch.settings import Settings
from crawler.runner import CrawlOutcome, CrawlSpec, run_crawl
from crawler.settings import CrawlLimits
from crawler.sources import SourceConfig
from storage.db import check_connection, make_engine, session_scope
from storage.migrate import upgrade
from storage.queries import finish_crawl_run, get_or_create_source, start_crawl_run

logger = logging.getLogger(__name__)


def utcnow() -> datetime:
    return datetime.now(UTC)


def ensure_data_dir(settings: Settings) -> None:
    """Create the data dir (and its evidence folder) or say clearly why it cannot be."""
    try:
        settings.evidence_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(
            f"cannot create data dir {settings.data_dir}: {exc.strerror or exc}"
        ) from exc


def open_database(settings: Settings, *, migrate: bool = True) -> Engine:
    """An engine on the configured database, checked and (by default) migrated to head."""
    ensure_data_dir(settings)
    url = settings.resolved_database_url()
    engine = make_engine(url)
    check_connection(engine)
    if migrate:
        upgrade(url)
    return engine


@dataclass(frozen=True)
class CrawlReport:
    """What one crawl of one source did."""

    source_slug: str
    run_id: int
    outcome: CrawlOutcome
    alerts_new: int
    alerts_refreshed: int


def crawl_limits(settings: Settings) -> CrawlLimits:
    """The caps and politeness every crawl gets from the settings."""
    return CrawlLimits(
        timeout_seconds=settings.crawl_timeout_seconds,
        max_response_bytes=max(settings.max_attachment_bytes, settings.max_html_bytes),
        download_delay=settings.crawl_download_delay,
        log_level=settings.log_level,
        pipeline_threads=settings.crawl_pipeline_threads,
    )


def crawl_source(*, settings: Settings, engine: Engine, source: SourceConfig) -> CrawlReport:
    """Record a run, crawl ``source`` in a child process, finish the run, raise alerts."""
    with session_scope(engine) as session:
        source_row = get_or_create_source(
            session=session,
            slug=source.slug,
            name=source.name,
            kind=source.kind,
            base_url=source.base_url,
        )
        source_id = source_row.id
        assert source_id is not None
        run = start_crawl_run(session=session, source_id=source_id, now=utcnow())
        run_id = run.id
    assert run_id is not None
    if settings.fingerprint_path is not None and not settings.fingerprint_path.is_file():
        raise UsageError(f"fingerprint {settings.fingerprint_path} does not exist")
    spec = CrawlSpec(
        source=source,
        run_id=run_id,
        source_id=source_id,
        database_url=settings.resolved_database_url(),
        evidence_dir=settings.evidence_dir,
        browser_path=settings.resolved_browser_path(),
        limits=crawl_limits(settings),
        fingerprint_path=settings.fingerprint_path,
        fingerprint_key=(
            load_key(settings.fingerprint_key_file, settings)
            if settings.fingerprint_path is not None
            else None
        ),
    )
    logger.info("crawling %s (run %s)", source.slug, run_id)
    outcome = run_crawl(spec)
    with session_scope(engine) as session:
        finish_crawl_run(
            session=session,
            run_id=run_id,
            status=str(outcome.status),
            now=utcnow(),
            pages_fetched=outcome.count("response_received_count"),
            listings_seen=outcome.count("cohortwatch/listings_seen"),
            listings_new=outcome.count("cohortwatch/listings_new"),
            attachments_fetched=outcome.count("cohortwatch/attachment_fetched"),
            error_count=outcome.count("log_count/ERROR"),
            error_message=outcome.error,
        )
        raised = raise_alerts_for_run(
            session=session,
            run_id=run_id,
            rule=AlertRule(threshold=settings.alert_threshold),
            now=utcnow(),
        )
    return CrawlReport(
        source_slug=source.slug,
        run_id=run_id,
        outcome=outcome,
        alerts_new=sum(1 for r in raised if r.created),
        alerts_refreshed=sum(1 for r in raised if not r.created),
    )
