"""Large plain-ASCII tables are read without decoding the whole file, with the same result."""

from __future__ import annotations

import pytest

from matcher.samples import read_tables
from matcher.samples.text import HEAD_BYTES, large_ascii_table, text_table_frames


def _rows(delimiter: str, rows: int) -> bytes:
    lines = [delimiter.join(["eid", "31-0.0", "30000-0.0", "53-0.0"])]
    lines += [
        delimiter.join([str(1000 + i), str(i % 2), f"{i % 97}.{i % 10}", ""]) for i in range(rows)
    ]
    return ("\n".join(lines) + "\n").encode("ascii")


@pytest.mark.parametrize("delimiter", [",", "\t", ";"])
def test_large_csv_reads_as_the_decoded_text_would(delimiter: str) -> None:
    data = _rows(delimiter, 80_000)
    assert len(data) > HEAD_BYTES
    fast = large_ascii_table(data)
    assert fast is not None
    slow = text_table_frames(data.decode("utf-8"), data)
    assert len(slow) == 1 and fast.equals(slow[0])
    assert fast.height == 80_001 and fast.row(0)[1] == "31-0.0"
    [table] = read_tables(data, filename="big.csv")
    assert table.frame.equals(fast)


@pytest.mark.parametrize(
    "data",
    [
        _rows(",", 10),  # small: the ordinary path
        _rows(",", 80_000).replace(b"eid", "éid".encode()),  # not ASCII
        b"[" + b" " * HEAD_BYTES + b"]",  # JSON
        b"<html><table>" + b"x" * HEAD_BYTES,  # HTML
        b"a,b\n" + b"1," + b"2" * (2 * HEAD_BYTES) + b"\n",  # the first lines run past the head
        b"| a | b |\n" + b"| 1 | 2 |\n" * 200_000,  # a pipe table
        b"just some words\n" * 100_000,  # no delimiter: pasted tables
    ],
)
def test_other_files_take_the_ordinary_path(data: bytes) -> None:
    assert large_ascii_table(data) is None
