"""Bad input to any command: one clear line on stderr, exit code 2, no traceback, no secret."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def run_cli(
    args: list[str], *, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("COHORTWATCH_")}
    return subprocess.run(
        [sys.executable, "-m", "cohortwatch", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=base | (env or {}),
        timeout=120,
        check=False,
    )


CASES = [
    pytest.param(
        ["crawl", "--source", "missing.yaml"],
        {},
        "",
        "cannot read source file",
        id="missing-source-file",
    ),
    pytest.param(
        ["db", "upgrade"],
        {"COHORTWATCH_DATABASE_URL": "postgresql://cw:hunter2@127.0.0.1:{port}/cw"},
        "",
        "cannot use postgresql database",
        id="unreachable-database",
    ),
    pytest.param(
        ["db", "current"],
        {"COHORTWATCH_DATABASE_URL": "nosuchdb://x"},
        "",
        "Error:",
        id="unknown-database-driver",
    ),
    pytest.param(
        ["db", "current"], {}, "data_dir = [\n", "cannot read settings", id="malformed-toml"
    ),
    pytest.param(["db", "current"], {}, "bogus = 1\n", "bogus", id="unknown-setting"),
    pytest.param(
        ["db", "current"],
        {"COHORTWATCH_ALERT_THRESHOLD": "high"},
        "",
        "alert_threshold",
        id="bad-setting-value",
    ),
    pytest.param(
        ["db", "current"],
        {"COHORTWATCH_ENVIRONMENT": "production"},
        "",
        "secret_key is a placeholder",
        id="placeholder-secret-in-production",
    ),
    pytest.param(
        ["--data-dir", "/proc/no/such", "demo"],
        {},
        "",
        "cannot create data dir",
        id="unusable-data-dir",
    ),
    pytest.param(
        ["synth", "cohort", "--rows", "0", "--seed", "1", "--style", "ukbconv", "--out", "x.csv"],
        {},
        "",
        "--rows",
        id="synth-bad-rows",
    ),
]


@pytest.mark.parametrize(("args", "env", "toml", "message"), CASES)
def test_bad_input_is_one_clear_line(
    tmp_path: Path, args: list[str], env: dict[str, str], toml: str, message: str
) -> None:
    if toml:
        (tmp_path / "cohortwatch.toml").write_text(toml, encoding="utf-8")
    env = {k: v.format(port=closed_port()) for k, v in env.items()}
    result = run_cli(args, cwd=tmp_path, env=env)
    assert result.returncode == 2, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error:") and message in lines[0], lines[0]
    assert "Traceback" not in result.stderr and "hunter2" not in result.stderr
