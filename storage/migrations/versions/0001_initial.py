"""The first schema: crawl runs, captures, documents and versions.

Revision ID: 0001
Revises:
Create Date: 2024-06-01

Written by hand from an autogenerate run, then ordered so PostgreSQL can
create it: captures and versions point at each other, so the key from
captures.version_id to versions is added once both tables exist. SQLite does
not check references at CREATE time and cannot add a key later, so there it
is declared inline.
"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: Union[str, Sequence[str], None] = None
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    inline_version_key = op.get_bind().dialect.name == "sqlite"

    op.create_table(
        "crawl_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("pages_fetched", sa.Integer(), nullable=False),
        sa.Column("new_documents", sa.Integer(), nullable=False),
        sa.Column("new_versions", sa.Integer(), nullable=False),
        sa.Column("unchanged", sa.Integer(), nullable=False),
        sa.Column("duplicates", sa.Integer(), nullable=False),
        sa.Column("errors", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_crawl_runs_source"), "crawl_runs", ["source"], unique=False)

    op.create_table(
        "documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("first_seen", sa.DateTime(), nullable=False),
        sa.Column("last_seen", sa.DateTime(), nullable=False),
        sa.Column("gone_at", sa.DateTime(), nullable=True),
        sa.Column("duplicate_of_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["duplicate_of_id"], ["documents.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("url"),
    )
    op.create_index(op.f("ix_documents_source"), "documents", ["source"], unique=False)

    capture_keys = [
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"]),
        sa.ForeignKeyConstraint(["run_id"], ["crawl_runs.id"]),
    ]
    if inline_version_key:
        capture_keys.append(
            sa.ForeignKeyConstraint(["version_id"], ["versions.id"], name="fk_captures_version_id")
        )
    op.create_table(
        "captures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=False),
        sa.Column("content_type", sa.String(length=200), nullable=True),
        sa.Column("fetched_at", sa.DateTime(), nullable=False),
        sa.Column("warc_file", sa.String(length=500), nullable=False),
        sa.Column("warc_offset", sa.BigInteger(), nullable=False),
        sa.Column("warc_length", sa.BigInteger(), nullable=False),
        sa.Column("warc_record_id", sa.String(length=100), nullable=False),
        sa.Column("payload_sha256", sa.String(length=64), nullable=False),
        sa.Column("processed_at", sa.DateTime(), nullable=True),
        sa.Column("process_error", sa.Text(), nullable=True),
        sa.Column("document_id", sa.Integer(), nullable=True),
        sa.Column("version_id", sa.Integer(), nullable=True),
        *capture_keys,
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("warc_file", "warc_offset", name="uq_capture_location"),
        sa.UniqueConstraint("warc_record_id"),
    )
    op.create_index(op.f("ix_captures_document_id"), "captures", ["document_id"], unique=False)
    op.create_index(op.f("ix_captures_fetched_at"), "captures", ["fetched_at"], unique=False)
    op.create_index(op.f("ix_captures_payload_sha256"), "captures", ["payload_sha256"], unique=False)
    op.create_index(op.f("ix_captures_processed_at"), "captures", ["processed_at"], unique=False)
    op.create_index(op.f("ix_captures_run_id"), "captures", ["run_id"], unique=False)
    op.create_index(op.f("ix_captures_source"), "captures", ["source"], unique=False)

    op.create_table(
        "versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("capture_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("published", sa.String(length=32), nullable=True),
        sa.Column("origin", sa.Text(), nullable=True),
        sa.Column("author", sa.Text(), nullable=True),
        sa.Column("editor", sa.Text(), nullable=True),
        sa.Column("doc_number", sa.Text(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("text_sha256", sa.String(length=64), nullable=False),
        sa.Column("encoding", sa.String(length=40), nullable=True),
        sa.Column("encoding_reason", sa.String(length=200), nullable=True),
        sa.Column("extractor_version", sa.String(length=40), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("first_seen", sa.DateTime(), nullable=False),
        sa.Column("last_seen", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["capture_id"], ["captures.id"]),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("document_id", "number", name="uq_version_number"),
    )
    op.create_index(op.f("ix_versions_document_id"), "versions", ["document_id"], unique=False)
    op.create_index("ix_versions_text_sha256", "versions", ["text_sha256"], unique=False)

    if not inline_version_key:
        op.create_foreign_key(
            "fk_captures_version_id", "captures", "versions", ["version_id"], ["id"]
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint("fk_captures_version_id", "captures", type_="foreignkey")
    op.drop_table("versions")
    op.drop_table("captures")
    op.drop_table("documents")
    op.drop_table("crawl_runs")
