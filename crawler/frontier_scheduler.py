"""The Scrapy scheduler of a crawl that shares its frontier through Redis (`crawler.frontier.RedisFrontier`).

`crawler.run.crawl_settings` makes this the ``SCHEDULER`` when
``DANGAN_REDIS_URL`` is set; unset, Scrapy's own in-process scheduler runs, as
before. (With ``scrapy crawl``, pass both:
``-s DANGAN_REDIS_URL=redis://… -s SCHEDULER=crawler.frontier_scheduler.RedisFrontierScheduler``.)

What it does for the engine:

- `enqueue_request` puts a request through the run's seen filter (Scrapy's
  request fingerprint, 20 bytes) into the shared queue, as JSON (never a
  pickle: anyone who can write to Redis could otherwise run code in every
  crawler). Meta values that are not plain data (the last capture the
  conditional-request middleware attaches) are left out; they are worked out
  again where the request is fetched.
- `next_request` claims the next request into this worker's in-flight set.
- A request is acknowledged when it is done: its response archived
  (``item_scraped``; or ``item_dropped`` / ``item_error``, counted errors), its
  callback failed (``spider_error``), or its failure handled by the spider's
  errback, which sends `request_done`. A retry or a redirect goes back into the
  queue under the id of the request it replaces.
- `has_pending_requests` stays true while anything is queued or another live
  worker still holds requests: the pages it is fetching may bring links, so a
  worker that ran dry waits (polling every `POLL_INTERVAL` seconds) instead of
  ending the crawl early. While waiting it re-queues what dead workers held.
- A heartbeat every third of ``DANGAN_FRONTIER_LEASE``, from a thread of its
  own, keeps this worker's lease. `close` hands back what it still holds, unless the crawl finished;
  the last worker to stop for good (not interrupted) ends the run.

Seeding: every worker's spider yields the start URLs and the source's live
documents; the shared seen filter lets each in once per run, so a second
worker's seeding adds nothing.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import threading
import uuid
from typing import Any

from scrapy import Request, Spider, signals
from scrapy.core.scheduler import BaseScheduler
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.utils.request import request_from_dict
from twisted.python.failure import Failure

from core import settings as defaults
from core.errors import CrawlSetupError
from core.processes import process_exists
from crawler.frontier import FrontierWorker, RedisFrontier, connect

log = logging.getLogger(__name__)

#: Request meta key: the frontier id of a claimed request, kept by its retries and redirects.
FRONTIER_ID_META_KEY = "dangan_frontier_id"
#: Signal the spider sends from its errback: the request failed and was counted, so it is done.
request_done = object()
#: Seconds between two looks at the shared queue while this worker waits for others' links.
POLL_INTERVAL = 0.5
#: Seconds between two searches for dead workers while waiting.
RECLAIM_INTERVAL = 2.0
#: The stat that names the frontier run a crawl is a worker of (`crawler.crawl_run.CrawlRun` keeps it on the run record).
FRONTIER_STAT = "dangan/frontier"


def encode_request(request: Request, spider: Spider) -> bytes:
    """A request as JSON bytes: bytes as latin-1 text, meta without what is not plain data.

    >>> from scrapy import Spider
    >>> spider = Spider("s")
    >>> decode_request(encode_request(Request("http://a.cn/", meta={"depth": 2, "x": object()}), spider), spider).meta
    {'depth': 2}
    """
    fields = request.to_dict(spider=spider)
    fields["headers"] = [[name.decode("latin-1"), [value.decode("latin-1") for value in values]]
                         for name, values in request.headers.items()]
    fields["body"] = request.body.decode("latin-1")
    meta = {}
    for name, value in fields["meta"].items():
        if name == FRONTIER_ID_META_KEY:
            continue
        try:
            json.dumps(value)
        except (TypeError, ValueError):
            continue
        meta[name] = value
    fields["meta"] = meta
    return json.dumps(fields, ensure_ascii=False).encode("utf-8")


def decode_request(payload: bytes, spider: Spider) -> Request:
    """The request `encode_request` wrote."""
    fields: dict[str, Any] = json.loads(payload)
    fields["headers"] = [(name.encode("latin-1"), [value.encode("latin-1") for value in values])
                         for name, values in fields["headers"]]
    fields["body"] = fields["body"].encode("latin-1")
    return request_from_dict(fields, spider=spider)


class RedisFrontierScheduler(BaseScheduler):
    """Scrapy scheduler over a `RedisFrontier` (see the module docstring).

    Settings: ``DANGAN_REDIS_URL``, ``DANGAN_REDIS_PREFIX``, ``DANGAN_FRONTIER_LEASE``,
    ``DANGAN_FRONTIER_TTL`` (defaults in `core.settings`).
    """

    def __init__(self, crawler: Crawler, *, url: str, prefix: str, lease: float, ttl: int) -> None:
        self.crawler = crawler
        self.client = connect(url)
        self.prefix = prefix
        self.lease = lease
        self.ttl = ttl
        self.frontier: RedisFrontier | None = None
        self.spider: Spider | None = None
        self._waiting = False
        self._last_reclaim = 0.0
        self._heartbeat = None
        self._poll = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "RedisFrontierScheduler":
        settings = crawler.settings
        url = settings.get("DANGAN_REDIS_URL") or defaults.DANGAN_REDIS_URL
        if not url:
            raise CrawlSetupError(
                f"{cls.__module__}.{cls.__name__} shares the frontier through Redis: set DANGAN_REDIS_URL "
                "(redis://host:6379/0), or leave SCHEDULER at Scrapy's own."
            )
        scheduler = cls(
            crawler,
            url=url,
            prefix=settings.get("DANGAN_REDIS_PREFIX") or defaults.DANGAN_REDIS_PREFIX,
            lease=settings.getfloat("DANGAN_FRONTIER_LEASE", defaults.DANGAN_FRONTIER_LEASE),
            ttl=settings.getint("DANGAN_FRONTIER_TTL", defaults.DANGAN_FRONTIER_TTL),
        )
        for signal in (signals.item_scraped, signals.item_dropped, signals.item_error):
            crawler.signals.connect(scheduler._item_done, signal=signal)
        crawler.signals.connect(scheduler._callback_failed, signal=signals.spider_error)
        crawler.signals.connect(scheduler._request_done, signal=request_done)
        return scheduler

    # -- opening and closing ---------------------------------------------------------

    def open(self, spider: Spider) -> None:
        source = getattr(spider, "source", None)
        if source is None:
            raise CrawlSetupError(f"Spider {spider.name!r} has no source, so no frontier to join.")
        self.spider = spider
        worker = FrontierWorker(
            worker_id=f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}",
            host=socket.gethostname(), pid=os.getpid(),
        )
        self.frontier = RedisFrontier.join(
            self.client, prefix=self.prefix, source=source.name, worker=worker, lease=self.lease, ttl=self.ttl
        )
        self.crawler.stats.set_value(FRONTIER_STAT, self.frontier.run_id)
        # The lease is kept from a thread of its own: it says the process is alive, and a
        # reactor busy for a few seconds (opening the store, a burst of results) must not
        # let the others take back, and fetch again, the requests this worker is fetching.
        self._heartbeat = _Heartbeat(self.frontier, interval=self.lease / 3)
        self._heartbeat.start()
        from twisted.internet.task import LoopingCall

        self._poll = LoopingCall(self._wake_engine)
        self._poll.start(POLL_INTERVAL, now=False)
        return None

    def close(self, reason: str) -> None:
        if self._poll is not None and self._poll.running:
            self._poll.stop()
        if self._heartbeat is not None:
            self._heartbeat.stop()
        if self.frontier is not None:
            # Scrapy's close reason "shutdown" is Ctrl-C or SIGTERM: the run is left to be resumed.
            ended = self.frontier.leave(finished=reason == "finished", interrupted=reason == "shutdown")
            self.crawler.stats.set_value("frontier/run_ended", int(ended))
        self.client.close()
        return None

    # -- the engine's questions -------------------------------------------------------

    def has_pending_requests(self) -> bool:
        frontier = self._open_frontier()
        if frontier.others_pending():
            return True
        # Nothing queued and nobody holding anything alive: a dead worker's
        # requests would only show up once reclaimed, so look now, not later.
        if self._reclaim(force=True):
            return True
        return False

    def enqueue_request(self, request: Request) -> bool:
        frontier = self._open_frontier()
        fingerprint = None if request.dont_filter else self.crawler.request_fingerprinter.fingerprint(request)
        added = frontier.add(
            encode_request(request, self.spider), fingerprint=fingerprint, priority=request.priority,
            request_id=request.meta.get(FRONTIER_ID_META_KEY),
        )
        stats = self.crawler.stats
        if added is None:
            stats.inc_value("frontier/filtered")
            return False
        stats.inc_value("scheduler/enqueued")
        stats.inc_value("scheduler/enqueued/redis")
        return True

    def next_request(self) -> Request | None:
        frontier = self._open_frontier()
        claim = frontier.claim()
        if claim is None:
            self._waiting = True
            self._reclaim(force=False)
            return None
        self._waiting = False
        request = decode_request(claim.payload, self.spider)
        request.meta[FRONTIER_ID_META_KEY] = claim.request_id
        self.crawler.stats.inc_value("scheduler/dequeued")
        self.crawler.stats.inc_value("scheduler/dequeued/redis")
        return request

    def __len__(self) -> int:
        return self._open_frontier().queued()

    # -- acknowledgements ---------------------------------------------------------------

    def _item_done(self, item: Any = None, response: Response | None = None, **_: Any) -> None:
        if response is not None:
            self._ack(response.meta.get(FRONTIER_ID_META_KEY))

    def _callback_failed(self, failure: Failure, response: Response | None = None, **_: Any) -> None:
        if response is not None:
            self._ack(response.meta.get(FRONTIER_ID_META_KEY))

    def _request_done(self, request: Request, **_: Any) -> None:
        self._ack(request.meta.get(FRONTIER_ID_META_KEY))

    def _ack(self, request_id: str | None) -> None:
        if request_id is not None and self.frontier is not None:
            self.frontier.ack(request_id)
            self.crawler.stats.inc_value("frontier/acknowledged")

    # -- keeping the lease, finding the dead ---------------------------------------------

    def _reclaim(self, *, force: bool) -> int:
        import time

        now = time.monotonic()
        if not force and now - self._last_reclaim < RECLAIM_INTERVAL:
            return 0
        self._last_reclaim = now
        here = socket.gethostname()
        returned = self._open_frontier().reclaim_dead(
            lambda worker: worker.host == here and worker.pid > 0 and not process_exists(worker.pid)
        )
        if returned:
            self.crawler.stats.inc_value("frontier/reclaimed", returned)
        return returned

    def _wake_engine(self) -> None:
        """While waiting for others' links, ask the engine for requests now and then.

        Scrapy's engine asks an idle scheduler again only on its own heartbeat,
        every 5 seconds; a worker waiting on another's pages would idle that long.
        """
        if not self._waiting:
            return
        engine = self.crawler.engine
        slot = getattr(engine, "_slot", None) or getattr(engine, "slot", None)
        if slot is not None and getattr(slot, "nextcall", None) is not None:
            slot.nextcall.schedule()

    def _open_frontier(self) -> RedisFrontier:
        if self.frontier is None:
            raise CrawlSetupError("The frontier scheduler was asked for requests before the spider opened.")
        return self.frontier


class _Heartbeat(threading.Thread):
    """Renews a worker's lease every `interval` seconds until stopped (redis-py clients are thread-safe)."""

    def __init__(self, frontier: RedisFrontier, *, interval: float) -> None:
        super().__init__(name="frontier-heartbeat", daemon=True)
        self.frontier = frontier
        self.interval = interval
        self._stopped = threading.Event()

    def run(self) -> None:
        while not self._stopped.wait(self.interval):
            try:
                self.frontier.beat()
            except Exception as exc:  # noqa: BLE001 - a missed beat costs nothing until the lease runs out
                log.warning("frontier heartbeat not written: %s", exc)

    def stop(self) -> None:
        self._stopped.set()
        self.join(timeout=10)
