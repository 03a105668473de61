"""Runs count the responses that are not web pages apart from their errors.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02

A PNG, PDF or archive served as ``text/html`` at an article URL is archived
as received and never made a version (`pipeline.sniff`). It used to be
counted among the run's ``errors``, beside timeouts and pages that failed to
process, so an operator could not tell a site attaching files under its
article URLs from a site in trouble. ``crawl_runs.not_html`` counts them on
their own; rows from before this revision have 0 (their not-HTML pages stay
within their errors).
"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: Union[str, Sequence[str], None] = "0011"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.add_column("crawl_runs", sa.Column("not_html", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    # As in 0002: on SQLite the column stays, unused, rather than rebuild a table others point at.
    if op.get_bind().dialect.name != "sqlite":
        op.drop_column("crawl_runs", "not_html")
