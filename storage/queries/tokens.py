"""Queries for API tokens: create (name unique among active tokens), find by prefix, list,
revoke by name, and record use.

Storage never sees a token, only its prefix and hash (see :mod:`storage.models.tokens`).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from storage.errors import ConstraintViolationError, RecordNotFoundError
from storage.models import ApiToken, ApiTokenCreate
from storage.queries._common import flush, get_or_raise
from storage.types import require_aware


def list_api_tokens(
    *, session: Session, now: datetime, include_inactive: bool = False
) -> list[ApiToken]:
    """Tokens by name then age; revoked and expired ones only when asked."""
    now = require_aware(now)
    stmt = select(ApiToken).order_by(col(ApiToken.name), col(ApiToken.id))
    tokens = list(session.exec(stmt).all())
    return tokens if include_inactive else [t for t in tokens if t.is_active(now)]


def create_api_token(*, session: Session, token_in: ApiTokenCreate, now: datetime) -> ApiToken:
    """Store a new token; refuses a name that an active token already has."""
    now = require_aware(now)
    taken = [
        t
        for t in session.exec(select(ApiToken).where(ApiToken.name == token_in.name)).all()
        if t.is_active(now)
    ]
    if taken:
        raise ConstraintViolationError(
            f"an active token named {token_in.name!r} exists (revoke it first)"
        )
    scopes = [str(scope.value) for scope in token_in.scopes]
    token = ApiToken.model_validate(token_in.model_dump() | {"scopes": scopes, "created_at": now})
    session.add(token)
    flush(session)
    return token


def find_api_token(*, session: Session, prefix: str) -> ApiToken | None:
    """The token whose lookup prefix is ``prefix`` (active or not), or None."""
    return session.exec(select(ApiToken).where(ApiToken.prefix == prefix)).first()


def revoke_api_token(*, session: Session, name: str, now: datetime) -> list[ApiToken]:
    """Revoke every active token called ``name``; RecordNotFoundError when there is none."""
    now = require_aware(now)
    tokens = [
        t
        for t in session.exec(select(ApiToken).where(ApiToken.name == name)).all()
        if t.is_active(now)
    ]
    if not tokens:
        raise RecordNotFoundError(f"no active token named {name!r}")
    for token in tokens:
        token.revoked_at = now
    flush(session)
    return tokens


def touch_api_token(
    *, session: Session, token_id: int, now: datetime, every: timedelta = timedelta(minutes=1)
) -> bool:
    """Record that the token was used at ``now``, at most once per ``every``; True if written."""
    now = require_aware(now)
    token = get_or_raise(session, ApiToken, token_id)
    if token.last_used_at is not None and now - token.last_used_at < every:
        return False
    token.last_used_at = now
    flush(session)
    return True
