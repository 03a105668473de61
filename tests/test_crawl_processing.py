"""Processing a capture (pure function) and the worker pool that records results."""

from __future__ import annotations

import importlib
import multiprocessing
import os
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from pipeline.process import find_canonical_href, is_decode_fallback, process_page, require_article_text
from pipeline.workers import (
    WORKER_NICENESS,
    WORKER_PRELOAD,
    CaptureJob,
    WorkerPool,
    _start_worker,
    process_and_record,
)
from storage.captures import CaptureLog, NewCapture
from core.errors import ExtractionError
from storage.models import Capture, Document, Version
from storage.versions import Outcome, VersionStore
from storage.warc import WarcWriter
from tests.site.pages import A102, A105, A106, article_bytes

HOST = "http://www.xiangtan.gov.cn"
FETCHED = datetime(2024, 3, 20, 8, 0, 0)


def test_gbk_declared_as_gb2312_is_decoded_extracted_and_normalised() -> None:
    page = process_page(article_bytes(A102, 1), "text/html; charset=gb2312", HOST + A102.path)
    assert page.url == HOST + A102.path
    assert page.article.title == A102.title
    assert page.article.published == "2024-03-06"
    assert page.encoding == "gb18030" and not page.decode_fallback
    assert "副市长王喆出席会议" in page.article.text  # 喆 is GBK, outside GB2312
    assert "浏览次数" not in page.article.text and "热点推荐" not in page.article.text
    assert len(page.text_sha256) == 64


def test_a_lying_iso_8859_1_header_does_not_win_over_gbk_bytes() -> None:
    page = process_page(article_bytes(A105, 1), "text/html; charset=ISO-8859-1", HOST + A105.path)
    assert page.encoding == "gb18030"
    assert A105.paragraphs[0] in page.article.text


def test_the_document_url_is_the_canonical_link_and_drops_tracking_parameters() -> None:
    mobile = process_page(article_bytes(A106, 1), "text/html; charset=utf-8", HOST + A106.path + "?from=timeline")
    assert mobile.url == HOST + A106.canonical
    shared = process_page(article_bytes(A102, 1), "text/html", HOST + A102.path + "?utm_source=wechat#pinglun")
    assert shared.url == HOST + A102.path


def test_a_given_canonical_url_is_used_as_is() -> None:
    page = process_page(article_bytes(A102, 1), None, HOST + A102.path, canonical_url=HOST + "/doc/1")
    assert page.url == HOST + "/doc/1"


def test_a_page_without_article_text_is_processed_but_fails_the_article_check() -> None:
    page = process_page(b"<html><body></body></html>", "text/html", HOST + "/empty.html")
    assert page.article.text == ""
    with pytest.raises(ExtractionError, match="empty.html: the page holds no article text"):
        require_article_text(page, HOST + "/empty.html")


def test_canonical_href_is_found_in_either_attribute_order() -> None:
    assert find_canonical_href('<link href="/a.html" rel="canonical">') == "/a.html"
    assert find_canonical_href("<LINK REL='Canonical' HREF='/b.html'>") == "/b.html"
    assert find_canonical_href('<link rel="stylesheet" href="/s.css">') is None


def test_decode_fallback_is_judged_by_the_deciding_evidence_only() -> None:
    assert is_decode_fallback("detected")
    assert is_decode_fallback("meta gb2312 failed strict decoding; fallback with 3 replacement characters")
    assert not is_decode_fallback("http-header iso-8859-1 not believed over non-ASCII bytes; meta gbk read as gb18030")


def _capture(db, data_dir: Path, url: str, body: bytes) -> int:
    with WarcWriter(data_dir, source="gov") as writer:
        location = writer.write_response(url, 200, "OK", [("Content-Type", "text/html")], body, FETCHED)
    return CaptureLog(db).add(NewCapture(
        run_id=None, source="gov", url=url, status_code=200, content_type="text/html",
        fetched_at=FETCHED, location=location,
    ))


def test_pool_records_results_and_marks_failures(db, data_dir: Path) -> None:
    good = _capture(db, data_dir, HOST + A102.path, article_bytes(A102, 1))
    copy = _capture(db, data_dir, HOST + A102.path + "?utm_source=x", article_bytes(A102, 2))
    bad = _capture(db, data_dir, HOST + "/empty.html", b"<html><body></body></html>")
    results = []
    with WorkerPool(db, warc_root=data_dir, workers=1, queue_per_worker=1, on_result=results.append) as pool:
        # One job in memory, the others read back from WARC by the worker; the queue of
        # one makes `submit` wait for room, recording results as it goes.
        pool.submit(CaptureJob(good, "gov", HOST + A102.path, "text/html", FETCHED, body=article_bytes(A102, 1)))
        for capture in CaptureLog(db).unprocessed(source="gov"):
            if capture.id != good:
                pool.submit(CaptureJob.from_capture(capture))
    by_capture = {result.capture_id: result for result in results}
    assert by_capture[good].outcome is Outcome.NEW_DOCUMENT
    assert by_capture[copy].outcome is Outcome.NEW_VERSION  # state 2's corrected text, same document
    # An article page with no text is not dropped: it is a document whose version is flagged empty.
    assert by_capture[bad].outcome is Outcome.EMPTY
    assert by_capture[bad].empty_reason.startswith("the page holds no article text")
    assert (pool.counts["errors"], pool.counts["empty"]) == (0, 1)

    with db.session() as session:
        assert sorted(session.scalars(select(Document.url)).all()) == [HOST + A102.path, HOST + "/empty.html"]
        assert len(session.scalars(select(Version)).all()) == 3
        empty = session.get(Capture, bad)
        assert empty.processed_at is not None and empty.version_id is not None
        assert session.get(Version, empty.version_id).empty_reason.startswith("the page holds no article text")
    assert CaptureLog(db).unprocessed(source="gov") == []


def test_a_page_that_cannot_be_parsed_is_stored_as_an_empty_version_with_the_reason(db, data_dir: Path) -> None:
    broken = _capture(db, data_dir, HOST + "/content/9.html?utm_source=x", b"  \r\n")
    results = []
    with WorkerPool(db, warc_root=data_dir, workers=1, on_result=results.append) as pool:
        for capture in CaptureLog(db).unprocessed(source="gov"):
            pool.submit(CaptureJob.from_capture(capture))
    [result] = results
    assert result.outcome is Outcome.EMPTY, result
    assert result.url == HOST + "/content/9.html" and result.empty_reason.startswith("the HTML is empty")
    with db.session() as session:
        version = session.get(Version, session.get(Capture, broken).version_id)
        assert (version.text, version.empty_reason) == ("", result.empty_reason)


def _niceness_of_a_started_worker(db_url: str, answer) -> None:
    _start_worker(db_url)
    answer.put(os.nice(0))


def test_workers_run_at_a_lower_priority_than_the_crawl(sqlite_url: str) -> None:
    if not hasattr(os, "nice"):
        pytest.skip("this platform has no process niceness")
    context = multiprocessing.get_context("spawn")
    answer = context.Queue()
    worker = context.Process(target=_niceness_of_a_started_worker, args=(sqlite_url, answer))
    worker.start()
    niceness = answer.get(timeout=60)
    worker.join(timeout=60)
    assert niceness == min(os.nice(0) + WORKER_NICENESS, 19)


def test_the_worker_server_preloads_the_modules_workers_run() -> None:
    # multiprocessing ignores a preload name that does not import, so a rename would go unnoticed.
    for name in WORKER_PRELOAD:
        importlib.import_module(name)
    for used in (process_page, process_and_record, VersionStore):
        assert used.__module__ in WORKER_PRELOAD, used
