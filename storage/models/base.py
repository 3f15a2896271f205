"""The declarative base of every CohortWatch table, and the field types the models share.

All tables live in one private ``MetaData`` (not SQLModel's global one) with a naming
convention, so constraint names are stable across SQLite and PostgreSQL and Alembic batch
migrations can find them. Annotated aliases below validate on the ``...Create`` models:
``UTCTimestamp`` refuses naive datetimes, ``Sha256`` wants 64 lowercase hex digits, and
``capped(n)`` silently truncates free text from the web to ``n`` characters.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, StringConstraints
from sqlalchemy import MetaData
from sqlalchemy.orm import registry
from sqlmodel import SQLModel

from storage.types import require_aware

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_N_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)

URL_LENGTH = 2048
SHA256_LENGTH = 64


class StorageModel(SQLModel, registry=registry(metadata=metadata)):
    """Base of every storage model; tables declared on it land in :data:`metadata`."""


def _truncate(limit: int) -> Callable[[str], str]:
    def truncate(value: str) -> str:
        return value if len(value) <= limit else value[:limit]

    return truncate


def capped(limit: int) -> AfterValidator:
    """A validator that truncates a string to ``limit`` characters (for untrusted web text)."""
    return AfterValidator(_truncate(limit))


def _to_utc(value: datetime) -> datetime:
    return require_aware(value)


UTCTimestamp = Annotated[datetime, AfterValidator(_to_utc)]
Sha256 = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
Url = Annotated[str, StringConstraints(min_length=1, max_length=URL_LENGTH)]
