"""How a one-off scanning process takes memory: small pages, and freed memory kept for reuse.

A 1,000,000-row scan touches ~1.4 GB it never touched before (the file, its parsed columns,
then the linkage's arrays in their place). On the shared VMs the scanner was measured on
(2026-12-07, docs/benchmarks.md), memory that is new to a process is what costs, not the work
done in it: numpy asks for transparent huge pages for every array of 4 MB or more, and a huge
page the kernel has not handed out lately costs ~2 s per GB to fault in (the host backs it
only then), against ~0.4 s per GB in 4 KB pages; and glibc returns every freed array of more
than 32 MB to the kernel, so the linkage faults in again the memory the parsed columns just
left. :func:`keep_memory_for_one_off_scan` turns both off for the calling process. It changes
where memory comes from, never what a scan computes. A long-running service should not call
it (the process would keep its peak memory for good).
"""

from __future__ import annotations

import ctypes
import sys

PR_SET_THP_DISABLE = 41  # prctl(2): no transparent huge pages for this process
M_TRIM_THRESHOLD = -1  # mallopt(3): free heap above this is returned (-1: never)
M_MMAP_MAX = -4  # mallopt(3): at most this many allocations mapped on their own (0: none)


def keep_memory_for_one_off_scan() -> bool:
    """Small pages only, and freed memory kept in the heap for the next allocation (see the
    module docstring). True when both took effect (Linux with glibc); elsewhere nothing
    changes."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        small_pages = libc.prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0) == 0
        kept = libc.mallopt(M_MMAP_MAX, 0) == 1
        kept = libc.mallopt(M_TRIM_THRESHOLD, -1) == 1 and kept
    except (AttributeError, OSError):  # no prctl or mallopt in this C library
        return False
    return small_pages and kept
