"""Source configurations: a marketplace, forum or channel described as data (YAML), not code.

A source file names the spider that reads it (``spider: marketplace`` for search-and-detail sites,
``spider: telegram_preview`` for public channel previews), where to start, which CSS selectors find
what, whether pages need a browser, politeness limits and the domains the crawler may visit.
``docs/adding-a-source.md`` walks through writing one.
"""

from __future__ import annotations

from crawler.sources.config import (
    BrowserMode,
    DetailSelectors,
    SearchConfig,
    SourceConfig,
    load_source,
    load_sources,
)

__all__ = [
    "BrowserMode",
    "DetailSelectors",
    "SearchConfig",
    "SourceConfig",
    "load_source",
    "load_sources",
]
