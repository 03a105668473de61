"""Keep every fetched response safely, then hand articles to the processing pool.

`WarcCapturePipeline` is the item pipeline that ends the crawler's part of a
page's life: the response is appended to a gzipped WARC file (fsynced), then
its `Capture` row is committed. Only then is an article page submitted to a
`WorkerPool`, whose worker processes decode and extract it while the
reactor goes on downloading.

Crash safety comes from that order. A process killed at any point leaves:
a WARC record with no row (added by `recover_orphans` at the next start), a
row not yet processed (re-submitted at the next start), or a processed row
(its version committed in the same transaction). Nothing is half-written and
nothing is recorded twice.

Stats: ``dangan/captured``, ``dangan/new_document``, ``dangan/new_version``,
``dangan/unchanged``, ``dangan/duplicate``, ``dangan/gone``,
``dangan/errors``, ``dangan/decode_fallback``, ``dangan/orphans_recovered``,
``dangan/resubmitted``, ``dangan/capture_failed`` and ``dangan/run_id``.
"""

from __future__ import annotations

import logging
from collections import deque
from http import HTTPStatus
from pathlib import Path

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.utils.defer import maybe_deferred_to_future

from core import settings as defaults
from crawler.archive_writer import ArchiveWriter
from crawler.items import FetchedPage
from core.urls import canonicalize_url
from pipeline.workers import CaptureJob, JobResult, WorkerPool
from storage.captures import CaptureLog
from storage.database import Database, open_database
from core.errors import DanganError
from storage.recovery import recover_orphans
from storage.times import utc_now
from storage.versions import VersionStore
from storage.warc import WarcWriter

log = logging.getLogger(__name__)

GONE_STATUSES = (404, 410)


def database_url_of(settings) -> str:
    """``DANGAN_DB``, or the SQLite file inside ``DANGAN_DATA_DIR``."""
    return defaults.database_url(settings.get("DANGAN_DB"), data_dir_of(settings))


def data_dir_of(settings) -> Path:
    return Path(settings.get("DANGAN_DATA_DIR") or defaults.DANGAN_DATA_DIR)


def run_counts(stats: dict) -> dict[str, int]:
    """A crawl's Scrapy stats as the counts `CaptureLog.finish_run` keeps."""
    return {
        "pages_fetched": stats.get("dangan/captured", 0),
        "new_documents": stats.get("dangan/new_document", 0),
        "new_versions": stats.get("dangan/new_version", 0),
        "unchanged": stats.get("dangan/unchanged", 0),
        "duplicates": stats.get("dangan/duplicate", 0),
        "errors": stats.get("dangan/errors", 0),
    }


class WarcCapturePipeline:
    """Archive each `FetchedPage` to WARC and the capture log; submit articles for processing.

    Settings: ``DANGAN_DATA_DIR``, ``DANGAN_DB``, ``DANGAN_PROCESS_WORKERS``,
    ``DANGAN_PROCESS_QUEUE_PER_WORKER``, ``DANGAN_PROCESS_POLL_INTERVAL``
    (defaults in `crawler.settings`). The spider must carry a ``source``
    (`core.sources.Source`); without one the pipeline switches itself off
    at open time with an error, as nothing could be filed.
    """

    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        self.crawler = crawler
        self.stats = crawler.stats
        self.data_dir = data_dir_of(settings)
        self.db_url = database_url_of(settings)
        self.workers = settings.getint("DANGAN_PROCESS_WORKERS", 0) or None
        self.queue_per_worker = settings.getint(
            "DANGAN_PROCESS_QUEUE_PER_WORKER", defaults.DANGAN_PROCESS_QUEUE_PER_WORKER
        )
        self.poll_interval = settings.getfloat(
            "DANGAN_PROCESS_POLL_INTERVAL", defaults.DANGAN_PROCESS_POLL_INTERVAL
        )
        self.db: Database | None = None
        self.pool: WorkerPool | None = None
        self.warc: WarcWriter | None = None
        self.archive: ArchiveWriter | None = None
        self.run_id: int | None = None
        self._waiting_for_room: deque = deque()
        self._known_live: set[str] = set()
        self._poller = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "WarcCapturePipeline":
        pipeline = cls(crawler)
        # Scrapy tells the close reason (finished, shutdown on Ctrl-C, …) only
        # with spider_closed, which comes after the pipelines have closed.
        crawler.signals.connect(pipeline.finish_run, signal=signals.spider_closed)
        return pipeline

    # -- opening -----------------------------------------------------------------

    async def open_spider(self, spider: Spider | None = None) -> None:
        spider = spider or self.crawler.spider
        source = getattr(spider, "source", None)
        if source is None:
            raise DanganError(
                f"Spider {spider.name!r} has no source to archive for; run `scrapy crawl source -a name=NAME`."
            )
        self.source = source
        self.db = open_database(self.db_url)
        captures = CaptureLog(self.db)

        # A killed earlier crawl may have left WARC records without rows: give them rows first,
        # so the re-submission below sees them too.
        report = recover_orphans(self.data_dir, self.db.session)
        self.stats.set_value("dangan/orphans_recovered", len(report.orphans_added))

        self.run_id = captures.start_run(source.name, utc_now())
        self.stats.set_value("dangan/run_id", self.run_id)
        self._known_live = set(VersionStore(self.db).live_urls(source.name))
        self.warc = WarcWriter(self.data_dir, source=source.name)
        self.archive = ArchiveWriter(self.warc, captures, run_id=self.run_id, source=source.name)
        self.pool = WorkerPool(
            self.db,
            workers=self.workers,
            queue_per_worker=self.queue_per_worker,
            on_result=self._on_result,
            on_done=self._wake_from_worker_thread,
        )
        log.info(
            "%s: run %d, %d processing workers, %d known live documents",
            source.name, self.run_id, self.pool.workers, len(self._known_live),
        )

        # Workers record their own versions; the reactor only counts results,
        # as each job finishes (on_done) and, should a wake-up be missed, on
        # this poll.
        from twisted.internet.task import LoopingCall

        self._poller = LoopingCall(self._collect_finished)
        self._poller.start(self.poll_interval, now=False)

        for capture in captures.unprocessed(source=source.name):
            if capture.status_code == 200 and source.is_article(capture.url):
                await self._submit(CaptureJob.from_warc(capture, self.data_dir))
                self.stats.inc_value("dangan/resubmitted")

    # -- each response -------------------------------------------------------------

    async def process_item(self, item, spider: Spider | None = None):
        if not isinstance(item, FetchedPage):
            return item
        assert self.archive is not None and self.db is not None
        try:
            item.capture_id = await maybe_deferred_to_future(
                self.archive.archive(
                    item, reason=_reason(item.status), needs_processing=item.is_article and item.status == 200
                )
            )
        except DanganError as exc:
            # Not archived: count it as an error and say so loudly; the page is
            # fetched again by the next crawl.
            self.stats.inc_value("dangan/capture_failed")
            self.stats.inc_value("dangan/errors")
            raise DropItem(f"not archived: {exc}") from exc
        self.stats.inc_value("dangan/captured")

        if item.status in GONE_STATUSES:
            self._note_gone(item)
        elif item.is_article and item.status == 200:
            await self._submit(
                CaptureJob(
                    capture_id=item.capture_id,
                    source=self.source.name,
                    url=item.url,
                    content_type=item.content_type,
                    fetched_at=item.fetched_at,
                    body=item.body,
                )
            )
        item.body = b""  # the pool has its copy; do not keep it alive in Scrapy's item chain
        return item

    def _note_gone(self, item: FetchedPage) -> None:
        """A 404/410 on a URL the archive holds as a live document: it has been taken down."""
        url = item.url if item.url in self._known_live else canonicalize_url(item.url)
        if url not in self._known_live:
            return
        result = VersionStore(self.db).mark_gone(url, self.source.name, item.capture_id, item.fetched_at)
        if result is not None:
            self._known_live.discard(url)
            self.stats.inc_value("dangan/gone")
            log.info("%s: %s answered %d; marked gone", self.source.name, url, item.status)

    async def _submit(self, job: CaptureJob) -> None:
        """Queue a job, waiting on the reactor (never blocking it) while the pool is full.

        Scrapy waits for this coroutine before taking more responses from the
        downloader, so a full pool slows the crawl instead of filling memory.
        """
        assert self.pool is not None
        while not self.pool.try_submit(job):
            self.stats.inc_value("dangan/process_queue_full")
            await self._room()

    def _wake_from_worker_thread(self) -> None:
        from twisted.internet import reactor

        reactor.callFromThread(self._collect_finished)

    def _collect_finished(self) -> None:
        """Count finished jobs now (on the reactor thread), and wake as many waiting submitters as there is room for.

        Waking only that many, oldest first, matters: with dozens of responses
        waiting, waking them all on every finished job had each of them retry,
        fail and wait again, which cost the reactor more than the archiving.
        """
        if self.pool is None:
            return
        self.pool.collect()
        room = self.pool.max_in_flight - self.pool.in_flight
        while room > 0 and self._waiting_for_room:
            waiter = self._waiting_for_room.popleft()
            if not waiter.called:
                waiter.callback(None)
                room -= 1
        if self.pool.in_flight == 0:
            # Draining at close: nothing left to finish, so nobody should wait.
            while self._waiting_for_room:
                waiter = self._waiting_for_room.popleft()
                if not waiter.called:
                    waiter.callback(None)

    async def _room(self) -> None:
        """Wait until a finished job makes room (the poller wakes us too, if a wake-up was missed)."""
        from twisted.internet import defer

        waiter: defer.Deferred = defer.Deferred()
        self._waiting_for_room.append(waiter)
        await maybe_deferred_to_future(waiter)

    def _on_result(self, result: JobResult) -> None:
        if result.outcome is None:
            self.stats.inc_value("dangan/errors")
            return
        self.stats.inc_value(f"dangan/{result.outcome.value}")
        if result.decode_fallback:
            self.stats.inc_value("dangan/decode_fallback")

    # -- closing -----------------------------------------------------------------

    async def close_spider(self, spider: Spider | None = None) -> None:
        if self.pool is None:
            return
        # Drain without blocking the reactor: other crawls in this process go on meanwhile.
        # The poller keeps running until then, so a missed wake-up cannot stall the drain.
        while self.pool.in_flight:
            self.pool.collect()
            if self.pool.in_flight:
                await self._room()
        if self._poller is not None and self._poller.running:
            self._poller.stop()
        self.pool.close()
        if self.archive is not None:
            self.archive.close()
        if self.warc is not None:
            self.warc.close()

    def finish_run(self, spider: Spider, reason: str) -> None:
        """Close the run record: "finished" unless the crawl was stopped (Ctrl-C, a kill signal)."""
        if self.db is None or self.run_id is None:
            return
        status = "interrupted" if reason == "shutdown" else "finished"
        counts = run_counts(self.stats.get_stats())
        try:
            CaptureLog(self.db).finish_run(self.run_id, utc_now(), status, counts)
        finally:
            self.db.dispose()
        log.info("%s: run %d %s (%s): %s", self.source.name, self.run_id, status, reason, counts)


def _reason(status: int) -> str:
    """The standard reason phrase; Scrapy does not keep the one the server sent."""
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""

