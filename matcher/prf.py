"""Keyed pseudo-random function for the fingerprint: SipHash-2-4 over canonical 64-bit codes.

Every value the fingerprint keeps is first turned into a canonical 64-bit code (see
:mod:`matcher.canonical`) and then passed through SipHash-2-4 (Aumasson & Bernstein, 2012) under a
128-bit key derived from the 32-byte fingerprint key and the purpose (``derive_key``), so digests
of different families never compare equal. :func:`siphash_codes` hashes a whole ``uint64`` array
at once with numba (parallel, ~100 M values/s on two cores); :func:`siphash24` is the plain
byte-string reference taken from the paper, used by the tests and for short messages. The
vectorised path computes exactly ``siphash24(key, code.to_bytes(8, "little"))``.
:func:`start_warm_up` loads every compiled kernel from numba's cache in the background.
"""

from __future__ import annotations

import hashlib
import hmac
import threading

import numba
import numpy as np

KEY_BYTES = 32
MASK64 = (1 << 64) - 1
_C0, _C1, _C2, _C3 = 0x736F6D6570736575, 0x646F72616E646F6D, 0x6C7967656E657261, 0x7465646279746573


def _rotl(x: int, b: int) -> int:
    return ((x << b) | (x >> (64 - b))) & MASK64


def siphash24(key: bytes, message: bytes) -> int:
    """SipHash-2-4 of ``message`` under a 16-byte ``key``, as an integer (little-endian output)."""
    if len(key) != 16:
        raise ValueError("SipHash needs a 16-byte key")
    k0 = int.from_bytes(key[:8], "little")
    k1 = int.from_bytes(key[8:], "little")
    v = [k0 ^ _C0, k1 ^ _C1, k0 ^ _C2, k1 ^ _C3]

    def rounds(count: int) -> None:
        for _ in range(count):
            v[0] = (v[0] + v[1]) & MASK64
            v[1] = _rotl(v[1], 13) ^ v[0]
            v[0] = _rotl(v[0], 32)
            v[2] = (v[2] + v[3]) & MASK64
            v[3] = _rotl(v[3], 16) ^ v[2]
            v[0] = (v[0] + v[3]) & MASK64
            v[3] = _rotl(v[3], 21) ^ v[0]
            v[2] = (v[2] + v[1]) & MASK64
            v[1] = _rotl(v[1], 17) ^ v[2]
            v[2] = _rotl(v[2], 32)

    tail_start = len(message) - len(message) % 8
    for start in range(0, tail_start, 8):
        m = int.from_bytes(message[start : start + 8], "little")
        v[3] ^= m
        rounds(2)
        v[0] ^= m
    last = int.from_bytes(message[tail_start:], "little") | ((len(message) & 0xFF) << 56)
    v[3] ^= last
    rounds(2)
    v[0] ^= last
    v[2] ^= 0xFF
    rounds(4)
    return v[0] ^ v[1] ^ v[2] ^ v[3]


@numba.njit(inline="always")
def _rot(x: np.uint64, b: int) -> np.uint64:
    return (x << np.uint64(b)) | (x >> np.uint64(64 - b))


@numba.njit(inline="always")
def _sipround(
    v0: np.uint64, v1: np.uint64, v2: np.uint64, v3: np.uint64
) -> tuple[np.uint64, np.uint64, np.uint64, np.uint64]:
    v0 += v1
    v1 = _rot(v1, 13) ^ v0
    v0 = _rot(v0, 32)
    v2 += v3
    v3 = _rot(v3, 16) ^ v2
    v0 += v3
    v3 = _rot(v3, 21) ^ v0
    v2 += v1
    v1 = _rot(v1, 17) ^ v2
    v2 = _rot(v2, 32)
    return v0, v1, v2, v3


@numba.njit(inline="always")
def _siphash_one(k0: np.uint64, k1: np.uint64, m: np.uint64) -> np.uint64:
    """SipHash-2-4 of one 8-byte message ``m`` (little-endian) under the key ``(k0, k1)``."""
    last = np.uint64(8) << np.uint64(56)  # an 8-byte message: length 8 in the top byte
    v0 = k0 ^ np.uint64(_C0)
    v1 = k1 ^ np.uint64(_C1)
    v2 = k0 ^ np.uint64(_C2)
    v3 = k1 ^ np.uint64(_C3) ^ m
    v0, v1, v2, v3 = _sipround(v0, v1, v2, v3)
    v0, v1, v2, v3 = _sipround(v0, v1, v2, v3)
    v0 ^= m
    v3 ^= last
    v0, v1, v2, v3 = _sipround(v0, v1, v2, v3)
    v0, v1, v2, v3 = _sipround(v0, v1, v2, v3)
    v0 ^= last
    v2 ^= np.uint64(0xFF)
    for _ in range(4):
        v0, v1, v2, v3 = _sipround(v0, v1, v2, v3)
    return v0 ^ v1 ^ v2 ^ v3


@numba.njit(parallel=True, cache=True, nogil=True)
def _siphash_array(k0: np.uint64, k1: np.uint64, codes: np.ndarray, out: np.ndarray) -> None:
    for i in numba.prange(codes.size):
        out[i] = _siphash_one(k0, k1, codes[i])


@numba.njit(parallel=True, cache=True, nogil=True)
def _siphash_top(
    k0: np.uint64,
    k1: np.uint64,
    codes: np.ndarray,
    valid: np.ndarray,
    shift: np.uint64,
    out: np.ndarray,
) -> None:
    for i in numba.prange(codes.size):
        if not valid[i]:
            out[i] = 0
            continue
        top = _siphash_one(k0, k1, codes[i]) >> shift
        out[i] = top if top != 0 else 1


def siphash_top(key: bytes, codes: np.ndarray, valid: np.ndarray, bits: int) -> np.ndarray:
    """The top ``bits`` (32 or 16) of each code's SipHash-2-4 under a 16-byte key, 1 where those
    are 0 and 0 where ``valid`` is False: ``siphash_codes`` truncated, in one pass."""
    if len(key) != 16:
        raise ValueError("SipHash needs a 16-byte key")
    flat = np.ascontiguousarray(np.ascontiguousarray(codes).view(np.uint64).reshape(-1))
    out = np.empty(flat.size, dtype=np.uint32 if bits == 32 else np.uint16)
    if flat.size:
        wait_warm_up("codes")
        k0 = np.uint64(int.from_bytes(key[:8], "little"))
        k1 = np.uint64(int.from_bytes(key[8:], "little"))
        mask = np.ascontiguousarray(valid, dtype=np.bool_).reshape(-1)
        _siphash_top(k0, k1, flat, mask, np.uint64(64 - bits), out)
    return out


_warm_up: threading.Thread | None = None
_warm_up_lock = threading.Lock()
# the kernel groups in the order a scan first needs them; each is set once it is loaded
PARTS = ("fastcsv", "codes", "digest_index", "link_kernel")
_loaded = {part: threading.Event() for part in PARTS}


def start_warm_up() -> None:
    """Load the numba kernels (this module's, :mod:`matcher.code_kernels`',
    :mod:`matcher.digest_index`'s, :mod:`matcher.link_kernel`'s and :mod:`matcher.samples.fastcsv`'s)
    from numba's cache in a background thread, once per process, in the order a scan needs them.
    Loading costs ~0.5 s of Python work; started before a file is read, it overlaps the read. A
    kernel call waits until its group is loaded (:func:`wait_warm_up`), so no kernel is loaded in
    two threads at once.
    """
    global _warm_up
    with _warm_up_lock:
        if _warm_up is None:
            _warm_up = threading.Thread(target=_load_kernels, name="matcher-kernels", daemon=True)
            _warm_up.start()


def wait_warm_up(part: str | None = None) -> None:
    """Return once the background load (if one was started) has loaded ``part`` (one of
    ``PARTS``; None: every part)."""
    thread = _warm_up
    if thread is None or thread is threading.current_thread():
        return
    if part is None:
        thread.join()
    else:
        while not _loaded[part].wait(timeout=0.05):
            if not thread.is_alive():  # the load stopped early: the caller loads what it needs
                return


def _load_kernels() -> None:
    from matcher import code_kernels, digest_index, link_kernel  # they import this module
    from matcher.samples import fastcsv

    try:
        fastcsv.load_kernels()
        _loaded["fastcsv"].set()
        siphash_codes(bytes(16), np.zeros(1, dtype=np.uint64))
        for bits in (32, 16):
            siphash_top(bytes(16), np.zeros(1, dtype=np.uint64), np.ones(1, dtype=np.bool_), bits)
        code_kernels.load_kernels()
        _loaded["codes"].set()
        digest_index.load_kernels()
        _loaded["digest_index"].set()
        link_kernel.load_kernels()
        _loaded["link_kernel"].set()
    except Exception:  # a failed warm-up only means the first real call loads them
        return


def siphash_codes(key: bytes, codes: np.ndarray) -> np.ndarray:
    """SipHash-2-4 of each 64-bit code (as its 8 little-endian bytes) under a 16-byte key."""
    if len(key) != 16:
        raise ValueError("SipHash needs a 16-byte key")
    wait_warm_up("codes")
    flat = np.ascontiguousarray(codes).view(np.uint64) if codes.dtype != np.uint64 else codes
    flat = np.ascontiguousarray(flat)
    out = np.empty(flat.size, dtype=np.uint64)
    if flat.size:
        k0 = np.uint64(int.from_bytes(key[:8], "little"))
        k1 = np.uint64(int.from_bytes(key[8:], "little"))
        _siphash_array(k0, k1, flat, out)
    return out


def derive_key(master: bytes, purpose: str) -> bytes:
    """The 16-byte SipHash key for one purpose (a digest family), from the 32-byte master key."""
    check_master_key(master)
    return hmac.new(master, b"cohortwatch-prf:" + purpose.encode("utf-8"), hashlib.sha256).digest()[
        :16
    ]


def key_id(master: bytes) -> str:
    """A short public name for a key (16 hex digits); says nothing about the key itself."""
    check_master_key(master)
    return hmac.new(master, b"cohortwatch-key-id", hashlib.sha256).hexdigest()[:16]


def check_master_key(master: bytes) -> None:
    """Raise ValueError unless ``master`` is a 32-byte key."""
    if not isinstance(master, bytes) or len(master) != KEY_BYTES:
        raise ValueError(f"the fingerprint key must be {KEY_BYTES} bytes")
