"""Scrapy's downloader, with a host's concurrency held when several of its requests are queued at once.

Why it exists: with the asyncio reactor, Scrapy 2.14 and later start each
download as an asyncio task, and a request counts against its slot's
``CONCURRENT_REQUESTS_PER_DOMAIN`` only once that task has begun to run. The
loop that hands out a slot's queued requests runs before any of them has, so
it sees every place free and hands out the whole queue. Measured against a
local server with ``CONCURRENT_REQUESTS_PER_DOMAIN=1``: the twelve articles
of one listing reached the host as 5 to 7 requests within 5 ms, in about one
crawl in three. A small government server asked for one request at a time got
a burst, and a 429's Retry-After (`crawler.retry.hold_download_slot`) could
not hold requests that had already gone out in it.

`SlotBoundDownloader` counts the request as transferring the moment it leaves
the slot's queue, so the loop stops at the slot's concurrency. Scrapy's own
code adds the request again when the download starts (a set: no change) and
removes it when the download ends, as before.

On a Scrapy that starts downloads directly (before 2.14, or any reactor whose
coroutines start at once) the request is already counted when it leaves the
queue and nothing changes: the hook is only used where Scrapy has it.
"""

from __future__ import annotations

import logging
from collections.abc import Coroutine
from typing import Any

from scrapy import Request
from scrapy.core.downloader import Downloader, Slot
from twisted.internet.defer import Deferred

log = logging.getLogger(__name__)


class SlotBoundDownloader(Downloader):
    """Scrapy's `Downloader`, never handing out more of a slot's requests than its concurrency.

    Set as Scrapy's ``DOWNLOADER`` in `crawler.settings`; see the module docstring.
    """

    if hasattr(Downloader, "_wait_for_download"):

        def _wait_for_download(self, slot: Slot, request: Request, queue_dfd: Deferred) -> Coroutine[Any, Any, None]:
            # Called by the queue loop as it takes `request` out, before the task that
            # runs the download is scheduled: the place is taken now, not when it starts.
            slot.transferring.add(request)
            return super()._wait_for_download(slot, request, queue_dfd)
