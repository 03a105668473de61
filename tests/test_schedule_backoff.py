"""A failing source's backoff outlives a scheduler restart, and `dangan status` shows it.

A real ``dangan schedule`` process whose one source is a port where nothing
listens: its crawl fails and records a failed run. A second scheduler,
started after the first is stopped, works the backoff out from the run log
and skips the source's scheduled times instead of crawling the dead site again.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dangan.cli import app
from tests.test_crawl_failures import free_port
from tests.test_scheduler import runs, scheduler, write_sources

pytestmark = pytest.mark.slow


def test_the_backoff_of_a_failing_source_survives_a_restart_and_status_shows_it(sqlite_url, tmp_path: Path) -> None:
    config = write_sources(tmp_path / "sources.toml", f"http://127.0.0.1:{free_port()}", {"dead-site": "@hourly"})
    data_dir = tmp_path / "data"
    # Not the default backoff (3600 s): `dangan status` must show the scheduler's own.
    settings = {"DANGAN_SCHEDULE_TEST_INTERVAL": 1, "DANGAN_SCHEDULE_BACKOFF_BASE": 5400}
    with scheduler(config, sqlite_url, data_dir, tmp_path / "first.log", **settings) as first:
        first.wait_for(r"dead-site: crawl failed: .*\(1 failure\(s\) in a row\)")
        assert first.stop() == 0, first.log[-5000:]
    [failed] = [run for run in runs(sqlite_url, "dead-site") if run.outcome != "skipped"]
    assert failed.outcome == "failed"

    with scheduler(config, sqlite_url, data_dir, tmp_path / "second.log", **settings) as second:
        second.wait_for(r"dead-site: backing off after 1 failed crawl\(s\) in a row \(from the run log\)")
        second.wait_for(r"dead-site: scheduled crawl at .* skipped: backing off after 1 failed crawl\(s\) in a row")
        running = CliRunner().invoke(app, ["status", "--json", "--config", str(config), "--db", sqlite_url,
                                           "--data-dir", str(data_dir)])
        [shown] = json.loads(running.stdout)
        assert shown["scheduler"]["settings_from"] == "running scheduler"
        assert shown["scheduler"]["pid"] == second.process.pid and shown["scheduler"]["backoff_base"] == 5400
        assert second.stop() == 0, second.log[-5000:]
    assert "crawl started" not in second.log  # the dead site was left alone
    assert [run.outcome for run in runs(sqlite_url, "dead-site") if run.outcome != "skipped"] == ["failed"]

    # The next run shown is the first scheduled time after the backoff, not the bare hourly one.
    status = CliRunner().invoke(app, ["status", "--json", "--config", str(config), "--db", sqlite_url,
                                      "--data-dir", str(data_dir)])
    [shown] = json.loads(status.stdout)
    until = shown["backing_off_until"]
    assert until is not None and shown["next_run"] >= until
    assert until == (failed.finished_at + timedelta(seconds=5400)).isoformat(timespec="seconds") + "Z"
    assert shown["scheduler"]["settings_from"] == "last scheduler"
    lines = CliRunner().invoke(app, ["status", "--config", str(config), "--db", sqlite_url,
                                     "--data-dir", str(data_dir)]).stdout
    assert "  backoff:   1 failed crawl(s) in a row; scheduled times before" in lines
