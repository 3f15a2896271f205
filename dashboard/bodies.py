"""Request bodies read with a size cap: refused with 413 from ``Content-Length`` before any byte
is read, or as soon as a streamed (chunked) body passes the cap."""

from __future__ import annotations

from fastapi import HTTPException, Request


def too_large(limit: int) -> HTTPException:
    return HTTPException(status_code=413, detail=f"request body larger than {limit} bytes")


async def read_body(request: Request, *, limit: int) -> bytes:
    """The whole body, at most ``limit`` bytes, else HTTP 413."""
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.isdigit():
            raise HTTPException(status_code=400, detail="bad Content-Length")
        if int(declared) > limit:
            raise too_large(limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_large(limit)
        chunks.append(chunk)
    return b"".join(chunks)
