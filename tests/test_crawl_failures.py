"""A crawl that gets no answer says so: exit 1, the reason printed, the run recorded as failed.

Real crawls, run as `dangan crawl` in a subprocess: of a port where nothing
listens, and of a site that answers 500 to everything. What a crawl that did
reach its site records is in tests/test_crawl_run.py and tests/test_cli_archive.py.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dangan.cli import app
from storage.store import Store
from tests.site.fixtures import FAST_SETTINGS, REPO_ROOT, SOURCE_NAME, subprocess_env, write_sources
from tests.site.server import SiteServer

pytestmark = pytest.mark.slow


def dangan_crawl(sources: Path, data_dir: Path, *extra: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "dangan", "crawl", SOURCE_NAME, "--config", str(sources),
               "--data-dir", str(data_dir), *extra]
    for name, value in FAST_SETTINGS.items():
        command += ["--set", f"{name}={value}"]
    return subprocess.run(command, cwd=REPO_ROOT, env=subprocess_env(), capture_output=True, text=True, timeout=180)


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (it was just free, and is closed again)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def only_run(data_dir: Path):
    with Store.open(None, data_dir) as store:
        [run] = store.run_log.runs()
    return run


def test_a_site_that_cannot_be_reached_fails_the_crawl_and_says_why(tmp_path: Path) -> None:
    sources = write_sources(tmp_path / "sources.toml", f"http://127.0.0.1:{free_port()}")
    data_dir = tmp_path / "data"

    done = dangan_crawl(sources, data_dir, "--trigger", "schedule")

    assert done.returncode == 1, done.stdout + done.stderr[-3000:]
    assert f"{SOURCE_NAME}: failed: 0 pages fetched" in done.stdout
    assert "failed: no response from the site: connection refused" in done.stdout
    assert f"error: the crawl of {SOURCE_NAME} failed: no response from the site: connection refused" in done.stderr
    assert "Traceback" not in done.stderr  # Scrapy's for robots.txt buried the reason; --verbose keeps it
    run = only_run(data_dir)
    assert (run.outcome, run.trigger, run.pages_fetched) == ("failed", "schedule", 0)
    assert run.reason.startswith("no response from the site: connection refused (")
    assert "robots.txt could not be fetched either" in run.reason
    assert run.errors == 1  # the start URL, which got no answer after its retries
    assert run.finished_at is not None

    # What an operator reads next.
    listed = json.loads(CliRunner().invoke(app, ["runs", "--failed", "--json", "--data-dir", str(data_dir)]).stdout)
    assert [(item["id"], item["outcome"], item["reason"]) for item in listed] == [(run.id, "failed", run.reason)]
    status = CliRunner().invoke(app, ["status", "--config", str(sources), "--data-dir", str(data_dir)]).stdout
    assert "schedule, started" in status and ": failed" in status and f"  reason:    {run.reason}" in status


def test_a_site_that_answers_500_to_everything_fails_the_crawl(tmp_path: Path) -> None:
    broken = tmp_path / "broken-site"
    broken.mkdir()
    (broken / "error.html").write_text("<h1>500 Internal Server Error</h1>", encoding="utf-8")
    error = {"file": "error.html", "content_type": "text/html; charset=utf-8", "status": 500}
    # No robots.txt (a 404): a 500 there would keep every page from being asked for (RFC 9309).
    (broken / "index.json").write_text(json.dumps({"/": error}), encoding="utf-8")
    server = SiteServer(broken).start()
    try:
        sources = write_sources(tmp_path / "sources.toml", server.base_url)
        data_dir = tmp_path / "data"
        done = dangan_crawl(sources, data_dir)
    finally:
        server.stop()

    assert done.returncode == 1, done.stdout + done.stderr[-3000:]
    assert "every page answered an error: HTTP 500" in done.stderr
    run = only_run(data_dir)
    assert (run.outcome, run.trigger) == ("failed", "manual")
    # The start page's 500 was retried (RETRY_TIMES = 3) and the last answer captured.
    assert run.reason == "every page answered an error: HTTP 500 (1 page, after retries)"
    assert run.pages_fetched == 2  # the start page's last answer, and robots.txt's 404
    assert server.requests.count("/") == 4


def test_a_database_url_that_cannot_be_used_is_one_clean_error_before_any_crawl(tmp_path: Path) -> None:
    sources = write_sources(tmp_path / "sources.toml", f"http://127.0.0.1:{free_port()}")

    done = dangan_crawl(sources, tmp_path / "data", "--db", "foo://")

    assert done.returncode == 1
    assert "Cannot use the database foo://" in done.stderr
    assert "Traceback" not in done.stderr and "AssertionError" not in done.stderr, done.stderr
    assert [line for line in done.stderr.splitlines() if line.strip()] == [
        line for line in done.stderr.splitlines() if line.startswith("error:")
    ], done.stderr
