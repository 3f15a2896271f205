"""A listing's "image" is kept only when its bytes are PNG, JPEG, GIF or WebP, the server does not
claim another type, and it fits the size cap; the stored type is the sniffed one."""

from __future__ import annotations

import pytest

from crawler.demo.images import png_bytes
from crawler.images import ImageRefusal, check_image, declared_type_allowed, sniff_image

PNG = png_bytes("test-1")
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(32)
GIF = b"GIF89a" + bytes(32)
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + bytes(32)


@pytest.mark.parametrize(
    ("body", "content_type", "expected"),
    [
        (PNG, "image/png", "image/png"),
        (JPEG, "image/jpeg", "image/jpeg"),
        (GIF, "image/gif", "image/gif"),
        (WEBP, "image/webp", "image/webp"),
        (PNG, "", "image/png"),  # no Content-Type at all
        (PNG, "application/octet-stream", "image/png"),
        (JPEG, "image/png", "image/jpeg"),  # the bytes decide the stored type
        (PNG, "text/html; charset=utf-8", ImageRefusal.NOT_IMAGE),  # the server says otherwise
        (b"<svg onload=alert(1)>", "image/svg+xml", ImageRefusal.NOT_IMAGE),  # SVG is a document
        (b"<html><script>alert(1)</script>", "image/png", ImageRefusal.NOT_IMAGE),
        (b"eid,31-0.0\n1234567,0\n", "image/png", ImageRefusal.NOT_IMAGE),
        (b"RIFF\x24\x00\x00\x00WAVEfmt ", "image/webp", ImageRefusal.NOT_IMAGE),
        (b"", "image/png", ImageRefusal.NOT_IMAGE),
    ],
)
def test_image_check(body: bytes, content_type: str, expected: str) -> None:
    assert check_image(body, content_type=content_type, max_bytes=1 << 20) == expected


def test_an_image_over_the_cap_is_refused_whatever_it_is() -> None:
    assert check_image(PNG, content_type="image/png", max_bytes=len(PNG)) == "image/png"
    assert (
        check_image(PNG, content_type="image/png", max_bytes=len(PNG) - 1) is ImageRefusal.TOO_LARGE
    )


@pytest.mark.parametrize(
    ("content_type", "allowed"),
    [
        ("IMAGE/PNG", True),
        ("image/x-icon", True),
        ("text/plain", False),
        ("application/zip", False),
    ],
)
def test_declared_type(content_type: str, allowed: bool) -> None:
    assert declared_type_allowed(content_type) is allowed


def test_sniff_needs_the_whole_webp_header() -> None:
    assert sniff_image(b"RIFF\x00\x00\x00\x00WEB") is None
