"""Errors raised by the ``crawler`` package; callers catch ``CrawlError``."""

from __future__ import annotations


class CrawlError(Exception):
    """Base of every error the crawler package raises."""
