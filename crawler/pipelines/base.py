"""What every pipeline shares: the crawler it belongs to, the crawl's :class:`CrawlContext` (which
travels on the spider, never in Scrapy settings, which Scrapy logs), and the bounded thread pool
its blocking work runs on (:mod:`crawler.pipelines.blocking`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Self, TypeVar

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.statscollectors import StatsCollector

from crawler.context import CrawlContext
from crawler.pipelines.blocking import BlockingPool

T = TypeVar("T")


class ContextPipeline:
    """Base of our item pipelines."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    @property
    def context(self) -> CrawlContext:
        context = getattr(self.crawler.spider, "context", None)
        if context is None:
            raise NotConfigured(f"{type(self).__name__} needs a spider with a CrawlContext")
        return context

    @property
    def stats(self) -> StatsCollector:
        assert self.crawler.stats is not None
        return self.crawler.stats

    async def in_thread(self, function: Callable[..., T], *args: Any) -> T:
        """Run blocking ``function(*args)`` off the reactor thread, on the crawl's pool."""
        return await BlockingPool.of(self.crawler).run(function, *args)
