"""The ``app_user`` table: dashboard users, their role, and hashes of their secrets.

The table is called ``app_user`` because ``user`` is reserved in PostgreSQL. Storage only keeps
hashes; hashing passwords and API tokens is the dashboard's job. ``UserPublic`` never carries
them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, StringConstraints
from sqlalchemy import String
from sqlmodel import Field

from storage.enums import UserRole
from storage.models.base import StorageModel, UTCTimestamp
from storage.types import StrEnumType, UTCDateTime, utc_now

Email = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=320, pattern=r"^[^@\s]+@[^@\s]+$"),
    AfterValidator(str.lower),
]


class UserBase(StorageModel):
    email: Email = Field(sa_type=String(320), unique=True)
    name: Annotated[str, StringConstraints(max_length=200)] = Field(sa_type=String(200))
    role: UserRole = Field(default=UserRole.VIEWER, sa_type=StrEnumType(UserRole))
    active: bool = True


class UserCreate(UserBase):
    """A new user; the caller hashes the password / token before storing."""

    password_hash: str | None = None
    api_token_hash: str | None = None


class User(UserBase, table=True):
    """A dashboard user."""

    __tablename__ = "app_user"

    id: int | None = Field(default=None, primary_key=True)
    password_hash: str | None = Field(default=None, sa_type=String(255))
    api_token_hash: str | None = Field(default=None, sa_type=String(255), unique=True)
    created_at: UTCTimestamp = Field(default_factory=utc_now, sa_type=UTCDateTime)


class UserPublic(UserBase):
    id: int
    created_at: datetime
