"""Fingerprint build and scan (issue: build <= 3x, scan of 1M rows <= 2x a polars read_csv).

A 500,000-row synthetic cohort written as ukbconv CSV is fingerprinted the way ``cohortwatch
fingerprint build`` does it (its ``read_cohort_file``: a large CSV is parsed from its bytes,
headers are mapped, every family keyed); the baseline is ``polars.read_csv`` of the same file.
Then a 1,000,000-row file (half of it cohort rows, half a second synthetic cohort) is scanned the
way ``cohortwatch scan`` does it (loading the fingerprint and the numba kernels inside the
timing), and the way ``cohortwatch serve`` does it (its memory policy, kernels loaded and every
family sorted once, before: ``prepare_service``), against its own ``polars.read_csv``: the first
scan in a fresh process, and in steady state (one service process alternating ``read_csv`` and
a scan, so each finds the memory its previous run left; with serve's memory policy and
without). Build and scan run in child processes so their peak memory (VmHWM) is their own,
after a child that warms the bytecode and numba caches. The machine is shared and noisy, so
each is timed ``REPEATS`` times, alternating with its baseline, and the medians are compared.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from statistics import median

import polars as pl

ROWS = 500_000
SCAN_ROWS = 1_000_000
REPEATS = 3
STEADY_ROUNDS = 7  # read_csv and scan pairs in one service process; the first WARM_FROM not counted
WARM_FROM = 2

CHILD = r"""
import json, resource, sys, time
from pathlib import Path
from matcher.dictionary import load_dictionary
from matcher.fingerprint import build_fingerprint, load_fingerprint, save_fingerprint
from matcher.samples import Limits
from matcher.scan import scan_path
def peak_bytes():  # this process's own peak RSS (a child's ru_maxrss starts at its parent's)
    status = Path("/proc/self/status").read_text().split("VmHWM:")[1]
    return int(status.split()[0]) * 1024
mode, path, fp_path, key_hex = sys.argv[1:5]
key = bytes.fromhex(key_hex)
d = load_dictionary()
limits = Limits(max_total_bytes=8 * 1024**3, max_rows=10**8)
if mode in ("service", "steady"):  # as `cohortwatch serve` scans: what it does once, before
    from cohortwatch.memory import keep_memory_for_service
    from matcher.scan import prepare_service
    keep_memory_for_service(kept_bytes=int(sys.argv[5]))  # 0: glibc's default
    fp = load_fingerprint(Path(fp_path))
    prepare_service(fp)
if mode == "steady":  # one service process: read_csv and a scan (in a worker thread, as serve
    # runs it) alternating, so both find the memory their last run left
    from concurrent.futures import ThreadPoolExecutor
    import polars as pl
    reads, scans = [], []
    with ThreadPoolExecutor(max_workers=1) as pool:
        for _ in range(int(sys.argv[6])):
            started = time.perf_counter()
            pl.read_csv(path, infer_schema=False)
            reads.append(time.perf_counter() - started)
            started = time.perf_counter()
            pool.submit(scan_path, Path(path), fingerprint=fp, key=key, dictionary=d,
                        limits=limits).result()
            scans.append(time.perf_counter() - started)
    statm = Path("/proc/self/statm").read_text().split()
    print(json.dumps({"reads": reads, "scans": scans, "peak_bytes": peak_bytes(),
                      "rss_bytes": int(statm[1]) * resource.getpagesize()}))
    sys.exit(0)
started = time.perf_counter()
if mode == "build":
    from cohortwatch.commands.fingerprint import read_cohort_file
    fp = build_fingerprint(read_cohort_file(Path(path), d), dictionary=d, key=key)
    size = save_fingerprint(fp, Path(fp_path))
    extra = {"fingerprint_bytes": size}
else:
    if mode == "scan":  # as `cohortwatch scan` runs: its process's memory policy, then the load
        from cohortwatch.memory import keep_memory_for_one_off_scan
        keep_memory_for_one_off_scan()
        fp = load_fingerprint(Path(fp_path), map_file=True)
    result = scan_path(Path(path), fingerprint=fp, key=key, dictionary=d, limits=limits)
    extra = {"verdict": result.verdict, "linked": result.linked_rows, "rows": result.rows}
seconds = time.perf_counter() - started
print(json.dumps({"seconds": seconds, "peak_bytes": peak_bytes(), **extra}))
"""


def child_env() -> dict[str, str]:
    """The children's environment: Python's bytecode cache on (in a folder of its own), as an
    installed package has it; a sandbox that sets PYTHONDONTWRITEBYTECODE would otherwise
    recompile numba's modules (~0.4 s) inside every timing."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(Path(tempfile.gettempdir()) / "cohortwatch-bench-pycache")
    return env


def child(*args: str, service: bool = False) -> dict[str, object]:
    """A child's result; ``service``: in the environment the systemd unit gives serve."""
    env = child_env() | ({"MALLOC_ARENA_MAX": "1"} if service else {})
    out = subprocess.run(
        [sys.executable, "-c", CHILD, *args],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def warm_caches() -> None:
    """Load every kernel once in a child, so bytecode and numba caches are warm for timing."""
    code = "from matcher.prf import start_warm_up, wait_warm_up; start_warm_up(); wait_warm_up()"
    subprocess.run([sys.executable, "-c", code], check=True, env=child_env())


def read_seconds(path: Path) -> float:
    started = time.perf_counter()
    pl.read_csv(path, infer_schema=False)
    return time.perf_counter() - started


READ_CHILD = """
import sys, time
import polars as pl
started = time.perf_counter()
pl.read_csv(sys.argv[1], infer_schema=False)
print(time.perf_counter() - started)
"""


def read_seconds_fresh(path: Path) -> float:
    """``read_seconds`` in a fresh process, as build and scan run (this process's allocator
    keeps memory from earlier reads; a fresh process must fault in every page it uses)."""
    out = subprocess.run(
        [sys.executable, "-c", READ_CHILD, str(path)],
        check=True, capture_output=True, text=True, env=child_env(),
    )  # fmt: skip
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    from cohortwatch.settings import Settings
    from cohortwatch.synth import generate_cohort, write_cohort
    from matcher.dictionary import load_dictionary

    d = load_dictionary()
    key = os.urandom(32).hex()
    with tempfile.TemporaryDirectory() as tmp:
        cohort_path, scan_path, fp = Path(tmp) / "c.csv", Path(tmp) / "s.csv", Path(tmp) / "c.fp"
        cohort = generate_cohort(rows=ROWS, seed=1, dictionary=d)
        write_cohort(cohort, style="ukbconv", path=cohort_path, dictionary=d)
        other = generate_cohort(rows=SCAN_ROWS - ROWS, seed=2, dictionary=d)
        write_cohort(pl.concat([cohort, other]), style="ukbconv", path=scan_path, dictionary=d)
        del cohort, other
        warm_caches()
        builds, build_bases, scans, scan_bases, services, service_bases = [], [], [], [], [], []
        for _ in range(REPEATS):  # each run next to its baseline, so both see the same load
            builds.append(child("build", str(cohort_path), str(fp), key))
            build_bases.append(read_seconds(cohort_path))
        fresh_bases = []
        for _ in range(REPEATS):
            scans.append(child("scan", str(scan_path), str(fp), key))
            scan_bases.append(read_seconds(scan_path))
            fresh_bases.append(read_seconds_fresh(scan_path))
        kept = str(Settings.model_fields["scan_memory_kept_bytes"].default)
        for _ in range(REPEATS):
            services.append(child("service", str(scan_path), str(fp), key, kept, service=True))
            service_bases.append(read_seconds(scan_path))
        steady = {}
        for policy in (kept, "0"):  # serve's memory policy, then the C library's default
            args = ("steady", str(scan_path), str(fp), key, policy, str(STEADY_ROUNDS))
            steady[policy] = child(*args, service=policy != "0")
        mb = cohort_path.stat().st_size / 1e6
        scan_mb = scan_path.stat().st_size / 1e6
    build, scan = builds[-1], scans[-1]
    b_s = median(float(b["seconds"]) for b in builds)  # type: ignore[arg-type]
    s_s = median(float(s["seconds"]) for s in scans)  # type: ignore[arg-type]
    build_base, scan_base = median(build_bases), median(scan_bases)
    build_peak = max(int(b["peak_bytes"]) for b in builds)  # type: ignore[call-overload]
    scan_peak = max(int(s["peak_bytes"]) for s in scans)  # type: ignore[call-overload]
    print(f"cohort: {ROWS:,} rows x 62 columns, {mb:.0f} MB ukbconv CSV; medians of {REPEATS} runs")
    print(f"build: {b_s:.2f} s (read + key); polars read_csv {build_base:.2f} s; "
          f"ratio {b_s / build_base:.2f}x (limit 3x); "
          f"runs {_runs(builds, build_bases)}")  # fmt: skip
    print(f"build peak memory: {build_peak / 1e9:.2f} GB (limit 2 GB)")
    print(f"fingerprint: {int(build['fingerprint_bytes']) / 1e6:.0f} MB (limit 200 MB)")  # type: ignore[call-overload]
    print(f"scan: {SCAN_ROWS:,} rows ({scan_mb:.0f} MB) in {s_s:.2f} s; polars read_csv "
          f"{scan_base:.2f} s; ratio {s_s / scan_base:.2f}x (limit 2x); verdict {scan['verdict']}, "
          f"{scan['linked']} rows linked; runs {_runs(scans, scan_bases)}")  # fmt: skip
    fresh = median(fresh_bases)
    fresh_runs = ", ".join(f"{b:.2f}" for b in fresh_bases)
    print(f"scan against polars read_csv in a fresh process, as the scan runs: {fresh:.2f} s; "
          f"ratio {s_s / fresh:.2f}x; runs {fresh_runs}")  # fmt: skip
    print(f"scan peak memory: {scan_peak / 1e9:.2f} GB")
    v_s = median(float(s["seconds"]) for s in services)  # type: ignore[arg-type]
    v_base = median(service_bases)
    print(f"scan as a service (fingerprint, kernels and the index of every family prepared "
          f"once before, as `cohortwatch serve` does): {v_s:.2f} s; polars read_csv "
          f"{v_base:.2f} s; ratio {v_s / v_base:.2f}x; "
          f"runs {_runs(services, service_bases)}")  # fmt: skip
    for policy, run in steady.items():
        reads, runs = run["reads"], run["scans"]
        warm_scan, warm_read = median(runs[WARM_FROM:]), median(reads[WARM_FROM:])
        kept_text = (
            f"memory kept up to {int(policy) / 2**30:.1f} GiB, as serve"
            if policy != "0"
            else "memory returned as glibc does by default"
        )
        print(f"scan as a service, steady state ({kept_text}; one process, read_csv and a scan "
              f"in a worker thread alternating {STEADY_ROUNDS} times, medians of the last "
              f"{STEADY_ROUNDS - WARM_FROM}): {warm_scan:.2f} s; polars read_csv {warm_read:.2f} s; "
              f"ratio {warm_scan / warm_read:.2f}x; peak memory {int(run['peak_bytes']) / 1e9:.2f} GB, "
              f"{int(run['rss_bytes']) / 1e9:.2f} GB held after; runs "
              + ", ".join(f"{s:.2f}/{r:.2f}" for s, r in zip(runs, reads, strict=True)))  # fmt: skip


def _runs(runs: list[dict[str, object]], bases: list[float]) -> str:
    """Each run's seconds / its baseline's seconds."""
    return ", ".join(
        f"{float(r['seconds']):.2f}/{b:.2f}"  # type: ignore[arg-type]
        for r, b in zip(runs, bases, strict=True)
    )


if __name__ == "__main__":
    main()
