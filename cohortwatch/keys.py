"""The fingerprint key: make one, and load it from ``--key-file`` or the settings.

The key is 32 random bytes, written as 64 hex digits on one line (file mode 0600). It is read from
``--key-file`` or from ``COHORTWATCH_FINGERPRINT_KEY``; it is never stored in a fingerprint (only
its id) and never printed.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from cohortwatch.errors import UsageError
from cohortwatch.settings import Settings
from matcher.prf import KEY_BYTES


def new_key() -> bytes:
    """32 bytes from the operating system's CSPRNG."""
    return secrets.token_bytes(KEY_BYTES)


def parse_key(text: str, *, source: str) -> bytes:
    """A key from its 64-hex-digit form."""
    cleaned = text.strip()
    try:
        key = bytes.fromhex(cleaned)
    except ValueError:
        raise UsageError(f"{source}: the key is not hex digits") from None
    if len(key) != KEY_BYTES:
        raise UsageError(
            f"{source}: the key must be {KEY_BYTES} bytes ({2 * KEY_BYTES} hex digits)"
        )
    return key


def write_key(path: Path, key: bytes, *, overwrite: bool = False) -> None:
    """Write ``key`` as hex to a new file readable by its owner only."""
    flags = os.O_WRONLY | os.O_CREAT | (os.O_TRUNC if overwrite else os.O_EXCL)
    try:
        fd = os.open(path, flags, 0o600)
    except FileExistsError:
        raise UsageError(f"{path} exists; refusing to overwrite a key (use --force)") from None
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror}") from None
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key.hex() + "\n")


def load_key(key_file: Path | None, settings: Settings) -> bytes:
    """The key from ``key_file``, else from the ``fingerprint_key`` setting."""
    if key_file is not None:
        try:
            text = key_file.read_text(encoding="ascii")
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"cannot read key file {key_file}: {exc}") from None
        return parse_key(text, source=str(key_file))
    if settings.fingerprint_key is not None:
        return parse_key(
            settings.fingerprint_key.get_secret_value(), source="COHORTWATCH_FINGERPRINT_KEY"
        )
    raise UsageError("no fingerprint key: give --key-file or set COHORTWATCH_FINGERPRINT_KEY")
