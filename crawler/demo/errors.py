"""Errors raised by the demo marketplace.

Tree::

    CrawlError                      (crawler/errors.py)
    └── DemoError                   anything the demo marketplace raises
        ├── DemoCatalogueError      the caller's sample table or listings are unusable
        ├── UnknownListingError     no listing / seller / channel / thread with that id
        └── DemoServerError         the background server did not start or stop
"""

from __future__ import annotations

from crawler.errors import CrawlError


class DemoError(CrawlError):
    """Base of every error the demo marketplace raises."""


class DemoCatalogueError(DemoError):
    """The sample table or the listings handed to the catalogue are unusable."""


class UnknownListingError(DemoError, LookupError):
    """No listing, seller, channel or thread has the id asked for."""


class DemoServerError(DemoError):
    """The demo marketplace server could not start or did not stop in time."""
