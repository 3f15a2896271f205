"""Listing-text scorer: listings per second on one core (issue: at least 20,000 per second).

Listings: the labelled corpus (dev + test, ≤ 2 KB each), repeated to 20,000. Baseline in the
same run: a naive scan that normalises each listing (NFKC + casefold) and runs rapidfuzz
``partial_ratio`` of every alias of the profile over it, which finds names but says nothing else.
"""

from __future__ import annotations

import json
import statistics
import time
import unicodedata
from pathlib import Path

from rapidfuzz import fuzz

from matcher.text.native import describe
from matcher.text.profile import CohortProfile, default_profile
from matcher.text.scoring import score_listing_text

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "data" / "listings"
COUNT = 20_000


def load_listings(*, labels: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    rows = []
    for name in ("dev.jsonl", "test.jsonl"):
        for line in (CORPUS / name).read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            if labels and row["label"] not in labels:
                continue
            if len((row["title"] + row["text"]).encode("utf-8")) <= 2048:
                rows.append((row["title"], row["text"]))
    return (rows * (COUNT // len(rows) + 1))[:COUNT]


def rate(listings: list[tuple[str, str]]) -> float:
    profile = default_profile()
    started = time.perf_counter()
    for title, text in listings:
        score_listing_text(title=title, text=text, profile=profile)
    return len(listings) / (time.perf_counter() - started)


ROUNDS = 5


def _scorer_pass(listings: list[tuple[str, str]], profile: CohortProfile) -> tuple[float, int]:
    started = time.perf_counter()
    leaks = 0
    for title, text in listings:
        leaks += score_listing_text(title=title, text=text, profile=profile).verdict == "leak-offer"
    return time.perf_counter() - started, leaks


def _baseline_pass(listings: list[tuple[str, str]], aliases: list[str]) -> tuple[float, int]:
    started = time.perf_counter()
    hits = 0
    for title, text in listings:
        body = unicodedata.normalize("NFKC", f"{title}\n{text}").casefold()
        hits += any(fuzz.partial_ratio(a, body, score_cutoff=88) for a in aliases)
    return time.perf_counter() - started, hits


def main() -> None:
    """Scorer and baseline alternate over :data:`ROUNDS` rounds of all the listings: a change of
    load on a shared machine then slows both alike, and the medians of the rounds are reported
    beside the range of the per-round ratios."""
    profile = default_profile()
    listings = load_listings()
    aliases = list(profile.aliases)
    size = sum(len((t + x).encode("utf-8")) for t, x in listings) / len(listings)
    score_listing_text(title="warm up", text="UK Biobank", profile=profile)
    scorer_times, baseline_times, ratios = [], [], []
    for _ in range(ROUNDS):
        scorer, leaks = _scorer_pass(listings, profile)
        baseline, hits = _baseline_pass(listings, aliases)
        scorer_times.append(scorer)
        baseline_times.append(baseline)
        ratios.append(baseline / scorer)
    scorer, baseline = statistics.median(scorer_times), statistics.median(baseline_times)

    print(describe())
    print(f"listings: {len(listings):,} (corpus repeated), mean size {size:.0f} bytes")
    print(
        f"scorer: {len(listings) / scorer:,.0f} listings/s, median of {ROUNDS} rounds "
        f"(range {len(listings) / max(scorer_times):,.0f}-{len(listings) / min(scorer_times):,.0f}; "
        f"{leaks:,} leak offers)"
    )
    print(
        f"baseline rapidfuzz partial_ratio of {len(aliases)} aliases: "
        f"{len(listings) / baseline:,.0f} listings/s ({hits:,} alias hits)"
    )
    print(
        f"ratio scorer speed / baseline speed: {statistics.median(ratios):.2f}x median "
        f"(rounds {min(ratios):.2f}-{max(ratios):.2f}x)"
    )
    print(
        f"scorer on the corpus's unrelated listings only: {rate(load_listings(labels=('unrelated',))):,.0f} listings/s"
    )


if __name__ == "__main__":
    main()
