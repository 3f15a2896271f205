"""The listing-text scorer's public face: score a listing's title and text against a profile.

Kept as the stable import for callers (crawler pipelines, alerts, dashboard); the scorer itself
lives in :mod:`matcher.text` (normalisation, YAML profile, evidence, scoring, evaluation).
``UK_BIOBANK_PROFILE`` is the shipped profile, parsed once.
"""

from __future__ import annotations

from matcher.text.normalise import fold_alias, normalise
from matcher.text.profile import CohortProfile, ProfileError, default_profile, load_profile
from matcher.text.scoring import (
    SCORER_VERSION,
    TextScore,
    TextVerdict,
    detect_language,
    score_listing_text,
)

UK_BIOBANK_PROFILE: CohortProfile = default_profile()

__all__ = [
    "SCORER_VERSION",
    "UK_BIOBANK_PROFILE",
    "CohortProfile",
    "ProfileError",
    "TextScore",
    "TextVerdict",
    "default_profile",
    "detect_language",
    "fold_alias",
    "load_profile",
    "normalise",
    "score_listing_text",
]
