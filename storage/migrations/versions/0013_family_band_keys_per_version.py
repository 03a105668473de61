"""The LSH band keys move from one row per key (``family_bands``) to one row per version.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02

0005 kept each of a version's 32 band keys as a row of ``family_bands``, so
that a lookup was an indexed IN over its primary key. Inserting 32 rows at
random places in that B-tree, and the lookup, cost about half a millisecond
of CPU per version on SQLite (``bench.family_bench``). Candidates are now
looked up in memory (``storage.band_index``) and the keys are kept as one
column of the version's ``family_signatures`` row, ``band_keys``: its keys
sorted, each a little-endian signed 64-bit integer.

Existing rows are converted: each version's band rows become its blob, in
batches, then ``family_bands`` goes. ``downgrade`` makes the rows again.
"""

from array import array
from itertools import groupby
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: Union[str, Sequence[str], None] = "0012"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

_BATCH = 5000


def _packed(keys: list[int]) -> bytes:
    packed = array("q", sorted(keys))
    if packed.itemsize != 8:
        raise RuntimeError("this platform has no 8-byte array('q')")
    if array("H", [1]).tobytes() != b"\x01\x00":  # keep the stored form little-endian on any machine
        packed.byteswap()
    return packed.tobytes()


def upgrade() -> None:
    bind = op.get_bind()
    op.add_column("family_signatures", sa.Column("band_keys", sa.LargeBinary(), nullable=True))
    rows = bind.execute(sa.text("SELECT version_id, band_key FROM family_bands ORDER BY version_id, band_key"))
    update = sa.text("UPDATE family_signatures SET band_keys = :keys WHERE version_id = :version_id")
    batch: list[dict] = []
    for version_id, keyed in groupby(rows, key=lambda row: row[0]):
        batch.append({"version_id": version_id, "keys": _packed([row[1] for row in keyed])})
        if len(batch) >= _BATCH:
            bind.execute(update, batch)
            batch = []
    if batch:
        bind.execute(update, batch)
    # 0005 wrote a signature and its band rows in one transaction, so none lacks
    # them; should one, it goes (its version keeps its family, but is no longer a candidate).
    op.execute("DELETE FROM family_signatures WHERE band_keys IS NULL")
    with op.batch_alter_table("family_signatures") as batch_op:
        batch_op.alter_column("band_keys", existing_type=sa.LargeBinary(), nullable=False)
    op.drop_table("family_bands")


def downgrade() -> None:
    bind = op.get_bind()
    op.create_table(
        "family_bands",
        sa.Column("band_key", sa.BigInteger(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["version_id"], ["versions.id"]),
        sa.PrimaryKeyConstraint("band_key", "version_id"),
        sqlite_with_rowid=False,
    )
    insert = sa.text("INSERT INTO family_bands (band_key, version_id) VALUES (:key, :version_id)")
    rows = bind.execute(sa.text("SELECT version_id, band_keys FROM family_signatures")).all()
    batch: list[dict] = []
    for version_id, blob in rows:
        keys = array("q", bytes(blob))
        if array("H", [1]).tobytes() != b"\x01\x00":
            keys.byteswap()
        batch.extend({"key": key, "version_id": version_id} for key in keys)
        if len(batch) >= _BATCH * 32:
            bind.execute(insert, batch)
            batch = []
    if batch:
        bind.execute(insert, batch)
    with op.batch_alter_table("family_signatures") as batch_op:
        batch_op.drop_column("band_keys")
