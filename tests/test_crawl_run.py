"""How a crawl's parts share one store: the CrawlRun extension and the two item pipelines.

`crawler.crawl_run.CrawlRun` opens the store, gives rows to WARC records a
killed crawl left behind, and keeps the run record; `CapturePipeline` and
`ProcessingPipeline` work inside that run and cannot be enabled without it.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import pytest
from scrapy import signals
from scrapy.utils.test import get_crawler
from sqlalchemy import select

from core.errors import CrawlSetupError
from core.sources import Source
from crawler.capture import CapturePipeline
from crawler.crawl_run import CrawlRun
from crawler.processing import ProcessingPipeline
from crawler.spiders.source import SourceSpider
from storage.database import open_database
from storage.models import Capture, CrawlRun as CrawlRunRecord, Document
from storage.warc import WarcLocation, WarcWriter
from tests.site.fixtures import SOURCE_NAME, crawl, test_site  # noqa: F401 - test_site is a fixture
from tests.site.pages import A103, article_bytes

WITHOUT_CRAWL_RUN = {"EXTENSIONS": {"crawler.crawl_run.CrawlRun": None}}


def _leave_an_orphan(data_dir: Path, url: str) -> WarcLocation:
    """A WARC record with no capture row: what a crawl killed between fsync and commit leaves."""
    with WarcWriter(data_dir, source=SOURCE_NAME) as warc:
        return warc.write_response(
            url, 200, "OK", [("Content-Type", "text/html; charset=utf-8")],
            article_bytes(A103, 1), datetime(2024, 3, 1, 8, 0),
        )


@pytest.mark.slow
def test_a_crawl_registers_and_processes_orphans_then_finishes_its_run(test_site, db_url: str, tmp_path: Path) -> None:  # noqa: F811
    data_dir = tmp_path / "data"
    article_url = test_site.url(A103.path)
    orphan = _leave_an_orphan(data_dir, article_url)

    summary = crawl(test_site, db_url, data_dir)

    db = open_database(db_url)
    try:
        with db.session() as session:
            recovered = session.scalars(
                select(Capture).where(Capture.warc_file == orphan.warc_file, Capture.warc_offset == orphan.offset)
            ).one()
            document = session.scalars(select(Document).where(Document.url == article_url)).one()
            runs = list(session.scalars(select(CrawlRunRecord)))
            run_captures = session.query(Capture).filter(Capture.run_id == runs[0].id).count()
        # The orphan got its row at the start of the crawl (belonging to no run) and was processed.
        assert recovered.run_id is None and recovered.source == SOURCE_NAME
        assert recovered.processed_at is not None and recovered.process_error is None
        assert recovered.document_id == document.id
        # One run, closed with the crawl's own counts.
        assert [(run.id, run.outcome, run.trigger) for run in runs] == [(summary["run_id"], "ok", "manual")]
        assert summary["outcome"] == "ok" and summary["reason"] is None
        assert runs[0].finished_at is not None
        assert runs[0].pages_fetched == summary["pages_fetched"] == run_captures
        assert runs[0].new_documents == summary["new_documents"]
    finally:
        db.dispose()


@pytest.mark.parametrize(
    ("reason", "answered", "outcome"),
    [("finished", True, "ok"), ("finished", False, "failed"), ("shutdown", True, "interrupted")],
)
def test_the_run_record_says_whether_the_crawl_was_ok_failed_or_stopped(
    tmp_path: Path, reason: str, answered: bool, outcome: str
) -> None:
    data_dir = tmp_path / "data"
    orphan = _leave_an_orphan(data_dir, "http://www.xiangtan.gov.cn" + A103.path)
    crawler = get_crawler(SourceSpider, {"DANGAN_DATA_DIR": str(data_dir)})
    source = Source(SOURCE_NAME, ("http://www.xiangtan.gov.cn/",), ("xiangtan.gov.cn",), (re.compile(r"/art/"),))
    spider = SourceSpider.from_crawler(crawler, source=source)
    run = CrawlRun.from_crawler(crawler)  # kept in a variable: Scrapy holds signal receivers weakly

    crawler.signals.send_catch_log(signals.spider_opened, spider=spider)
    assert crawler.stats.get_value("dangan/orphans_recovered") == 1
    assert crawler.stats.get_value("dangan/run_id") == run.run_id
    if answered:
        crawler.stats.inc_value("downloader/response_status_count/200")  # what Scrapy counts for a page's answer
    # Scrapy closes with "shutdown" on Ctrl-C or SIGTERM, and with "finished" when the crawl ran out of pages;
    # a crawl that finished without a single answer has failed.
    crawler.signals.send_catch_log(signals.spider_closed, spider=spider, reason=reason)

    db = open_database(f"sqlite:///{data_dir / 'dangan.db'}")
    try:
        with db.session() as session:
            record = session.get(CrawlRunRecord, run.run_id)
            assert (record.source, record.outcome) == (SOURCE_NAME, outcome)
            assert (record.reason is None) == (outcome == "ok")  # a failure or an interruption says why
            assert crawler.stats.get_value("dangan/outcome") == outcome
            assert record.finished_at is not None
            assert session.scalars(select(Capture.warc_offset)).all() == [orphan.offset]
    finally:
        db.dispose()


@pytest.mark.parametrize("pipeline", [CapturePipeline, ProcessingPipeline])
def test_a_pipeline_enabled_without_the_crawl_run_extension_says_what_to_enable(pipeline) -> None:
    crawler = get_crawler(SourceSpider, WITHOUT_CRAWL_RUN)
    with pytest.raises(CrawlSetupError, match=rf"{pipeline.__name__} needs the crawler\.crawl_run\.CrawlRun extension.*EXTENSIONS"):
        pipeline.from_crawler(crawler)


def test_the_pipelines_share_the_crawl_run_of_their_crawler() -> None:
    crawler = get_crawler(SourceSpider, {"EXTENSIONS": {"crawler.crawl_run.CrawlRun": 0}})
    run = CrawlRun.of(crawler, needed_by="this test")
    assert CapturePipeline.from_crawler(crawler).run is run
    assert ProcessingPipeline.from_crawler(crawler).run is run


@pytest.mark.slow
def test_a_crawl_without_the_extension_fails_before_fetching_anything(test_site, sqlite_url: str, tmp_path: Path) -> None:  # noqa: F811
    data_dir = tmp_path / "data"
    with pytest.raises(AssertionError, match=r"needs the crawler\.crawl_run\.CrawlRun extension"):
        crawl(test_site, sqlite_url, data_dir, settings=WITHOUT_CRAWL_RUN)
    assert test_site.server.requests == []
    assert not data_dir.exists()
