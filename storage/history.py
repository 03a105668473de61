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

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from storage.database import Database
from core.article import Article
from core.errors import DocumentNotFound, VersionNotFound
from core.urls import canonicalize_url
from core.text_diff import TextDiff, diff_texts
from storage.models import Capture, Document, Version


@dataclass(frozen=True)
class CaptureRef:
    """A capture behind a version: where its WARC record is and the digest of what the server sent.

    `revisit` is set for a revisit record (a 304, or the same bytes again),
    whose payload is the record it refers to.
    """

    id: int
    fetched_at: datetime
    status_code: int
    warc_file: str
    warc_record_id: str
    payload_sha256: str
    revisit: str | None


@dataclass(frozen=True)
class VersionSummary:
    """One version's provenance: when it was seen, why it was made, by which rules, from which captures.

    `reason` is "new" (first seen), "changed" (the site changed it) or
    "reprocess" (our rules changed); `encoding` and `encoding_reason` say how
    the bytes were decoded and why; `captures` are every capture that showed
    this version (`capture_ids` their ids).
    """

    number: int
    first_seen: datetime
    last_seen: datetime
    text_sha256: str
    title: str | None
    reason: str
    extractor_version: str
    capture_ids: tuple[int, ...]
    encoding: str | None = None
    encoding_reason: str | None = None
    captures: tuple[CaptureRef, ...] = ()


@dataclass(frozen=True)
class DocumentHistory:
    """A document's state (live, or gone since when) and its versions, oldest first."""

    url: str
    source: str
    status: str
    first_seen: datetime
    last_seen: datetime
    gone_at: datetime | None
    duplicate_of: str | None
    versions: tuple[VersionSummary, ...]

    def live_at(self, moment: datetime) -> VersionSummary:
        """The version the site showed at `moment` (naive UTC): the last one first seen by then.

        Raises VersionNotFound when the document was first archived later.
        """
        shown = [version for version in self.versions if version.first_seen <= moment]
        if not shown:
            first = self.versions[0].first_seen if self.versions else self.first_seen
            raise VersionNotFound(
                f"{self.url} was first archived at {first.isoformat(sep=' ', timespec='seconds')} UTC, "
                f"after {moment.isoformat(sep=' ', timespec='seconds')}; no version was seen by then."
            )
        return shown[-1]


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


def find_document(session: Session, url: str) -> Document:
    """The document at `url` as typed by a person: as given, else canonicalised the way the crawl does it."""
    document = session.scalar(select(Document).where(Document.url == url))
    if document is None:
        canonical = canonicalize_url(url.strip())
        if canonical != url:
            document = session.scalar(select(Document).where(Document.url == canonical))
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


def known_sources(db: Database) -> list[str]:
    """Every source name the store holds documents or captures of, sorted."""
    with db.session() as session:
        names = set(session.scalars(select(Document.source).distinct()))
        names |= set(session.scalars(select(Capture.source).distinct()))
    return sorted(names)


def history(db: Database, url: str) -> list[VersionSummary]:
    """Every version of the document at `url`, oldest first; DocumentNotFound if unknown."""
    return list(document_history(db, url).versions)


def _capture_ref(capture: Capture) -> CaptureRef:
    return CaptureRef(
        id=capture.id, fetched_at=capture.fetched_at, status_code=capture.status_code,
        warc_file=capture.warc_file, warc_record_id=capture.warc_record_id,
        payload_sha256=capture.payload_sha256, revisit=capture.revisit,
    )


def document_history(db: Database, url: str) -> DocumentHistory:
    """The document at `url` (typed as a person would; see `_document`): its state and every version's provenance."""
    with db.session() as session:
        document = find_document(session, url)
        versions = list(session.scalars(
            select(Version).where(Version.document_id == document.id).order_by(Version.number)
        ))
        by_version: dict[int, dict[int, CaptureRef]] = {v.id: {} for v in versions}
        first_captures = [v.capture_id for v in versions if v.capture_id is not None]
        rows = session.scalars(select(Capture).where(
            or_(Capture.document_id == document.id, Capture.id.in_(first_captures))
        ))
        version_of_first = {v.capture_id: v.id for v in versions if v.capture_id is not None}
        version_by_capture: dict[int, int] = {}
        for capture in rows:
            version_id = capture.version_id if capture.version_id in by_version else version_of_first.get(capture.id)
            if version_id is not None:
                version_by_capture[capture.id] = version_id
                by_version[version_id][capture.id] = _capture_ref(capture)
        # A recrawl's revisit records (a 304, or the same bytes again) are not
        # processed; they showed the version of the capture they refer to.
        if version_by_capture:
            for capture in session.scalars(select(Capture).where(Capture.refers_to_id.in_(list(version_by_capture)))):
                by_version[version_by_capture[capture.refers_to_id]].setdefault(capture.id, _capture_ref(capture))
        summaries = []
        for v in versions:
            captures = tuple(by_version[v.id][key] for key in sorted(by_version[v.id]))
            summaries.append(VersionSummary(
                number=v.number, first_seen=v.first_seen, last_seen=v.last_seen,
                text_sha256=v.text_sha256, title=v.title, reason=v.reason,
                extractor_version=v.extractor_version, capture_ids=tuple(c.id for c in captures),
                encoding=v.encoding, encoding_reason=v.encoding_reason, captures=captures,
            ))
        original = document.duplicate_of.url if document.duplicate_of is not None else None
        return DocumentHistory(
            url=document.url, source=document.source, status=document.status, first_seen=document.first_seen,
            last_seen=document.last_seen, gone_at=document.gone_at, duplicate_of=original,
            versions=tuple(summaries),
        )


def show(db: Database, url: str, number: int | None = None, *, at: datetime | None = None) -> VersionDetail:
    """One version of `url` in full: number `number`, or the one live at `at` (naive UTC), else the latest.

    Raises DocumentNotFound for an unknown URL, VersionNotFound naming the
    version numbers that do exist (or saying the document was archived later than `at`).
    """
    if at is not None and number is None:
        number = document_history(db, url).live_at(at).number
    with db.session() as session:
        document = find_document(session, url)
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
        document = find_document(session, url)
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
