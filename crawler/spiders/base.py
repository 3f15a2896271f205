"""The base every source spider shares: config handling, safe links, text extraction, attachments.

A concrete spider only decides which pages are listings; fetching the attachments of a listing,
keeping the raw HTML and falling back to a real browser are done here, once.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urljoin, urlsplit

import scrapy
from scrapy.http import Response
from scrapy_playwright.page import PageMethod

from crawler.items import AttachmentItem, ListingItem
from crawler.links import host_allowed
from crawler.sources import SourceConfig
from crawler.text import visible_text

if TYPE_CHECKING:
    from crawler.context import CrawlContext

BROWSER_TIMEOUT_MS = 20_000


class SourceSpider(scrapy.Spider):
    """A spider driven by a :class:`SourceConfig`; subclasses implement ``start``."""

    name = "source"

    def __init__(
        self, *, source: SourceConfig, context: CrawlContext | None = None, **kwargs: Any
    ) -> None:
        super().__init__(name=source.slug, **kwargs)
        self.source = source
        self.context = context
        self.allowed_domains = list(source.allowed_domains)

    # Links -------------------------------------------------------------------------------

    def safe_url(self, response: Response, href: str | None) -> str | None:
        """Absolute URL for ``href`` if it stays inside the source's allowed domains."""
        if not href:
            return None
        url = urljoin(response.url, href.strip())
        if host_allowed(url, self.source.allowed_domains):
            return url
        self.crawler.stats.inc_value("cohortwatch/offsite_link_dropped")
        return None

    # Extraction --------------------------------------------------------------------------

    def first_text(self, scope: Any, selector: str | None) -> str | None:
        """Visible text of the first element matching ``selector`` within ``scope``."""
        if not selector:
            return None
        fragment = scope.css(selector).get()
        if fragment is None:
            return None
        text = visible_text(fragment)
        return text or None

    def browser_request(self, url: str, *, callback: Any, meta: dict[str, Any]) -> scrapy.Request:
        """A request rendered by headless Chromium that also keeps a full-page screenshot."""
        methods = []
        if self.source.browser_wait_for:
            methods.append(
                PageMethod(
                    "wait_for_selector", self.source.browser_wait_for, timeout=BROWSER_TIMEOUT_MS
                )
            )
        methods.append(PageMethod("screenshot", full_page=True, type="png"))
        return scrapy.Request(
            url,
            callback=callback,
            errback=self.on_error,
            dont_filter=True,
            meta={**meta, "playwright": True, "playwright_page_methods": methods},
        )

    @staticmethod
    def screenshot_of(response: Response) -> bytes | None:
        methods = response.meta.get("playwright_page_methods") or []
        for method in methods:
            if getattr(method, "method", None) == "screenshot" and isinstance(method.result, bytes):
                return method.result
        return None

    # Attachments -------------------------------------------------------------------------

    def attachment_urls(self, response: Response, scope: Any) -> list[str]:
        selector = self.source.detail.attachments
        if not selector or self.source.max_attachments == 0:
            return []
        urls: list[str] = []
        for href in scope.css(selector).getall():
            url = self.safe_url(response, href)
            if url is None or url in urls:
                continue
            suffix = posixpath.splitext(urlsplit(url).path.lower())[1]
            if suffix not in self.source.attachment_extensions:
                self.crawler.stats.inc_value("cohortwatch/attachment_skipped_type")
                continue
            urls.append(url)
        return urls[: self.source.max_attachments]

    def with_attachments(
        self, item: ListingItem, urls: list[str]
    ) -> Iterator[scrapy.Request | ListingItem]:
        """Fetch ``urls`` one after another into ``item``, then hand the item on."""
        if not urls:
            yield item
            return
        first, rest = urls[0], urls[1:]
        yield scrapy.Request(
            first,
            callback=self.parse_attachment,
            errback=self.on_attachment_error,
            dont_filter=True,
            meta={"listing_item": item, "pending_attachments": rest},
        )

    def parse_attachment(self, response: Response) -> Iterator[scrapy.Request | ListingItem]:
        item: ListingItem = response.meta["listing_item"]
        content_type = response.headers.get(b"Content-Type") or b"application/octet-stream"
        item.attachments.append(
            AttachmentItem(
                url=response.url,
                filename=_filename_of(response),
                content_type=content_type.decode("latin-1").split(";")[0].strip(),
                body=response.body,
            )
        )
        self.crawler.stats.inc_value("cohortwatch/attachment_fetched")
        yield from self.with_attachments(item, response.meta["pending_attachments"])

    def on_attachment_error(self, failure: Any) -> Iterator[scrapy.Request | ListingItem]:
        request = failure.request
        self.crawler.stats.inc_value("cohortwatch/attachment_failed")
        self.logger.warning("attachment %s not fetched: %s", request.url, failure.value)
        yield from self.with_attachments(
            request.meta["listing_item"], request.meta["pending_attachments"]
        )

    def on_error(self, failure: Any) -> None:
        self.crawler.stats.inc_value("cohortwatch/request_failed")
        self.logger.warning("request %s failed: %s", failure.request.url, failure.value)


def _filename_of(response: Response) -> str:
    """The attachment's name: RFC 5987 ``filename*`` first, then ``filename``, then the URL."""
    disposition = (response.headers.get(b"Content-Disposition") or b"").decode("latin-1")
    names: dict[str, str] = {}
    for part in disposition.split(";"):
        key, _, value = part.strip().partition("=")
        names[key.strip().lower()] = value.strip().strip('"')
    extended = names.get("filename*", "")
    charset, _, encoded = extended.partition("''")
    name = ""
    if encoded and charset.lower() in ("utf-8", "iso-8859-1"):
        name = unquote(encoded, encoding=charset.lower(), errors="replace")
    name = name or names.get("filename", "") or unquote(urlsplit(response.url).path)
    return posixpath.basename(name.replace("\\", "/"))[:200] or "attachment"
