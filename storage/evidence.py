"""Content-addressed, append-only evidence store: raw HTML, screenshots and attachments.

A blob lives at ``root/ab/cd/abcd...`` named by the SHA-256 of its bytes. Writes go to a
temporary file in the store, are fsynced, made read-only (0o444) and then hard-linked into place,
so a reader never sees a half-written blob and an existing blob is never replaced (a concurrent
writer of the same bytes simply finds it there). Hashes given by callers are checked against
``^[0-9a-f]{64}$`` before they touch the file system, which rules out path traversal.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from storage.errors import EvidenceError, EvidenceNotFoundError, EvidenceTooLargeError

log = logging.getLogger(__name__)

SHA256_PATTERN = re.compile(r"[0-9a-f]{64}")
READ_ONLY = 0o444
CHUNK_SIZE = 1024 * 1024
TMP_DIR = ".tmp"


@dataclass(frozen=True)
class EvidenceRef:
    """Where a stored blob is: its SHA-256 (hex), its size in bytes and its path."""

    sha256: str
    size: int
    path: Path


class EvidenceStore:
    """Append-only blobs under ``root`` addressed by SHA-256, optionally capped at ``max_bytes``."""

    def __init__(self, root: Path, *, max_bytes: int | None = None) -> None:
        if max_bytes is not None and max_bytes < 0:
            raise ValueError("max_bytes must be >= 0")
        self.root = Path(root)
        self.max_bytes = max_bytes

    def path_for(self, sha256: str) -> Path:
        """The path a blob with this hash has (whether or not it is stored)."""
        digest = _check_sha256(sha256)
        return self.root / digest[:2] / digest[2:4] / digest

    def exists(self, sha256: str) -> bool:
        return self.path_for(sha256).is_file()

    def put(self, data: bytes) -> EvidenceRef:
        """Store ``data`` (a no-op if the same bytes are already stored)."""
        self._check_size(len(data))
        return self.put_stream([data])

    def put_stream(self, chunks: Iterable[bytes]) -> EvidenceRef:
        """Store the concatenation of ``chunks`` without holding it all in memory.

        Errors raised by ``chunks`` itself (a dropped download) pass through unchanged; file
        system errors become :class:`EvidenceError`. Either way nothing is left behind.
        """
        with self._io_errors():
            tmp_dir = self.root / TMP_DIR
            tmp_dir.mkdir(parents=True, exist_ok=True)
            fd, tmp_name = tempfile.mkstemp(dir=tmp_dir, prefix="blob-")
        tmp_path = Path(tmp_name)
        try:
            digest, size = self._write_hashed(fd, chunks)
            final = self.path_for(digest)
            with self._io_errors():
                os.chmod(tmp_path, READ_ONLY)
                _link_into_place(tmp_path, final)
        finally:
            with contextlib.suppress(FileNotFoundError):
                tmp_path.unlink()
        log.debug("evidence stored: %s (%s bytes)", digest, size)
        return EvidenceRef(sha256=digest, size=size, path=final)

    def open(self, sha256: str) -> BinaryIO:
        """Open a stored blob for reading (the caller closes it)."""
        path = self.path_for(sha256)
        try:
            return path.open("rb")
        except FileNotFoundError as exc:
            raise EvidenceNotFoundError(f"no evidence blob {sha256}") from exc

    def read(self, sha256: str) -> bytes:
        """The bytes of a stored blob."""
        with self.open(sha256) as handle:
            return handle.read()

    def verify(self, sha256: str) -> bool:
        """Rehash a stored blob: True if it is present and its bytes still match its name."""
        try:
            handle = self.open(sha256)
        except EvidenceNotFoundError:
            return False
        digest = hashlib.sha256()
        with handle:
            for chunk in iter(lambda: handle.read(CHUNK_SIZE), b""):
                digest.update(chunk)
        ok = digest.hexdigest() == sha256
        if not ok:
            log.warning("evidence blob %s does not match its hash", sha256)
        return ok

    def iter_sha256(self) -> Iterator[str]:
        """The hashes of every stored blob (for audits and exports), in no particular order."""
        for path in self.root.glob("??/??/*"):
            if SHA256_PATTERN.fullmatch(path.name) and path.is_file():
                yield path.name

    def _check_size(self, size: int) -> None:
        if self.max_bytes is not None and size > self.max_bytes:
            raise EvidenceTooLargeError(f"evidence blob exceeds the cap of {self.max_bytes} bytes")

    def _write_hashed(self, fd: int, chunks: Iterable[bytes]) -> tuple[str, int]:
        digest = hashlib.sha256()
        size = 0
        with os.fdopen(fd, "wb") as handle:
            for chunk in chunks:
                size += len(chunk)
                self._check_size(size)
                digest.update(chunk)
                with self._io_errors():
                    handle.write(chunk)
            with self._io_errors():
                handle.flush()
                os.fsync(handle.fileno())
        return digest.hexdigest(), size

    @contextlib.contextmanager
    def _io_errors(self) -> Iterator[None]:
        try:
            yield
        except OSError as exc:
            raise EvidenceError(f"cannot write to evidence store {self.root}: {exc}") from exc


def _check_sha256(sha256: str) -> str:
    if not isinstance(sha256, str) or not SHA256_PATTERN.fullmatch(sha256):
        raise EvidenceError(f"not a SHA-256 hex digest: {sha256!r:.80}")
    return sha256


def _link_into_place(tmp_path: Path, final: Path) -> None:
    """Give the finished temp file its final name without ever replacing an existing blob."""
    final.parent.mkdir(parents=True, exist_ok=True)
    if final.exists():
        return
    try:
        os.link(tmp_path, final)
    except FileExistsError:
        return  # a concurrent writer stored the same bytes first
    except OSError:
        # File systems without hard links: rename instead (same bytes if it raced).
        os.replace(tmp_path, final)
    _fsync_dir(final.parent)


def _fsync_dir(directory: Path) -> None:
    with contextlib.suppress(OSError):  # not every platform can fsync a directory
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
