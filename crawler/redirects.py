"""Archive redirect answers: the 301 or 302 itself, not only the page it leads to.

Scrapy's RedirectMiddleware turns a 3xx into a new request, so the answer
never reached the spider and was never archived: the archive could not say
that an address moved, or where to. `RedirectArchiveMiddleware` sits just
before it on the way back from the downloader and hands every redirect to
the capture pipeline (`crawler.capture.archive_response`), which keeps it as
a capture like any other response (not processed; counted as
``dangan/captured_redirect``). The redirect is then followed as before.
"""

from __future__ import annotations

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.http import Response

from crawler.capture import archive_response

#: The statuses Scrapy's RedirectMiddleware follows (304 is an answer of its own, kept as a revisit).
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


class RedirectArchiveMiddleware:
    """Downloader middleware (650, after RedirectMiddleware's 600): archive each redirect before it is followed."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "RedirectArchiveMiddleware":
        return cls(crawler)

    def process_response(self, request: Request, response: Response, spider: Spider | None = None) -> Response:
        if response.status in REDIRECT_STATUSES and b"Location" in response.headers:
            archive_response(self.crawler, response, "redirect")
        return response
