"""Tell a live crawl from a dead one: the host and pid of a run, and its heartbeat.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02

A crawl writes ``heartbeat_at`` every ``DANGAN_RUN_HEARTBEAT_INTERVAL``
seconds while it runs. A second crawl of the same source refuses to start
while the first is alive, and marks it interrupted only when it is dead: its
process is gone (same host) or its heartbeat is stale (any host, which is
what a PostgreSQL store shared between machines needs). Rows from before
this revision have no heartbeat and count as dead, as they did.
"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: Union[str, Sequence[str], None] = "0007"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.add_column("crawl_runs", sa.Column("host", sa.String(length=255), nullable=True))
    op.add_column("crawl_runs", sa.Column("pid", sa.Integer(), nullable=True))
    op.add_column("crawl_runs", sa.Column("heartbeat_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    # As in 0002: on SQLite the columns stay, unused, rather than rebuild a table others point at.
    if op.get_bind().dialect.name != "sqlite":
        for column in ("heartbeat_at", "pid", "host"):
            op.drop_column("crawl_runs", column)
