"""Column types shared by every table: aware UTC datetimes and string-stored enums.

``UTCDateTime`` keeps timestamps honest on both databases. PostgreSQL stores ``timestamptz``;
SQLite has no timezone support, so values are converted to UTC, stored without an offset and
given ``tzinfo=UTC`` back on load. Naive datetimes are refused on write: a timestamp whose zone
is unknown is worthless as evidence.

``StrEnumType`` stores a ``StrEnum`` as a plain ``VARCHAR`` (no native database enum, so adding
a member never needs a migration) and loads it back as the enum member.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import types
from sqlalchemy.engine.interfaces import Dialect

from storage.errors import NaiveDatetimeError

ENUM_LENGTH = 32


def utc_now() -> datetime:
    """The current time as an aware UTC datetime (the default for ``created_at`` columns)."""
    return datetime.now(UTC)


def require_aware(value: datetime, *, name: str = "datetime") -> datetime:
    """Return ``value`` converted to UTC, or raise ``NaiveDatetimeError`` if it has no zone."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise NaiveDatetimeError(
            f"{name} must be timezone-aware (use datetime.now(UTC)), got naive {value!r}"
        )
    return value.astimezone(UTC)


class UTCDateTime(types.TypeDecorator[datetime]):
    """A ``DateTime(timezone=True)`` that only accepts and only returns aware UTC datetimes."""

    impl = types.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError(f"UTCDateTime expects a datetime, got {type(value).__name__}")
        utc_value = require_aware(value, name="UTCDateTime value")
        if dialect.name == "sqlite":
            return utc_value.replace(tzinfo=None)
        return utc_value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class StrEnumType(types.TypeDecorator[StrEnum]):
    """A ``StrEnum`` stored as ``VARCHAR(length)``; unknown values are refused both ways."""

    impl = types.String(ENUM_LENGTH)
    cache_ok = True

    def __init__(self, enum_class: type[StrEnum], length: int = ENUM_LENGTH) -> None:
        super().__init__(length)
        self.enum_class = enum_class
        self.length = length
        longest = max(len(member.value) for member in enum_class)
        if longest > length:
            raise ValueError(f"{enum_class.__name__} has a value longer than {length} characters")

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return self.enum_class(value).value

    def process_result_value(self, value: Any, dialect: Dialect) -> StrEnum | None:
        if value is None:
            return None
        return self.enum_class(value)

    def copy(self, **kw: Any) -> StrEnumType:
        return StrEnumType(self.enum_class, self.length)

    def __repr__(self) -> str:
        return f"StrEnumType({self.enum_class.__name__}, {self.length})"
