"""Runs of one source that share a Redis frontier: the frontier run each crawl is a worker of.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02

Crawls that share a source's frontier (``DANGAN_REDIS_URL``, ``dangan crawl
NAME --workers N``, or crawls on several machines) each keep a run row of
their own, tied by ``frontier``, the id of the frontier run they work on.
The live-run check lets a crawl start beside live runs of its own frontier
and refuses it beside any other. Rows without one are crawls with a
frontier of their own, as every crawl was before this revision.
"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: Union[str, Sequence[str], None] = "0013"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.add_column("crawl_runs", sa.Column("frontier", sa.String(length=64), nullable=True))


def downgrade() -> None:
    # As in 0002: on SQLite the column stays, unused, rather than rebuild a table others point at.
    if op.get_bind().dialect.name != "sqlite":
        op.drop_column("crawl_runs", "frontier")
