"""Families of near-duplicate texts: the family of each version, signatures and LSH band keys.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02

New tables ``families`` (each with its canonical version),
``family_signatures`` (a version's MinHash signature) and ``family_bands``
(its LSH band keys, the persisted index: a lookup is an indexed IN over the
primary key), and a nullable ``versions.family_id``. Versions recorded
before this have no family until ``dangan reprocess`` (or a recrawl that
processes them) records their signature.

On SQLite the foreign key of the new column is declared inline in ADD
COLUMN, as in 0003; ``family_bands`` is a WITHOUT ROWID table there.
"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: Union[str, Sequence[str], None] = "0004"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "families",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("canonical_version_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["canonical_version_id"], ["versions.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "family_signatures",
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("signature", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["version_id"], ["versions.id"]),
        sa.PrimaryKeyConstraint("version_id"),
    )
    op.create_table(
        "family_bands",
        sa.Column("band_key", sa.BigInteger(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["version_id"], ["versions.id"]),
        sa.PrimaryKeyConstraint("band_key", "version_id"),
        sqlite_with_rowid=False,
    )
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "ALTER TABLE versions ADD COLUMN family_id INTEGER "
            "CONSTRAINT fk_versions_family_id REFERENCES families (id)"
        )
    else:
        op.add_column("versions", sa.Column("family_id", sa.Integer(), nullable=True))
        op.create_foreign_key("fk_versions_family_id", "versions", "families", ["family_id"], ["id"])
    op.create_index("ix_versions_family_id", "versions", ["family_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_versions_family_id", table_name="versions")
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table("versions") as batch:
            batch.drop_column("family_id")
    else:
        op.drop_constraint("fk_versions_family_id", "versions", type_="foreignkey")
        op.drop_column("versions", "family_id")
    op.drop_table("family_bands")
    op.drop_table("family_signatures")
    op.drop_table("families")
