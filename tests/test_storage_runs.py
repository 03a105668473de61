"""The run log on both backends: starting, finishing, skipping and listing runs, and the 0002 migration."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, text, update
from sqlalchemy.engine import make_url

from core.errors import RunInProgressError, StoreError
from storage.models import CrawlRun as CrawlRunRecord
from storage.times import utc_now
from storage.runs import RunLog
from storage.database import Database, migration_config, open_database
from storage.runs import RUN_COUNTS, run_as_dict

T0 = datetime(2024, 5, 1, 8, 0)


def test_a_new_run_interrupts_the_running_one_of_its_source(db: Database) -> None:
    log = RunLog(db)
    killed = log.start_run("gov", T0)
    other = log.start_run("sh", T0)
    current = log.start_run("gov", T0 + timedelta(hours=1), trigger="schedule")
    assert (log.run(killed).outcome, log.run(killed).reason) == (
        "interrupted", "left running by a process that stopped without finishing it",
    )
    assert [log.run(run).outcome for run in (other, current)] == ["running", "running"]
    assert [log.run(run).trigger for run in (killed, current)] == ["manual", "schedule"]


def test_finish_run_keeps_outcome_reason_and_every_count(db: Database) -> None:
    log = RunLog(db)
    run_id = log.start_run("gov", T0)
    counts = {name: number for number, name in enumerate(RUN_COUNTS, start=1)}
    log.finish_run(run_id, T0 + timedelta(minutes=5), "failed", {**counts, "dangan/odd": 9}, reason="site down")
    run = log.run(run_id)
    assert (run.outcome, run.reason, run.finished_at) == ("failed", "site down", T0 + timedelta(minutes=5))
    assert {name: getattr(run, name) for name in RUN_COUNTS} == counts
    assert run_as_dict(run)["counts"] == counts
    with pytest.raises(StoreError, match="no crawl run 999"):
        log.finish_run(999, T0, "ok", {})
    with pytest.raises(StoreError, match="outcome 'finished' is not one of ok, failed, interrupted"):
        log.finish_run(run_id, T0, "finished", {})
    with pytest.raises(StoreError, match="trigger 'cron' is not one of manual, schedule"):
        log.start_run("gov", T0, trigger="cron")


def test_a_skipped_run_is_recorded_with_its_reason_and_leaves_the_running_one_alone(db: Database) -> None:
    log = RunLog(db)
    running = log.start_run("gov", T0, trigger="schedule")
    skipped = log.record_skipped("gov", T0 + timedelta(hours=6), "schedule", "run 1 of gov is still running")
    run = log.run(skipped)
    assert (run.outcome, run.trigger, run.reason) == ("skipped", "schedule", "run 1 of gov is still running")
    assert run.started_at == run.finished_at == T0 + timedelta(hours=6)
    assert log.run(running).outcome == "running"
    assert log.last_run("gov").id == skipped
    # The skip is the newest run; the crawl still going on is asked for separately.
    assert log.running_run("gov").id == running
    assert log.running_run("sh") is None


def test_runs_lists_newest_first_filtered_and_limited(db: Database) -> None:
    log = RunLog(db)
    made = []
    for hour, (source, outcome) in enumerate([("gov", "ok"), ("sh", "failed"), ("gov", "failed"), ("gov", "ok")]):
        run_id = log.start_run(source, T0 + timedelta(hours=hour))
        log.finish_run(run_id, T0 + timedelta(hours=hour, minutes=1), outcome, {})
        made.append(run_id)
    assert [run.id for run in log.runs()] == made[::-1]
    assert [run.id for run in log.runs(source="gov")] == [made[3], made[2], made[0]]
    assert [run.id for run in log.runs(failed_only=True)] == [made[2], made[1]]
    assert [run.id for run in log.runs(source="gov", failed_only=True)] == [made[2]]
    assert [run.id for run in log.runs(limit=2)] == [made[3], made[2]]
    assert log.last_run("sh").id == made[1]
    assert log.last_run("nowhere") is None
    with pytest.raises(StoreError, match="limit must be at least 1"):
        log.runs(limit=0)


def test_migrating_to_0002_keeps_old_runs_and_calls_finished_ok(db_url: str) -> None:
    # A store made before run outcomes existed, holding a finished and an interrupted run.
    url = make_url(db_url)
    if url.get_backend_name() == "sqlite":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url)
    with engine.begin() as connection:
        command.upgrade(migration_config(connection), "0001")
        connection.execute(text(
            "INSERT INTO crawl_runs (source, started_at, finished_at, status, pages_fetched, new_documents,"
            " new_versions, unchanged, duplicates, errors) VALUES"
            " ('gov', '2024-05-01 08:00:00', '2024-05-01 08:05:00', 'finished', 12, 3, 0, 9, 0, 0),"
            " ('gov', '2024-05-01 09:00:00', '2024-05-01 09:01:00', 'interrupted', 2, 0, 0, 2, 0, 0)"
        ))
    engine.dispose()
    db = open_database(db_url)  # migrates to the newest revision
    try:
        finished, stopped = sorted(RunLog(db).runs(), key=lambda run: run.id)
        assert (finished.outcome, finished.trigger, finished.reason, finished.pages_fetched) == ("ok", "manual", None, 12)
        assert (finished.not_modified, finished.gone) == (0, 0)
        assert stopped.outcome == "interrupted"
    finally:
        db.dispose()


def _set_run(db: Database, run_id: int, **values) -> None:
    with db.session(write=True) as session:
        session.execute(update(CrawlRunRecord).where(CrawlRunRecord.id == run_id).values(**values))
        session.commit()


def test_a_live_run_refuses_a_second_run_of_its_source_and_only_a_dead_one_is_interrupted(db: Database) -> None:
    log = RunLog(db)
    live = log.start_run("gov", utc_now())  # this process: alive, its heartbeat fresh
    with pytest.raises(RunInProgressError, match=f"gov is being crawled now: run {live}, .* by pid {os.getpid()}"):
        log.start_run("gov", utc_now(), trigger="schedule")
    assert log.alive_run("gov").id == live and log.run(live).outcome == "running"
    assert len(log.runs(source="gov")) == 1
    log.start_run("sh", utc_now())  # another source is another matter

    # On another machine (a shared PostgreSQL store): alive while its heartbeat is fresh.
    _set_run(db, live, host="archive-2.example", pid=1)
    log.beat(live)
    with pytest.raises(RunInProgressError, match="on archive-2.example"):
        log.start_run("gov", utc_now())
    _set_run(db, live, heartbeat_at=utc_now() - timedelta(seconds=91))
    assert log.alive_run("gov", stale_after=90) is None
    current = log.start_run("gov", utc_now(), stale_after=90)
    assert (log.run(live).outcome, log.run(current).outcome) == ("interrupted", "running")


def test_a_run_whose_process_is_gone_is_dead_at_once(db: Database) -> None:
    log = RunLog(db)
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    killed = log.start_run("gov", utc_now())
    _set_run(db, killed, pid=int(gone.stdout))  # same host, heartbeat fresh, process gone
    assert log.alive_run("gov") is None
    log.start_run("gov", utc_now())
    assert log.run(killed).outcome == "interrupted"
