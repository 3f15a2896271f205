"""Tables in text: CSV/TSV with any delimiter and encoding, and tables pasted as plain text.

:func:`decode` handles UTF-8/UTF-16 with or without a BOM and GBK/GB18030. :func:`delimited`
reads a delimited file with polars (all cells as text, fast for large files) after sniffing the
delimiter. :func:`text_tables` finds tables pasted into a listing or a notebook's plain output:
Markdown pipe tables and space-aligned columns (pandas' ``repr``).
"""

from __future__ import annotations

import codecs
import csv
import io
import re

import polars as pl

from matcher.samples.containers import SampleError
from matcher.schema import EID_NAMES, normalise_header

DELIMITERS = (",", "\t", ";", "|")
SNIFF_LINES = 50
_ID = re.compile(r'"?-?\d{5,8}"?')  # a participant ID on a line of its own (negative: withdrawn)
HEAD_BYTES = 1 << 20
HTML_MARKS = ("<table", "<html", "<!doctype html")
MAX_POSITIONAL_LINES = 10_000
_WORD = re.compile(r"\S+")
_COLUMN = re.compile(rb"\x01+(?:\x00\x01+)*")  # used positions, single blanks inside a column
_SEPARATOR_ROW = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")


def decode(data: bytes) -> str:
    """Text of a file in UTF-8/16 (BOM or not) or GB18030 (a superset of GBK)."""
    return decode_with_encoding(data)[0]


def decode_with_encoding(data: bytes) -> tuple[str, str]:
    """The text and the encoding it was read in."""
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace"), "utf-16"
    head = data[:4096]
    if head and head.count(0) > len(head) // 4:  # UTF-16 without a BOM
        even_zeros = head[0::2].count(0)
        odd_zeros = head[1::2].count(0)
        encoding = "utf-16-be" if even_zeros > odd_zeros else "utf-16-le"
        return data.decode(encoding, "replace"), encoding
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("gb18030", errors="replace"), "gb18030"


def _cell_count(line: str, delimiter: str) -> int:
    """The cells ``delimiter`` splits ``line`` into (0 when csv cannot split it: a cell past
    csv's field size limit, as in a long single-line file)."""
    try:
        return len(next(csv.reader([line], delimiter=delimiter)))
    except csv.Error:
        return 0


def _cells_per_line(lines: list[str], delimiter: str, *, share: float = 0.8) -> int | None:
    """The number (>1) of cells ``delimiter`` splits the first line and ``share`` of all into."""
    counts = [_cell_count(line, delimiter) for line in lines if line]
    if not counts or min(counts) < 2:
        return None
    consistent = sum(1 for c in counts if c == counts[0])
    return counts[0] if consistent >= max(1, int(share * len(counts))) else None


def sniff_delimiter(lines: list[str]) -> str | None:
    """The delimiter that splits the first lines into the same number (>1) of cells.

    A single space (R's ``write.table`` default, GWAS tools' output) is tried last, and only
    when two or more lines all split into as many cells, none holds two spaces in a row (those
    are aligned columns, read by :func:`text_tables`) and most cells below the first line hold a
    digit: words of prose split on spaces too.
    """
    best: tuple[int, str] | None = None
    for delimiter in DELIMITERS:
        count = _cells_per_line(lines, delimiter)
        if count is not None and (best is None or count > best[0]):
            best = count, delimiter
    if best is not None:
        return best[1]
    rows = [line for line in lines if line]
    if (
        len(rows) < 2
        or any("  " in line for line in rows)
        or not _cells_per_line(rows, " ", share=1)
    ):
        return None
    cells = [cell for line in rows[1:] for cell in next(csv.reader([line], delimiter=" "))]
    return " " if sum(any(c.isdigit() for c in cell) for cell in cells) * 2 > len(cells) else None


def _frame(rows: list[list[str]]) -> pl.DataFrame:
    width = max((len(row) for row in rows), default=0)
    columns = {
        f"column_{j + 1}": [row[j] if j < len(row) else None for row in rows] for j in range(width)
    }
    return pl.DataFrame(columns, schema={name: pl.String for name in columns})


def rows_frame(rows: list[list[str]]) -> pl.DataFrame:
    """Rows of cells as an all-text frame named ``column_1...`` (the header stays a row)."""
    return _frame([[str(cell) if cell is not None else "" for cell in row] for row in rows])


def delimited(text: str | bytes, delimiter: str) -> pl.DataFrame:
    """A delimited text (or UTF-8 bytes) as an all-text frame; the first line stays a row."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    try:
        return pl.read_csv(
            data,
            separator=delimiter,
            has_header=False,
            infer_schema=False,
            truncate_ragged_lines=True,
            raise_if_empty=False,
        )
    except (pl.exceptions.ComputeError, pl.exceptions.NoDataError, ValueError):
        try:
            rows = list(csv.reader(io.StringIO(decode(data)), delimiter=delimiter))
        except csv.Error as exc:
            raise SampleError(f"malformed delimited text: {exc}") from None
        return rows_frame(rows)


def _pipe_rows(block: list[str]) -> list[list[str]]:
    rows = []
    for line in block:
        if _SEPARATOR_ROW.match(line):
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        rows.append(cells)
    return rows


def _aligned_rows(block: list[str]) -> list[list[str]] | None:
    rows = [re.split(r"\s{2,}|\t", line.strip()) for line in block]
    widths = {len(row) for row in rows}
    if len(widths) != 1 or rows[0].__len__() < 2:
        rows = [line.split() for line in block]
        widths = {len(row) for row in rows}
        if max(widths) < 2 or len(widths) > 2:
            return _rows_by_position(block)
        if len(widths) == 2 and len(rows[0]) == min(widths):  # pandas: header lacks the index
            rows[0] = ["", *rows[0]]
        if len({len(row) for row in rows}) != 1:
            return _rows_by_position(block)
    return rows


def _rows_by_position(block: list[str]) -> list[list[str]] | None:
    """Space-aligned lines cut where every line is blank for two or more characters: columns
    in which some cells are blank (a missing value printed as spaces) keep their place. Pasted
    tables are short: a block of more than ``MAX_POSITIONAL_LINES`` lines is not cut."""
    if len(block) > MAX_POSITIONAL_LINES or any("\t" in line for line in block):
        return None
    used = bytearray(max(len(line) for line in block))  # 1 where some line has a character
    for line in block:
        for word in _WORD.finditer(line):
            used[word.start() : word.end()] = b"\x01" * (word.end() - word.start())
    spans = [column.span() for column in _COLUMN.finditer(used)]
    if len(spans) < 2:
        return None
    return [[line[a:b].strip() for a, b in spans] for line in block]


def _line_kind(line: str) -> str:
    stripped = line.strip()
    if not stripped or stripped.startswith(("#", "```")):
        return "break"
    if stripped.count("|") >= 2:
        return "pipe"
    if len(re.split(r"\s{2,}|\t", stripped)) >= 2:
        return "aligned"
    return "break"


def text_tables(text: str, *, min_rows: int = 2) -> list[pl.DataFrame]:
    """Tables pasted as text: pipe tables and space- or tab-aligned blocks of 2+ columns."""
    tables: list[pl.DataFrame] = []
    block: list[str] = []
    kind = "break"
    for line in [*text.splitlines(), ""]:
        current = _line_kind(line)
        if current == kind and current != "break":
            block.append(line)
            continue
        if len(block) > min_rows:
            rows = _pipe_rows(block) if kind == "pipe" else _aligned_rows(block)
            if rows and len(rows) > min_rows:
                tables.append(rows_frame(rows))
        block, kind = ([line], current) if current != "break" else ([], "break")
    return tables


def _first_lines(text: str, count: int) -> list[str]:
    """``text.splitlines()[:count]`` without splitting all of a large text."""
    size = 1 << 16
    while size < len(text):
        lines = text[:size].splitlines()[:-1]  # the last line may be cut short
        if len(lines) >= count:
            return lines[:count]
        size *= 4
    return text.splitlines()[:count]


def large_ascii_table(data: bytes) -> pl.DataFrame | None:
    """A large plain-ASCII file read as one delimited table without decoding all of it, when
    its first lines settle that (what :func:`text_table_frames` would read); None otherwise."""
    delimiter = large_ascii_delimiter(data)
    return delimited(data, delimiter) if delimiter is not None else None


def large_ascii_delimiter(data: bytes) -> str | None:
    """The delimiter of a large plain-ASCII file that :func:`text_table_frames` would read as
    one delimited table (its first lines settle that); None for any other file."""
    if len(data) <= HEAD_BYTES or data[:4096].count(0) > len(data[:4096]) // 4:
        return None
    head = data[:HEAD_BYTES]
    if head.count(b"\n") <= SNIFF_LINES or not data.isascii():
        return None  # the first lines might run past the head, or the text needs decoding
    text = head.decode("ascii")
    stripped = text.lstrip()
    start = text[:4096].lower()
    if not stripped or stripped[0] in "{[<" or any(t in start for t in HTML_MARKS):
        return None
    lines = [line for line in _first_lines(text, SNIFF_LINES) if line.strip()]
    if not lines or lines[0].strip().startswith("|"):
        return None
    return sniff_delimiter(lines[:20])


def text_table_frames(text: str, raw: bytes | None = None) -> list[pl.DataFrame]:
    """A text file's tables: one delimited table if the lines sniff as one, else pasted ones.

    ``raw`` is the file's bytes when they are plain UTF-8 (read without a copy).
    """
    lines = [line for line in _first_lines(text, SNIFF_LINES) if line.strip()]
    if not lines:
        return []
    if sum("|" in line for line in lines) >= len(lines) - 1 and lines[0].strip().startswith("|"):
        return text_tables(text)
    delimiter = sniff_delimiter(lines[:20])
    if delimiter is not None:
        return [delimited(raw if raw is not None else text, delimiter)]
    delimiter = sniff_delimiter(lines[1:21])
    if delimiter is not None and _cell_count(lines[0], delimiter) + 1 == _cells_per_line(
        lines[1:21], delimiter
    ):  # R's write.table: the header has no cell over the row names; name that column
        return [delimited(f"row.names{delimiter}" + text.lstrip("\r\n"), delimiter)]
    if _id_list(lines):
        return [delimited(raw if raw is not None else text, "\t")]
    return text_tables(text)


def _id_list(lines: list[str]) -> bool:
    """Whether the lines are a list of participant IDs: a participant-ID header ("eid",
    "participant id", "参与者编号") over whole numbers, one a line (a withdrawal list, the eids
    of a subset): a table of one column, which no delimiter splits."""
    body = lines[1:21]
    return (
        normalise_header(lines[0].strip().strip('"')) in EID_NAMES
        and len(body) >= 2
        and all(_ID.fullmatch(line.strip()) for line in body)
    )
