"""How a scanning process takes memory: where freed memory goes, and (one-off) small pages.

A 1,000,000-row scan touches ~1.2 GB (the file, its parsed columns, then the linkage's arrays
in their place). On the shared VMs the scanner was measured on (2026-12-07,
docs/benchmarks.md), memory that is new to a process is what costs, not the work done in it:
numpy asks for transparent huge pages for every array of 4 MB or more, and a huge page the
kernel has not handed out lately costs ~2 s per GB to fault in (the host backs it only then),
against ~0.4 s per GB in 4 KB pages; and glibc returns every freed array of more than 32 MB to
the kernel, so the next array faults in again the memory the last one left.

- :func:`keep_memory_for_one_off_scan` (``cohortwatch scan``): small pages, and freed memory
  kept for good (the process ends after its files).
- :func:`keep_memory_for_service` (``cohortwatch serve``): what a scan frees stays in the
  heap for the next scan, up to a bound; pages as the system gives them (a page kept is fast
  however it was backed). It needs ``MALLOC_ARENA_MAX=1`` in the process's environment (the
  systemd unit sets it): a worker thread's own heap maps each large array apart and unmaps it
  when freed, and glibc fixes which heaps there are as threads start, before any code of ours
  runs (numpy's and polars' threads start at import).

Both change where memory comes from, never what a scan computes.
"""

from __future__ import annotations

import ctypes
import sys

PR_SET_THP_DISABLE = 41  # prctl(2): no transparent huge pages for this process
M_TRIM_THRESHOLD = -1  # mallopt(3): free heap above this is returned (-1: never)
M_MMAP_MAX = -4  # mallopt(3): at most this many allocations mapped on their own (0: none)
M_ARENA_MAX = -8  # mallopt(3): at most this many heaps (1: every thread shares the main one)


def _libc() -> ctypes.CDLL | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None


def keep_memory_for_one_off_scan() -> bool:
    """Small pages only, and freed memory kept in the heap for the next allocation (see the
    module docstring). True when both took effect (Linux with glibc); elsewhere nothing
    changes."""
    libc = _libc()
    if libc is None:
        return False
    try:
        small_pages = libc.prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0) == 0
        kept = libc.mallopt(M_MMAP_MAX, 0) == 1
        kept = libc.mallopt(M_TRIM_THRESHOLD, -1) == 1 and kept
    except AttributeError:  # no prctl or mallopt in this C library
        return False
    return small_pages and kept


def keep_memory_for_service(*, kept_bytes: int) -> bool:
    """For a long-running scanner: large arrays from the heap, not mapped apart, and freed
    memory kept there for the next scan until more than ``kept_bytes`` lies free at its top,
    when that is returned. Worker threads share the main heap only under
    ``MALLOC_ARENA_MAX=1`` (see the module docstring; this asks for it too, which helps only
    while no thread has made a heap of its own). True when it took effect (Linux with glibc);
    elsewhere nothing changes.

    The cost is memory: after a scan the process keeps about that scan's peak (a
    1,000,000-row file: ~0.7 GB beyond what it held before; 2026-12-07, docs/benchmarks.md).
    """
    libc = _libc()
    if libc is None or kept_bytes <= 0:
        return False
    try:
        shared = libc.mallopt(M_ARENA_MAX, 1) == 1
        kept = libc.mallopt(M_MMAP_MAX, 0) == 1
        kept = libc.mallopt(M_TRIM_THRESHOLD, min(kept_bytes, 2**31 - 1)) == 1 and kept
    except AttributeError:  # no mallopt in this C library
        return False
    return shared and kept
