"""Bringing a store from before display texts over: versions that still hold the comparison form.

Before schema revision 0004 a version's ``text`` was its normalised form
(migration 0004 marks those rows ``text_form = "normalized"``). ``dangan
reprocess`` gives each one its display text back from the capture it was
made from: the capture is processed again and, if today's rules find the
same words (the same ``text_sha256``), the display text replaces the stored
one. Nothing else changes: same version, same hash, same times. A capture
whose words come out differently today leaves its version as it is.

Example, on a store with nothing to bring over:
    >>> versions_in_comparison_form(db)
    []
"""

from __future__ import annotations

from sqlalchemy import select, update

from storage.database import Database
from storage.models import Capture, Document, Version

#: `Version.text_form` values (see migration 0004).
DISPLAY = "display"
COMPARISON_FORM = "normalized"


def versions_in_comparison_form(db: Database, source: str | None = None) -> list[tuple[int, Capture]]:
    """(version id, the capture it was made from) of each version still holding the comparison form."""
    query = (
        select(Version.id, Capture)
        .join(Document, Document.id == Version.document_id)
        .join(Capture, Capture.id == Version.capture_id)
        .where(Version.text_form == COMPARISON_FORM)
        .order_by(Version.id)
    )
    if source is not None:
        query = query.where(Document.source == source)
    with db.session() as session:
        return [(version_id, capture) for version_id, capture in session.execute(query)]


def restore_display_text(db: Database, version_id: int, text: str, text_sha256: str) -> bool:
    """Store `text` as the display text of version `version_id` if it has the same hash; True if it did.

    Only a version still in the comparison form is changed, so running this
    twice, or after a crawl already restored it, changes nothing.
    """
    with db.session(write=True) as session:
        changed = session.execute(
            update(Version)
            .where(Version.id == version_id, Version.text_form == COMPARISON_FORM,
                   Version.text_sha256 == text_sha256)
            .values(text=text, text_form=DISPLAY)
        ).rowcount
        session.commit()
    return bool(changed)
