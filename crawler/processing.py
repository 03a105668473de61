"""Hand captured article pages to the processing pool, without ever blocking the reactor.

`ProcessingPipeline` is the item pipeline after `crawler.capture.CapturePipeline`.
It owns the crawl's `WorkerPool`, whose worker processes decode, extract
and record each article while the reactor goes on downloading:

- at open, it starts the pool and first re-submits this source's captures
  that an earlier crawl left unprocessed (killed before their turn, or
  recovered from orphan WARC records by `crawler.crawl_run.CrawlRun`, which
  starts before it);
- for each item with a committed capture row (``capture_id`` set) that needs
  processing, it submits a job, waiting on the reactor while the pool is full;
- every third of ``DANGAN_PROCESS_LEASE`` it renews the claim its captures
  were written under (`storage.capture_claims`), so that a `dangan process`
  sharing the store never takes a page this crawl is about to process;
- at close, it takes over what a crawl that died meanwhile left unprocessed
  (a crawl sharing its frontier, killed after its pages were counted done),
  then drains the pool, so every result is counted before
  `CrawlRun` finishes the run record on ``spider_closed`` (Scrapy closes item
  pipelines first).

Why the pool lives in an item pipeline: its lifetime has to fit between the
run's start and the run's end, and the pipelines' open and close are the hooks
Scrapy runs in that order; ``spider_closed`` handlers run side by side, so a
drain there could race the run record. And submitting with back-pressure is a
step of each item's way through the pipelines: Scrapy waits for it before
taking more responses from the downloader, so a full pool slows the crawl
instead of filling memory.

With ``DANGAN_PROCESS_LOCALLY`` false (``dangan crawl --no-process``) it starts
no workers at all: each article page's capture is left unclaimed for
`dangan process`, on this machine or another, and counted in
``dangan/left_for_processing`` (the run's ``left_for_processing``).

Settings: ``DANGAN_PROCESS_LOCALLY``, ``DANGAN_PROCESS_LEASE``, ``DANGAN_PROCESS_WORKERS``, ``DANGAN_PROCESS_QUEUE_PER_WORKER`` and
``DANGAN_PROCESS_POLL_INTERVAL`` (defaults in `core.settings`). Stats: one per
outcome (``dangan/new_document``, ``dangan/new_version``, ``dangan/unchanged``,
``dangan/duplicate``), ``dangan/errors``, ``dangan/not_html`` (bodies that are not
web pages, `pipeline.sniff`), ``dangan/decode_fallback``,
``dangan/resubmitted``, ``dangan/process_queue_full`` and ``dangan/left_for_processing``.
"""

from __future__ import annotations

import logging
from collections import deque

from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.utils.defer import maybe_deferred_to_future

from core import settings as defaults
from crawler.crawl_run import CrawlRun
from crawler.items import FetchedPage
from pipeline.workers import CaptureJob, JobResult, WorkerPool, start_worker_server
from storage.capture_claims import CaptureClaims

log = logging.getLogger(__name__)


class ProcessingPipeline:
    """Item pipeline: submit captured article pages to worker processes; count what they record."""

    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        self.crawler = crawler
        self.stats = crawler.stats
        self.run = CrawlRun.of(crawler, needed_by=type(self).__name__)
        workers = settings.get("DANGAN_PROCESS_WORKERS", defaults.DANGAN_PROCESS_WORKERS)
        self.workers: int | None = int(workers) if workers else None  # None: one per core
        self.queue_per_worker = settings.getint(
            "DANGAN_PROCESS_QUEUE_PER_WORKER", defaults.DANGAN_PROCESS_QUEUE_PER_WORKER
        )
        self.poll_interval = settings.getfloat(
            "DANGAN_PROCESS_POLL_INTERVAL", defaults.DANGAN_PROCESS_POLL_INTERVAL
        )
        self.pool: WorkerPool | None = None
        self.claims: CaptureClaims | None = None
        self._waiting_for_room: deque = deque()
        self._poller = None
        self._renewer = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "ProcessingPipeline":
        return cls(crawler)

    # -- opening -----------------------------------------------------------------

    async def open_spider(self, spider: Spider | None = None) -> None:
        self.run.start(spider or self.crawler.spider)
        store, source = self.run.store, self.run.source
        if not self.run.process_locally:
            log.info("%s: pages are left for `dangan process` (DANGAN_PROCESS_LOCALLY is off)", source.name)
            return
        self.claims = CaptureClaims(store.db, self.run.claimant, lease=self.run.process_lease)
        self.pool = WorkerPool(
            store.db,
            warc_root=store.warc_root,
            workers=self.workers,
            queue_per_worker=self.queue_per_worker,
            on_result=self._on_result,
            on_done=self._wake_from_worker_thread,
        )
        log.info("%s: %d processing workers", source.name, self.pool.workers)
        # What an earlier crawl left unprocessed, claimed first so that a `dangan process`
        # running now does not take the same captures; what is no article by today's rules is given back.
        # An earlier crawl killed outright on this machine left its claims: its process is gone,
        # so they are taken over now, not when their lease lapses (storage.capture_claims).
        unprocessed = self._take_over_left()
        # The workers' server loads the extraction stack, seconds of CPU, before
        # the first worker can start. A first crawl of the source (or one with
        # captures left to process) starts it now, so that it loads on the other
        # core while the first pages are fetched. A recrawl, whose unchanged
        # pages answer 304 and need no processing, starts it at its first
        # changed page (the pool starts workers on demand), or never.
        if unprocessed or not store.versions.live_urls(source.name):
            start_worker_server()
            self.stats.set_value("dangan/workers_started", 1)

        # Workers record their own versions; the reactor only counts results,
        # as each job finishes (on_done) and, should a wake-up be missed, on
        # this poll.
        from twisted.internet.task import LoopingCall

        self._poller = LoopingCall(self._collect_finished)
        self._poller.start(self.poll_interval, now=False)
        self._renewer = LoopingCall(self._renew_claims)
        self._renewer.start(self.run.process_lease / 3, now=False)

        for capture in unprocessed:
            await self._submit(CaptureJob.from_capture(capture))
            self.stats.inc_value("dangan/resubmitted")

    def _take_over_left(self) -> list:
        """Claim the source's article captures nobody is processing (a dead crawl's too); give back the rest."""
        assert self.claims is not None
        source = self.run.source
        claimed = self.claims.claim(limit=2**31 - 1, source=source.name, taking_over_dead=True)
        self.claims.release(capture.id for capture in claimed if not source.is_article(capture.url))
        return [capture for capture in claimed if source.is_article(capture.url)]

    # -- each captured page ----------------------------------------------------------

    async def process_item(self, item, spider: Spider | None = None):
        if not isinstance(item, FetchedPage):
            return item
        # No capture_id, no processing: a page is processed only once its capture row is committed.
        if item.capture_id is not None and item.needs_processing and self.pool is None:
            self.stats.inc_value("dangan/left_for_processing")
        elif item.capture_id is not None and item.needs_processing:
            await self._submit(
                CaptureJob(
                    capture_id=item.capture_id,
                    source=self.run.source.name,
                    url=item.url,
                    content_type=item.content_type,
                    fetched_at=item.fetched_at,
                    body=item.body,
                )
            )
        item.body = b""  # the pool has its copy; do not keep it alive in Scrapy's item chain
        return item

    async def _submit(self, job: CaptureJob) -> None:
        """Queue a job, waiting on the reactor (never blocking it) while the pool is full.

        Scrapy waits for this coroutine before taking more responses from the
        downloader, so a full pool slows the crawl instead of filling memory.
        """
        assert self.pool is not None
        # Whether this crawl started processing workers at all (a recrawl of an unchanged site does not).
        self.stats.set_value("dangan/workers_started", 1)
        while not self.pool.try_submit(job):
            self.stats.inc_value("dangan/process_queue_full")
            await self._room()

    def _renew_claims(self):
        """Extend the lease on this crawl's unprocessed captures, off the reactor thread."""
        if self.claims is None:
            return None
        from twisted.internet.threads import deferToThread

        renewing = deferToThread(self.claims.renew)
        # A missed renewal costs at most a page processed twice by someone else, never a lost page.
        renewing.addErrback(lambda failure: log.warning("claims on captures not renewed: %s",
                                                        failure.getErrorMessage()))
        return renewing

    def _wake_from_worker_thread(self) -> None:
        from twisted.internet import reactor

        reactor.callFromThread(self._collect_finished)

    def _collect_finished(self) -> None:
        """Count finished jobs now (on the reactor thread), and wake as many waiting submitters as there is room for.

        Waking only that many, oldest first, matters: with dozens of responses
        waiting, waking them all on every finished job had each of them retry,
        fail and wait again, which cost the reactor more than the capturing.
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
            # A binary file served as a page is kept as a capture; the site did nothing wrong that
            # an operator must look into, so it is counted apart from the pages that failed.
            self.stats.inc_value("dangan/not_html" if result.not_html else "dangan/errors")
            return
        self.stats.inc_value(f"dangan/{result.outcome.value}")
        self.run.changes.add(result.outcome.value, result.url)
        if result.decode_fallback:
            self.stats.inc_value("dangan/decode_fallback")

    # -- closing -----------------------------------------------------------------

    async def close_spider(self, spider: Spider | None = None) -> None:
        """Wait for every job to be recorded, then stop the workers."""
        if self.pool is None:
            return
        # A crawl sharing this one's frontier that was killed meanwhile may have left pages
        # it had captured, and the frontier had counted done, unprocessed: no crawl would
        # fetch them again this run, so they are processed here rather than by the next crawl.
        for capture in self._take_over_left():
            await self._submit(CaptureJob.from_capture(capture))
            self.stats.inc_value("dangan/resubmitted")
        # Drain without blocking the reactor: other crawls in this process go on meanwhile.
        # The poller keeps running until then, so a missed wake-up cannot stall the drain.
        while self.pool.in_flight:
            self.pool.collect()
            if self.pool.in_flight:
                await self._room()
        if self._poller is not None and self._poller.running:
            self._poller.stop()
        if self._renewer is not None and self._renewer.running:
            self._renewer.stop()
        self.pool.close()
        if self.claims is not None:
            # Anything captured but never handed over (a crawl stopped between the two) is
            # given back now rather than when the lease lapses.
            try:
                self.claims.release()
            except Exception as exc:  # noqa: BLE001 - the claims lapse on their own; the run must still close
                log.warning("claims on captures not released: %s", str(exc).splitlines()[0])
