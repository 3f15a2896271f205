"""Items of one listing go through the pipelines one at a time, in arrival order; items of other
listings do not wait; a failed item releases its listing like a stored one."""

from __future__ import annotations

import asyncio

from crawler.items import ListingItem
from crawler.pipelines.listing_order import ListingOrderPipeline


def item(url: str) -> ListingItem:
    return ListingItem(
        source_slug="shop", url=url, final_url=url, http_status=200, title="t", text="", html=b""
    )


def test_same_listing_waits_other_listings_pass() -> None:
    async def scenario() -> None:
        order = ListingOrderPipeline()
        first, again, third, other = (
            item("http://127.0.0.1/offer/1"),
            item("http://127.0.0.1/offer/1"),
            item("http://127.0.0.1/offer/1"),
            item("http://127.0.0.1/offer/2"),
        )
        assert await order.process_item(first) is first
        queued = [asyncio.ensure_future(order.process_item(i)) for i in (again, third)]
        assert await order.process_item(other) is other
        await asyncio.sleep(0)  # let the queued ones try: they must still be waiting
        assert not any(task.done() for task in queued)
        assert order.waiting == 4  # 1 and 2 admitted, two queued behind 1

        order.item_done(first)  # stored: the next fetch of the same listing goes in
        assert await queued[0] is again and not queued[1].done()
        order.item_done(again, failure=RuntimeError("boom"))  # failed: released all the same
        assert await queued[1] is third
        order.item_done(third)
        order.item_done(other)
        assert order.waiting == 0

    asyncio.run(scenario())


def test_other_items_pass_untouched() -> None:
    async def scenario() -> None:
        order = ListingOrderPipeline()
        value = {"not": "a listing"}
        assert await order.process_item(value) is value
        order.item_done(value)  # not held: a no-op
        assert order.waiting == 0

    asyncio.run(scenario())
