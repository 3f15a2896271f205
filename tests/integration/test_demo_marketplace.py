"""Integration tests of the demo marketplace: a real uvicorn server on 127.0.0.1, port 0.

Pages are parsed with the CSS selectors documented in ``crawler/demo/README.md``, so these
tests also pin the selector contract the crawler relies on.
"""

from __future__ import annotations

import csv
import io
import re
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from urllib.parse import unquote

import httpx
import pytest
from bs4 import BeautifulSoup
from openpyxl import load_workbook

from crawler.demo import (
    PAGE_SIZE,
    Catalogue,
    DemoMarketplace,
    DemoServerError,
    build_catalogue,
)

HEADER = ["eid", "31-0.0", "34-0.0", "52-0.0", "21022-0.0", "54-0.0", "53-0.0", "30020-0.0"]
ROWS = [
    [
        str(3_100_000 + 31 * i),
        str(i % 2),
        str(1941 + i),
        str(i % 12 + 1),
        str(48 + i % 20),
        ("11009", "11016", "11010")[i % 3],
        f"2008-1{i % 3}-0{i % 9 + 1}",
        f"{12.5 + (i % 6) * 0.3:.2f}",
    ]
    for i in range(20)
]
EIDS = {row[0] for row in ROWS}

STATIC_LEAK = "1600498812207"  # English leak, CSV attachment, answers 404 when removed
SOFT_LEAK = "745512380926"  # Chinese leak, XLSX attachment, answers 200 when removed
ZIP_LEAK = "743377015562"
JS_LEAK = "1600732258814"
SCRIPT_NOISE = "1600620045318"


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return build_catalogue(sample_header=HEADER, sample_rows=ROWS)


@pytest.fixture(scope="module")
def market(catalogue: Catalogue) -> Iterator[DemoMarketplace]:
    with DemoMarketplace(catalogue) as running:
        yield running


@pytest.fixture
def client(market: DemoMarketplace) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=market.base_url, timeout=10.0) as http:
        yield http
        http.post("/_control/reset").raise_for_status()


def soup(response: httpx.Response) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")


def search_ids(client: httpx.Client, query: str) -> list[str]:
    """Follow a.next-page from page 1 and return every offer id found."""
    ids: list[str] = []
    url: str | None = "/search"
    params: dict[str, str] | None = {"q": query}
    while url is not None:
        page = soup(client.get(url, params=params))
        ids += [card["data-offer-id"] for card in page.select("div.offer-card")]
        link = page.select_one("a.next-page")
        url, params = (str(link["href"]), None) if link else (None, None)
    return ids


# --- site basics --------------------------------------------------------------------------------


def test_server_listens_on_loopback_with_a_free_port(market: DemoMarketplace) -> None:
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", market.base_url)
    assert market.port > 0


def test_robots_txt_disallows_only_control(client: httpx.Client) -> None:
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    disallowed = [line for line in response.text.splitlines() if line.startswith("Disallow")]
    assert disallowed == ["Disallow: /_control/"]


def test_home_has_a_search_form(client: httpx.Client) -> None:
    page = soup(client.get("/"))
    form = page.select_one("form.search-form")
    assert form is not None and form["action"] == "/search"
    assert form.select_one("input[name=q]") is not None


# --- search -------------------------------------------------------------------------------------


def test_search_cards_carry_the_documented_fields(client: httpx.Client) -> None:
    page = soup(client.get("/search", params={"q": "biobank"}))
    cards = page.select("div.offer-card")
    assert len(cards) == PAGE_SIZE
    for card in cards:
        link = card.select_one("a.offer-link")
        assert link is not None and link["href"] == f"/offer/{card['data-offer-id']}.html"
        assert link.get_text(strip=True)
        assert card.select_one("span.offer-price").get_text(strip=True)
        assert str(card.select_one("a.seller-link")["href"]).startswith("/seller/")
    next_link = page.select_one("a.next-page")
    assert next_link is not None and next_link["rel"] == ["next"]
    assert next_link["href"] == "/search?q=biobank&page=2"


def test_pagination_reaches_every_result(client: httpx.Client, catalogue: Catalogue) -> None:
    ids = search_ids(client, "biobank")
    expected = catalogue.search("biobank")
    assert len(ids) == len(set(ids)) == expected.total > 2 * PAGE_SIZE
    last = soup(client.get("/search", params={"q": "biobank", "page": expected.page_count}))
    assert last.select_one("a.next-page") is None
    assert last.select_one("a.prev-page") is not None


def test_search_in_chinese_and_multi_term(client: httpx.Client, catalogue: Catalogue) -> None:
    ids = search_ids(client, "英国生物样本库 数据")
    assert SOFT_LEAK in ids
    assert all(
        "英国生物样本库" in catalogue.get(i).title + catalogue.get(i).description for i in ids
    )


@pytest.mark.parametrize("query", ["quantum flux capacitor", ""])
def test_empty_result_page_says_so(client: httpx.Client, query: str) -> None:
    response = client.get("/search", params={"q": query})
    assert response.status_code == 200
    page = soup(response)
    assert page.select("div.offer-card") == []
    assert "No results" in page.select_one("div.empty-result").get_text()


@pytest.mark.parametrize("bad_page", ["abc", "-1", "0", "²"])
def test_bad_page_numbers_fall_back_to_page_one(client: httpx.Client, bad_page: str) -> None:
    page = soup(client.get("/search", params={"q": "biobank", "page": bad_page}))
    assert page.select_one("span.current-page").get_text() == "1"


# --- offer pages --------------------------------------------------------------------------------


def test_static_offer_page_has_every_field(client: httpx.Client, catalogue: Catalogue) -> None:
    offer = catalogue.get(SOFT_LEAK)
    response = client.get(offer.url_path)
    assert response.status_code == 200
    page = soup(response)
    assert page.html["lang"] == "zh-CN"
    assert page.select_one("meta[name=offer-id]")["content"] == offer.id
    assert page.select_one("h1.offer-title").get_text(strip=True) == offer.title
    description = page.select_one("div.offer-description").get_text("\n", strip=True)
    assert "502,411" in description
    assert page.select_one("span.offer-price").get_text(strip=True) == offer.price
    assert page.select_one("a.seller-link")["href"] == "/seller/huaxin-data"
    images = [img["src"] for img in page.select("img.offer-image")]
    assert images == [f"/img/{offer.id}-{n}.png" for n in range(1, offer.image_count + 1)]
    photo = client.get(images[0])
    assert photo.headers["content-type"] == "image/png" and photo.content.startswith(b"\x89PNG")
    hrefs = [a["href"] for a in page.select("a.attachment")]
    assert [unquote(h) for h in hrefs] == [
        f"/files/{offer.id}/{a.filename}" for a in offer.attachments
    ]


def test_english_offer_page_language(client: httpx.Client) -> None:
    page = soup(client.get(f"/offer/{STATIC_LEAK}.html"))
    assert page.html["lang"] == "en"
    assert "UK Biobank" in page.select_one("h1.offer-title").get_text()


def test_js_only_offer_has_no_title_in_static_html(client: httpx.Client) -> None:
    response = client.get(f"/offer/{JS_LEAK}.html")
    assert response.status_code == 200
    page = soup(response)
    assert page.select_one("h1.offer-title") is None
    assert page.select_one("div.offer-description") is None
    assert page.select_one("meta[name=render]") is None
    app = page.select_one("div#app")
    assert app is not None and app.get_text(strip=True) == "" and not app.contents
    script = page.select_one("script[src]")
    assert script is not None and client.get(script["src"]).status_code == 200
    assert "UKBB" not in response.text


def test_offer_json_endpoint(client: httpx.Client, catalogue: Catalogue) -> None:
    offer = catalogue.get(JS_LEAK)
    data = client.get(f"/api/offer/{JS_LEAK}.json").json()
    assert data["id"] == offer.id and data["title"] == offer.title
    assert data["price"] == offer.price and data["language"] == "en"
    assert data["seller"]["url"] == "/seller/grds-hk"
    assert data["images"] == list(offer.image_paths)
    assert [a["url"] for a in data["attachments"]] == [
        "/files/1600732258814/ukbb_extract_preview.csv"
    ]
    assert client.get("/api/offer/999.json").status_code == 404


def test_the_js_app_builds_the_documented_classes(client: httpx.Client) -> None:
    script = client.get("/static/offer-app.js").text
    for needle in (
        "offer-title",
        "offer-description",
        "offer-price",
        "seller-link",
        "offer-image",
        "attachment",
        "/api/offer/",
        "data-rendered",
        "textContent",
    ):
        assert needle in script
    assert "innerHTML" not in script


def test_unknown_pages_answer_404(client: httpx.Client) -> None:
    missing = client.get("/offer/123.html")
    assert missing.status_code == 404
    assert soup(missing).select_one("div.offer-removed") is None
    assert client.get("/img/123-1.png").status_code == 404
    assert client.get("/seller/nobody").status_code == 404
    assert client.get(f"/files/{STATIC_LEAK}/other.csv").status_code == 404


def test_seller_page(client: httpx.Client, catalogue: Catalogue) -> None:
    page = soup(client.get("/seller/huaxin-data"))
    assert (
        page.select_one("h1.seller-name").get_text() == "Shenzhen Huaxin Data Technology Co., Ltd."
    )
    assert page.select_one("div.seller-name-local").get_text() == "深圳华信数据科技有限公司"
    assert "Shenzhen" in page.select_one("span.seller-location").get_text()
    assert page.select_one("span.seller-years-value").get_text() == "3"
    ids = [card["data-offer-id"] for card in page.select("div.offer-card")]
    assert ids == [item.id for item in catalogue.seller_offers("huaxin-data")]


# --- attachments --------------------------------------------------------------------------------


def test_csv_attachment_downloads_and_parses(client: httpx.Client) -> None:
    page = soup(client.get(f"/offer/{STATIC_LEAK}.html"))
    response = client.get(str(page.select_one("a.attachment")["href"]))
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"].startswith(
        'attachment; filename="ukb_sample_20rows.csv"'
    )
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0] == HEADER and {row[0] for row in rows[1:]} == EIDS


def test_xlsx_attachment_opens_with_openpyxl(client: httpx.Client) -> None:
    page = soup(client.get(f"/offer/{SOFT_LEAK}.html"))
    href = str(page.select_one("a.attachment")["href"])
    response = client.get(href)
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    disposition = response.headers["content-disposition"]
    assert "filename*=UTF-8''" in disposition
    assert unquote(disposition.split("''", 1)[1]) == "英国生物样本库_样本数据.xlsx"
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    try:
        rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    finally:
        workbook.close()
    assert rows[0][:2] == ("参与者编号", "性别")
    assert {row[0] for row in rows[1:]} <= EIDS and len(rows) > 5


def test_zip_attachment_holds_a_csv(client: httpx.Client) -> None:
    page = soup(client.get(f"/offer/{ZIP_LEAK}.html"))
    response = client.get(str(page.select_one("a.attachment")["href"]))
    assert response.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        names = archive.namelist()
        inner = next(name for name in names if name.endswith(".csv"))
        rows = list(csv.reader(io.StringIO(archive.read(inner).decode("utf-8"))))
    assert rows[0][:2] == ["f.eid", "f.31.0.0"]
    assert {row[0] for row in rows[1:]} <= EIDS


# --- takedowns ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("offer_id", "status"), [(STATIC_LEAK, 404), (SOFT_LEAK, 200)])
def test_takedown_and_restore(
    client: httpx.Client, catalogue: Catalogue, offer_id: str, status: int
) -> None:
    offer = catalogue.get(offer_id)
    assert offer.removal_status == status
    query = offer.title.split()[0]
    assert offer_id in search_ids(client, query)

    answer = client.post(f"/_control/takedown/{offer_id}")
    assert answer.status_code == 200 and answer.json()["removed"] is True
    removed = client.get(offer.url_path)
    assert removed.status_code == status
    page = soup(removed)
    assert page.select_one("div.offer-removed") is not None
    assert page.select_one("h1.offer-title") is None
    assert "该商品已下架" in removed.text and "no longer available" in removed.text
    assert offer_id not in search_ids(client, query)
    seller_page = soup(client.get(f"/seller/{offer.seller_id}"))
    assert offer_id not in [c["data-offer-id"] for c in seller_page.select("div.offer-card")]
    assert client.get(f"/api/offer/{offer_id}.json").status_code == 404
    assert client.get(offer.attachment_path(offer.attachments[0])).status_code == 404
    listed = {item["id"]: item for item in client.get("/_control/listings").json()["listings"]}
    assert listed[offer_id]["removed"] is True

    client.post(f"/_control/restore/{offer_id}").raise_for_status()
    back = soup(client.get(offer.url_path))
    assert back.select_one("h1.offer-title").get_text(strip=True) == offer.title
    assert offer_id in search_ids(client, query)


def test_control_listings_and_unknown_ids(client: httpx.Client, catalogue: Catalogue) -> None:
    listed = client.get("/_control/listings").json()["listings"]
    assert [item["id"] for item in listed] == [item.id for item in catalogue.listings]
    first = listed[0]
    assert {"id", "url_path", "label", "language", "removed", "kind"} <= set(first)
    assert first["url_path"] == catalogue.listings[0].url_path
    assert client.post("/_control/takedown/nope").status_code == 404
    assert client.post("/_control/restore/nope").status_code == 404


def test_each_server_has_its_own_state(catalogue: Catalogue, client: httpx.Client) -> None:
    with DemoMarketplace(catalogue) as other, httpx.Client(base_url=other.base_url) as http:
        assert other.base_url != str(client.base_url).rstrip("/")
        http.post(f"/_control/takedown/{STATIC_LEAK}").raise_for_status()
        assert http.get(f"/offer/{STATIC_LEAK}.html").status_code == 404
        assert client.get(f"/offer/{STATIC_LEAK}.html").status_code == 200
        other.state.restore(STATIC_LEAK)
        assert http.get(f"/offer/{STATIC_LEAK}.html").status_code == 200
    with pytest.raises(DemoServerError):
        other.base_url  # noqa: B018
    other.stop()  # a second stop is harmless


# --- Telegram and forum -------------------------------------------------------------------------


def test_telegram_channel_page(client: httpx.Client, catalogue: Catalogue) -> None:
    page = soup(client.get("/t/biodata_market"))
    messages = page.select("div.tgme_widget_message")
    assert [m["data-post"] for m in messages] == [
        f"biodata_market/{n}" for n in (101, 102, 103, 104)
    ]
    leak = messages[2]
    assert "英国生物样本库" in leak.select_one("div.tgme_widget_message_text").get_text()
    date = leak.select_one("a.tgme_widget_message_date")
    assert date["href"] == "/t/biodata_market/103"
    assert date.select_one("time")["datetime"].startswith("2025-03-09")
    document = leak.select_one("a.tgme_widget_message_document")
    assert str(document["href"]).startswith("/files/")
    download = client.get(str(document["href"]))
    with zipfile.ZipFile(io.BytesIO(download.content)) as archive:
        assert any(name.endswith(".csv") for name in archive.namelist())
    assert len(page.select("a.tgme_widget_message_document")) == 1


def test_telegram_message_page_and_takedown(client: httpx.Client) -> None:
    single = soup(client.get("/t/biodata_market/103"))
    assert [m["data-post"] for m in single.select("div.tgme_widget_message")] == [
        "biodata_market/103"
    ]
    client.post("/_control/takedown/tg-biodata_market-103").raise_for_status()
    assert client.get("/t/biodata_market/103").status_code == 404
    channel = soup(client.get("/t/biodata_market"))
    assert "biodata_market/103" not in [
        m["data-post"] for m in channel.select("div.tgme_widget_message")
    ]
    assert client.get("/t/biodata_market/999").status_code == 404
    assert client.get("/t/no_such_channel").status_code == 404


def test_forum_thread_page_and_takedown(client: httpx.Client, catalogue: Catalogue) -> None:
    index = soup(client.get("/forum"))
    hrefs = [a["href"] for a in index.select("a.thread-link")]
    assert "/forum/thread/88231" in hrefs
    thread = soup(client.get("/forum/thread/88231"))
    assert thread.select_one("h1.thread-title").get_text() == catalogue.thread(88231).title
    bodies = [body.get_text(" ", strip=True) for body in thread.select("div.post-body")]
    assert len(bodies) == 3 and "英国生物样本库" in bodies[0]
    sample = client.get(str(thread.select_one("a.attachment")["href"]))
    rows = list(csv.reader(io.StringIO(sample.text)))
    assert rows[0] == HEADER
    client.post("/_control/takedown/thread-88231").raise_for_status()
    gone = client.get("/forum/thread/88231")
    assert gone.status_code == 404 and soup(gone).select_one("div.thread-removed") is not None
    assert "/forum/thread/88231" not in [
        a["href"] for a in soup(client.get("/forum")).select("a.thread-link")
    ]
    unknown = client.get("/forum/thread/1")
    assert unknown.status_code == 404 and soup(unknown).select_one("div.thread-removed") is None


# --- escaping -----------------------------------------------------------------------------------


def test_listing_markup_is_escaped(client: httpx.Client, catalogue: Catalogue) -> None:
    offer = catalogue.get(SCRIPT_NOISE)
    assert "<script>" in offer.title
    for path in (offer.url_path, "/search?q=nitrile", f"/seller/{offer.seller_id}"):
        response = client.get(path)
        assert "<script>alert" not in response.text
        assert "<img src=x" not in response.text
        page = soup(response)
        assert page.select("script") == []
        assert page.select("img[onerror]") == []
        assert "&lt;script&gt;alert(document.cookie)&lt;/script&gt;" in response.text
    detail = soup(client.get(offer.url_path))
    assert detail.select_one("h1.offer-title").get_text(strip=True) == offer.title


# --- serve_forever ------------------------------------------------------------------------------

_SERVE_SCRIPT = """
import sys
from crawler.demo import build_catalogue, serve_forever
catalogue = build_catalogue(sample_header=["eid", "31-0.0"], sample_rows=[["1000001", "0"]])
serve_forever(catalogue, "127.0.0.1", 0, on_ready=lambda url: print(url, flush=True))
print("stopped", flush=True)
"""


def test_serve_forever_runs_until_interrupted() -> None:
    with subprocess.Popen(
        [sys.executable, "-c", _SERVE_SCRIPT],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as process:
        assert process.stdout is not None
        try:
            url = process.stdout.readline().strip()
            assert re.fullmatch(r"http://127\.0\.0\.1:\d+", url), process.stderr
            assert httpx.get(url + "/robots.txt").status_code == 200
            process.send_signal(2)  # SIGINT, as Ctrl+C
            out, err = process.communicate(timeout=20)
        finally:
            if process.poll() is None:
                process.kill()
                process.communicate()
    assert process.returncode == 0, err
    assert "stopped" in out
