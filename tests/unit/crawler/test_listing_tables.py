"""Sample rows pasted into a listing itself (a pipe table in its text, an HTML table in its page)
are scanned like attachments: a participant-level match is recorded; a page without a table, or
whose tables are clean, records nothing."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

import polars as pl
import pytest
from scrapy import Spider
from scrapy.utils.test import get_crawler
from sqlalchemy import Engine

from cohortwatch.synth import generate_cohort, release_map, render_cohort
from crawler.context import CrawlContext
from crawler.items import ListingItem
from crawler.pipelines.scan_attachments import ScanAttachmentsPipeline
from matcher.dictionary import load_dictionary
from matcher.fingerprint import Fingerprint, build_fingerprint
from matcher.listing_text import UK_BIOBANK_PROFILE
from storage.db import make_engine, session_scope
from storage.evidence import EvidenceStore
from storage.models import ListingCreate, metadata
from storage.queries import get_or_create_source, list_matches, upsert_listing

NOW = datetime(2026, 4, 20, 9, 0, tzinfo=UTC)
KEY = os.urandom(32)


@pytest.fixture(scope="module")
def cohort() -> tuple[Fingerprint, pl.DataFrame]:
    """A 3,000-row cohort's fingerprint, and 6 of its rows (release app-1's IDs) as text."""
    d = load_dictionary()
    frame = generate_cohort(rows=3000, seed=21, dictionary=d)
    maps = {"app-1": release_map(frame["eid"], seed=21, release=1)}
    fp = build_fingerprint(
        render_cohort(frame, style="ukbconv", dictionary=d), dictionary=d, key=KEY, releases=maps
    )
    rows = frame[10:16].join(maps["app-1"], left_on="eid", right_on="master_eid")
    rows = rows.with_columns(pl.col("release_eid").alias("eid")).drop("release_eid")
    keep = ["eid", "31-0.0", "34-0.0", "53-0.0", "189-0.0", "30080-0.0", "30690-0.0"]
    return fp, render_cohort(rows.select(keep), style="ukbconv", dictionary=d)


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path / 'cw.db'}")
    metadata.create_all(engine)
    yield engine
    engine.dispose()


def _listing(engine: Engine, text: str, html: str) -> ListingItem:
    with session_scope(engine) as session:
        source = get_or_create_source(session=session, slug="forum", name="Forum",
                                      kind="marketplace", base_url="http://127.0.0.1/")  # fmt: skip
        assert source.id is not None
        listing, _ = upsert_listing(session=session, listing_in=ListingCreate(
            source_id=source.id, url="http://127.0.0.1/t/1", title="UKB sample"), now=NOW)  # fmt: skip
        listing_id = listing.id
    return ListingItem(source_slug="forum", url="http://127.0.0.1/t/1",
                       final_url="http://127.0.0.1/t/1", http_status=200, title="UKB sample",
                       text=text, html=html.encode(), listing_id=listing_id)  # fmt: skip


def _scan(engine: Engine, fp: Fingerprint, item: ListingItem, tmp_path: Path) -> list[Any]:
    context = CrawlContext(run_id=1, source_id=1, engine=engine, evidence=EvidenceStore(tmp_path),
                           profile=UK_BIOBANK_PROFILE, now=lambda: NOW, fingerprint=fp,
                           fingerprint_key=KEY)  # fmt: skip
    pipeline = ScanAttachmentsPipeline.from_crawler(get_crawler(Spider))
    verdicts = pipeline.scan_and_record(context, item)
    assert item.listing_id is not None
    with session_scope(engine) as session:
        matches = list_matches(session=session, listing_id=item.listing_id)
    assert [m.verdict for m in matches] == verdicts
    return cast(list[Any], matches)


def _pipe(rows: pl.DataFrame) -> str:
    lines = ["| " + " | ".join(rows.columns) + " |", "|" + "---|" * rows.width]
    lines += ["| " + " | ".join(c or "" for c in row) + " |" for row in rows.rows()]
    return "\n".join(lines)


def _html(rows: pl.DataFrame) -> str:
    cells = "".join(f"<th>{c}</th>" for c in rows.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{c or ''}</td>" for c in r) + "</tr>" for r in rows.rows()
    )
    return f"<html><body><p>sample below</p><table><tr>{cells}</tr>{body}</table></body></html>"


@pytest.mark.parametrize("where", ["text", "page"])
def test_rows_pasted_into_a_listing_are_found(
    engine: Engine, cohort: tuple[Fingerprint, pl.DataFrame], tmp_path: Path, where: str
) -> None:
    fp, rows = cohort
    text = "UK Biobank full data, sample below\n" + (_pipe(rows) if where == "text" else "")
    html = _html(rows) if where == "page" else "<html><body><p>UK Biobank</p></body></html>"
    [match] = _scan(engine, fp, _listing(engine, text, html), tmp_path)
    assert match.verdict == "participant-level" and match.release == "app-1"
    assert match.attachment_id is None and match.reasons[0].startswith("sample listing page:")


def test_a_listing_without_tables_or_with_clean_ones_records_nothing(
    engine: Engine, cohort: tuple[Fingerprint, pl.DataFrame], tmp_path: Path
) -> None:
    fp, _ = cohort
    prices = "| size | price |\n|---|---|\n| 1k rows | 50 USDT |\n| full | 500 USDT |"
    assert _scan(engine, fp, _listing(engine, "UK Biobank | full | DM", "<p>x</p>"), tmp_path) == []
    assert _scan(engine, fp, _listing(engine, "Prices:\n" + prices, "<p>x</p>"), tmp_path) == []


def _aligned(rows: pl.DataFrame) -> str:
    """The rows space-aligned as a printed frame, two cells of a measurement left blank."""
    rows = rows.with_columns(
        pl.when(pl.int_range(pl.len()) < 2).then(None).otherwise(pl.col("189-0.0")).alias("189-0.0")
    )
    table = [list(rows.columns), *[[c or "" for c in row] for row in rows.rows()]]
    widths = [max(len(row[i]) for row in table) for i in range(rows.width)]
    return "\n".join(
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in table
    )


def test_an_aligned_table_in_a_code_block_keeps_its_blank_cells(
    engine: Engine, cohort: tuple[Fingerprint, pl.DataFrame], tmp_path: Path
) -> None:
    """The visible text collapses spaces, and a blank cell's column with them; the page's
    preformatted block keeps them."""
    fp, rows = cohort
    block = _aligned(rows)
    text = "UK Biobank sample\n" + "\n".join(" ".join(line.split()) for line in block.splitlines())
    html = f"<html><body><p>UK Biobank sample</p><pre><code>{block}</code></pre></body></html>"
    [match] = _scan(engine, fp, _listing(engine, text, html), tmp_path)
    assert match.verdict == "participant-level" and match.release == "app-1"
