"""Links outside a source's allowed domains are refused; text extraction drops scripts."""

from __future__ import annotations

import pytest
from scrapy import Request, Spider
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.test import get_crawler

from crawler.links import host_allowed
from crawler.middlewares.safe_requests import SafeRequestsMiddleware, resolves_internal
from crawler.text import visible_text

ALLOWED = ("example.com", "127.0.0.1")


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://example.com/a", True),
        ("https://shop.example.com/a", True),
        ("http://127.0.0.1:8080/x", True),
        ("https://evil-example.com/", False),
        ("https://example.com.evil.net/", False),
        ("http://169.254.169.254/latest/meta-data/", False),
        ("file:///etc/passwd", False),
        ("ftp://example.com/x", False),
        ("javascript:alert(1)", False),
        ("http://localhost/", False),
    ],
)
def test_host_allowed(url: str, ok: bool) -> None:
    assert host_allowed(url, ALLOWED) is ok


class _Spider(Spider):
    name = "t"
    allowed_domains = ["example.com"]  # noqa: RUF012 - Scrapy reads a list


def _middleware() -> tuple[SafeRequestsMiddleware, object]:
    crawler = get_crawler(_Spider)
    crawler.spider = crawler._create_spider()
    return SafeRequestsMiddleware.from_crawler(crawler), crawler


def test_middleware_passes_allowed_and_counts_refusals() -> None:
    middleware, crawler = _middleware()
    crawler.stats.open_spider()  # type: ignore[attr-defined]
    assert middleware.process_request(Request("https://example.com/offer/1")) is None
    with pytest.raises(IgnoreRequest, match="outside allowed domains"):
        middleware.process_request(Request("http://10.0.0.5/admin"))
    assert crawler.stats.get_value("cohortwatch/request_refused") == 1  # type: ignore[attr-defined]


class _LocalSpider(Spider):
    name = "local"
    allowed_domains = ["localhost", "127.0.0.1"]  # noqa: RUF012 - Scrapy reads a list


@pytest.mark.parametrize(
    ("url", "refused"),
    [
        ("http://127.0.0.1:8765/offer/1.html", False),  # named literally: the operator's choice
        ("http://localhost:8765/offer/1.html", True),  # a name that resolves to loopback
    ],
)
def test_names_resolving_to_internal_addresses_are_refused(url: str, refused: bool) -> None:
    crawler = get_crawler(_LocalSpider)
    crawler.spider = crawler._create_spider()
    crawler.stats.open_spider()  # type: ignore[union-attr]
    middleware = SafeRequestsMiddleware.from_crawler(crawler)
    if refused:
        with pytest.raises(IgnoreRequest, match="internal address"):
            middleware.process_request(Request(url))
    else:
        assert middleware.process_request(Request(url)) is None


@pytest.mark.parametrize(
    ("host", "internal"),
    [
        ("127.0.0.1", True),
        ("10.1.2.3", True),
        ("169.254.169.254", True),
        ("::1", True),
        ("8.8.8.8", False),
    ],
)
def test_resolves_internal_on_literals(host: str, internal: bool) -> None:
    assert resolves_internal(host) is internal


def test_visible_text_drops_scripts_and_styles() -> None:
    html = "<div>UK <b>Biobank</b><script>var x='hidden'</script><style>p{}</style> data</div>"
    assert visible_text(html) == "UK Biobank data"


def test_visible_text_keeps_one_line_per_block() -> None:
    html = (
        "<div><h2>UK <b>Biobank</b>  data</h2><p>first post</p>"
        "<ul><li>reply one</li><li>reply<br>two</li></ul></div>"
    )
    assert visible_text(html) == "UK Biobank data\nfirst post\nreply one\nreply\ntwo"
