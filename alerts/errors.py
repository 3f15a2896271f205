"""Errors raised by the ``alerts`` package; callers catch ``AlertError``."""

from __future__ import annotations


class AlertError(Exception):
    """Base of every error the alerts package raises."""
