"""Spiders. Each reads a :class:`crawler.sources.SourceConfig`; ``SPIDERS`` maps its ``spider`` key."""

from __future__ import annotations

from crawler.spiders.base import SourceSpider
from crawler.spiders.marketplace import MarketplaceSpider
from crawler.spiders.telegram_preview import TelegramPreviewSpider

SPIDERS: dict[str, type[SourceSpider]] = {
    "marketplace": MarketplaceSpider,
    "telegram_preview": TelegramPreviewSpider,
}

__all__ = ["SPIDERS", "MarketplaceSpider", "SourceSpider", "TelegramPreviewSpider"]
