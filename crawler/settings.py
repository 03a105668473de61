"""Scrapy settings for dangan: Scrapy's own, and every ``DANGAN_*`` setting from `core.settings`.

`scrapy crawl source -a name=NAME` loads this module through ``scrapy.cfg``;
`crawler.run.run_crawls` loads it explicitly. The ``DANGAN_*`` values are
defined once, in `core.settings`, which the command line reads too.

Override any of these per run: ``scrapy crawl source -a name=NAME -s DANGAN_DATA_DIR=/srv/dangan``.

The defaults are polite on purpose: government web servers are often small,
and a crawler that gets a site's IP range blocked captures nothing.
"""

from __future__ import annotations

from scrapy.settings import default_settings as _scrapy_defaults

BOT_NAME = "dangan"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# --- dangan's own settings: their values and documentation live in core.settings ---

from core.settings import (  # noqa: E402,F401 - Scrapy reads every upper-case name of this module
    DANGAN_DATA_DIR,
    DANGAN_DB,
    DANGAN_FRONTIER_LEASE,
    DANGAN_FRONTIER_TTL,
    DANGAN_GC_THRESHOLD,
    DANGAN_INCREMENTAL_RECRAWLS,
    DANGAN_MAX_DEPTH,
    DANGAN_MAX_PAGES,
    DANGAN_MAX_QUERY_VARIANTS,
    DANGAN_PROCESS_LEASE,
    DANGAN_PROCESS_LOCALLY,
    DANGAN_PROCESS_POLL_INTERVAL,
    DANGAN_PROCESS_QUEUE_PER_WORKER,
    DANGAN_PROCESS_WORKERS,
    DANGAN_REDIS_PREFIX,
    DANGAN_REDIS_URL,
    DANGAN_RETRY_BACKOFF_BASE,
    DANGAN_RETRY_AFTER_MAX,
    DANGAN_RETRY_BACKOFF_MAX,
    DANGAN_ROBOTSTXT_TIMEOUT,
    DANGAN_RUN_HEARTBEAT_INTERVAL,
    DANGAN_RUN_HEARTBEAT_STALE,
    DANGAN_RUN_TRIGGER,
    DANGAN_SOURCES_FILE,
    DANGAN_WEBHOOK_TIMEOUT,
    DANGAN_WEBHOOK_URL,
    USER_AGENT,
)

# --- politeness ---------------------------------------------------------------

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
# which cost more reactor time than capturing itself in the benchmark.
CONCURRENT_ITEMS = 4

# --- components ---------------------------------------------------------------

# Scrapy's downloader, keeping CONCURRENT_REQUESTS_PER_DOMAIN when a host's requests are queued at once.
DOWNLOADER = "crawler.downloader.SlotBoundDownloader"

DOWNLOADER_MIDDLEWARES = {
    # Every middleware is a step of every request, and a recrawl of unchanged
    # pages is little else: Scrapy's that dangan never uses are off. No source
    # carries HTTP credentials (sources.toml has no place for them).
    "scrapy.downloadermiddlewares.httpauth.HttpAuthMiddleware": None,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    # RFC 9309's reading of robots.txt failures, in the place of Scrapy's (which allows all on any failure).
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "crawler.robots.RobotsPolicyMiddleware": 100,
    # After robots.txt (100), so a page robots.txt refuses is not counted against max_pages.
    "crawler.budget.PageBudgetMiddleware": 120,
    "crawler.retry.BackoffRetryMiddleware": 550,
    # Sees a 3xx before RedirectMiddleware (600) follows it, and archives it.
    "crawler.redirects.RedirectArchiveMiddleware": 650,
    # Late, so its validators are on the request when Scrapy's HttpCacheMiddleware (900) looks.
    "crawler.conditional.ConditionalRequestMiddleware": 880,
}
_meta_copy_detection = "scrapy.spidermiddlewares.metacopy.MetaCopyDetectionMiddleware"
SPIDER_MIDDLEWARES = {
    "crawler.query_variants.QueryVariantMiddleware": 600,
    # A development aid (it warns when a spider copies Scrapy's internal meta keys to
    # new requests); SourceSpider builds each request's meta afresh. Named only where
    # Scrapy has it (2.19): Scrapy imports every path listed here, even one set to None.
    **({_meta_copy_detection: None} if _meta_copy_detection in _scrapy_defaults.SPIDER_MIDDLEWARES_BASE else {}),
}
# Scrapy's own extensions, less the two switched off above. Setting them to None
# in EXTENSIONS would not do: Scrapy 2.19 imports every listed extension, None or
# not, and these two bring aiohttp and Twisted's conch, a sixth of a second of
# every crawl's start-up (bench.recrawl_bench).
EXTENSIONS_BASE = {
    path: order for path, order in _scrapy_defaults.EXTENSIONS_BASE.items()
    if path not in ("scrapy.extensions.telnet.TelnetConsole", "scrapy.extensions.remote_control.RemoteControl")
}
EXTENSIONS = {
    "crawler.gc_tuning.GcTuning": 0,
    # Opens the store, recovers orphan WARC records, keeps the run record; the pipelines need it.
    "crawler.crawl_run.CrawlRun": 0,
}
# In this order: a page is processed only once its capture is committed.
ITEM_PIPELINES = {
    "crawler.capture.CapturePipeline": 300,
    "crawler.processing.ProcessingPipeline": 400,
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
