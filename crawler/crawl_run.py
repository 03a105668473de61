"""One crawl's run: its store and its run record, from the spider's opening to its closing.

`CrawlRun` is a Scrapy extension (``crawler.settings.EXTENSIONS``) and the one
place in the crawler that opens the store. When the crawl starts it:

1. opens the store, `storage.store.Store.open` over ``DANGAN_DB`` and
   ``DANGAN_DATA_DIR``;
2. gives a capture row to every WARC record a killed earlier crawl left
   without one (`storage.recovery.recover_orphans`), so that such a record is
   processed like any other capture;
3. starts the run record (`RunLog.start_run`, with the trigger
   ``DANGAN_RUN_TRIGGER``: "manual", or "schedule" when the scheduler
   started the crawl) and puts its id in the stats as ``dangan/run_id``,
   with ``dangan/orphans_recovered``. It does this first, before step 2: a
   crawl of the same source that is still alive refuses this one
   (`core.errors.RunInProgressError`), and only a dead one is marked
   interrupted. While the crawl runs, its heartbeat goes to the run record
   every ``DANGAN_RUN_HEARTBEAT_INTERVAL`` seconds (`RunLog.beat`, in a thread).

When the spider closes, it finishes the run record with the crawl's counts
(`run_counts`) and its outcome (`crawler.run_outcome.crawl_outcome`):
"interrupted" if the crawl was stopped from outside (Scrapy's close reason
"shutdown": Ctrl-C, SIGTERM), "failed" with the reason if no page got an
answer, "ok" otherwise. The outcome and reason go in the stats too, as
``dangan/outcome`` and ``dangan/outcome_reason``, for `crawler.run.CrawlSummary`.
Then it closes the store, and hands the run to `crawler.run_notice.notify_run_in_thread`,
which POSTs a summary to the source's webhook (``webhook`` in sources.toml,
else ``DANGAN_WEBHOOK_URL``) when the run failed or brought new versions or
new documents. `changes` collects their URLs (`crawler.processing` adds them
as results come in). A notice that cannot be sent is counted as
``dangan/webhook_failed`` and logged; it changes nothing else.

The other components find it with ``CrawlRun.of(crawler)`` in their
``from_crawler`` (Scrapy builds extensions before item pipelines), and read
`store`, `source` and `run_id` from it. Without the extension enabled they
fail at once, naming the setting to fix.

When exactly the run starts: Scrapy opens the item pipelines *before* it sends
``spider_opened``, and the capture pipeline needs the run id for its first
capture row. So `start` is called by whichever comes first, in practice the
pipelines' ``open_spider``, and later calls do nothing; ``spider_opened``
starts it when no pipeline has. An error while starting (a database that
cannot be reached) thus fails the crawl before anything is fetched, as it
should; raised from a signal handler, Scrapy would only log it.

Why the processing pool is not here: the pool must have recorded every result
before the run's counts are final, and ``spider_closed`` handlers run side by
side, so a pool drained there could not be made to finish before the run
record does. `crawler.processing.ProcessingPipeline` owns the pool instead,
and drains it when the item pipelines close, which Scrapy does before
``spider_closed``. Re-submitting captures a killed crawl left unprocessed
needs that pool, so it happens there too, after this extension's recovery has
given the orphans their rows.
"""

from __future__ import annotations

import logging
from pathlib import Path
from collections.abc import Coroutine
from typing import Any, TypeVar

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.defer import Deferred

from core import settings as defaults
from core.errors import CrawlSetupError
from core.sources import Source
from crawler.run_notice import ChangedUrls, notice_payload, notify_run_in_thread, should_notify
from crawler.frontier_scheduler import FRONTIER_STAT
from crawler.run_outcome import DISK_FULL_STAT, crawl_outcome
from storage.capture_claims import CRAWL_ROLE, Claimant
from storage.disk_space import SpaceReserve, disk_full_error, is_disk_full
from storage.recovery import recover_orphans
from storage.store import Store
from storage.times import utc_now

log = logging.getLogger(__name__)

T = TypeVar("T")


def run_counts(stats: dict) -> dict[str, int]:
    """A crawl's Scrapy stats as the counts `RunLog.finish_run` keeps.

    ``errors`` adds the requests that got no response at all, after their
    retries (``dangan/fetch_failed``), to the pages that could not be
    captured or processed (``dangan/errors``): both are pages the archive
    does not hold this time.

    >>> run_counts({"dangan/captured": 5, "dangan/fetch_failed": 2, "dangan/errors": 1})["errors"]
    3
    """
    return {
        "pages_fetched": stats.get("dangan/captured", 0),
        "not_modified": stats.get("dangan/not_modified", 0),
        "new_documents": stats.get("dangan/new_document", 0),
        "new_versions": stats.get("dangan/new_version", 0),
        "unchanged": stats.get("dangan/unchanged", 0),
        "duplicates": stats.get("dangan/duplicate", 0),
        "gone": stats.get("dangan/gone", 0),
        "empty": stats.get("dangan/empty", 0),
        "errors": stats.get("dangan/errors", 0) + stats.get("dangan/fetch_failed", 0),
        "not_html": stats.get("dangan/not_html", 0),
        "left_for_processing": stats.get("dangan/left_for_processing", 0),
    }


class CrawlRun:
    """Scrapy extension: opens the store, recovers orphans and keeps the run record of one crawl.

    Settings: ``DANGAN_DB``, ``DANGAN_DATA_DIR`` and ``DANGAN_RUN_TRIGGER`` (defaults in `core.settings`).
    The spider must carry a ``source`` (`core.sources.Source`).
    """

    def __init__(
        self,
        stats: StatsCollector,
        *,
        db: str | None,
        data_dir: Path,
        trigger: str = "manual",
        webhook: str | None = None,
        webhook_timeout: float = defaults.DANGAN_WEBHOOK_TIMEOUT,
        heartbeat_interval: float = defaults.DANGAN_RUN_HEARTBEAT_INTERVAL,
        heartbeat_stale: float = defaults.DANGAN_RUN_HEARTBEAT_STALE,
        process_locally: bool = defaults.DANGAN_PROCESS_LOCALLY,
        process_lease: float = defaults.DANGAN_PROCESS_LEASE,
    ) -> None:
        self.stats = stats
        self.db = db
        self.data_dir = data_dir
        self.trigger = trigger
        self.webhook = webhook
        self.webhook_timeout = webhook_timeout
        self.heartbeat_interval = heartbeat_interval
        self.heartbeat_stale = heartbeat_stale
        #: Whether this crawl's own workers process its pages; if not, they are left
        #: for `dangan process` (`crawler.processing.ProcessingPipeline`).
        self.process_locally = process_locally
        #: The claim this crawl's captures are written under when it processes them
        #: itself (`storage.capture_claims`), so that a `dangan process` elsewhere leaves them.
        self.claimant = Claimant.for_this_process(CRAWL_ROLE)
        self.process_lease = process_lease
        self._heartbeat = None
        #: URLs with new versions and new documents, for the run's notice.
        self.changes = ChangedUrls()
        self._started_at = utc_now()
        self._store: Store | None = None
        self._source: Source | None = None
        self._run_id: int | None = None
        self._reserve: SpaceReserve | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "CrawlRun":
        settings = crawler.settings
        run = cls(
            crawler.stats,
            db=settings.get("DANGAN_DB", defaults.DANGAN_DB),
            data_dir=Path(settings.get("DANGAN_DATA_DIR") or defaults.DANGAN_DATA_DIR),
            trigger=settings.get("DANGAN_RUN_TRIGGER") or defaults.DANGAN_RUN_TRIGGER,
            webhook=settings.get("DANGAN_WEBHOOK_URL") or defaults.DANGAN_WEBHOOK_URL,
            webhook_timeout=settings.getfloat("DANGAN_WEBHOOK_TIMEOUT", defaults.DANGAN_WEBHOOK_TIMEOUT),
            heartbeat_interval=settings.getfloat(
                "DANGAN_RUN_HEARTBEAT_INTERVAL", defaults.DANGAN_RUN_HEARTBEAT_INTERVAL
            ),
            heartbeat_stale=settings.getfloat("DANGAN_RUN_HEARTBEAT_STALE", defaults.DANGAN_RUN_HEARTBEAT_STALE),
            process_locally=settings.getbool("DANGAN_PROCESS_LOCALLY", defaults.DANGAN_PROCESS_LOCALLY),
            process_lease=settings.getfloat("DANGAN_PROCESS_LEASE", defaults.DANGAN_PROCESS_LEASE),
        )
        crawler.signals.connect(run.spider_opened, signal=signals.spider_opened)
        # Scrapy tells the close reason only with spider_closed, after the item pipelines have closed.
        crawler.signals.connect(run.spider_closed, signal=signals.spider_closed)
        return run

    @classmethod
    def of(cls, crawler: Crawler, *, needed_by: str) -> "CrawlRun":
        """The crawler's `CrawlRun` extension; `needed_by` names the component asking, for the error."""
        # What Crawler.get_extension does from Scrapy 2.12 on, written out for 2.11.
        for extension in getattr(getattr(crawler, "extensions", None), "middlewares", ()):
            if isinstance(extension, cls):
                return extension
        raise CrawlSetupError(
            f"{needed_by} needs the {cls.__module__}.{cls.__name__} extension, which opens the store "
            f"and keeps the run record: enable it in EXTENSIONS "
            f"(crawler/settings.py has {{'{cls.__module__}.{cls.__name__}': 0}})."
        )

    # -- opening -----------------------------------------------------------------

    @property
    def started(self) -> bool:
        return self._store is not None

    def start(self, spider: Spider) -> None:
        """Open the store, recover orphan WARC records and start the run record; once per crawl."""
        if self._store is not None:
            return
        source = getattr(spider, "source", None)
        if source is None:
            raise CrawlSetupError(
                f"Spider {spider.name!r} has no source to capture for; run `scrapy crawl source -a name=NAME`."
            )
        try:
            store = Store.open(self.db, self.data_dir)
        except Exception as exc:
            if is_disk_full(exc):
                raise disk_full_error(self.data_dir, "could not open the store", exc) from exc
            raise
        try:
            # The run first: a crawl of this source that is alive refuses this one
            # (RunInProgressError) before anything is touched.
            self._started_at = utc_now()
            # A worker of a shared frontier (crawler.frontier_scheduler) runs beside its fellow workers.
            run_id = store.run_log.start_run(
                source.name, self._started_at, trigger=self.trigger, stale_after=self.heartbeat_stale,
                frontier=self.stats.get_value(FRONTIER_STAT),
            )
            # Orphans get their rows before anything looks for unprocessed captures,
            # so the processing pipeline re-submits them with the rest. Files a live
            # writer (of another source) still holds are skipped.
            report = recover_orphans(store.data_dir, store.db.session)
        except BaseException as exc:
            store.close()
            if is_disk_full(exc):
                raise disk_full_error(self.data_dir, "could not start the run record", exc) from exc
            raise
        # Room to record this run as failed should the crawl fill the disk.
        self._reserve = SpaceReserve(store.data_dir)
        self._reserve.take()
        self.stats.set_value("dangan/orphans_recovered", len(report.orphans_added))
        self.stats.set_value("dangan/run_id", run_id)
        self._store, self._source, self._run_id = store, source, run_id
        log.info("%s: run %d started (%s)", source.name, run_id, self.trigger)
        self._start_heartbeat()

    def _start_heartbeat(self) -> None:
        """Write the run's heartbeat every `heartbeat_interval` seconds, off the reactor thread."""
        from twisted.internet.task import LoopingCall

        self._heartbeat = LoopingCall(self._beat)
        self._heartbeat.start(self.heartbeat_interval, now=False)

    def _beat(self) -> Deferred | None:
        if self._store is None or self._run_id is None:
            return None
        from twisted.internet.threads import deferToThread

        beating = deferToThread(self._store.run_log.beat, self._run_id)
        # A missed beat is not worth stopping the crawl for; a run that misses
        # them for DANGAN_RUN_HEARTBEAT_STALE seconds may be taken for dead.
        beating.addErrback(lambda failure: log.warning("run %s: heartbeat not written: %s",
                                                       self._run_id, failure.getErrorMessage()))
        return beating

    def spider_opened(self, spider: Spider) -> None:
        self.start(spider)

    @property
    def store(self) -> Store:
        """The store this crawl writes to (open from `start` until the spider closes)."""
        return self._started(self._store)

    @property
    def source(self) -> Source:
        return self._started(self._source)

    @property
    def run_id(self) -> int:
        return self._started(self._run_id)

    @staticmethod
    def _started(value: T | None) -> T:
        if value is None:
            raise CrawlSetupError("The crawl run has not started: CrawlRun.start(spider) opens it when the spider opens.")
        return value

    # -- closing -----------------------------------------------------------------

    def spider_closed(self, spider: Spider, reason: str) -> Coroutine[Any, Any, None] | None:
        """Finish the run record with its outcome, reason and counts, close the store, send the notice.

        When a notice is due, returns the coroutine that sends it (the POST
        runs in a thread, see `crawler.run_notice`), for Scrapy to await.
        """
        if self._store is None or self._run_id is None or self._source is None:
            return None
        if self._heartbeat is not None and self._heartbeat.running:
            self._heartbeat.stop()
        stats = self.stats.get_stats()
        ended = crawl_outcome(stats, reason)
        counts = run_counts(stats)
        self.stats.set_value("dangan/outcome", ended.outcome)
        self.stats.set_value("dangan/outcome_reason", ended.reason)
        finished_at = utc_now()
        if stats.get(DISK_FULL_STAT) and self._reserve is not None:
            self._reserve.release()  # the room this run record needs
        try:
            self._store.run_log.finish_run(self._run_id, finished_at, ended.outcome, counts, reason=ended.reason)
        finally:
            self._store.close()
        if ended.outcome == "failed":
            log.error("%s: run %d failed: %s", self._source.name, self._run_id, ended.reason)
        log.info("%s: run %d %s (Scrapy: %s): %s", self._source.name, self._run_id, ended.outcome, reason, counts)
        payload = notice_payload(
            source=self._source.name, run_id=self._run_id, trigger=self.trigger, outcome=ended.outcome,
            reason=ended.reason, started_at=self._started_at, finished_at=finished_at, counts=counts,
            changes=self.changes,
        )
        webhook = self._source.webhook or self.webhook
        if not webhook or not should_notify(ended.outcome, counts):
            return None
        # Scrapy awaits what a spider_closed handler returns, so the crawl
        # still ends only after the notice, while the reactor goes on.
        return self._send_notice(webhook, payload)

    async def _send_notice(self, webhook: str, payload: dict) -> None:
        sent = await maybe_deferred_to_future(notify_run_in_thread(webhook, payload, timeout=self.webhook_timeout))
        if sent is not None:
            self.stats.inc_value("dangan/webhook_sent" if sent else "dangan/webhook_failed")
