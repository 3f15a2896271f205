"""Unpack ZIP and gzip containers safely: limits on size, compression ratio, depth and members.

:func:`unpack` yields ``(name, bytes)`` for every non-container member, recursing into nested
containers up to ``Limits.max_depth``. It stops with :class:`SampleError` before reading past a
limit, so a zip bomb costs at most ``max_total_bytes`` of memory.
"""

from __future__ import annotations

import gzip
import io
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

from matcher.errors import MatchError

ZIP_MAGIC = b"PK\x03\x04"
GZIP_MAGIC = b"\x1f\x8b"
SMALL_BYTES = 1024 * 1024  # unpacked sizes up to this pass whatever their compression ratio


class SampleError(MatchError):
    """A sample file is corrupt, truncated, too big or otherwise unreadable."""


@dataclass(frozen=True)
class Limits:
    """How much a scan may unpack from one file."""

    max_total_bytes: int = 512 * 1024 * 1024
    max_ratio: float = 200.0
    max_depth: int = 3
    max_members: int = 1000
    max_rows: int = 5_000_000


def is_zip(data: bytes) -> bool:
    return data[:4] == ZIP_MAGIC


def is_gzip(data: bytes) -> bool:
    return data[:2] == GZIP_MAGIC


def check_member(info: zipfile.ZipInfo, *, limits: Limits, room: int) -> None:
    """Refuse a ZIP member (or an XLSX part) that claims more than ``room`` bytes, or that
    inflates more than ``limits.max_ratio`` times past 1 MiB."""
    if info.file_size > room:
        raise SampleError("ZIP unpacks to more than the size limit")
    ratio = info.file_size / max(info.compress_size, 1)
    if ratio > limits.max_ratio and info.file_size > SMALL_BYTES:
        raise SampleError(f"ZIP member {info.filename!r} has compression ratio {ratio:.0f}")


def zip_members(data: bytes, *, limits: Limits, budget: list[int]) -> list[tuple[str, bytes]]:
    """The members of a ZIP, refusing encrypted, oversized or over-compressed ones."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, NotImplementedError) as exc:
        raise SampleError(f"not a readable ZIP: {exc}") from None
    with archive:
        infos = [info for info in archive.infolist() if not info.is_dir()]
        if len(infos) > limits.max_members:
            raise SampleError(f"ZIP has {len(infos)} members (limit {limits.max_members})")
        members = []
        for info in infos:
            if info.flag_bits & 0x1:
                raise SampleError(f"ZIP member {info.filename!r} is encrypted")
            check_member(info, limits=limits, room=budget[0])
            try:
                with archive.open(info) as handle:
                    content = handle.read(budget[0] + 1)
            except (
                zipfile.BadZipFile,
                zlib.error,
                EOFError,
                OSError,
                ValueError,
                NotImplementedError,
            ) as exc:  # NotImplementedError: a compression method zipfile does not know
                raise SampleError(f"ZIP member {info.filename!r} is unreadable: {exc}") from None
            if len(content) > budget[0]:
                raise SampleError("ZIP unpacks to more than the size limit")
            budget[0] -= len(content)
            members.append((info.filename, content))
        return members


def gunzip(data: bytes, *, limits: Limits, budget: list[int]) -> bytes:
    """Decompress gzip data within the remaining budget and ratio limit (the ZIP members'
    rule: up to 1 MiB whatever the ratio, beyond that ``limits.max_ratio`` times its size)."""
    cap = min(budget[0], max(SMALL_BYTES, int(len(data) * limits.max_ratio)))
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as handle:
            content = handle.read(cap + 1)
    except (OSError, EOFError, zlib.error) as exc:
        raise SampleError(f"not readable gzip: {exc}") from None
    if len(content) > cap:
        raise SampleError("gzip unpacks past the size or ratio limit")
    budget[0] -= len(content)
    return content


def unpack(
    data: bytes, *, name: str, limits: Limits, depth: int = 0, budget: list[int] | None = None
) -> Iterator[tuple[str, bytes]]:
    """Every leaf file inside ``data`` (``data`` itself when it is not a container)."""
    budget = budget if budget is not None else [limits.max_total_bytes]
    if is_zip(data) and not _is_office(data):
        if depth >= limits.max_depth:
            raise SampleError(f"containers nested deeper than {limits.max_depth}")
        for member, content in zip_members(data, limits=limits, budget=budget):
            yield from unpack(
                content, name=f"{name}/{member}", limits=limits, depth=depth + 1, budget=budget
            )
    elif is_gzip(data):
        if depth >= limits.max_depth:
            raise SampleError(f"containers nested deeper than {limits.max_depth}")
        inner = name[:-3] if name.lower().endswith(".gz") else name
        content = gunzip(data, limits=limits, budget=budget)
        yield from unpack(content, name=inner, limits=limits, depth=depth + 1, budget=budget)
    else:
        yield name, data


def _is_office(data: bytes) -> bool:
    """An XLSX (a ZIP holding ``xl/workbook.xml``) is read as a spreadsheet, not unpacked."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, NotImplementedError):
        return False
