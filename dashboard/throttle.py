"""Throttling of failed authentication: per client address, in memory, per process.

A client that presents a token that fails (a bad ``Authorization: Bearer`` token, or a failed
``POST /login``) ``max_failures`` times within ``window_seconds`` is refused with ``429`` and
``Retry-After`` until the oldest of those failures leaves the window; after that it may try once
more, so a client never gets more than ``max_failures`` guesses per window. Successful
authentication neither counts nor resets the count (else a client holding one good token could
interleave it with guesses). What counts is the client *address* alone, never the token or its
prefix, and a throttled client is refused before its token is looked at, so the throttle cannot
tell a caller whether a prefix exists. IPv6 clients are counted per /64 (one host usually holds a
whole /64). The count lives in this process's memory: one ``cohortwatch serve`` is one process,
so it is exact there; several dashboard processes would each allow ``max_failures`` (sharing the
counts in Redis is the scale-out path, see ``docs/scaling-out.md``). At most ``max_clients``
addresses are tracked; beyond that the one whose last failure is oldest is forgotten.
"""

from __future__ import annotations

import ipaddress
import logging
import math
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass

log = logging.getLogger(__name__)

UNKNOWN_CLIENT = "unknown"


@dataclass(frozen=True)
class ThrottleLimits:
    """How many failed authentications one client may make per window, and how many clients
    are remembered."""

    max_failures: int = 10
    window_seconds: float = 300.0
    max_clients: int = 10_000

    def __post_init__(self) -> None:
        if self.max_failures < 1 or self.window_seconds <= 0 or self.max_clients < 1:
            raise ValueError("throttle limits must be positive")


def client_key(address: str | None) -> str:
    """What failures are counted under: the IPv4 address, the IPv6 /64, else the text given."""
    if not address:
        return UNKNOWN_CLIENT
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address[:100]
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)


class _Client:
    __slots__ = ("failures", "warned")

    def __init__(self) -> None:
        self.failures: deque[float] = deque()
        self.warned = False


class FailureThrottle:
    """Counts failed authentications per client; thread-safe (the guard runs in worker threads)."""

    def __init__(
        self, limits: ThrottleLimits, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limits = limits
        self._clock = clock
        self._clients: OrderedDict[str, _Client] = OrderedDict()
        self._lock = threading.Lock()

    def _current(self, key: str, now: float) -> _Client | None:
        """The client's record with failures older than the window dropped (None: no record)."""
        client = self._clients.get(key)
        if client is None:
            return None
        horizon = now - self.limits.window_seconds
        while client.failures and client.failures[0] <= horizon:
            client.failures.popleft()
        if not client.failures:
            del self._clients[key]  # a quiet client starts afresh (and is warned about again)
            return None
        return client

    def _retry_after(self, client: _Client | None, now: float) -> int | None:
        if client is None or len(client.failures) < self.limits.max_failures:
            return None
        oldest = client.failures[-self.limits.max_failures]
        return max(1, math.ceil(oldest + self.limits.window_seconds - now))

    def retry_after(self, address: str | None) -> int | None:
        """Seconds until ``address`` may try again, or None when it is not throttled."""
        now = self._clock()
        with self._lock:
            return self._retry_after(self._current(client_key(address), now), now)

    def record_failure(self, address: str | None) -> None:
        """Count one failed authentication of ``address`` (logs a WARNING once when this
        throttles it: the address only)."""
        key = client_key(address)
        now = self._clock()
        with self._lock:
            client = self._current(key, now)
            if client is None:
                client = self._clients[key] = _Client()
                self._forget_oldest()
            client.failures.append(now)
            while len(client.failures) > self.limits.max_failures:
                client.failures.popleft()  # only the last max_failures decide
            self._clients.move_to_end(key)
            throttled = self._retry_after(client, now) is not None and not client.warned
            if throttled:
                client.warned = True
        if throttled:
            log.warning(
                "client %s throttled: %d failed authentications within %d s",
                key,
                self.limits.max_failures,
                self.limits.window_seconds,
            )

    def _forget_oldest(self) -> None:
        while len(self._clients) > self.limits.max_clients:
            self._clients.popitem(last=False)

    def __len__(self) -> int:
        """How many clients are remembered (expired ones included until they are next seen)."""
        return len(self._clients)
