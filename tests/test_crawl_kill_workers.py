"""kill -9 of a crawl process leaves nothing behind: its workers, forkserver and resource tracker end too.

A real crawl of the slowed-down test site, killed with SIGKILL (the crawl
process alone, not its process group) once its workers have processed pages;
every process it had started must be gone within 10 seconds.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from storage.database import open_database
from storage.models import Capture
from tests.process_tree import descendants_of, live_parents
from tests.site.fixtures import REPO_ROOT, scrapy_crawl_command, subprocess_env, test_site  # noqa: F401

pytestmark = pytest.mark.slow

SURVIVAL_LIMIT_S = 10


def _alive(pids: set[int]) -> set[int]:
    return pids & set(live_parents())


def _processed(db) -> int:
    try:
        with db.session() as session:
            return session.scalar(select(func.count(Capture.id)).where(Capture.version_id.is_not(None))) or 0
    except Exception:  # noqa: BLE001 - the crawl may still be creating the schema
        return 0


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="needs /proc to find the crawl's processes")
def test_no_process_of_a_crawl_killed_with_sigkill_survives_it(test_site, sqlite_url: str, tmp_path: Path) -> None:  # noqa: F811
    test_site.server.delay = 0.5
    command = scrapy_crawl_command(test_site, sqlite_url, tmp_path / "data",
                                   settings={"CONCURRENT_REQUESTS_PER_DOMAIN": 1})
    log_path = tmp_path / "crawl.log"
    with log_path.open("w") as log_file:
        crawl = subprocess.Popen(command, cwd=REPO_ROOT, env=subprocess_env(), stdout=log_file,
                                 stderr=subprocess.STDOUT)
        db = open_database(sqlite_url)
        try:
            deadline = time.monotonic() + 90
            while _processed(db) < 2:
                assert crawl.poll() is None, log_path.read_text()[-4000:]
                assert time.monotonic() < deadline, "no page was processed; see " + str(log_path)
                time.sleep(0.1)
        finally:
            db.dispose()
        started = descendants_of(crawl.pid)
        # The forkserver, the resource tracker and the workers forked from the forkserver.
        assert len(started) >= 3, started
        os.kill(crawl.pid, signal.SIGKILL)
        crawl.wait(timeout=30)

    deadline = time.monotonic() + SURVIVAL_LIMIT_S
    while _alive(started) and time.monotonic() < deadline:
        time.sleep(0.2)
    left = _alive(started)
    for pid in left:  # do not leave them to the other tests either
        os.kill(pid, signal.SIGKILL)
    assert not left, f"still running {SURVIVAL_LIMIT_S} s after the crawl was killed: {sorted(left)}"
