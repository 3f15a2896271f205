"""Generate a synthetic, UK Biobank-shaped cohort: plausible, self-consistent and reproducible.

:func:`generate_cohort` builds the canonical frame described in :mod:`cohortwatch.synth.schema`
with numpy, column at a time (no per-row Python). Each block of fields draws from its own stream
of one ``SeedSequence(seed)``, so the same seed gives the same frame, byte for byte once written.
Consistency rules: the assessment date falls in the centre's recruitment window
(2006-03-13..2010-10-01, no Sundays); age at recruitment is attendance year minus birth year,
minus one when the birth month is after the attendance month; work questions are answered only by
the employed; neuroticism colours mood, insomnia and GP visits; diabetics get raised glucose and
HbA1c and an ``E119`` diagnosis. Every categorical value is a code of the field's coding, checked
against the dictionary handed in.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from cohortwatch.errors import UsageError
from cohortwatch.synth import labs
from cohortwatch.synth.schema import (
    EID,
    ICD10_ARRAY_WIDTH,
    ICD10_DATE_FIELD,
    ICD10_FIELD,
    column_name,
    icd10_codes,
    parse_column,
    require_codes,
)
from matcher.dictionary import Dictionary

EID_LOW, EID_HIGH = 1_000_000, 6_026_000
RECRUITMENT_START = np.datetime64("2006-03-13", "D")
RECRUITMENT_END = np.datetime64("2010-10-01", "D")
CENTRE_WINDOW_DAYS = 540
DIAGNOSIS_START = np.datetime64("1996-04-01", "D")
DIAGNOSIS_END = np.datetime64("2022-10-31", "D")
BLOCKS = ("eid", "person", "lifestyle", "blood", "biochemistry", "diagnoses")

# Assessment centres (coding 10) in opening order: code, relative size, Townsend offset.
CENTRES: tuple[tuple[int, float, float], ...] = (
    (11001, 13, 1.0), (11002, 12, -0.8), (11003, 18, 0.2), (11004, 18, 2.0),
    (11005, 17, -0.3), (11006, 18, 0.0), (11007, 27, -0.8), (11008, 28, -0.2),
    (11009, 36, 0.3), (11010, 45, 0.2), (11011, 41, -0.3), (11012, 15, 2.5),
    (11013, 39, -0.2), (11014, 30, 0.0), (11016, 33, 1.2), (11017, 24, 0.8),
    (11018, 29, 0.6), (11020, 28, 0.4), (11021, 30, 0.8), (11022, 3, 0.2),
    (11023, 1, 0.0),
)  # fmt: skip

# Categorical answers: codes and their shares (UK Biobank baseline frequencies, rounded).
Table = tuple[tuple[int, ...], tuple[float, ...]]
SMOKING_FEMALE: Table = ((0, 1, 2, -3), (0.60, 0.30, 0.095, 0.005))
SMOKING_MALE: Table = ((0, 1, 2, -3), (0.49, 0.39, 0.115, 0.005))
ALCOHOL: Table = ((1, 2, 3, 4, 5, 6, -3), (0.203, 0.231, 0.258, 0.111, 0.115, 0.081, 0.001))
CHRONOTYPE: Table = ((1, 2, 3, 4, -1, -3), (0.235, 0.334, 0.276, 0.087, 0.062, 0.006))
OILY_FISH: Table = ((0, 1, 2, 3, 4, 5, -1, -3), (0.11, 0.37, 0.36, 0.15, 6e-3, 2e-3, 4e-3, 5e-4))
PROCESSED_MEAT: Table = (
    (0, 1, 2, 3, 4, 5, -1, -3),
    (0.094, 0.303, 0.293, 0.277, 0.025, 6e-3, 2e-3, 5e-4),
)
WORK: dict[int, Table] = {  # answered by the employed; ordered never .. always
    806: ((1, 2, 3, 4), (0.43, 0.27, 0.13, 0.17)),
    816: ((1, 2, 3, 4), (0.68, 0.20, 0.06, 0.06)),
    826: ((1, 2, 3, 4), (0.80, 0.09, 0.04, 0.07)),
}
WORK_SPECIALS = {-1: 0.001, -3: 0.001}
INSOMNIA: Table = ((1, 2, 3), (0.243, 0.475, 0.282))  # ordered, driven by neuroticism
DEPRESSED_MOOD: Table = ((1, 2, 3, 4), (0.78, 0.17, 0.03, 0.02))
GP_NERVES: Table = ((0, 1), (0.655, 0.345))
SLEEP_SPECIALS = {-1: 0.005, -3: 0.001}
VEGETABLE_SPECIALS = {-10: 0.055, -1: 0.016, -3: 0.0005}
INSOMNIA_SPECIALS = {-3: 0.001}
MOOD_SPECIALS = {-1: 0.013, -3: 0.005}
GP_NERVES_SPECIALS = {-1: 0.003, -3: 0.002}
QUESTION_MISSING = 0.002  # touchscreen answers left blank


def _rngs(seed: int) -> dict[str, np.random.Generator]:
    children = np.random.SeedSequence(seed).spawn(len(BLOCKS))
    return {
        name: np.random.default_rng(child) for name, child in zip(BLOCKS, children, strict=True)
    }


def _codes(series_name: str, values: np.ndarray, missing: np.ndarray | None = None) -> pl.Series:
    series = pl.Series(series_name, values, dtype=pl.Int64)
    if missing is not None and missing.any():
        series = series.scatter(np.flatnonzero(missing), None)
    return series


def _choice(rng: np.random.Generator, table: Table, n: int) -> np.ndarray:
    codes, shares = table
    p = np.asarray(shares, dtype=np.float64)
    return np.asarray(codes, dtype=np.int64)[rng.choice(len(codes), size=n, p=p / p.sum())]


def _ordinal(latent: np.ndarray, table: Table) -> np.ndarray:
    """Ordered categories cut from a latent score at quantiles, so the shares hold exactly."""
    codes, shares = table
    cumulative = np.cumsum(shares) / np.sum(shares)
    thresholds = np.quantile(latent, cumulative[:-1])
    return np.asarray(codes, dtype=np.int64)[np.searchsorted(thresholds, latent, side="right")]


def _with_specials(
    rng: np.random.Generator, values: np.ndarray, specials: dict[int, float]
) -> np.ndarray:
    """Overwrite a random share of answers with "Do not know" / "Prefer not to answer" codes."""
    draw = rng.random(values.size)
    out = values.copy()
    low = 0.0
    for code, share in specials.items():
        out[(draw >= low) & (draw < low + share)] = code
        low += share
    return out


def _check_codes(dictionary: Dictionary) -> None:
    require_codes(dictionary, 31, (0, 1))
    require_codes(dictionary, 52, tuple(range(1, 13)))
    require_codes(dictionary, 54, tuple(code for code, _, _ in CENTRES))
    require_codes(dictionary, 20116, SMOKING_MALE[0])
    checks: list[tuple[int, Table]] = [
        (1558, ALCOHOL), (1180, CHRONOTYPE), (1329, OILY_FISH), (1349, PROCESSED_MEAT),
        (1200, INSOMNIA), (2050, DEPRESSED_MOOD), (2090, GP_NERVES),
    ]  # fmt: skip
    checks += list(WORK.items())
    for field_id, (codes, _) in checks:
        require_codes(dictionary, field_id, codes)
    specials: list[tuple[int, dict[int, float]]] = [
        (806, WORK_SPECIALS), (816, WORK_SPECIALS), (826, WORK_SPECIALS),
        (1160, SLEEP_SPECIALS), (1200, INSOMNIA_SPECIALS), (1289, VEGETABLE_SPECIALS),
        (2050, MOOD_SPECIALS), (2090, GP_NERVES_SPECIALS),
    ]  # fmt: skip
    for field_id, shares in specials:
        require_codes(dictionary, field_id, tuple(shares))


def generate_cohort(*, rows: int, seed: int, dictionary: Dictionary) -> pl.DataFrame:
    """A synthetic cohort of ``rows`` participants in canonical form (see ``schema``)."""
    if rows <= 0:
        raise UsageError(f"rows must be positive, not {rows}")
    if rows > EID_HIGH - EID_LOW + 1:
        raise UsageError(f"at most {EID_HIGH - EID_LOW + 1} rows fit the 7-digit eid range")
    if seed < 0:
        raise UsageError(f"seed must be zero or positive, not {seed}")
    _check_codes(dictionary)
    codes = icd10_codes(dictionary)
    rng = _rngs(seed)
    eids = np.sort(rng["eid"].choice(EID_HIGH - EID_LOW + 1, size=rows, replace=False)) + EID_LOW
    columns: list[pl.Series] = [pl.Series(EID, eids, dtype=pl.Int64)]

    person = rng["person"]
    male = person.random(rows) < 0.456
    centre_index = person.choice(len(CENTRES), size=rows, p=_shares([c[1] for c in CENTRES]))
    attended = _attendance_dates(person, centre_index)
    attended_year = attended.astype("datetime64[Y]").astype(np.int64) + 1970
    attended_month = attended.astype("datetime64[M]").astype(np.int64) % 12 + 1
    target_age = 40 + np.floor(30 * person.beta(1.35, 1.05, size=rows)).astype(np.int64)
    birth_month = person.integers(1, 13, size=rows)
    later_birthday = (birth_month > attended_month).astype(np.int64)
    birth_year = np.clip(attended_year - target_age - later_birthday, 1934, 1971)
    age = attended_year - birth_year - later_birthday
    townsend = -6.26 + person.gamma(2.56, 1.82, size=rows)
    townsend = np.clip(townsend + np.asarray([c[2] for c in CENTRES])[centre_index], -6.26, 11.0)
    columns += [
        _codes(column_name(31), male.astype(np.int64)),
        _codes(column_name(34), birth_year),
        _codes(column_name(52), birth_month),
        pl.Series(column_name(53), attended),
        _codes(column_name(54), np.asarray([c[0] for c in CENTRES])[centre_index]),
        labs.measurement(189, townsend, person.random(rows) < 0.0012),
        _codes(column_name(21022), age),
    ]

    lifestyle, smoking = _lifestyle(rng["lifestyle"], male=male, age=age)
    columns += lifestyle
    diabetic = person.random(rows) < (0.025 + 0.0015 * (age - 40) + 0.02 * male)
    columns += labs.blood_count(rng["blood"], male=male, current_smoker=smoking == 2)
    columns += labs.biochemistry(rng["biochemistry"], male=male, age=age, diabetic=diabetic)
    columns += _diagnoses(rng["diagnoses"], codes=codes, age=age, diabetic=diabetic)
    frame = pl.DataFrame(columns)
    return frame.select(EID, *sorted(frame.columns[1:], key=_column_order))


def _shares(weights: list[float]) -> np.ndarray:
    p = np.asarray(weights, dtype=np.float64)
    return p / p.sum()


def _column_order(name: str) -> tuple[int, int, int]:
    column = parse_column(name)
    assert column is not None
    return column.field_id, column.instance, column.array


def _attendance_dates(rng: np.random.Generator, centre_index: np.ndarray) -> np.ndarray:
    """Each centre recruits in its own window; the windows tile 2006-03-13..2010-10-01."""
    span = int((RECRUITMENT_END - RECRUITMENT_START).astype(np.int64))
    starts = np.linspace(0, span - CENTRE_WINDOW_DAYS, len(CENTRES)).astype(np.int64)
    offsets = starts[centre_index] + rng.integers(0, CENTRE_WINDOW_DAYS + 1, centre_index.size)
    dates = RECRUITMENT_START + offsets.astype("timedelta64[D]")
    weekday = (dates.astype(np.int64) + 3) % 7  # Monday is 0; 1970-01-01 was a Thursday
    # Centres opened on some Saturdays and never on Sundays: move those visits to a weekday
    # of the same week (recruitment began on a Monday, so no visit moves before it).
    moved = (weekday == 6) | ((weekday == 5) & (rng.random(weekday.size) < 0.7))
    back = weekday - rng.integers(0, 5, weekday.size)  # lands on Monday..Friday
    return dates - np.where(moved, back, 0).astype("timedelta64[D]")


def _lifestyle(
    rng: np.random.Generator, *, male: np.ndarray, age: np.ndarray
) -> tuple[list[pl.Series], np.ndarray]:
    """Work, sleep, diet, alcohol, smoking and mental-health answers; also the smoking codes."""
    n = male.size

    def blank() -> np.ndarray:
        return rng.random(n) < QUESTION_MISSING

    smoking = np.where(male, _choice(rng, SMOKING_MALE, n), _choice(rng, SMOKING_FEMALE, n))
    employed = rng.random(n) < 0.92 / (1.0 + np.exp((age - 61.0) / 2.5))
    work = [
        _codes(
            column_name(field_id),
            _with_specials(rng, _choice(rng, table, n), WORK_SPECIALS),
            ~employed,
        )
        for field_id, table in WORK.items()
    ]
    # Neuroticism: 12 yes/no items; a latent trait drives them and the mood questions.
    trait = rng.standard_normal(n)
    item_p = 1.0 / (1.0 + np.exp(0.85 - trait - 0.35 * ~male))
    neuroticism = rng.binomial(12, item_p)

    def mood_latent() -> np.ndarray:
        return 0.5 * trait + np.sqrt(0.75) * rng.standard_normal(n)

    sleep_hours = np.clip(np.rint(7.15 + 1.1 * rng.standard_normal(n)), 1, 16).astype(np.int64)
    vegetables = np.clip(rng.poisson(2.7, n), 0, 20)
    columns = [
        *work,
        _codes(column_name(1160), _with_specials(rng, sleep_hours, SLEEP_SPECIALS), blank()),
        _codes(column_name(1180), _choice(rng, CHRONOTYPE, n), blank()),
        _codes(
            column_name(1200),
            _with_specials(rng, _ordinal(mood_latent(), INSOMNIA), INSOMNIA_SPECIALS),
            blank(),
        ),
        _codes(column_name(1289), _with_specials(rng, vegetables, VEGETABLE_SPECIALS), blank()),
        _codes(column_name(1329), _choice(rng, OILY_FISH, n), blank()),
        _codes(column_name(1349), _choice(rng, PROCESSED_MEAT, n), blank()),
        _codes(column_name(1558), _choice(rng, ALCOHOL, n), blank()),
        _codes(
            column_name(2050),
            _with_specials(rng, _ordinal(mood_latent(), DEPRESSED_MOOD), MOOD_SPECIALS),
            blank(),
        ),
        _codes(
            column_name(2090),
            _with_specials(rng, _ordinal(mood_latent(), GP_NERVES), GP_NERVES_SPECIALS),
            blank(),
        ),
        _codes(column_name(20116), smoking, blank()),
        _codes(column_name(20127), neuroticism, rng.random(n) < 0.20),
    ]
    return columns, smoking


def _diagnoses(
    rng: np.random.Generator, *, codes: tuple[str, ...], age: np.ndarray, diabetic: np.ndarray
) -> list[pl.Series]:
    """ICD-10 diagnoses (41270) sorted by code, with first-diagnosis dates (41280) aligned."""
    n, width = age.size, ICD10_ARRAY_WIDTH
    by_frequency = np.arange(len(codes), dtype=np.float64)
    weights = 1.0 / (by_frequency + 3.0) ** 1.1
    alphabetical = np.argsort(np.asarray(codes))
    sorted_codes = [codes[i] for i in alphabetical]
    p = weights[alphabetical] / weights[alphabetical].sum()
    none = len(codes)  # sentinel index: sorts after every real code

    p_any = np.clip(0.45 + 0.012 * (age - 57) + 0.25 * diabetic, 0.2, 0.95)
    count = np.where(rng.random(n) < p_any, np.minimum(rng.geometric(0.38, n), width), 0)
    count = np.where(diabetic, np.maximum(count, 1), count)
    draws = rng.choice(len(codes), size=(n, width), p=p)
    draws[:, 0] = np.where(diabetic, sorted_codes.index("E119"), draws[:, 0])
    draws[np.arange(width)[None, :] >= count[:, None]] = none
    for _ in range(64):  # redraw repeats until every row's codes are distinct
        draws.sort(axis=1)
        repeat = np.zeros(draws.shape, dtype=bool)
        repeat[:, 1:] = (draws[:, 1:] == draws[:, :-1]) & (draws[:, 1:] != none)
        if not repeat.any():
            break
        draws[repeat] = rng.choice(len(codes), size=int(repeat.sum()), p=p)
    else:
        draws[repeat] = none
        draws.sort(axis=1)
    present = draws != none

    # One to three admissions per person; each diagnosis is first recorded at one of them.
    span = int((DIAGNOSIS_END - DIAGNOSIS_START).astype(np.int64))
    admissions = DIAGNOSIS_START + np.floor(span * rng.beta(1.8, 1.0, size=(n, 3))).astype(
        "timedelta64[D]"
    )
    n_admissions = np.minimum(rng.integers(1, 4, n), np.maximum(present.sum(axis=1), 1))
    pick = np.floor(rng.random((n, width)) * n_admissions[:, None]).astype(np.int64)
    dates = np.take_along_axis(admissions, pick, axis=1)
    dates[~present] = np.datetime64("NaT")

    code_series = pl.Series(sorted_codes, dtype=pl.String)
    columns = []
    for j in range(width):
        index = pl.Series(np.where(present[:, j], draws[:, j], 0), dtype=pl.UInt32)
        index = index.scatter(np.flatnonzero(~present[:, j]), None)
        columns.append(code_series.gather(index).alias(column_name(ICD10_FIELD, 0, j)))
    columns += [pl.Series(column_name(ICD10_DATE_FIELD, 0, j), dates[:, j]) for j in range(width)]
    return columns


def sample_rows(df: pl.DataFrame, *, rows: int, seed: int) -> pl.DataFrame:
    """``rows`` random rows of a cohort (kept in their order), e.g. to attach to a fake listing."""
    if rows <= 0 or rows > df.height:
        raise UsageError(f"cannot sample {rows} rows from a cohort of {df.height}")
    chosen = np.sort(np.random.default_rng(seed).choice(df.height, size=rows, replace=False))
    return df[chosen]
