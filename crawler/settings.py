"""Scrapy settings for a crawl, built from plain values (never from secrets).

Scrapy logs the settings a crawl overrides, so nothing here may carry a password or token: the
database URL travels in :class:`crawler.context.CrawlContext` instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crawler.pipelines.blocking import DEFAULT_THREADS, THREADS_SETTING
from crawler.sources import BrowserMode, SourceConfig

CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
USER_AGENT = "CohortWatch/0.1 (leak monitor; data-custodian security team)"


@dataclass(frozen=True)
class CrawlLimits:
    """Caps and politeness for one crawl."""

    timeout_seconds: float = 600.0
    max_response_bytes: int = 10 * 1024 * 1024
    download_delay: float | None = None
    log_level: str = "WARNING"
    pipeline_threads: int = DEFAULT_THREADS


def scrapy_settings(
    *, source: SourceConfig, limits: CrawlLimits, browser_path: Path | None
) -> dict[str, Any]:
    """The Scrapy settings dict for crawling ``source``."""
    settings: dict[str, Any] = {
        "BOT_NAME": "cohortwatch",
        "USER_AGENT": USER_AGENT,
        "ROBOTSTXT_OBEY": True,
        "TELNETCONSOLE_ENABLED": False,
        "LOG_LEVEL": limits.log_level,
        "DOWNLOAD_DELAY": (
            source.download_delay if limits.download_delay is None else limits.download_delay
        ),
        "CONCURRENT_REQUESTS_PER_DOMAIN": source.concurrency,
        "DOWNLOAD_MAXSIZE": limits.max_response_bytes,
        "DOWNLOAD_WARNSIZE": 0,
        "DOWNLOAD_TIMEOUT": 30,
        "RETRY_TIMES": 2,
        "CLOSESPIDER_TIMEOUT": limits.timeout_seconds,
        "COOKIES_ENABLED": False,
        "DOWNLOADER_MIDDLEWARES": {
            "crawler.middlewares.safe_requests.SafeRequestsMiddleware": 50,
        },
        THREADS_SETTING: limits.pipeline_threads,
        "ITEM_PIPELINES": {
            "crawler.pipelines.listing_order.ListingOrderPipeline": 50,
            "crawler.pipelines.store_listing.StoreListingPipeline": 100,
            "crawler.pipelines.score_listing.ScoreListingPipeline": 200,
            "crawler.pipelines.scan_attachments.ScanAttachmentsPipeline": 300,
        },
        "TWISTED_REACTOR": "twisted.internet.asyncioreactor.AsyncioSelectorReactor",
    }
    if source.browser is not BrowserMode.NEVER:
        launch: dict[str, Any] = {"headless": True, "args": list(CHROMIUM_ARGS)}
        if browser_path is not None:
            launch["executable_path"] = str(browser_path)
        settings |= {
            "DOWNLOAD_HANDLERS": {
                "http": "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler",
                "https": "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler",
            },
            "PLAYWRIGHT_BROWSER_TYPE": "chromium",
            "PLAYWRIGHT_LAUNCH_OPTIONS": launch,
            "PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT": 20_000,
            "PLAYWRIGHT_MAX_CONTEXTS": 1,
            "PLAYWRIGHT_MAX_PAGES_PER_CONTEXT": 2,
        }
    return settings
