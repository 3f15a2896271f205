"""``cohortwatch demo``: the whole flow on one machine against the demo marketplace.

Generate a small synthetic cohort released to three applications and its keyed fingerprint,
serve the demo marketplace on 127.0.0.1 with samples cut from one release, crawl every demo source
through the scheduler (each crawl in a child process, attachments scanned against the
fingerprint), raise alerts, and report what was found against the marketplace's ground truth
(which listings are planted leak offers, which are near misses, which release leaked). It also
makes a ``read`` token called ``demo`` (replacing the previous run's) to log in to the dashboard.
"""

from __future__ import annotations

from collections import Counter
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy.engine import Engine

from cohortwatch.commands.demo import DEMO_PORT
from cohortwatch.demo_cohort import prepare_demo_cohort
from cohortwatch.settings import Settings
from cohortwatch.wiring import CrawlReport, crawl_source, open_database, utcnow
from crawler.demo import Catalogue, DemoMarketplace, build_catalogue
from crawler.demo.errors import DemoServerError
from crawler.scheduler import CrawlScheduler
from crawler.sources import SourceConfig, load_sources
from dashboard.tokens import issue_token
from storage.db import session_scope
from storage.enums import TokenScope
from storage.errors import RecordNotFoundError
from storage.models import Alert, Listing
from storage.queries import count_rows, get_listing, list_alerts, list_matches, revoke_api_token

DEMO_SOURCES = ("demo-marketplace", "demo-telegram", "demo-forum")
DEMO_TOKEN_NAME = "demo"  # noqa: S105 - a token name, not a token
CRAWL_GRACE_SECONDS = 120


@dataclass(frozen=True)
class DemoResult:
    """What the demo did and how it compares with the planted ground truth."""

    cohort_path: Path
    reports: tuple[CrawlReport, ...]
    alerts: tuple[Alert, ...]
    listings: dict[int, Listing]
    counts: dict[str, int]
    planted_leaks: int
    leaks_found: int
    near_misses_alerted: int
    noise_alerted: int
    leaked_release: str
    samples_linked: int
    releases_named: dict[str, int]
    dashboard_token: str


def make_demo_token(engine: Engine) -> str:
    """A new ``read`` token called ``demo`` (the previous one is revoked); shown once."""
    now = utcnow()
    with session_scope(engine) as session:
        with suppress(RecordNotFoundError):  # the first run has none to replace
            revoke_api_token(session=session, name=DEMO_TOKEN_NAME, now=now)
        made, _ = issue_token(
            session=session, name=DEMO_TOKEN_NAME, scopes=[TokenScope.READ], now=now
        )
    return made.text


def label_of(catalogue: Catalogue, url: str) -> str | None:
    """Ground-truth label of the demo listing at ``url`` (None when it is not one)."""
    return catalogue.label_for_path(urlsplit(url).path)


def _start_marketplace(catalogue: Catalogue, port: int) -> DemoMarketplace:
    """The demo marketplace on ``port``, or on any free one when that is taken."""
    market = DemoMarketplace(catalogue, port=port)
    try:
        market.start()
    except DemoServerError:
        market = DemoMarketplace(catalogue)
        market.start()
    return market


def _crawl_with_scheduler(
    settings: Settings, engine: Engine, sources: list[SourceConfig]
) -> tuple[CrawlReport, ...]:
    """Crawl each source once through the in-process scheduler, as ``watch`` would."""
    scheduler = CrawlScheduler(
        job=lambda source: crawl_source(settings=settings, engine=engine, source=source)
    )
    timeout = len(sources) * (settings.crawl_timeout_seconds + CRAWL_GRACE_SECONDS)
    outcomes = scheduler.run_once(sources, timeout=timeout)
    for outcome in outcomes:
        if outcome.error is not None:
            raise outcome.error
    return tuple(outcome.result for outcome in outcomes)


def run_demo(settings: Settings, *, port: int = DEMO_PORT) -> DemoResult:
    """Run the demo end to end and compare its alerts with the planted ground truth."""
    engine: Engine = open_database(settings)
    try:
        cohort = prepare_demo_cohort(settings)
        catalogue = build_catalogue(
            sample_header=cohort.sample_header, sample_rows=cohort.sample_rows
        )
        crawl_settings = settings.model_copy(
            update={
                "fingerprint_path": cohort.fingerprint_path,
                "fingerprint_key_file": cohort.key_path,
            }
        )
        sources = [s for s in load_sources() if s.slug in DEMO_SOURCES]
        market = _start_marketplace(catalogue, port)
        try:
            reports = _crawl_with_scheduler(
                crawl_settings, engine, [s.with_base_url(market.base_url) for s in sources]
            )
        finally:
            market.stop()
        with session_scope(engine) as session:
            alerts = tuple(list_alerts(session=session, limit=1000))
            listings = {
                a.listing_id: listing
                for a in alerts
                if (listing := get_listing(session=session, listing_id=a.listing_id)) is not None
            }
            counts = count_rows(session=session)
            linked = [
                match
                for listing_id in listings
                for match in list_matches(session=session, listing_id=listing_id)
                if match.matcher == "sample" and match.verdict == "participant-level"
            ]
            for listing in listings.values():
                session.expunge(listing)
            for alert in alerts:
                session.expunge(alert)
        dashboard_token = make_demo_token(engine)
    finally:
        engine.dispose()
    alerted = Counter(label_of(catalogue, listing.url) for listing in listings.values())
    return DemoResult(
        cohort_path=cohort.cohort_path,
        reports=reports,
        alerts=alerts,
        listings=listings,
        counts=counts,
        planted_leaks=catalogue.count_label("leak"),
        leaks_found=alerted["leak"],
        near_misses_alerted=alerted["near_miss"],
        noise_alerted=alerted["noise"],
        leaked_release=cohort.leaked_release,
        samples_linked=len({m.attachment_id for m in linked}),
        # per attachment, not per match: a demo run again on the same data dir scans them again
        releases_named=dict(
            Counter(r for _, r in {(m.attachment_id, m.release or "none") for m in linked})
        ),
        dashboard_token=dashboard_token,
    )
