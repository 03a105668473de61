"""Versioning: turning each processed page into a document and its versions.

`VersionStore.record` is the one place that decides whether a page is a new
document, a new version of one, the same text seen again, or a copy of a text
another URL already carries. It does so in one transaction together with
marking the capture processed, so a process killed at any point leaves either
all of it or none of it, and recording the same capture again changes nothing.

The reading side (history, one version, diff, export) lives in
`storage.history`; `VersionStore` offers both under one name.

Example (a page recorded without a capture; a crawl passes the capture's id):
    >>> from pipeline.fingerprint import text_sha256
    >>> def page(text, seen_at):
    ...     return PageRecord(url="http://www.gov.cn/a.htm", source="gov", capture_id=None,
    ...         seen_at=seen_at, article=Article(title="通知", text=text),
    ...         text_sha256=text_sha256(text), extractor_version="zh-4")
    >>> store = VersionStore(db)
    >>> store.record(page("全文。", datetime(2026, 11, 1))).outcome
    <Outcome.NEW_DOCUMENT: 'new_document'>
    >>> store.record(page("全文。", datetime(2026, 11, 2))).outcome
    <Outcome.UNCHANGED: 'unchanged'>
    >>> store.record(page("全文，已更正。", datetime(2026, 11, 3))).version_number
    2

No page is dropped: an article page with no text that could be found is
stored as a version flagged empty, with the reason, and `dangan reprocess`
fills that version in once the rules find the text:
    >>> empty = PageRecord(url="http://www.gov.cn/b.htm", source="gov", capture_id=None,
    ...     seen_at=datetime(2026, 11, 1), article=Article(title="公告", text=""),
    ...     text_sha256=text_sha256(""), extractor_version="zh-4", empty_reason="no article text")
    >>> store.record(empty).outcome
    <Outcome.EMPTY: 'empty'>
    >>> filled = store.record(replace(empty, article=Article(title="公告", text="附件：细则。"),
    ...                               text_sha256=text_sha256("附件：细则。"), empty_reason=None), reprocessed=True)
    >>> filled.outcome, filled.version_number
    (<Outcome.FILLED: 'filled'>, 1)
"""

from __future__ import annotations

import enum
import functools
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Insert, Row, and_, bindparam, func, insert, or_, select, text, update
from sqlalchemy.orm import Session

from storage import history
from storage.export_rows import export_rows
from storage.database import Database
from core.article import Article
from core.errors import StoreError
from storage.display_texts import DISPLAY
from storage.history import DocumentHistory, VersionDetail, VersionDiff, VersionSummary
from storage.models import Capture, Document, Version
from storage.times import as_stored, utc_now
from storage.write_conflicts import LostRace, run_write

if TYPE_CHECKING:
    from storage.families import FamilyView

log = logging.getLogger(__name__)

NO_TEXT_ERROR = "no article text"


@dataclass(frozen=True)
class PageRecord:
    """One processed page, ready to be versioned.

    `url` is the canonical URL; `article` the article (its fields become the
    version's columns of the same names; its text is the display text) and
    `text_sha256` the hex digest of the text's normalised form, which is what
    versions are compared by (the pipeline computes both); `seen_at`
    is when the page was fetched.
    """

    url: str
    source: str
    capture_id: int | None
    seen_at: datetime
    article: Article
    text_sha256: str
    extractor_version: str
    encoding: str | None = None
    encoding_reason: str | None = None
    #: Why no article text could be found, for a page stored as an empty version.
    empty_reason: str | None = None
    #: The text's MinHash signature (`pipeline.near_duplicates.text_signature`),
    #: which puts the version in its family; None gives it a family of its own.
    signature: bytes | None = None


class Outcome(str, enum.Enum):
    NEW_DOCUMENT = "new_document"
    NEW_VERSION = "new_version"
    UNCHANGED = "unchanged"
    DUPLICATE = "duplicate"
    GONE = "gone"
    #: An article page with no text that could be found, stored as a version flagged empty.
    EMPTY = "empty"
    #: An empty version whose text a reprocess has now found, filled in place.
    FILLED = "filled"


@dataclass(frozen=True)
class RecordResult:
    """What `record` or `mark_gone` did. `duplicate_of` is the URL of the original, if any.

    `family_id` is the family of the version recorded (see `storage.families`);
    None when `mark_gone` or a capture recorded before answered.
    """

    outcome: Outcome
    document_id: int
    version_number: int | None
    duplicate_of: str | None
    family_id: int | None = None


class VersionStore:
    """Documents and their versions: recording pages, and reading the history back."""

    def __init__(self, db: Database, *, clock: Callable[[], datetime] = utc_now) -> None:
        self.db = db
        self._clock = clock

    # -- writing -----------------------------------------------------------

    def record(self, page: PageRecord, *, reprocessed: bool = False) -> RecordResult:
        """Version `page` and mark its capture processed, all in one transaction.

        Returns the outcome: NEW_DOCUMENT (version 1), DUPLICATE (a new document
        whose text another document already has; stored and linked),
        NEW_VERSION (text or title changed; reason "changed", or "reprocess"
        when `reprocessed`), or UNCHANGED (only last_seen moves). A capture
        already recorded is not recorded twice unless `reprocessed`.

        A page with no text (blank, or `page.empty_reason` set) is EMPTY: it
        becomes a version with text "" flagged with `empty_reason` ("no
        article text" when none is given) if its document has no text yet, or
        the empty version is seen again; a document that has text keeps it,
        and the capture is marked processed with the reason as its error.
        Empty versions are never duplicates of each other. FILLED: a reprocess
        found the text of a document whose latest version is empty, and that
        version now holds it (reason "reprocess").
        """
        if not page.article.text.strip() or page.empty_reason is not None:
            page = replace(page, empty_reason=page.empty_reason or NO_TEXT_ERROR)
        # Several processes may record the same URL at once (see "Concurrent
        # writers" below `_record_in`); a lost race is retried from the start.
        return run_write(
            self.db, lambda session: self._record_in(session, page, reprocessed), what=f"recording {page.url}"
        )

    def mark_gone(
        self, url: str, source: str, capture_id: int | None, seen_at: datetime
    ) -> RecordResult | None:
        """Mark a known document gone (its URL now answers 404/410); None if it is unknown.

        A 404 older than the document's last live sighting changes nothing.
        The capture, if given, is marked processed either way.
        """
        seen = as_stored(seen_at)
        return run_write(
            self.db, lambda session: self._mark_gone_in(session, url, capture_id, seen), what=f"marking {url} gone"
        )

    def _mark_gone_in(self, session: Session, url: str, capture_id: int | None, seen: datetime) -> RecordResult | None:
        document = session.scalar(select(Document).where(Document.url == url).with_for_update())
        capture = session.get(Capture, capture_id) if capture_id is not None else None
        if capture is not None:
            capture.processed_at = self._clock()
            capture.process_error = None
        if document is None:
            return None
        if capture is not None:
            capture.document_id = document.id
        if seen >= document.last_seen and document.status != "gone":
            document.status = "gone"
            document.gone_at = seen
            log.info("%s is gone (seen %s)", url, seen.isoformat())
        latest = session.connection().execute(_LATEST_VERSION, {"document_id": document.id}).first()
        original = document.duplicate_of.url if document.duplicate_of is not None else None
        return RecordResult(Outcome.GONE, document.id, latest.number if latest else None, original)

    def mark_seen(self, sightings: Iterable[tuple[int, datetime]]) -> int:
        """Record that pages were seen again unchanged, without processing them; return how many moved a version.

        Each sighting is (capture id, time): the capture whose payload a
        recrawl found unchanged (it answered 304, or sent the same bytes) and
        when. The version that capture showed has its last_seen moved, if it
        is still its document's latest, and the document its own; a document
        marked gone is live again. A capture never processed into a version
        (a listing page) changes nothing. All in one transaction.
        """
        stored = [(i, as_stored(seen)) for i, seen in sightings]
        return run_write(
            self.db, lambda session: move_last_seen(session.connection(), stored),
            what=f"moving last_seen for {len(stored)} sightings",
        )

    def live_urls(self, source: str) -> list[str]:
        """URLs of the live documents of `source`, sorted, for a recrawl to revisit."""
        with self.db.session() as session:
            return list(session.scalars(
                select(Document.url)
                .where(Document.source == source, Document.status == "live")
                .order_by(Document.url)
            ))

    # -- reading (see storage.history) ---------------------------------------

    def history(self, url: str) -> list[VersionSummary]:
        """Every version of the document at `url`, oldest first."""
        return history.history(self.db, url)

    def show(self, url: str, number: int | None = None, *, at: datetime | None = None) -> VersionDetail:
        """One version of `url` in full (what ``dangan show`` prints): `number`, the one live `at`, or the latest."""
        return history.show(self.db, url, number, at=at)

    def sources(self) -> list[str]:
        """The source names the store holds anything of, sorted."""
        return history.known_sources(self.db)

    def document_history(self, url: str) -> DocumentHistory:
        """The document's state and each version's provenance (what ``dangan history`` prints)."""
        return history.document_history(self.db, url)

    def diff(self, url: str, a: int | None = None, b: int | None = None) -> VersionDiff:
        """What changed between two versions of `url` (the last two by default); see `storage.history.diff`."""
        return history.diff(self.db, url, a, b)

    def family(self, url: str) -> FamilyView:
        """The family of copies the document at `url` belongs to (see `storage.families.family_of`)."""
        from storage.families import family_of

        return family_of(self.db, url)

    def export(
        self, *, all_versions: bool = False, source: str | None = None,
        since: datetime | None = None, until: datetime | None = None,
    ) -> Iterator[dict]:
        """Stream documents (latest version, or every version) as rows (`storage.export_rows`)."""
        return export_rows(self.db, all_versions=all_versions, source=source, since=since, until=until)

    # -- inside the transaction ----------------------------------------------

    # Core statements built once (see the bottom of this module), not the ORM
    # unit of work: this runs once per processed page, and the ORM's identity
    # map, flushes and per-call statement building cost several times the SQL
    # itself here.

    def _record_in(self, session: Session, page: PageRecord, reprocessed: bool) -> RecordResult:
        sql = session.connection()
        seen = as_stored(page.seen_at)
        if page.capture_id is not None:
            capture = sql.execute(_CAPTURE, {"id": page.capture_id}).first()
            if capture is None:
                raise StoreError(f"There is no capture {page.capture_id} for {page.url}.")
            if capture.version_id is not None and not reprocessed:
                return _already_recorded(sql, capture.document_id, capture.version_id)
            if capture.document_id is not None and capture.process_error is not None and not reprocessed:
                # Recorded before as a page with no text, against a document whose text it kept.
                return RecordResult(Outcome.EMPTY, capture.document_id, None, None)

        # FOR UPDATE locks the row on PostgreSQL; SQLite renders none (BEGIN
        # IMMEDIATE already holds its write lock).
        document = sql.execute(_DOCUMENT_BY_URL, {"url": page.url}).first()
        new = self._new_document(sql, page, seen) if document is None else None
        if document is None and new is None:
            # Another writer added the URL since we looked (and has committed:
            # ON CONFLICT waited for it). Lock its row and go on as for a known document.
            document = sql.execute(_DOCUMENT_BY_URL, {"url": page.url}).first()
            if document is None:
                raise LostRace("document added and removed by another writer")
        if new is not None:
            document_id, version_id, version_number, original_id = new
            if page.empty_reason is not None:
                outcome = Outcome.EMPTY
            else:
                outcome = Outcome.DUPLICATE if original_id is not None else Outcome.NEW_DOCUMENT
            family_id = _assign_family(sql, version_id, document_id, page.signature, None)
        else:
            document_id = document.id
            version_id, version_number, outcome, original_id, family_id = self._known_document(
                sql, document, page, seen, reprocessed
            )
        if page.capture_id is not None:
            sql.execute(_CAPTURE_PROCESSED, {
                "capture_id": page.capture_id, "processed_at": self._clock(),
                "document_id_": document_id, "version_id_": version_id,
                # A page without text against a document that keeps its text shows no version: say why.
                "process_error_": page.empty_reason if version_id is None else None,
            })
        original_url = _url_of(sql, original_id)
        if outcome is Outcome.DUPLICATE:
            log.info("%s repeats the text of %s", page.url, original_url)
        return RecordResult(outcome, document_id, version_number, original_url, family_id)

    def _new_document(
        self, sql: Connection, page: PageRecord, seen: datetime
    ) -> tuple[int, int, int, int | None] | None:
        """Insert the document and its version 1; return their ids, the number, and the original's id.

        None, having written nothing, when another writer has added the URL meanwhile.
        """
        original_id = None
        if page.empty_reason is None:  # pages without text share the empty text's digest, not an original
            _lock_text(sql, page.text_sha256)
            original_id = sql.execute(_FIRST_DOCUMENT_WITH_TEXT, {"sha": page.text_sha256}).scalar()
        document_id = sql.execute(_insert_document(sql), {
            "url": page.url, "source": page.source, "status": "live", "first_seen": seen,
            "last_seen": seen, "gone_at": None, "duplicate_of_id": original_id,
        }).scalar()
        if document_id is None:
            return None
        version_id = _new_version(sql, document_id, page, seen, 1, "new")
        return document_id, version_id, 1, original_id

    def _known_document(
        self, sql: Connection, document: Row, page: PageRecord, seen: datetime, reprocessed: bool
    ) -> tuple[int | None, int | None, Outcome, int | None, int | None]:
        """Record `page` against an existing document; return version id, number, outcome, original's and family's ids."""
        changes: dict = {}
        if document.status == "gone" and (document.gone_at is None or seen >= document.gone_at):
            changes.update(status="live", gone_at=None)
            log.info("%s is back", page.url)
        if seen > document.last_seen:
            changes["last_seen"] = seen
        latest = sql.execute(_LATEST_VERSION, {"document_id": document.id}).first()
        original_id = document.duplicate_of_id
        if page.empty_reason is not None and latest is not None:
            _update_document(sql, document.id, changes)
            if latest.empty_reason is None:
                # The document has text; a capture without any does not replace it.
                return None, None, Outcome.EMPTY, original_id, None
            if seen > latest.last_seen:
                sql.execute(_VERSION_SEEN, {"version_id": latest.id, "seen": seen})
            return latest.id, latest.number, Outcome.EMPTY, original_id, latest.family_id
        if reprocessed and latest is not None and latest.empty_reason is not None and page.empty_reason is None:
            original_id = self._fill_in(sql, latest.id, document.id, page)
            if document.duplicate_of_id is None and original_id is not None:
                changes["duplicate_of_id"] = original_id
            _update_document(sql, document.id, changes)
            # The empty version was a family of its own; it stays there (families are
            # assigned when a version is made, and this one keeps its id).
            return latest.id, latest.number, Outcome.FILLED, original_id, latest.family_id
        if latest is not None and latest.text_sha256 == page.text_sha256 and latest.title == page.article.title:
            if seen > latest.last_seen:
                sql.execute(_VERSION_SEEN, {"version_id": latest.id, "seen": seen})
            if latest.text_form != DISPLAY:
                # A row from before display texts were kept: same words (same hash),
                # now stored as the page shows them. Not a new version.
                sql.execute(_VERSION_DISPLAY_TEXT, {"version_id": latest.id, "text": page.article.text})
            _update_document(sql, document.id, changes)
            family_id = latest.family_id
            if family_id is None and page.signature is not None:
                # Recorded before families existed: reprocessing it fingerprints it now.
                family_id = _assign_family(sql, latest.id, document.id, page.signature, None, late=True)
            return latest.id, latest.number, Outcome.UNCHANGED, original_id, family_id
        number = latest.number + 1 if latest is not None else 1
        reason = "reprocess" if reprocessed else ("changed" if latest is not None else "new")
        version_id = _new_version(sql, document.id, page, seen, number, reason)
        family_id = _assign_family(sql, version_id, document.id, page.signature, latest.id if latest else None)
        if original_id is not None and not sql.execute(
            _HAS_TEXT, {"document_id": original_id, "sha": page.text_sha256}
        ).first():
            # The copy has diverged from its original: it is a document in its own right now.
            changes["duplicate_of_id"] = None
            original_id = None
        _update_document(sql, document.id, changes)
        return version_id, number, Outcome.NEW_VERSION, original_id, family_id

    def _fill_in(self, sql: Connection, version_id: int, document_id: int, page: PageRecord) -> int | None:
        """Put `page`'s text into the empty version `version_id`; return the id of a document that has it already."""
        _lock_text(sql, page.text_sha256)
        original_id = sql.execute(
            _FIRST_DOCUMENT_WITH_TEXT.where(_versions.c.document_id != document_id), {"sha": page.text_sha256}
        ).scalar()
        sql.execute(update(_versions).where(_versions.c.id == version_id).values(
            **page.article.as_dict(), text_sha256=page.text_sha256, encoding=page.encoding,
            encoding_reason=page.encoding_reason, extractor_version=page.extractor_version,
            reason="reprocess", empty_reason=None, text_form=DISPLAY,
        ))
        log.info("%s: the empty version's text was found and filled in", page.url)
        return original_id


def _new_version(
    sql: Connection, document_id: int, page: PageRecord, seen: datetime, number: int, reason: str
) -> int:
    # The document's row is locked, so no other writer can be adding version N
    # now; should one have (a store written without that lock), nothing is
    # written here and the whole record is tried again.
    version_id = sql.execute(_insert_version(sql), {
        "document_id": document_id, "number": number, "capture_id": page.capture_id,
        **page.article.as_dict(), "text_sha256": page.text_sha256,
        "encoding": page.encoding, "encoding_reason": page.encoding_reason,
        "extractor_version": page.extractor_version, "reason": reason, "first_seen": seen, "last_seen": seen,
        "text_form": DISPLAY, "empty_reason": page.empty_reason,
    }).scalar()
    if version_id is None:
        raise LostRace(f"version {number} added by another writer")
    return version_id


def _lock_text(sql: Connection, sha: str) -> None:
    """On PostgreSQL, wait for any other writer recording the same text, until this transaction ends.

    Two URLs carrying one text, recorded at once, would each look for a
    document that has the text, find none (neither sees the other's
    uncommitted row) and both become originals. With the lock the second
    waits for the first to commit, then finds it and is stored as its copy.
    SQLite needs none: its write lock, taken at BEGIN, already serialises
    writers. The two-key advisory locks are a key space apart from the
    one-key locks `storage.families` takes on band keys, and this one is
    always taken first, so the two never wait on each other in a cycle.
    """
    if sql.dialect.name == "postgresql":
        sql.execute(_LOCK_TEXT, {"key": int(sha[:8], 16) - 2**31})


def move_last_seen(sql: Connection, sightings: Iterable[tuple[int, datetime]]) -> int:
    """Inside a transaction: the content each capture showed was seen again then (naive UTC).

    Returns how many versions had their last_seen moved; see `VersionStore.mark_seen`.
    A handful of set-wise statements for any number of sightings: a recrawl
    marks a whole group of 304s at once, and per-page statements cost more
    than the crawl's fetching did.
    """
    seen_by_capture: dict[int, datetime] = {}
    for capture_id, seen in sightings:
        seen_by_capture[capture_id] = max(seen, seen_by_capture.get(capture_id, seen))
    moved = 0
    ids = sorted(seen_by_capture)
    for start in range(0, len(ids), _IN_CHUNK):
        moved += _move_last_seen(sql, {i: seen_by_capture[i] for i in ids[start:start + _IN_CHUNK]})
    return moved


def _move_last_seen(sql: Connection, seen_by_capture: dict[int, datetime]) -> int:
    shown = sql.execute(
        select(_captures.c.id, _captures.c.document_id, _captures.c.version_id)
        .where(_captures.c.id.in_(list(seen_by_capture)), _captures.c.version_id.is_not(None))
    ).all()
    if not shown:
        return 0
    documents = sorted({row.document_id for row in shown})
    newest = (
        select(_versions.c.document_id, func.max(_versions.c.number).label("number"))
        .where(_versions.c.document_id.in_(documents))
        .group_by(_versions.c.document_id)
        .subquery()
    )
    latest = set(sql.execute(
        select(_versions.c.id).join(newest, and_(
            _versions.c.document_id == newest.c.document_id, _versions.c.number == newest.c.number
        ))
    ).scalars())
    document_seen: dict[int, datetime] = {}
    version_seen: dict[int, datetime] = {}
    for row in shown:
        seen = seen_by_capture[row.id]
        document_seen[row.document_id] = max(seen, document_seen.get(row.document_id, seen))
        # A newer version came from another capture (the desktop page of a mobile
        # copy, say): the content this capture showed is no longer the latest.
        if row.version_id in latest:
            version_seen[row.version_id] = max(seen, version_seen.get(row.version_id, seen))
    # Rows are updated in id order: two writers marking overlapping documents
    # then lock them in the same order, and never wait on each other in a cycle.
    document_rows = [{"document_id_": d, "seen": document_seen[d]} for d in sorted(document_seen)]
    sql.execute(_DOCUMENT_BACK, document_rows)
    sql.execute(_DOCUMENT_SEEN_LATER, document_rows)
    if version_seen:
        sql.execute(_VERSION_SEEN_LATER, [{"version_id_": v, "seen": version_seen[v]} for v in sorted(version_seen)])
    return len(version_seen)


def _update_document(sql: Connection, document_id: int, changes: dict) -> None:
    if changes:
        sql.execute(update(_documents).where(_documents.c.id == document_id).values(**changes))


def _url_of(sql: Connection, document_id: int | None) -> str | None:
    if document_id is None:
        return None
    return sql.execute(_DOCUMENT_URL, {"id": document_id}).scalar()


def _already_recorded(sql: Connection, document_id: int | None, version_id: int) -> RecordResult:
    """The result of a capture recorded before: reported as UNCHANGED, nothing written."""
    number = sql.execute(select(_versions.c.number).where(_versions.c.id == version_id)).scalar()
    original_id = sql.execute(
        select(_documents.c.duplicate_of_id).where(_documents.c.id == document_id)
    ).scalar()
    return RecordResult(Outcome.UNCHANGED, document_id, number, _url_of(sql, original_id))


# -- the statements `record` runs, built once --------------------------------------

_captures = Capture.__table__
_documents = Document.__table__
_versions = Version.__table__

_CAPTURE = select(_captures.c.document_id, _captures.c.version_id, _captures.c.process_error).where(
    _captures.c.id == bindparam("id")
)
_CAPTURE_PROCESSED = (
    update(_captures)
    .where(_captures.c.id == bindparam("capture_id"))
    .values(processed_at=bindparam("processed_at"), process_error=bindparam("process_error_"),
            document_id=bindparam("document_id_"), version_id=bindparam("version_id_"))
)
_DOCUMENT_BY_URL = select(
    _documents.c.id, _documents.c.status, _documents.c.gone_at, _documents.c.last_seen,
    _documents.c.duplicate_of_id,
).where(_documents.c.url == bindparam("url")).with_for_update()
_DOCUMENT_URL = select(_documents.c.url).where(_documents.c.id == bindparam("id"))
_FIRST_DOCUMENT_WITH_TEXT = (
    select(_versions.c.document_id)
    .where(_versions.c.text_sha256 == bindparam("sha"))
    .order_by(_versions.c.first_seen, _versions.c.id)
    .limit(1)
)
# The first key is the class of these locks ("dang"), the second the text's.
_LOCK_TEXT = text(f"SELECT pg_advisory_xact_lock({0x64616E67}, :key)")


# INSERT … ON CONFLICT DO NOTHING: a row another writer added first returns
# no id instead of failing, so the transaction goes on (a failed statement
# would abort it on PostgreSQL, and log an error on the server for a race).
# Built at first use, for the dialect in use: importing SQLAlchemy's PostgreSQL
# dialect costs every crawl process a quarter of a second of start-up, and a
# crawl into SQLite never needs it.
@functools.cache
def _insert_statements(dialect: str) -> tuple[Insert, Insert]:
    """The (document, version) INSERTs that skip a row another writer added first, for `dialect`."""
    if dialect == "postgresql":
        from sqlalchemy.dialects import postgresql

        return (
            postgresql.insert(_documents).on_conflict_do_nothing(index_elements=[_documents.c.url])
            .returning(_documents.c.id),
            postgresql.insert(_versions).on_conflict_do_nothing(constraint="uq_version_number")
            .returning(_versions.c.id),
        )
    if dialect == "sqlite":
        from sqlalchemy.dialects import sqlite

        return (
            sqlite.insert(_documents).on_conflict_do_nothing(index_elements=[_documents.c.url])
            .returning(_documents.c.id),
            sqlite.insert(_versions).on_conflict_do_nothing(index_elements=[_versions.c.document_id, _versions.c.number])
            .returning(_versions.c.id),
        )
    # Other databases: a plain INSERT, whose unique violation `run_write` retries.
    return insert(_documents).returning(_documents.c.id), insert(_versions).returning(_versions.c.id)


def _assign_family(sql: Connection, version_id: int, document_id: int, signature: bytes | None,
                   previous_id: int | None, *, late: bool = False) -> int:
    """`storage.families.assign_family`, imported at first use: it brings numpy, which a
    crawl process whose pages all come back unchanged never needs (its start-up pays for it)."""
    from storage.families import assign_family

    return assign_family(sql, version_id, document_id, signature, previous_id, late=late)


def _insert_document(sql: Connection) -> Insert:
    return _insert_statements(sql.dialect.name)[0]


def _insert_version(sql: Connection) -> Insert:
    return _insert_statements(sql.dialect.name)[1]


_LATEST_VERSION = (
    select(_versions.c.id, _versions.c.number, _versions.c.text_sha256, _versions.c.title, _versions.c.last_seen,
           _versions.c.text_form, _versions.c.family_id, _versions.c.empty_reason)
    .where(_versions.c.document_id == bindparam("document_id"))
    .order_by(_versions.c.number.desc())
    .limit(1)
)
_VERSION_DISPLAY_TEXT = (
    update(_versions).where(_versions.c.id == bindparam("version_id"))
    .values(text=bindparam("text"), text_form=DISPLAY)
)
_VERSION_SEEN = (
    update(_versions).where(_versions.c.id == bindparam("version_id")).values(last_seen=bindparam("seen"))
)
# What `move_last_seen` runs, once per group of sightings (executemany).
_IN_CHUNK = 500
_DOCUMENT_BACK = (
    update(_documents)
    .where(
        _documents.c.id == bindparam("document_id_"), _documents.c.status == "gone",
        or_(_documents.c.gone_at.is_(None), _documents.c.gone_at <= bindparam("seen")),
    )
    .values(status="live", gone_at=None)
)
_DOCUMENT_SEEN_LATER = (
    update(_documents)
    .where(_documents.c.id == bindparam("document_id_"), _documents.c.last_seen < bindparam("seen"))
    .values(last_seen=bindparam("seen"))
)
_VERSION_SEEN_LATER = (
    update(_versions)
    .where(_versions.c.id == bindparam("version_id_"), _versions.c.last_seen < bindparam("seen"))
    .values(last_seen=bindparam("seen"))
)
_HAS_TEXT = select(_versions.c.id).where(
    _versions.c.document_id == bindparam("document_id"), _versions.c.text_sha256 == bindparam("sha")
).limit(1)
