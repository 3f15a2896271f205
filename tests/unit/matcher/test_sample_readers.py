"""Every supported format yields its table; hostile and corrupt files give a clear SampleError."""

from __future__ import annotations

import gzip
import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest

from crawler.demo.samples import xlsx_bytes
from matcher.samples import Limits, SampleError, read_tables, text_tables
from matcher.samples.readers import listing_tables

HEADER = ["eid", "31-0.0", "53-0.0", "30080-0.0"]
ROWS = [["1000001", "0", "2008-03-14", "250.1"], ["1000002", "1", "2009-01-02", "199.9"],
        ["1000003", "1", "2007-11-30", "301.4"]]  # fmt: skip


def first_table(data: bytes, name: str) -> list[list[str]]:
    tables = read_tables(data, filename=name)
    assert tables, name
    table = tables[0]
    frame = table.frame
    rows = [[c or "" for c in row] for row in frame.rows()]
    return [list(frame.columns), *rows] if table.named else rows


def csv_text(delimiter: str = ",") -> str:
    return "\n".join(delimiter.join(row) for row in [HEADER, *ROWS]) + "\n"


@pytest.mark.parametrize("delimiter", [",", "\t", ";", "|", " "])
def test_delimiters(delimiter: str) -> None:
    assert first_table(csv_text(delimiter).encode(), "x.txt") == [HEADER, *ROWS]


@pytest.mark.parametrize("delimiter", [" ", "\t"])
def test_r_write_table_with_row_names(delimiter: str) -> None:
    """R's ``write.table`` default: quoted text, and a header with no cell over the row names."""
    lines = [delimiter.join(f'"{h}"' for h in HEADER)]
    lines += [delimiter.join([f'"{i + 1}"', *row]) for i, row in enumerate(ROWS)]
    table = first_table("\n".join(lines).encode(), "export.txt")
    assert table == [["row.names", *HEADER], *[[str(i + 1), *r] for i, r in enumerate(ROWS)]]


@pytest.mark.parametrize("header", ["eid", '"eid"', "Participant ID", "参与者编号"])
def test_a_list_of_participant_ids_is_a_table_of_one_column(header: str) -> None:
    """A withdrawal list or a subset's eids: one ID a line under a participant-ID header."""
    table = first_table(f"{header}\n1000027\n-1000109\n1000111\n".encode(), "withdrawn.csv")
    assert table == [[header.strip('"')], ["1000027"], ["-1000109"], ["1000111"]]


@pytest.mark.parametrize(
    "text", ["eid\n1000027\n", "year\n2006\n2007\n2008\n", "eid\n1000027\nsee above\n"]
)
def test_other_single_columns_are_no_table(text: str) -> None:
    assert read_tables(text.encode(), filename="list.txt") == []


@pytest.mark.parametrize(
    "text",
    ["Selling the full UKB data\nDM me on telegram\nPayment in USDT only\n", "a b c\nd e\nf g h\n"],
    ids=["prose", "ragged-words"],
)
def test_words_on_lines_are_no_space_delimited_table(text: str) -> None:
    assert read_tables(text.encode(), filename="listing.txt") == []


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "gb18030"])
def test_encodings(encoding: str) -> None:
    text = csv_text().replace("31-0.0", "性别")
    assert first_table(text.encode(encoding), "x.csv")[0][1] == "性别"


def test_xlsx_json_parquet_html_notebook() -> None:
    table = [HEADER, *ROWS]
    assert first_table(xlsx_bytes(table), "x.xlsx") == table
    records = [dict(zip(HEADER, row, strict=True)) for row in ROWS]
    assert first_table(json.dumps(records).encode(), "x.json") == table
    columns = {h: [r[i] for r in ROWS] for i, h in enumerate(HEADER)}
    assert first_table(json.dumps(columns).encode(), "x.json") == table
    buffer = io.BytesIO()
    pl.DataFrame(columns).write_parquet(buffer)
    assert first_table(buffer.getvalue(), "x.parquet") == table
    html = (
        "<html><table>"
        + "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in table)
        + "</table></html>"
    )
    assert first_table(html.encode(), "x.html") == table
    notebook = {"cells": [{"cell_type": "code", "outputs": [{"data": {"text/html": [html]}}]}]}
    assert first_table(json.dumps(notebook).encode(), "x.ipynb") == table


def test_pasted_pipe_and_space_aligned_tables() -> None:
    pipe = "\n".join(["| " + " | ".join(r) + " |" for r in [HEADER]] + ["|---|---|---|---|"]
                     + ["| " + " | ".join(r) + " |" for r in ROWS])  # fmt: skip
    assert [list(r) for r in text_tables("Sample:\n" + pipe + "\nDM me")[0].rows()] == [
        HEADER,
        *ROWS,
    ]
    aligned = "\n".join("   ".join(c.ljust(10) for c in row) for row in [HEADER, *ROWS])
    assert [list(r) for r in text_tables(aligned)[0].rows()] == [HEADER, *ROWS]


def test_space_aligned_tables_with_blank_cells() -> None:
    """A missing value printed as spaces (in the middle, or at a line's end) keeps its column."""
    rows = [HEADER, ["1000001", "0", "", "250.1"], ["1000002", "1", "2009-01-02", ""], ROWS[2]]
    aligned = "\n".join("  ".join(c.rjust(10) for c in row).rstrip() for row in rows)
    assert [list(r) for r in text_tables("Sample:\n\n" + aligned + "\n\nDM me")[0].rows()] == rows


def test_zip_and_gzip_containers() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a/sample.csv", csv_text())
        archive.writestr("b.csv.gz", gzip.compress(csv_text(";").encode()))
    tables = read_tables(buffer.getvalue(), filename="leak.zip")
    assert [t.source for t in tables] == ["leak.zip/a/sample.csv", "leak.zip/b.csv"]


def _bomb(size: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("big.csv", b"0" * size)
    return buffer.getvalue()


def _nested(depth: int) -> bytes:
    data = csv_text().encode()
    for _ in range(depth):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("inner.zip", data)
        data = buffer.getvalue()
    return data


def _zip_claiming(*, method: int = 0, version: int = 20) -> bytes:
    """A ZIP of one CSV whose headers claim a compression ``method`` or a format ``version``
    (needed to extract) that zipfile does not implement."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("sample.csv", csv_text())
    data = bytearray(buffer.getvalue())
    central = data.find(b"PK\x01\x02")
    data[8:10] = data[central + 10 : central + 12] = method.to_bytes(2, "little")
    data[central + 6 : central + 8] = version.to_bytes(2, "little")
    return bytes(data)


def _xlsx_with_sheet(change: Callable[[bytes], bytes]) -> bytes:
    """A workbook whose sheet's XML is ``change``d."""
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes([HEADER, *ROWS])))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in source.namelist():
            data = source.read(name)
            archive.writestr(name, change(data) if "worksheets/" in name else data)
    return buffer.getvalue()


def _damaged_xlsx() -> bytes:
    return _xlsx_with_sheet(lambda xml: xml[: len(xml) // 2])


def _xlsx_bomb() -> bytes:
    """A sheet padded with 20 MiB of blanks between its tags (valid XML, ratio ~1000)."""
    return _xlsx_with_sheet(
        lambda xml: xml.replace(b"<sheetData>", b" " * 20 * 2**20 + b"<sheetData>")
    )


PANICS_POLARS = Path(__file__).parents[2] / "data" / "samples" / "panics-polars.parquet"


@pytest.mark.parametrize(
    ("data", "limits", "message"),
    [
        (_bomb(20 * 1024 * 1024), Limits(), "compression ratio"),
        (_bomb(2 * 1024 * 1024), Limits(max_total_bytes=1024 * 1024), "size limit"),
        (_nested(5), Limits(max_depth=3), "nested deeper"),
        (gzip.compress(b"0" * (3 * 1024 * 1024)), Limits(max_total_bytes=1024 * 1024), "limit"),
        (b"PK\x03\x04 truncated", Limits(), "ZIP"),
        (b"\x1f\x8b\x08\x00 broken", Limits(), "gzip"),
        (b"{not json", Limits(), "JSON"),
        (b"PAR1 not really", Limits(), "Parquet"),
        (_zip_claiming(method=97), Limits(), "ZIP member"),
        (_zip_claiming(version=98), Limits(), "ZIP"),
        (_damaged_xlsx(), Limits(), "XLSX"),
        (PANICS_POLARS.read_bytes(), Limits(), "Parquet"),  # found by fuzzing: polars panics
        (gzip.compress(b"0" * (20 * 1024 * 1024)), Limits(), "ratio limit"),
        (_xlsx_bomb(), Limits(), "compression ratio"),
    ],
    ids=[
        "ratio",
        "size",
        "depth",
        "gzip-size",
        "bad-zip",
        "bad-gzip",
        "bad-json",
        "bad-parquet",
        "zip-method",
        "zip-version",
        "damaged-xlsx",
        "parquet-panic",
        "gzip-ratio",
        "xlsx-ratio",
    ],
)
def test_hostile_files_raise_sample_error(data: bytes, limits: Limits, message: str) -> None:
    with pytest.raises(SampleError, match=message):
        read_tables(data, filename="x.json" if b"{" in data[:1] else "x", limits=limits)


def test_too_many_members() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for i in range(20):
            archive.writestr(f"{i}.csv", "a,b\n1,2\n")
    with pytest.raises(SampleError, match="members"):
        read_tables(buffer.getvalue(), filename="x.zip", limits=Limits(max_members=10))


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"x" * 200_000, "long-line.txt"),  # one cell past csv's field size limit
        (
            json.dumps(
                {"cells": [1, {"outputs": [5, {"data": 3}, {"data": {"text/plain": 7}}]}]}
            ).encode(),
            "odd.ipynb",
        ),
    ],
    ids=["long-line", "odd-notebook"],
)
def test_files_without_a_table_give_none(data: bytes, name: str) -> None:
    assert read_tables(data, filename=name) == []


def test_a_listing_table_shown_twice_is_read_once() -> None:
    """A pipe table in a code block is in the visible text too: its rows count once."""
    pipe = "| eid | 31-0.0 |\n|---|---|\n| 1000027 | 1 |\n| 1000109 | 0 |\n| 1000111 | 0 |"
    html = f"<html><body><pre>{pipe}</pre><pre>a  b\n1  2\n3  4\n5  6</pre></body></html>"
    tables = listing_tables("sample:\n" + pipe, html.encode())
    assert [t.source for t in tables] == ["listing text#table1", "listing page#pre2"]
