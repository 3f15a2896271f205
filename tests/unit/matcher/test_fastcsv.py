"""Cells parsed from a large CSV's bytes give exactly what the all-text path gives, quirks and all."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from matcher import linkkeys
from matcher.dictionary import load_dictionary
from matcher.samples import fastcsv, read_tables
from matcher.samples.readers import LargeTable, read_table_sources
from matcher.samples.text import HEAD_BYTES
from matcher.scan import scan_tables, with_header
from matcher.schema import map_columns

ROWS = 24_000
HEADER = ["eid", "31-0.0", "34-0.0", "53-0.0", "54-0.0", "30000-0.0", "30010-0.0",
          "30020-0.0", "30080-0.0", "41270-0.0", "41270-0.1", "41280-0.0", "20116-0.0"]  # fmt: skip


def _row(i: int, rng: random.Random) -> list[str]:
    return [
        str(1_000_000 + i),
        rng.choice(["0", "1", ""]),
        str(rng.randint(1937, 1970)),
        f"{rng.randint(2006, 2010)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        str(rng.choice([11001, 11002, 11010, 11021])),
        f"{rng.uniform(3, 12):.2f}",
        f"{rng.uniform(3.5, 6):.3f}".rstrip("0"),
        f"{rng.uniform(10, 18):.1f}",
        str(rng.randint(100, 450)),
        rng.choice(["E119", "I10", "K44.9", "", "C50"]),
        rng.choice(["", "", "J45", "D171"]),
        rng.choice(["", "2005-11-12", "2012-01-30"]),
        rng.choice(["0", "1", "2", "-3"]),
    ]


def _csv(rows: list[list[str]], *, delimiter: str = ",", quote_all: bool = False) -> bytes:
    def cell(text: str) -> str:
        if quote_all or delimiter in text or '"' in text or "\n" in text:
            return '"' + text.replace('"', '""') + '"'
        return text

    lines = [delimiter.join(cell(c) for c in row) for row in [HEADER, *rows]]
    return ("\n".join(lines) + "\n").encode("ascii")


def _rows(seed: int = 1) -> list[list[str]]:
    rng = random.Random(seed)
    return [_row(i, rng) for i in range(ROWS)]


def _quirk(rows: list[list[str]], column: int, value: str, every: int = 997) -> list[list[str]]:
    out = [list(r) for r in rows]
    for r in out[5::every]:
        r[column] = value
    return out


def _text_fields(data: bytes) -> tuple[dict[int, linkkeys.Canon], linkkeys.Canon | None]:
    """The all-text path's canonical fields and IDs (a copy of the frame is not tied to bytes)."""
    d = load_dictionary()
    [table] = read_tables(data, filename="big.csv")
    frame, _ = with_header(table, d)
    frame = frame.clone()
    mappings = map_columns(frame.columns, d)
    return linkkeys.canonical_fields(frame, mappings, d), linkkeys.parse_ids(frame.to_series(0))


def _byte_fields(data: bytes, *, keyed: frozenset[int] | None = None) -> linkkeys.CsvFields | None:
    d = load_dictionary()
    tables = read_table_sources(data, filename="big.csv")
    if len(tables) != 1 or not isinstance(tables[0], LargeTable):
        return None  # not a file the byte parser is offered
    table = tables[0]
    lines = fastcsv.split_lines(data)
    if lines is None:
        return None
    head, _ = with_header(read_tables(data[: data.index(b"\n", 200_000) + 1], filename="h")[0], d)
    mappings = map_columns(head.columns, d)
    return linkkeys.canonical_fields_csv(
        table, lines, head, mappings, d, text=lambda ps: table.columns(ps).slice(1), keyed=keyed
    )


def _same(a: dict[int, linkkeys.Canon], b: dict[int, linkkeys.Canon]) -> None:
    assert list(a) == list(b)
    for field_id in a:
        x, y = a[field_id], b[field_id]
        assert x.decimals == y.decimals, field_id
        assert np.array_equal(x.valid, y.valid), field_id
        assert np.array_equal(x.values[x.valid], y.values[y.valid]), field_id


QUIRKS = [
    (5, "NA"),  # a spelling of missing the cheap parse does not know
    (5, "12.500"),  # trailing zeros: more decimals shown
    (6, "1e3"),  # an exponent
    (7, " 14.1"),  # a space
    (7, "1,5"),  # a decimal comma (quoted)
    (8, "58.0"),  # a whole number written with a point
    (1, "Female"),  # a meaning instead of a code
    (1, "01"),  # a code with a leading zero
    (12, "+1"),  # a code with a sign
    (3, "2008-02-30"),  # not a date
    (3, "14/03/2008"),  # another date format
    (9, "E11.9 Non-insulin-dependent diabetes"),  # an ICD-10 code with its title
    (9, "e119"),  # lower case
    (0, "1,000,005"),  # an ID with separators
    (0, ""),  # a missing ID
    (10, "E119"),  # a set member repeated in its row (41270-0.0 is E119 in a fifth of rows)
    (10, "K449"),  # the same code spelt another way (K44.9)
]


@pytest.mark.parametrize(("column", "value"), QUIRKS)
def test_a_quirky_column_gives_what_the_text_path_gives(column: int, value: str) -> None:
    data = _csv(_quirk(_rows(), column, value))
    assert len(data) > HEAD_BYTES
    fast = _byte_fields(data)
    assert fast is not None
    text_fields, text_ids = _text_fields(data)
    _same(fast[0], text_fields)
    assert fast[1] is not None and text_ids is not None
    _same({0: fast[1]}, {0: text_ids})


@pytest.mark.parametrize(
    ("column", "value"),
    [*QUIRKS, (1, ""), (11, ""), (12, "9")],  # emptied columns; a code outside the coding
)
def test_a_field_only_checked_is_present_when_the_text_path_gives_it(
    column: int, value: str
) -> None:
    data = _csv(_quirk(_rows(), column, value, every=1 if value in ("", "9") else 997))
    text_fields, _ = _text_fields(data)
    keyed = frozenset({34, 30000})  # every other field is only checked for a value
    checked = _byte_fields(data, keyed=keyed)
    assert checked is not None
    assert checked.fields.keys() >= keyed & text_fields.keys()
    assert checked.fields.keys() | checked.present == text_fields.keys()
    assert not checked.present & keyed


def test_clean_columns_are_all_read_from_the_bytes() -> None:
    data = _csv(_rows(), quote_all=True)
    lines = fastcsv.split_lines(data)
    assert lines is not None and int(lines[1][-1]) == ROWS + 1
    kinds = np.array([fastcsv.ID, fastcsv.CODE, 0, fastcsv.DATE, 0, fastcsv.NUMBER, 0, 0, 0,
                      fastcsv.ICD10, 0, 0, 0], dtype=np.int8)  # fmt: skip
    parsed = fastcsv.parse_columns(
        data, lines, delimiter=",", kinds=kinds, codes={1: np.array([0, 1])}
    )
    assert parsed is not None
    values, floats, _, shown, unread = parsed[:5]
    assert not unread.any()
    text = pl.read_csv(data, infer_schema=False)
    assert np.array_equal(values[0], text["eid"].cast(pl.Int64).to_numpy())
    assert np.array_equal(floats[0], text["30000-0.0"].cast(pl.Float64).to_numpy())
    assert int(shown[0].max()) == 2  # "3.10" reads 3.1 but shows two decimals
    fast = _byte_fields(data)
    assert fast is not None
    _same(fast[0], _text_fields(data)[0])


@pytest.mark.parametrize(
    "mangle",
    [
        lambda data: data.replace(b"\n", b"\r\n"),  # carriage returns
        lambda data: data.replace(b"\n1000100,", b'\n"10001""00",', 1),  # a quote inside a cell
        lambda data: data.replace(b"\n1000100,", b'\n10001"00,', 1),  # a quote in a plain cell
        lambda data: data.replace(b"eid,", b'"e\nid",', 1),  # a header cell over two lines
        lambda data: data.replace(b"\n1000100,", b'\n"1000\n100",', 1),  # a cell over two lines
        lambda data: data.replace(b"\n1000100,", b"\n\n1000100,", 1),  # an empty line
        lambda data: data.replace(b"\n1000100,", b"\n1000100,extra,", 1),  # a ragged line
        lambda data: data.replace(b"\n1000100,", b"\n1000100\n", 1),  # a short line
    ],
)
def test_files_polars_splits_otherwise_are_left_to_the_text_path(mangle: object) -> None:
    data = mangle(_csv(_rows()))  # type: ignore[operator]
    assert _byte_fields(data) is None


def test_a_scan_of_a_large_file_is_the_text_paths_scan() -> None:
    """The scanner's verdict on a large CSV is the same whichever path reads it."""
    from matcher.fingerprint import build_fingerprint

    d = load_dictionary()
    key = bytes(range(32))
    rows = _rows(seed=3)
    cohort = pl.DataFrame([r for r in rows[:3000]], schema=HEADER, orient="row")
    fp = build_fingerprint(cohort, dictionary=d, key=key)
    data = _csv(_quirk(rows, 5, "NA"))
    tables = read_table_sources(data, filename="big.csv")
    assert isinstance(tables[0], LargeTable)
    fast = scan_tables(tables, filename="big.csv", fingerprint=fp, key=key, dictionary=d)
    [table] = read_tables(data, filename="big.csv")
    copy = type(table)(table.source, table.frame.clone())
    slow = scan_tables([copy], filename="big.csv", fingerprint=fp, key=key, dictionary=d)
    assert fast.to_json() == slow.to_json()
    assert fast.linked_rows >= 2900


@pytest.mark.parametrize("quirk", [None, (5, "NA"), (3, "14/03/2008")])
def test_a_large_cohort_parsed_from_its_bytes_matches_its_text(
    quirk: tuple[int, str] | None,
) -> None:
    """The fingerprint build reads a large CSV cohort from its bytes; the fields and IDs are
    what the all-text frame of the same file gives."""
    from matcher.fingerprint.build import _frame_cohort, _large_cohort
    from matcher.samples.readers import LargeTable, read_table_sources

    rows = _rows(seed=9) if quirk is None else _quirk(_rows(seed=9), *quirk)
    data = _csv(rows)
    d = load_dictionary()
    [large] = read_table_sources(data, filename="big.csv")
    assert isinstance(large, LargeTable)
    [table] = read_tables(data, filename="big.csv")
    frame, _ = with_header(table, d)
    from_bytes, from_text = _large_cohort(large, d), _frame_cohort(frame, d)
    assert from_bytes.rows == from_text.rows and from_bytes.headers == from_text.headers
    _same(from_bytes.fields, from_text.fields)
    ids_bytes, ids_text = from_bytes.ids(), from_text.ids()
    assert ids_bytes is not None and ids_text is not None
    assert np.array_equal(ids_bytes.values[ids_bytes.valid], ids_text.values[ids_text.valid])


def test_lines_are_counted_eight_bytes_at_a_time_as_byte_by_byte() -> None:
    """split_lines counts each chunk's newlines a word at a time: the same counts as counting
    every byte, whatever the chunk ends' alignment, and any carriage return refuses the file."""
    rng = np.random.default_rng(3)
    for size in (0, 1, 7, 8, 9, 63, 1_000, 100_003):
        alphabet = np.frombuffer(b'ab,\n\n9"', dtype=np.uint8)
        data = alphabet[rng.integers(0, alphabet.size, size)].tobytes()
        for chunks in (1, 3, 256):
            split = fastcsv.split_lines(data, chunks=chunks)
            assert split is not None
            bounds, first = split
            for c in range(bounds.size - 1):
                want = data.count(b"\n", int(bounds[c]), int(bounds[c + 1]))
                last = c == bounds.size - 2 and size and not data.endswith(b"\n")
                assert first[c + 1] - first[c] == want + bool(last)
            if size:
                at = int(rng.integers(0, size))
                assert fastcsv.split_lines(data[:at] + b"\r" + data[at:], chunks=chunks) is None


@pytest.mark.parametrize("by_path", [True, False])
def test_a_large_files_bytes_are_freed_once_parsed(
    by_path: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``scan_path`` keeps no reference of its own to the file's bytes and the table drops its
    own once they are parsed, so keying and linking reuse that memory (docs/benchmarks.md);
    a ``scan_bytes`` caller keeps its bytes."""
    from matcher.fingerprint import build_fingerprint
    from matcher.scan import scan_bytes, scan_path

    d = load_dictionary()
    key = bytes(range(32))
    rows = _rows(seed=3)
    cohort = pl.DataFrame([r for r in rows[:3000]], schema=HEADER, orient="row")
    fp = build_fingerprint(cohort, dictionary=d, key=key)
    path = tmp_path / "big.csv"
    path.write_bytes(_csv(rows))
    holders: list[int] = []
    release = LargeTable.release

    def counted(self: LargeTable) -> None:
        holders.append(sys.getrefcount(self.data) - 1)  # not getrefcount's own argument
        release(self)

    monkeypatch.setattr(LargeTable, "release", counted)
    if by_path:
        result = scan_path(path, fingerprint=fp, key=key, dictionary=d)
        assert holders == [1]  # the table alone
    else:
        data = path.read_bytes()
        result = scan_bytes(data, filename="big.csv", fingerprint=fp, key=key, dictionary=d)
        assert len(holders) == 1 and holders[0] > 1
    assert result.linked_rows >= 2900
