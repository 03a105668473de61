"""Run crawls from Python: what ``dangan crawl`` calls.

`run_crawls` starts one Scrapy crawler per source in a `CrawlerProcess`, runs
them together (each source is its own site, so they do not compete for a
host's politeness budget), and returns one `CrawlSummary` per source.

Call it at most once per process. Twisted's reactor cannot be started again
after it stops, so a second call in the same process fails; run further
crawls in a new process (a scheduler should start ``dangan crawl`` as a
subprocess, and tests do the same).

Example (not run as a doctest: it starts the reactor, which the test
process must not; the crawl tests run `dangan crawl` in a subprocess instead)::

    summaries = run_crawls(load_sources(Path("sources.toml")),
                           db_url="sqlite:///dangan-data/dangan.db", data_dir=Path("dangan-data"))
    new_documents = summaries[0].new_documents
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.settings import Settings
from scrapy.settings import default_settings as scrapy_defaults
from twisted.python.failure import Failure

from crawler.crawl_run import run_counts
from crawler.run_outcome import RunOutcome, crawl_outcome
from crawler.spiders.source import SourceSpider
from core.sources import Source
from core.errors import DanganError, RunInProgressError
from core.settings import DANGAN_REDIS_PREFIX, DANGAN_REDIS_URL, DANGAN_RUN_HEARTBEAT_STALE
from crawler.frontier import connect, current_run
from storage.database import open_database
from storage.runs import RunLog

log = logging.getLogger(__name__)

#: Whether this Scrapy reads LOG_INSTALL_ROOT_HANDLER (2.19 and later).
_HAS_ROOT_HANDLER_SETTING = hasattr(scrapy_defaults, "LOG_INSTALL_ROOT_HANDLER")

#: How often `on_progress` is called, in seconds.
PROGRESS_INTERVAL = 0.25


@dataclass
class CrawlSummary:
    """What one source's crawl did, from its Scrapy stats: its outcome, why if not ok, and its counts.

    `outcome` is "ok", "failed" or "interrupted" (`crawler.run_outcome`); the
    counts are those the run record keeps (`crawler.crawl_run.run_counts`).
    """

    source: str
    outcome: str
    reason: str | None
    pages_fetched: int
    not_modified: int
    new_documents: int
    new_versions: int
    unchanged: int
    duplicates: int
    gone: int
    empty: int
    errors: int
    not_html: int
    run_id: int | None
    #: Article pages captured but left for `dangan process` (a crawl with DANGAN_PROCESS_LOCALLY off).
    left_for_processing: int = 0

    @classmethod
    def from_stats(cls, source: str, stats: dict) -> "CrawlSummary":
        """The summary of a closed crawl; its outcome as the run record has it.

        A crawl whose run record never started (the spider did not open)
        is judged from its stats here, so it is never reported "ok" unseen.
        """
        if "dangan/outcome" in stats:
            ended = RunOutcome(stats["dangan/outcome"], stats.get("dangan/outcome_reason"))
        else:
            ended = crawl_outcome(stats, stats.get("finish_reason"))
        return cls(
            source=source, outcome=ended.outcome, reason=ended.reason,
            run_id=stats.get("dangan/run_id"), **run_counts(stats),
        )

    @property
    def failed(self) -> bool:
        return self.outcome == "failed"


def crawl_settings(*, db_url: str, data_dir: Path, overrides: dict | None = None) -> Settings:
    """dangan's Scrapy settings (`crawler.settings`), with the store and any overrides applied."""
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.set("DANGAN_DB", db_url, priority="cmdline")
    settings.set("DANGAN_DATA_DIR", str(data_dir), priority="cmdline")
    for name, value in (overrides or {}).items():
        settings.set(name, value, priority="cmdline")
    if settings.get("DANGAN_REDIS_URL"):
        # The one switch: with a Redis URL the crawl is a worker of the source's shared frontier.
        settings.set("SCHEDULER", "crawler.frontier_scheduler.RedisFrontierScheduler", priority="cmdline")
    return settings


def run_crawls(
    sources: list[Source],
    *,
    db_url: str,
    data_dir: Path,
    settings: dict | None = None,
    on_progress: Callable[[str, dict[str, int]], None] | None = None,
    trigger: str = "manual",
) -> list[CrawlSummary]:
    """Crawl every source in `sources` and return a summary per source, in the same order.

    `settings` overrides Scrapy or ``DANGAN_*`` settings (``{"DANGAN_MAX_DEPTH": 2}``).
    `trigger` ("manual" or "schedule") is kept on each source's run record.
    `on_progress(source_name, stats)` is called about four times a second on
    the reactor thread, with a copy of that source's Scrapy stats, while the
    crawls run, and once more for each at the end; keep it quick.

    Blocks until every crawl has finished. A crawl that got no answer from its
    site is not an exception: its summary says ``outcome == "failed"`` and why.
    If a crawl could not start or stop
    cleanly (an unreadable database, say), the others still run and that
    DanganError is raised at the end. Call once per process (see the module docstring).
    """
    # Logging belongs to the caller (the command line sets it up, and draws a
    # progress display that Scrapy's console handler would scribble over): no
    # root handler, and Scrapy's loggers, which it sets to DEBUG, are brought
    # to the caller's level.
    # A store that cannot be opened (a bad URL, a server that is down) is one
    # clear error here, before Scrapy starts: inside the crawl it surfaced only
    # after Scrapy's own extensions had logged their AssertionErrors.
    # A source being crawled now by another process is refused here too, with
    # the same one clear error (CrawlRun's start_run is the check that holds
    # when two start at once).
    db = open_database(db_url)
    try:
        stale_after = float((settings or {}).get("DANGAN_RUN_HEARTBEAT_STALE", DANGAN_RUN_HEARTBEAT_STALE))
        frontiers = _current_frontiers(sources, settings or {})
        for source in sources:
            # The live workers of the frontier run this crawl will join are its fellows, not rivals.
            running = RunLog(db).alive_run(source.name, stale_after, frontier=frontiers.get(source.name))
            if running is not None:
                raise RunInProgressError(
                    f"{source.name} is being crawled now (run {running.id}, pid {running.pid} on {running.host}, "
                    f"started {running.started_at:%Y-%m-%d %H:%M:%S} UTC); a second crawl of it is refused. "
                    f"Wait for it to end (`dangan runs --source {source.name}`), or stop it first."
                )
    finally:
        db.dispose()
    overrides = {"LOG_INSTALL_ROOT_HANDLER": False, "DANGAN_RUN_TRIGGER": trigger, **(settings or {})}
    root_level = logging.root.level
    # Scrapy 2.18 has only the argument, and its own root handler beside ours printed
    # every log line twice; 2.19 reads the setting and warns that the argument is deprecated.
    process = CrawlerProcess(crawl_settings(db_url=db_url, data_dir=data_dir, overrides=overrides),
                             **({} if _HAS_ROOT_HANDLER_SETTING else {"install_root_handler": False}))
    logging.root.setLevel(root_level)
    logging.getLogger("scrapy").setLevel(root_level or process.settings.get("LOG_LEVEL"))
    if root_level > logging.INFO:
        _ROBOTS_LOGGER.addFilter(_without_traceback)
    crawlers: list[tuple[Source, Crawler]] = []
    failures: list[Failure] = []
    for source in sources:
        crawler = process.create_crawler(SourceSpider)
        crawlers.append((source, crawler))
        deferred = process.crawl(crawler, source=source)
        deferred.addErrback(_crawl_failed, source.name, failures)

    def report_progress() -> None:
        for source, crawler in crawlers:
            if crawler.stats is not None:
                on_progress(source.name, dict(crawler.stats.get_stats()))

    if on_progress is None:
        process.start()
    else:
        # Imported only now: CrawlerProcess has installed the reactor the settings ask for.
        from twisted.internet import reactor
        from twisted.internet.task import LoopingCall

        ticker = LoopingCall(report_progress)
        reactor.callWhenRunning(ticker.start, PROGRESS_INTERVAL, now=False)
        process.start()
        if ticker.running:
            ticker.stop()
        report_progress()

    for failure in failures:
        if isinstance(failure.value, DanganError):
            raise failure.value
    return [
        CrawlSummary.from_stats(source.name, dict(crawler.stats.get_stats()) if crawler.stats else {})
        for source, crawler in crawlers
    ]


def _current_frontiers(sources: list[Source], settings: dict) -> dict[str, str]:
    """The frontier run each source's crawl would join now, by source; empty without ``DANGAN_REDIS_URL``."""
    url = settings.get("DANGAN_REDIS_URL") or DANGAN_REDIS_URL
    if not url:
        return {}
    client = connect(url)
    try:
        prefix = settings.get("DANGAN_REDIS_PREFIX") or DANGAN_REDIS_PREFIX
        found = {source.name: current_run(client, prefix=prefix, source=source.name) for source in sources}
    finally:
        client.close()
    return {name: run for name, run in found.items() if run is not None}


# Scrapy logs an unreachable robots.txt as an ERROR with a 60-line traceback,
# which buried the one line that matters (the run's reason, printed at the
# end). Without --verbose the message stays and the traceback goes.
_ROBOTS_LOGGER = logging.getLogger("scrapy.downloadermiddlewares.robotstxt")


def _without_traceback(record: logging.LogRecord) -> bool:
    record.exc_info = None
    record.exc_text = None
    return True


def _crawl_failed(failure: Failure, name: str, failures: list[Failure]) -> None:
    """Keep a crawl's failure for after the reactor stops; the other crawls go on."""
    log.error("crawl of %s failed: %s", name, failure.getErrorMessage())
    failures.append(failure)
