"""Runs an operator can read: trigger, outcome and reason, and the 304 and gone counts.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02

``status`` becomes ``outcome``, and a run that "finished" is now "ok": a crawl
that fetched nothing because every request failed is recorded as "failed"
from this revision on, so "finished" no longer says enough. Existing rows keep
their meaning (running and interrupted are unchanged). New columns get server
defaults so rows already there are filled in: every earlier run was started
by hand (there was no scheduler), and counted no 304s and no gone pages in
its row.

Plain ALTER TABLE statements, which SQLite (3.25 and later) and PostgreSQL
both run in place: no batch table rebuild, which on SQLite would have to
drop crawl_runs while captures point at it.
"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: Union[str, Sequence[str], None] = "0001"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.alter_column("crawl_runs", "status", new_column_name="outcome", existing_type=sa.String(length=20))
    op.execute("UPDATE crawl_runs SET outcome = 'ok' WHERE outcome = 'finished'")
    op.add_column("crawl_runs", sa.Column("trigger", sa.String(length=20), nullable=False, server_default="manual"))
    op.add_column("crawl_runs", sa.Column("reason", sa.Text(), nullable=True))
    op.add_column("crawl_runs", sa.Column("not_modified", sa.Integer(), nullable=False, server_default="0"))
    op.add_column("crawl_runs", sa.Column("gone", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    # SQLite before 3.35 cannot drop a column, and batch mode would rebuild a
    # table captures point at: on SQLite the new columns stay, unused.
    if op.get_bind().dialect.name != "sqlite":
        for column in ("gone", "not_modified", "reason", "trigger"):
            op.drop_column("crawl_runs", column)
    # The old schema knew no "ok", "failed" or "skipped": each becomes the nearest old word.
    op.execute("UPDATE crawl_runs SET outcome = 'finished' WHERE outcome IN ('ok', 'failed', 'skipped')")
    op.alter_column("crawl_runs", "outcome", new_column_name="status", existing_type=sa.String(length=20))
