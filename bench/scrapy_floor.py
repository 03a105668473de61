"""Benchmark baseline: bare Scrapy asking a site again for the pages a store holds, with their validators.

Run:  .venv/bin/python -m bench.scrapy_floor --data-dir STORE_DATA_DIR --source NAME [--only REGEX]

What a recrawl of an unchanged site cannot go below with Scrapy as its
fetcher: a spider with Scrapy's default components and nothing of dangan's
(no robots.txt, no capture, no store, no run record) requests each URL the
store's last captures of `NAME` hold (those matching `--only`), sending the
ETag and Last-Modified they returned, and does nothing with the answers but
count them. `bench.recrawl_bench` runs it against its own site after its
recrawl, so that dangan's per-request cost is shown against the framework's in
the same run.

Prints one JSON object: the requests, how many were answered 304, and the
wall and CPU seconds from the engine's start to the spider's close (process
start-up and imports not included: the recrawl's run record leaves them out
too).
"""

from __future__ import annotations

import argparse
import json
import re
import time
from pathlib import Path

import scrapy
from scrapy import signals
from scrapy.crawler import CrawlerProcess

from core.settings import database_url
from crawler.conditional import ConditionalRequests
from storage.captures import CaptureLog
from storage.database import open_database

#: The benchmark's concurrency, as bench.pipeline_bench.FAST_LOCAL_SETTINGS gives dangan's crawl.
CONCURRENCY = 32


def conditional_headers(data_dir: Path, source: str, only: str | None) -> dict[str, dict[str, str]]:
    """For each URL of `source` the store holds a capture of (matching `only`), the validators to send back."""
    db = open_database(database_url(None, data_dir))
    try:
        last = CaptureLog(db).last_captures(source)
    finally:
        db.dispose()
    wanted = re.compile(only) if only else None
    # The crawl's own rule for what to send (crawler.conditional), so both ask the same questions.
    policy = ConditionalRequests(last, conditional=lambda url: True)
    return {url: policy.headers_for(url) for url in sorted(last) if wanted is None or wanted.search(url)}


class ConditionalSpider(scrapy.Spider):
    """Asks for each URL with its validators; keeps nothing but a count of the statuses."""

    name = "scrapy-floor"
    custom_settings = {"HTTPERROR_ALLOWED_CODES": [304]}

    def __init__(self, requests: dict[str, dict[str, str]], **kwargs) -> None:
        super().__init__(**kwargs)
        self.conditional = requests
        self.statuses: dict[int, int] = {}

    async def start(self):
        for url, headers in self.conditional.items():
            yield scrapy.Request(url, headers=headers, callback=self.parse, dont_filter=True)

    def parse(self, response):
        self.statuses[response.status] = self.statuses.get(response.status, 0) + 1
        return None


def run_floor(requests: dict[str, dict[str, str]]) -> dict:
    """Fetch `requests` with bare Scrapy; the statuses, and the seconds from engine start to spider close."""
    process = CrawlerProcess({
        "LOG_LEVEL": "WARNING",
        "ROBOTSTXT_OBEY": False,
        "TELNETCONSOLE_ENABLED": False,
        "CONCURRENT_REQUESTS": CONCURRENCY,
        "CONCURRENT_REQUESTS_PER_DOMAIN": CONCURRENCY,
        "DOWNLOAD_DELAY": 0,
        "AUTOTHROTTLE_ENABLED": False,
    })
    crawler = process.create_crawler(ConditionalSpider)
    marks: dict[str, tuple[float, float]] = {}

    def started() -> None:
        marks["start"] = (time.perf_counter(), time.process_time())

    def closed(spider, reason) -> None:
        marks["end"] = (time.perf_counter(), time.process_time())

    # Named and held here: Scrapy's signals keep only weak references to receivers.
    crawler.signals.connect(started, signal=signals.engine_started)
    crawler.signals.connect(closed, signal=signals.spider_closed)
    process.crawl(crawler, requests=requests)
    process.start()
    spider = crawler.spider
    return {
        "requests": len(requests),
        "statuses": {str(status): count for status, count in sorted(spider.statuses.items())},
        "seconds": marks["end"][0] - marks["start"][0],
        "cpu_seconds": marks["end"][1] - marks["start"][1],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", type=Path, required=True, help="the store's data folder (its SQLite store)")
    parser.add_argument("--source", required=True)
    parser.add_argument("--only", help="a regular expression the URLs must match (the article pattern)")
    args = parser.parse_args()
    print(json.dumps(run_floor(conditional_headers(args.data_dir, args.source, args.only))))


if __name__ == "__main__":
    main()
