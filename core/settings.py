"""The one home of every ``DANGAN_*`` default, read by the crawl and the command line alike.

`crawler.settings` (the Scrapy settings module) takes these names as they
are; the command line's options default to them; the processing pool and the
store read them here. A component that reads a setting falls back to the
constant here, so a crawler built with a bare ``Settings()`` behaves like one
built from `crawler.settings`. Nothing else in dangan writes a default down.

Override any of them per run: ``dangan crawl NAME --set DANGAN_MAX_PAGES=100``,
``scrapy crawl source -a name=NAME -s DANGAN_DATA_DIR=/srv/dangan``, or, for
``DANGAN_DATA_DIR``, ``DANGAN_DB`` and ``DANGAN_SOURCES_FILE``, the
environment variables of the same names.

Example:
    >>> database_url(None, "dangan-data")
    'sqlite:///dangan-data/dangan.db'
    >>> database_url("postgresql+psycopg://archive@db/dangan", "dangan-data")
    'postgresql+psycopg://archive@db/dangan'
"""

from __future__ import annotations

from pathlib import Path

#: Folder for WARC files and, unless DANGAN_DB says otherwise, the SQLite archive.
DANGAN_DATA_DIR = "dangan-data"
#: Database URL; None means ``sqlite:///<DANGAN_DATA_DIR>/dangan.db`` (see `database_url`).
DANGAN_DB = None
#: The sources file (``-a config=PATH`` or ``--config PATH`` overrides).
DANGAN_SOURCES_FILE = "sources.toml"
#: Link depth followed from the start URLs when a source sets no max_depth.
DANGAN_MAX_DEPTH = 5
#: Pages fetched per crawl when a source sets no max_pages.
DANGAN_MAX_PAGES = 2000
#: Distinct query strings followed per URL path when a source sets no
#: max_query_variants; stops calendar and search-result traps.
DANGAN_MAX_QUERY_VARIANTS = 50
#: Worker processes that decode and extract; None means one per core.
DANGAN_PROCESS_WORKERS = None
#: Captures waiting for or in processing, per worker, before the crawl (or a
#: reprocess run) waits: enough to keep every worker busy while results travel
#: back, few enough that bodies do not pile up in memory.
DANGAN_PROCESS_QUEUE_PER_WORKER = 8
#: False: a crawl captures pages and leaves their processing to `dangan process`
#: (on this machine or others sharing the store and the WARC root); its run counts
#: them as ``left_for_processing``. ``dangan crawl --no-process`` sets it.
DANGAN_PROCESS_LOCALLY = True
#: Seconds a processor's claim on a capture lasts unless renewed (a live
#: processor renews its claims every third of it); the claims of a processor
#: that was killed come back to the others after this long.
DANGAN_PROCESS_LEASE = 300.0
#: Seconds `dangan process --follow` waits, when no capture is left, before it asks again.
DANGAN_PROCESS_FOLLOW_INTERVAL = 2.0
#: The folder WARC records are read from by processing (`dangan process`,
#: `dangan reprocess`): the folder holding ``warc/``, which capture rows name
#: their files relative to. None: the data folder. On a processing machine,
#: where the crawlers' data folder is mounted.
DANGAN_WARC_ROOT = None
#: Results are recorded as soon as a worker finishes; this is the longest wait, in
#: seconds, if a wake-up is ever missed, and the pace of draining at the end.
DANGAN_PROCESS_POLL_INTERVAL = 0.1
#: Seconds before the first retry of a 5xx or timeout; doubled for each further retry.
DANGAN_RETRY_BACKOFF_BASE = 2.0
#: Longest wait before one retry, in seconds.
DANGAN_RETRY_BACKOFF_MAX = 120.0
#: Longest wait a server's Retry-After (on a 429 or 503) is honoured for, in
#: seconds; the whole host waits that long, not just the refused request.
DANGAN_RETRY_AFTER_MAX = 300.0
#: Seconds robots.txt has to answer. No answer (or a 5xx) means "disallowed for
#: now" under RFC 9309: the host is not crawled and the next crawl asks again.
DANGAN_ROBOTSTXT_TIMEOUT = 10.0
#: What started a crawl, kept on its run record: "manual" (`dangan crawl`), or
#: "schedule" (the scheduler passes ``dangan crawl --trigger schedule``).
DANGAN_RUN_TRIGGER = "manual"
#: Seconds between two heartbeats a running crawl writes to its run record, so
#: that another crawl of the same source, on any machine, can tell it is alive.
DANGAN_RUN_HEARTBEAT_INTERVAL = 15.0
#: A run marked running whose heartbeat is older than this many seconds is
#: dead (its process was killed, or its machine went down): the next crawl of
#: the source marks it interrupted. On the machine that ran it, a run whose
#: process no longer exists is dead at once.
DANGAN_RUN_HEARTBEAT_STALE = 90.0
#: Redis that holds the shared crawl frontier (crawler/frontier.py), e.g.
#: redis://frontier-host:6379/0. None: each crawl keeps its own frontier in its
#: process, as Scrapy does. Set, every crawl of a source joins that source's
#: frontier run there, so crawls on several machines share its queue and seen
#: URLs; `dangan crawl NAME --workers N` needs it for N > 1.
DANGAN_REDIS_URL = None
#: Prefix of every Redis key dangan writes, so several archives can share one Redis.
DANGAN_REDIS_PREFIX = "dangan"
#: Seconds a frontier worker may go without a heartbeat before the others take
#: the requests it holds back into the queue (on its own machine, a worker
#: whose process is gone is taken for dead at once). Heartbeats go every third of this.
DANGAN_FRONTIER_LEASE = 30.0
#: Seconds the Redis keys of a frontier run are kept after the last heartbeat
#: of any of its workers: a run every worker of which was killed cleans itself
#: up. A run that ends deletes its queue and seen filter at once.
DANGAN_FRONTIER_TTL = 86400
#: Recrawls send If-None-Match / If-Modified-Since for the articles the archive
#: holds, and keep a 304, or a body the archive already has, as a WARC revisit
#: record with no extraction and no new version. False fetches and stores every
#: page whole, as a first crawl does.
DANGAN_INCREMENTAL_RECRAWLS = True
#: Container allocations between two young-generation garbage collections in a
#: crawl (CPython's default is 700); see crawler/gc_tuning.py.
DANGAN_GC_THRESHOLD = 10_000
#: Webhook that gets a JSON summary of every run that failed or brought new
#: versions or new documents (see crawler/run_notice.py); a source's own
#: ``webhook`` in sources.toml wins. None: no notices.
DANGAN_WEBHOOK_URL = None
#: Seconds to wait for the webhook to answer; a notice is tried twice at most.
DANGAN_WEBHOOK_TIMEOUT = 10.0

#: Crawls `dangan schedule` runs at once; a source that falls due while this
#: many run waits for one to end. Each crawl is a process with its own
#: processing workers, so more than the cores can feed only adds waiting.
DANGAN_SCHEDULE_MAX_CRAWLS = 2
#: Seconds late a scheduled crawl may start, after the scheduler was not
#: running at its time; None: however late. Missed times of one source run
#: once at start-up either way, never once per missed time.
DANGAN_SCHEDULE_MISFIRE_GRACE = None
#: Seconds a source whose scheduled crawl failed is left alone before its
#: next scheduled time may run; doubled for each further failure in a row.
DANGAN_SCHEDULE_BACKOFF_BASE = 3600.0
#: The longest a failing source is left alone, in seconds.
DANGAN_SCHEDULE_BACKOFF_MAX = 86400.0
#: Seconds the scheduler waits, when told to stop, for running crawls to stop
#: cleanly (store what they fetched, record their runs) before it kills them.
DANGAN_SCHEDULE_STOP_WAIT = 60.0
#: Time zone of the schedules (an IANA name, e.g. Asia/Shanghai); None: the
#: machine's local time, as cron uses.
DANGAN_SCHEDULE_TIMEZONE = None
#: For tests and trying the scheduler out: every scheduled source falls due
#: every this many seconds instead of on its crontab line. None in real use.
DANGAN_SCHEDULE_TEST_INTERVAL = None
#: Seconds between the scheduler's checks that it still holds its store's
#: lock (PostgreSQL: a lock that lives as long as one connection). A dropped
#: connection is replaced and the lock taken again; if another scheduler took
#: it meanwhile, this one stops rather than run every job a second time.
DANGAN_SCHEDULE_LOCK_CHECK = 30.0

#: How dangan names itself to web servers, in a crawl and in ``dangan extract URL``.
USER_AGENT = "dangan/0.1 (+https://github.com/dangan-archive/dangan)"

#: The SQLite file inside the data folder when DANGAN_DB is not set.
SQLITE_FILE_NAME = "dangan.db"


def database_url(db: str | None, data_dir: str | Path) -> str:
    """The store's URL: `db` when given, else the SQLite file inside `data_dir`."""
    return db or f"sqlite:///{Path(data_dir) / SQLITE_FILE_NAME}"


def warc_root(root: str | Path | None, data_dir: str | Path) -> str:
    """Where WARC records are read from: `root` when given, else the data folder.

    >>> warc_root(None, "dangan-data")
    'dangan-data'
    >>> warc_root("/mnt/archive", "dangan-data")
    '/mnt/archive'
    """
    return str(root) if root else str(data_dir)
