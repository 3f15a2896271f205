"""Is a downloaded "product image" really an image? Checked by its first bytes, not by its name.

A listing's images are attacker-served like everything else: an ``<img>`` may point at HTML, a
script or a sample file. Only PNG, JPEG, GIF and WebP are kept, recognised by their magic bytes,
and the server's ``Content-Type`` must not claim something else (``image/*`` or none at all, or
the generic ``application/octet-stream``). The type stored is the one the bytes show.
"""

from __future__ import annotations

from enum import StrEnum

ACCEPT_HEADER = "image/png,image/jpeg,image/gif,image/webp"
MAX_URL_CHARS = 2048  # storage.models.base.URL_LENGTH


class ImageRefusal(StrEnum):
    """Why an image was not kept; each is a stats counter ``cohortwatch/image_refused/<reason>``."""

    OFFSITE = "offsite"  # not http(s) on the source's allowed domains: never requested
    LONG_URL = "long_url"  # a URL longer than the database keeps: never requested
    OVER_COUNT = "over_count"  # beyond the source's max_images: never requested
    BLOCKED = "blocked"  # the request was refused on the way (internal host, offsite redirect)
    TOO_LARGE = "too_large"  # larger than the source's max_image_bytes
    NOT_IMAGE = "not_image"  # the bytes or the declared type are not PNG/JPEG/GIF/WebP


def sniff_image(body: bytes) -> str | None:
    """The MIME type of an image from its magic bytes, or None when it is none of ours."""
    if body.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if body.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if body.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if len(body) >= 12 and body.startswith(b"RIFF") and body[8:12] == b"WEBP":
        return "image/webp"
    return None


def declared_type_allowed(content_type: str) -> bool:
    """True when a server's ``Content-Type`` does not contradict an image (or is absent)."""
    kind = content_type.split(";", 1)[0].strip().lower()
    return kind in ("", "application/octet-stream") or kind.startswith("image/")


def check_image(body: bytes, *, content_type: str, max_bytes: int) -> str | ImageRefusal:
    """The sniffed MIME type of an acceptable image, or why it is refused."""
    if len(body) > max_bytes:
        return ImageRefusal.TOO_LARGE
    if not declared_type_allowed(content_type):
        return ImageRefusal.NOT_IMAGE
    return sniff_image(body) or ImageRefusal.NOT_IMAGE
