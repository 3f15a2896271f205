"""Fixtures for storage tests: every database test runs on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from storage import queries
from storage.db import make_engine
from storage.models import Listing, ListingCreate, Source, metadata

T0 = datetime(2026, 4, 20, 9, 0, tzinfo=UTC)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database: a SQLite file in tmp_path, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'db' / 'cohortwatch.db'}"
    return str(request.getfixturevalue("pg_database"))


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """An engine on ``db_url`` with every table created from the models."""
    engine = make_engine(db_url)
    metadata.create_all(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as session:
        yield session


@pytest.fixture
def source(session: Session) -> Source:
    return queries.get_or_create_source(
        session=session,
        slug="demo-market",
        name="Demo Market",
        kind="marketplace",
        base_url="http://127.0.0.1:8000/",
    )


@pytest.fixture
def make_listing(session: Session, source: Source) -> Callable[..., Listing]:
    """Upsert a listing of ``source``; keyword arguments override the defaults."""

    def make(*, now: datetime = T0, **fields: Any) -> Listing:
        data: dict[str, Any] = {
            "source_id": source.id,
            "url": "http://127.0.0.1:8000/item/1",
            "title": "UK Biobank full dataset 500k participants",
            "price_text": "¥ 2000",
        } | fields
        listing, _ = queries.upsert_listing(
            session=session, listing_in=ListingCreate.model_validate(data), now=now
        )
        return listing

    return make


@pytest.fixture
def listing(make_listing: Callable[..., Listing]) -> Listing:
    return make_listing()
