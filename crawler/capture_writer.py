"""Capturing fetched responses on a thread of their own, a group at a time.

Keeping a response safe costs a gzip compression, an fsync of the WARC file
and a database commit (on SQLite, also a wait for the write lock while a
processing worker records a version). Done on the reactor thread, page by
page, those waits stopped downloading and made capturing the slowest part of
a crawl. `CaptureWriter` does them on one thread of its own: responses that
arrive while it is busy are captured together, with one fsync and one commit
for the group.

The order that makes a crash harmless is kept for every group: all its WARC
records are written and fsynced before any of its capture rows is committed.
A process killed in between leaves WARC records without rows, which the next
crawl's `recover_orphans` registers.

A page the capture pipeline found to be a revisit (`FetchedPage.revisit`) is
written as a WARC revisit record referring to the capture that holds its
payload; once the group's rows are committed, the versions those captures
showed are marked seen again (`VersionStore.mark_seen`), in one transaction
for the group.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass

from twisted.internet.defer import Deferred
from twisted.python.failure import Failure

from crawler.items import FetchedPage
from storage.captures import CaptureLog, NewCapture
from core.errors import DanganError, DiskFullError, StoreError
from storage.disk_space import disk_full_error, is_disk_full
from storage.versions import VersionStore
from storage.warc import NOT_MODIFIED, TRUNCATED_BY_DISCONNECT, WarcLocation, WarcWriter

log = logging.getLogger(__name__)

#: At most this many responses are captured with one fsync and one commit. While
#: the reactor is busy fetching, this thread gets the GIL only in slices (each time
#: it lets go of it, for zlib, a write or an SQLite statement, it waits for the
#: reactor to yield), so on a recrawl of unchanged pages its queue grows to
#: hundreds of 304s, captured once the fetching is done. Groups of 512 write them
#: with a few fsyncs and commits rather than dozens (64: 0.2-0.6 s slower on the
#: 2,000-page recrawl of bench.recrawl_bench); responses are queued either way,
#: so a group costs no more memory than the queue holds already.
MAX_GROUP = 512


@dataclass
class _Pending:
    page: FetchedPage
    reason: str
    needs_processing: bool
    done: Deferred
    settled: bool = False


class CaptureWriter:
    """Captures `FetchedPage`s (WARC record, then capture row) from a background thread.

    `capture(page, …)` returns a Deferred that fires on the reactor thread
    with the new capture id once the response is on disk and recorded, or
    fails with a `DanganError` saying why it could not be kept.
    """

    def __init__(
        self, warc: WarcWriter, captures: CaptureLog, versions: VersionStore, *, run_id: int | None, source: str,
        claim: Callable[[], dict] | None = None,
    ) -> None:
        from twisted.internet import reactor

        self._reactor = reactor
        self.warc = warc
        self.captures = captures
        self.versions = versions
        self.run_id = run_id
        self.source = source
        # Gives the claim columns of a capture this crawl will process itself
        # (`storage.capture_claims.Claimant.claim_values`); None leaves captures unclaimed.
        self.claim = claim
        self._queue: queue.Queue[_Pending | None] = queue.Queue()
        #: The first full-disk error met; later ones are the same news and are not logged again.
        self.disk_full: DiskFullError | None = None
        self._thread = threading.Thread(target=self._run, name="dangan-capture-writer", daemon=True)
        self._thread.start()

    def capture(self, page: FetchedPage, *, reason: str, needs_processing: bool) -> Deferred:
        """Queue `page` to be captured; `reason` is the HTTP reason phrase for its WARC record.

        `needs_processing` is stored on the capture row, so a page whose
        processing never finished is found again by the next crawl.
        """
        done: Deferred = Deferred()
        self._queue.put(_Pending(page, reason, needs_processing, done))
        return done

    def close(self) -> None:
        """Capture what is queued, then stop the thread (blocks until it has)."""
        self._queue.put(None)
        self._thread.join()

    def _run(self) -> None:
        stopping = False
        while not stopping:
            first = self._queue.get()
            if first is None:
                return
            group = [first]
            while len(group) < MAX_GROUP:
                try:
                    following = self._queue.get_nowait()
                except queue.Empty:
                    break
                if following is None:
                    stopping = True
                    break
                group.append(following)
            try:
                self._capture_group(group)
            except Exception as exc:  # noqa: BLE001 - this thread must outlive any failure, or the crawl waits forever
                log.exception("capturing a group of %d responses failed", len(group))
                error = StoreError(f"capturing failed: {type(exc).__name__}: {exc}")
                for pending in group:
                    if not pending.settled:
                        self._fail(pending, error)

    def _capture_group(self, group: list[_Pending]) -> None:
        written: list[tuple[_Pending, NewCapture]] = []
        for pending in group:
            page = pending.page
            try:
                location = self._write(pending)
            except DanganError as exc:
                self._fail(pending, exc)
                continue
            etag, last_modified = _validators(page)
            written.append((pending, NewCapture(
                run_id=self.run_id, source=self.source, url=page.url, status_code=page.status,
                content_type=page.content_type, fetched_at=page.fetched_at, location=location,
                needs_processing=pending.needs_processing, etag=etag, last_modified=last_modified,
                revisit=page.revisit, not_processed=f"cut short: {page.cut_short}" if page.cut_short else None,
                refers_to_id=page.last_capture.original_id if page.revisit and page.last_capture else None,
                **(self.claim() if self.claim is not None and pending.needs_processing else {}),
            )))
        if not written:
            return
        try:
            self.warc.sync()
            ids = self.captures.add_many([capture for _, capture in written])
        except DanganError as exc:
            for pending, _ in written:
                self._fail(pending, exc)
            return
        except Exception as exc:  # noqa: BLE001 - a database driver error must still reach each page
            what = f"could not record {len(written)} captures in the database"
            if is_disk_full(exc):
                error: StoreError = disk_full_error(self.warc.data_dir, what, exc)
            else:
                error = StoreError(f"{what}: {type(exc).__name__}: {exc}")
            for pending, _ in written:
                self._fail(pending, error)
            return
        self._mark_seen([capture for _, capture in written if capture.refers_to_id is not None])
        settled = []
        for (pending, _), capture_id in zip(written, ids):
            pending.settled = True
            settled.append((pending.done, capture_id))
        # One wake-up of the reactor for the whole group: each callFromThread
        # writes to the reactor's waker pipe and makes it run a loop iteration,
        # which, once per page, cost a recrawl of unchanged pages a visible share
        # of its reactor time.
        self._reactor.callFromThread(_fire_all, settled)

    def _write(self, pending: _Pending) -> WarcLocation:
        page = pending.page
        if page.revisit and page.last_capture is not None:
            return self.warc.write_revisit(
                page.url, page.status, pending.reason, page.headers, page.fetched_at,
                profile=page.revisit, refers_to=page.last_capture.refers_to(), body=page.body, sync=False,
            )
        return self.warc.write_response(
            page.url, page.status, pending.reason, page.headers, page.body, page.fetched_at, sync=False,
            truncated=TRUNCATED_BY_DISCONNECT if page.cut_short else None,
        )

    def _mark_seen(self, revisits: list[NewCapture]) -> None:
        """Move last_seen for what the revisits saw again; the captures are safe whatever happens here."""
        if not revisits:
            return
        try:
            self.versions.mark_seen([(capture.refers_to_id, capture.fetched_at) for capture in revisits])
        except Exception as exc:  # noqa: BLE001 - the pages are captured; only their last_seen is late
            log.error("could not mark %d unchanged page(s) as seen again: %s: %s; "
                      "the next crawl that finds them unchanged will", len(revisits), type(exc).__name__, exc)

    def _fail(self, pending: _Pending, error: Exception) -> None:
        pending.settled = True
        if isinstance(error, DiskFullError):
            # One clear line for a full disk, not one per page still queued.
            if self.disk_full is None:
                self.disk_full = error
                log.error("%s", error)
            else:
                log.debug("could not capture %s: %s", pending.page.url, error)
        else:
            log.error("could not capture %s: %s", pending.page.url, error)
        self._reactor.callFromThread(pending.done.errback, Failure(error))


def _fire_all(settled: list[tuple[Deferred, int]]) -> None:
    """On the reactor thread: fire each captured page's Deferred with its capture id."""
    for done, capture_id in settled:
        done.callback(capture_id)


def _validators(page: FetchedPage) -> tuple[str | None, str | None]:
    """The ETag and Last-Modified to keep for `page`; a 304 that repeats neither keeps the ones it answered."""
    etag = last_modified = None
    for name, value in page.headers:
        lowered = name.lower()
        if lowered == "etag":
            etag = value
        elif lowered == "last-modified":
            last_modified = value
    if page.revisit == NOT_MODIFIED and page.last_capture is not None:
        etag = etag or page.last_capture.etag
        last_modified = last_modified or page.last_capture.last_modified
    return etag, last_modified
