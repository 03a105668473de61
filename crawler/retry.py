"""Retry 5xx answers and timeouts, waiting longer before each further try.

Scrapy's own RetryMiddleware retries at once. A government server that answers
503 is usually overloaded, and hitting it again immediately makes that worse
and gets crawlers blocked. `BackoffRetryMiddleware` keeps Scrapy's retry rules
(``RETRY_TIMES``, ``RETRY_HTTP_CODES``, ``RETRY_EXCEPTIONS``, ``dont_retry``)
and adds a wait before each retry: ``DANGAN_RETRY_BACKOFF_BASE`` seconds, then
twice that, and so on, capped at ``DANGAN_RETRY_BACKOFF_MAX``.

The wait happens in `process_request` of the retried request, as a timer on
the reactor: nothing blocks, other requests go on downloading meanwhile.
"""

from __future__ import annotations

import logging

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.utils.defer import maybe_deferred_to_future

from core import settings as defaults
from core.backoff import backoff_delay

log = logging.getLogger(__name__)

#: Request meta key holding the seconds to wait before this request is downloaded.
BACKOFF_META_KEY = "dangan_backoff_delay"


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's RetryMiddleware with an exponentially growing wait before each retry.

    Settings: ``DANGAN_RETRY_BACKOFF_BASE`` (default 2.0 s) and
    ``DANGAN_RETRY_BACKOFF_MAX`` (default 120 s); ``RETRY_ENABLED = False``
    switches it off like Scrapy's. Counts ``dangan/retry_backoff`` in stats.
    """

    def __init__(self, settings, base: float, cap: float) -> None:
        super().__init__(settings)
        self.base = base
        self.cap = cap

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "BackoffRetryMiddleware":
        settings = crawler.settings
        if not settings.getbool("RETRY_ENABLED"):
            raise NotConfigured
        base = settings.getfloat("DANGAN_RETRY_BACKOFF_BASE", defaults.DANGAN_RETRY_BACKOFF_BASE)
        cap = settings.getfloat("DANGAN_RETRY_BACKOFF_MAX", defaults.DANGAN_RETRY_BACKOFF_MAX)
        middleware = cls(settings, base, cap)
        middleware.crawler = crawler
        return middleware

    async def process_request(self, request: Request, spider: Spider | None = None) -> None:
        delay = request.meta.pop(BACKOFF_META_KEY, 0)
        if delay:
            from twisted.internet import reactor  # the reactor Scrapy installed, not a default one
            from twisted.internet.task import deferLater

            await maybe_deferred_to_future(deferLater(reactor, delay, lambda: None))
        return None

    def process_response(
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Request | Response:
        return self._with_backoff(super().process_response(request, response))

    def process_exception(
        self, request: Request, exception: Exception, spider: Spider | None = None
    ) -> Request | Response | None:
        return self._with_backoff(super().process_exception(request, exception))

    def _with_backoff(self, result):
        """Give a retry request its wait; pass anything else through."""
        if isinstance(result, Request):
            retry_number = result.meta.get("retry_times", 1)
            delay = backoff_delay(retry_number, self.base, self.cap)
            result.meta[BACKOFF_META_KEY] = delay
            self.crawler.stats.inc_value("dangan/retry_backoff")
            log.info("retry %d of %s in %.1f s", retry_number, result.url, delay)
        return result
