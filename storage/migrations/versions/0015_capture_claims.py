"""Processing anywhere: a capture can be claimed by one processor for a while, and a run counts what it left.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02

`dangan process` runs on any machine that reaches the store: processors
claim unprocessed captures (``claimed_by``: which processor, ``claimed_until``:
when the claim lapses unless renewed) so that each capture is processed
once, and the claims of a processor that was killed come back to the others
when they lapse (`storage.capture_claims`). A crawl that processes its pages
itself writes its captures claimed by it. A crawl that leaves processing to
`dangan process` counts those captures in ``left_for_processing``. Rows from
before this revision are unclaimed, which is what they were.
"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: Union[str, Sequence[str], None] = "0014"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.add_column("captures", sa.Column("claimed_by", sa.String(length=200), nullable=True))
    op.add_column("captures", sa.Column("claimed_until", sa.DateTime(), nullable=True))
    op.add_column(
        "crawl_runs", sa.Column("left_for_processing", sa.Integer(), nullable=False, server_default="0")
    )


def downgrade() -> None:
    # As in 0002: on SQLite the columns stay, unused, rather than rebuild a table others point at.
    if op.get_bind().dialect.name != "sqlite":
        op.drop_column("crawl_runs", "left_for_processing")
        op.drop_column("captures", "claimed_until")
        op.drop_column("captures", "claimed_by")
