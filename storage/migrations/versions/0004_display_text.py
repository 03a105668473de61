"""Versions keep the text as a reader sees it; say which rows still hold the comparison form.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02

Until now a version's ``text`` was the normalised form that versioning
compares (spaces between Chinese words dropped, so "联系人：王建平 电话：…"
was stored as "联系人：王建平电话：…"). From now on it is the display text, and
only its hash (``text_sha256``, unchanged in meaning) is of the normalised
form. The new column ``text_form`` says which a row holds: "display" for
versions recorded from now on, "normalized" for every row already there.
`dangan reprocess` (or the next crawl that sees the same text) replaces a
"normalized" text with the display text of the same words, keeping its hash.
"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: Union[str, Sequence[str], None] = "0003"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.add_column(
        "versions", sa.Column("text_form", sa.String(length=12), nullable=False, server_default="display")
    )
    op.execute("UPDATE versions SET text_form = 'normalized'")


def downgrade() -> None:
    with op.batch_alter_table("versions") as batch:
        batch.drop_column("text_form")
