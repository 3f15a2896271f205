"""Read every table in a file: CSV/TSV, XLSX, JSON, Parquet, HTML, notebooks, pasted text.

:func:`read_tables` sniffs the format from the bytes (and the name as a hint), unpacks ZIP/gzip
containers within :class:`Limits`, and returns each table as a :class:`SampleTable`: an all-text
polars frame whose first row is still in the data (header detection happens later, with the
dictionary). Anything unreadable raises :class:`SampleError` with a clear message.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
import zlib
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from matcher.samples.containers import Limits, SampleError, check_member, is_zip, unpack
from matcher.samples.text import (
    decode_with_encoding,
    delimited,
    large_ascii_delimiter,
    rows_frame,
    text_table_frames,
    text_tables,
)

PARQUET_MAGIC = b"PAR1"
MAX_HTML_TABLES = 50


@dataclass(frozen=True)
class SampleTable:
    """One table found in a file; ``frame`` holds text cells, the header (if any) as row 0.

    ``named`` is True when the frame's column names are already the header (JSON, Parquet).
    """

    source: str
    frame: pl.DataFrame
    named: bool = False


@dataclass
class LargeTable:
    """A large plain-ASCII CSV/TSV not yet read: its bytes and delimiter.

    :meth:`frame` reads it as the :class:`SampleTable` frame :func:`read_tables` gives;
    :meth:`head` reads only its first lines (the same rows), :meth:`columns` only some columns
    (all rows), so a caller that parses cells itself (:mod:`matcher.samples.fastcsv`) reads
    as text only what it must, and drops the bytes (:meth:`release`) once it has.
    """

    source: str
    data: bytes = field(repr=False)
    delimiter: str

    def frame(self) -> pl.DataFrame:
        """The table as text, every row (the header line too)."""
        return delimited(self.data, self.delimiter)

    def head(self, lines: int) -> pl.DataFrame:
        cut = -1
        for _ in range(lines):
            cut = self.data.find(b"\n", cut + 1)
            if cut < 0:
                return self.frame()
        return delimited(self.data[: cut + 1], self.delimiter)

    def release(self) -> None:
        """Drop this table's reference to its bytes (freed when no caller holds them), once
        they are parsed; the table cannot be read after."""
        self.data = b""

    def columns(self, positions: list[int]) -> pl.DataFrame:
        """Columns at ``positions`` (all rows, the header row included) as text."""
        return pl.read_csv(
            self.data,
            separator=self.delimiter,
            has_header=False,
            infer_schema=False,
            truncate_ragged_lines=True,
            raise_if_empty=False,
            columns=positions,
        )


def _cell(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        text = repr(value)
        return text[:-2] if text.endswith(".0") else text
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


# what openpyxl raises on a damaged workbook: SyntaxError is XML that does not parse,
# NotImplementedError a compression method zipfile does not know
XLSX_ERRORS = (
    zipfile.BadZipFile, zlib.error, EOFError, KeyError, ValueError, OSError, TypeError,
    SyntaxError, NotImplementedError,
)  # fmt: skip


def read_xlsx(data: bytes, source: str, limits: Limits) -> list[SampleTable]:
    """The workbook's sheets (each part within the ZIP limits: a workbook is a ZIP, and a
    bomb too)."""
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            room = limits.max_total_bytes
            for info in archive.infolist():
                check_member(info, limits=limits, room=room)
                room -= info.file_size
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except XLSX_ERRORS as exc:
        raise SampleError(f"not a readable XLSX: {exc}") from None
    tables = []
    try:
        for sheet in workbook.worksheets:
            rows: list[list[str]] = []
            for row in sheet.iter_rows(values_only=True):
                if len(rows) >= limits.max_rows:
                    raise SampleError(f"sheet {sheet.title!r} has more than {limits.max_rows} rows")
                cells = [_cell(v) or "" for v in row]
                if any(cells):
                    rows.append(cells)
            if rows:
                tables.append(SampleTable(f"{source}#{sheet.title}", rows_frame(rows)))
    except XLSX_ERRORS as exc:
        raise SampleError(f"corrupt XLSX: {exc}") from None
    finally:
        workbook.close()
    return tables


def _named(source: str, frame: pl.DataFrame) -> SampleTable:
    return SampleTable(source, frame.select(pl.all().cast(pl.String)), named=True)


def read_parquet(data: bytes, source: str) -> list[SampleTable]:
    try:
        frame = pl.read_parquet(io.BytesIO(data))
    except (pl.exceptions.PolarsError, OSError, ValueError, pl.exceptions.PanicException) as exc:
        raise SampleError(f"not a readable Parquet file: {exc}") from None  # a panic: damaged
    texts = []
    for name, dtype in frame.schema.items():
        column = pl.col(name)
        if isinstance(dtype, pl.List | pl.Array):
            column = column.cast(pl.List(pl.String)).list.join("|")
        elif dtype.is_float():
            column = column.cast(pl.String).str.replace(r"\.0$", "")
        texts.append(column.cast(pl.String).alias(name))
    return [SampleTable(source, frame.select(texts), named=True)]


def _json_frame(value: Any) -> pl.DataFrame | None:
    if isinstance(value, dict) and isinstance(value.get("data"), list):
        columns = value.get("columns")
        if isinstance(columns, list) and all(isinstance(r, list) for r in value["data"]):
            rows = [[_cell(c) for c in row] for row in value["data"]]
            return rows_frame([[str(c) for c in columns], *[[c or "" for c in r] for r in rows]])
        return _json_frame(value["data"])
    if isinstance(value, list) and value and all(isinstance(r, dict) for r in value):
        names: list[str] = []
        for record in value:
            names.extend(k for k in record if k not in names)
        data = {n: [_cell(r.get(n)) for r in value] for n in names}
        return pl.DataFrame(data, schema={n: pl.String for n in names})
    if (
        isinstance(value, dict)
        and value
        and all(isinstance(v, list | dict) for v in value.values())
    ):
        data = {
            str(k): [_cell(x) for x in (v.values() if isinstance(v, dict) else v)]
            for k, v in value.items()
        }
        lengths = {len(v) for v in data.values()}
        if len(lengths) == 1:
            return pl.DataFrame(data, schema={n: pl.String for n in data})
    if isinstance(value, list) and value and all(isinstance(r, list) for r in value):
        return rows_frame([[_cell(c) or "" for c in row] for row in value])
    return None


def read_json(text: str, source: str) -> list[SampleTable]:
    try:
        value = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise SampleError(f"malformed JSON: {exc}") from None
    if isinstance(value, dict) and isinstance(value.get("cells"), list):
        return read_notebook(value, source)
    frame = _json_frame(value)
    if frame is None:
        return []
    return [SampleTable(source, frame, named=not frame.columns[0].startswith("column_"))]


def read_html(text: str, source: str) -> list[SampleTable]:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(text, "html.parser")
    tables = []
    for number, table in enumerate(soup.find_all("table")[:MAX_HTML_TABLES]):
        rows = []
        for tr in table.find_all("tr"):
            cells = [cell.get_text(" ", strip=True) for cell in tr.find_all(["th", "td"])]
            if cells:
                rows.append(cells)
        if len(rows) >= 2:
            tables.append(SampleTable(f"{source}#table{number + 1}", rows_frame(rows)))
    return tables


def listing_tables(text: str, html: bytes) -> list[SampleTable]:
    """The tables a listing page shows: pasted into its visible text (the crawler's one line
    per block keeps pipe tables), HTML tables in its page (a forum post's table), or space-aligned
    in a preformatted block (a code block), which the visible text loses: it collapses spaces,
    and with them the place of a blank cell."""
    tables = [
        SampleTable(f"listing text#table{number + 1}", frame)
        for number, frame in enumerate(text_tables(text))
    ]
    lowered = html.lower()
    if b"<table" in lowered:
        tables += read_html(html.decode("utf-8", errors="replace"), "listing page")
    if b"<pre" in lowered:
        seen = [table.frame for table in tables]
        tables += [
            table
            for table in _preformatted_tables(html.decode("utf-8", errors="replace"))
            if not any(table.frame.equals(frame) for frame in seen)  # shown in the text too
        ]
    return tables


def _preformatted_tables(page: str) -> list[SampleTable]:
    from bs4 import BeautifulSoup

    blocks = BeautifulSoup(page, "html.parser").find_all("pre")[:MAX_HTML_TABLES]
    return [
        SampleTable(f"listing page#pre{number + 1}", frame)
        for number, block in enumerate(blocks)
        for frame in text_tables(block.get_text())
    ]


def read_notebook(notebook: dict[str, Any], source: str) -> list[SampleTable]:
    """Tables in a Jupyter notebook's outputs (HTML first, else plain-text reprs)."""
    tables: list[SampleTable] = []
    for index, cell in enumerate(notebook.get("cells", [])):
        if not isinstance(cell, dict):
            continue
        for output in cell.get("outputs", []) or []:
            if not isinstance(output, dict):
                continue
            data = output.get("data")
            data = data if isinstance(data, dict) else {}
            html = data.get("text/html")
            plain = data.get("text/plain") or output.get("text")
            name = f"{source}#cell{index + 1}"
            if html:
                tables.extend(read_html(_joined(html), name))
            elif plain:
                tables.extend(SampleTable(name, f) for f in text_tables(_joined(plain)))
    return tables


def _joined(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def _looks_html(text: str) -> bool:
    head = text[:4096].lower()
    return "<table" in head or "<html" in head or "<!doctype html" in head


def read_leaf(data: bytes, source: str, limits: Limits) -> list[SampleTable]:
    """The tables of one non-container file."""
    return [_read(t) for t in read_leaf_sources(data, source, limits)]


def _read(table: SampleTable | LargeTable) -> SampleTable:
    return table if isinstance(table, SampleTable) else SampleTable(table.source, table.frame())


def read_leaf_sources(data: bytes, source: str, limits: Limits) -> list[SampleTable | LargeTable]:
    """The tables of one non-container file; a large plain CSV/TSV is left unread."""
    lower = source.lower()
    if is_zip(data):
        return [*read_xlsx(data, source, limits)]
    if data[:4] == PARQUET_MAGIC or lower.endswith(".parquet"):
        return [*read_parquet(data, source)]
    if lower.endswith((".xls",)) or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise SampleError("legacy .xls workbooks are not supported; save as .xlsx")
    if not lower.endswith((".html", ".htm", ".json", ".ipynb")):
        delimiter = large_ascii_delimiter(data)  # a large CSV/TSV: no decoded copy of it all
        if delimiter is not None:
            return [LargeTable(source, data, delimiter)]
    text, encoding = decode_with_encoding(data)
    stripped = text.lstrip()
    if stripped[:1] in ("{", "[") and not lower.endswith((".csv", ".tsv", ".txt")):
        return [*read_json(stripped, source)]
    if _looks_html(text) or lower.endswith((".html", ".htm")):
        return [*read_html(text, source)]
    raw = data if encoding == "utf-8" else None
    return [SampleTable(source, frame) for frame in text_table_frames(text, raw)]


def read_tables(data: bytes, *, filename: str, limits: Limits | None = None) -> list[SampleTable]:
    """Every table in ``data`` (a file named ``filename``), containers unpacked."""
    return [_read(t) for t in read_table_sources(data, filename=filename, limits=limits)]


def read_table_sources(
    data: bytes, *, filename: str, limits: Limits | None = None
) -> list[SampleTable | LargeTable]:
    """As :func:`read_tables`, but a large plain CSV/TSV is left unread (a :class:`LargeTable`)."""
    limits = limits or Limits()
    if len(data) > limits.max_total_bytes:
        raise SampleError(f"file is larger than {limits.max_total_bytes} bytes")
    tables: list[SampleTable | LargeTable] = []
    for name, content in unpack(data, name=filename, limits=limits):
        tables.extend(read_leaf_sources(content, name, limits))
    return tables
