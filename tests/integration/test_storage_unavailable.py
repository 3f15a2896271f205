"""An unreachable database becomes one clear DatabaseUnavailableError, never a traceback.

No server is needed: PostgreSQL is pointed at a port nothing listens on (bound, then closed).
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from storage import migrate, queries
from storage.db import check_connection, make_engine, session_scope
from storage.errors import DatabaseUnavailableError, StorageError

PASSWORD = "s3cret-Pa55"


@pytest.fixture
def dead_postgres_url() -> str:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"postgresql://cw:{PASSWORD}@127.0.0.1:{port}/cohortwatch"


@pytest.fixture
def dead_engine(dead_postgres_url: str) -> Iterator[Engine]:
    engine = make_engine(dead_postgres_url)
    yield engine
    engine.dispose()


def _assert_one_clean_line(error: StorageError, where: str) -> None:
    message = str(error)
    assert "\n" not in message
    assert where in message
    assert PASSWORD not in message


def test_check_connection_names_the_host_but_not_the_password(
    dead_engine: Engine, dead_postgres_url: str
) -> None:
    with pytest.raises(DatabaseUnavailableError) as caught:
        check_connection(dead_engine)
    port = dead_postgres_url.rsplit(":", 1)[1].split("/")[0]
    _assert_one_clean_line(caught.value, f"127.0.0.1:{port}")
    assert isinstance(caught.value, StorageError)


def test_sessions_map_the_failure_too(dead_engine: Engine) -> None:
    with pytest.raises(DatabaseUnavailableError) as caught, session_scope(dead_engine) as session:
        queries.list_alerts(session=session)
    _assert_one_clean_line(caught.value, "127.0.0.1")


def test_migrations_map_the_failure(dead_postgres_url: str) -> None:
    for call in (
        lambda: migrate.upgrade(dead_postgres_url),
        lambda: migrate.current_revision(dead_postgres_url),
        lambda: migrate.schema_diff(dead_postgres_url),
    ):
        with pytest.raises(DatabaseUnavailableError) as caught:
            call()
        _assert_one_clean_line(caught.value, "127.0.0.1")


def test_an_unopenable_sqlite_file_is_unavailable(tmp_path: Path) -> None:
    directory = tmp_path / "a-directory.db"
    directory.mkdir()
    engine = make_engine(f"sqlite:///{directory}")
    try:
        with pytest.raises(DatabaseUnavailableError) as caught:
            check_connection(engine)
    finally:
        engine.dispose()
    _assert_one_clean_line(caught.value, str(directory))
