"""Keep the garbage collector's full passes off the objects a crawl starts with.

By the time the engine starts, the crawl process holds every module, class
and setting of Scrapy, Twisted, SQLAlchemy and trafilatura: some hundred
thousand objects that live until the process ends. CPython's full
(generation 2) collections walk all of them each time, about a tenth of a
second a pass on the benchmark crawl, in the reactor thread. `gc.freeze()`
moves them to a permanent generation the collector skips; objects the crawl
creates afterwards are collected as before.

Enabled in ``crawler.settings.EXTENSIONS``; remove it there to compare.
"""

from __future__ import annotations

import gc
import logging

from scrapy import signals
from scrapy.crawler import Crawler

log = logging.getLogger(__name__)


class FreezeStartupObjects:
    """Scrapy extension: `gc.freeze()` once the engine has started."""

    def __init__(self, crawler: Crawler) -> None:
        crawler.signals.connect(self.engine_started, signal=signals.engine_started)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "FreezeStartupObjects":
        return cls(crawler)

    def engine_started(self) -> None:
        # No gc.collect() first: it would cost one more full pass, to spare
        # the few start-up leftovers that freezing keeps.
        gc.freeze()
        log.debug("froze %d start-up objects out of garbage collection", gc.get_freeze_count())
