"""The fingerprint file holds no raw value and no unkeyed hash of one; loading is strict."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from cohortwatch.synth import generate_cohort, release_map, render_cohort
from matcher import canonical
from matcher.dictionary import load_dictionary
from matcher.fingerprint import (
    FingerprintError,
    build_fingerprint,
    check_key,
    fingerprint_bytes,
    load_fingerprint,
    save_fingerprint,
    summary,
)

KEY = bytes(range(32))


@pytest.fixture(scope="module")
def built() -> tuple[bytes, Any]:
    d = load_dictionary()
    cohort = generate_cohort(rows=2000, seed=4, dictionary=d)
    text = render_cohort(cohort, style="ukbconv", dictionary=d)
    maps = {"app-1": release_map(cohort["eid"], seed=4, release=1)}
    fp = build_fingerprint(text, dictionary=d, key=KEY, releases=maps)
    return fingerprint_bytes(fp), (cohort, text, maps)


def _needles(cohort: object, text: object, maps: object) -> set[bytes]:
    """Byte patterns that would betray raw values or unkeyed hashes of them."""
    needles: set[bytes] = set()
    for row in text.head(50).rows():  # type: ignore[attr-defined]
        for cell in row:
            if cell and len(cell) >= 5:
                needles.add(cell.encode())
                needles.add(hashlib.sha256(cell.encode()).digest()[:8])
                needles.add(hashlib.md5(cell.encode()).digest()[:8])
    for eid in maps["app-1"]["release_eid"].head(50).to_list():  # type: ignore[index]
        needles.add(int(eid).to_bytes(8, "little"))
        needles.add(int(eid).to_bytes(4, "little"))
    numbers = text["30080-0.0"].head(50)  # type: ignore[index]
    fixed = canonical.parse_number_canon(numbers).values
    for value in fixed[fixed > 1000]:
        needles.add(int(value).to_bytes(8, "little"))
        needles.add(canonical.mix64(np.array([value])).tobytes())
    return needles


def test_no_raw_values_or_unkeyed_hashes(built: tuple[bytes, Any]) -> None:
    data, (cohort, text, maps) = built
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        blobs = [archive.read(name) for name in archive.namelist()]
        meta = json.loads(archive.read("meta.json"))
    assert KEY.hex() not in data.hex()
    assert meta["key_id"] and "key" not in {k for k in meta if k != "key_id"}
    needles = _needles(cohort, text, maps)
    assert len(needles) > 100
    for blob in blobs:
        for needle in needles:
            assert needle not in blob


def test_round_trip_and_summary(tmp_path: Path, built: tuple[bytes, Any]) -> None:
    data, _ = built
    path = tmp_path / "c.fp"
    path.write_bytes(data)
    fp = load_fingerprint(path)
    info = summary(fp)
    assert info["rows"] == 2000 and info["releases"] == {"app-1": 2000}
    assert 30080 in info["selective_fields"]
    save_fingerprint(fp, tmp_path / "again.fp")
    assert (tmp_path / "again.fp").read_bytes() == data
    check_key(fp, KEY)
    with pytest.raises(FingerprintError, match="not this fingerprint's key"):
        check_key(fp, bytes(32))


def test_a_compressed_copy_loads_the_same(tmp_path: Path, built: tuple[bytes, Any]) -> None:
    """Stored members are read from the mapped file (as views or copies), others as before:
    all give the same arrays."""
    data, _ = built
    (tmp_path / "stored.fp").write_bytes(data)
    buffer = io.BytesIO()
    deflated = zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED)
    with zipfile.ZipFile(io.BytesIO(data)) as src, deflated as dst:
        for name in src.namelist():
            dst.writestr(name, src.read(name))
    (tmp_path / "deflated.fp").write_bytes(buffer.getvalue())
    stored = load_fingerprint(tmp_path / "stored.fp")
    mapped = load_fingerprint(tmp_path / "stored.fp", map_file=True)
    loaded = load_fingerprint(tmp_path / "deflated.fp")
    assert fingerprint_bytes(stored) == fingerprint_bytes(mapped) == data
    assert fingerprint_bytes(loaded) == data
    assert all(array.flags.writeable for array in mapped.digests.values())  # as kernels take


@pytest.mark.parametrize(
    "damage", ["truncate", "not-zip", "bad-meta", "bad-shape", "flipped-digest"]
)
def test_damaged_files_are_refused(tmp_path: Path, built: tuple[bytes, Any], damage: str) -> None:
    data, _ = built
    path = tmp_path / "bad.fp"
    if damage == "truncate":
        path.write_bytes(data[: len(data) // 2])
    elif damage == "not-zip":
        path.write_bytes(b"hello")
    elif damage == "flipped-digest":  # a stored member's CRC-32 no longer fits
        at = data.index(b"digests/") + 1000
        path.write_bytes(data[:at] + bytes([data[at] ^ 1]) + data[at + 1 :])
    else:
        buffer = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(buffer, "w") as dst:
            for name in src.namelist():
                content = src.read(name)
                if damage == "bad-meta" and name == "meta.json":
                    content = b'{"format": "other"}'
                if damage == "bad-shape" and name == "canaries.npy":
                    out = io.BytesIO()
                    np.save(out, np.zeros(3, np.int16))
                    content = out.getvalue()
                dst.writestr(name, content)
        path.write_bytes(buffer.getvalue())
    with pytest.raises(FingerprintError):
        load_fingerprint(path)
