"""Fixtures shared by every test package.

PostgreSQL (tests marked ``postgres``):

- ``postgres_url`` (session): URL of a throwaway database ``cw_test_<hex>`` created for this test
  session on the server named by ``COHORTWATCH_TEST_POSTGRES_URL`` (default
  ``postgresql+psycopg://postgres@127.0.0.1:5432/test``) and dropped at the end.
- ``pg_database`` (per test): URL of a fresh, empty schema inside that database (its
  ``search_path`` is set in the URL), dropped after the test. Use it when a test creates tables.

If the server cannot be reached the tests are skipped with the reason, or fail when the ``CI``
environment variable is set (so CI never silently skips them).
"""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import NullPool

DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def _server_url() -> URL:
    url = make_url(os.environ.get("COHORTWATCH_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL))
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    return url


def _autocommit_engine(url: URL) -> Engine:
    return create_engine(
        url, isolation_level="AUTOCOMMIT", poolclass=NullPool, connect_args={"connect_timeout": 5}
    )


def _postgres_unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"PostgreSQL is required in CI: {reason}", pytrace=False)
    pytest.skip(f"PostgreSQL not available: {reason}")


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A throwaway PostgreSQL database for this test session (skips if unreachable)."""
    server = _server_url()
    name = f"cw_test_{uuid.uuid4().hex[:12]}"
    admin = _autocommit_engine(server)
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as exc:
        admin.dispose()
        first_line = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        _postgres_unavailable(f"{server.host}:{server.port or 5432}: {first_line}")
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def pg_database(postgres_url: str) -> Iterator[str]:
    """A fresh empty schema in the session's database, as a URL whose search_path points at it."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    url = make_url(postgres_url)
    admin = _autocommit_engine(url)
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        scoped = url.update_query_dict({"options": f"-csearch_path={schema}"})
        yield scoped.render_as_string(hide_password=False)
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    finally:
        admin.dispose()


@pytest.fixture(autouse=True)
def _kernel_warm_up_ends_with_its_test() -> Iterator[None]:
    """Wait for the numba kernels' background load (:func:`matcher.prf.start_warm_up`) when a test
    started it, so it never runs into the next test: numba loads inside
    ``warnings.catch_warnings()``, which is not thread-safe, and restoring the filters from another
    thread can undo an "ignore" that the next test's code set (the likely cause of one CI failure,
    a FastAPI route's creation failing on a warning FastAPI itself silences)."""
    yield
    prf = sys.modules.get("matcher.prf")  # only when a test imported it
    if prf is not None:
        prf.wait_warm_up()
