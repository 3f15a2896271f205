"""The schema of a source YAML file and its loader.

The YAML is operator-written but still checked strictly (unknown keys are errors) so a typo in a
selector name fails loudly at load time instead of silently crawling nothing.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from crawler.errors import CrawlError

BUILTIN_DIR = Path(__file__).parent


class SourceConfigError(CrawlError):
    """A source file is missing, unreadable or does not follow the schema."""


class BrowserMode(StrEnum):
    """When a detail page is fetched with a real browser."""

    NEVER = "never"
    ALWAYS = "always"
    FALLBACK = "fallback"  # static first; the browser only when the title selector finds nothing


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SearchConfig(_Strict):
    """Where listings are found: a search per query (or one index page), and its next pages."""

    url: str = Field(
        description="Template with {base} and {query}, e.g. '{base}/search?q={query}';"
        " a forum index may omit {query}"
    )
    queries: tuple[str, ...] = ("",)
    result_link: str
    next_page: str | None = None
    max_pages: int = Field(default=5, ge=1, le=100)


class DetailSelectors(_Strict):
    """CSS selectors on a listing page (or on one message block for channel sources)."""

    title: str
    description: str
    price: str | None = None
    seller: str | None = None
    images: str | None = None
    attachments: str | None = None
    removed: str | None = None


class ChannelConfig(_Strict):
    """A public channel preview: each message block becomes a listing."""

    channels: tuple[str, ...]
    url: str = Field(description="Template with {base} and {channel}")
    message: str
    permalink: str


class SourceConfig(_Strict):
    """One crawlable source."""

    slug: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{1,62}$")
    name: str
    kind: Literal["marketplace", "forum", "paste", "code", "telegram", "api"]
    spider: Literal["marketplace", "telegram_preview"]
    base_url: str
    allowed_domains: tuple[str, ...]
    search: SearchConfig | None = None
    channel: ChannelConfig | None = None
    detail: DetailSelectors
    browser: BrowserMode = BrowserMode.NEVER
    browser_wait_for: str | None = None
    enabled: bool = True
    every_minutes: int = Field(default=360, ge=1, description="How often the scheduler crawls it")
    jitter_seconds: int = Field(default=300, ge=0, description="Random delay so runs spread out")
    download_delay: float = Field(default=1.0, ge=0)
    concurrency: int = Field(default=2, ge=1, le=16)
    max_attachments: int = Field(default=5, ge=0, le=50)
    max_images: int = Field(
        default=5, ge=0, le=50, description="Product images kept per listing (0: none)"
    )
    max_image_bytes: int = Field(
        default=2 * 1024 * 1024,
        ge=1024,
        le=50 * 1024 * 1024,
        description="Largest image downloaded; larger ones are cut off and refused",
    )
    attachment_extensions: tuple[str, ...] = (
        ".csv",
        ".tsv",
        ".txt",
        ".xlsx",
        ".zip",
        ".gz",
        ".json",
    )

    @field_validator("base_url")
    @classmethod
    def _http_only(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"base_url must be an http(s) URL, got {value!r}")
        return value.rstrip("/")

    def with_base_url(self, base_url: str) -> SourceConfig:
        """The same source pointed at another address (the demo's port is chosen at run time)."""
        host = urlsplit(base_url).hostname or ""
        return self.model_copy(
            update={"base_url": base_url.rstrip("/"), "allowed_domains": (host,)}
        )


def load_source(path: Path) -> SourceConfig:
    """Read and validate one source YAML file."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SourceConfigError(f"cannot read source file {path}: {exc.strerror}") from exc
    except yaml.YAMLError as exc:
        raise SourceConfigError(f"source file {path} is not valid YAML: {exc}") from exc
    if not isinstance(raw, dict):
        raise SourceConfigError(f"source file {path} must hold a mapping")
    try:
        return SourceConfig.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise SourceConfigError(f"source file {path}: {where}: {first['msg']}") from exc


def load_sources(directory: Path | None = None) -> list[SourceConfig]:
    """Every ``*.yaml`` source in a directory (default: the built-in ones), sorted by slug."""
    folder = directory or BUILTIN_DIR
    if not folder.is_dir():
        raise SourceConfigError(f"sources directory {folder} does not exist")
    return sorted((load_source(p) for p in folder.glob("*.yaml")), key=lambda s: s.slug)
