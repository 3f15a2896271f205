"""Synthetic UK Biobank-shaped cohorts for demos and tests: generate, sample, write, release.

    from cohortwatch.synth import generate_cohort, write_cohort
    from matcher.dictionary import load_dictionary

    dictionary = load_dictionary()
    cohort = generate_cohort(rows=10_000, seed=7, dictionary=dictionary)
    write_cohort(cohort, style="rap", path=Path("cohort.csv"), dictionary=dictionary)

Modules: ``schema`` (column names, precision), ``generate`` (the cohort, samples), ``labs``
(blood count, biochemistry), ``styles`` (the five header styles), ``releases`` (release maps).
"""

from __future__ import annotations

from cohortwatch.synth.generate import generate_cohort, sample_rows
from cohortwatch.synth.releases import release_map, release_map_path, write_release_maps
from cohortwatch.synth.styles import (
    STYLES,
    Style,
    column_header,
    format_cohort,
    render_cohort,
    write_cohort,
)

__all__ = [
    "STYLES",
    "Style",
    "column_header",
    "format_cohort",
    "generate_cohort",
    "release_map",
    "release_map_path",
    "render_cohort",
    "sample_rows",
    "write_cohort",
    "write_release_maps",
]
