"""Scrapy settings for dangan, and the one home of every ``DANGAN_*`` default.

`scrapy crawl source -a name=NAME` loads this module through ``scrapy.cfg``;
`crawler.run.run_crawls` loads it explicitly. Components read their own
settings with a fallback to the constant defined here, so a crawler built with
bare ``Settings()`` behaves like one built from this module.

Override any of these per run: ``scrapy crawl source -a name=NAME -s DANGAN_DATA_DIR=/srv/dangan``.

The defaults are polite on purpose: government web servers are often small,
and a crawler that gets a site's IP range blocked archives nothing.
"""

from __future__ import annotations

BOT_NAME = "dangan"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# --- dangan's own settings (documented with their defaults) ------------------

#: Folder for WARC files and, unless DANGAN_DB says otherwise, the SQLite archive.
DANGAN_DATA_DIR = "dangan-data"
#: Database URL; None means ``sqlite:///<DANGAN_DATA_DIR>/dangan.db``.
DANGAN_DB = None
#: Sources file read by ``scrapy crawl source -a name=NAME`` (``-a config=PATH`` overrides).
DANGAN_SOURCES_FILE = "sources.toml"
#: Link depth followed from the start URLs when a source sets no max_depth.
DANGAN_MAX_DEPTH = 5
#: Pages fetched per crawl when a source sets no max_pages.
DANGAN_MAX_PAGES = 2000
#: Distinct query strings followed per URL path when a source sets no
#: max_query_variants; stops calendar and search-result traps.
DANGAN_MAX_QUERY_VARIANTS = 50
#: Worker processes that decode and extract; None means os.cpu_count().
DANGAN_PROCESS_WORKERS = None
#: Captures waiting for or in processing, per worker, before the crawl waits.
DANGAN_PROCESS_QUEUE_PER_WORKER = 8
#: Seconds before the first retry of a 5xx or timeout; doubled for each further retry.
DANGAN_RETRY_BACKOFF_BASE = 2.0
#: Longest wait before one retry, in seconds.
DANGAN_RETRY_BACKOFF_MAX = 120.0
#: Container allocations between two young-generation garbage collections in a
#: crawl (CPython's default is 700); see crawler/gc_tuning.py.
DANGAN_GC_THRESHOLD = 10_000
#: Results are recorded as soon as a worker finishes; this is the longest wait, in
#: seconds, if a wake-up is ever missed, and the pace of draining at the end.
DANGAN_PROCESS_POLL_INTERVAL = 0.1

# --- politeness ---------------------------------------------------------------

USER_AGENT = "dangan/0.1 (+https://github.com/dangan-archive/dangan)"
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
# Bounded per host: a small county server should never see more than this at once.
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_DELAY = 0.5
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
DOWNLOAD_TIMEOUT = 30
# Articles are small; anything larger is a video or a scanned archive we do not want.
DOWNLOAD_MAXSIZE = 20 * 1024 * 1024
DOWNLOAD_WARNSIZE = 5 * 1024 * 1024

# Retries: our BackoffRetryMiddleware replaces Scrapy's, using the same RETRY_* settings.
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]

# Depth is bounded per source by the spider (source.max_depth or DANGAN_MAX_DEPTH);
# Scrapy's DepthMiddleware still records meta["depth"] for it.
DEPTH_LIMIT = 0
DEPTH_STATS_VERBOSE = False

# Each response yields one item and a few requests. Scrapy 2.13+ starts
# CONCURRENT_ITEMS asyncio tasks per response to handle them (100 by default),
# which cost more reactor time than the archiving itself in the benchmark.
CONCURRENT_ITEMS = 4

# --- components ---------------------------------------------------------------

DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    # After robots.txt (100), so a page robots.txt refuses is not counted against max_pages.
    "crawler.budget.PageBudgetMiddleware": 120,
    "crawler.retry.BackoffRetryMiddleware": 550,
}
SPIDER_MIDDLEWARES = {
    "crawler.query_variants.QueryVariantMiddleware": 600,
}
EXTENSIONS = {
    "crawler.gc_tuning.GcTuning": 0,
}
ITEM_PIPELINES = {
    "crawler.capture.WarcCapturePipeline": 300,
}

# Scrapy 2.11-2.12 warn without this; 2.13 and later ignore it (2.7 is their only fingerprinter).
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
# Scrapy's default, named so nobody wonders: the asyncio reactor. Nothing in dangan needs another.
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"
# No listening ports on a crawl machine: neither the telnet console nor Scrapy 2.19's remote control.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
LOG_LEVEL = "INFO"
