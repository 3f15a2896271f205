"""The cohort fingerprint: keyed linkage digests, release ID digests and canaries.

fp = build_fingerprint(cohort_text_frame, dictionary=d, key=key, releases={"app-1": map1})
save_fingerprint(fp, Path("cohort.fp"))
fp = load_fingerprint(Path("cohort.fp"))
"""

from __future__ import annotations

from matcher.fingerprint.build import add_canaries, build_fingerprint, check_key
from matcher.fingerprint.model import (
    Fingerprint,
    FingerprintError,
    fingerprint_bytes,
    load_fingerprint,
    save_fingerprint,
    summary,
)

__all__ = [
    "Fingerprint",
    "FingerprintError",
    "add_canaries",
    "build_fingerprint",
    "check_key",
    "fingerprint_bytes",
    "load_fingerprint",
    "save_fingerprint",
    "summary",
]
