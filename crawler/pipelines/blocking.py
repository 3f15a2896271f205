"""A bounded thread pool for the pipelines' blocking work (database writes, evidence files, the
scanner), so the Twisted reactor keeps downloading while an item is being stored.

One pool per crawler, shared by every pipeline, of ``COHORTWATCH_PIPELINE_THREADS`` threads (a
Scrapy setting, default 4, which a crawl takes from the ``crawl_pipeline_threads`` setting,
``COHORTWATCH_CRAWL_PIPELINE_THREADS``); it is separate from the reactor's own pool, which Scrapy
uses for DNS lookups, so a slow database never stalls name resolution. Work that raises comes back
as the same exception in the awaiting pipeline, so Scrapy records the item as failed exactly as
before. The pool stops when the engine does (every item is finished by then), or with the reactor.

Functions run here must not touch Scrapy objects (stats, signals, the spider): count in the
pipeline, on the reactor thread, after ``await``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar
from weakref import WeakKeyDictionary

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.threads import deferToThreadPool
from twisted.python.threadpool import ThreadPool

T = TypeVar("T")

THREADS_SETTING = "COHORTWATCH_PIPELINE_THREADS"
DEFAULT_THREADS = 4

_POOLS: WeakKeyDictionary[Crawler, BlockingPool] = WeakKeyDictionary()


class BlockingPool:
    """Runs blocking functions on a bounded pool of threads and awaits their results."""

    def __init__(self, *, threads: int, name: str = "cohortwatch-pipelines") -> None:
        if threads < 1:
            raise ValueError("a blocking pool needs at least one thread")
        self._pool = ThreadPool(minthreads=0, maxthreads=threads, name=name)
        self._pool.start()

    @classmethod
    def of(cls, crawler: Crawler) -> BlockingPool:
        """The crawler's pool, started on first use and stopped with the engine."""
        pool = _POOLS.get(crawler)
        if pool is None:
            from twisted.internet import reactor

            threads = crawler.settings.getint(THREADS_SETTING, DEFAULT_THREADS)
            pool = _POOLS[crawler] = cls(threads=threads)
            crawler.signals.connect(pool.stop, signal=signals.engine_stopped)
            # Also on a reactor stop that skips the engine (a crash), so no thread is left behind.
            reactor.addSystemEventTrigger("during", "shutdown", pool.stop)  # type: ignore[arg-type]
        return pool

    @property
    def max_threads(self) -> int:
        return int(self._pool.max)

    async def run(self, function: Callable[..., T], *args: Any) -> T:
        """``function(*args)`` on a pool thread; its exception, if any, is raised here."""
        from twisted.internet import reactor

        deferred = deferToThreadPool(reactor, self._pool, function, *args)
        result: T = await maybe_deferred_to_future(deferred)
        return result

    def stop(self) -> None:
        """Wait for running work and end the threads (idempotent)."""
        if self._pool.started:
            self._pool.stop()
