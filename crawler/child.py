"""The child-process side of a crawl: ``python -m crawler.child`` with a JSON spec on stdin.

It crawls one source with Scrapy, writes items through the pipelines, and prints one line
``COHORTWATCH_RESULT {...}`` with the finish reason and the counters. Scrapy's own log goes to
stderr, at the level the spec asks for.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from typing import Any

from scrapy.crawler import CrawlerProcess

from crawler.context import CrawlContext
from crawler.runner import RESULT_PREFIX, CrawlSpec
from crawler.settings import scrapy_settings
from crawler.spiders import SPIDERS
from matcher.fingerprint import load_fingerprint
from matcher.listing_text import UK_BIOBANK_PROFILE
from storage.db import make_engine
from storage.evidence import EvidenceStore


def _now() -> datetime:
    return datetime.now(UTC)


def crawl(spec: CrawlSpec) -> dict[str, Any]:
    """Run the crawl described by ``spec`` in this process and return its result."""
    engine = make_engine(spec.database_url)
    context = CrawlContext(
        run_id=spec.run_id,
        source_id=spec.source_id,
        engine=engine,
        evidence=EvidenceStore(spec.evidence_dir),
        profile=UK_BIOBANK_PROFILE,
        now=_now,
        fingerprint=load_fingerprint(spec.fingerprint_path) if spec.fingerprint_path else None,
        fingerprint_key=spec.fingerprint_key,
    )
    settings = scrapy_settings(
        source=spec.source, limits=spec.limits, browser_path=spec.browser_path
    )
    process = CrawlerProcess(settings, install_root_handler=True)
    crawler = process.create_crawler(SPIDERS[spec.source.spider])
    process.crawl(crawler, source=spec.source, context=context)
    process.start()
    engine.dispose()
    stats = crawler.stats.get_stats() if crawler.stats else {}
    return {
        "finish_reason": stats.get("finish_reason"),
        "stats": {k: v for k, v in stats.items() if isinstance(v, int | float | str)},
    }


def main() -> int:
    spec = CrawlSpec.from_json(sys.stdin.read())
    result = crawl(spec)
    sys.stdout.write(RESULT_PREFIX + json.dumps(result, default=str) + "\n")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
