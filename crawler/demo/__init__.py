"""Demo marketplace: a fake Alibaba/1688-style B2B site with Telegram previews and a forum.

It serves seeded leak, near-miss and noise listings on 127.0.0.1 so the crawler, matcher and
alerts can be exercised end to end without touching the internet.  See ``README.md`` here for
the routes and the CSS selectors a crawler may rely on.
"""

from __future__ import annotations

from crawler.demo.app import MarketState, create_app
from crawler.demo.catalogue import (
    PAGE_SIZE,
    Catalogue,
    DemoAttachment,
    DemoChannel,
    DemoListing,
    DemoPost,
    DemoSeller,
    SearchPage,
    build_catalogue,
)
from crawler.demo.errors import (
    DemoCatalogueError,
    DemoError,
    DemoServerError,
    UnknownListingError,
)
from crawler.demo.server import DemoMarketplace, serve_forever

__all__ = [
    "PAGE_SIZE",
    "Catalogue",
    "DemoAttachment",
    "DemoCatalogueError",
    "DemoChannel",
    "DemoError",
    "DemoListing",
    "DemoMarketplace",
    "DemoPost",
    "DemoSeller",
    "DemoServerError",
    "MarketState",
    "SearchPage",
    "UnknownListingError",
    "build_catalogue",
    "create_app",
    "serve_forever",
]
