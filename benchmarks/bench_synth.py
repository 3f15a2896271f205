"""Synthetic cohort: generate and write 500,000 UK Biobank-shaped rows (issue: under a minute).

Baseline in the same run: polars writing the same frame to CSV, so the ratio says how much of
the time is our generation and header styling.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from cohortwatch.synth import generate_cohort, write_cohort
from matcher.dictionary import load_dictionary

ROWS = 500_000


def main() -> None:
    dictionary = load_dictionary()
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        cohort = generate_cohort(rows=ROWS, seed=1, dictionary=dictionary)
        generated = time.perf_counter() - started
        out = Path(tmp) / "cohort.csv"
        write_cohort(cohort, style="ukbconv", path=out, dictionary=dictionary)
        total = time.perf_counter() - started
        started = time.perf_counter()
        cohort.write_csv(Path(tmp) / "baseline.csv")
        baseline = time.perf_counter() - started
        size_mb = out.stat().st_size / 1e6
    print(f"rows: {ROWS:,} x {cohort.width} columns, {size_mb:.0f} MB as ukbconv CSV")
    print(f"generate: {generated:.2f} s; generate + write ukbconv: {total:.2f} s (limit 60 s)")
    print(f"baseline polars write_csv of the same frame: {baseline:.2f} s")
    print(f"ratio (generate + write) / baseline write: {total / baseline:.1f}x")


if __name__ == "__main__":
    main()
