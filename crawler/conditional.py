"""Recrawls ask only for what changed: If-None-Match and If-Modified-Since from the last capture.

A government site is recrawled every few hours, and almost every article on
it is the same as last time. Fetching each one whole again costs the site its
bandwidth, the crawl its time, and the archive a second copy. So a request
for an article the archive already holds carries the validators the last
capture of that URL returned (its ETag as If-None-Match, its Last-Modified
as If-Modified-Since); a server that has nothing new answers 304 with no
body, and `crawler.capture.CapturePipeline` keeps that as a revisit record.

Only article pages are asked conditionally. A listing page that answered 304
would give the spider no links, and new articles are found on listing pages;
they are fetched whole, and only stored as revisits when their bytes did not
change.

`ConditionalRequests` is the policy, a plain object: which headers a URL
gets. `ConditionalRequestMiddleware` wraps it as a downloader middleware; it
reads what the archive holds for the source once, at the first request
(`storage.captures.CaptureLog.last_captures`), not once per request. Every
request for a URL captured before also carries that `LastCapture` in its meta
(``dangan_last_capture``), so the capture pipeline can tell a body it already
holds even from a server that sends no validators.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from core import settings as defaults
from crawler.crawl_run import CrawlRun
from storage.captures import LastCapture

log = logging.getLogger(__name__)

#: Request meta key: the `LastCapture` of the request's URL, when the archive has one.
LAST_CAPTURE_META_KEY = "dangan_last_capture"
#: Request meta key: the URL the validator headers on the request were chosen for.
_VALIDATED_URL_META_KEY = "dangan_validated_url"
VALIDATOR_HEADERS = ("If-None-Match", "If-Modified-Since")


class ConditionalRequests:
    """The validators to send for each URL, from the last captures of a source.

    `conditional(url)` says whether a URL may be asked conditionally (the
    crawl passes the source's `is_article`).

    >>> from datetime import datetime
    >>> last = LastCapture("http://www.gov.cn/art/1.html", '"5f1-abc"', "Mon, 02 Nov 2026 08:00:00 GMT",
    ...     1, "<urn:uuid:1>", "http://www.gov.cn/art/1.html", datetime(2026, 11, 2), "0" * 64)
    >>> policy = ConditionalRequests({last.url: last}, conditional=lambda url: "/art/" in url)
    >>> policy.headers_for("http://www.gov.cn/art/1.html")
    {'If-None-Match': '"5f1-abc"', 'If-Modified-Since': 'Mon, 02 Nov 2026 08:00:00 GMT'}
    >>> policy.headers_for("http://www.gov.cn/art/2.html")
    {}
    """

    def __init__(self, last_captures: Mapping[str, LastCapture], *, conditional: Callable[[str], bool]) -> None:
        self.last_captures = last_captures
        self.conditional = conditional

    def last_capture(self, url: str) -> LastCapture | None:
        """What the archive holds for `url`, or None if it was never captured whole."""
        return self.last_captures.get(url)

    def headers_for(self, url: str) -> dict[str, str]:
        """If-None-Match / If-Modified-Since for `url`; empty when it has no validators or is not asked conditionally."""
        last = self.last_captures.get(url)
        if last is None or not self.conditional(url):
            return {}
        headers: dict[str, str] = {}
        if last.etag:
            headers["If-None-Match"] = last.etag
        if last.last_modified:
            headers["If-Modified-Since"] = last.last_modified
        return headers


class ConditionalRequestMiddleware:
    """Downloader middleware: validators on requests for articles the archive holds.

    Settings: ``DANGAN_INCREMENTAL_RECRAWLS`` (default True; False raises
    NotConfigured, and every page is fetched and stored whole). Needs the
    `crawler.crawl_run.CrawlRun` extension. Stats: ``dangan/conditional_requests``.
    A conditional request is marked ``dont_cache``, so Scrapy's HTTP cache,
    if enabled, neither answers it nor turns the server's 304 back into the
    cached 200.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.run = CrawlRun.of(crawler, needed_by=type(self).__name__)
        self.policy: ConditionalRequests | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "ConditionalRequestMiddleware":
        if not crawler.settings.getbool("DANGAN_INCREMENTAL_RECRAWLS", defaults.DANGAN_INCREMENTAL_RECRAWLS):
            raise NotConfigured("DANGAN_INCREMENTAL_RECRAWLS is off")
        return cls(crawler)

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        policy = self._policy()
        # A redirect copies the request it follows, headers and meta included:
        # what was chosen for that URL is wrong for this one.
        if request.meta.get(_VALIDATED_URL_META_KEY) not in (None, request.url):
            for name in VALIDATOR_HEADERS:
                request.headers.pop(name, None)
            request.meta.pop(LAST_CAPTURE_META_KEY, None)
            request.meta.pop("dont_cache", None)
        request.meta[_VALIDATED_URL_META_KEY] = request.url
        last = policy.last_capture(request.url)
        if last is None:
            return None
        request.meta[LAST_CAPTURE_META_KEY] = last
        headers = policy.headers_for(request.url)
        if headers:
            for name, value in headers.items():
                request.headers[name] = value
            request.meta["dont_cache"] = True
            self.crawler.stats.inc_value("dangan/conditional_requests")
        return None

    def _policy(self) -> ConditionalRequests:
        if self.policy is None:
            # The first request comes after the spider opened, so the run (and its store) has started.
            store, source = self.run.store, self.run.source
            last_captures = store.captures.last_captures(source.name)
            self.policy = ConditionalRequests(last_captures, conditional=source.is_article)
            log.info("%s: %d URLs captured before; articles among them are asked for conditionally",
                     source.name, len(last_captures))
        return self.policy
