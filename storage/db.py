"""Engines and sessions: the one place SQLAlchemy connection errors become ``StorageError`` s.

``make_engine`` builds an engine tuned per backend. SQLite gets its parent directory created,
WAL journaling, ``foreign_keys=ON``, a busy timeout, and SQLAlchemy-issued ``BEGIN IMMEDIATE``
so transactions and SAVEPOINTs behave as on PostgreSQL (the sqlite3 driver's legacy mode skips
``BEGIN`` before SELECT and SAVEPOINT) and concurrent writers queue instead of failing.
PostgreSQL URLs without a driver get psycopg 3 (the only driver installed), a connect timeout
and ``pool_pre_ping``.

``session_scope`` commits on success, rolls back on error, always closes, and maps SQLAlchemy's
``OperationalError`` / ``IntegrityError`` to :class:`DatabaseUnavailableError` /
:class:`ConstraintViolationError`. Messages name the host or file, never the password.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, IntegrityError, NoSuchModuleError, OperationalError
from sqlmodel import Session

from storage.errors import ConstraintViolationError, DatabaseConfigError, DatabaseUnavailableError

log = logging.getLogger(__name__)

SQLITE_BUSY_TIMEOUT_MS = 5000
POSTGRES_CONNECT_TIMEOUT_S = 10


def parse_url(url: str | URL) -> URL:
    """Parse a SQLAlchemy URL; plain ``postgresql://`` is given the psycopg 3 driver."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise DatabaseConfigError(
            "malformed database URL (expected e.g. sqlite:///path.db)"
        ) from exc
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def describe_url(url: str | URL) -> str:
    """A one-line, password-free description of where a URL points."""
    parsed = parse_url(url)
    if parsed.get_backend_name() == "sqlite":
        return f"SQLite database {parsed.database or ':memory:'}"
    host = parsed.host or "localhost"
    port = f":{parsed.port}" if parsed.port else ""
    return f"{parsed.get_backend_name()} database {parsed.database or ''} at {host}{port}"


def make_engine(url: str | URL, *, sqlite_foreign_keys: bool = True) -> Engine:
    """Create an engine for ``url`` (SQLite file or PostgreSQL), tuned as the module describes.

    ``sqlite_foreign_keys=False`` is for migrations only (table rebuilds need it off).
    """
    parsed = parse_url(url)
    backend = parsed.get_backend_name()
    try:
        if backend == "sqlite":
            return _make_sqlite_engine(parsed, foreign_keys=sqlite_foreign_keys)
        if backend == "postgresql":
            connect_args = {"connect_timeout": POSTGRES_CONNECT_TIMEOUT_S}
            return create_engine(parsed, pool_pre_ping=True, connect_args=connect_args)
        return create_engine(parsed, pool_pre_ping=True)
    except (NoSuchModuleError, ImportError) as exc:
        raise DatabaseConfigError(
            f"no installed driver for {parsed.drivername!r} ({describe_url(parsed)})"
        ) from exc


def _make_sqlite_engine(url: URL, *, foreign_keys: bool) -> Engine:
    database = url.database
    if database and database != ":memory:" and not database.startswith("file:"):
        try:
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DatabaseUnavailableError(
                f"cannot create the directory of SQLite database {database}: {exc.strerror}"
            ) from exc
    engine = create_engine(url)
    in_memory = not database or database == ":memory:"

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, connection_record: Any) -> None:
        # Take BEGIN away from the sqlite3 driver; SQLAlchemy emits it in _on_begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            if not in_memory:
                cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # IMMEDIATE takes the write lock up front (waiting up to busy_timeout). A deferred
        # transaction that reads, then writes after another writer committed, fails at once
        # with "database is locked" (SQLITE_BUSY_SNAPSHOT) and no wait.
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def unavailable_error(
    engine_or_url: Engine | str | URL, exc: Exception
) -> DatabaseUnavailableError:
    """Build the one-line error for an unreachable database, scrubbed of any password."""
    url = engine_or_url.url if isinstance(engine_or_url, Engine) else parse_url(engine_or_url)
    reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    first = reason[0] if reason else type(exc).__name__
    if url.password:
        first = first.replace(str(url.password), "***")
    return DatabaseUnavailableError(f"cannot use {describe_url(url)}: {first}")


def check_connection(engine: Engine) -> None:
    """Run ``SELECT 1``; raise :class:`DatabaseUnavailableError` if the database is unreachable."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except OperationalError as exc:
        raise unavailable_error(engine, exc) from exc


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session that commits on success and rolls back on error.

    Objects stay usable after the block (``expire_on_commit=False``), so callers may return
    rows out of it. Errors raised by the block itself pass through unchanged, except SQLAlchemy
    ``OperationalError`` / ``IntegrityError`` which are mapped to storage errors.
    """
    session = Session(engine, expire_on_commit=False)
    try:
        yield session
        session.commit()
    except OperationalError as exc:
        session.rollback()
        raise unavailable_error(engine, exc) from exc
    except IntegrityError as exc:
        session.rollback()
        raise constraint_error(exc) from exc
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def constraint_error(exc: IntegrityError) -> ConstraintViolationError:
    """Build the one-line error for a constraint failure (the first line names the constraint;
    PostgreSQL's DETAIL line, which quotes the values, is left out)."""
    lines = str(exc.orig).strip().splitlines()
    return ConstraintViolationError(
        f"database constraint violated: {lines[0] if lines else type(exc).__name__}"
    )
