"""Public channel previews (t.me/s/<channel> style): every message block is a listing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import scrapy
from scrapy.http import Response

from crawler.items import ListingItem
from crawler.spiders.base import SourceSpider


class TelegramPreviewSpider(SourceSpider):
    """Reads the messages of the channels listed in a source's ``channel`` section."""

    name = "telegram_preview"

    async def start(self) -> Any:
        channel = self.source.channel
        if channel is None:
            return
        for name in channel.channels:
            url = channel.url.format(base=self.source.base_url, channel=name)
            yield scrapy.Request(url, callback=self.parse_channel, errback=self.on_error)

    def parse_channel(self, response: Response) -> Iterator[scrapy.Request | ListingItem]:
        channel = self.source.channel
        assert channel is not None
        detail = self.source.detail
        for block in response.css(channel.message):
            permalink = self.safe_url(response, block.css(channel.permalink).get())
            text = self.first_text(block, detail.description) or ""
            if permalink is None or not text:
                continue
            item = ListingItem(
                source_slug=self.source.slug,
                url=permalink,
                final_url=response.url,
                http_status=response.status,
                title=text[:120],
                text=text,
                html=block.get().encode("utf-8"),
                language=response.css("html::attr(lang)").get(),
                external_id=permalink.rsplit("/", 1)[-1],
            )
            item.image_urls = self.image_urls(response, block)
            self.crawler.stats.inc_value("cohortwatch/listing_pages")
            yield from self.with_downloads(
                item, attachments=self.attachment_urls(response, block), images=item.image_urls
            )
