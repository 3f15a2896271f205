"""Refuses any request that leaves the source's allowed domains, is not plain http(s), or whose
host name resolves to a private, loopback, link-local or otherwise internal address.

Listing pages are written by attackers: a link, a redirect or an attachment URL may point at a
cloud metadata service, an internal host or a ``file:`` URL. Every request, redirects included,
passes through here; the refused ones are counted in ``cohortwatch/request_refused``. A source
may still name an internal address *literally* in ``allowed_domains`` (the demo marketplace on
127.0.0.1 does): an operator's explicit choice, not something a page can smuggle in.

Not covered: DNS rebinding between this check and the connection (the downloader resolves again).
"""

from __future__ import annotations

import ipaddress
import socket
from functools import lru_cache
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest

from crawler.links import host_allowed


def _is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


@lru_cache(maxsize=1024)
def resolves_internal(host: str) -> bool:
    """True when any address ``host`` resolves to is not a public unicast address."""
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return False  # unresolvable: the download fails on its own
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if not address.is_global:
            return True
    return False


class SafeRequestsMiddleware:
    """Drops requests outside the spider's ``allowed_domains`` or aimed at internal hosts."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SafeRequestsMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        spider = self.crawler.spider
        allowed = tuple(getattr(spider, "allowed_domains", None) or ())
        if not (allowed and host_allowed(request.url, allowed)):
            self._refuse("outside allowed domains", request)
        host = (urlsplit(request.url).hostname or "").lower()
        explicitly_allowed_ip = _is_ip_literal(host) and host in {d.lower() for d in allowed}
        if not explicitly_allowed_ip and resolves_internal(host):
            self._refuse("to an internal address", request)
        return None

    def _refuse(self, why: str, request: Request) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value("cohortwatch/request_refused")
        raise IgnoreRequest(f"refused request {why}: {request.url[:200]}")
