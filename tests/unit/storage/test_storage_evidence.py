"""The content-addressed evidence store: layout, append-only writes, atomicity, verification."""

from __future__ import annotations

import hashlib
import stat
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from storage.errors import (
    EvidenceError,
    EvidenceNotFoundError,
    EvidenceTooLargeError,
    StorageError,
)
from storage.evidence import EvidenceRef, EvidenceStore

DATA = b"<html>UK Biobank 500k for sale</html>"
DIGEST = hashlib.sha256(DATA).hexdigest()


@pytest.fixture
def store(tmp_path: Path) -> EvidenceStore:
    return EvidenceStore(tmp_path / "evidence")


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def test_put_stores_by_sha256_in_a_two_level_layout(store: EvidenceStore) -> None:
    ref = store.put(DATA)
    assert ref == EvidenceRef(sha256=DIGEST, size=len(DATA), path=store.path_for(DIGEST))
    assert ref.path == store.root / DIGEST[:2] / DIGEST[2:4] / DIGEST
    assert ref.path.read_bytes() == DATA
    assert stat.S_IMODE(ref.path.stat().st_mode) == 0o444
    assert store.exists(DIGEST)
    assert store.read(DIGEST) == DATA
    with store.open(DIGEST) as handle:
        assert handle.read(6) == b"<html>"


def test_put_is_idempotent_and_never_rewrites_a_blob(store: EvidenceStore) -> None:
    first = store.put(DATA)
    inode = first.path.stat().st_ino
    second = store.put(DATA)
    assert second == first
    assert first.path.stat().st_ino == inode
    assert _files(store.root) == [first.path]  # no temp files left behind


def test_put_stream_matches_put(store: EvidenceStore) -> None:
    chunks = [DATA[:5], b"", DATA[5:20], DATA[20:]]
    ref = store.put_stream(iter(chunks))
    assert ref.sha256 == DIGEST and ref.size == len(DATA)
    assert store.put(DATA) == ref


def test_empty_blob(store: EvidenceStore) -> None:
    ref = store.put(b"")
    assert ref.sha256 == hashlib.sha256(b"").hexdigest()
    assert store.read(ref.sha256) == b""


@pytest.mark.parametrize(
    "bad",
    [
        "../../etc/passwd",
        "/etc/passwd",
        DIGEST.upper(),
        DIGEST[:-1],
        DIGEST + "0",
        DIGEST[:62] + "/x",
        DIGEST[:63] + "\n",
        "",
    ],
)
def test_malformed_hashes_are_refused_before_touching_the_disk(
    store: EvidenceStore, bad: str
) -> None:
    for operation in (store.path_for, store.exists, store.read, store.open, store.verify):
        with pytest.raises(EvidenceError, match="SHA-256"):
            operation(bad)
    assert not store.root.exists()


def test_missing_blob(store: EvidenceStore) -> None:
    assert not store.exists(DIGEST)
    with pytest.raises(EvidenceNotFoundError) as caught:
        store.read(DIGEST)
    assert isinstance(caught.value, StorageError)
    assert store.verify(DIGEST) is False


def test_verify_detects_a_tampered_blob(store: EvidenceStore) -> None:
    ref = store.put(DATA)
    assert store.verify(DIGEST) is True
    ref.path.chmod(0o644)
    ref.path.write_bytes(DATA.replace(b"500k", b"501k"))
    assert store.verify(DIGEST) is False


def test_max_bytes_caps_put_and_put_stream_without_leftovers(tmp_path: Path) -> None:
    store = EvidenceStore(tmp_path / "evidence", max_bytes=10)
    assert store.put(b"0123456789").size == 10
    with pytest.raises(EvidenceTooLargeError, match="10 bytes"):
        store.put(b"0123456789A")
    with pytest.raises(EvidenceTooLargeError):
        store.put_stream(iter([b"01234", b"56789", b"A"]))
    assert [p.name for p in _files(store.root)] == [hashlib.sha256(b"0123456789").hexdigest()]


def test_a_failing_stream_leaves_nothing_behind(store: EvidenceStore) -> None:
    def broken() -> Iterator[bytes]:
        yield b"partial "
        raise ConnectionResetError("peer went away")

    with pytest.raises(ConnectionResetError):
        store.put_stream(broken())
    assert _files(store.root) == []


def test_concurrent_writers_of_the_same_bytes_store_one_blob(store: EvidenceStore) -> None:
    barrier = threading.Barrier(8)
    refs: list[EvidenceRef] = []
    errors: list[BaseException] = []

    def write() -> None:
        try:
            barrier.wait(timeout=10)
            refs.append(store.put(DATA))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=write) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert errors == []
    assert len(refs) == 8 and len(set(refs)) == 1
    assert _files(store.root) == [store.path_for(DIGEST)]
    assert store.verify(DIGEST)


def test_iter_sha256_lists_stored_blobs(store: EvidenceStore) -> None:
    other = store.put(b"other").sha256
    store.put(DATA)
    assert sorted(store.iter_sha256()) == sorted([DIGEST, other])


def test_unwritable_root_is_an_evidence_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(EvidenceError, match="cannot write"):
        EvidenceStore(blocker / "evidence").put(DATA)
