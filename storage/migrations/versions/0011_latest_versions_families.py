"""The latest_versions view gains the columns added since it was made: empty_reason, family_id, canonical_url.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02

The view is a contract with tools that read the database directly (0007), so
its columns are listed here rather than taken from the models, and existing
columns keep their names and order; the new ones come last. A tool can now
tell an article page stored without text (``empty_reason``, 0006) and find
the family of copies a version belongs to and that family's canonical copy
(``family_id``, ``canonical_url``, 0005).
"""

from typing import Sequence, Union

from alembic import op

revision: str = "0011"
down_revision: Union[str, Sequence[str], None] = "0010"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

_COLUMNS_OF_0007 = """
        d.id AS document_id, d.url, d.source, d.status, d.gone_at,
        original.url AS duplicate_of,
        d.first_seen AS document_first_seen, d.last_seen AS document_last_seen,
        v.id AS version_id, v.number AS version,
        v.title, v.published, v.origin, v.author, v.editor, v.doc_number, v.text,
        v.text_sha256, v.reason, v.extractor_version, v.encoding, v.encoding_reason,
        v.first_seen, v.last_seen, v.capture_id"""

_LATEST_OF_EACH_DOCUMENT = """
    FROM documents AS d
    JOIN versions AS v ON v.document_id = d.id
        AND v.number = (SELECT MAX(number) FROM versions WHERE versions.document_id = d.id)
    LEFT JOIN documents AS original ON original.id = d.duplicate_of_id"""

_WITH_FAMILIES = f"""
    CREATE VIEW latest_versions AS
    SELECT{_COLUMNS_OF_0007},
        v.empty_reason, v.family_id, canonical_document.url AS canonical_url
    {_LATEST_OF_EACH_DOCUMENT}
    LEFT JOIN families AS f ON f.id = v.family_id
    LEFT JOIN versions AS canonical_version ON canonical_version.id = f.canonical_version_id
    LEFT JOIN documents AS canonical_document ON canonical_document.id = canonical_version.document_id
"""

_AS_IN_0007 = f"""
    CREATE VIEW latest_versions AS
    SELECT{_COLUMNS_OF_0007}
    {_LATEST_OF_EACH_DOCUMENT}
"""


def upgrade() -> None:
    op.execute("DROP VIEW latest_versions")
    op.execute(_WITH_FAMILIES)


def downgrade() -> None:
    op.execute("DROP VIEW latest_versions")
    op.execute(_AS_IN_0007)
