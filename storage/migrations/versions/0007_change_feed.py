"""The change feed and the latest_versions view.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02

``changes``: one row per version recorded and per document that went gone
(or came back live), filled by triggers on ``versions`` (after insert) and
``documents`` (after an update of ``status``), so it is written in the same
transaction as the change, by every writer. On PostgreSQL each row carries
the writing transaction's id (``pg_current_xact_id()``): `storage.change_feed`
reads only rows of transactions older than every transaction still running,
which is what makes the feed gap-free although sequence values commit out of
order. Existing versions and gone marks are copied in (txid 0), oldest first,
so a reader starting from the beginning gets the whole archive.

``latest_versions``: a read-only view, one row per document with its newest
version, for tools that read the database directly. Its columns are listed
here, not taken from the models: a view is a contract with those tools, and
a later column joins it through a later migration.

A SQLite table rebuilt by a later migration (``batch_alter_table`` on
``versions`` or ``documents``) loses its triggers, and must create them again:
`create_triggers` here is what to call.
"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: Union[str, Sequence[str], None] = "0006"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

_SQLITE_TRIGGERS = (
    """
    CREATE TRIGGER changes_of_versions AFTER INSERT ON versions
    BEGIN
        INSERT INTO changes (txid, kind, document_id, version_id, changed_at)
        VALUES (0, 'version', NEW.document_id, NEW.id, NEW.first_seen);
    END
    """,
    """
    CREATE TRIGGER changes_of_documents AFTER UPDATE OF status ON documents
    WHEN OLD.status IS NOT NEW.status
    BEGIN
        INSERT INTO changes (txid, kind, document_id, version_id, changed_at)
        VALUES (0, NEW.status, NEW.id, NULL, COALESCE(NEW.gone_at, NEW.last_seen));
    END
    """,
)

# xid8 has no cast to bigint; through text it is exact (a 64-bit counter that never wraps).
_POSTGRESQL_TRIGGERS = (
    """
    CREATE FUNCTION changes_of_versions() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO changes (txid, kind, document_id, version_id, changed_at)
        VALUES (pg_current_xact_id()::text::bigint, 'version', NEW.document_id, NEW.id, NEW.first_seen);
        RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER changes_of_versions AFTER INSERT ON versions
    FOR EACH ROW EXECUTE FUNCTION changes_of_versions()
    """,
    """
    CREATE FUNCTION changes_of_documents() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO changes (txid, kind, document_id, version_id, changed_at)
        VALUES (pg_current_xact_id()::text::bigint, NEW.status, NEW.id, NULL, COALESCE(NEW.gone_at, NEW.last_seen));
        RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER changes_of_documents AFTER UPDATE OF status ON documents
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status) EXECUTE FUNCTION changes_of_documents()
    """,
)

_BACKFILL = """
    INSERT INTO changes (txid, kind, document_id, version_id, changed_at)
    SELECT 0, kind, document_id, version_id, changed_at FROM (
        SELECT 'version' AS kind, document_id, id AS version_id, first_seen AS changed_at, id AS tie
        FROM versions
        UNION ALL
        SELECT 'gone', id, NULL, COALESCE(gone_at, last_seen), id FROM documents WHERE status = 'gone'
    ) AS past
    ORDER BY changed_at, kind DESC, tie
"""

_LATEST_VERSIONS = """
    CREATE VIEW latest_versions AS
    SELECT
        d.id AS document_id, d.url, d.source, d.status, d.gone_at,
        original.url AS duplicate_of,
        d.first_seen AS document_first_seen, d.last_seen AS document_last_seen,
        v.id AS version_id, v.number AS version,
        v.title, v.published, v.origin, v.author, v.editor, v.doc_number, v.text,
        v.text_sha256, v.reason, v.extractor_version, v.encoding, v.encoding_reason,
        v.first_seen, v.last_seen, v.capture_id
    FROM documents AS d
    JOIN versions AS v ON v.document_id = d.id
        AND v.number = (SELECT MAX(number) FROM versions WHERE versions.document_id = d.id)
    LEFT JOIN documents AS original ON original.id = d.duplicate_of_id
"""


def create_triggers() -> None:
    """The triggers that feed ``changes``, for the database's dialect."""
    dialect = op.get_bind().dialect.name
    for statement in _POSTGRESQL_TRIGGERS if dialect == "postgresql" else _SQLITE_TRIGGERS:
        op.execute(statement)


def upgrade() -> None:
    op.create_table(
        "changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("txid", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=True),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"]),
        sa.ForeignKeyConstraint(["version_id"], ["versions.id"]),
        sa.PrimaryKeyConstraint("id"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_changes_feed_order", "changes", ["txid", "id"], unique=False)
    op.execute(_BACKFILL)
    create_triggers()
    op.execute(_LATEST_VERSIONS)


def downgrade() -> None:
    op.execute("DROP VIEW latest_versions")
    op.execute("DROP TRIGGER changes_of_versions" + (" ON versions" if _is_postgresql() else ""))
    op.execute("DROP TRIGGER changes_of_documents" + (" ON documents" if _is_postgresql() else ""))
    if _is_postgresql():
        op.execute("DROP FUNCTION changes_of_versions()")
        op.execute("DROP FUNCTION changes_of_documents()")
    op.drop_index("ix_changes_feed_order", table_name="changes")
    op.drop_table("changes")


def _is_postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"
