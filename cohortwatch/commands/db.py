"""``cohortwatch db``: create or upgrade the database schema, show its revision."""

from __future__ import annotations

import click

from cohortwatch.settings import Settings


def _settings() -> Settings:
    return click.get_current_context().find_root().obj.settings


def _reachable_database_url() -> str:
    """The configured database URL, after checking that the database answers."""
    from storage.db import check_connection, make_engine

    url = _settings().resolved_database_url()
    engine = make_engine(url)
    try:
        check_connection(engine)
    finally:
        engine.dispose()
    return url


@click.group()
def db() -> None:
    """Manage the database schema (SQLite by default, PostgreSQL via COHORTWATCH_DATABASE_URL).

    Example:

        cohortwatch db upgrade
    """


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True, help="Alembic revision to reach.")
def db_upgrade(revision: str) -> None:
    """Create the tables or migrate them to the newest schema.

    Example:

        COHORTWATCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1/cohortwatch cohortwatch db upgrade
    """
    from cohortwatch.wiring import ensure_data_dir
    from storage.migrate import current_revision, upgrade

    ensure_data_dir(_settings())
    url = _reachable_database_url()
    upgrade(url, revision)
    click.echo(f"database at revision {current_revision(url)}")


@db.command("current")
def db_current() -> None:
    """Print the schema revision the database is at.

    Example:

        cohortwatch db current
    """
    from storage.migrate import current_revision

    url = _reachable_database_url()
    click.echo(current_revision(url) or "empty (run: cohortwatch db upgrade)")


def register(group: click.Group) -> None:
    group.add_command(db)
