"""The crawl's bounds as plain objects: query-variant limit, retry backoff, domain check."""

from __future__ import annotations

import re

import pytest
from scrapy import Request
from scrapy.http import Response
from scrapy.utils.test import get_crawler

from crawler.budget import PageBudget
from crawler.query_variants import QueryVariantLimit
from crawler.retry import BACKOFF_META_KEY, BackoffRetryMiddleware, backoff_delay
from crawler.spiders.source import SourceSpider, host_allowed
from core.sources import Source


def test_query_variant_limit_allows_the_first_n_query_strings_per_path() -> None:
    limit = QueryVariantLimit(3)
    calendar = [f"http://www.xiangtan.gov.cn/calendar?month={month}" for month in range(1, 8)]
    assert [limit.allow(url) for url in calendar] == [True, True, True, False, False, False, False]
    assert limit.refused == 4
    # Asking again about an allowed variant still says yes; other paths have their own count.
    assert limit.allow(calendar[0])
    assert limit.allow("http://www.xiangtan.gov.cn/list.jsp?page=2")


def test_query_variant_limit_counts_canonical_queries_and_ignores_plain_urls() -> None:
    limit = QueryVariantLimit(1)
    assert limit.allow("http://a.gov.cn/list?b=2&a=1")
    # Same query in another order, with tracking parameters and a fragment: the same variant.
    assert limit.allow("http://a.gov.cn/list?a=1&b=2&utm_source=wechat#top")
    assert not limit.allow("http://a.gov.cn/list?a=1&b=3")
    # A URL without a query is never a variant.
    assert all(limit.allow("http://a.gov.cn/list") for _ in range(5))


def test_query_variant_limit_rejects_a_negative_limit() -> None:
    with pytest.raises(ValueError):
        QueryVariantLimit(-1)


@pytest.mark.parametrize(
    ("retry", "expected"),
    [(0, 0.0), (1, 2.0), (2, 4.0), (3, 8.0), (4, 16.0), (7, 60.0), (5000, 60.0)],
)
def test_backoff_doubles_from_the_base_up_to_the_cap(retry: int, expected: float) -> None:
    assert backoff_delay(retry, base=2.0, cap=60.0) == expected


def test_backoff_middleware_gives_each_retry_of_a_503_a_longer_wait() -> None:
    crawler = get_crawler(SourceSpider, {"DANGAN_RETRY_BACKOFF_BASE": 1.5, "RETRY_TIMES": 3})
    source = Source("gov", ("http://www.xiangtan.gov.cn/",), ("xiangtan.gov.cn",), (re.compile(r"/art/"),))
    crawler.spider = SourceSpider.from_crawler(crawler, source=source)
    middleware = BackoffRetryMiddleware.from_crawler(crawler)

    request = Request("http://www.xiangtan.gov.cn/art/1.html")
    delays = []
    for _ in range(4):
        result = middleware.process_response(request, Response(request.url, status=503, request=request))
        if not isinstance(result, Request):
            break  # retries used up: the 503 itself goes on to the spider, to be archived
        delays.append(result.meta[BACKOFF_META_KEY])
        request = result
    assert delays == [1.5, 3.0, 6.0]
    assert isinstance(result, Response) and result.status == 503
    assert crawler.stats.get_value("dangan/retry_backoff") == 3


def test_host_allowed_ignores_ports_and_accepts_subdomains() -> None:
    assert host_allowed("http://127.0.0.1:8123/a.html", ["127.0.0.1"])
    assert host_allowed("http://www.xiangtan.gov.cn/a.html", ["xiangtan.gov.cn"])
    assert not host_allowed("http://evilxiangtan.gov.cn/a.html", ["xiangtan.gov.cn"])
    assert not host_allowed("http://www.hunan.gov.cn/a.html", ["xiangtan.gov.cn"])


def test_page_budget_hands_out_exactly_its_limit() -> None:
    budget = PageBudget(3)
    assert [budget.take() for _ in range(5)] == [True, True, True, False, False]
    assert budget.taken == 3
