"""Retry 5xx answers and timeouts, waiting longer before each further try.

Scrapy's own RetryMiddleware retries at once. A government server that answers
503 is usually overloaded, and hitting it again immediately makes that worse
and gets crawlers blocked. `BackoffRetryMiddleware` keeps Scrapy's retry rules
(``RETRY_TIMES``, ``RETRY_HTTP_CODES``, ``RETRY_EXCEPTIONS``, ``dont_retry``)
and adds a wait before each retry: ``DANGAN_RETRY_BACKOFF_BASE`` seconds, then
twice that, and so on, capped at ``DANGAN_RETRY_BACKOFF_MAX``.

The wait happens in `process_request` of the retried request, as a timer on
the reactor: nothing blocks, other requests go on downloading meanwhile.

A 429 or 503 that says how long to wait (``Retry-After``, in seconds or as
an HTTP date) is believed instead of the doubling, up to
``DANGAN_RETRY_AFTER_MAX``, and for the whole host, not only the refused
request (it used to be retried after 2, 4 and 8 seconds whatever the server
asked). Two kinds of request are held: those that reach this middleware
before then wait in `process_request`, and those already past it, queued in
the host's download slot, wait in the slot (`hold_download_slot`). The slot
is held as soon as the answer is downloaded (Scrapy's ``response_downloaded``
signal, sent before the slot hands out its next request), so not even the
next queued request slips out; without the hold, every request Scrapy had
already queued for the host (up to ``CONCURRENT_REQUESTS``) went out at once.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime, timezone

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.utils.defer import maybe_deferred_to_future

from core import settings as defaults
from core.backoff import backoff_delay, retry_after_delay
from scrapy.utils.httpobj import urlparse_cached

log = logging.getLogger(__name__)

#: Request meta key holding the seconds to wait before this request is downloaded.
BACKOFF_META_KEY = "dangan_backoff_delay"


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's RetryMiddleware with an exponentially growing wait before each retry.

    Settings: ``DANGAN_RETRY_BACKOFF_BASE`` (default 2.0 s) and
    ``DANGAN_RETRY_BACKOFF_MAX`` (default 120 s); ``RETRY_ENABLED = False``
    switches it off like Scrapy's. Counts ``dangan/retry_backoff`` in stats.
    """

    def __init__(self, settings, base: float, cap: float, retry_after_cap: float = defaults.DANGAN_RETRY_AFTER_MAX) -> None:
        super().__init__(settings)
        self.base = base
        self.cap = cap
        self.retry_after_cap = retry_after_cap
        #: host → monotonic time before which no request goes to it (from a Retry-After).
        self._host_resumes: dict[str, float] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "BackoffRetryMiddleware":
        settings = crawler.settings
        if not settings.getbool("RETRY_ENABLED"):
            raise NotConfigured
        base = settings.getfloat("DANGAN_RETRY_BACKOFF_BASE", defaults.DANGAN_RETRY_BACKOFF_BASE)
        cap = settings.getfloat("DANGAN_RETRY_BACKOFF_MAX", defaults.DANGAN_RETRY_BACKOFF_MAX)
        retry_after_cap = settings.getfloat("DANGAN_RETRY_AFTER_MAX", defaults.DANGAN_RETRY_AFTER_MAX)
        middleware = cls(settings, base, cap, retry_after_cap)
        middleware.crawler = crawler
        crawler.signals.connect(middleware.response_downloaded, signal=signals.response_downloaded)
        return middleware

    def response_downloaded(self, response: Response, request: Request, spider: Spider | None = None) -> None:
        """Hold the host at once when an answer asks to wait: its queued requests too (see the module docstring)."""
        asked = _asked_wait(response, self.retry_after_cap)
        if asked is None:
            return
        host = urlparse_cached(request).netloc
        now = time.monotonic()
        resumes = self._host_resumes[host] = max(self._host_resumes.get(host, 0.0), now + asked)
        engine = getattr(self.crawler, "engine", None)
        if engine is not None and hold_download_slot(engine.downloader, request, resumes - now):
            self.crawler.stats.inc_value("dangan/retry_after_slot_held")

    async def process_request(self, request: Request, spider: Spider | None = None) -> None:
        delay = request.meta.pop(BACKOFF_META_KEY, 0)
        resumes = self._host_resumes.get(urlparse_cached(request).netloc)
        if resumes is not None:
            delay = max(delay, resumes - time.monotonic())
        if delay > 0:
            from twisted.internet import reactor  # the reactor Scrapy installed, not a default one
            from twisted.internet.task import deferLater

            await maybe_deferred_to_future(deferLater(reactor, delay, lambda: None))
        return None

    def process_response(
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Request | Response:
        asked = _asked_wait(response, self.retry_after_cap)
        if asked is not None:
            # Usually set already, when the answer was downloaded (`response_downloaded`).
            host = urlparse_cached(request).netloc
            self._host_resumes[host] = max(self._host_resumes.get(host, 0.0), time.monotonic() + asked)
            self.crawler.stats.inc_value("dangan/retry_after")
            log.info("%s asked to wait %.1f s (Retry-After: %s); holding requests to %s",
                     request.url, asked, response.headers.get("Retry-After", b"").decode("latin-1"), host)
        return self._with_backoff(super().process_response(request, response), asked)

    def process_exception(
        self, request: Request, exception: Exception, spider: Spider | None = None
    ) -> Request | Response | None:
        return self._with_backoff(super().process_exception(request, exception))

    def _with_backoff(self, result, asked: float | None = None):
        """Give a retry request its wait (the server's, when it asked for one); pass anything else through."""
        if isinstance(result, Request):
            retry_number = result.meta.get("retry_times", 1)
            delay = asked if asked is not None else backoff_delay(retry_number, self.base, self.cap)
            result.meta[BACKOFF_META_KEY] = delay
            self.crawler.stats.inc_value("dangan/retry_backoff")
            log.info("retry %d of %s in %.1f s", retry_number, result.url, delay)
        return result


def _asked_wait(response: Response, cap: float) -> float | None:
    """The wait a 429 or 503 asks for with Retry-After, capped; None for other answers."""
    if response.status not in (429, 503):
        return None
    header = response.headers.get("Retry-After")
    if header is None:
        return None
    return retry_after_delay(header.decode("latin-1"), datetime.now(timezone.utc), cap)


def hold_download_slot(downloader, request: Request, seconds: float) -> bool:
    """Hold every request queued in `request`'s download slot for `seconds`; False if it could not be held.

    Scrapy's slot keeps one pending call (``Slot.latercall``) and hands out no
    request while it is set: that is how it waits out ``DOWNLOAD_DELAY``. The
    hold replaces it with a call `seconds` from now; when it comes, the slot
    works out its own delay again, so a longer download delay still holds.
    The slot's pending call, ``scrapy.utils.asyncio.call_later`` and the
    downloader's ``_latercall`` are Scrapy's own, as of 2.14 (pyproject.toml
    asks for 2.18 or later); should a later Scrapy drop them, or the
    slot be gone already, nothing is held and False is returned.
    """
    key = downloader.get_slot_key(request)
    slot = downloader.slots.get(key)
    release = getattr(downloader, "_latercall", None)
    if slot is None or release is None or not hasattr(slot, "latercall") or seconds <= 0:
        return False
    from scrapy.utils.asyncio import call_later

    if slot.latercall is not None:
        slot.latercall.cancel()
    slot.latercall = call_later(seconds, release, slot)
    log.debug("download slot %s held for %.1f s", key, seconds)
    return True
