"""``cohortwatch watch``, the main job: the in-process scheduler crawls a source as soon as it
starts, records the run and alerts, and stops cleanly (exit 0) on Ctrl-C."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.demo import Catalogue, DemoMarketplace
from crawler.sources.config import BUILTIN_DIR

pytestmark = pytest.mark.slow


def test_watch_crawls_on_start_and_stops_on_ctrl_c(
    tmp_path: Path, marketplace: DemoMarketplace, catalogue: Catalogue
) -> None:
    sources = tmp_path / "sources"
    sources.mkdir()
    shutil.copy(BUILTIN_DIR / "demo-telegram.yaml", sources)
    data_dir = tmp_path / "data"
    env = {k: v for k, v in os.environ.items() if not k.startswith("COHORTWATCH_")}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "cohortwatch",
            "--data-dir",
            str(data_dir),
            "watch",
            "--sources-dir",
            str(sources),
            "--base-url",
            marketplace.base_url,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline(), process.stdout.readline()]
        assert lines[0].startswith("demo-telegram: every 360 min"), lines
        assert lines[1].startswith("demo-telegram: run 1 succeeded"), lines
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, stderr
    assert "Traceback" not in stderr
    planted = sum(
        1 for label in catalogue.labels_by_path(kind="telegram").values() if label == "leak"
    )
    db = sqlite3.connect(data_dir / "cohortwatch.db")
    try:
        assert db.execute("select status from crawl_run").fetchall() == [("succeeded",)]
        assert db.execute("select count(*) from alert").fetchone() == (planted,)
    finally:
        db.close()
