"""Helpers shared by the query modules: row lookup, race-safe insert, paging, error mapping."""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session
from sqlmodel.sql.expression import SelectOfScalar

from storage.db import constraint_error
from storage.errors import RecordNotFoundError
from storage.models import StorageModel

RowT = TypeVar("RowT", bound=StorageModel)
MAX_PAGE = 1000


def get_or_raise(session: Session, model: type[RowT], row_id: int) -> RowT:
    """The row of ``model`` with primary key ``row_id``, or :class:`RecordNotFoundError`."""
    row = session.get(model, row_id)
    if row is None:
        raise RecordNotFoundError(f"no {model.__tablename__} with id {row_id}")
    return row


def insert_unique(session: Session, row: RowT, lookup: SelectOfScalar[RowT]) -> tuple[RowT, bool]:
    """Insert ``row`` in a SAVEPOINT; on a clash return the row ``lookup`` finds instead."""
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError as exc:
        existing = session.exec(lookup).first()
        if existing is None:
            raise constraint_error(exc) from exc
        return existing, False
    return row, True


def flush(session: Session) -> None:
    """Flush pending writes, mapping constraint failures to storage errors."""
    try:
        session.flush()
    except IntegrityError as exc:
        raise constraint_error(exc) from exc


def check_page(limit: int, offset: int = 0) -> tuple[int, int]:
    """Validate a page request (``1 <= limit <= MAX_PAGE``, ``offset >= 0``)."""
    if not 1 <= limit <= MAX_PAGE:
        raise ValueError(f"limit must be between 1 and {MAX_PAGE}, got {limit}")
    if offset < 0:
        raise ValueError(f"offset must be >= 0, got {offset}")
    return limit, offset


def cap(text: str | None, limit: int) -> str | None:
    """Truncate ``text`` to ``limit`` characters (None stays None)."""
    return None if text is None else text[:limit]
