"""The demo marketplace web app: an Alibaba/1688-style B2B site, Telegram previews and a forum.

``create_app(catalogue)`` returns a FastAPI app whose only mutable state is the set of removed
(taken-down) listing ids, held per app instance in a ``MarketState``.  Pages are rendered with
Jinja2, autoescape on: listing text is attacker-controlled.  Routes and the CSS classes a crawler
may rely on are documented in ``crawler/demo/README.md`` (the contract); ``/_control/*`` is the
test-only control plane.
"""

from __future__ import annotations

import threading
from collections.abc import Collection
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from crawler.demo.catalogue import Catalogue, DemoListing
from crawler.demo.errors import UnknownListingError
from crawler.demo.images import build_images
from crawler.demo.models import DemoAttachment, Language

_HERE = Path(__file__).resolve().parent

ROBOTS_TXT = "User-agent: *\nDisallow: /_control/\nAllow: /\n"

UI: dict[str, dict[str, str]] = {
    "en": {
        "site_name": "TradeHub.com",
        "placeholder": "What are you looking for...",
        "search": "Search",
        "price": "Price",
        "min_order": "Min. order",
        "supplier": "Supplier",
        "description": "Product description",
        "attachments": "Attachments",
        "contact": "Contact supplier",
        "not_found": "Sorry, the page you requested could not be found.",
    },
    "zh": {
        "site_name": "贸易通批发网",
        "placeholder": "搜索商品",
        "search": "搜索",
        "price": "价格",
        "min_order": "起批量",
        "supplier": "供应商",
        "description": "商品详情",
        "attachments": "附件",
        "contact": "联系供应商",
        "not_found": "抱歉,您访问的页面不存在。",
    },
}


class MarketState:
    """Which listings are taken down; thread-safe, one per app instance."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._removed: set[str] = set()

    def takedown(self, listing_id: str) -> None:
        """Mark ``listing_id`` removed."""
        with self._lock:
            self._removed.add(listing_id)

    def restore(self, listing_id: str) -> None:
        """Put ``listing_id`` back online."""
        with self._lock:
            self._removed.discard(listing_id)

    def reset(self) -> None:
        """Put every listing back online."""
        with self._lock:
            self._removed.clear()

    def is_removed(self, listing_id: str) -> bool:
        """Whether ``listing_id`` is taken down."""
        with self._lock:
            return listing_id in self._removed

    def removed(self) -> frozenset[str]:
        """A snapshot of the removed listing ids."""
        with self._lock:
            return frozenset(self._removed)


def content_disposition(filename: str) -> str:
    """Return an ``attachment`` Content-Disposition with an ASCII fallback and RFC 5987 name."""
    fallback = "".join(
        c if c.isascii() and c not in '"\\' and c.isprintable() else "_" for c in filename
    )
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def _paragraphs(text: str) -> list[str]:
    return [line for line in text.split("\n") if line.strip()]


def create_app(catalogue: Catalogue, *, state: MarketState | None = None) -> FastAPI:
    """Build the demo marketplace app serving ``catalogue``."""
    market = state or MarketState()
    images = build_images(catalogue.listings)
    env = Environment(
        loader=FileSystemLoader(_HERE / "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(catalogue=catalogue, paragraphs=_paragraphs)
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None, title="demo marketplace")
    app.state.market = market
    app.state.catalogue = catalogue
    app.mount("/static", StaticFiles(directory=_HERE / "static"), name="static")

    def render(
        name: str, *, lang: Language = "en", status: int = 200, **context: Any
    ) -> HTMLResponse:
        html = env.get_template(name).render(ui=UI[lang], lang=lang, **context)
        return HTMLResponse(html, status_code=status)

    def not_found(lang: Language = "en") -> HTMLResponse:
        return render("not_found.html", lang=lang, status=404)

    def live(listing: DemoListing | None) -> DemoListing | None:
        return None if listing is None or market.is_removed(listing.id) else listing

    def find_offer(offer_id: str) -> DemoListing | None:
        listing = catalogue.find(offer_id)
        return listing if listing is not None and listing.kind == "offer" else None

    @app.get("/", response_class=HTMLResponse)
    def home() -> HTMLResponse:
        return render("home.html")

    @app.get("/robots.txt", response_class=PlainTextResponse)
    def robots() -> PlainTextResponse:
        return PlainTextResponse(ROBOTS_TXT)

    @app.get("/search", response_class=HTMLResponse)
    def search(q: str = "", page: str = "1") -> HTMLResponse:
        number = int(page) if page.isascii() and page.isdigit() and len(page) < 7 else 1
        result = catalogue.search(q, max(number, 1), exclude=market.removed())
        return render("search.html", query=q, result=result)

    @app.get("/offer/{offer_id}.html", response_class=HTMLResponse)
    def offer(offer_id: str) -> HTMLResponse:
        listing = find_offer(offer_id)
        if listing is None:
            return not_found()
        lang = listing.language
        if market.is_removed(listing.id):
            return render("offer_removed.html", lang=lang, status=listing.removal_status)
        seller = catalogue.seller(listing.seller_id or "")
        template = "offer_js.html" if listing.js_only else "offer.html"
        return render(template, lang=lang, offer=listing, seller=seller)

    @app.get("/api/offer/{offer_id}.json")
    def offer_json(offer_id: str) -> JSONResponse:
        listing = live(find_offer(offer_id))
        if listing is None:
            return JSONResponse({"error": "offer not found"}, status_code=404)
        seller = catalogue.seller(listing.seller_id or "")
        return JSONResponse(
            {
                "id": listing.id,
                "language": listing.language,
                "title": listing.title,
                "description": listing.description,
                "paragraphs": _paragraphs(listing.description),
                "price": listing.price,
                "min_order": listing.min_order,
                "keywords": list(listing.keywords),
                "seller": {
                    "id": seller.id,
                    "name": seller.display_name(listing.language),
                    "url": seller.url_path,
                },
                "images": list(listing.image_paths),
                "attachments": [
                    {"filename": a.filename, "url": listing.attachment_path(a), "size": len(a.data)}
                    for a in listing.attachments
                ],
            }
        )

    @app.get("/seller/{seller_id}", response_class=HTMLResponse)
    def seller_page(seller_id: str) -> HTMLResponse:
        try:
            seller = catalogue.seller(seller_id)
        except UnknownListingError:
            return not_found()
        offers = catalogue.seller_offers(seller_id, exclude=market.removed())
        return render("seller.html", seller=seller, offers=offers)

    @app.get("/img/{name}.png")
    def image(name: str) -> Response:
        data = images.get(name)
        if data is None:
            return Response(status_code=404)
        return Response(data, media_type="image/png", headers={"Cache-Control": "max-age=86400"})

    @app.get("/files/{listing_id}/{filename}")
    def attachment(listing_id: str, filename: str) -> Response:
        listing = live(catalogue.find(listing_id))
        found: DemoAttachment | None = listing.attachment(filename) if listing else None
        if found is None:
            return not_found()
        return Response(
            found.data,
            media_type=found.content_type,
            headers={"Content-Disposition": content_disposition(found.filename)},
        )

    @app.get("/t/{channel}", response_class=HTMLResponse)
    def channel_page(channel: str) -> HTMLResponse:
        try:
            info = catalogue.channel(channel)
        except UnknownListingError:
            return render("tg_missing.html", status=404, channel=channel)
        messages = catalogue.channel_messages(channel, exclude=market.removed())
        return render("tg_channel.html", lang="zh", channel=info, messages=messages)

    @app.get("/t/{channel}/{message_id}", response_class=HTMLResponse)
    def message_page(channel: str, message_id: str) -> HTMLResponse:
        listing = None
        if message_id.isdigit():
            try:
                listing = live(catalogue.message(channel, int(message_id)))
            except UnknownListingError:
                listing = None
        if listing is None:
            return render("tg_missing.html", status=404, channel=channel)
        info = catalogue.channel(channel)
        return render("tg_message.html", lang=listing.language, channel=info, message=listing)

    @app.get("/forum", response_class=HTMLResponse)
    def forum_index() -> HTMLResponse:
        threads = catalogue.threads(exclude=market.removed())
        return render("forum_index.html", lang="zh", threads=threads)

    @app.get("/forum/thread/{thread_id}", response_class=HTMLResponse)
    def forum_thread(thread_id: str) -> HTMLResponse:
        listing = None
        if thread_id.isdigit():
            try:
                listing = catalogue.thread(int(thread_id))
            except UnknownListingError:
                listing = None
        if listing is None:
            return render("forum_missing.html", lang="zh", status=404, removed=False)
        if market.is_removed(listing.id):
            return render("forum_missing.html", lang="zh", status=404, removed=True)
        return render("forum_thread.html", lang=listing.language, thread=listing)

    _add_control_routes(app, catalogue, market)
    return app


def _listing_json(listing: DemoListing, removed: Collection[str]) -> dict[str, Any]:
    return {
        "id": listing.id,
        "kind": listing.kind,
        "url_path": listing.url_path,
        "label": listing.label,
        "language": listing.language,
        "js_only": listing.js_only,
        "removal_status": listing.removal_status,
        "removed": listing.id in removed,
        "title": listing.title,
    }


def _add_control_routes(app: FastAPI, catalogue: Catalogue, market: MarketState) -> None:
    """Add the test-only ``/_control/*`` routes (disallowed in robots.txt)."""

    def change(listing_id: str, *, remove: bool) -> JSONResponse:
        listing = catalogue.find(listing_id)
        if listing is None:
            return JSONResponse({"error": f"unknown listing {listing_id}"}, status_code=404)
        if remove:
            market.takedown(listing_id)
        else:
            market.restore(listing_id)
        return JSONResponse(_listing_json(listing, market.removed()))

    @app.post("/_control/takedown/{listing_id}")
    def takedown(listing_id: str) -> JSONResponse:
        return change(listing_id, remove=True)

    @app.post("/_control/restore/{listing_id}")
    def restore(listing_id: str) -> JSONResponse:
        return change(listing_id, remove=False)

    @app.post("/_control/reset")
    def reset() -> JSONResponse:
        market.reset()
        return JSONResponse({"removed": []})

    @app.get("/_control/listings")
    def listings() -> JSONResponse:
        removed = market.removed()
        return JSONResponse({"listings": [_listing_json(i, removed) for i in catalogue.listings]})
