"""Alembic migrations on SQLite and PostgreSQL: head equals the models, round trips, no logging."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from storage import migrate
from storage.db import make_engine
from storage.errors import MigrationError
from storage.models import metadata


def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_upgrade_to_head_produces_exactly_the_models_schema(db_url: str) -> None:
    assert migrate.current_revision(db_url) is None
    migrate.upgrade(db_url)
    assert migrate.current_revision(db_url) == migrate.head_revision()
    assert migrate.schema_diff(db_url) == []
    assert _tables(db_url) == set(metadata.tables) | {"alembic_version"}


def test_upgrade_is_idempotent_and_downgrade_to_base_drops_everything(db_url: str) -> None:
    migrate.upgrade(db_url)
    migrate.upgrade(db_url)
    migrate.downgrade(db_url, "base")
    assert migrate.current_revision(db_url) is None
    assert _tables(db_url) == {"alembic_version"}
    migrate.upgrade(db_url)
    assert migrate.schema_diff(db_url) == []


def test_schema_diff_notices_drift(db_url: str) -> None:
    """The comparison is not vacuous: a missing index and a missing table both show up."""
    migrate.upgrade(db_url)
    engine = make_engine(db_url)
    try:
        with engine.begin() as connection:
            connection.execute(text("DROP INDEX ix_listing_status"))
            connection.execute(text("DROP TABLE alert_event"))
    finally:
        engine.dispose()
    kinds = {diff[0] for diff in migrate.schema_diff(db_url) if isinstance(diff, tuple)}
    assert {"add_index", "add_table"} <= kinds


def test_unknown_revision_is_a_migration_error(db_url: str) -> None:
    with pytest.raises(MigrationError, match="nope"):
        migrate.upgrade(db_url, "nope")


def test_migrations_leave_logging_alone(db_url: str) -> None:
    """The CLI owns logging: no fileConfig, no disabled loggers, no new root handlers."""
    probe = logging.getLogger("cohortwatch.test.probe")
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    migrate.upgrade(db_url)
    assert probe.disabled is False
    assert root.handlers == handlers
    assert root.level == level


def test_scripts_are_standalone_and_need_no_ini() -> None:
    versions = Path(migrate.SCRIPT_LOCATION) / "versions"
    scripts = sorted(versions.glob("[0-9]*.py"))
    assert scripts, "no migration scripts shipped"
    for script in scripts:
        source = script.read_text()
        assert "storage.types" not in source and "sqlmodel" not in source
    assert not list(Path(migrate.SCRIPT_LOCATION).glob("*.ini"))
    assert migrate.head_revision() == "0003"
