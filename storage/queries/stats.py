"""Whole-database figures for the dashboard and ``cohortwatch db status``."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, select

from storage.models import metadata


def count_rows(*, session: Session) -> dict[str, int]:
    """Number of rows in every table, keyed by table name."""
    counts: dict[str, int] = {}
    for table in metadata.sorted_tables:
        counts[table.name] = int(session.exec(select(func.count()).select_from(table)).one())
    return counts
