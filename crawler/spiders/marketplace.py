"""Search-and-detail marketplaces (Alibaba/1688 style): search each query, walk result pages, read
every listing page, fall back to the browser for pages rendered by JavaScript."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import quote_plus

import scrapy
from scrapy.http import Response

from crawler.items import ListingItem
from crawler.sources import BrowserMode
from crawler.spiders.base import SourceSpider


class MarketplaceSpider(SourceSpider):
    """Reads a marketplace described by a source YAML with a ``search`` section."""

    name = "marketplace"

    async def start(self) -> Any:
        for request in self.search_requests():
            yield request

    def search_requests(self) -> Iterator[scrapy.Request]:
        search = self.source.search
        if search is None:
            return
        for query in search.queries:
            url = search.url.format(base=self.source.base_url, query=quote_plus(query))
            yield scrapy.Request(
                url, callback=self.parse_results, errback=self.on_error, meta={"page": 1}
            )

    def parse_results(self, response: Response) -> Iterator[scrapy.Request]:
        search = self.source.search
        assert search is not None
        self.crawler.stats.inc_value("cohortwatch/search_pages")
        for href in response.css(search.result_link).getall():
            url = self.safe_url(response, href)
            if url is None:
                continue
            if self.source.browser is BrowserMode.ALWAYS:
                yield self.browser_request(url, callback=self.parse_listing, meta={})
            else:
                yield scrapy.Request(url, callback=self.parse_listing, errback=self.on_error)
        page = response.meta.get("page", 1)
        if search.next_page and page < search.max_pages:
            next_url = self.safe_url(response, response.css(search.next_page).get())
            if next_url:
                yield scrapy.Request(
                    next_url,
                    callback=self.parse_results,
                    errback=self.on_error,
                    meta={"page": page + 1},
                )

    def parse_listing(self, response: Response) -> Iterator[scrapy.Request | ListingItem]:
        detail = self.source.detail
        rendered = bool(response.meta.get("playwright"))
        title = self.first_text(response, detail.title)
        removed = bool(detail.removed and response.css(detail.removed))
        if title is None and not removed:
            if self.source.browser is BrowserMode.FALLBACK and not rendered:
                self.crawler.stats.inc_value("cohortwatch/browser_fallback")
                yield self.browser_request(response.url, callback=self.parse_listing, meta={})
                return
            self.crawler.stats.inc_value("cohortwatch/listing_without_title")
            self.logger.warning("no title on %s; selectors may be stale", response.url)
            return
        item = ListingItem(
            source_slug=self.source.slug,
            url=response.url,
            final_url=response.url,
            http_status=response.status,
            title=title or "",
            text=self.first_text(response, detail.description) or "",
            html=response.body,
            price_text=self.first_text(response, detail.price),
            seller=self.first_text(response, detail.seller),
            seller_url=self.safe_url(response, response.css(f"{detail.seller}::attr(href)").get())
            if detail.seller
            else None,
            language=response.css("html::attr(lang)").get(),
            external_id=response.css("meta[name=offer-id]::attr(content)").get(),
            removed=removed,
            rendered_with_browser=rendered,
            screenshot=self.screenshot_of(response),
        )
        item.image_urls = self.image_urls(response, response)
        self.crawler.stats.inc_value("cohortwatch/listing_pages")
        yield from self.with_downloads(
            item, attachments=self.attachment_urls(response, response), images=item.image_urls
        )
