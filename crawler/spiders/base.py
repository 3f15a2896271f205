"""The base every source spider shares: config handling, safe links, text extraction, attachments
and images.

A concrete spider only decides which pages are listings; fetching the attachments and product
images of a listing, keeping the raw HTML and falling back to a real browser are done here, once.
Images are fetched only from the source's allowed domains (an off-domain ``src`` is counted and
never requested), capped in number and size, and kept only if their bytes are an image.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urljoin, urlsplit

import scrapy
from scrapy.exceptions import DownloadCancelledError, IgnoreRequest
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy_playwright.page import PageMethod
from twisted.internet.defer import CancelledError

from crawler.images import ACCEPT_HEADER, MAX_URL_CHARS, ImageRefusal, check_image
from crawler.items import AttachmentItem, ImageItem, ListingItem
from crawler.links import host_allowed
from crawler.sources import SourceConfig
from crawler.text import visible_text

if TYPE_CHECKING:
    from crawler.context import CrawlContext

BROWSER_TIMEOUT_MS = 20_000
_ATTACHMENT = "attachment"
_IMAGE = "image"


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

    # Attachments and images ---------------------------------------------------------------

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

    def image_urls(self, response: Response, scope: Any) -> list[str]:
        """The listing's image URLs worth fetching: on the allowed domains, at most
        ``max_images``; the others are counted as refused and never requested."""
        selector = self.source.detail.images
        if not selector:
            return []
        urls: list[str] = []
        for src in scope.css(selector).getall():
            url = urljoin(response.url, src.strip()) if src.strip() else ""
            if not host_allowed(url, self.source.allowed_domains):
                self._refuse_image(ImageRefusal.OFFSITE)
            elif len(url) > MAX_URL_CHARS:
                self._refuse_image(ImageRefusal.LONG_URL)
            elif url not in urls:
                urls.append(url)
        for _ in urls[self.source.max_images :]:
            self._refuse_image(ImageRefusal.OVER_COUNT)
        return urls[: self.source.max_images]

    def with_downloads(
        self, item: ListingItem, *, attachments: list[str], images: list[str] | None = None
    ) -> Iterator[scrapy.Request | ListingItem]:
        """Fetch the attachments, then the images, one after another into ``item``, then hand
        the item on (with whatever could be fetched)."""
        pending = [(_ATTACHMENT, u) for u in attachments] + [(_IMAGE, u) for u in images or []]
        yield from self._next_download(item, pending)

    def _next_download(
        self, item: ListingItem, pending: list[tuple[str, str]]
    ) -> Iterator[scrapy.Request | ListingItem]:
        if not pending:
            yield item
            return
        (kind, url), rest = pending[0], pending[1:]
        meta: dict[str, Any] = {"listing_item": item, "pending_downloads": rest}
        if kind == _IMAGE:
            yield scrapy.Request(
                url,
                callback=self.parse_image,
                errback=self.on_image_error,
                dont_filter=True,
                headers={"Accept": ACCEPT_HEADER},
                meta=meta | {"download_maxsize": self.source.max_image_bytes},
            )
        else:
            yield scrapy.Request(
                url,
                callback=self.parse_attachment,
                errback=self.on_attachment_error,
                dont_filter=True,
                meta=meta,
            )

    def parse_attachment(self, response: Response) -> Iterator[scrapy.Request | ListingItem]:
        item: ListingItem = response.meta["listing_item"]
        item.attachments.append(
            AttachmentItem(
                url=response.url,
                filename=_filename_of(response),
                content_type=_content_type(response) or "application/octet-stream",
                body=response.body,
            )
        )
        self.crawler.stats.inc_value("cohortwatch/attachment_fetched")
        yield from self._next_download(item, response.meta["pending_downloads"])

    def on_attachment_error(self, failure: Any) -> Iterator[scrapy.Request | ListingItem]:
        request = failure.request
        self.crawler.stats.inc_value("cohortwatch/attachment_failed")
        self.logger.warning("attachment %s not fetched: %s", request.url, failure.value)
        yield from self._next_download(
            request.meta["listing_item"], request.meta["pending_downloads"]
        )

    def parse_image(self, response: Response) -> Iterator[scrapy.Request | ListingItem]:
        item: ListingItem = response.meta["listing_item"]
        checked = check_image(
            response.body,
            content_type=_content_type(response),
            max_bytes=self.source.max_image_bytes,
        )
        if isinstance(checked, ImageRefusal):
            self._refuse_image(checked)
        else:
            item.images.append(
                ImageItem(
                    url=response.url,
                    filename=_filename_of(response, default="image"),
                    content_type=checked,
                    body=response.body,
                )
            )
            self.crawler.stats.inc_value("cohortwatch/image_fetched")
        yield from self._next_download(item, response.meta["pending_downloads"])

    def on_image_error(self, failure: Any) -> Iterator[scrapy.Request | ListingItem]:
        request = failure.request
        if failure.check(HttpError):
            self.crawler.stats.inc_value("cohortwatch/image_failed")
        elif failure.check(IgnoreRequest):
            self._refuse_image(ImageRefusal.BLOCKED)
        elif failure.check(DownloadCancelledError, CancelledError):  # cut off at download_maxsize
            self._refuse_image(ImageRefusal.TOO_LARGE)
        else:
            self.crawler.stats.inc_value("cohortwatch/image_failed")
            self.logger.warning("image %s not fetched: %s", request.url, failure.value)
        yield from self._next_download(
            request.meta["listing_item"], request.meta["pending_downloads"]
        )

    def _refuse_image(self, reason: ImageRefusal) -> None:
        self.crawler.stats.inc_value(f"cohortwatch/image_refused/{reason}")

    def on_error(self, failure: Any) -> None:
        self.crawler.stats.inc_value("cohortwatch/request_failed")
        self.logger.warning("request %s failed: %s", failure.request.url, failure.value)


def _content_type(response: Response) -> str:
    """The response's declared media type (no parameters), or "" when it declares none."""
    raw = response.headers.get(b"Content-Type") or b""
    return raw.decode("latin-1").split(";")[0].strip()


def _filename_of(response: Response, *, default: str = "attachment") -> str:
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
    return posixpath.basename(name.replace("\\", "/"))[:200] or default
