"""The change feed also carries an empty version whose text was found later.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02

An article page with no text that could be found is stored as an empty
version (0006); when ``dangan reprocess`` finds its text, it fills that
version in place rather than adding one. The feed had reported the empty
version and nothing after it, so a tool never learned the text had arrived.
Now an update that changes a version's ``text_sha256`` adds a ``version``
change too: the tool reads the version again, with its text.
"""

from typing import Sequence, Union

from alembic import op

revision: str = "0010"
down_revision: Union[str, Sequence[str], None] = "0009"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

_SQLITE = (
    """
    CREATE TRIGGER changes_of_filled_versions AFTER UPDATE OF text_sha256 ON versions
    WHEN OLD.text_sha256 IS NOT NEW.text_sha256
    BEGIN
        INSERT INTO changes (kind, document_id, version_id, changed_at)
        VALUES ('version', NEW.document_id, NEW.id, NEW.last_seen);
    END
    """,
)

_POSTGRESQL = (
    """
    CREATE FUNCTION changes_of_filled_versions() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO changes (kind, document_id, version_id, changed_at)
        VALUES ('version', NEW.document_id, NEW.id, NEW.last_seen);
        RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER changes_of_filled_versions AFTER UPDATE OF text_sha256 ON versions
    FOR EACH ROW WHEN (OLD.text_sha256 IS DISTINCT FROM NEW.text_sha256)
    EXECUTE FUNCTION changes_of_filled_versions()
    """,
)


def upgrade() -> None:
    for statement in _POSTGRESQL if op.get_bind().dialect.name == "postgresql" else _SQLITE:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER changes_of_filled_versions ON versions")
        op.execute("DROP FUNCTION changes_of_filled_versions()")
    else:
        op.execute("DROP TRIGGER changes_of_filled_versions")
