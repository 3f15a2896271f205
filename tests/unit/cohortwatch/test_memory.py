"""The one-off scan's memory policy: small pages and freed memory kept, in its own process."""

from __future__ import annotations

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
