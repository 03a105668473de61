"""Browsing the archive a page at a time: sources, documents, versions and captures by id.

The read API and the web view (`web`) list what the store holds and open one
thing from a list by its id. The reading commands of `storage.history` find a
document by URL and print it whole; a server instead answers many small,
bounded questions: "the next 50 live documents of this source that mention
防汛", "version 3 of document 812". Every list here takes a `limit` and an
`offset` and says whether more follow, so no request reads the whole store.

Example, one document recorded twice with a correction:
    >>> from core.article import Article
    >>> from storage.versions import PageRecord, VersionStore
    >>> for day, text in ((1, "会议定于五月十日召开。"), (3, "会议改于五月十二日召开。")):
    ...     _ = VersionStore(db).record(PageRecord(url="http://www.gov.cn/a.htm", source="gov",
    ...         capture_id=None, seen_at=datetime(2024, 5, day), article=Article(title="通知", text=text),
    ...         text_sha256=str(day) * 64, extractor_version="zh-4"))
    >>> found = list_documents(db, DocumentFilter(source="gov", text="十二日"))
    >>> [(d.url, d.versions, d.title) for d in found.items], found.more
    ([('http://www.gov.cn/a.htm', 2, '通知')], False)
    >>> [(v.number, v.reason) for v in list_versions(db, found.items[0].id).items]
    [(1, 'new'), (2, 'changed')]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Generic, TypeVar

from sqlalchemy import Select, and_, case, func, or_, select
from sqlalchemy.orm import Session, aliased

from core.article import Article
from core.errors import CaptureNotFound, DocumentNotFound, VersionNotFound
from storage.database import Database
from storage.models import Capture, Document, Family, Version
from storage.times import as_stored

Item = TypeVar("Item")

#: Document states a filter may ask for (`storage.models.Document.status`).
DOCUMENT_STATUSES = ("live", "gone")


@dataclass(frozen=True)
class Page(Generic[Item]):
    """One page of a list: its items, where it started, and whether more follow it."""

    items: list[Item]
    offset: int
    limit: int
    more: bool

    @property
    def next_offset(self) -> int | None:
        """The offset of the next page, or None on the last one."""
        return self.offset + len(self.items) if self.more else None


@dataclass(frozen=True)
class SourceSummary:
    """A source as the archive knows it: how many documents, live and gone, and versions."""

    name: str
    documents: int
    live: int
    gone: int
    versions: int
    first_seen: datetime
    last_seen: datetime


@dataclass(frozen=True)
class DocumentSummary:
    """One line of the document list: the document and its latest version's number and title."""

    id: int
    url: str
    source: str
    status: str
    first_seen: datetime
    last_seen: datetime
    gone_at: datetime | None
    duplicate_of: str | None
    versions: int
    title: str | None
    #: The latest version's family of copies (storage.families) and the URL of
    #: its canonical copy; None for a version recorded before families existed.
    family_id: int | None = None
    canonical_url: str | None = None


@dataclass(frozen=True)
class DocumentFilter:
    """What the document list is narrowed to; every field left None narrows nothing.

    `seen_from`/`seen_to` keep the documents the archive saw within that span
    (first seen at or before its end, last seen at or after its start).
    `text` is searched for, as given (case-insensitive for Latin letters), in
    the latest version's title and text and in the URL.
    """

    source: str | None = None
    status: str | None = None
    seen_from: datetime | None = None
    seen_to: datetime | None = None
    text: str | None = None


@dataclass(frozen=True)
class CaptureSummary:
    """A capture behind a version: when it was fetched, where its WARC record lies, its payload digest."""

    id: int
    url: str
    status_code: int
    content_type: str | None
    fetched_at: datetime
    warc_file: str
    warc_offset: int
    warc_record_id: str
    payload_sha256: str
    revisit: str | None
    document_id: int | None
    version_id: int | None
    #: The encoding processing decoded the body with, when it became a version
    #: (`get_capture` fills it; lists leave it None).
    encoding: str | None = None


@dataclass(frozen=True)
class VersionEntry:
    """One version in a document's timeline: when it was seen, why it was made, and from what."""

    document_id: int
    number: int
    title: str | None
    text_sha256: str
    reason: str
    extractor_version: str
    encoding: str | None
    encoding_reason: str | None
    first_seen: datetime
    last_seen: datetime
    captures: list[CaptureSummary] = field(default_factory=list)


@dataclass(frozen=True)
class VersionText:
    """One version in full: its timeline entry, its article, and its document's URL and state."""

    url: str
    source: str
    status: str
    entry: VersionEntry
    article: Article
    version_numbers: tuple[int, ...]


def _page(rows: Sequence, offset: int, limit: int) -> tuple[list, bool]:
    # One row more than asked for is read to know whether another page follows.
    return list(rows[:limit]), len(rows) > limit


def list_sources(db: Database, *, offset: int = 0, limit: int = 50) -> Page[SourceSummary]:
    """The sources that have documents, by name, with their counts."""
    with db.session() as session:
        per_source = (
            select(
                Document.source,
                func.count(Document.id),
                func.sum(case((Document.status == "live", 1), else_=0)),
                func.sum(case((Document.status == "gone", 1), else_=0)),
                func.min(Document.first_seen),
                func.max(Document.last_seen),
            )
            .group_by(Document.source)
            .order_by(Document.source)
            .offset(offset)
            .limit(limit + 1)
        )
        rows, more = _page(session.execute(per_source).all(), offset, limit)
        names = [row[0] for row in rows]
        versions = dict(session.execute(
            select(Document.source, func.count(Version.id))
            .join(Version, Version.document_id == Document.id)
            .where(Document.source.in_(names))
            .group_by(Document.source)
        ).all()) if names else {}
    items = [
        SourceSummary(name=name, documents=count, live=int(live or 0), gone=int(gone or 0),
                      versions=versions.get(name, 0), first_seen=first, last_seen=last)
        for name, count, live, gone, first, last in rows
    ]
    return Page(items, offset, limit, more)


def list_documents(
    db: Database, where: DocumentFilter = DocumentFilter(), *, offset: int = 0, limit: int = 50
) -> Page[DocumentSummary]:
    """Documents matching `where`, the most recently archived first (by id, newest first)."""
    other = aliased(Version)
    newest = aliased(Version)
    # The page's ids are chosen first, from the documents table alone when no
    # text is searched; only those `limit` documents are then joined to their
    # latest version. Joining every match first (5,000 documents of a source)
    # and cutting the page after made a list page cost ten times as much.
    chosen: Select = select(Document.id)
    if where.source is not None:
        chosen = chosen.where(Document.source == where.source)
    if where.status is not None:
        chosen = chosen.where(Document.status == where.status)
    if where.seen_from is not None:
        chosen = chosen.where(Document.last_seen >= as_stored(where.seen_from))
    if where.seen_to is not None:
        chosen = chosen.where(Document.first_seen <= as_stored(where.seen_to))
    if where.text:
        pattern = "%" + _escape_like(where.text) + "%"
        chosen = chosen.join(newest, and_(newest.document_id == Document.id, newest.number == _newest_number(other)))
        chosen = chosen.where(or_(
            newest.title.ilike(pattern, escape="\\"),
            newest.text.ilike(pattern, escape="\\"),
            Document.url.ilike(pattern, escape="\\"),
        ))
    page_ids = chosen.order_by(Document.id.desc()).offset(offset).limit(limit + 1).subquery()
    latest = aliased(Version)
    original = aliased(Document)
    canonical_version, canonical_document = aliased(Version), aliased(Document)
    query = (
        select(Document, latest.number, latest.title, original.url, latest.family_id, canonical_document.url)
        .select_from(Document)
        .join(page_ids, page_ids.c.id == Document.id)
        .join(latest, and_(latest.document_id == Document.id, latest.number == _newest_number(aliased(Version))))
        .outerjoin(original, original.id == Document.duplicate_of_id)
        .outerjoin(Family, Family.id == latest.family_id)
        .outerjoin(canonical_version, canonical_version.id == Family.canonical_version_id)
        .outerjoin(canonical_document, canonical_document.id == canonical_version.document_id)
        .order_by(Document.id.desc())
    )
    with db.session() as session:
        rows, more = _page(session.execute(query).all(), offset, limit)
    items = [
        DocumentSummary(
            id=document.id, url=document.url, source=document.source, status=document.status,
            first_seen=document.first_seen, last_seen=document.last_seen, gone_at=document.gone_at,
            duplicate_of=original_url, versions=number, title=title, family_id=family_id,
            canonical_url=canonical_url,
        )
        for document, number, title, original_url, family_id, canonical_url in rows
    ]
    return Page(items, offset, limit, more)


def _newest_number(version: type[Version]):
    """The number of the newest version of the document in the enclosing query (`version` an alias of Version)."""
    return (
        select(func.max(version.number)).where(version.document_id == Document.id)
        .correlate(Document).scalar_subquery()
    )


def _escape_like(text: str) -> str:
    """`text` with LIKE's wildcards taken literally: a search for ``100%`` means that."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def find_document(db: Database, url: str) -> DocumentSummary:
    """The document stored under the canonical `url`; DocumentNotFound if there is none."""
    with db.session() as session:
        document_id = session.scalar(select(Document.id).where(Document.url == url))
    if document_id is None:
        raise DocumentNotFound(
            f"No document is stored under {url}. URLs are stored in canonical form; "
            "the document list (GET /api/documents?q=...) finds them by part of their URL."
        )
    return get_document(db, document_id)


def document_url(db: Database, document_id: int) -> str:
    """The canonical URL of a document, by id (one indexed read); DocumentNotFound if there is none."""
    with db.session() as session:
        url = session.scalar(select(Document.url).where(Document.id == document_id))
    if url is None:
        raise DocumentNotFound(f"There is no document {document_id}; the document list shows which exist.")
    return url


def get_document(db: Database, document_id: int) -> DocumentSummary:
    """One document by id, as a line of the document list; DocumentNotFound if there is none."""
    original = aliased(Document)
    with db.session() as session:
        row = session.execute(
            select(Document, original.url).outerjoin(original, original.id == Document.duplicate_of_id)
            .where(Document.id == document_id)
        ).first()
        if row is None:
            raise DocumentNotFound(f"There is no document {document_id}; the document list shows which exist.")
        document, original_url = row
        canonical_version, canonical_document = aliased(Version), aliased(Document)
        latest = session.execute(
            select(Version.number, Version.title, Version.family_id, canonical_document.url)
            .outerjoin(Family, Family.id == Version.family_id)
            .outerjoin(canonical_version, canonical_version.id == Family.canonical_version_id)
            .outerjoin(canonical_document, canonical_document.id == canonical_version.document_id)
            .where(Version.document_id == document_id)
            .order_by(Version.number.desc()).limit(1)
        ).first()
    return DocumentSummary(
        id=document.id, url=document.url, source=document.source, status=document.status,
        first_seen=document.first_seen, last_seen=document.last_seen, gone_at=document.gone_at,
        duplicate_of=original_url, versions=latest.number if latest else 0, title=latest.title if latest else None,
        family_id=latest.family_id if latest else None, canonical_url=latest.url if latest else None,
    )


def list_versions(db: Database, document_id: int, *, offset: int = 0, limit: int = 50) -> Page[VersionEntry]:
    """A document's versions, oldest first, each with the captures that showed it."""
    with db.session() as session:
        if session.get(Document, document_id) is None:
            raise DocumentNotFound(f"There is no document {document_id}; the document list shows which exist.")
        versions = session.scalars(
            select(Version).where(Version.document_id == document_id)
            .order_by(Version.number).offset(offset).limit(limit + 1)
        ).all()
        versions, more = _page(versions, offset, limit)
        captures = _captures_of(session, document_id, versions)
    items = [_entry(version, captures.get(version.id, [])) for version in versions]
    return Page(items, offset, limit, more)


def get_version(db: Database, document_id: int, number: int) -> VersionText:
    """Version `number` of a document in full; DocumentNotFound or VersionNotFound (naming those that exist)."""
    with db.session() as session:
        document = session.get(Document, document_id)
        if document is None:
            raise DocumentNotFound(f"There is no document {document_id}; the document list shows which exist.")
        numbers = tuple(session.scalars(
            select(Version.number).where(Version.document_id == document_id).order_by(Version.number)
        ))
        version = session.scalar(
            select(Version).where(Version.document_id == document_id, Version.number == number)
        )
        if version is None:
            raise VersionNotFound(
                f"Document {document_id} ({document.url}) has no version {number}; it has version(s) "
                f"{', '.join(map(str, numbers)) or 'none'}."
            )
        captures = _captures_of(session, document_id, [version])
        return VersionText(
            url=document.url, source=document.source, status=document.status,
            entry=_entry(version, captures.get(version.id, [])),
            article=Article.from_attributes(version), version_numbers=numbers,
        )


def get_capture(db: Database, capture_id: int) -> CaptureSummary:
    """One capture by id; CaptureNotFound if there is none."""
    with db.session() as session:
        capture = session.get(Capture, capture_id)
        if capture is None:
            raise CaptureNotFound(f"There is no capture {capture_id}; a version's captures are listed with it.")
        encoding = session.scalar(select(Version.encoding).where(Version.id == capture.version_id)) \
            if capture.version_id is not None else None
        return replace(_capture_summary(capture), encoding=encoding)


def _captures_of(session: Session, document_id: int, versions: Sequence[Version]) -> dict[int, list[CaptureSummary]]:
    """The captures that showed each of `versions`: those processed into it, and the one it was made from."""
    if not versions:
        return {}
    ids = [version.id for version in versions]
    made_from = [version.capture_id for version in versions if version.capture_id is not None]
    rows = session.scalars(
        select(Capture).where(or_(
            and_(Capture.document_id == document_id, Capture.version_id.in_(ids)),
            Capture.id.in_(made_from),
        )).order_by(Capture.fetched_at, Capture.id)
    ).all()
    found: dict[int, list[CaptureSummary]] = {}
    owner_of_source = {version.capture_id: version.id for version in versions if version.capture_id is not None}
    for capture in rows:
        owner = capture.version_id if capture.version_id in ids else owner_of_source.get(capture.id)
        if owner is not None:
            found.setdefault(owner, []).append(_capture_summary(capture))
    return found


def _capture_summary(capture: Capture) -> CaptureSummary:
    return CaptureSummary(
        id=capture.id, url=capture.url, status_code=capture.status_code, content_type=capture.content_type,
        fetched_at=capture.fetched_at, warc_file=capture.warc_file, warc_offset=capture.warc_offset,
        warc_record_id=capture.warc_record_id, payload_sha256=capture.payload_sha256,
        revisit=capture.revisit, document_id=capture.document_id, version_id=capture.version_id,
    )


def _entry(version: Version, captures: list[CaptureSummary]) -> VersionEntry:
    return VersionEntry(
        document_id=version.document_id, number=version.number, title=version.title,
        text_sha256=version.text_sha256, reason=version.reason, extractor_version=version.extractor_version,
        encoding=version.encoding, encoding_reason=version.encoding_reason,
        first_seen=version.first_seen, last_seen=version.last_seen, captures=captures,
    )
