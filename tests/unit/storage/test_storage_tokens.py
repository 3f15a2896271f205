"""API token rows on SQLite and PostgreSQL: names unique among active tokens, revocation keeps
the row, expiry, throttled last-used, and nothing but a hash is stored."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pydantic import ValidationError
from sqlmodel import Session

from storage import queries
from storage.errors import ConstraintViolationError, RecordNotFoundError
from storage.models import ApiTokenCreate, TokenScope
from tests.unit.storage.conftest import T0


def token_in(name: str, prefix: str, *scopes: TokenScope, **extra: object) -> ApiTokenCreate:
    return ApiTokenCreate.model_validate(
        {
            "name": name,
            "scopes": list(scopes) or [TokenScope.READ],
            "prefix": prefix,
            "token_hash": prefix[0] * 64,
        }
        | extra
    )


def test_create_find_and_list(session: Session) -> None:
    made = queries.create_api_token(
        session=session, token_in=token_in("gateway", "0123456789ab", TokenScope.SCAN), now=T0
    )
    session.commit()
    found = queries.find_api_token(session=session, prefix="0123456789ab")
    assert found is not None and found.id == made.id
    assert found.scopes == ["scan"] and found.created_at == T0 and found.last_used_at is None
    assert queries.find_api_token(session=session, prefix="ffffffffffff") is None
    assert [t.name for t in queries.list_api_tokens(session=session, now=T0)] == ["gateway"]


def test_names_are_unique_among_active_tokens_only(session: Session) -> None:
    queries.create_api_token(session=session, token_in=token_in("me", "aaaaaaaaaaaa"), now=T0)
    with pytest.raises(ConstraintViolationError, match="active token named 'me'"):
        queries.create_api_token(session=session, token_in=token_in("me", "bbbbbbbbbbbb"), now=T0)
    revoked = queries.revoke_api_token(session=session, name="me", now=T0 + timedelta(hours=1))
    assert [t.prefix for t in revoked] == ["aaaaaaaaaaaa"]
    later = T0 + timedelta(hours=2)
    queries.create_api_token(session=session, token_in=token_in("me", "cccccccccccc"), now=later)
    session.commit()
    active = queries.list_api_tokens(session=session, now=later)
    every = queries.list_api_tokens(session=session, now=later, include_inactive=True)
    assert [t.prefix for t in active] == ["cccccccccccc"]
    assert [t.prefix for t in every] == ["aaaaaaaaaaaa", "cccccccccccc"]
    with pytest.raises(RecordNotFoundError):
        queries.revoke_api_token(session=session, name="nobody", now=later)


def test_expiry(session: Session) -> None:
    row = queries.create_api_token(
        session=session,
        token_in=token_in("temp", "dddddddddddd", expires_at=T0 + timedelta(days=1)),
        now=T0,
    )
    assert row.is_active(T0) and not row.is_active(T0 + timedelta(days=1))
    assert queries.list_api_tokens(session=session, now=T0 + timedelta(days=2)) == []


def test_last_used_is_written_at_most_once_a_minute(session: Session) -> None:
    row = queries.create_api_token(session=session, token_in=token_in("u", "eeeeeeeeeeee"), now=T0)
    assert row.id is not None
    assert queries.touch_api_token(session=session, token_id=row.id, now=T0) is True
    assert (
        queries.touch_api_token(session=session, token_id=row.id, now=T0 + timedelta(seconds=30))
        is False
    )
    assert (
        queries.touch_api_token(session=session, token_id=row.id, now=T0 + timedelta(minutes=2))
        is True
    )
    session.commit()
    assert row.last_used_at == T0 + timedelta(minutes=2)


@pytest.mark.parametrize(
    "bad",
    [{"name": "has space"}, {"name": ""}, {"prefix": "XYZ"}, {"token_hash": "abc"},
     {"scopes": ["root"]}],
)  # fmt: skip
def test_bad_tokens_are_refused(bad: dict[str, object]) -> None:
    data = {"name": "ok", "scopes": ["read"], "prefix": "0123456789ab", "token_hash": "a" * 64}
    with pytest.raises(ValidationError):
        ApiTokenCreate.model_validate(data | bad)
