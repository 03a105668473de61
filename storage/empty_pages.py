"""Article pages stored without text: the documents whose latest version is flagged empty.

A page that matches a source's article_urls always becomes a document
(`storage.versions.VersionStore.record`). When no article text could be
found in it, its version has text "" and ``empty_reason`` says why. These
functions list such documents (``dangan empty``) and count them per source
(``dangan status``), so an operator sees what the rules missed, and can run
``dangan reprocess`` once they improve.

Example:
    >>> from core.article import Article
    >>> from storage.versions import PageRecord, VersionStore
    >>> _ = VersionStore(db).record(PageRecord(url="http://www.gov.cn/b.htm", source="gov", capture_id=None,
    ...     seen_at=datetime(2026, 11, 2), article=Article(title="公告", text=""), text_sha256="0" * 64,
    ...     extractor_version="zh-4", empty_reason="the page holds no article text"))
    >>> [(page.url, page.title, page.reason) for page in empty_pages(db)]
    [('http://www.gov.cn/b.htm', '公告', 'the page holds no article text')]
    >>> empty_counts(db)
    {'gov': 1}
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from storage.database import Database
from storage.models import Document, Version


@dataclass(frozen=True)
class EmptyPage:
    """A document whose latest version has no text: where, since when, and why."""

    url: str
    source: str
    title: str | None
    version: int
    first_seen: datetime
    last_seen: datetime
    reason: str

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready values; times in ISO form, UTC."""
        return {
            "url": self.url, "source": self.source, "title": self.title, "version": self.version,
            "first_seen": _iso(self.first_seen), "last_seen": _iso(self.last_seen), "reason": self.reason,
        }


def _latest_numbers():
    return (
        select(Version.document_id, func.max(Version.number).label("number"))
        .group_by(Version.document_id)
        .subquery()
    )


def empty_pages(db: Database, source: str | None = None) -> list[EmptyPage]:
    """The documents (of `source`, or all) whose latest version is empty, oldest first."""
    latest = _latest_numbers()
    query = (
        select(Document.url, Document.source, Version.title, Version.number, Version.first_seen,
               Version.last_seen, Version.empty_reason)
        .join(Version, Version.document_id == Document.id)
        .join(latest, (latest.c.document_id == Version.document_id) & (latest.c.number == Version.number))
        .where(Version.empty_reason.is_not(None))
        .order_by(Version.first_seen, Document.id)
    )
    if source is not None:
        query = query.where(Document.source == source)
    with db.session() as session:
        return [EmptyPage(*row) for row in session.execute(query)]


def empty_counts(db: Database) -> dict[str, int]:
    """How many documents of each source have an empty latest version (sources with none left out)."""
    latest = _latest_numbers()
    query = (
        select(Document.source, func.count())
        .join(Version, Version.document_id == Document.id)
        .join(latest, (latest.c.document_id == Version.document_id) & (latest.c.number == Version.number))
        .where(Version.empty_reason.is_not(None))
        .group_by(Document.source)
    )
    with db.session() as session:
        return {source: count for source, count in session.execute(query)}


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds") + "Z"
