"""Runs one crawl in a child process and supervises it.

Scrapy's Twisted reactor cannot be restarted inside a process, so every crawl gets a fresh Python
(``python -m crawler.child``). The spec, database URL included, goes to the child on stdin, never
on its command line or in its environment, so it does not show in ``ps`` or in Scrapy's logs. The
child prints one result line; the parent kills the whole process group when the timeout passes.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from crawler.errors import CrawlError
from crawler.settings import CrawlLimits
from crawler.sources import SourceConfig

logger = logging.getLogger(__name__)

RESULT_PREFIX = "COHORTWATCH_RESULT "
ERROR_MESSAGE_CHARS = 300
KILL_GRACE_SECONDS = 10.0


class CrawlStatus(StrEnum):
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    TIMED_OUT = "timed_out"


@dataclass(frozen=True)
class CrawlSpec:
    """Everything a child process needs to crawl one source into one run.

    The database URL and the fingerprint key are secrets: they travel to the child on stdin only.
    """

    source: SourceConfig
    run_id: int
    source_id: int
    database_url: str
    evidence_dir: Path
    browser_path: Path | None
    limits: CrawlLimits = field(default_factory=CrawlLimits)
    fingerprint_path: Path | None = None
    fingerprint_key: bytes | None = field(default=None, repr=False)

    def to_json(self) -> str:
        return json.dumps(
            {
                "source": self.source.model_dump(mode="json"),
                "run_id": self.run_id,
                "source_id": self.source_id,
                "database_url": self.database_url,
                "evidence_dir": str(self.evidence_dir),
                "browser_path": str(self.browser_path) if self.browser_path else None,
                "limits": asdict(self.limits),
                "fingerprint_path": str(self.fingerprint_path) if self.fingerprint_path else None,
                "fingerprint_key": self.fingerprint_key.hex() if self.fingerprint_key else None,
            }
        )

    @classmethod
    def from_json(cls, text: str) -> CrawlSpec:
        raw = json.loads(text)
        return cls(
            source=SourceConfig.model_validate(raw["source"]),
            run_id=int(raw["run_id"]),
            source_id=int(raw["source_id"]),
            database_url=raw["database_url"],
            evidence_dir=Path(raw["evidence_dir"]),
            browser_path=Path(raw["browser_path"]) if raw["browser_path"] else None,
            limits=CrawlLimits(**raw["limits"]),
            fingerprint_path=Path(raw["fingerprint_path"]) if raw.get("fingerprint_path") else None,
            fingerprint_key=bytes.fromhex(raw["fingerprint_key"])
            if raw.get("fingerprint_key")
            else None,
        )


@dataclass(frozen=True)
class CrawlOutcome:
    """How a child crawl ended, with Scrapy's and our own counters."""

    status: CrawlStatus
    stats: dict[str, Any]
    seconds: float
    error: str | None = None

    def count(self, key: str) -> int:
        value = self.stats.get(key, 0)
        return int(value) if isinstance(value, int | float) else 0


def run_crawl(spec: CrawlSpec, *, grace_seconds: float = 60.0) -> CrawlOutcome:
    """Crawl ``spec.source`` in a child process; never raises for a crawl that merely failed."""
    started = time.monotonic()
    deadline = spec.limits.timeout_seconds + grace_seconds
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "crawler.child"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
    except OSError as exc:
        raise CrawlError(f"cannot start crawl process: {exc}") from exc
    try:
        stdout, stderr = process.communicate(spec.to_json(), timeout=deadline)
    except subprocess.TimeoutExpired:
        _kill_group(process)
        stdout, stderr = process.communicate()
        return CrawlOutcome(
            CrawlStatus.TIMED_OUT,
            _parse_result(stdout).get("stats", {}),
            time.monotonic() - started,
            error=f"crawl of {spec.source.slug} did not finish within {deadline:.0f}s",
        )
    seconds = time.monotonic() - started
    result = _parse_result(stdout)
    if process.returncode != 0 or not result:
        lines = stderr.strip().splitlines()
        tail = lines[-1][:ERROR_MESSAGE_CHARS] if lines else ""
        logger.warning("crawl of %s failed (exit %s)", spec.source.slug, process.returncode)
        return CrawlOutcome(
            CrawlStatus.FAILED,
            result.get("stats", {}),
            seconds,
            error=f"crawl process exited with {process.returncode}: {tail or 'no output'}",
        )
    stats = result.get("stats", {})
    reason = result.get("finish_reason")
    if reason == "closespider_timeout":
        return CrawlOutcome(CrawlStatus.TIMED_OUT, stats, seconds, error="crawl timed out")
    errors = int(stats.get("log_count/ERROR", 0))
    if reason != "finished" or errors:
        first = _first_error(stderr)
        return CrawlOutcome(
            CrawlStatus.FAILED,
            stats,
            seconds,
            error=f"{errors} error(s) logged, finish reason {reason!r}"
            + (f"; first: {first}" if first else ""),
        )
    return CrawlOutcome(CrawlStatus.SUCCEEDED, stats, seconds)


def _first_error(stderr: str) -> str | None:
    """The message of the first ERROR line of a child's Scrapy log, capped."""
    for line in stderr.splitlines():
        _, marker, message = line.partition("] ERROR: ")
        if marker:
            return message.strip()[:ERROR_MESSAGE_CHARS]
    return None


def _parse_result(stdout: str) -> dict[str, Any]:
    for line in reversed(stdout.splitlines()):
        if line.startswith(RESULT_PREFIX):
            try:
                parsed = json.loads(line[len(RESULT_PREFIX) :])
            except json.JSONDecodeError:
                return {}
            return parsed if isinstance(parsed, dict) else {}
    return {}


def _kill_group(process: subprocess.Popen[str]) -> None:
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=KILL_GRACE_SECONDS)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
