"""The scanner's verdict rules: when a sample's rows are beyond chance, and what looks aggregate.

:mod:`matcher.scan` reads a file and links its rows; these rules turn its counts into a verdict.
Rows are ``participant-level`` when they link to cohort rows far beyond chance
(:func:`links_beyond_chance`), when their quasi-identifier tuples alone do
(:func:`qi_beyond_chance`), or when their participant IDs belong to a release far beyond chance
(:func:`listed_by_id`); a table of summary statistics (:func:`looks_aggregate`) is
``aggregate``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

import polars as pl

from matcher.attribution import binomial_tail
from matcher.schema import normalise_header

SIGNIFICANCE = 1e-6
MIN_SCHEMA_FIELDS = 3
MIN_QI_ROWS = 5
QI_SIGNIFICANCE = 1e-4
EFFECT = 3.0  # found rows must also be 3x what chance gives (the chance model is approximate)
GWAS_TERMS = frozenset(
    [
        "chr",
        "chrom",
        "chromosome",
        "bp",
        "pos",
        "position",
        "snp",
        "rsid",
        "snpid",
        "variant_id",
        "a1",
        "a2",
        "allele1",
        "allele2",
        "effect_allele",
        "other_allele",
        "ref",
        "alt",
        "beta",
        "se",
        "standard_error",
        "p",
        "pval",
        "p_value",
        "pvalue",
        "or",
        "maf",
        "eaf",
        "af_alt",
        "info",
        "z",
        "zscore",
        "n_complete_samples",
        "minor_allele",
        "low_confidence_variant",
        "tstat",
    ]
)
STAT_TERMS = frozenset(
    ["count", "counts", "n", "mean", "sd", "std", "stdev", "median", "iqr", "min", "max", "total", "percent", "pct", "proportion", "freq", "frequency", "average", "ci", "lower", "upper", "人数", "均值", "平均值", "平均", "标准差", "中位数", "比例", "合计", "百分比", "计数", "频数"]
)  # fmt: skip


def poisson_tail(k: int, lam: float) -> float:
    """P(X >= k) for X ~ Poisson(lam)."""
    if k <= 0:
        return 1.0
    if lam <= 0:
        return 0.0
    total, term = 0.0, math.exp(-lam + k * math.log(lam) - math.lgamma(k + 1))
    j = k
    while term > total * 1e-15 and j < k + 100_000:
        total += term
        j += 1
        term *= lam / j
    return min(1.0, total)


def links_beyond_chance(linked: int, rows: int, expected: float) -> bool:
    """Whether ``linked`` of ``rows`` rows linking, where chance alone gives ``expected``, is
    participant-level: three rows or more (every row of a smaller sample), unlikely by chance
    (a Poisson tail within ``SIGNIFICANCE``) and ``EFFECT`` times chance."""
    significant = poisson_tail(linked, expected) <= SIGNIFICANCE and linked >= EFFECT * expected
    return linked >= min(3, max(rows, 1)) and significant


def qi_beyond_chance(hits: int, rows: int, expected: float) -> bool:
    """Whether ``hits`` of ``rows`` rows whose quasi-identifiers occur in the cohort are far
    beyond the ``expected`` chance hits: 5+ rows, unlikely by chance (each row hitting with the
    rows' mean chance: a binomial tail) and well beyond it: 3x chance, or halfway from chance to
    every row where chance alone hits many rows. In a 500,000-row cohort half of anyone's
    (sex, birth year and month, visit date) occur, so 3x chance was out of reach: 40 cohort rows
    of those four fields, all hitting against 21 by chance (a tail of 1e-11), were not found."""
    if hits < MIN_QI_ROWS or rows == 0:
        return False
    margin = min(EFFECT * expected, expected + (rows - expected) / 2)
    chance = binomial_tail(hits, rows, min(1.0, expected / rows))
    return hits >= margin and chance <= QI_SIGNIFICANCE


def listed_by_id(verdict: str, chance: float | None) -> bool:
    """Whether a sample whose rows do not link is participant-level by its IDs alone: its
    participant IDs belong to a release far beyond chance (``SIGNIFICANCE``, as for linked rows).
    An eid column beside a score, a prediction or an embedding is the cohort's per-participant
    data even when no value of the fingerprint's fields is in it; three IDs of a 500,000-row
    release (a chance of ~0.002) name the release but are not enough for this."""
    return verdict in ("clean", "cohort-schema") and chance is not None and chance <= SIGNIFICANCE


def looks_aggregate(headers: Sequence[str], frame: pl.DataFrame) -> str | None:
    """Why a table looks like summary statistics (GWAS or per-group counts/means), or None."""
    tokens = [set(re.split(r"[\s_.()\[\]/:-]+", normalise_header(h))) - {""} for h in headers]
    names = {normalise_header(h) for h in headers}
    gwas = names & GWAS_TERMS
    if len(gwas) >= 3:
        return f"GWAS summary statistics columns ({', '.join(sorted(gwas)[:6])})"
    stats = sorted({t for toks in tokens for t in toks if t in STAT_TERMS or t == "%"})
    if stats:
        return f"summary-statistics columns ({', '.join(stats[:6])})"
    return None
