"""Process captures on every core in a `WorkerPool`; each worker records what it processed.

Extraction is CPU work (HTML parsing, trafilatura), measured in tens of
milliseconds a page. A crawl's Twisted reactor must never wait for it, and a
reprocess run over a whole archive should use every core. So the work goes to
a `ProcessPoolExecutor`, and only small, quick database writes happen in the
process that owns the pool:

- each worker gets a `CaptureJob` (the body, or the name, offset and length
  of its WARC record, read through the worker's own `storage.warc_archive.WarcArchive`
  over the pool's WARC root: a job never carries a local path, so the same job
  runs on any machine that mounts the WARC root) and runs `process_and_record` on it: `read_body` reads the body and
  `process_article` runs `pipeline.process.process_page`, then the result is recorded
  with `VersionStore.record` (or the capture marked failed), in one short
  transaction, through the worker's own database connection;
- the parent only hands out jobs and tallies the `JobResult`s that come back.

Recording in the workers keeps the crawl's reactor process, which is already
busy fetching and capturing, free of versioning work: on two cores the parent
would otherwise be the bottleneck. Writers do not race each other: SQLite
takes its write lock at BEGIN (`Database.session(write=True)`), and
`VersionStore.record` retries when two writers create the same document.

The pool bounds the jobs in flight (``workers × queue_per_worker``) so a fast
crawl over a slow extractor keeps memory flat: `try_submit` says no when full,
`submit` collects finished results until there is room.

The pool is reactor-agnostic. A crawl calls `collect()` from a Twisted looping
call; ``dangan reprocess`` just calls `submit` in a loop and `drain` at the end.

Example:
    >>> with WorkerPool(db, warc_root=data_dir, workers=2, on_result=print) as pool:
    ...     for capture in CaptureLog(db).unprocessed(source="xiangtan-gov"):
    ...         pool.submit(CaptureJob.from_capture(capture))
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
import signal
from collections import Counter
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from core import settings as defaults
from core.article import Article
from pipeline.parent_watch import exit_with
from storage.captures import CaptureLog
from storage.database import Database, open_database
from core.errors import DanganError, ExtractionError, NotHtmlError, PageError, StoreError, WarcIntegrityError
from storage.times import utc_now
from storage.versions import Outcome, PageRecord, VersionStore
from storage.warc_archive import WarcArchive, open_warc_archive, read_record
from storage.display_texts import restore_display_text

if TYPE_CHECKING:
    from pipeline.process import ProcessedPage

log = logging.getLogger(__name__)

#: How much lower than their parent's the workers' scheduling priority is.
#: Extraction is batch work; the crawl's reactor is what keeps pages coming.
#: When every core is busy, a reactor waiting for CPU behind extraction lets
#: fetching stall and the workers then starve, so the workers yield to it.
WORKER_NICENESS = 5

#: Modules the forkserver imports once, so every worker forked from it starts
#: with them loaded: the processing stack (`process_page`: decode, extraction,
#: trafilatura, lxml), this module (`process_and_record`) and the store
#: (`VersionStore`, SQLAlchemy). multiprocessing skips a name that does not
#: import without a word, so a test checks each one.
WORKER_PRELOAD = ("pipeline.process", "pipeline.workers", "storage.versions")


@dataclass(frozen=True)
class CaptureJob:
    """One capture to process: its body in memory, or which WARC record to read it from.

    A crawl passes the body it just fetched. Resuming, reprocessing and
    `dangan process` pass the record's name (relative to the WARC root),
    offset and length instead, so the worker, not the busy parent, does the
    reading and decompressing, through its own WARC archive: no path of the
    machine that made the job travels with it.
    """

    capture_id: int
    source: str
    url: str
    content_type: str | None
    fetched_at: datetime
    body: bytes | None = None
    warc_file: str | None = None
    warc_offset: int | None = None
    # The record's stored length and payload digest: a body read back from a
    # WARC file is checked against them before it is processed.
    warc_length: int | None = None
    payload_sha256: str | None = None
    reprocessed: bool = False
    # Set for a version still holding the comparison form (schema 0004): the job only
    # gives that version its display text back (`storage.display_texts`), if the words match.
    restore_version_id: int | None = None

    @classmethod
    def from_capture(cls, capture, *, reprocessed: bool = False) -> "CaptureJob":
        """A job for a stored `Capture` row, read back from its WARC record by the worker."""
        return cls(
            capture_id=capture.id,
            source=capture.source,
            url=capture.url,
            content_type=capture.content_type,
            fetched_at=capture.fetched_at,
            warc_file=capture.warc_file,
            warc_offset=capture.warc_offset,
            warc_length=capture.warc_length,
            payload_sha256=capture.payload_sha256,
            reprocessed=reprocessed,
        )


@dataclass(frozen=True)
class JobResult:
    """What became of one job, handed to the pool's `on_result` callback.

    `outcome` is None when processing or recording failed; `error` then says why.
    """

    capture_id: int
    url: str
    outcome: Outcome | None
    document_id: int | None = None
    version_number: int | None = None
    error: str | None = None
    decode_fallback: bool = False
    encoding_reason: str | None = None
    # For a restore job: whether the version got its display text back.
    restored: bool = False
    # The capture's WARC record failed its length or digest check: the stored
    # bytes are not what was fetched, so nothing was processed.
    damaged: bool = False
    #: For outcome EMPTY: why the page has no article text.
    empty_reason: str | None = None
    #: The body is not a web page at all (a PNG or PDF served as one, `pipeline.sniff`):
    #: archived, never versioned, and counted apart from the errors.
    not_html: bool = False


class _WorkerStore:
    """The database handles of one worker process, opened once by `_start_worker`."""

    versions: VersionStore | None = None
    captures: CaptureLog | None = None
    warc: WarcArchive | None = None


def _start_worker(db_url: str, warc_root: str | None = None, owner_pid: int | None = None) -> None:
    """Executor initializer: end with the pool's owner (`owner_pid`), open this worker's own store and WARC archive."""
    if owner_pid is not None:
        exit_with(owner_pid)
    # Ctrl-C reaches the whole process group; stopping is the owner's call (it lets the
    # jobs in hand finish and be recorded), and a worker that died of it would fail them.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(os, "nice"):
        os.nice(WORKER_NICENESS)
    db = open_database(db_url)
    _WorkerStore.versions = VersionStore(db)
    _WorkerStore.captures = CaptureLog(db)
    _WorkerStore.warc = open_warc_archive(warc_root) if warc_root is not None else None
    # What the worker holds now (modules, the database engine) lives as long as
    # it does; frozen, the collector's full passes skip it for every page after.
    gc.freeze()


def read_body(job: CaptureJob) -> bytes:
    """The job's body: the one it carries, or the one read back from its WARC record; runs in a worker.

    A body read from a WARC record (through the worker's `WarcArchive`) is
    first checked against the capture's stored length and payload digest
    (`storage.warc_archive.read_record`).
    Raises a DanganError naming the URL when the body cannot be read or fails
    that check: such a capture is a failure (never processed), not a page
    without text.
    """
    if job.body is not None:
        return job.body
    if job.warc_file is None or job.warc_offset is None or job.warc_length is None:
        raise ExtractionError(job.url, "the job carries neither a body nor a WARC location")
    archive = _WorkerStore.warc
    if archive is None:
        raise StoreError(f"{job.url}: this processing worker has no WARC root to read its record from; "
                         "give the WorkerPool a warc_root (DANGAN_WARC_ROOT).")
    try:
        # A record edited since it was written (even in valid gzip) must not become
        # a version: the history would say the site changed. WarcIntegrityError says how.
        return read_record(archive, job.warc_file, job.warc_offset, job.warc_length, job.payload_sha256).body
    except DanganError:
        raise
    except Exception as exc:  # noqa: BLE001 - an unreadable file is this capture's failure
        raise StoreError(f"{job.url}: cannot read its WARC record: {type(exc).__name__}: {exc}") from None


def process_article(job: CaptureJob, body: bytes) -> tuple[ProcessedPage | None, str | None]:
    """Process an article page's body; return the page (None if it could not be read) and why it has no text.

    The job was submitted as an article (its URL matches the source's
    article_urls), so whatever happens it is to become a document: a page
    that cannot be decoded or parsed, or holds no article text
    (`require_article_text`), comes back with the reason, to be stored as an
    empty version; a body that is not HTML at all (`pipeline.sniff`) raises
    NotHtmlError instead, and its capture is marked failed. An unexpected exception from a parser deep inside
    extraction is such a page too, and its type and message are the reason.
    """
    # Imported here, not at the top: the process that hands out jobs (a
    # crawl's reactor) never extracts, and the extraction stack (trafilatura,
    # lxml) is already loaded in each worker by the forkserver's preload.
    from pipeline.process import process_page, require_article_text

    try:
        page = process_page(body, job.content_type, job.url)
    except NotHtmlError:
        raise  # a PNG or PDF served as a page is no article, not even an empty one: the capture fails
    except PageError as exc:
        return None, exc.reason
    except Exception as exc:  # noqa: BLE001 - see the docstring
        return None, f"{type(exc).__name__}: {exc}"
    try:
        require_article_text(page, job.url)
    except ExtractionError as exc:
        return page, exc.reason
    return page, None


def process_and_record(job: CaptureJob) -> JobResult:
    """Read and process one job's page and record what came of it; runs in a worker process.

    Returns the `JobResult` for the parent to count. A page without text is
    recorded as an empty version (outcome EMPTY, see `process_article`); a
    capture that cannot be read or recorded is marked failed. Only a failure
    to reach the database at all escapes as an exception (the parent then
    marks the capture failed itself).
    """
    versions, captures = _WorkerStore.versions, _WorkerStore.captures
    if versions is None or captures is None:
        raise StoreError("the processing worker has no database; it must be started by WorkerPool")
    try:
        page, empty_reason = process_article(job, read_body(job))
        if job.restore_version_id is not None:
            restored = page is not None and restore_display_text(
                versions.db, job.restore_version_id, page.article.text, page.text_sha256
            )
            return JobResult(capture_id=job.capture_id, url=job.url, outcome=Outcome.UNCHANGED, restored=restored)
        record = _page_record(job, page, empty_reason)
        stored = versions.record(record, reprocessed=job.reprocessed)
    except DanganError as exc:
        error = str(exc) if isinstance(exc, PageError) else f"{job.url}: {exc}"
        captures.mark_failed(job.capture_id, error, utc_now())
        return JobResult(capture_id=job.capture_id, url=job.url, outcome=None, error=error,
                         damaged=isinstance(exc, WarcIntegrityError), not_html=isinstance(exc, NotHtmlError))
    return JobResult(
        capture_id=job.capture_id,
        url=record.url,
        outcome=stored.outcome,
        document_id=stored.document_id,
        version_number=stored.version_number,
        decode_fallback=page.decode_fallback if page is not None else False,
        encoding_reason=page.encoding_reason if page is not None else None,
        empty_reason=empty_reason,
    )


def _page_record(job: CaptureJob, page: ProcessedPage | None, empty_reason: str | None) -> PageRecord:
    if page is None:
        # Nothing could be read from the bytes: the document is the fetched URL, its text empty.
        from core.urls import canonicalize_url
        from pipeline.extract import EXTRACTOR_VERSION
        from pipeline.fingerprint import text_sha256

        return PageRecord(
            url=canonicalize_url(job.url), source=job.source, capture_id=job.capture_id, seen_at=job.fetched_at,
            article=Article(text=""), text_sha256=text_sha256(""), extractor_version=EXTRACTOR_VERSION,
            empty_reason=empty_reason,
        )
    return PageRecord(
        url=page.url,
        source=job.source,
        capture_id=job.capture_id,
        seen_at=job.fetched_at,
        article=page.article,
        text_sha256=page.text_sha256,
        encoding=page.encoding,
        encoding_reason=page.encoding_reason,
        extractor_version=page.extractor_version,
        empty_reason=empty_reason,
        signature=page.signature,
    )


def default_workers() -> int:
    """One worker per core: processing is CPU-bound and the parent mostly waits on I/O."""
    return os.cpu_count() or 1


def _mp_context() -> multiprocessing.context.BaseContext:
    """Forkserver where the platform has it, spawn otherwise; never plain fork.

    Forking a process that runs a Twisted reactor, threads and open database
    connections copies all of them into the child in whatever state they are
    in. A forkserver starts clean and forks workers from that clean process,
    with the processing modules already imported, so workers start quickly.
    """
    methods = multiprocessing.get_all_start_methods()
    if "forkserver" in methods:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(list(WORKER_PRELOAD))
        return context
    return multiprocessing.get_context("spawn")


def start_worker_server() -> None:
    """Start the process that workers are forked from now, rather than at the first job.

    Optional: a `WorkerPool` starts it when it first needs a worker (and
    waits for its imports then). A crawl that will process pages calls this
    when it opens, so the server's imports (trafilatura, lxml, SQLAlchemy) run
    on a second core while the first pages are fetched, instead of delaying
    the first processed page; a recrawl of unchanged pages never needs it.
    """
    context = _mp_context()
    if context.get_start_method() == "forkserver":
        from multiprocessing import forkserver

        forkserver.ensure_running()


class WorkerPool:
    """Worker processes that process and record captures; the parent hands out jobs and counts.

    `on_result(JobResult)` is called in the parent, from whichever call
    collected the result (`collect`, `submit` or `drain`), after the worker
    has committed it. `counts` tallies outcomes by name (``new_document``, …,
    ``errors``, ``decode_fallback``) for callers that want a summary.

    `warc_root` is where the workers read the records of jobs that carry no
    body (`storage.warc_archive.open_warc_archive`); a pool without one takes
    only jobs with their body.
    """

    def __init__(
        self,
        db: Database,
        *,
        warc_root: str | Path | None = None,
        workers: int | None = None,
        queue_per_worker: int | None = None,
        on_result: Callable[[JobResult], None] | None = None,
        on_done: Callable[[], None] | None = None,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.workers = workers or default_workers()
        self.max_in_flight = self.workers * (queue_per_worker or defaults.DANGAN_PROCESS_QUEUE_PER_WORKER)
        self.on_result = on_result
        # Called from the executor's own thread as each job finishes, so an
        # event loop can collect at once instead of polling; it must only
        # hand over to the loop (e.g. reactor.callFromThread), never record.
        self.on_done = on_done
        self.counts: Counter[str] = Counter()
        self._clock = clock
        self._db_url = db.url
        # A string, as the workers get it: each opens its own archive over it (`open_warc_archive`).
        self._warc_root = str(warc_root) if warc_root is not None else None
        # The parent writes only when a worker died and cannot report its own job.
        self._captures = CaptureLog(db)
        # Each future with its job and the executor it went to (see _replace_broken_executor).
        self._in_flight: dict[Future, tuple[CaptureJob, ProcessPoolExecutor]] = {}
        self._executor = self._new_executor()
        self._closed = False
        self._disk_full_seen = False

    def _new_executor(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=self.workers, mp_context=_mp_context(), initializer=_start_worker,
            initargs=(self._db_url, self._warc_root, os.getpid()),
        )

    @property
    def in_flight(self) -> int:
        """Jobs submitted whose results have not been recorded yet."""
        return len(self._in_flight)

    @property
    def has_room(self) -> bool:
        return len(self._in_flight) < self.max_in_flight

    def try_submit(self, job: CaptureJob) -> bool:
        """Queue `job` if there is room and return True; return False, queueing nothing, if full.

        For callers that must not block (the crawl's reactor): they retry later.
        """
        if self._closed:
            raise RuntimeError("WorkerPool is closed")
        if not self.has_room:
            return False
        try:
            future = self._executor.submit(process_and_record, job)
        except BrokenProcessPool:
            self._replace_broken_executor()
            future = self._executor.submit(process_and_record, job)
        self._in_flight[future] = (job, self._executor)
        if self.on_done is not None:
            future.add_done_callback(self._notify_done)
        return True

    def _notify_done(self, _future: Future) -> None:
        if self.on_done is not None:
            self.on_done()

    def submit(self, job: CaptureJob) -> None:
        """Queue `job`, first recording finished results until there is room (blocks)."""
        while not self.try_submit(job):
            self.collect(timeout=None)

    def collect(self, timeout: float | None = 0) -> int:
        """Record every finished job and return how many were recorded.

        `timeout=0` never blocks; `timeout=None` waits until at least one job
        finishes (if any are in flight); a number waits at most that long.
        """
        if not self._in_flight:
            return 0
        if timeout == 0:
            done = [future for future in self._in_flight if future.done()]
        else:
            done, _ = wait(list(self._in_flight), timeout=timeout, return_when=FIRST_COMPLETED)
        broken = False
        for future in done:
            job, executor = self._in_flight.pop(future)
            broken |= self._record(job, future) and executor is self._executor
        if broken:
            self._replace_broken_executor()
        return len(done)

    def drain(self) -> None:
        """Wait for and record every job in flight."""
        while self._in_flight:
            self.collect(timeout=None)

    def close(self) -> None:
        """Drain, then stop the worker processes. The pool cannot be used afterwards."""
        if self._closed:
            return
        try:
            self.drain()
        finally:
            self._closed = True
            self._executor.shutdown(wait=True)

    def __enter__(self) -> "WorkerPool":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def _record(self, job: CaptureJob, future: Future) -> bool:
        """Count one finished job (the worker has stored it); return True if the pool broke."""
        try:
            result: JobResult = future.result()
        except BrokenProcessPool as exc:
            # A worker died (killed, out of memory, a crash in C code). The job
            # may or may not be the cause; it is marked failed so it is counted
            # and `dangan reprocess` can retry it, rather than lost.
            self._fail(job, f"{job.url}: the worker process died while processing it ({exc})")
            return True
        except Exception as exc:  # noqa: BLE001 - e.g. the worker could not reach the database
            self._fail(job, f"{job.url}: {type(exc).__name__}: {exc}")
            return False
        if result.outcome is None:
            log.warning("processing failed for capture %s: %s", job.capture_id, result.error)
            self.counts["errors"] += 1
        else:
            self.counts[result.outcome.value] += 1
            if result.outcome is Outcome.EMPTY:
                log.warning("%s: stored as an empty version: %s", result.url, result.empty_reason)
            if result.decode_fallback:
                self.counts["decode_fallback"] += 1
                log.info("%s: encoding guessed (%s)", job.url, result.encoding_reason)
        self._emit(result)
        return False

    def _fail(self, job: CaptureJob, error: str) -> None:
        # A full disk fails every job alike, and the crawl reports it once; say it here once too.
        disk_full = "disk is full" in error or "No space left" in error
        quiet = disk_full and self._disk_full_seen
        self._disk_full_seen |= disk_full
        log.log(logging.DEBUG if quiet else logging.WARNING,
                "processing failed for capture %s: %s", job.capture_id, error.splitlines()[0])
        self.counts["errors"] += 1
        try:
            self._captures.mark_failed(job.capture_id, error, self._clock())
        except Exception as exc:  # noqa: BLE001 - a full disk or a lost database must not stop the counting
            # The capture stays unprocessed, so the next crawl or reprocess retries it.
            log.log(logging.DEBUG if disk_full else logging.ERROR,
                    "could not mark capture %s failed: %s", job.capture_id, str(exc).splitlines()[0])
        self._emit(JobResult(capture_id=job.capture_id, url=job.url, outcome=None, error=error))

    def _emit(self, result: JobResult) -> None:
        if self.on_result is not None:
            self.on_result(result)

    def _replace_broken_executor(self) -> None:
        """Start fresh workers after one died.

        Jobs still queued in the dead pool finish with BrokenProcessPool and are
        marked failed when collected; they are told apart from a new breakage by
        the executor they were submitted to.
        """
        log.error("a processing worker died; starting a new pool of %d workers", self.workers)
        broken = self._executor
        # A worker the broken pool started while it was breaking (a job submitted just
        # as one died) is never stopped by it, and the pool's manager thread waits for
        # it for ever: the crawl then recorded its run and hung at exit (seen once in
        # 50 kill -9 trials of `bench.kill_bench`, on Python 3.11). Nothing of a
        # broken pool is of use, so whatever it still runs is killed here. The list
        # is taken before `shutdown`, which lets go of it (tests/breaking_pool.py).
        leftovers = list((getattr(broken, "_processes", None) or {}).values())
        broken.shutdown(wait=False, cancel_futures=True)
        for process in leftovers:
            # `exitcode` asks the forkserver first: a worker already dead and reaped is
            # not signalled, since its pid may belong to another process by now.
            if process.exitcode is None:
                process.kill()
        self._executor = self._new_executor()
