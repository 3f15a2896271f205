"""The demo marketplace catalogue: seeded listings, lookups, search and ground truth.

``build_catalogue`` takes a small UK Biobank-shaped table from the caller (header + ~20 rows cut
from a synthetic cohort), cuts the leak attachments from it and returns a ``Catalogue``: an
immutable set of offers, Telegram-preview messages and forum threads with their sellers and
channels.  Everything is deterministic: same sample in, same pages and same attachment bytes out.

Search follows the marketplace rule: case-insensitive (after NFKC folding, so full-width letters
match too), every whitespace-separated query term must occur as a substring of the offer's title,
description or keywords, results in catalogue order, ``PAGE_SIZE`` per page.  Only offers are
searchable; removed listings are passed in as ``exclude`` by the web app, which owns that state.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, replace
from urllib.parse import quote, unquote

from crawler.demo.errors import DemoCatalogueError, UnknownListingError
from crawler.demo.models import (
    DemoAttachment,
    DemoChannel,
    DemoListing,
    DemoPost,
    DemoSeller,
    Kind,
    Label,
)
from crawler.demo.samples import SampleTable
from crawler.demo.seed_decoys import seed_decoy_offers
from crawler.demo.seed_leaks import seed_leak_offers
from crawler.demo.seed_social import seed_channels, seed_forum, seed_sellers, seed_telegram

__all__ = [
    "PAGE_SIZE",
    "Catalogue",
    "DemoAttachment",
    "DemoChannel",
    "DemoListing",
    "DemoPost",
    "DemoSeller",
    "SearchPage",
    "build_catalogue",
]

PAGE_SIZE = 8


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


@dataclass(frozen=True)
class SearchPage:
    """One page of search results."""

    query: str
    page: int
    total: int
    results: tuple[DemoListing, ...]
    page_size: int = PAGE_SIZE

    @property
    def page_count(self) -> int:
        """Number of result pages (0 when nothing matched)."""
        return -(-self.total // self.page_size)

    @property
    def has_next(self) -> bool:
        """Whether a later page holds more results."""
        return self.page < self.page_count

    @property
    def has_previous(self) -> bool:
        """Whether an earlier page holds results."""
        return self.page > 1 and self.total > 0


class Catalogue:
    """Immutable listings, sellers and channels of the demo site, with lookups and search."""

    def __init__(
        self,
        *,
        listings: Iterable[DemoListing],
        sellers: Iterable[DemoSeller],
        channels: Iterable[DemoChannel] = (),
    ) -> None:
        self._listings = tuple(listings)
        self._sellers = {seller.id: seller for seller in sellers}
        self._channels = {channel.name: channel for channel in channels}
        self._by_id: dict[str, DemoListing] = {}
        self._by_message: dict[tuple[str, int], DemoListing] = {}
        self._by_thread: dict[int, DemoListing] = {}
        for listing in self._listings:
            self._index(listing)
        self._by_path = {item.url_path: item for item in self._listings}
        self._haystacks = {
            item.id: _fold("\n".join((item.title, item.description, *item.keywords)))
            for item in self._listings
        }

    def _index(self, listing: DemoListing) -> None:
        if listing.id in self._by_id:
            raise DemoCatalogueError(f"duplicate listing id {listing.id!r}")
        self._by_id[listing.id] = listing
        if listing.seller_id is not None and listing.seller_id not in self._sellers:
            raise DemoCatalogueError(
                f"listing {listing.id!r}: unknown seller {listing.seller_id!r}"
            )
        if listing.kind == "telegram":
            assert listing.channel is not None and listing.message_id is not None
            if listing.channel not in self._channels:
                raise DemoCatalogueError(f"listing {listing.id!r}: unknown channel")
            key = (listing.channel, listing.message_id)
            if key in self._by_message:
                raise DemoCatalogueError(f"duplicate message {key!r}")
            self._by_message[key] = listing
        if listing.kind == "forum":
            assert listing.thread_id is not None
            if listing.thread_id in self._by_thread:
                raise DemoCatalogueError(f"duplicate thread {listing.thread_id}")
            self._by_thread[listing.thread_id] = listing

    @property
    def listings(self) -> tuple[DemoListing, ...]:
        """Every listing, offers first in search order, then messages, then threads."""
        return self._listings

    @property
    def offers(self) -> tuple[DemoListing, ...]:
        """Every marketplace offer in search order."""
        return tuple(item for item in self._listings if item.kind == "offer")

    @property
    def sellers(self) -> tuple[DemoSeller, ...]:
        """Every shop."""
        return tuple(self._sellers.values())

    @property
    def channels(self) -> tuple[DemoChannel, ...]:
        """Every Telegram-style channel."""
        return tuple(self._channels.values())

    def find(self, listing_id: str) -> DemoListing | None:
        """Return the listing with ``listing_id``, or None."""
        return self._by_id.get(listing_id)

    def get(self, listing_id: str) -> DemoListing:
        """Return the listing with ``listing_id``; raise ``UnknownListingError`` if none."""
        listing = self._by_id.get(listing_id)
        if listing is None:
            raise UnknownListingError(f"no listing with id {listing_id!r}")
        return listing

    def seller(self, seller_id: str) -> DemoSeller:
        """Return the shop ``seller_id``; raise ``UnknownListingError`` if none."""
        try:
            return self._sellers[seller_id]
        except KeyError:
            raise UnknownListingError(f"no seller with id {seller_id!r}") from None

    def channel(self, name: str) -> DemoChannel:
        """Return the channel ``name``; raise ``UnknownListingError`` if none."""
        try:
            return self._channels[name]
        except KeyError:
            raise UnknownListingError(f"no channel called {name!r}") from None

    def message(self, channel: str, message_id: int) -> DemoListing:
        """Return message ``message_id`` of ``channel``; raise ``UnknownListingError`` if none."""
        try:
            return self._by_message[(channel, message_id)]
        except KeyError:
            raise UnknownListingError(f"no message {channel}/{message_id}") from None

    def thread(self, thread_id: int) -> DemoListing:
        """Return forum thread ``thread_id``; raise ``UnknownListingError`` if none."""
        try:
            return self._by_thread[thread_id]
        except KeyError:
            raise UnknownListingError(f"no forum thread {thread_id}") from None

    def channel_messages(
        self, name: str, *, exclude: Collection[str] = ()
    ) -> tuple[DemoListing, ...]:
        """Return the messages of channel ``name`` not in ``exclude``, oldest first."""
        self.channel(name)
        found = [
            item
            for item in self._listings
            if item.kind == "telegram" and item.channel == name and item.id not in exclude
        ]
        return tuple(sorted(found, key=lambda item: item.message_id or 0))

    def threads(self, *, exclude: Collection[str] = ()) -> tuple[DemoListing, ...]:
        """Return the forum threads not in ``exclude``, in forum index order."""
        return tuple(i for i in self._listings if i.kind == "forum" and i.id not in exclude)

    def seller_offers(
        self, seller_id: str, *, exclude: Collection[str] = ()
    ) -> tuple[DemoListing, ...]:
        """Return the offers of shop ``seller_id`` not in ``exclude``, in search order."""
        self.seller(seller_id)
        return tuple(
            item for item in self.offers if item.seller_id == seller_id and item.id not in exclude
        )

    def search(self, query: str, page: int = 1, *, exclude: Collection[str] = ()) -> SearchPage:
        """Return result page ``page`` (from 1) of the offers matching every term of ``query``."""
        terms = _fold(query).split()
        page = max(page, 1)
        if not terms:
            return SearchPage(query=query, page=page, total=0, results=())
        hits = [
            item
            for item in self.offers
            if item.id not in exclude and all(term in self._haystacks[item.id] for term in terms)
        ]
        start = (page - 1) * PAGE_SIZE
        return SearchPage(
            query=query, page=page, total=len(hits), results=tuple(hits[start : start + PAGE_SIZE])
        )

    def labels(self) -> dict[str, Label]:
        """Return the ground truth: listing id -> ``leak`` / ``near_miss`` / ``noise``."""
        return {item.id: item.label for item in self._listings}

    def with_label(self, label: Label) -> tuple[DemoListing, ...]:
        """Return the listings whose ground-truth label is ``label``."""
        return tuple(item for item in self._listings if item.label == label)

    def count_label(self, label: Label) -> int:
        """Return how many listings carry the ground-truth ``label``."""
        return sum(1 for item in self._listings if item.label == label)

    def labels_by_path(self, *, kind: Kind | None = None) -> dict[str, Label]:
        """Return the ground truth keyed by URL path (``/offer/<id>.html``...), optionally of one kind."""
        return {
            item.url_path: item.label
            for item in self._listings
            if kind is None or item.kind == kind
        }

    def label_for_path(self, path: str) -> Label | None:
        """Return the label of the listing served at URL ``path`` (quoted or not), or None."""
        listing = self._by_path.get(path) or self._by_path.get(quote(unquote(path), safe="/"))
        return None if listing is None else listing.label


def build_catalogue(*, sample_header: list[str], sample_rows: list[list[str]]) -> Catalogue:
    """Build the seeded catalogue; leak attachments are cut from the caller's sample table.

    ``sample_header`` is ukbconv style (``eid``, ``31-0.0``...); raise ``DemoCatalogueError``
    when the table is empty or ragged.
    """
    sample = SampleTable.from_lists(sample_header, sample_rows)
    offers = _with_removal_status(_interleave(seed_decoy_offers(), seed_leak_offers(sample)))
    return Catalogue(
        listings=[*offers, *seed_telegram(sample), *seed_forum(sample)],
        sellers=seed_sellers(),
        channels=seed_channels(),
    )


def _interleave(
    decoys: Sequence[DemoListing], leaks: Sequence[DemoListing], *, every: int = 3
) -> list[DemoListing]:
    """Put one leak after every ``every`` decoys so leaks spread over the result pages."""
    merged: list[DemoListing] = []
    pending = list(leaks)
    for number, decoy in enumerate(decoys, start=1):
        merged.append(decoy)
        if number % every == 0 and pending:
            merged.append(pending.pop(0))
    return merged + pending


def _with_removal_status(offers: Sequence[DemoListing]) -> list[DemoListing]:
    """Alternate, within each label, how a taken-down offer answers: 404 first, then 200."""
    seen: dict[str, int] = {}
    result = []
    for offer in offers:
        count = seen.get(offer.label, 0)
        seen[offer.label] = count + 1
        result.append(replace(offer, removal_status=404 if count % 2 == 0 else 200))
    return result
