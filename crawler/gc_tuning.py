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

Enabled in ``crawler.settings.EXTENSIONS``; set it to None there to compare.
"""

from __future__ import annotations

import gc
import logging

from scrapy import signals
from scrapy.crawler import Crawler

from crawler import settings as defaults

log = logging.getLogger(__name__)


class GcTuning:
    """Scrapy extension: on engine start, freeze what is alive and raise the young-generation threshold."""

    def __init__(self, threshold: int) -> None:
        self.threshold = threshold

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "GcTuning":
        extension = cls(crawler.settings.getint("DANGAN_GC_THRESHOLD", defaults.DANGAN_GC_THRESHOLD))
        crawler.signals.connect(extension.engine_started, signal=signals.engine_started)
        return extension

    def engine_started(self) -> None:
        # No gc.collect() first: it would cost one more full pass, to spare
        # the few start-up leftovers that freezing keeps.
        gc.freeze()
        _, older, oldest = gc.get_threshold()
        gc.set_threshold(self.threshold, older, oldest)
        log.debug("froze %d start-up objects; collector threshold %d", gc.get_freeze_count(), self.threshold)
