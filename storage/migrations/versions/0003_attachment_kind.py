"""Attachment kind: ``attachment.kind`` tells a listing's files (``file``) from its product images
(``image``); rows that exist already are files.

Generated with ``storage.migrate.make_revision`` against a SQLite database at 0002. Adding the
column is a plain ``ALTER TABLE ... ADD COLUMN`` on both backends; dropping it rebuilds the table
on SQLite (batch mode).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add ``attachment.kind`` (``file`` for every existing row)."""
    with op.batch_alter_table("attachment", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=32), server_default="file", nullable=False)
        )


def downgrade() -> None:
    """Drop ``attachment.kind`` (image rows stay, as plain attachments)."""
    with op.batch_alter_table("attachment", schema=None) as batch_op:
        batch_op.drop_column("kind")
