"""``cohortwatch demo`` end to end, as a user runs it: a real process, a real data dir."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.browser]


def run_cli(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("COHORTWATCH_")}
    env["COLUMNS"] = "200"
    return subprocess.run(
        [sys.executable, "-m", "cohortwatch", "--data-dir", str(data_dir), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_demo_finds_every_planted_offer_and_no_near_miss(tmp_path: Path, chromium: Path) -> None:
    data_dir = tmp_path / "cw"
    port = str(free_port())
    result = run_cli("demo", "--port", port, data_dir=data_dir)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert "near misses alerted: 0; noise alerted: 0" in result.stdout
    assert "their IDs point to: application-2 (" in result.stdout
    assert "(the demo leaked application-2)" in result.stdout
    found = next(line for line in result.stdout.splitlines() if "Planted leak offers found" in line)
    got, planted = found.split("found: ")[1].split(";")[0].split("/")
    assert got == planted and int(planted) >= 8

    db = sqlite3.connect(data_dir / "cohortwatch.db")
    try:
        (alerts,) = db.execute("select count(*) from alert").fetchone()
        (browser,) = db.execute(
            "select count(*) from listing_snapshot where rendered_with_browser"
        ).fetchone()
        runs = db.execute("select status from crawl_run").fetchall()
    finally:
        db.close()
    assert alerts == int(planted)
    assert browser >= 1
    assert runs and all(status == "succeeded" for (status,) in runs)
    assert any((data_dir / "evidence").rglob("*"))
    assert (data_dir / "demo" / "cohort.csv").stat().st_size > 0

    again = run_cli("demo", "--port", port, data_dir=data_dir)
    assert again.returncode == 0, again.stdout + again.stderr
    db = sqlite3.connect(data_dir / "cohortwatch.db")
    try:
        (alerts_after,) = db.execute("select count(*) from alert").fetchone()
    finally:
        db.close()
    assert alerts_after == alerts, "a second demo run must refresh, not duplicate, alerts"
