"""The conditional-request middleware against a real store: which requests get which validators."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import pytest
from scrapy import Request
from scrapy.exceptions import NotConfigured
from scrapy.utils.test import get_crawler

from core.sources import Source
from crawler.conditional import LAST_CAPTURE_META_KEY, ConditionalRequestMiddleware
from crawler.crawl_run import CrawlRun
from crawler.spiders.source import SourceSpider
from storage.captures import NewCapture
from storage.store import Store

SITE = "http://www.xiangtan.gov.cn"
ARTICLE = SITE + "/art/2024/3/5/art_1_101.html"
LISTING = SITE + "/col/col1/index.html"
ETAG = '"65e6d2c0-5a1"'
LAST_MODIFIED = "Tue, 05 Mar 2024 08:00:00 GMT"
SOURCE = Source("xiangtan", (SITE + "/",), ("xiangtan.gov.cn",), (re.compile(r"/art/"),))


def _held(data_dir: Path, *urls: str) -> None:
    """A first crawl's captures of `urls`, each with its validators."""
    with Store.open(None, data_dir) as store, store.warc_writer("xiangtan") as warc:
        for url in urls:
            headers = [("Content-Type", "text/html"), ("ETag", ETAG), ("Last-Modified", LAST_MODIFIED)]
            location = warc.write_response(url, 200, "OK", headers, b"<p>page</p>", datetime(2024, 3, 5))
            store.captures.add(NewCapture(
                run_id=None, source="xiangtan", url=url, status_code=200, content_type="text/html",
                fetched_at=datetime(2024, 3, 5), location=location, needs_processing=False,
                etag=ETAG, last_modified=LAST_MODIFIED,
            ))


@pytest.fixture
def middleware(tmp_path: Path):
    data_dir = tmp_path / "data"
    _held(data_dir, ARTICLE, LISTING)
    crawler = get_crawler(
        SourceSpider, {"DANGAN_DATA_DIR": str(data_dir), "EXTENSIONS": {"crawler.crawl_run.CrawlRun": 0}}
    )
    spider = SourceSpider.from_crawler(crawler, source=SOURCE)
    run = CrawlRun.of(crawler, needed_by="this test")
    run.start(spider)
    try:
        yield ConditionalRequestMiddleware.from_crawler(crawler)
    finally:
        run.spider_closed(spider, "finished")


def test_an_article_the_archive_holds_is_asked_for_with_its_validators(middleware) -> None:
    request = Request(ARTICLE)
    middleware.process_request(request)
    assert request.headers.get("If-None-Match") == ETAG.encode()
    assert request.headers.get("If-Modified-Since") == LAST_MODIFIED.encode()
    # Scrapy's HTTP cache must leave it to the server.
    assert request.meta["dont_cache"] is True
    assert request.meta[LAST_CAPTURE_META_KEY].url == ARTICLE
    assert middleware.crawler.stats.get_value("dangan/conditional_requests") == 1


def test_a_listing_page_comes_whole_but_its_last_capture_travels_along(middleware) -> None:
    request = Request(LISTING)
    middleware.process_request(request)
    assert b"If-None-Match" not in request.headers and b"If-Modified-Since" not in request.headers
    assert request.meta[LAST_CAPTURE_META_KEY].url == LISTING  # for the identical-payload check


def test_a_new_url_gets_nothing(middleware) -> None:
    request = Request(SITE + "/art/2024/4/1/art_1_109.html")
    middleware.process_request(request)
    assert b"If-None-Match" not in request.headers and LAST_CAPTURE_META_KEY not in request.meta


def test_a_redirect_does_not_carry_validators_to_another_url(middleware) -> None:
    request = Request(ARTICLE)
    middleware.process_request(request)
    # What Scrapy's RedirectMiddleware does: a copy of the request, headers and meta included.
    redirected = request.replace(url=SITE + "/art/2024/3/5/art_1_101_new.html")
    middleware.process_request(redirected)
    assert b"If-None-Match" not in redirected.headers and b"If-Modified-Since" not in redirected.headers
    assert LAST_CAPTURE_META_KEY not in redirected.meta and "dont_cache" not in redirected.meta


def test_the_setting_switches_it_off() -> None:
    crawler = get_crawler(SourceSpider, {"DANGAN_INCREMENTAL_RECRAWLS": False})
    with pytest.raises(NotConfigured):
        ConditionalRequestMiddleware.from_crawler(crawler)
