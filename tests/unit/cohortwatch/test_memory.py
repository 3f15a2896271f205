"""The scanning processes' memory policies: each is the whole process's, so each test runs a child."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

CHILD = """
from pathlib import Path
from cohortwatch.memory import keep_memory_for_one_off_scan
print(keep_memory_for_one_off_scan())
status = Path("/proc/self/status").read_text()
print(next(line for line in status.splitlines() if line.startswith("THP_enabled")))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl and mallopt: Linux")
def test_the_scanning_process_takes_small_pages() -> None:
    # in a child: the policy is the whole process's, and this one is the test runner
    out = subprocess.run(
        [sys.executable, "-c", CHILD], check=True, capture_output=True, text=True
    ).stdout.split()
    assert out[0] == "True"
    if len(out) > 1:  # kernels before 6.x do not show the flag
        assert out[1:] == ["THP_enabled:", "0"]


SERVICE_CHILD = """
import sys, threading
import numpy as np
from cohortwatch.memory import keep_memory_for_service
print(keep_memory_for_service(kept_bytes=int(sys.argv[1])))
def rss():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * 4096
def scan():  # as serve scans: in a worker thread, a large array touched, then freed
    before = rss()
    array = np.ones(64 * 1024 * 1024 // 8)
    del array
    print(rss() - before >= 48 * 1024 * 1024)
worker = threading.Thread(target=scan)
worker.start()
worker.join()
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="mallopt: Linux with glibc")
@pytest.mark.parametrize(
    ("kept_bytes", "expected"), [(1 << 30, ["True", "True"]), (0, ["False", "False"])]
)
def test_a_service_keeps_what_a_worker_thread_frees(kept_bytes: int, expected: list[str]) -> None:
    env = {**os.environ, "MALLOC_ARENA_MAX": "1"}  # as the systemd unit runs serve
    out = subprocess.run(
        [sys.executable, "-c", SERVICE_CHILD, str(kept_bytes)],
        check=True, capture_output=True, text=True, env=env,
    ).stdout.split()  # fmt: skip
    assert out == expected
