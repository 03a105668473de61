"""Reading the archive back: a document's versions, one version, a diff.

These are the read half of `VersionStore` (which calls them), kept apart
because they change for other reasons: what a user wants to see, not how
versions are decided. Every function takes the `Database` and a URL or filter
and returns plain values, detached from any session.

Example, after a page was recorded on 1 May and changed on 3 May:
    >>> from core.article import Article
    >>> from storage.versions import PageRecord, VersionStore
    >>> for day, text in ((1, "会议定于五月十日召开。"), (3, "会议改于五月十二日召开。")):
    ...     _ = VersionStore(db).record(PageRecord(url="http://www.gov.cn/a.htm", source="gov",
    ...         capture_id=None, seen_at=datetime(2024, 5, day), article=Article(title="通知", text=text),
    ...         text_sha256=str(day) * 64, extractor_version="zh-4"))
    >>> [v.number for v in history(db, "http://www.gov.cn/a.htm")]
    [1, 2]
    >>> found = diff(db, "http://www.gov.cn/a.htm")
    >>> found.labels()[1]
    'http://www.gov.cn/a.htm v2 (2024-05-03)'
    >>> [(segment.kind, segment.text) for segment in found.text.lines[0].new]
    [('equal', '会议'), ('insert', '改'), ('equal', '于五月十'), ('insert', '二'), ('equal', '日召开。')]
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.database import Database
from core.article import Article
from core.errors import DocumentNotFound, VersionNotFound
from core.text_diff import TextDiff, diff_texts
from storage.models import Capture, Document, Version


@dataclass(frozen=True)
class VersionSummary:
    """One line of a document's history. `capture_ids` are the captures that showed this version."""

    number: int
    first_seen: datetime
    last_seen: datetime
    text_sha256: str
    title: str | None
    reason: str
    extractor_version: str
    capture_ids: tuple[int, ...]


@dataclass(frozen=True)
class VersionDetail:
    """One version in full (its article: text and metadata), with the state of its document."""

    url: str
    source: str
    number: int
    article: Article
    text_sha256: str
    encoding: str | None
    encoding_reason: str | None
    extractor_version: str
    reason: str
    first_seen: datetime
    last_seen: datetime
    capture_id: int | None
    status: str
    duplicate_of: str | None
    version_numbers: tuple[int, ...]


def _document(session: Session, url: str) -> Document:
    document = session.scalar(select(Document).where(Document.url == url))
    if document is None:
        raise DocumentNotFound(
            f"No document is stored under {url}. URLs are stored in canonical form; "
            "`dangan export` lists what is stored."
        )
    return document


def _numbers(session: Session, document_id: int) -> list[int]:
    return list(session.scalars(
        select(Version.number).where(Version.document_id == document_id).order_by(Version.number)
    ))


def _pick(session: Session, document: Document, number: int | None) -> Version:
    query = select(Version).where(Version.document_id == document.id)
    if number is None:
        query = query.order_by(Version.number.desc()).limit(1)
    else:
        query = query.where(Version.number == number)
    version = session.scalar(query)
    if version is None:
        numbers = _numbers(session, document.id)
        raise VersionNotFound(
            f"{document.url} has no version {number}; it has version(s) "
            f"{', '.join(map(str, numbers)) or 'none'}."
        )
    return version


def history(db: Database, url: str) -> list[VersionSummary]:
    """Every version of the document at `url`, oldest first; DocumentNotFound if unknown."""
    with db.session() as session:
        document = _document(session, url)
        versions = list(session.scalars(
            select(Version).where(Version.document_id == document.id).order_by(Version.number)
        ))
        seen_by: dict[int, set[int]] = {v.id: ({v.capture_id} if v.capture_id else set()) for v in versions}
        for version_id, capture_id in session.execute(
            select(Capture.version_id, Capture.id).where(Capture.document_id == document.id)
        ):
            if version_id in seen_by:
                seen_by[version_id].add(capture_id)
        return [
            VersionSummary(
                number=v.number, first_seen=v.first_seen, last_seen=v.last_seen,
                text_sha256=v.text_sha256, title=v.title, reason=v.reason,
                extractor_version=v.extractor_version, capture_ids=tuple(sorted(seen_by[v.id])),
            )
            for v in versions
        ]


def show(db: Database, url: str, number: int | None = None) -> VersionDetail:
    """One version of `url` in full (the latest when `number` is None).

    Raises DocumentNotFound for an unknown URL, VersionNotFound naming the
    version numbers that do exist.
    """
    with db.session() as session:
        document = _document(session, url)
        chosen = _pick(session, document, number)
        original = document.duplicate_of.url if document.duplicate_of is not None else None
        return VersionDetail(
            url=document.url, source=document.source, number=chosen.number,
            article=Article.from_attributes(chosen), text_sha256=chosen.text_sha256, encoding=chosen.encoding,
            encoding_reason=chosen.encoding_reason, extractor_version=chosen.extractor_version,
            reason=chosen.reason, first_seen=chosen.first_seen, last_seen=chosen.last_seen,
            capture_id=chosen.capture_id, status=document.status, duplicate_of=original,
            version_numbers=tuple(_numbers(session, document.id)),
        )


@dataclass(frozen=True)
class VersionDiff:
    """Two versions of one document and what changed between them (`core.text_diff.TextDiff`).

    `older` and `newer` are (number, first seen) pairs, for labelling the two sides.
    """

    url: str
    older: tuple[int, datetime]
    newer: tuple[int, datetime]
    text: TextDiff

    def labels(self) -> tuple[str, str]:
        """``<url> v<N> (<first seen date>)`` for each side, as a unified diff's header names them."""
        return tuple(  # type: ignore[return-value]
            f"{self.url} v{number} ({seen.date().isoformat()})" for number, seen in (self.older, self.newer)
        )


def diff(db: Database, url: str, a: int | None = None, b: int | None = None) -> VersionDiff:
    """What changed from version `a` to version `b` of `url`, line by line and inside lines.

    Without numbers, the last two versions; with only `a`, `a` against the
    latest. Raises VersionNotFound when the document has a single version and
    no pair was given, or a number it does not have.
    """
    with db.session() as session:
        document = _document(session, url)
        numbers = _numbers(session, document.id)
        if a is None and b is None:
            if len(numbers) < 2:
                raise VersionNotFound(
                    f"{url} has only version {numbers[0]}; there is nothing to compare it with yet."
                )
            a, b = numbers[-2], numbers[-1]
        older = _pick(session, document, a)
        newer = _pick(session, document, b)
        return VersionDiff(
            url=document.url, older=(older.number, older.first_seen), newer=(newer.number, newer.first_seen),
            text=diff_texts(older.text, newer.text),
        )
