"""No page dropped: versions flagged empty, with the reason, and the runs' count of them.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02

An article page with no text that could be found (extraction found none, or
the bytes could not be decoded) used to leave only a failed capture: the page
never became a document. From this revision on it is stored as a version with
an empty text and ``empty_reason`` saying why; ``dangan reprocess`` fills it in
when the rules improve. ``crawl_runs.empty`` counts such pages per run.

Captures that failed this way before the upgrade keep their ``process_error``
and belong to no document; ``dangan reprocess`` picks them up (it runs every
failed capture of no document) and records them the new way.
"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: Union[str, Sequence[str], None] = "0005"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.add_column("versions", sa.Column("empty_reason", sa.Text(), nullable=True))
    op.add_column("crawl_runs", sa.Column("empty", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    # As in 0002: on SQLite the columns stay, unused, rather than rebuild tables others point at.
    if op.get_bind().dialect.name != "sqlite":
        op.drop_column("crawl_runs", "empty")
        op.drop_column("versions", "empty_reason")
