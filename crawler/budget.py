"""Fetch at most max_pages pages per crawl, counted where requests leave for the network.

The spider closes itself when max_pages responses have arrived, but by then
more requests may already be on their way: closing is not instant. Counting
at the downloader makes the bound exact: the request that would be page
``max_pages + 1`` is refused before it is sent. Retries of a page already
counted, and robots.txt fetches, are not new pages.
"""

from __future__ import annotations

import logging

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest

log = logging.getLogger(__name__)


class PageBudget:
    """Hands out at most `limit` pages; `take()` says whether one more may be fetched.

    >>> budget = PageBudget(2)
    >>> [budget.take(), budget.take(), budget.take()]
    [True, True, False]
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.taken = 0

    def take(self) -> bool:
        if self.taken >= self.limit:
            return False
        self.taken += 1
        return True


class PageBudgetMiddleware:
    """Downloader middleware refusing requests past the spider's ``max_pages``.

    Spiders without a ``max_pages`` attribute are not limited. Refused
    requests are counted as ``dangan/over_page_budget``.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self._budget: PageBudget | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "PageBudgetMiddleware":
        return cls(crawler)

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        if request.meta.get("dont_obey_robotstxt") or request.meta.get("retry_times"):
            return None  # robots.txt, or a retry of a page already counted
        if self._budget is None:
            limit = getattr(spider or self.crawler.spider, "max_pages", None)
            if not limit:
                return None
            self._budget = PageBudget(limit)
        if self._budget.take():
            return None
        self.crawler.stats.inc_value("dangan/over_page_budget")
        raise IgnoreRequest(f"max_pages ({self._budget.limit}) reached")
