"""`dangan runs` and `dangan status`, run as commands over a store written through the library."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dangan.cli import app
from dangan.schedule_record import record_settings
from dangan.schedule_settings import ScheduleSettings
from storage.store import Store
from tests.site.fixtures import write_sources

runner = CliRunner()
T0 = datetime(2026, 11, 30, 8, 0)


@pytest.fixture
def store_args(tmp_path: Path) -> list[str]:
    """A store with three runs of xiangtan-test (ok, failed, skipped) and one of a source no longer in the file."""
    data_dir = tmp_path / "data"
    with Store.open(None, data_dir) as store:
        log = store.run_log
        ok = log.start_run("xiangtan-test", T0)
        log.finish_run(ok, T0 + timedelta(minutes=4), "ok", {"pages_fetched": 441, "new_documents": 12, "unchanged": 427,
                                                                "not_html": 2})
        failed = log.start_run("xiangtan-test", T0 + timedelta(hours=6), trigger="schedule")
        log.finish_run(failed, T0 + timedelta(hours=6, minutes=1), "failed", {"errors": 1},
                       reason="no response from the site: timed out (4 attempts)")
        old = log.start_run("retired-gov", T0 - timedelta(days=30))
        log.finish_run(old, T0 - timedelta(days=30) + timedelta(minutes=1), "ok", {"pages_fetched": 3})
        log.record_skipped("xiangtan-test", T0 + timedelta(hours=12), "schedule", "run 2 is still running")
    return ["--data-dir", str(data_dir)]


def invoke(*args: str):
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def test_runs_lists_newest_first_with_outcomes_counts_and_reasons(store_args: list[str]) -> None:
    lines = invoke("runs", *store_args).splitlines()
    assert lines[0].split()[:8] == ["id", "source", "trigger", "started", "(UTC)", "finished", "(UTC)", "outcome"]
    rows = [line.split() for line in lines[1:] if not line.lstrip().startswith("reason:")]
    assert [(row[0], row[1], row[2], row[7]) for row in rows] == [
        ("4", "xiangtan-test", "schedule", "skipped"),
        ("3", "retired-gov", "manual", "ok"),
        ("2", "xiangtan-test", "schedule", "failed"),
        ("1", "xiangtan-test", "manual", "ok"),
    ]
    assert lines[0].split()[-4:] == ["errors", "not", "html", "left"]
    assert rows[3][8:] == ["441", "0", "12", "0", "427", "0", "0", "0", "0", "2", "0"]
    assert "     reason: no response from the site: timed out (4 attempts)" in lines
    assert "     reason: run 2 is still running" in lines


def test_runs_filters_and_json_for_tools(store_args: list[str]) -> None:
    failed = json.loads(invoke("runs", *store_args, "--failed", "--json"))
    assert [(run["id"], run["outcome"], run["reason"]) for run in failed] == [
        (2, "failed", "no response from the site: timed out (4 attempts)"),
    ]
    assert failed[0]["started_at"] == "2026-11-30T14:00:00Z" and failed[0]["counts"]["errors"] == 1
    first = json.loads(invoke("runs", *store_args, "--json"))[-1]
    assert (first["id"], first["counts"]["not_html"], first["counts"]["errors"]) == (1, 2, 0)
    latest = json.loads(invoke("runs", *store_args, "--source", "xiangtan-test", "--limit", "2", "--json"))
    assert [run["id"] for run in latest] == [4, 2]
    result = runner.invoke(app, ["runs", *store_args, "--source", "nowhere"])
    assert result.exit_code == 0 and "No runs recorded that match" in result.output


def test_status_shows_each_source_with_its_schedule_next_run_and_last_run(store_args: list[str], tmp_path: Path) -> None:
    sources = write_sources(tmp_path / "sources.toml", "http://127.0.0.1:1")
    sources.write_text(sources.read_text(encoding="utf-8") + 'schedule = "0 */6 * * 1"\n', encoding="utf-8")
    with sources.open("a", encoding="utf-8") as file:
        file.write('\n[[sources]]\nname = "never-crawled"\nstart_urls = ["http://127.0.0.1:1/"]\n'
                   'allowed_domains = ["127.0.0.1"]\narticle_urls = ["/art/"]\n')

    text = invoke("status", *store_args, "--config", str(sources))
    assert "  schedule:  0 */6 * * 1 (every 6 hours on Mondays)" in text
    assert "  reason:    run 2 is still running" in text
    assert "never-crawled\n  schedule:  none (crawled only by hand)\n  last run:  never" in text
    assert "retired-gov" not in text  # status is about the sources in the file

    before = datetime.now(timezone.utc)
    first, second = json.loads(invoke("status", *store_args, "--config", str(sources), "--json"))
    assert (first["source"], first["schedule_in_words"]) == ("xiangtan-test", "every 6 hours on Mondays")
    # Crontab's 1 is Monday, read in the machine's local time as cron reads it.
    upcoming = datetime.fromisoformat(first["next_run"].replace("Z", "+00:00"))
    local = upcoming.astimezone()
    assert upcoming > before and local.strftime("%A") == "Monday" and local.hour in (0, 6, 12, 18)
    assert (first["last_run"]["id"], first["last_run"]["outcome"]) == (4, "skipped")
    assert second == {"source": "never-crawled", "schedule": None, "schedule_in_words": None,
                      "next_run": None, "last_run": None, "running": None, "empty_pages": 0, "frontier_runs": [],
                      "backing_off_until": None,
                      "scheduler": {"settings_from": "defaults", "pid": None, "started_at": None,
                                    "backoff_base": 3600.0, "backoff_max": 86400.0, "timezone": None}}


def test_status_shows_a_crawl_still_running_behind_a_skip(store_args: list[str], tmp_path: Path) -> None:
    sources = write_sources(tmp_path / "sources.toml", "http://127.0.0.1:1")
    with Store.open(None, store_args[1]) as store:
        running = store.run_log.start_run("xiangtan-test", T0 + timedelta(days=1), trigger="schedule")
        store.run_log.record_skipped("xiangtan-test", T0 + timedelta(days=1, hours=6), "schedule",
                                      f"run {running} is still running")
    text = invoke("status", *store_args, "--config", str(sources))
    assert f": skipped\n  reason:    run {running} is still running\n" in text
    assert f"  running:   {running}, started 2026-12-01 08:00:00 UTC" in text


def test_status_backs_off_as_the_scheduler_was_told_to_not_by_the_defaults(tmp_path: Path) -> None:
    """A scheduler started with --set DANGAN_SCHEDULE_BACKOFF_BASE=600 records it; status uses it, or --set."""
    data_dir = tmp_path / "data"
    finished = datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0) - timedelta(minutes=1)
    with Store.open(None, data_dir) as store:
        failed = store.run_log.start_run("xiangtan-test", finished - timedelta(minutes=1), trigger="schedule")
        store.run_log.finish_run(failed, finished, "failed", {"errors": 1}, reason="no response from the site")
    sources = write_sources(tmp_path / "sources.toml", "http://127.0.0.1:1")
    sources.write_text(sources.read_text(encoding="utf-8") + 'schedule = "* * * * *"\n', encoding="utf-8")
    args = ["status", "--json", "--config", str(sources), "--data-dir", str(data_dir)]

    def shown(*extra: str) -> dict:
        [source] = json.loads(invoke(*args, *extra))
        return source

    def until(seconds: int) -> str:
        return (finished + timedelta(seconds=seconds)).isoformat() + "Z"

    # No scheduler has run for this data folder: the defaults (an hour's backoff).
    assert shown()["backing_off_until"] == until(3600)
    assert shown()["scheduler"]["settings_from"] == "defaults"

    # What `dangan schedule --set DANGAN_SCHEDULE_BACKOFF_BASE=600` records when it starts (it has stopped since).
    settings, _ = ScheduleSettings.from_overrides({"DANGAN_SCHEDULE_BACKOFF_BASE": "600"})
    record_settings(data_dir, settings, started_at=finished - timedelta(hours=1))
    source = shown()
    assert source["backing_off_until"] == until(600)
    assert source["next_run"] >= until(600)
    assert source["scheduler"]["settings_from"] == "last scheduler" and source["scheduler"]["backoff_base"] == 600
    text = invoke(*args[:1], *args[2:])
    assert text.startswith("scheduler: not running; as the last one ran (pid ")
    assert "backoff 600 s after a failed crawl" in text

    # --set on status wins over the record (a scheduler about to be started with it).
    source = shown("--set", "DANGAN_SCHEDULE_BACKOFF_BASE=7200")
    assert source["backing_off_until"] == until(7200) and source["scheduler"]["settings_from"] == "--set"
    refused = runner.invoke(app, [*args, "--set", "DOWNLOAD_DELAY=2"])
    assert refused.exit_code != 0 and "status takes only the scheduler's settings" in refused.output
