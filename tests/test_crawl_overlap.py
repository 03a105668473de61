"""One crawl of a source at a time: a live run refuses a second crawl, a dead one is marked interrupted.

Real `dangan crawl` processes against the slowed-down test site: while the
first runs, a second crawl of the same source exits 1 with the reason and
leaves the first alone, which then ends ok. The liveness rules themselves
(process gone, heartbeat stale, another host) are tested on the run log in
tests/test_storage_runs.py.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from storage.store import Store
from tests.site.fixtures import FAST_SETTINGS, REPO_ROOT, SOURCE_NAME, subprocess_env, test_site  # noqa: F401
from tests.test_crawl_failures import dangan_crawl

pytestmark = pytest.mark.slow


def _running_run(data_dir: Path):
    try:
        with Store.open(None, data_dir) as store:
            return store.run_log.running_run(SOURCE_NAME)
    except Exception:  # noqa: BLE001 - the first crawl may still be creating the store
        return None


def test_a_second_crawl_of_a_source_being_crawled_is_refused_and_the_first_goes_on(
    test_site, tmp_path: Path  # noqa: F811
) -> None:
    data_dir = tmp_path / "data"
    test_site.server.delay = 2.0
    command = [sys.executable, "-m", "dangan", "crawl", SOURCE_NAME, "--config", str(test_site.sources_file),
               "--data-dir", str(data_dir), "--set", "CONCURRENT_REQUESTS_PER_DOMAIN=1"]
    for name, value in FAST_SETTINGS.items():
        command += ["--set", f"{name}={value}"]
    first = subprocess.Popen(command, cwd=REPO_ROOT, env=subprocess_env(), stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while (running := _running_run(data_dir)) is None:
            assert first.poll() is None, first.communicate()[1][-3000:]
            assert time.monotonic() < deadline, "the first crawl never started its run"
            time.sleep(0.1)

        second = dangan_crawl(test_site.sources_file, data_dir)

        assert second.returncode == 1, second.stdout + second.stderr[-3000:]
        assert f"error: {SOURCE_NAME} is being crawled now (run {running.id}, pid {first.pid}" in second.stderr
        assert "Traceback" not in second.stderr
        assert first.poll() is None  # not disturbed
        out, err = first.communicate(timeout=300)
    finally:
        if first.poll() is None:
            first.kill()
    assert first.returncode == 0, err[-3000:]
    with Store.open(None, data_dir) as store:
        runs = store.run_log.runs(source=SOURCE_NAME)
    # The refused crawl left no run; the first ended ok, not "interrupted" by the second.
    assert [(run.id, run.outcome) for run in runs] == [(running.id, "ok")]
    assert runs[0].heartbeat_at is not None and runs[0].pid == first.pid
