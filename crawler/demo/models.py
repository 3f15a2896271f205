"""Value objects of the demo marketplace: listings, sellers, channels, posts, attachments.

They are frozen dataclasses and hold everything a page needs, so the web app is a thin
renderer.  ``DemoListing.url_path`` is the single place that says where a listing lives:
offers at ``/offer/<id>.html``, Telegram-preview messages at ``/t/<channel>/<msgid>`` and forum
threads at ``/forum/thread/<thread_id>``.  The ``label`` is the ground truth the crawler and
matcher are scored against; it never appears in a page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal
from urllib.parse import quote

from crawler.demo.errors import DemoCatalogueError

Kind = Literal["offer", "telegram", "forum"]
Label = Literal["leak", "near_miss", "noise"]
Language = Literal["en", "zh"]

KINDS: tuple[Kind, ...] = ("offer", "telegram", "forum")
LABELS: tuple[Label, ...] = ("leak", "near_miss", "noise")
LANGUAGES: tuple[Language, ...] = ("en", "zh")


@dataclass(frozen=True)
class DemoAttachment:
    """A downloadable file attached to a listing (sample CSV, spreadsheet, ZIP...)."""

    filename: str
    content_type: str
    data: bytes

    def __post_init__(self) -> None:
        if not self.filename or "/" in self.filename or self.filename in {".", ".."}:
            raise DemoCatalogueError(f"bad attachment filename {self.filename!r}")


@dataclass(frozen=True)
class DemoPost:
    """A reply in a forum thread."""

    author: str
    body: str
    posted_at: str


@dataclass(frozen=True)
class DemoSeller:
    """A marketplace shop; ``name_zh`` is shown on Chinese pages when set."""

    id: str
    name: str
    location: str
    years_on_platform: int
    name_zh: str = ""

    def display_name(self, language: Language) -> str:
        """Return the shop name as a page in ``language`` shows it."""
        return self.name_zh if language == "zh" and self.name_zh else self.name

    @property
    def url_path(self) -> str:
        """Path of the seller's shop page."""
        return f"/seller/{quote(self.id, safe='')}"


@dataclass(frozen=True)
class DemoChannel:
    """A public Telegram-style channel rendered like ``t.me/s/<name>``."""

    name: str
    title: str
    description: str
    subscribers: int

    @property
    def url_path(self) -> str:
        """Path of the channel preview page."""
        return f"/t/{quote(self.name, safe='')}"


@dataclass(frozen=True)
class DemoListing:
    """One offer, Telegram message or forum thread, with its ground-truth label."""

    id: str
    kind: Kind
    label: Label
    language: Language
    title: str
    description: str
    price: str = ""
    seller_id: str | None = None
    keywords: tuple[str, ...] = ()
    attachments: tuple[DemoAttachment, ...] = ()
    js_only: bool = False
    image_count: int = 0
    min_order: str = ""
    channel: str | None = None
    message_id: int | None = None
    thread_id: int | None = None
    author: str = ""
    posted_at: str = ""
    replies: tuple[DemoPost, ...] = ()
    removal_status: int = 404

    def __post_init__(self) -> None:
        if self.kind not in KINDS or self.label not in LABELS or self.language not in LANGUAGES:
            raise DemoCatalogueError(f"listing {self.id!r}: bad kind, label or language")
        if not self.id or "/" in self.id:
            raise DemoCatalogueError(f"bad listing id {self.id!r}")
        if self.kind == "offer" and not self.seller_id:
            raise DemoCatalogueError(f"offer {self.id!r} has no seller")
        if self.kind == "telegram" and (not self.channel or self.message_id is None):
            raise DemoCatalogueError(f"telegram message {self.id!r} needs channel and message_id")
        if self.kind == "forum" and self.thread_id is None:
            raise DemoCatalogueError(f"forum listing {self.id!r} needs a thread_id")
        if self.js_only and self.kind != "offer":
            raise DemoCatalogueError(f"listing {self.id!r}: only offers can be js_only")
        if self.removal_status not in (200, 404):
            raise DemoCatalogueError(f"listing {self.id!r}: removal_status must be 200 or 404")
        names = [a.filename for a in self.attachments]
        if len(set(names)) != len(names):
            raise DemoCatalogueError(f"listing {self.id!r} has duplicate attachment names")

    @property
    def url_path(self) -> str:
        """Path of the page that shows this listing."""
        if self.kind == "telegram":
            return f"/t/{quote(self.channel or '', safe='')}/{self.message_id}"
        if self.kind == "forum":
            return f"/forum/thread/{self.thread_id}"
        return f"/offer/{quote(self.id, safe='')}.html"

    @property
    def html_lang(self) -> str:
        """Value of ``<html lang>`` on this listing's page."""
        return "zh-CN" if self.language == "zh" else "en"

    @property
    def image_paths(self) -> tuple[str, ...]:
        """Paths of the listing's product photos, ``/img/<id>-<n>.png`` with n from 1."""
        return tuple(
            f"/img/{quote(self.id, safe='')}-{n}.png" for n in range(1, self.image_count + 1)
        )

    def attachment_path(self, attachment: DemoAttachment) -> str:
        """Path a browser downloads ``attachment`` from (filename percent-encoded)."""
        return f"/files/{quote(self.id, safe='')}/{quote(attachment.filename, safe='')}"

    def attachment(self, filename: str) -> DemoAttachment | None:
        """Return the attachment called ``filename``, or None."""
        for item in self.attachments:
            if item.filename == filename:
                return item
        return None
