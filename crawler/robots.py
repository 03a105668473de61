"""robots.txt as RFC 9309 reads it: unreachable means "not now", a 4xx means "no rules".

Scrapy's RobotsTxtMiddleware treats a robots.txt it could not fetch as
allowing everything: a robots.txt that never answered stalled a site for
over two minutes, printed a full traceback, and then the site was crawled as
if allowed. RFC 9309 (section 2.3.1) says otherwise, and
`RobotsPolicyMiddleware` follows it:

- **2xx**: the rules are parsed and obeyed, as before.
- **4xx** (404, 403, 401, …): robots.txt is "unavailable"; the crawler may
  fetch anything.
- **5xx, or no answer** (timeout, refused, reset): robots.txt is
  "unreachable"; the host is disallowed entirely for now. Each request for
  it is refused (and counted as a fetch failure), the run says why, and the
  next crawl asks again.

robots.txt is fetched with a timeout of its own (``DANGAN_ROBOTSTXT_TIMEOUT``)
and no retries, so a host that does not answer costs one timeout, not four
with backoff. The failure is one log line; the traceback only with
``--verbose``. Every robots.txt response is archived like a page
(`crawler.capture.archive_response`).

Stats: ``dangan/robotstxt_unreachable`` (the reason, in words, of the first
host that failed), ``dangan/robotstxt_unreachable_refused`` (requests refused
for it), and Scrapy's ``robotstxt/*`` counts.
"""

from __future__ import annotations

import logging

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.http.request import NO_CALLBACK
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred

from core import settings as defaults
from crawler.capture import archive_response
from crawler.run_outcome import ROBOTS_UNREACHABLE_STAT

log = logging.getLogger(__name__)

#: Stat counting the requests refused because their host's robots.txt was unreachable.
REFUSED_STAT = "dangan/robotstxt_unreachable_refused"


class RobotsTxtUnreachable(IgnoreRequest):
    """A request not sent because its host's robots.txt could not be fetched (RFC 9309: disallow for now)."""


class _Unreachable:
    """Stands in a host's parser slot: robots.txt could not be fetched, `why` says how."""

    def __init__(self, why: str) -> None:
        self.why = why


def robots_verdict(status: int) -> str:
    """What a robots.txt answer with this HTTP status means: "rules", "allow all" or "unreachable".

    >>> [robots_verdict(status) for status in (200, 404, 403, 500, 503)]
    ['rules', 'allow all', 'allow all', 'unreachable', 'unreachable']
    """
    if 200 <= status < 300:
        return "rules"
    if 400 <= status < 500:
        return "allow all"
    if status >= 500:
        return "unreachable"
    return "allow all"  # a 3xx left over after the redirects were followed: no rules found


class RobotsPolicyMiddleware(RobotsTxtMiddleware):
    """Scrapy's robots.txt middleware with RFC 9309's reading of failures (see the module docstring).

    Replaces ``scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware`` at
    the same place (100). Setting: ``DANGAN_ROBOTSTXT_TIMEOUT``.
    """

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.timeout = crawler.settings.getfloat("DANGAN_ROBOTSTXT_TIMEOUT", defaults.DANGAN_ROBOTSTXT_TIMEOUT)

    def process_request_2(self, rp, request: Request) -> None:
        if isinstance(rp, _Unreachable):
            self._stats.inc_value(REFUSED_STAT)
            raise RobotsTxtUnreachable(f"not fetched: {rp.why}")
        super().process_request_2(rp, request)

    async def robot_parser(self, request: Request):
        url = urlparse_cached(request)
        netloc = url.netloc
        if netloc not in self._parsers:
            self._parsers[netloc] = Deferred()
            robots_request = Request(
                f"{url.scheme}://{netloc}/robots.txt",
                priority=self.DOWNLOAD_PRIORITY,
                # No retries: RFC 9309 lets a crawler try an unreachable robots.txt
                # later, which is the next crawl; four tries with backoff stalled the site.
                meta={"dont_obey_robotstxt": True, "download_timeout": self.timeout, "dont_retry": True},
                callback=NO_CALLBACK,
            )
            try:
                response = await self.crawler.engine.download_async(robots_request)
            except IgnoreRequest:
                self._settle(netloc, None)  # not sent on purpose (as Scrapy's middleware: no rules)
            except Exception as exc:  # noqa: BLE001 - any failure to fetch means "unreachable"
                self._unreachable(netloc, _failure_words(exc), exc)
            else:
                archive_response(self.crawler, response, "robotstxt")
                await self._judge(response, netloc, request)
            self._stats.inc_value("robotstxt/request_count")
        parser = self._parsers[netloc]
        if isinstance(parser, Deferred):
            return await maybe_deferred_to_future(parser)
        return parser

    async def _judge(self, response: Response, netloc: str, request: Request) -> None:
        verdict = robots_verdict(response.status)
        if verdict == "rules":
            await self._parse_robots(response, netloc, request)
            return
        self._stats.inc_value("robotstxt/response_count")
        self._stats.inc_value(f"robotstxt/response_status_count/{response.status}")
        if verdict == "unreachable":
            self._unreachable(netloc, f"it answered HTTP {response.status}", None)
        else:
            log.info("robots.txt of %s answered HTTP %d: no rules, everything allowed (RFC 9309)", netloc, response.status)
            self._settle(netloc, None)

    def _unreachable(self, netloc: str, why: str, exc: Exception | None) -> None:
        reason = f"robots.txt of {netloc} could not be fetched ({why})"
        log.warning("%s: not crawling %s for now (RFC 9309); the next crawl asks again", reason, netloc)
        if exc is not None:
            log.debug("robots.txt of %s failed", netloc, exc_info=exc)
            self._stats.inc_value(f"robotstxt/exception_count/{type(exc)}")
        if self._stats.get_value(ROBOTS_UNREACHABLE_STAT) is None:
            self._stats.set_value(ROBOTS_UNREACHABLE_STAT, reason)
        self._settle(netloc, _Unreachable(reason))

    def _settle(self, netloc: str, parser) -> None:
        """Give `netloc` its parser (None: no rules), and wake the requests waiting for it."""
        waiting = self._parsers[netloc]
        self._parsers[netloc] = parser
        if isinstance(waiting, Deferred):
            waiting.callback(parser)


def _failure_words(exc: Exception) -> str:
    """``timed out`` rather than a class path: the words `crawler.run_outcome` uses for the same errors."""
    from crawler.run_outcome import error_words

    words = error_words(type(exc).__name__)
    detail = str(exc).strip()
    return f"{words}: {detail}" if detail and words != detail else words
