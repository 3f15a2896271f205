"""``POST /api/scan``: the egress gateway's endpoint, scope ``scan``.

The request body is the file itself (any content type; ``application/octet-stream`` is usual),
its name in the optional ``X-Filename`` header (the extension helps pick a reader). A body larger
than ``ScanConfig.max_bytes`` is refused with 413 from its ``Content-Length`` before it is read
(or as soon as a chunked body passes the cap). At most ``concurrency`` uploads are read and
scanned at once, and at most ``max_queued`` more wait for their turn (:class:`ScanGate`); beyond
that a request gets 503 with ``Retry-After`` at once, its body unread, so a burst of uploads
cannot pile up in memory. Each scan runs in a worker thread, so the event loop never blocks. The answer is the object ``cohortwatch scan --json`` prints for a file, with 200; a file
that cannot be read is 422 with one line. The file's content is never logged or stored: the log
line holds the verdict, the size and the token's name.
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated

import anyio
from fastapi import FastAPI, Header, HTTPException, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from dashboard.auth import PrincipalDep, requires
from dashboard.bodies import read_body
from storage.enums import TokenScope

if TYPE_CHECKING:
    from matcher.dictionary import Dictionary
    from matcher.fingerprint.model import Fingerprint
    from matcher.scan import ScanResult

log = logging.getLogger(__name__)

DEFAULT_FILENAME = "upload"
BUSY_RETRY_AFTER_SECONDS = 5
MAX_FILENAME = 255
_UNSAFE = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class ScanConfig:
    """What the endpoint scans with: a loaded fingerprint and its key, and the limits."""

    fingerprint: Fingerprint
    key: bytes = field(repr=False)
    max_bytes: int = 100 * 1024 * 1024
    concurrency: int = 2
    dictionary: Dictionary | None = None
    max_queued: int = 8

    def scan(self, data: bytes, filename: str) -> ScanResult:
        """Scan one upload (blocking: call it from a worker thread)."""
        from matcher.samples import Limits
        from matcher.scan import scan_bytes

        return scan_bytes(
            data,
            filename=filename,
            fingerprint=self.fingerprint,
            key=self.key,
            dictionary=self.dictionary,
            limits=Limits(max_total_bytes=self.max_bytes),
        )


class ScanGate:
    """Lets ``concurrency`` scans run and ``max_queued`` wait; refuses the rest with 503.

    Used from the event loop only: the count changes with no ``await`` between its check and
    its update, so no lock is needed.
    """

    def __init__(self, *, concurrency: int, max_queued: int) -> None:
        self.limiter = anyio.CapacityLimiter(concurrency)
        self.capacity = concurrency + max_queued
        self.admitted = 0

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Hold a scan slot (waiting for one if the queue has room), else raise HTTP 503."""
        if self.admitted >= self.capacity:
            log.info("scan refused: %d uploads running or waiting", self.admitted)
            raise HTTPException(
                status_code=503,
                detail="too many scans running or waiting; retry later",
                headers={"Retry-After": str(BUSY_RETRY_AFTER_SECONDS)},
            )
        self.admitted += 1
        try:
            async with self.limiter:
                yield
        finally:
            self.admitted -= 1


def clean_filename(value: str | None) -> str:
    """The last path part of the given name, without control characters, capped; or a default."""
    if not value:
        return DEFAULT_FILENAME
    name = _UNSAFE.sub("", value.replace("\\", "/").rsplit("/", 1)[-1]).strip()
    return name[:MAX_FILENAME] or DEFAULT_FILENAME


def _one_line(text: str | None) -> str:
    return " ".join((text or "unreadable file").split())[:500]


@requires(TokenScope.SCAN)
async def scan_upload(
    request: Request,
    principal: PrincipalDep,
    x_filename: Annotated[str | None, Header()] = None,
) -> JSONResponse:
    """Scan the request body for participant-level rows of the cohort."""
    config: ScanConfig | None = request.app.state.scan
    if config is None:
        raise HTTPException(status_code=503, detail="scanning is not configured on this server")
    gate: ScanGate = request.app.state.scan_gate
    filename = clean_filename(x_filename)
    async with gate.slot():
        data = await read_body(request, limit=config.max_bytes)
        size = len(data)
        result = await run_in_threadpool(config.scan, data, filename)
        del data
    log.info("scan by token %s: %s, %d bytes", principal.name, result.verdict, size)
    if result.verdict == "error":
        return JSONResponse({"detail": _one_line(result.error)}, status_code=422)
    return JSONResponse(result.to_json())


def add_scan_route(app: FastAPI) -> None:
    """Add ``POST /api/scan`` to ``app``."""
    app.add_api_route(
        "/api/scan",
        scan_upload,
        methods=["POST"],
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {
                    "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
                },
            }
        },
        responses={
            200: {
                "description": "The verdict, as `cohortwatch scan --json` gives it for one file."
            },
            413: {"description": "The file is larger than `scan_max_bytes`."},
            422: {"description": "The file could not be read (one line in `detail`)."},
            503: {
                "description": "No fingerprint is configured on this server, or more uploads "
                "than `scan_concurrency` + `scan_max_queued` are running or waiting "
                "(then with `Retry-After`)."
            },
        },
    )
