"""The issue's accuracy requirements, on cohorts made with ``synth``.

Participant-level samples of 5+ rows are found whatever was done to them (IDs dropped or swapped
for another release's, values rounded, dates reformatted, headers renamed, translated, reordered,
cut to four fields); a second synthetic cohort, aggregate tables and GWAS summary statistics are
never called participant-level; attribution is right with 3+ release IDs or one canary.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import polars as pl
import pytest

from cohortwatch.synth import format_cohort, generate_cohort, release_map, render_cohort
from crawler.demo.samples import HeaderStyle, rename_header, xlsx_bytes
from matcher.dictionary import Dictionary, load_dictionary
from matcher.fingerprint import Fingerprint, add_canaries, build_fingerprint
from matcher.scan import ScanResult, scan_bytes

ROWS = 30_000
SEED = 11
RELEASES = ("app-1", "app-2", "app-3")


@dataclass(frozen=True)
class World:
    dictionary: Dictionary
    key: bytes
    cohort: pl.DataFrame
    maps: dict[str, pl.DataFrame]
    fp: Fingerprint
    canaries: pl.DataFrame  # canary rows of app-3 (canonical frame)

    def scan(self, data: bytes, name: str = "sample.csv") -> ScanResult:
        return scan_bytes(data, filename=name, fingerprint=self.fp, key=self.key,
                          dictionary=self.dictionary)  # fmt: skip

    def sample(
        self, rows: int = 8, *, seed: int = 0, release: str | None = "app-1"
    ) -> pl.DataFrame:
        """Random cohort rows carrying ``release``'s IDs (master IDs when None)."""
        chosen = np.sort(np.random.default_rng(seed).choice(ROWS, size=rows, replace=False))
        frame = self.cohort[chosen]
        if release is None:
            return frame
        ids = frame.join(self.maps[release], left_on="eid", right_on="master_eid", how="left")
        return ids.with_columns(pl.col("release_eid").alias("eid")).drop("release_eid")


@pytest.fixture(scope="module")
def world() -> World:
    dictionary = load_dictionary()
    key = os.urandom(32)
    cohort = generate_cohort(rows=ROWS, seed=SEED, dictionary=dictionary)
    maps = {name: release_map(cohort["eid"], seed=SEED, release=k + 1)
            for k, name in enumerate(RELEASES)}  # fmt: skip
    fp = build_fingerprint(
        render_cohort(cohort, style="ukbconv", dictionary=dictionary),
        dictionary=dictionary,
        key=key,
        releases=maps,
    )
    canaries = generate_cohort(rows=5, seed=SEED + 1000, dictionary=dictionary).with_columns(
        pl.Series("eid", [9_100_001 + i for i in range(5)])
    )
    fp = add_canaries(
        fp, render_cohort(canaries, style="r", dictionary=dictionary), release="app-3",
        dictionary=dictionary, key=key,
    )  # fmt: skip
    return World(dictionary, key, cohort, maps, fp, canaries)


def csv_of(frame: pl.DataFrame, world: World, style: str = "ukbconv") -> bytes:
    return format_cohort(frame, style=style, dictionary=world.dictionary).encode("utf-8")


def _text(frame: pl.DataFrame, world: World) -> pl.DataFrame:
    return render_cohort(frame, style="ukbconv", dictionary=world.dictionary)


def drop_ids(frame: pl.DataFrame, world: World) -> bytes:
    return csv_of(frame.drop("eid"), world)


def other_release_ids(frame: pl.DataFrame, world: World) -> bytes:
    return csv_of(frame, world)  # the sample fixture already carries app-1's IDs


def rounded(frame: pl.DataFrame, world: World) -> bytes:
    floats = [c for c, t in frame.schema.items() if t == pl.Float64]
    return csv_of(frame.with_columns(pl.col(floats).round(1)), world)


def dates_dmy(frame: pl.DataFrame, world: World) -> bytes:
    dates = [c for c, t in frame.schema.items() if t == pl.Date]
    return csv_of(frame.with_columns(pl.col(dates).dt.strftime("%d/%m/%Y")), world)


def dates_chinese(frame: pl.DataFrame, world: World) -> bytes:
    text = _text(frame, world)
    dates = ["53-0.0"] + [c for c in text.columns if c.startswith("41280-")]
    chinese = [
        pl.col(c).str.to_date("%Y-%m-%d").dt.strftime("%Y年%-m月%-d日").alias(c) for c in dates
    ]
    return text.with_columns(chinese).write_csv().encode("utf-8")


def styled(style: str) -> Callable[[pl.DataFrame, World], bytes]:
    return lambda frame, world: csv_of(frame, world, style)


def translated(language: HeaderStyle) -> Callable[[pl.DataFrame, World], bytes]:
    def make(frame: pl.DataFrame, world: World) -> bytes:
        text = _text(frame, world)
        if language == "zh":  # meanings in Chinese too
            text = text.with_columns(pl.col("31-0.0").replace({"0": "女", "1": "男"}))
        renamed = text.rename({c: rename_header(c, language) for c in text.columns})
        return renamed.write_csv().encode("utf-8-sig")

    return make


def reordered(frame: pl.DataFrame, world: World) -> bytes:
    columns = list(frame.columns)
    np.random.default_rng(3).shuffle(columns)
    return csv_of(frame.select(columns), world)


def cut(fields: tuple[str, ...]) -> Callable[[pl.DataFrame, World], bytes]:
    return lambda frame, world: csv_of(frame.select(["eid", *fields]), world)


def as_xlsx_readable(frame: pl.DataFrame, world: World) -> bytes:
    text = render_cohort(frame, style="readable", dictionary=world.dictionary)
    return xlsx_bytes([text.columns, *[[c or "" for c in row] for row in text.rows()]])


def headerless(frame: pl.DataFrame, world: World) -> bytes:
    keep = ["eid", "53-0.0", "189-0.0", "30080-0.0", "30690-0.0", "30700-0.0"]
    return _text(frame.select(keep), world).write_csv(include_header=False).encode("utf-8")


def gbk_tsv(frame: pl.DataFrame, world: World) -> bytes:
    text = _text(frame, world)
    renamed = text.rename({c: rename_header(c, "zh") for c in text.columns})
    return renamed.write_csv(separator="\t").encode("gbk")


def r_write_table(frame: pl.DataFrame, world: World) -> bytes:
    """R's ``write.table`` default: space-separated, quoted header and dates, NA, row names."""
    text = _text(frame, world)
    lines = [" ".join(f'"{c}"' for c in text.columns)]
    for number, row in enumerate(text.rows(), start=1):
        cells = [f'"{c}"' if c and "-" in c[1:] else c or "NA" for c in row]
        lines.append(" ".join([f'"{number}"', *cells]))
    return "\n".join(lines).encode()


def rounded_dmy_renamed_cut(frame: pl.DataFrame, world: World) -> bytes:
    keep = frame.select("53-0.0", "189-0.0", "30080-0.0", "30690-0.0", "30700-0.0")
    keep = keep.with_columns(pl.col("189-0.0").round(3), pl.col("53-0.0").dt.strftime("%d/%m/%Y"))
    text = render_cohort(keep, style="ukbconv", dictionary=world.dictionary)
    return text.rename({c: rename_header(c, "en") for c in text.columns}).write_csv().encode()


TRANSFORMS: dict[str, Callable[[pl.DataFrame, World], bytes]] = {
    "ids-dropped": drop_ids,
    "other-release-ids": other_release_ids,
    "rounded-1dp": rounded,
    "dates-dd/mm/yyyy": dates_dmy,
    "dates-chinese": dates_chinese,
    "style-r": styled("r"),
    "style-readable": styled("readable"),
    "style-rap": styled("rap"),
    "style-titles": styled("titles"),
    "translated-en": translated("en"),
    "translated-zh": translated("zh"),
    "reordered": reordered,
    "cut-qi-4": cut(("31-0.0", "34-0.0", "52-0.0", "53-0.0")),
    "cut-labs-4": cut(("30080-0.0", "30690-0.0", "30700-0.0", "30740-0.0")),
    "cut-mixed-4": cut(("53-0.0", "189-0.0", "30000-0.0", "30880-0.0")),
    "xlsx-readable": as_xlsx_readable,
    "headerless": headerless,
    "gbk-tsv-chinese": gbk_tsv,
    "r-write-table": r_write_table,
    "rounded-dmy-renamed-cut": rounded_dmy_renamed_cut,
}


@pytest.mark.parametrize("name", list(TRANSFORMS))
def test_participant_level_samples_are_found(world: World, name: str) -> None:
    for seed in (1, 2):
        sample = world.sample(5, seed=seed, release="app-2")
        result = world.scan(TRANSFORMS[name](sample, world), name=f"{name}.csv")
        assert result.verdict == "participant-level", (name, result)
        assert result.linked_rows >= 4, (name, result)
        assert result.expected_chance_links < result.linked_rows / 10


@pytest.mark.parametrize("start", [0, 1], ids=["pandas-index", "r-row-names"])
def test_a_row_index_is_not_guessed_to_be_a_measurement(world: World, start: int) -> None:
    """A few measurements beside an index column: the index once passed for a blood count."""
    fields = ("53-0.0", "189-0.0", "30080-0.0", "30690-0.0", "30700-0.0")
    text = _text(world.sample(8, seed=6).select(fields), world)
    indexed = text.select(pl.Series("", [str(start + i) for i in range(8)]), pl.all())
    result = world.scan(indexed.write_csv().encode())
    assert result.verdict == "participant-level" and result.linked_rows == 8, result
    assert result.fields == (53, 189, 30080, 30690, 30700), result
    assert not any("guessed" in reason for reason in result.reasons), result.reasons


def test_release_ids_attribute_the_leak(world: World) -> None:
    for release in RELEASES:
        result = world.scan(csv_of(world.sample(5, seed=7, release=release), world))
        assert result.release == release
        assert result.release_chance is not None and result.release_chance < 1e-6


def test_three_release_ids_on_unlinkable_rows_still_attribute(world: World) -> None:
    """IDs alone (values perturbed beyond linkage) point to the release by set membership."""
    sample = world.sample(3, seed=9, release="app-1").select("eid", "31-0.0")
    result = world.scan(csv_of(sample, world))
    assert result.release == "app-1"


def test_release_ids_beside_a_per_participant_score_are_participant_level(world: World) -> None:
    """An eid column beside values of no fingerprint field (a risk score, a prediction) is the
    cohort's per-participant data when the IDs are a release's far beyond chance."""
    scores = world.sample(10, seed=11, release="app-2").select(
        "eid", pl.Series("prs_cad", np.linspace(-1.5, 2.5, 10))
    )
    result = world.scan(scores.write_csv().encode())
    assert (result.verdict, result.release, result.linked_rows) == ("participant-level", "app-2", 0)
    assert any("participant IDs of release app-2" in r for r in result.reasons)


def test_a_list_of_release_ids_is_participant_level(world: World) -> None:
    """A file of one column, a release's eids (a subset or a withdrawal list)."""
    ids = world.sample(12, seed=13, release="app-2")["eid"]
    result = world.scan(("eid\n" + "\n".join(map(str, ids)) + "\n").encode(), name="eids.txt")
    assert (result.verdict, result.release, result.rows) == ("participant-level", "app-2", 12)


def test_random_ids_beside_a_score_are_not_participant_level(world: World) -> None:
    ids = np.random.default_rng(12).integers(1_000_000, 6_026_000, size=40)
    frame = pl.DataFrame({"eid": ids, "prs_cad": np.linspace(-1.5, 2.5, 40)})
    result = world.scan(frame.write_csv().encode())
    assert result.verdict == "clean", result
    assert result.release is None


def test_master_ids_give_no_release(world: World) -> None:
    result = world.scan(csv_of(world.sample(6, seed=4, release=None).drop("eid"), world))
    assert result.verdict == "participant-level"
    assert result.release is None


def test_one_canary_pins_the_release(world: World) -> None:
    sample = pl.concat([world.sample(5, seed=8, release="app-1").drop("eid"),
                        world.canaries[:1].drop("eid")])  # fmt: skip
    result = world.scan(csv_of(sample, world))
    assert result.verdict == "participant-level"
    assert result.canaries == 1
    assert result.release == "app-3"


def test_a_second_cohort_is_not_participant_level(world: World) -> None:
    other = generate_cohort(rows=100_000, seed=SEED + 1, dictionary=world.dictionary)
    result = world.scan(csv_of(other, world), name="other.csv")
    assert result.verdict == "cohort-schema", result
    assert result.linked_rows <= max(3.0, 3 * result.expected_chance_links)


def test_perturbed_rows_are_cohort_schema(world: World) -> None:
    sample = world.sample(50, seed=5).drop("eid")
    rng = np.random.default_rng(0)
    floats = [c for c, t in sample.schema.items() if t == pl.Float64]
    noisy = sample.with_columns(
        [(pl.col(c) * pl.Series(rng.uniform(0.9, 1.1, sample.height))).round(2) for c in floats]
        + [pl.col("53-0.0") + pl.duration(days=int(rng.integers(1, 30)))]
    )
    result = world.scan(csv_of(noisy, world))
    assert result.verdict == "cohort-schema", result


def test_aggregate_tables_are_aggregate(world: World) -> None:
    cohort = world.cohort
    by_centre = (
        cohort.group_by("54-0.0", "31-0.0")
        .agg(
            pl.len().alias("count"),
            pl.col("30690-0.0").mean().alias("mean_cholesterol"),
            pl.col("189-0.0").median().alias("median Townsend"),
        )
        .sort("54-0.0", "31-0.0")
    )
    result = world.scan(by_centre.write_csv().encode())
    assert result.verdict == "aggregate", result
    chinese = pl.DataFrame(
        {"评估中心": ["曼彻斯特", "牛津"], "人数": [120, 98], "均值": [5.1, 5.3]}
    )
    assert world.scan(chinese.write_csv().encode()).verdict == "aggregate"


def test_gwas_summary_statistics_are_aggregate(world: World) -> None:
    rng = np.random.default_rng(1)
    n = 2000
    gwas = pl.DataFrame({
        "CHR": rng.integers(1, 23, n), "BP": rng.integers(1, 10**8, n),
        "SNP": [f"rs{i}" for i in rng.integers(1, 10**7, n)], "A1": ["A"] * n, "A2": ["G"] * n,
        "BETA": rng.normal(0, 0.02, n).round(5), "SE": rng.uniform(0.005, 0.02, n).round(5),
        "P": rng.uniform(0, 1, n),
    })  # fmt: skip
    buffer = io.BytesIO()
    gwas.write_csv(buffer, separator="\t")
    result = world.scan(buffer.getvalue(), name="gwas.tsv")
    assert result.verdict == "aggregate"
