"""Kill a crawl with SIGKILL mid-way, crawl again, and check the archive is whole.

The crawler writes a WARC record (fsynced), then its capture row, then
(later, from the processing pool) the version together with marking the
capture processed. Whatever instant the kill lands on, the rerun must end with:
no duplicate versions, no row pointing at a broken record, no WARC record
the database cannot find, and every article present exactly once.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select
from warcio.archiveiterator import ArchiveIterator

from storage.database import open_database
from storage.models import Capture, Document, Version
from storage.recovery import warc_files
from storage.warc import verify_capture
from tests.site.fixtures import (  # noqa: F401 - test_site is a fixture
    REPO_ROOT,
    SOURCE_NAME,
    scrapy_crawl_command,
    subprocess_env,
    test_site,
)
from tests.site.pages import EXPECTED

pytestmark = pytest.mark.slow

# One request at a time, each answered slowly: the crawl is surely still running when killed.
SLOW = {"CONCURRENT_REQUESTS": 1, "CONCURRENT_REQUESTS_PER_DOMAIN": 1}
CAPTURES_BEFORE_KILL = 4
WAIT_LIMIT_S = 60


def _count_captures(db) -> int:
    try:
        with db.session() as session:
            return session.scalar(select(func.count(Capture.id))) or 0
    except Exception:  # noqa: BLE001 - the crawl may still be creating the schema
        return 0


def test_crawl_killed_mid_way_resumes_to_a_whole_archive(test_site, db_url: str, tmp_path: Path) -> None:  # noqa: F811
    data_dir = tmp_path / "data"
    test_site.server.delay = 0.4
    command = scrapy_crawl_command(test_site, db_url, data_dir, settings=SLOW)
    log_path = tmp_path / "killed-crawl.log"
    with log_path.open("w") as log_file:
        victim = subprocess.Popen(
            command, cwd=REPO_ROOT, env=subprocess_env(), stdout=log_file, stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: the worker processes die with it
        )
        db = open_database(db_url)
        try:
            deadline = time.monotonic() + WAIT_LIMIT_S
            while _count_captures(db) < CAPTURES_BEFORE_KILL:
                assert victim.poll() is None, f"crawl ended before it could be killed:\n{log_path.read_text()[-4000:]}"
                assert time.monotonic() < deadline, "no captures appeared; see " + str(log_path)
                time.sleep(0.05)
            os.killpg(victim.pid, signal.SIGKILL)
            victim.wait(timeout=30)
        finally:
            db.dispose()

    test_site.server.delay = 0
    rerun = subprocess.run(
        scrapy_crawl_command(test_site, db_url, data_dir), cwd=REPO_ROOT, env=subprocess_env(),
        capture_output=True, text=True, timeout=120,
    )
    assert rerun.returncode == 0, rerun.stderr[-6000:]

    db = open_database(db_url)
    try:
        with db.session() as session:
            captures = list(session.scalars(select(Capture)))
            documents = list(session.scalars(select(Document).where(Document.source == SOURCE_NAME)))
            versions = list(session.scalars(select(Version)))

        # Every capture row points at a whole WARC record with the payload it names.
        for capture in captures:
            verify_capture(data_dir, capture.warc_file, capture.warc_offset, capture.warc_length, capture.payload_sha256)

        # Every response record in every WARC file has its row, and so does every revisit
        # record (the rerun finds the pages fetched before the kill unchanged).
        known = {(capture.warc_file, capture.warc_offset) for capture in captures}
        records = 0
        for path in warc_files(data_dir):
            relative = path.relative_to(data_dir).as_posix()
            with path.open("rb") as stream:
                iterator = ArchiveIterator(stream)
                for record in iterator:
                    if record.rec_type in ("response", "revisit"):
                        records += 1
                        assert (relative, iterator.get_record_offset()) in known, (relative, iterator.get_record_offset())
        assert records == len(captures)

        # Every article once, with one version; every version's capture exists.
        paths = sorted(urlsplit(document.url).path for document in documents)
        assert paths == sorted(EXPECTED.state_1_documents)
        per_document: dict[int, list[Version]] = {}
        for version in versions:
            per_document.setdefault(version.document_id, []).append(version)
        assert all(len(kept) == 1 for kept in per_document.values()), {
            d: [v.number for v in kept] for d, kept in per_document.items()
        }
        capture_ids = {capture.id for capture in captures}
        assert all(version.capture_id in capture_ids for version in versions)

        # Nothing an article needs was left unprocessed or failed.
        for capture in captures:
            if capture.status_code == 200 and ("/art/" in capture.url or "/m/art_" in capture.url):
                assert capture.processed_at is not None and capture.process_error is None, capture.url
    finally:
        db.dispose()


def test_ctrl_c_stops_the_crawl_cleanly_and_the_run_says_interrupted(test_site, db_url: str, tmp_path: Path) -> None:  # noqa: F811
    from storage.models import CrawlRun

    data_dir = tmp_path / "data"
    test_site.server.delay = 0.4
    victim = subprocess.Popen(
        scrapy_crawl_command(test_site, db_url, data_dir, settings=SLOW), cwd=REPO_ROOT, env=subprocess_env(),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    db = open_database(db_url)
    try:
        deadline = time.monotonic() + WAIT_LIMIT_S
        while _count_captures(db) < 2:
            assert victim.poll() is None and time.monotonic() < deadline, "the crawl ended before Ctrl-C"
            time.sleep(0.05)
        victim.send_signal(signal.SIGINT)  # what Ctrl-C sends
        assert victim.wait(timeout=60) is not None
        with db.session() as session:
            runs = list(session.scalars(select(CrawlRun)))
            captures = list(session.scalars(select(Capture)))
        assert [run.outcome for run in runs] == ["interrupted"]
        assert runs[0].finished_at is not None and runs[0].pages_fetched == len(captures)
        for capture in captures:
            verify_capture(data_dir, capture.warc_file, capture.warc_offset, capture.warc_length, capture.payload_sha256)
    finally:
        test_site.server.delay = 0
        db.dispose()
