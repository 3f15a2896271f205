"""Refuses any request that leaves the source's allowed domains or is not plain http(s).

Listing pages are written by attackers: a link, a redirect or an attachment URL may point at a
cloud metadata service, an internal host or a ``file:`` URL. Every request, redirects included,
passes through here; the refused ones are counted in ``cohortwatch/request_refused``.
"""

from __future__ import annotations

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest

from crawler.links import host_allowed


class SafeRequestsMiddleware:
    """Drops requests outside the spider's ``allowed_domains``."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SafeRequestsMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        spider = self.crawler.spider
        allowed = tuple(getattr(spider, "allowed_domains", None) or ())
        if allowed and host_allowed(request.url, allowed):
            return None
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value("cohortwatch/request_refused")
        raise IgnoreRequest(f"refused request outside allowed domains: {request.url[:200]}")
