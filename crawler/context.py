"""What a crawl's pipelines need besides Scrapy settings: where to store, what to score against.

It travels as a spider attribute, not as Scrapy settings, because Scrapy logs overridden settings
and the database URL may hold a password.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.engine import Engine

from matcher.fingerprint import Fingerprint
from matcher.listing_text import CohortProfile
from storage.evidence import EvidenceStore


@dataclass(frozen=True)
class CrawlContext:
    """The run a crawl belongs to, the stores its items go to, and what to match them against."""

    run_id: int
    source_id: int
    engine: Engine
    evidence: EvidenceStore
    profile: CohortProfile
    now: Callable[[], datetime]
    fingerprint: Fingerprint | None = None
    fingerprint_key: bytes | None = field(default=None, repr=False)
