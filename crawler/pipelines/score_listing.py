"""Scores each stored listing's text with the matcher and records the result as a ``Match`` row.

Alerts are not raised here: the alerts package reads the matches after the run, so a crawl never
needs to know about notification channels. Scoring and the database write run on the pipelines'
thread pool.
"""

from __future__ import annotations

from typing import Any

from crawler.context import CrawlContext
from crawler.items import ListingItem
from crawler.pipelines.base import ContextPipeline
from matcher.listing_text import score_listing_text
from storage.db import session_scope
from storage.models import MatchCreate, MatcherKind
from storage.queries import record_match


class ScoreListingPipeline(ContextPipeline):
    """Runs the listing-text scorer on each item that the store pipeline has saved."""

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, ListingItem) or item.listing_id is None:
            return item
        verdict = await self.in_thread(score_and_record, self.context, item)
        self.stats.inc_value(f"cohortwatch/verdict/{verdict}")
        return item


def score_and_record(context: CrawlContext, item: ListingItem) -> str:
    """Score the listing's text, record the match, return the verdict (blocking)."""
    assert item.listing_id is not None
    result = score_listing_text(title=item.title, text=item.text, profile=context.profile)
    with session_scope(context.engine) as session:
        record_match(
            session=session,
            match_in=MatchCreate(
                listing_id=item.listing_id,
                snapshot_id=item.snapshot_id,
                matcher=MatcherKind.TEXT,
                matcher_version=result.scorer_version,
                score=result.score,
                verdict=str(result.verdict),
                reasons=list(result.reasons),
                created_at=context.now(),
            ),
        )
    return str(result.verdict)
