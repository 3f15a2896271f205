"""Unit tests of the demo marketplace catalogue: seeded content, search, samples, images."""

from __future__ import annotations

import csv
import io
import re
import struct
import zipfile
import zlib
from dataclasses import replace

import pytest
from openpyxl import load_workbook

from crawler.demo import (
    PAGE_SIZE,
    Catalogue,
    DemoCatalogueError,
    DemoListing,
    DemoSeller,
    UnknownListingError,
    build_catalogue,
)
from crawler.demo.images import PNG_SIGNATURE, build_images, png_bytes
from crawler.demo.samples import rename_header
from crawler.errors import CrawlError

HEADER = ["eid", "31-0.0", "34-0.0", "52-0.0", "21022-0.0", "54-0.0", "53-0.0", "30020-0.0"]
ROWS = [
    [
        str(2_345_000 + 17 * i),
        str(i % 2),
        str(1938 + i),
        str(i % 12 + 1),
        str(45 + i % 25),
        ("11009", "11016", "11010")[i % 3],
        f"2009-0{i % 9 + 1}-1{i % 10}",
        f"{13 + (i % 5) * 0.4:.2f}",
    ]
    for i in range(20)
]
EIDS = {row[0] for row in ROWS}

ALIASES = re.compile(
    r"uk biobank|ukbb|ukb|uk bio-bank|英国生物样本库|英国生物银行|ukb数据", re.IGNORECASE
)


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return build_catalogue(sample_header=HEADER, sample_rows=ROWS)


def _text(listing: DemoListing) -> str:
    return " ".join((listing.title, listing.description, *listing.keywords))


def _table(data: bytes, filename: str) -> list[list[str]]:
    """Return the rows of a CSV, XLSX or ZIP (first CSV inside) attachment."""
    if filename.endswith(".xlsx"):
        workbook = load_workbook(io.BytesIO(data), read_only=True)
        try:
            sheet = workbook.worksheets[0]
            return [[str(c) for c in row] for row in sheet.iter_rows(values_only=True)]
        finally:
            workbook.close()
    if filename.endswith(".zip"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            name = next(n for n in archive.namelist() if n.endswith(".csv"))
            data = archive.read(name)
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


# --- seeded content -------------------------------------------------------------------------


def test_catalogue_has_the_required_mix(catalogue: Catalogue) -> None:
    leaks = catalogue.with_label("leak")
    assert len(catalogue.listings) >= 30
    assert len(leaks) >= 8
    assert sum(1 for item in leaks if item.language == "zh") >= 4
    assert sum(1 for item in leaks if item.language == "en") >= 3
    assert len(catalogue.with_label("near_miss")) >= 8
    assert len(catalogue.with_label("noise")) >= 10
    assert 3 <= len(catalogue.sellers) <= 5
    assert {item.kind for item in leaks} == {"offer", "telegram", "forum"}
    js_only = [item for item in catalogue.listings if item.js_only]
    assert len(js_only) == 1 and js_only[0].label == "leak" and js_only[0].kind == "offer"


def test_every_leak_names_uk_biobank_by_some_alias(catalogue: Catalogue) -> None:
    for leak in catalogue.with_label("leak"):
        assert ALIASES.search(_text(leak)), leak.id


def test_near_misses_include_uk_biobank_and_plain_biobank_mentions(catalogue: Catalogue) -> None:
    texts = [_text(item).casefold() for item in catalogue.with_label("near_miss")]
    assert sum("uk biobank" in text for text in texts) >= 3
    assert sum("biobank" in text and "uk biobank" not in text for text in texts) >= 3
    assert sum("生物样本库" in text for text in texts) >= 2
    assert any("finngen" in text for text in texts)
    assert any("kadoorie" in text for text in texts)


def test_labels_cover_every_listing(catalogue: Catalogue) -> None:
    labels = catalogue.labels()
    assert set(labels) == {item.id for item in catalogue.listings}
    assert set(labels.values()) == {"leak", "near_miss", "noise"}


def test_ground_truth_by_path(catalogue: Catalogue) -> None:
    offers = catalogue.labels_by_path(kind="offer")
    assert len(offers) == len(catalogue.offers)
    assert offers["/offer/1600498812207.html"] == "leak"
    assert catalogue.labels_by_path()["/t/biodata_market/103"] == "leak"
    assert catalogue.label_for_path("/forum/thread/88231") == "leak"
    assert catalogue.label_for_path("/offer/1600512873041.html") == "near_miss"
    assert catalogue.label_for_path("/offer/0.html") is None
    assert catalogue.count_label("leak") == len(catalogue.with_label("leak"))


def test_build_is_deterministic() -> None:
    first = build_catalogue(sample_header=HEADER, sample_rows=ROWS)
    second = build_catalogue(sample_header=HEADER, sample_rows=ROWS)
    assert first.listings == second.listings  # includes every attachment's bytes
    assert first.sellers == second.sellers


def test_half_of_the_leak_offers_answer_404_after_takedown(catalogue: Catalogue) -> None:
    statuses = [item.removal_status for item in catalogue.offers if item.label == "leak"]
    assert statuses.count(404) == statuses.count(200) == len(statuses) // 2


def test_url_paths_by_kind(catalogue: Catalogue) -> None:
    paths = {item.kind: item.url_path for item in catalogue.listings}
    assert re.fullmatch(r"/offer/\d+\.html", paths["offer"])
    assert re.fullmatch(r"/t/\w+/\d+", paths["telegram"])
    assert re.fullmatch(r"/forum/thread/\d+", paths["forum"])
    offer = catalogue.offers[0]
    assert offer.image_paths[0] == f"/img/{offer.id}-1.png"


# --- leak attachments -------------------------------------------------------------------------


def test_leak_attachments_carry_sample_rows_in_several_formats(catalogue: Catalogue) -> None:
    formats: set[str] = set()
    first_headers: set[str] = set()
    for leak in catalogue.with_label("leak"):
        for item in leak.attachments:
            formats.add(item.filename.rsplit(".", 1)[1])
            table = _table(item.data, item.filename)
            first_headers.add(table[0][0])
            assert len(table) >= 2, item.filename
            assert {row[0] for row in table[1:]} <= EIDS, item.filename
    assert formats == {"csv", "xlsx", "zip"}
    assert {"eid", "f.eid", "Participant ID", "参与者编号"} <= first_headers


def test_attachment_content_types(catalogue: Catalogue) -> None:
    expected = {
        "csv": "text/csv; charset=utf-8",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "zip": "application/zip",
    }
    for listing in catalogue.listings:
        for item in listing.attachments:
            assert item.content_type == expected[item.filename.rsplit(".", 1)[1]]


def test_chinese_csv_has_bom_and_translated_headers(catalogue: Catalogue) -> None:
    item = catalogue.get("744239906175").attachments[0]
    assert item.data.startswith(b"\xef\xbb\xbf")
    header = _table(item.data, item.filename)[0]
    assert header[:3] == ["参与者编号", "性别", "出生年份"]


@pytest.mark.parametrize(
    ("header", "style", "expected"),
    [
        ("31-0.0", "ukbconv", "31-0.0"),
        ("31-0.0", "r", "f.31.0.0"),
        ("eid", "r", "f.eid"),
        ("eid", "en", "Participant ID"),
        ("31-0.0", "en", "Sex"),
        ("21022-0.0", "en", "Age at recruitment"),
        ("53-2.0", "en", "Date of attending assessment centre [2.0]"),
        ("41270-0.3", "zh", "ICD10诊断 [0.3]"),
        ("54-0.0", "zh", "评估中心"),
        ("99999-0.0", "en", "99999-0.0"),
        ("favourite colour", "zh", "favourite colour"),
    ],
)
def test_rename_header(header: str, style: str, expected: str) -> None:
    assert rename_header(header, style) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("header", "rows", "message"),
    [
        ([], [["1"]], "empty"),
        (HEADER, [], "empty"),
        (HEADER, [["1", "2"]], "row 1 has 2 cells"),
        (["eid", "eid"], [["1", "2"]], "duplicate"),
    ],
)
def test_bad_sample_is_refused(header: list[str], rows: list[list[str]], message: str) -> None:
    with pytest.raises(DemoCatalogueError, match=message) as info:
        build_catalogue(sample_header=header, sample_rows=rows)
    assert isinstance(info.value, CrawlError)


def test_tiny_sample_still_fills_every_attachment() -> None:
    small = build_catalogue(sample_header=HEADER, sample_rows=ROWS[:2])
    for leak in small.with_label("leak"):
        for item in leak.attachments:
            assert len(_table(item.data, item.filename)) >= 2


# --- search -----------------------------------------------------------------------------------


def test_search_is_case_insensitive_and_needs_every_term(catalogue: Catalogue) -> None:
    lower = catalogue.search("biobank")
    upper = catalogue.search("BIOBANK")
    assert lower.total == upper.total > PAGE_SIZE * 2
    both = catalogue.search("biobank freezer")
    assert 0 < both.total < lower.total
    for item in both.results:
        text = _text(item).casefold()
        assert "biobank" in text and "freezer" in text


def test_search_matches_chinese_by_substring_and_folds_full_width(catalogue: Catalogue) -> None:
    result = catalogue.search("样本库")
    titles = [item.title for item in result.results]
    assert any("生物样本库" in title for title in titles)
    assert any("英国生物样本库" in title for title in titles)
    assert catalogue.search("ＵＫＢ").total == catalogue.search("ukb").total > 0


def test_search_pages_hold_page_size_and_cover_every_hit(catalogue: Catalogue) -> None:
    first = catalogue.search("biobank")
    seen: list[str] = []
    for number in range(1, first.page_count + 1):
        page = catalogue.search("biobank", number)
        assert len(page.results) == min(PAGE_SIZE, page.total - (number - 1) * PAGE_SIZE)
        assert page.has_next == (number < first.page_count)
        assert page.has_previous == (number > 1)
        seen += [item.id for item in page.results]
    assert len(seen) == len(set(seen)) == first.total
    leak_offers = {item.id for item in catalogue.offers if item.label == "leak"}
    assert sum(1 for item in seen if item in leak_offers) >= 2
    beyond = catalogue.search("biobank", first.page_count + 1)
    assert beyond.results == () and not beyond.has_next


def test_search_skips_excluded_and_non_offers(catalogue: Catalogue) -> None:
    hit = catalogue.search("UK Biobank full dataset").results[0]
    assert catalogue.search("UK Biobank full dataset", exclude={hit.id}).total == 0
    assert catalogue.search("频道公告").total == 0  # a Telegram message, not an offer
    assert catalogue.search("   ").total == 0
    assert catalogue.search("zzz-no-such-thing").results == ()


# --- lookups and validation -------------------------------------------------------------------


def test_lookups(catalogue: Catalogue) -> None:
    assert catalogue.get("1600498812207").kind == "offer"
    assert catalogue.message("biodata_market", 103).label == "leak"
    assert catalogue.thread(88231).label == "leak"
    assert catalogue.seller("huaxin-data").name_zh == "深圳华信数据科技有限公司"
    assert [m.message_id for m in catalogue.channel_messages("biodata_market")] == [
        101,
        102,
        103,
        104,
    ]
    offers = catalogue.seller_offers("huaxin-data", exclude={"745512380926"})
    assert offers and all(o.seller_id == "huaxin-data" for o in offers)
    assert "745512380926" not in {o.id for o in offers}
    assert catalogue.find("nope") is None


@pytest.mark.parametrize(
    "call",
    [
        lambda c: c.get("nope"),
        lambda c: c.seller("nope"),
        lambda c: c.channel("nope"),
        lambda c: c.message("biodata_market", 9999),
        lambda c: c.thread(1),
    ],
)
def test_unknown_lookups_raise(catalogue: Catalogue, call: object) -> None:
    with pytest.raises(UnknownListingError):
        call(catalogue)  # type: ignore[operator]


def test_catalogue_refuses_inconsistent_listings() -> None:
    seller = DemoSeller(id="s", name="Shop", location="X", years_on_platform=1)
    offer = DemoListing(
        id="1",
        kind="offer",
        label="noise",
        language="en",
        title="t",
        description="d",
        seller_id="s",
    )
    with pytest.raises(DemoCatalogueError, match="duplicate listing id"):
        Catalogue(listings=[offer, offer], sellers=[seller])
    with pytest.raises(DemoCatalogueError, match="unknown seller"):
        Catalogue(listings=[replace(offer, seller_id="other")], sellers=[seller])
    with pytest.raises(DemoCatalogueError, match="no seller"):
        replace(offer, seller_id=None)
    with pytest.raises(DemoCatalogueError, match="channel and message_id"):
        replace(offer, kind="telegram")
    with pytest.raises(DemoCatalogueError, match="only offers"):
        replace(offer, kind="forum", thread_id=3, js_only=True)


# --- images -----------------------------------------------------------------------------------


def test_png_is_valid_small_and_deterministic() -> None:
    data = png_bytes("1600498812207-1")
    assert data.startswith(PNG_SIGNATURE)
    assert data == png_bytes("1600498812207-1") != png_bytes("1600498812207-2")
    assert len(data) < 1000
    length, tag = struct.unpack(">I4s", data[8:16])
    assert tag == b"IHDR" and length == 13
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (64, 48)
    idat_at = data.index(b"IDAT")
    idat_len = struct.unpack(">I", data[idat_at - 4 : idat_at])[0]
    raw = zlib.decompress(data[idat_at + 4 : idat_at + 4 + idat_len])
    assert len(raw) == height * (1 + width * 3)


def test_build_images_names_every_photo(catalogue: Catalogue) -> None:
    images = build_images(catalogue.listings)
    expected = {path[5:-4] for item in catalogue.listings for path in item.image_paths}
    assert set(images) == expected
