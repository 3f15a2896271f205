"""Blood count and serum biochemistry of a synthetic cohort, vectorised with numpy.

Means and spreads follow published UK Biobank baseline summaries. Values hang together the way
an analyser's do: haemoglobin, haematocrit, MCV and MCH derive from red cell count, MCH and MCHC;
the white cell count is the sum of its differential; haemoglobin, red cells, creatinine and urate
differ by sex; LDL tracks total cholesterol; glucose and HbA1c are raised in diabetics. A whole
sample is sometimes missing (~5% of blood counts, ~6% of biochemistry) and single assays more
often for the ones UK Biobank measured on fewer samples (albumin, glucose, HDL, HbA1c).
"""

from __future__ import annotations

import numpy as np
import polars as pl

from cohortwatch.synth.schema import DECIMALS, column_name

FloatArray = np.ndarray
BoolArray = np.ndarray

BLOOD_SAMPLE_MISSING = 0.046
BIOCHEMISTRY_SAMPLE_MISSING = 0.062
# Extra per-assay missingness on top of a missing sample.
BIOCHEMISTRY_ASSAY_MISSING: dict[int, float] = {
    30600: 0.080,  # albumin
    30740: 0.081,  # glucose
    30750: 0.045,  # HbA1c
    30760: 0.080,  # HDL cholesterol
}
DEFAULT_ASSAY_MISSING = 0.003


def measurement(name_field: int, values: FloatArray, missing: BoolArray) -> pl.Series:
    """A Float64 column of ``values`` rounded to the field's decimals, null where ``missing``."""
    rounded = np.round(values, DECIMALS[name_field])
    series = pl.Series(column_name(name_field), rounded, dtype=pl.Float64)
    if missing.any():
        series = series.scatter(np.flatnonzero(missing), None)
    return series


def _lognormal(
    rng: np.random.Generator, median: FloatArray | float, sigma: float, n: int
) -> FloatArray:
    return np.asarray(median) * np.exp(sigma * rng.standard_normal(n))


def blood_count(
    rng: np.random.Generator, *, male: BoolArray, current_smoker: BoolArray
) -> list[pl.Series]:
    """Full blood count columns (30000-30140) for participants of the given sex and smoking."""
    n = male.size
    sample_missing = rng.random(n) < BLOOD_SAMPLE_MISSING
    rbc = np.where(male, 4.75, 4.29) + np.where(male, 0.30, 0.27) * rng.standard_normal(n)
    rbc = np.clip(rbc, 2.5, 7.0)
    mch = np.clip(31.3 + 1.6 * rng.standard_normal(n), 20.0, 40.0)  # picograms
    mchc = np.clip(34.3 + 0.9 * rng.standard_normal(n), 30.0, 38.0)  # g/dL
    haemoglobin = rbc * mch / 10.0
    haematocrit = haemoglobin / mchc * 100.0
    mcv = mch / mchc * 100.0
    platelets = np.clip(np.where(male, 236.0, 262.0) + 58.0 * rng.standard_normal(n), 40, 800)
    smoke_factor = np.where(current_smoker, 1.22, 1.0)
    neutrophils = _lognormal(rng, 3.95 * smoke_factor, 0.31, n)
    lymphocytes = _lognormal(rng, 1.90, 0.30, n)
    monocytes = _lognormal(rng, 0.46, 0.29, n)
    others = _lognormal(rng, 0.19, 0.45, n)  # eosinophils + basophils
    wbc = neutrophils + lymphocytes + monocytes + others
    values = {
        30000: wbc,
        30010: rbc,
        30020: haemoglobin,
        30030: haematocrit,
        30040: mcv,
        30050: mch,
        30080: platelets,
        30120: lymphocytes,
        30130: monocytes,
        30140: neutrophils,
    }
    return [
        measurement(field_id, value, sample_missing | (rng.random(n) < 0.001))
        for field_id, value in values.items()
    ]


def biochemistry(
    rng: np.random.Generator, *, male: BoolArray, age: np.ndarray, diabetic: BoolArray
) -> list[pl.Series]:
    """Serum biochemistry columns (30600-30880), sex-, age- and diabetes-aware."""
    n = male.size
    sample_missing = rng.random(n) < BIOCHEMISTRY_SAMPLE_MISSING
    age_offset = age.astype(np.float64) - 57.0
    normal = rng.standard_normal
    cholesterol = np.clip(np.where(male, 5.50, 5.90) + 1.10 * normal(n), 1.5, 15.0)
    values = {
        30600: np.clip(45.2 - 0.05 * age_offset + 2.6 * normal(n), 25.0, 60.0),
        30610: _lognormal(rng, np.where(male, 79.0, 82.0), 0.28, n),
        30620: _lognormal(rng, np.where(male, 25.0, 18.0), 0.45, n),
        30650: _lognormal(rng, np.where(male, 27.0, 23.5), 0.28, n),
        30670: np.clip(np.where(male, 5.6, 5.2) + 0.025 * age_offset + 1.3 * normal(n), 1.0, 30.0),
        30690: cholesterol,
        30700: np.clip(
            np.where(male, 81.0, 64.0) * (1.0 + 0.004 * age_offset)
            + np.where(male, 14.0, 11.0) * normal(n),
            20.0,
            500.0,
        ),
        30710: np.clip(_lognormal(rng, 1.3, 1.0, n), 0.08, 79.96),
        30740: np.clip(5.0 + 0.6 * normal(n) + diabetic * _lognormal(rng, 2.5, 0.5, n), 1.0, 35.0),
        30750: np.clip(
            35.0 + 0.05 * age_offset + 3.8 * normal(n) + diabetic * _lognormal(rng, 17.0, 0.4, n),
            15.0,
            200.0,
        ),
        30760: np.clip(np.where(male, 1.29, 1.59) + 0.35 * normal(n), 0.3, 4.0),
        30780: np.clip(0.63 * cholesterol - 0.05 + 0.35 * normal(n), 0.3, 10.0),
        30870: np.clip(_lognormal(rng, np.where(male, 1.75, 1.35), 0.5, n), 0.3, 12.0),
        30880: np.clip(
            np.where(male, 353.0, 261.0) + np.where(male, 70.0, 62.0) * normal(n), 70, 900
        ),
    }
    columns = []
    for field_id, value in values.items():
        rate = BIOCHEMISTRY_ASSAY_MISSING.get(field_id, DEFAULT_ASSAY_MISSING)
        columns.append(measurement(field_id, value, sample_missing | (rng.random(n) < rate)))
    return columns
