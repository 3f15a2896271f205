"""Engine and session helpers: SQLite tuning, URL handling, error mapping, savepoint upserts."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session, select

from storage.db import check_connection, describe_url, make_engine, parse_url, session_scope
from storage.enums import SourceKind
from storage.errors import (
    ConstraintViolationError,
    DatabaseConfigError,
    DatabaseUnavailableError,
    StorageError,
)
from storage.models import Listing, ListingCreate, Source, metadata
from storage.queries._common import insert_unique

T0 = datetime(2026, 4, 20, 9, 0, tzinfo=UTC)


def test_sqlite_engine_creates_its_directory_and_is_tuned(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "er" / "cw.db"
    engine = make_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as connection:
            pragma = {
                name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()
                for name in ("journal_mode", "foreign_keys", "busy_timeout")
            }
    finally:
        engine.dispose()
    assert path.parent.is_dir()
    assert pragma == {"journal_mode": "wal", "foreign_keys": 1, "busy_timeout": 5000}


def test_sqlite_directory_that_cannot_be_created(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with pytest.raises(DatabaseUnavailableError, match="cannot create the directory"):
        make_engine(f"sqlite:///{blocker}/sub/cw.db")


def test_postgres_urls_get_the_psycopg_driver() -> None:
    assert parse_url("postgresql://u@h/db").drivername == "postgresql+psycopg"
    assert parse_url("postgres://u@h/db").drivername == "postgresql+psycopg"
    assert parse_url("postgresql+psycopg://u@h/db").drivername == "postgresql+psycopg"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("sqlite:////data/cw.db", "SQLite database /data/cw.db"),
        ("sqlite://", "SQLite database :memory:"),
        (
            "postgresql://cw:s3cret@db.internal:6543/cw",
            "postgresql database cw at db.internal:6543",
        ),
    ],
)
def test_describe_url_names_the_place_never_the_password(url: str, expected: str) -> None:
    assert describe_url(url) == expected
    assert "s3cret" not in describe_url(url)


@pytest.mark.parametrize("url", ["not a url", "nosuchdriver://x/y"])
def test_unusable_urls_raise_config_errors(url: str) -> None:
    with pytest.raises(DatabaseConfigError) as caught:
        make_engine(url)
    assert isinstance(caught.value, StorageError)


def test_check_connection_passes_on_a_live_database(engine: Engine) -> None:
    check_connection(engine)


def test_session_scope_commits_and_rolls_back(engine: Engine) -> None:
    with session_scope(engine) as session:
        session.add(Source(slug="a", name="A", kind=SourceKind.API, base_url="http://a/"))
    with pytest.raises(RuntimeError), session_scope(engine) as session:
        session.add(Source(slug="b", name="B", kind=SourceKind.API, base_url="http://b/"))
        session.flush()
        raise RuntimeError("caller failure passes through unchanged")
    with session_scope(engine) as session:
        slugs = session.exec(select(Source.slug)).all()
    assert slugs == ["a"]


def test_session_scope_objects_stay_usable_after_commit(engine: Engine) -> None:
    with session_scope(engine) as session:
        source = Source(slug="a", name="A", kind=SourceKind.API, base_url="http://a/")
        session.add(source)
    assert source.id is not None and source.name == "A"


def test_session_scope_maps_integrity_errors(engine: Engine) -> None:
    violation = pytest.raises(ConstraintViolationError, match="constraint violated")
    with violation as caught, session_scope(engine) as session:
        session.add(Source(slug="a", name="A", kind=SourceKind.API, base_url="http://a/"))
        session.add(Source(slug="a", name="A2", kind=SourceKind.API, base_url="http://a/"))
    assert "A2" not in str(caught.value)


def test_insert_unique_recovers_from_a_clash_inside_a_savepoint(engine: Engine) -> None:
    """The path a concurrent writer triggers: the outer transaction's work must survive."""
    with session_scope(engine) as session:
        source = Source(slug="a", name="A", kind=SourceKind.API, base_url="http://a/")
        session.add(source)
        session.flush()
        first = Listing.model_validate(
            ListingCreate(source_id=source.id or 0, url="http://a/1", title="first"),
            update={"first_seen_at": T0, "last_seen_at": T0},
        )
        session.add(first)
    with session_scope(engine) as session:
        other = Source(slug="b", name="B", kind=SourceKind.API, base_url="http://b/")
        session.add(other)  # work done before the clash, in the same transaction
        session.flush()
        clash = Listing.model_validate(
            ListingCreate(source_id=source.id or 0, url="http://a/1", title="second"),
            update={"first_seen_at": T0, "last_seen_at": T0},
        )
        lookup = select(Listing).where(Listing.url == "http://a/1")
        found, created = insert_unique(session, clash, lookup)
        assert created is False
        assert found.id == first.id and found.title == "first"
    with Session(engine) as session:
        assert sorted(session.exec(select(Source.slug)).all()) == ["a", "b"]
        assert len(session.exec(select(Listing)).all()) == 1


def test_raw_sql_sees_utc_text_on_sqlite(tmp_path: Path) -> None:
    """SQLite has no timestamp type: values are stored as sortable UTC text."""
    engine = make_engine(f"sqlite:///{tmp_path / 'cw.db'}")
    try:
        metadata.create_all(engine)
        with session_scope(engine) as session:
            session.add(
                Source(slug="a", name="A", kind=SourceKind.API, base_url="http://a/", created_at=T0)
            )
        with engine.connect() as connection:
            raw = connection.execute(text("SELECT created_at FROM source")).scalar()
    finally:
        engine.dispose()
    assert raw == "2026-04-20 09:00:00.000000"
