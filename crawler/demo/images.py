"""Tiny deterministic PNG product photos, written with zlib + struct (no imaging library).

Every image name gets its own colours (from a CRC of the name), so two offers never share a
photo, and the bytes are the same on every run — a few hundred bytes each.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterable

from crawler.demo.models import DemoListing

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _chunk(tag: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))


def png_bytes(name: str, *, width: int = 64, height: int = 48) -> bytes:
    """Return an RGB PNG for ``name``: a coloured card with diagonal stripes and a box."""
    seed = zlib.crc32(name.encode("utf-8"))
    background = bytes(((seed >> 16) & 0xFF | 0x40, (seed >> 8) & 0xFF | 0x40, seed & 0xFF | 0x40))
    stripe = bytes(255 - value for value in background)
    box = bytes((0xF0, 0xF0, 0xF0))
    period = 6 + seed % 7
    raw = bytearray()
    for y in range(height):
        raw.append(0)  # filter type: none
        for x in range(width):
            inside_box = width // 4 <= x < 3 * width // 4 and height // 3 <= y < 2 * height // 3
            if inside_box:
                raw += box
            elif (x + y) % period < 2:
                raw += stripe
            else:
                raw += background
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        PNG_SIGNATURE
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(bytes(raw), 9))
        + _chunk(b"IEND", b"")
    )


def build_images(listings: Iterable[DemoListing]) -> dict[str, bytes]:
    """Return ``{"<id>-<n>": png}`` for every photo the listings show."""
    return {
        f"{listing.id}-{n}": png_bytes(f"{listing.id}-{n}")
        for listing in listings
        for n in range(1, listing.image_count + 1)
    }
