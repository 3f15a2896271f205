"""The ``api_token`` table: API tokens for the dashboard, the JSON API and the scan endpoint.

A token is shown once when it is created; storage keeps only its ``prefix`` (a public lookup id
that is part of the token) and the SHA-256 of the whole token. Making and checking tokens is the
dashboard's job. A revoked token keeps its row (``revoked_at`` set) so the audit trail survives;
names are unique among active tokens only (checked by :mod:`storage.queries.tokens`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import StringConstraints
from sqlalchemy import JSON, String
from sqlmodel import Field

from storage.enums import TokenScope
from storage.models.base import SHA256_LENGTH, Sha256, StorageModel, UTCTimestamp
from storage.types import UTCDateTime, utc_now

PREFIX_LENGTH = 16
TokenName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")]
TokenPrefix = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{8,16}$")]


class ApiTokenBase(StorageModel):
    name: TokenName = Field(sa_type=String(100), index=True)
    expires_at: UTCTimestamp | None = Field(default=None, sa_type=UTCDateTime)


class ApiTokenCreate(ApiTokenBase):
    """A new token as the caller made it: its lookup prefix and the SHA-256 of the token."""

    scopes: list[TokenScope]
    prefix: TokenPrefix
    token_hash: Sha256


class ApiToken(ApiTokenBase, table=True):
    """An API token: who (``name``) may do what (``scopes``), until when, last used when."""

    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    scopes: list[str] = Field(sa_type=JSON)  # TokenScope values
    prefix: str = Field(sa_type=String(PREFIX_LENGTH), unique=True)
    token_hash: str = Field(sa_type=String(SHA256_LENGTH))
    created_at: UTCTimestamp = Field(default_factory=utc_now, sa_type=UTCDateTime)
    last_used_at: UTCTimestamp | None = Field(default=None, sa_type=UTCDateTime)
    revoked_at: UTCTimestamp | None = Field(default=None, sa_type=UTCDateTime)

    def is_active(self, now: datetime) -> bool:
        """Neither revoked nor expired at ``now``."""
        return self.revoked_at is None and (self.expires_at is None or now < self.expires_at)


class ApiTokenPublic(ApiTokenBase):
    """What ``token list`` shows: never the hash."""

    id: int
    scopes: list[TokenScope]
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None
