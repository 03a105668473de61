"""The crawl side of the archive: crawl runs and the captures they make.

`CaptureLog` records what the crawler did: a run starts, each captured
response gets a `Capture` row pointing at its WARC record, the run finishes
with its outcome and counts (the run rows are `storage.runs.RunLog`'s part).
Processing then asks for the captures it has not handled yet (`unprocessed`)
or, after the extraction rules change, for the newest capture of every
document (`for_reprocess`). A recrawl asks, once, what the last capture of
each URL returned (`last_captures`): the validators to send back, and the
payload an unchanged page's revisit record refers to.

Example:
    >>> fetched_at = datetime(2026, 11, 2, 8, 30)
    >>> with WarcWriter(data_dir) as warc:
    ...     location = warc.write_response("http://www.gov.cn/a.htm", 200, "OK",
    ...         [("Content-Type", "text/html")], "<p>通知</p>".encode(), fetched_at)
    >>> log = CaptureLog(db)
    >>> runs = RunLog(db)
    >>> run = runs.start_run("gov", fetched_at)
    >>> capture_id = log.add(NewCapture(run_id=run, source="gov", url="http://www.gov.cn/a.htm",
    ...     status_code=200, content_type="text/html", fetched_at=fetched_at, location=location))
    >>> [capture.url for capture in log.unprocessed(source="gov")]
    ['http://www.gov.cn/a.htm']
    >>> runs.finish_run(run, datetime(2026, 11, 2, 8, 31), "ok", {"pages_fetched": 1})
    >>> runs.run(run).outcome, runs.run(run).pages_fetched
    ('ok', 1)
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, insert, or_, select, update
from sqlalchemy.orm import aliased
from sqlalchemy.exc import IntegrityError

from storage.database import Database
from core.errors import StoreError
from storage.models import Capture
from storage.runs import RunLog  # noqa: F401 - RunLog: the example
from storage.times import as_stored
from storage.warc import RefersTo, WarcLocation, WarcWriter  # noqa: F401 - WarcWriter: the example

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class NewCapture:
    """A fetched response whose WARC record is on disk, to be recorded as a `Capture` row.

    A capture with nothing to extract (a listing page, robots.txt, an error
    page) has `needs_processing=False`: it is marked processed at once, so
    `CaptureLog.unprocessed()` only ever lists work that is still to do.
    """

    run_id: int | None
    source: str
    url: str
    status_code: int
    content_type: str | None
    fetched_at: datetime
    location: WarcLocation
    needs_processing: bool = True
    etag: str | None = None
    last_modified: str | None = None
    revisit: str | None = None
    refers_to_id: int | None = None
    #: Why a response that looked like an article is not processed (a body cut short), kept as
    #: the row's process_error: such a capture is never the base of a revisit, nor reprocessed.
    not_processed: str | None = None
    #: Written already claimed (`storage.capture_claims`) by the crawl that will process it itself.
    claimed_by: str | None = None
    claimed_until: datetime | None = None

    def row(self) -> dict:
        """The column values of the new `Capture` row."""
        location = self.location
        return dict(
            run_id=self.run_id, source=self.source, url=self.url, status_code=self.status_code,
            content_type=self.content_type, fetched_at=as_stored(self.fetched_at),
            warc_file=location.warc_file, warc_offset=location.offset, warc_length=location.length,
            warc_record_id=location.record_id, payload_sha256=location.payload_sha256,
            processed_at=None if self.needs_processing else as_stored(self.fetched_at),
            process_error=self.not_processed,
            etag=self.etag, last_modified=self.last_modified, revisit=self.revisit,
            refers_to_id=self.refers_to_id,
            claimed_by=self.claimed_by if self.needs_processing else None,
            claimed_until=as_stored(self.claimed_until) if self.needs_processing and self.claimed_until else None,
        )


@dataclass(frozen=True)
class LastCapture:
    """The last capture of a URL that showed its content, as the next crawl of it needs it.

    `etag` and `last_modified` are the validators to send back; `original_id`
    is the capture whose response record holds the payload (the capture
    itself, or the one a revisit refers to), with its record id, URL, time
    and payload digest, for a revisit record to name.
    """

    url: str
    etag: str | None
    last_modified: str | None
    original_id: int
    original_record_id: str
    original_url: str
    original_fetched_at: datetime
    payload_sha256: str

    def refers_to(self) -> RefersTo:
        """What a revisit of this URL refers to (`storage.warc.WarcWriter.write_revisit`)."""
        return RefersTo(self.original_record_id, self.original_url, self.original_fetched_at, self.payload_sha256)


class CaptureLog:
    """Captures: the rows a crawl writes for what it fetched, and the reads processing needs.

    The runs those captures belong to are `storage.runs.RunLog`'s.
    """

    def __init__(self, db: Database) -> None:
        self.db = db

    def add(self, capture: NewCapture) -> int:
        """Record a capture whose WARC record is already on disk; return its id.

        Adding the same location twice returns the first row's id, so a retry
        (or a recovery that got there first) does no harm.
        """
        location = capture.location
        # A plain INSERT, not the ORM unit of work: this runs once per fetched
        # page on the crawl's reactor thread, where every millisecond is a page.
        try:
            with self.db.engine.begin() as connection:
                return connection.execute(
                    insert(Capture).values(**capture.row()).returning(Capture.id)
                ).scalar_one()
        except IntegrityError as exc:
            with self.db.session() as session:
                existing = session.scalar(
                    select(Capture).where(
                        Capture.warc_file == location.warc_file, Capture.warc_offset == location.offset
                    )
                )
            if existing is not None and existing.warc_record_id == location.record_id:
                return existing.id
            raise StoreError(
                f"Cannot add the capture of {capture.url} at {location.warc_file}:{location.offset}: "
                f"{exc.orig}. Another row already claims this WARC record."
            ) from exc

    def add_many(self, captures: list[NewCapture]) -> list[int]:
        """Record several captures in one transaction; return their ids in the same order.

        Their WARC records must all be on disk already. This is how a crawl records the responses that
        arrived while the previous group was being written: one commit, and on
        SQLite one wait for the write lock, per group instead of per page.
        """
        if not captures:
            return []
        values = [capture.row() for capture in captures]
        try:
            with self.db.engine.begin() as connection:
                # Matched back by record id (unique), not by asking for the rows in
                # parameter order: SQLAlchemy can promise that order on SQLite only
                # one INSERT per row, and those cost a recrawl's capture thread a
                # tenth of a millisecond a page, taken from the reactor's GIL time.
                result = connection.execute(insert(Capture).returning(Capture.id, Capture.warc_record_id), values)
                ids = {record_id: capture_id for capture_id, record_id in result}
            return [ids[row["warc_record_id"]] for row in values]
        except IntegrityError:
            # One of them is already known (a recovery got there first): add them one by one.
            return [self.add(capture) for capture in captures]

    def get(self, capture_id: int) -> Capture:
        """One capture by id; StoreError if there is none."""
        with self.db.session() as session:
            capture = session.get(Capture, capture_id)
        if capture is None:
            raise StoreError(f"There is no capture {capture_id}.")
        return capture

    def last_captures(self, source: str) -> dict[str, LastCapture]:
        """For each URL of `source` fetched whole before, its last capture that showed its content.

        That is the newest 200 response, identical-payload revisit or 304
        revisit of the URL whose processing did not fail. One query for the whole source: a crawl asks once,
        at its start, not once per request.
        """
        newest = (
            select(func.max(Capture.id).label("id"))
            .where(
                Capture.source == source,
                or_(Capture.status_code == 200, and_(Capture.status_code == 304, Capture.refers_to_id.is_not(None))),
                # A capture whose processing failed (a full disk, a worker that died) is
                # no base for a revisit: the same bytes again must be processed, not skipped.
                Capture.process_error.is_(None),
            )
            .group_by(Capture.url)
            .subquery()
        )
        original = aliased(Capture)
        query = (
            select(
                Capture.url, Capture.etag, Capture.last_modified, original.id, original.warc_record_id,
                original.url, original.fetched_at, original.payload_sha256,
            )
            .join(newest, Capture.id == newest.c.id)
            .join(original, original.id == func.coalesce(Capture.refers_to_id, Capture.id))
        )
        with self.db.session() as session:
            return {row[0]: LastCapture(*row) for row in session.execute(query)}

    def unprocessed(self, source: str | None = None) -> list[Capture]:
        """Captures processing has not handled yet, oldest first."""
        query = select(Capture).where(Capture.processed_at.is_(None))
        if source is not None:
            query = query.where(Capture.source == source)
        with self.db.session() as session:
            return list(session.scalars(query.order_by(Capture.fetched_at, Capture.id)))

    def for_reprocess(self, source: str | None = None) -> list[Capture]:
        """The captures `dangan reprocess` runs again, oldest first.

        For each document, only its newest successful capture that holds a
        payload (a revisit record holds none; the capture it stands for holds the
        same bytes): running the
        new rules over older captures too would record their older texts as
        new versions, as if the site had reverted. Plus every successful
        capture whose processing failed and that belongs to no document yet,
        since better rules may now read it.
        """
        newest = (
            select(Capture.document_id, func.max(Capture.id).label("capture_id"))
            .where(Capture.document_id.is_not(None), Capture.status_code >= 200, Capture.status_code < 300,
                   Capture.revisit.is_(None))
            .group_by(Capture.document_id)
            .subquery()
        )
        latest = select(Capture).join(newest, Capture.id == newest.c.capture_id)
        failed = select(Capture).where(
            Capture.document_id.is_(None),
            Capture.process_error.is_not(None),
            # A body cut short stays unversioned whatever the rules: it is not the page.
            Capture.process_error.not_like("cut short:%"),
            Capture.status_code >= 200,
            Capture.status_code < 300,
        )
        if source is not None:
            latest = latest.where(Capture.source == source)
            failed = failed.where(Capture.source == source)
        with self.db.session() as session:
            found = list(session.scalars(latest)) + list(session.scalars(failed))
        return sorted(found, key=lambda capture: (capture.fetched_at, capture.id))

    def mark_failed(self, capture_id: int, error: str, at: datetime) -> None:
        """Note that processing this capture failed, and why; it is not offered again."""
        with self.db.session(write=True) as session:
            changed = session.execute(
                update(Capture)
                .where(Capture.id == capture_id)
                .values(processed_at=as_stored(at), process_error=error)
            ).rowcount
            session.commit()
        if not changed:
            raise StoreError(f"There is no capture {capture_id} to mark failed.")
