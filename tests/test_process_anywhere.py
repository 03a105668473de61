"""Processing anywhere: crawls that only capture, and `dangan process` runs that take the work, on one store.

Everything is real: the local test site, `dangan crawl --no-process` and
`dangan process` run as commands in their own processes, a SQLite file or a
PostgreSQL schema. Each test compares the store with what a crawl that
processes its own pages stores from the same site: the same documents, each
with the same versions, each version once.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select

from storage.database import open_database
from storage.models import Capture, CrawlRun, Document, Version
from tests.site.fixtures import REPO_ROOT, crawl, run_dangan_crawl, subprocess_env, test_site  # noqa: F401
from tests.test_crawl_shared_frontier import (  # noqa: F401 - portal is a fixture
    ARTICLES, article_fetches, article_versions, crawl_command, env_for, finish, portal, start, store_state,
)


def _process_command(db_url: str, *extra: str) -> list[str]:
    return [sys.executable, "-m", "dangan", "process", "--db", db_url, *extra]


def _run_process(db_url: str, *extra: str, cwd: Path = REPO_ROOT, env: dict | None = None) -> subprocess.Popen:
    """``dangan process`` in a process group of its own, as a terminal would start it."""
    return subprocess.Popen(_process_command(db_url, *extra), cwd=cwd, env=env or subprocess_env(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)


def _finish(process: subprocess.Popen, timeout: float = 240) -> tuple[str, str]:
    """Wait for a `dangan process`; its stdout (the summary) and stderr (its warnings)."""
    out, err = process.communicate(timeout=timeout)
    assert process.returncode == 0, f"dangan process exited {process.returncode}:\n{out}\n{err[-6000:]}"
    return out, err


def _crawl_without_processing(site, db_url: str, data_dir: Path) -> None:
    finished = run_dangan_crawl(site.sources_file, data_dir, "--db", db_url, "--no-process")
    assert finished.returncode == 0, finished.stderr[-6000:]
    assert "left for `dangan process`" in finished.stdout, finished.stdout


def _store_state(db_url: str) -> dict[str, list[str]]:
    """Each document's URL with its version texts, in order."""
    db = open_database(db_url)
    try:
        with db.session() as session:
            rows = session.execute(
                select(Document.url, Version.number, Version.text)
                .join(Version, Version.document_id == Document.id)
                .order_by(Document.url, Version.number)
            ).all()
    finally:
        db.dispose()
    state: dict[str, list[str]] = {}
    for row in rows:
        state.setdefault(row.url, []).append(row.text)
    return state


def _left_for_processing(db_url: str) -> tuple[int, int]:
    """The captures the crawl left (its run's count) and the article captures in the store."""
    db = open_database(db_url)
    try:
        with db.session() as session:
            left = session.scalar(select(func.sum(CrawlRun.left_for_processing)))
            articles = session.scalar(select(func.count(Capture.id)).where(Capture.processed_at.is_(None)))
    finally:
        db.dispose()
    return left or 0, articles or 0


def _assert_each_capture_processed_once(db_url: str) -> int:
    """Every capture processed, every article capture showing a version; return how many article captures."""
    db = open_database(db_url)
    try:
        with db.session() as session:
            assert session.scalar(select(func.count(Capture.id)).where(Capture.processed_at.is_(None))) == 0
            assert session.scalar(select(func.count(Capture.id)).where(Capture.process_error.is_not(None),
                                                                        Capture.status_code == 200)) == 0
            versions = session.execute(select(Version.document_id, Version.number)).all()
            article_captures = session.scalar(select(func.count(Capture.id)).where(Capture.version_id.is_not(None)))
    finally:
        db.dispose()
    repeated = [key for key, count in Counter(versions).items() if count > 1]
    assert not repeated, f"versions stored twice: {repeated}"
    return article_captures


@pytest.fixture
def reference(test_site, tmp_path: Path) -> dict[str, list[str]]:  # noqa: F811
    """What a crawl that processes its own pages stores from the test site (state 1)."""
    url = f"sqlite:///{tmp_path / 'reference' / 'dangan.db'}"
    crawl(test_site, url, tmp_path / "reference")
    return _store_state(url)


def test_two_processors_on_one_store_process_each_capture_once(test_site, db_url: str, reference,  # noqa: F811
                                                               tmp_path: Path) -> None:
    data_dir = tmp_path / "crawler"
    _crawl_without_processing(test_site, db_url, data_dir)
    left, captures = _left_for_processing(db_url)
    # The run says truthfully how many it left: every article page, none processed.
    assert left == captures >= len(reference), (left, captures, len(reference))
    assert _store_state(db_url) == {}  # captured only: nothing versioned yet

    processors = [_run_process(db_url, "--data-dir", str(data_dir), "--workers", "1") for _ in range(2)]
    summaries = [_finish(processor)[0] for processor in processors]

    processed = [int(summary.split("processed ", 1)[1].split(" ", 1)[0]) for summary in summaries]
    # Each capture was claimed by one of them: together they processed each exactly once.
    assert sum(processed) == captures, summaries
    assert _assert_each_capture_processed_once(db_url) == captures
    assert _store_state(db_url) == reference


@pytest.mark.postgres
def test_a_processor_killed_mid_batch_has_its_claims_taken_over(test_site, pg_url: str, reference,  # noqa: F811
                                                                tmp_path: Path) -> None:
    data_dir = tmp_path / "crawler"
    _crawl_without_processing(test_site, pg_url, data_dir)
    _left, captures = _left_for_processing(pg_url)

    killed = _run_process(pg_url, "--data-dir", str(data_dir), "--workers", "1", "--lease", "3")
    db = open_database(pg_url)
    try:
        deadline = time.monotonic() + 120
        while True:
            with db.session() as session:
                held = session.scalar(select(func.count(Capture.id)).where(
                    Capture.claimed_by.like("process:%"), Capture.processed_at.is_(None)))
                done = session.scalar(select(func.count(Capture.id)).where(Capture.version_id.is_not(None)))
            if held and done:
                break
            assert killed.poll() is None, "the processor ended before it was killed: " + killed.stderr.read()[-4000:]
            assert time.monotonic() < deadline, "the processor never held claims while processing"
            time.sleep(0.02)
        os.kill(killed.pid, signal.SIGKILL)
        killed.wait(timeout=30)
        killed.stdout.close()
        killed.stderr.close()
        assert 0 < done < captures, (done, captures)
    finally:
        db.dispose()

    # The other processor follows the store: it takes the free captures at once and the
    # killed one's when their lease lapses; Ctrl-C (SIGINT to its whole process group,
    # workers included) then stops it cleanly.
    other = _run_process(pg_url, "--data-dir", str(data_dir), "--workers", "1", "--follow", "--lease", "3")
    db = open_database(pg_url)
    try:
        deadline = time.monotonic() + 180
        while True:
            with db.session() as session:
                waiting = session.scalar(select(func.count(Capture.id)).where(Capture.processed_at.is_(None)))
            if not waiting:
                break
            assert other.poll() is None, other.stderr.read()[-4000:]
            assert time.monotonic() < deadline, f"{waiting} captures never processed"
            time.sleep(0.2)
    finally:
        db.dispose()
    os.killpg(other.pid, signal.SIGINT)
    out, err = _finish(other, timeout=60)
    assert out.startswith("processed "), out
    assert "took over" in err, err[-4000:]
    assert _assert_each_capture_processed_once(pg_url) == captures
    assert _store_state(pg_url) == reference


@pytest.mark.postgres
def test_processing_elsewhere_needs_only_the_store_url_and_the_warc_root(test_site, pg_url: str, reference,  # noqa: F811
                                                                         tmp_path: Path) -> None:
    crawler_data = tmp_path / "crawler" / "data"
    _crawl_without_processing(test_site, pg_url, crawler_data)
    db = open_database(pg_url)
    try:
        with db.session() as session:
            names = session.scalars(select(Capture.warc_file)).all()
    finally:
        db.dispose()
    assert names and all(not Path(name).is_absolute() and name.startswith("warc/") for name in names), names

    # The records as another machine sees them: the crawler's folder mounted somewhere else,
    # the crawling machine's path gone, and the processor started in a folder of its own.
    mounted = tmp_path / "mnt" / "dangan"
    mounted.parent.mkdir()
    shutil.move(str(tmp_path / "crawler"), str(tmp_path / "moved"))
    shutil.move(str(tmp_path / "moved" / "data"), str(mounted))
    elsewhere = tmp_path / "processing-machine"
    elsewhere.mkdir()
    env = {name: value for name, value in subprocess_env().items() if not name.startswith("DANGAN_")}
    env["DANGAN_WARC_ROOT"] = str(mounted)
    processor = _run_process(pg_url, "--workers", "1", cwd=elsewhere, env=env)
    _finish(processor)

    _assert_each_capture_processed_once(pg_url)
    assert _store_state(pg_url) == reference
    assert not (elsewhere / "dangan-data").exists() or not any((elsewhere / "dangan-data").iterdir())


@pytest.mark.postgres
def test_a_crawl_that_processes_its_pages_keeps_them_from_a_processor_running_beside_it(  # noqa: F811
        test_site, pg_url: str, reference, tmp_path: Path) -> None:  # noqa: F811
    data_dir = tmp_path / "crawler"
    beside = _run_process(pg_url, "--data-dir", str(data_dir), "--workers", "1", "--follow")
    try:
        test_site.server.delay = 0.05  # a crawl long enough for the processor to ask many times
        finished = run_dangan_crawl(test_site.sources_file, data_dir, "--db", pg_url)
        assert finished.returncode == 0, finished.stderr[-6000:]
    finally:
        beside.send_signal(signal.SIGTERM)
    out, _err = _finish(beside, timeout=60)
    # Every page was the crawl's: written claimed by it, so the processor found none to take.
    assert out.startswith("processed 0 captures"), out
    db = open_database(pg_url)
    try:
        with db.session() as session:
            (run,) = session.scalars(select(CrawlRun)).all()
            holders = set(session.scalars(select(Capture.claimed_by).where(Capture.version_id.is_not(None))))
    finally:
        db.dispose()
    assert len(holders) == 1 and next(iter(holders)).startswith("crawl:"), holders
    assert run.left_for_processing == 0 and run.new_documents + run.duplicates + run.empty == len(reference)
    _assert_each_capture_processed_once(pg_url)
    assert _store_state(pg_url) == reference


@pytest.mark.postgres
def test_two_crawlers_and_two_processors_archive_each_page_once_and_version_it_once(
        portal, pg_url: str, redis_url: str, redis_prefix: str, tmp_path: Path) -> None:
    """The issue's layout on one machine: two crawl processes sharing a Redis frontier and
    capturing only, two `dangan process --follow` versioning what they capture, one PostgreSQL store."""
    server, sources = portal
    server.delay = 0.05
    data_dir = tmp_path / "data"
    processors = [_run_process(pg_url, "--warc-root", str(data_dir), "--workers", "1", "--follow")
                  for _ in range(2)]
    try:
        env = env_for(pg_url, redis_url)
        crawlers = [start(crawl_command(sources, data_dir, "--no-process"), env, redis_prefix) for _ in range(2)]
        for code, out, err in [finish(crawler) for crawler in crawlers]:
            assert code == 0 and "left for `dangan process`" in out, out + err[-3000:]
        db = open_database(pg_url)
        try:
            deadline = time.monotonic() + 180
            while True:
                with db.session() as session:
                    waiting = session.scalar(select(func.count(Capture.id)).where(Capture.processed_at.is_(None)))
                if not waiting:
                    break
                assert all(processor.poll() is None for processor in processors), "a processor ended"
                assert time.monotonic() < deadline, f"{waiting} captures never processed"
                time.sleep(0.2)
            with db.session() as session:
                left = session.scalar(select(func.sum(CrawlRun.left_for_processing)))
                versioned = session.scalar(select(func.count(Capture.id)).where(Capture.version_id.is_not(None)))
        finally:
            db.dispose()
    finally:
        for processor in processors:
            processor.send_signal(signal.SIGTERM)
    summaries = [_finish(processor, timeout=60)[0] for processor in processors]

    fetched = article_fetches(server)
    assert set(fetched) == ARTICLES and set(fetched.values()) == {1}, fetched  # each page fetched once
    state = store_state(pg_url, data_dir)
    assert set(state["captures"].values()) == {1}, state["captures"]  # and archived once
    assert article_versions(state) == {path: 1 for path in ARTICLES}  # every version exactly once
    processed = [int(summary.split("processed ", 1)[1].split(" ", 1)[0]) for summary in summaries]
    # The crawls' runs counted what they left; the processors took each of those once.
    assert left == versioned == sum(processed) == len(ARTICLES), (left, versioned, processed)
    _assert_each_capture_processed_once(pg_url)
