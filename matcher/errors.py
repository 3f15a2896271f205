"""Errors raised by the ``matcher`` package; callers catch ``MatchError``."""

from __future__ import annotations


class MatchError(Exception):
    """Base of every error the matcher package raises."""
