"""Alembic environment of CohortWatch; all configuration lives in :mod:`storage.migrate`.

Alembic runs this file; it never touches logging (the CLI owns logging) and needs no
``alembic.ini``. :func:`storage.migrate.run_environment` reads the connection (or URL) that
``storage.migrate`` put into ``config.attributes``.
"""

from __future__ import annotations

from alembic import context

from storage.migrate import run_environment

run_environment(context)
