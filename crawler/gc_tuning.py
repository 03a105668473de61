"""Garbage collection set for a crawl's throughput, once the engine starts.

Two things made CPython's cyclic collector a fifth of the reactor's CPU on the
2,000-page benchmark crawl:

- By the time the engine starts, the process holds every module, class and
  setting of Scrapy, Twisted and SQLAlchemy: some hundred thousand objects
  that live until it ends, and that each full (generation 2) pass walks again,
  about a tenth of a second a pass. `gc.freeze()` moves them to a permanent
  generation the collector skips.
- Each response allocates hundreds of short-lived container objects
  (Deferreds, futures, headers, requests). At CPython's default threshold of
  700 allocations the collector ran a young-generation pass several hundred
  times a minute, each also walking the requests waiting in the scheduler.
  `DANGAN_GC_THRESHOLD` (default 10,000) makes those passes rarer; what they
  collect is the same, a few megabytes later.

Both last while any crawl in the process runs: when the last engine stops,
the objects are unfrozen and the threshold put back, so a long-lived process
that runs crawl after crawl (a scheduler) does not keep one crawl's leftovers
frozen forever.

Enabled in ``crawler.settings.EXTENSIONS``; set it to None there to compare.
"""

from __future__ import annotations

import gc
import logging

from scrapy import signals
from scrapy.crawler import Crawler

from core import settings as defaults

log = logging.getLogger(__name__)


class GcTuning:
    """Scrapy extension: while crawls run, start-up objects are frozen and young collections rarer."""

    # Crawls of one process (``dangan crawl --all``) share the collector: the
    # first engine to start tunes it, the last to stop puts it back.
    _running = 0
    _saved_threshold: tuple[int, int, int] | None = None

    def __init__(self, threshold: int) -> None:
        self.threshold = threshold

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "GcTuning":
        extension = cls(crawler.settings.getint("DANGAN_GC_THRESHOLD", defaults.DANGAN_GC_THRESHOLD))
        crawler.signals.connect(extension.engine_started, signal=signals.engine_started)
        crawler.signals.connect(extension.engine_stopped, signal=signals.engine_stopped)
        return extension

    def engine_started(self) -> None:
        GcTuning._running += 1
        if GcTuning._running > 1:
            return
        # No gc.collect() first: it would cost one more full pass, to spare
        # the few start-up leftovers that freezing keeps.
        gc.freeze()
        GcTuning._saved_threshold = gc.get_threshold()
        _, older, oldest = GcTuning._saved_threshold
        gc.set_threshold(self.threshold, older, oldest)
        log.debug("froze %d start-up objects; collector threshold %d", gc.get_freeze_count(), self.threshold)

    def engine_stopped(self) -> None:
        GcTuning._running = max(GcTuning._running - 1, 0)
        if GcTuning._running:
            return
        gc.unfreeze()
        if GcTuning._saved_threshold is not None:
            gc.set_threshold(*GcTuning._saved_threshold)
            GcTuning._saved_threshold = None
