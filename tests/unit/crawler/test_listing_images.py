"""Which images of a listing page the marketplace spider requests: only http(s) URLs on the
source's allowed domains, each once, at most ``max_images``; the rest are counted and never
become a request. Fetched images are kept only when their bytes are an image."""

from __future__ import annotations

from typing import Any

from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from crawler.demo.images import png_bytes
from crawler.items import ListingItem
from crawler.sources import DetailSelectors, SourceConfig
from crawler.spiders import MarketplaceSpider

BASE = "http://127.0.0.1:8765"

PAGE = f"""<html lang="en"><body>
<h1 class="offer-title">Lab freezer</h1>
<div class="offer-description"><p>-80C</p></div>
<img class="offer-image" src="/img/1-1.png">
<img class="offer-image" src="/img/1-1.png">
<img class="offer-image" src="http://localhost:9/steal.png">
<img class="offer-image" src="https://evil.example/pixel.gif">
<img class="offer-image" src="//169.254.169.254/latest/meta-data/">
<img class="offer-image" src="file:///etc/passwd">
<img class="offer-image" src="data:image/png;base64,iVBORw0KGgo=">
<img class="offer-image" src="javascript:alert(1)">
<img class="offer-image" src="">
<img class="offer-image" src="/img/{"x" * 2100}.png">
<img class="offer-image" src="/img/1-2.png">
<img class="offer-image" src="/img/1-3.png">
<a class="attachment" href="/files/1/spec.csv">spec.csv</a>
</body></html>"""


def source(**changes: Any) -> SourceConfig:
    return SourceConfig(
        slug="shop",
        name="Shop",
        kind="marketplace",
        spider="marketplace",
        base_url=BASE,
        allowed_domains=("127.0.0.1",),
        detail=DetailSelectors(
            title="h1.offer-title",
            description="div.offer-description",
            images="img.offer-image::attr(src)",
            attachments="a.attachment::attr(href)",
        ),
        **changes,
    )


def spider_for(config: SourceConfig) -> MarketplaceSpider:
    crawler = get_crawler(MarketplaceSpider)
    spider = MarketplaceSpider.from_crawler(crawler, source=config)
    crawler.spider = spider
    assert crawler.stats is not None
    crawler.stats.open_spider()
    return spider


def stat(spider: MarketplaceSpider, key: str) -> int:
    return int(spider.crawler.stats.get_value(key, 0))  # type: ignore[union-attr]


def listing_page(spider: MarketplaceSpider) -> list[Any]:
    url = f"{BASE}/offer/1.html"
    response = HtmlResponse(url, body=PAGE.encode(), encoding="utf-8", request=Request(url))
    return list(spider.parse_listing(response))


def test_off_domain_images_are_refused_without_a_request() -> None:
    spider = spider_for(source(max_images=2))
    (request,) = listing_page(spider)  # one download at a time: the attachment comes first
    assert isinstance(request, Request) and request.url == f"{BASE}/files/1/spec.csv"
    item: ListingItem = request.meta["listing_item"]
    assert item.image_urls == [f"{BASE}/img/1-1.png", f"{BASE}/img/1-2.png"]
    pending = request.meta["pending_downloads"]
    assert [url for _, url in pending] == item.image_urls
    assert stat(spider, "cohortwatch/image_refused/offsite") == 7
    assert stat(spider, "cohortwatch/image_refused/long_url") == 1
    assert stat(spider, "cohortwatch/image_refused/over_count") == 1


def test_image_requests_carry_the_size_cap_and_only_images_are_kept() -> None:
    spider = spider_for(source(max_image_bytes=4096, max_attachments=0))
    (first,) = listing_page(spider)
    assert first.url == f"{BASE}/img/1-1.png"
    assert first.meta["download_maxsize"] == 4096 and first.callback == spider.parse_image
    png = png_bytes("1-1")
    served = HtmlResponse(first.url, body=png, headers={"Content-Type": "image/png"}, request=first)
    (second,) = list(spider.parse_image(served))
    html = HtmlResponse(
        second.url,
        body=b"<html><script>alert(1)</script></html>",
        headers={"Content-Type": "text/html"},
        request=second,
    )
    (third,) = list(spider.parse_image(html))
    big = HtmlResponse(third.url, body=png + bytes(4096), request=third)
    (item,) = list(spider.parse_image(big))
    assert isinstance(item, ListingItem)
    assert [(i.url, i.content_type, i.body) for i in item.images] == [
        (f"{BASE}/img/1-1.png", "image/png", png)
    ]
    assert item.images[0].filename == "1-1.png"
    assert stat(spider, "cohortwatch/image_fetched") == 1
    assert stat(spider, "cohortwatch/image_refused/not_image") == 1
    assert stat(spider, "cohortwatch/image_refused/too_large") == 1
