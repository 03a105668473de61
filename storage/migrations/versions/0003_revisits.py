"""Recrawls: the validators a capture carried, and captures that are revisits.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02

New nullable columns on captures: ``etag`` and ``last_modified`` (sent back
as If-None-Match / If-Modified-Since on the next crawl), ``revisit`` (the
revisit profile, for a capture kept as a WARC revisit record) and
``refers_to_id`` (the capture whose response record holds the payload).

SQLite cannot add a foreign key with ALTER, and rebuilding the captures table
in batch mode would have to drop a table the versions table points at, so on
SQLite the key is declared inline in ADD COLUMN, which SQLite allows for a
column whose default is NULL.
"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: Union[str, Sequence[str], None] = "0002"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.add_column("captures", sa.Column("etag", sa.Text(), nullable=True))
    op.add_column("captures", sa.Column("last_modified", sa.String(length=100), nullable=True))
    op.add_column("captures", sa.Column("revisit", sa.String(length=40), nullable=True))
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "ALTER TABLE captures ADD COLUMN refers_to_id INTEGER "
            "CONSTRAINT fk_captures_refers_to_id REFERENCES captures (id)"
        )
    else:
        op.add_column("captures", sa.Column("refers_to_id", sa.Integer(), nullable=True))
        op.create_foreign_key("fk_captures_refers_to_id", "captures", "captures", ["refers_to_id"], ["id"])


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        # SQLite (3.35+) drops a column only when no constraint names it; rebuild instead.
        with op.batch_alter_table("captures") as batch:
            batch.drop_column("refers_to_id")
            batch.drop_column("revisit")
            batch.drop_column("last_modified")
            batch.drop_column("etag")
        return
    op.drop_constraint("fk_captures_refers_to_id", "captures", type_="foreignkey")
    op.drop_column("captures", "refers_to_id")
    op.drop_column("captures", "revisit")
    op.drop_column("captures", "last_modified")
    op.drop_column("captures", "etag")
