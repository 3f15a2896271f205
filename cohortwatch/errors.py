"""Errors the CLI knows how to report: each becomes one line on stderr and a non-zero exit.

    CohortWatchError          base of the wiring layer's own errors
    └── UsageError            the user asked for something that cannot be done

Library packages raise their own bases (``StorageError``, ``MatchError``, ``CrawlError``,
``AlertError``); :func:`cohortwatch.cli.main` maps those at the boundary too.
"""

from __future__ import annotations


class CohortWatchError(Exception):
    """Base of errors raised by the cohortwatch wiring layer."""


class UsageError(CohortWatchError):
    """A command was given input it cannot use (missing file, bad option value)."""
