"""Alembic migration environment and scripts of the storage package."""
