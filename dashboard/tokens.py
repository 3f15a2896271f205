"""API tokens: how they look, how they are made, and how a presented one is checked.

A token is ``cw_<prefix>_<secret>``: ``prefix`` is 12 hex digits, stored in clear as the lookup
id; ``secret`` is 32 random bytes, URL-safe base64. Storage keeps only the SHA-256 of the whole
token: the secret has 256 bits of entropy, so a fast hash is enough (no password stretching is
needed, as for GitHub's tokens), and the comparison is constant-time. A token is shown once, when
it is made.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from storage.enums import TokenScope
from storage.models import ApiToken, ApiTokenCreate
from storage.queries import create_api_token, find_api_token

TOKEN_PREFIX = "cw"  # noqa: S105 - the public marker every token starts with
PREFIX_HEX = 12
SECRET_BYTES = 32
MAX_TOKEN_LENGTH = 100
_DUMMY_HASH = hashlib.sha256(b"cohortwatch: no such token").hexdigest()


@dataclass(frozen=True)
class NewToken:
    """A freshly made token: the text to hand out once, and what storage keeps."""

    text: str
    prefix: str
    token_hash: str


@dataclass(frozen=True)
class Principal:
    """Who a request is: the token's id, name and scopes."""

    token_id: int
    name: str
    scopes: frozenset[TokenScope]

    def allows(self, scope: TokenScope) -> bool:
        """``admin`` allows everything; otherwise the scope must be granted."""
        return TokenScope.ADMIN in self.scopes or scope in self.scopes


def hash_token(text: str) -> str:
    """The SHA-256 (hex) of a token, as stored."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def new_token() -> NewToken:
    """A new random token."""
    prefix = secrets.token_hex(PREFIX_HEX // 2)
    text = f"{TOKEN_PREFIX}_{prefix}_{secrets.token_urlsafe(SECRET_BYTES)}"
    return NewToken(text=text, prefix=prefix, token_hash=hash_token(text))


def issue_token(
    *,
    session: Session,
    name: str,
    scopes: list[TokenScope],
    now: datetime,
    expires_at: datetime | None = None,
) -> tuple[NewToken, ApiToken]:
    """Make a token and store its hash; the caller shows ``NewToken.text`` once."""
    token = new_token()
    row = create_api_token(
        session=session,
        token_in=ApiTokenCreate(
            name=name,
            scopes=sorted(set(scopes)),
            expires_at=expires_at,
            prefix=token.prefix,
            token_hash=token.token_hash,
        ),
        now=now,
    )
    return token, row


def token_prefix(text: str) -> str | None:
    """The lookup prefix of a well-formed token, else None."""
    if len(text) > MAX_TOKEN_LENGTH:
        return None
    parts = text.split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX or not parts[2]:
        return None
    prefix = parts[1]
    if len(prefix) != PREFIX_HEX or any(c not in "0123456789abcdef" for c in prefix):
        return None
    return prefix


def check_token(*, session: Session, text: str, now: datetime) -> ApiToken | None:
    """The active token ``text`` is, or None (unknown, wrong secret, revoked or expired).

    The hash comparison runs (against a dummy) even when the prefix is unknown, and in
    constant time.
    """
    prefix = token_prefix(text)
    row = find_api_token(session=session, prefix=prefix) if prefix is not None else None
    expected = row.token_hash if row is not None else _DUMMY_HASH
    matches = hmac.compare_digest(hash_token(text), expected)
    if row is None or not matches or not row.is_active(now):
        return None
    return row


def principal_of(token: ApiToken) -> Principal:
    """The principal a stored token stands for."""
    assert token.id is not None
    return Principal(
        token_id=token.id, name=token.name, scopes=frozenset(TokenScope(s) for s in token.scopes)
    )
