"""Keeps the items of one listing in order: the next item for the same (source, URL) enters the
pipelines only once the previous one has left them (stored, scored, scanned, or failed).

The pipelines run their blocking work on threads (:mod:`crawler.pipelines.blocking`), so items no
longer finish in the order they arrive. Different listings still go through in parallel; two
fetches of the *same* listing (a page seen again, a browser re-render) must not race on its row,
its latest snapshot or its matches. This pipeline runs first and holds a per-listing lock, which
is released when Scrapy reports the item scraped, dropped or failed (so an error on one item is
still recorded by Scrapy as before, and never blocks the next).
"""

from __future__ import annotations

from typing import Any, Self

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.defer import DeferredLock

from crawler.items import ListingItem


class ListingOrderPipeline:
    """Admits one item per listing at a time, in arrival order (``DeferredLock`` is FIFO)."""

    def __init__(self) -> None:
        self._locks: dict[tuple[str, str], DeferredLock] = {}
        self._held: dict[int, tuple[str, str]] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        pipeline = cls()
        for signal in (signals.item_scraped, signals.item_dropped, signals.item_error):
            crawler.signals.connect(pipeline.item_done, signal=signal)
        return pipeline

    @property
    def waiting(self) -> int:
        """Items admitted or queued right now (for tests)."""
        return sum(len(lock.waiting) + int(lock.locked) for lock in self._locks.values())

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, ListingItem):
            return item
        key = (item.source_slug, item.url)
        lock = self._locks.setdefault(key, DeferredLock())
        await maybe_deferred_to_future(lock.acquire())
        self._held[id(item)] = key
        return item

    def item_done(self, item: Any, **_: Any) -> None:
        """Release the listing's lock (connected to item_scraped / item_dropped / item_error)."""
        key = self._held.pop(id(item), None)
        if key is None:
            return
        lock = self._locks[key]
        lock.release()
        if not lock.locked and not lock.waiting:
            del self._locks[key]
