"""Stop query-string traps: follow at most N distinct query strings per URL path.

Calendars (``/calendar?month=13``, ``?month=14``, …), search pages and
sort/filter links generate endless URLs that differ only in their query
string. Depth limits catch them late; counting distinct query strings per path
catches them early, while still following the first few (page 2 and 3 of a
listing are worth having).

`QueryVariantLimit` is the rule as a plain object; `QueryVariantMiddleware`
applies it to every request a spider callback yields.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterable
from urllib.parse import urlsplit

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.http import Response

from core import settings as defaults
from core.urls import canonicalize_url, query_variant_key

log = logging.getLogger(__name__)


class QueryVariantLimit:
    """Allows the first `limit` distinct query strings seen for each URL path, refuses the rest.

    URLs are canonicalised first, so ``?b=2&a=1`` and ``?a=1&b=2&utm_source=x``
    are one variant. A URL without a query string is always allowed: it is
    not a variant of anything. Asking again about an allowed URL says yes again.

    >>> limit = QueryVariantLimit(2)
    >>> [limit.allow(f"http://x.gov.cn/calendar?month={m}") for m in (1, 2, 3, 1)]
    [True, True, False, True]
    """

    def __init__(self, limit: int) -> None:
        if limit < 0:
            raise ValueError(f"a query-variant limit must be 0 or more, not {limit}")
        self.limit = limit
        self._seen: dict[str, set[str]] = {}
        self.refused = 0

    def allow(self, url: str) -> bool:
        """True if `url` may be followed; remembers it as one of its path's variants."""
        canonical = canonicalize_url(url)
        query = urlsplit(canonical).query
        if not query:
            return True
        key = query_variant_key(canonical)
        variants = self._seen.setdefault(key, set())
        if query in variants:
            return True
        if len(variants) >= self.limit:
            self.refused += 1
            return False
        variants.add(query)
        return True


class QueryVariantMiddleware:
    """Spider middleware dropping requests past the source's query-variant limit.

    The limit is the spider's ``source.max_query_variants`` if set, else
    ``DANGAN_MAX_QUERY_VARIANTS`` (default 50); ``0`` there switches the
    middleware off. Each refused request is counted as
    ``dangan/query_variant_refused`` and logged once per path at INFO.
    """

    def __init__(self, crawler: Crawler, default_limit: int) -> None:
        self.crawler = crawler
        self.default_limit = default_limit
        self._limit: QueryVariantLimit | None = None
        self._logged_keys: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "QueryVariantMiddleware":
        limit = crawler.settings.getint("DANGAN_MAX_QUERY_VARIANTS", defaults.DANGAN_MAX_QUERY_VARIANTS)
        return cls(crawler, limit)

    def _limit_for(self, spider: Spider | None) -> QueryVariantLimit | None:
        if self._limit is None:
            source = getattr(spider or self.crawler.spider, "source", None)
            limit = getattr(source, "max_query_variants", None) or self.default_limit
            if limit <= 0:
                return None
            self._limit = QueryVariantLimit(limit)
        return self._limit

    def _allowed(self, item, spider: Spider | None) -> bool:
        if not isinstance(item, Request):
            return True
        limit = self._limit_for(spider)
        if limit is None or limit.allow(item.url):
            return True
        self.crawler.stats.inc_value("dangan/query_variant_refused")
        key = query_variant_key(canonicalize_url(item.url))
        if key not in self._logged_keys:
            self._logged_keys.add(key)
            log.info("not following more than %d query variants of %s", limit.limit, key)
        return False

    def process_spider_output(
        self, response: Response, result: Iterable, spider: Spider | None = None
    ) -> Iterable:
        for item in result:
            if self._allowed(item, spider):
                yield item

    async def process_spider_output_async(
        self, response: Response, result: AsyncIterator, spider: Spider | None = None
    ) -> AsyncIterator:
        async for item in result:
            if self._allowed(item, spider):
                yield item
