"""The change feed's order is given at commit: ``changes.position``.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02

0007 ordered the feed on PostgreSQL by the writing transaction's id and let a
reader go only as far as the oldest transaction still running on the server.
That is gap-free, but any long write transaction anywhere on the server, in
another database even (a bulk load, a long migration), held every reader
back for as long as it ran. Now each change gets its place in the feed when
its transaction commits: a deferred trigger takes the next number from the
one-row table ``change_clock``, whose row lock it holds until the commit is
done. So numbers are handed out in commit order: a reader that sees number N
committed knows every number below N is committed (or was rolled back and is
never used), and reads by number with no horizon at all. Writers that record
a change queue only for each other's commit, never for their whole
transaction, and no lock is taken after that one (no deadlock can form).

On SQLite one writer commits at a time, so the row id is the commit order;
``position`` is set to it (and ``change_clock`` kept equal).

Existing rows keep their order: position follows (txid, id). The txid column
and its index go.
"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: Union[str, Sequence[str], None] = "0008"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

_SQLITE = (
    "DROP TRIGGER changes_of_versions",
    "DROP TRIGGER changes_of_documents",
    """
    CREATE TRIGGER changes_of_versions AFTER INSERT ON versions
    BEGIN
        INSERT INTO changes (kind, document_id, version_id, changed_at)
        VALUES ('version', NEW.document_id, NEW.id, NEW.first_seen);
    END
    """,
    """
    CREATE TRIGGER changes_of_documents AFTER UPDATE OF status ON documents
    WHEN OLD.status IS NOT NEW.status
    BEGIN
        INSERT INTO changes (kind, document_id, version_id, changed_at)
        VALUES (NEW.status, NEW.id, NULL, COALESCE(NEW.gone_at, NEW.last_seen));
    END
    """,
    # One writer at a time: the id is already the commit order. The clock is
    # kept too, so it says the same on both databases.
    """
    CREATE TRIGGER changes_position AFTER INSERT ON changes
    BEGIN
        UPDATE changes SET position = NEW.id WHERE id = NEW.id;
        UPDATE change_clock SET last_position = NEW.id;
    END
    """,
)

_POSTGRESQL = (
    """
    CREATE OR REPLACE FUNCTION changes_of_versions() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO changes (kind, document_id, version_id, changed_at)
        VALUES ('version', NEW.document_id, NEW.id, NEW.first_seen);
        RETURN NULL;
    END $$
    """,
    """
    CREATE OR REPLACE FUNCTION changes_of_documents() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO changes (kind, document_id, version_id, changed_at)
        VALUES (NEW.status, NEW.id, NULL, COALESCE(NEW.gone_at, NEW.last_seen));
        RETURN NULL;
    END $$
    """,
    # Runs at COMMIT, after every statement of the transaction. The UPDATE
    # locks the clock's row until the commit has completed, so the next
    # transaction's numbers come after this one's are visible.
    """
    CREATE FUNCTION changes_position() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        next_position bigint;
    BEGIN
        UPDATE change_clock SET last_position = last_position + 1 RETURNING last_position INTO next_position;
        UPDATE changes SET position = next_position WHERE id = NEW.id;
        RETURN NULL;
    END $$
    """,
    """
    CREATE CONSTRAINT TRIGGER changes_position AFTER INSERT ON changes
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION changes_position()
    """,
)


def upgrade() -> None:
    op.create_table(
        "change_clock",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("last_position", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.add_column("changes", sa.Column("position", sa.BigInteger(), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "UPDATE changes SET position = ordered.n FROM (SELECT id, row_number() OVER (ORDER BY txid, id) AS n"
            " FROM changes) AS ordered WHERE changes.id = ordered.id"
        )
    else:
        op.execute("UPDATE changes SET position = id")  # txid is 0 on SQLite: (txid, id) order is id order
    op.execute("INSERT INTO change_clock (id, last_position) SELECT 1, COALESCE(MAX(position), 0) FROM changes")
    op.drop_index("ix_changes_feed_order", table_name="changes")
    op.create_index("ix_changes_position", "changes", ["position"], unique=True)
    if op.get_bind().dialect.name == "postgresql":
        op.drop_column("changes", "txid")
        for statement in _POSTGRESQL:
            op.execute(statement)
    else:
        # The triggers name txid: drop them before the column, then make them anew.
        op.execute(_SQLITE[0])
        op.execute(_SQLITE[1])
        op.drop_column("changes", "txid")
        for statement in _SQLITE[2:]:
            op.execute(statement)


# 0007's triggers, which write txid, for a downgrade.
_SQLITE_0007 = (
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
_POSTGRESQL_0007 = (
    """
    CREATE OR REPLACE FUNCTION changes_of_versions() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO changes (txid, kind, document_id, version_id, changed_at)
        VALUES (pg_current_xact_id()::text::bigint, 'version', NEW.document_id, NEW.id, NEW.first_seen);
        RETURN NULL;
    END $$
    """,
    """
    CREATE OR REPLACE FUNCTION changes_of_documents() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO changes (txid, kind, document_id, version_id, changed_at)
        VALUES (pg_current_xact_id()::text::bigint, NEW.status, NEW.id, NULL, COALESCE(NEW.gone_at, NEW.last_seen));
        RETURN NULL;
    END $$
    """,
)


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    if postgresql:
        op.execute("DROP TRIGGER changes_position ON changes")
        op.execute("DROP FUNCTION changes_position()")
    else:
        for trigger in ("changes_position", "changes_of_versions", "changes_of_documents"):
            op.execute(f"DROP TRIGGER {trigger}")
    op.add_column("changes", sa.Column("txid", sa.BigInteger(), server_default="0", nullable=False))
    for statement in _POSTGRESQL_0007 if postgresql else _SQLITE_0007:
        op.execute(statement)
    op.drop_index("ix_changes_position", table_name="changes")
    op.create_index("ix_changes_feed_order", "changes", ["txid", "id"], unique=False)
    op.drop_column("changes", "position")
    op.drop_table("change_clock")
