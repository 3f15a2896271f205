"""Signed browser sessions and CSRF tokens for the dashboard's HTML pages (stdlib HMAC only).

After a login with a token, the browser holds ``cw_session`` = ``<prefix>.<expires>.<nonce>.<mac>``
(HttpOnly, SameSite=Strict, Secure when configured): the token's lookup prefix, a Unix expiry,
a random nonce and an HMAC-SHA256 over them under the dashboard's secret key. The token itself
is never in the cookie, and every request re-reads the token's row, so revoking a token ends its
sessions at once. Form POSTs carry a CSRF token derived from the nonce (``csrf_for``); the login
form, which has no session yet, uses a signed ``cw_login`` nonce cookie the same way.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass

SESSION_COOKIE = "cw_session"
LOGIN_COOKIE = "cw_login"
NONCE_BYTES = 16


@dataclass(frozen=True)
class SessionData:
    """What a valid session cookie says."""

    prefix: str
    expires: int
    nonce: str


def _mac(key: bytes, *parts: str) -> str:
    digest = hmac.new(key, "|".join(parts).encode("utf-8"), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))


def new_nonce() -> str:
    """A random nonce for a session or a login form."""
    return secrets.token_urlsafe(NONCE_BYTES)


def encode_session(key: bytes, *, prefix: str, expires: int, nonce: str) -> str:
    """The cookie value of a session."""
    return f"{prefix}.{expires}.{nonce}.{_mac(key, 'session', prefix, str(expires), nonce)}"


def decode_session(key: bytes, value: str, *, now: int) -> SessionData | None:
    """The session a cookie value holds, or None when it is forged, malformed or expired."""
    parts = value.split(".")
    if len(parts) != 4 or len(value) > 300:
        return None
    prefix, expires_text, nonce, mac = parts
    if not _same(mac, _mac(key, "session", prefix, expires_text, nonce)):
        return None
    if not expires_text.isdigit() or int(expires_text) <= now:
        return None
    return SessionData(prefix=prefix, expires=int(expires_text), nonce=nonce)


def encode_login_nonce(key: bytes, nonce: str) -> str:
    """The value of the pre-login cookie."""
    return f"{nonce}.{_mac(key, 'login', nonce)}"


def decode_login_nonce(key: bytes, value: str) -> str | None:
    """The nonce of a genuine pre-login cookie, else None."""
    nonce, _, mac = value.partition(".")
    if not nonce or not _same(mac, _mac(key, "login", nonce)):
        return None
    return nonce


def csrf_for(key: bytes, nonce: str) -> str:
    """The CSRF token a form must send back for the session or login ``nonce``."""
    return _mac(key, "csrf", nonce)


def csrf_ok(key: bytes, nonce: str, sent: str | None) -> bool:
    """Whether ``sent`` is the CSRF token of ``nonce`` (constant-time)."""
    return sent is not None and _same(sent, csrf_for(key, nonce))
