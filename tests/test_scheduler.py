"""`dangan schedule` as an operator runs it: a real scheduler process crawling the local test site.

Schedules that must fire within the test use ``DANGAN_SCHEDULE_TEST_INTERVAL``
(every source due every N seconds); the tests of the jobs themselves (restart,
reload) use real crontab lines and read the job store. Each test stops the
scheduler as a service manager would, with SIGTERM, and checks it exits 0.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import func, select, text
from typer.testing import CliRunner

from dangan.cli import app
from dangan.scheduler import job_store, scheduled_crawls
from dangan.scheduler_lock import PIDFILE_NAME
from storage.database import SCHEDULER_JOBS_TABLE, open_database
from storage.models import Capture, CrawlRun
from storage.store import Store
from tests.site.fixtures import FAST_SETTINGS, REPO_ROOT, subprocess_env, test_site  # noqa: F401 - a fixture
from tests.site.pages import ARTICLE_PATTERNS
from tests.test_crawl_failures import free_port
from tests.test_run_notice import Receiver

pytestmark = pytest.mark.slow

WAIT_LIMIT_S = 90
# One request at a time, each answered slowly: a crawl that is surely still running a while.
SLOW = {"CONCURRENT_REQUESTS": 1, "CONCURRENT_REQUESTS_PER_DOMAIN": 1}


def write_sources(path: Path, base_url: str, schedules: dict[str, str | None]) -> Path:
    """A sources file with one source per name, all crawling the test site, with these schedules."""
    patterns = ", ".join(f"'{pattern}'" for pattern in ARTICLE_PATTERNS)
    tables = []
    for name, schedule in schedules.items():
        table = (
            f'[[sources]]\nname = "{name}"\nstart_urls = ["{base_url}/"]\nallowed_domains = ["127.0.0.1"]\n'
            f"article_urls = [{patterns}]\nmax_pages = 200\nmax_depth = 6\nmax_query_variants = 5\n"
        )
        if schedule is not None:
            table += f'schedule = "{schedule}"\n'
        tables.append(table)
    path.write_text("\n".join(tables), encoding="utf-8")
    return path


class Scheduler:
    """A ``dangan schedule`` process, its log file, and ways to wait on what it says."""

    def __init__(self, config: Path, db_url: str, data_dir: Path, log_path: Path, settings: dict) -> None:
        self.log_path = log_path
        command = [sys.executable, "-m", "dangan", "schedule", "--config", str(config), "--data-dir", str(data_dir)]
        for name, value in {"DANGAN_SCHEDULE_TIMEZONE": "UTC", **FAST_SETTINGS, **settings}.items():
            command += ["--set", f"{name}={value}"]
        with log_path.open("a") as log_file:
            self.process = subprocess.Popen(
                command, cwd=REPO_ROOT, env={**subprocess_env(), "DANGAN_DB": db_url},
                stdout=log_file, stderr=subprocess.STDOUT,
            )

    @property
    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def wait_for(self, pattern: str, *, after: int = 0) -> re.Match:
        """Wait until the log, from character `after` on, matches `pattern`; the scheduler must keep running."""
        deadline = time.monotonic() + WAIT_LIMIT_S
        while True:
            match = re.compile(pattern).search(self.log, after)
            if match:
                return match
            assert self.process.poll() is None, f"the scheduler exited ({self.process.returncode}):\n{self.log[-5000:]}"
            assert time.monotonic() < deadline, f"waited in vain for {pattern!r}:\n{self.log[-5000:]}"
            time.sleep(0.1)

    def stop(self, sig: int = signal.SIGTERM) -> int:
        self.process.send_signal(sig)
        return self.process.wait(timeout=WAIT_LIMIT_S + 30)

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


@contextmanager
def scheduler(config: Path, db_url: str, data_dir: Path, log_path: Path, **settings) -> Iterator[Scheduler]:
    running = Scheduler(config, db_url, data_dir, log_path, settings)
    try:
        running.wait_for("scheduler running")
        yield running
    finally:
        running.kill()  # only if a failed assertion left it running


def runs(db_url: str, source: str | None = None) -> list[CrawlRun]:
    db = open_database(db_url)
    try:
        with db.session() as session:
            query = select(CrawlRun).order_by(CrawlRun.id)
            if source is not None:
                query = query.where(CrawlRun.source == source)
            return list(session.scalars(query))
    finally:
        db.dispose()


def captures(db_url: str) -> int:
    db = open_database(db_url)
    try:
        with db.session() as session:
            return session.scalar(select(func.count(Capture.id))) or 0
    finally:
        db.dispose()


def wait_until(condition, what: str, scheduler: Scheduler | None = None) -> None:
    deadline = time.monotonic() + WAIT_LIMIT_S
    while not condition():
        assert time.monotonic() < deadline, f"waited in vain until {what}" + (f":\n{scheduler.log[-5000:]}" if scheduler else "")
        time.sleep(0.1)


def alive(pid: int) -> bool:
    """True while `pid` runs (a zombie waiting to be reaped does not count)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state not in ("Z", "X")


def jobs(db_url: str, data_dir: Path) -> dict[str, tuple[str, datetime | None]]:
    with Store.open(db_url, data_dir) as store:
        return {job.source: (job.schedule, job.next_run) for job in scheduled_crawls(store)}


def test_crawls_start_on_schedule_overlap_is_refused_and_sigterm_stops_them_cleanly(test_site, sqlite_url, tmp_path):  # noqa: F811
    data_dir = tmp_path / "data"
    config = write_sources(tmp_path / "sources.toml", test_site.base_url, {"slow-site": "0 8 * * 0"})
    test_site.server.delay = 0.3
    with scheduler(config, sqlite_url, data_dir, tmp_path / "scheduler.log",
                   DANGAN_SCHEDULE_TEST_INTERVAL=1, **SLOW) as running:
        started = running.wait_for(r"slow-site: crawl started \(pid (\d+)")
        crawl_pid = int(started.group(1))
        # Due again while its crawl runs: skipped, saying why.
        running.wait_for(rf"slow-site: scheduled crawl at .* skipped: its last crawl \(pid {crawl_pid}, .*\) is still running")
        wait_until(lambda: captures(sqlite_url) >= 2, "the crawl has captured pages", running)
        assert running.stop(signal.SIGTERM) == 0, running.log[-5000:]

    assert not alive(crawl_pid)
    assert "slow-site: crawl stopped" in running.log
    (run,) = [run for run in runs(sqlite_url) if run.outcome != "skipped"]
    assert run.outcome == "interrupted" and run.finished_at is not None and run.trigger == "schedule"
    skips = [run for run in runs(sqlite_url) if run.outcome == "skipped"]
    assert skips and all("still running" in skip.reason and skip.trigger == "schedule" for skip in skips)
    assert run.pages_fetched == captures(sqlite_url) >= 2
    assert (data_dir / "logs" / "slow-site.log").is_file()


def test_at_most_max_crawls_run_at_once_and_each_source_gets_its_turn(test_site, sqlite_url, tmp_path):  # noqa: F811
    config = write_sources(tmp_path / "sources.toml", test_site.base_url, {"first": "@daily", "second": "@daily"})
    with scheduler(config, sqlite_url, tmp_path / "data", tmp_path / "scheduler.log",
                   DANGAN_SCHEDULE_TEST_INTERVAL=1, DANGAN_SCHEDULE_MAX_CRAWLS=1) as running:
        def both_crawled() -> bool:
            return {run.source for run in runs(sqlite_url) if run.outcome == "ok"} == {"first", "second"}

        wait_until(both_crawled, "both sources have a finished crawl", running)
        assert running.stop() == 0, running.log[-5000:]

    # One slot: no two crawls, of either source, overlap in time (a skip is a record, not a crawl).
    spans = sorted((run.started_at, run.finished_at) for run in runs(sqlite_url) if run.outcome != "skipped")
    assert all(finished is not None for _started, finished in spans)
    for (_, end), (next_start, _) in zip(spans, spans[1:]):
        assert end <= next_start, spans
    assert "waiting for one of 1 running crawls to end" in running.log


def test_a_restart_keeps_the_jobs_and_runs_missed_times_once(test_site, db_url, tmp_path):  # noqa: F811
    data_dir = tmp_path / "data"
    config = write_sources(tmp_path / "sources.toml", test_site.base_url, {"weekly": "0 8 * * 0", "yearly": "@yearly"})
    with scheduler(config, db_url, data_dir, tmp_path / "first.log") as first:
        assert first.stop() == 0, first.log[-5000:]
    before = jobs(db_url, data_dir)
    assert before["weekly"][0] == "0 8 * * 0 (UTC)" and before["yearly"][0] == "@yearly (UTC)"
    next_weekly = before["weekly"][1]
    assert (next_weekly.weekday(), next_weekly.hour, next_weekly.minute) == (6, 8, 0)  # Sunday 08:00

    # The machine was off for three years: the yearly crawl missed three times.
    # (Written straight to the job store: a scheduler started here, even paused, may run the job itself.)
    with Store.open(db_url, data_dir) as store:
        jobstore = job_store(store)
        jobstore.start(BackgroundScheduler(), "default")
        yearly = jobstore.lookup_job("yearly")
        yearly.next_run_time = datetime.now(timezone.utc) - timedelta(days=3 * 365 + 10)
        jobstore.update_job(yearly)

    with scheduler(config, db_url, data_dir, tmp_path / "second.log") as second:
        second.wait_for(r"yearly: crawl started")
        second.wait_for(r"yearly: crawl ended")
        assert second.stop() == 0, second.log[-5000:]

    assert [run.outcome for run in runs(db_url, "yearly")] == ["ok"]  # once, not three times
    assert runs(db_url, "weekly") == []
    after = jobs(db_url, data_dir)
    assert after["weekly"] == before["weekly"]  # kept as it was, not re-created
    assert after["yearly"][1] > datetime.now(timezone.utc)
    db = open_database(db_url)
    with db.engine.connect() as connection:
        assert connection.execute(text(f"SELECT count(*) FROM {SCHEDULER_JOBS_TABLE}")).scalar() == 2
    db.dispose()


def test_reload_follows_the_changed_sources_file_and_a_second_scheduler_is_refused(test_site, db_url, tmp_path):  # noqa: F811
    data_dir = tmp_path / "data"
    config = write_sources(tmp_path / "sources.toml", test_site.base_url, {"kept": "0 8 * * 0", "dropped": "0 9 * * *"})
    with scheduler(config, db_url, data_dir, tmp_path / "scheduler.log") as running:
        assert set(jobs(db_url, data_dir)) == {"kept", "dropped"}

        second = subprocess.run(
            [sys.executable, "-m", "dangan", "schedule", "--config", str(config), "--data-dir", str(data_dir)],
            cwd=REPO_ROOT, env={**subprocess_env(), "DANGAN_DB": db_url}, capture_output=True, text=True, timeout=60,
        )
        assert second.returncode == 1
        assert f"a scheduler is already running for the data folder {data_dir} (pid {running.process.pid})" in second.stderr
        # Another data folder (another machine, say) on the same store would share its jobs: refused too.
        elsewhere = subprocess.run(
            [sys.executable, "-m", "dangan", "schedule", "--config", str(config), "--data-dir", str(tmp_path / "other")],
            cwd=REPO_ROOT, env={**subprocess_env(), "DANGAN_DB": db_url}, capture_output=True, text=True, timeout=60,
        )
        assert elsewhere.returncode == 1, elsewhere.stderr
        assert "a scheduler is already running for the store" in elsewhere.stderr
        assert f"pid {running.process.pid}" in elsewhere.stderr
        assert "scheduler running" not in elsewhere.stderr + elsewhere.stdout

        write_sources(config, test_site.base_url, {"kept": "0 9 * * 1", "added": "@daily", "unscheduled": None})
        mark = len(running.log)
        result = CliRunner().invoke(app, ["schedule", "--reload", "--data-dir", str(data_dir)])
        assert result.exit_code == 0, result.output
        assert f"pid {running.process.pid}" in result.output
        running.wait_for(r"reloaded .*: 1 added, 1 changed, 1 removed, 0 kept", after=mark)
        reloaded = jobs(db_url, data_dir)
        assert set(reloaded) == {"kept", "added"}
        assert reloaded["kept"][0] == "0 9 * * 1 (UTC)"
        assert (reloaded["kept"][1].weekday(), reloaded["kept"][1].hour) == (0, 9)  # Monday, as crontab's 1

        # A broken file changes nothing (SIGHUP, as `systemctl reload` sends it).
        config.write_text(config.read_text() + "\n[[sources]]\nname = 42\n", encoding="utf-8")
        mark = len(running.log)
        os.kill(running.process.pid, signal.SIGHUP)
        running.wait_for(r"(?s)not reloaded, the jobs stay as they were: .*name must be a string", after=mark)
        assert jobs(db_url, data_dir) == reloaded
        assert running.stop() == 0, running.log[-5000:]

    refused = CliRunner().invoke(app, ["schedule", "--reload", "--data-dir", str(data_dir)])
    assert refused.exit_code == 1 and "no scheduler is running" in refused.output
    assert (data_dir / PIDFILE_NAME).exists()


def test_a_failing_source_backs_off_and_the_others_go_on(test_site, sqlite_url, tmp_path):  # noqa: F811
    config = write_sources(tmp_path / "sources.toml", test_site.base_url, {"good": "@daily", "gone": "@daily"})
    with scheduler(config, sqlite_url, tmp_path / "data", tmp_path / "scheduler.log",
                   DANGAN_SCHEDULE_TEST_INTERVAL=1, DANGAN_SCHEDULE_BACKOFF_BASE=600) as running:
        # The file changes under the scheduler without a reload: "gone"'s crawls now fail.
        write_sources(config, test_site.base_url, {"good": "@daily"})
        running.wait_for(r"gone: crawl failed: error: no source named 'gone'.*; scheduled crawls before .* are skipped "
                         r"\(1 failure\(s\) in a row\)")
        running.wait_for(r"gone: scheduled crawl at .* skipped: backing off after 1 failed crawl\(s\) in a row, until .*; "
                         r"last failure: error: no source named 'gone'")
        wait_until(lambda: "ok" in [run.outcome for run in runs(sqlite_url, "good")], "good has crawled", running)
        assert running.process.poll() is None
        assert running.stop() == 0, running.log[-5000:]
    assert running.log.count("gone: crawl failed") == 1  # backing off, not hammering


def test_a_scheduler_killed_outright_does_not_leave_its_crawls_running(test_site, sqlite_url, tmp_path):  # noqa: F811
    config = write_sources(tmp_path / "sources.toml", test_site.base_url, {"slow-site": "@daily"})
    test_site.server.delay = 0.3
    with scheduler(config, sqlite_url, tmp_path / "data", tmp_path / "scheduler.log",
                   DANGAN_SCHEDULE_TEST_INTERVAL=1, **SLOW) as running:
        crawl_pid = int(running.wait_for(r"slow-site: crawl started \(pid (\d+)").group(1))
        wait_until(lambda: captures(sqlite_url) >= 2, "the crawl has captured pages", running)
        running.process.kill()  # kill -9
        running.process.wait()

    wait_until(lambda: not alive(crawl_pid), "the orphaned crawl has stopped")
    (run,) = [run for run in runs(sqlite_url) if run.outcome != "skipped"]
    assert run.outcome == "interrupted" and run.pages_fetched == captures(sqlite_url)


@pytest.mark.postgres
def test_on_postgresql_a_scheduled_crawl_fires_and_a_processor_elsewhere_versions_its_pages(test_site, pg_url, tmp_path):  # noqa: F811
    """The cluster's layout on one machine: the scheduler, its job store and the store on PostgreSQL,
    crawls that only capture, and a `dangan process --follow` started elsewhere that versions their pages."""
    data_dir = tmp_path / "data"
    config = write_sources(tmp_path / "sources.toml", test_site.base_url, {"pg-site": "@daily"})
    elsewhere = tmp_path / "processing-machine"
    elsewhere.mkdir()
    processor = subprocess.Popen(
        [sys.executable, "-m", "dangan", "process", "--db", pg_url, "--warc-root", str(data_dir), "--follow",
         "--workers", "1"],
        cwd=elsewhere, env=subprocess_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        with scheduler(config, pg_url, data_dir, tmp_path / "scheduler.log",
                       DANGAN_SCHEDULE_TEST_INTERVAL=2, DANGAN_PROCESS_LOCALLY="false") as running:
            running.wait_for(r"pg-site: crawl started")
            running.wait_for(r"pg-site: crawl ended")
            assert running.stop() == 0, running.log[-5000:]
        (run, *_later) = [run for run in runs(pg_url, "pg-site") if run.outcome != "skipped"]
        assert run.outcome == "ok" and run.trigger == "schedule", (run.outcome, run.reason)
        assert run.left_for_processing > 0 and run.new_documents == 0  # the crawl only captured

        def all_processed() -> bool:
            db = open_database(pg_url)
            try:
                with db.session() as session:
                    return not session.scalar(select(func.count(Capture.id)).where(Capture.processed_at.is_(None)))
            finally:
                db.dispose()

        wait_until(all_processed, "the processor has versioned every page")
    finally:
        processor.send_signal(signal.SIGTERM)
        out, err = processor.communicate(timeout=WAIT_LIMIT_S)
    assert processor.returncode == 0, err[-4000:]

    db = open_database(pg_url)
    try:
        with db.session() as session:
            versioned = session.scalar(select(func.count(Capture.id)).where(Capture.version_id.is_not(None)))
        with db.engine.connect() as connection:
            kept_jobs = connection.execute(text(f"SELECT id FROM {SCHEDULER_JOBS_TABLE}")).scalars().all()
    finally:
        db.dispose()
    assert versioned >= run.left_for_processing and out.startswith("processed ")
    assert kept_jobs == ["pg-site"]  # the job store is in PostgreSQL's schema, beside the archive
    assert not (data_dir / "dangan.db").exists()  # nothing fell back to a SQLite file in the data folder


@pytest.mark.postgres
def test_on_postgresql_a_lost_store_lock_is_taken_again_or_the_scheduler_stops(test_site, pg_url, tmp_path):  # noqa: F811
    """The store's lock is a PostgreSQL session lock: it ends with its connection (a server restart, a
    network cut, pg_terminate_backend). The scheduler notices, takes it again, and stops if another
    scheduler got it first, rather than run every job beside that one."""
    data_dir = tmp_path / "data"
    config = write_sources(tmp_path / "sources.toml", test_site.base_url, {"kept": "0 8 * * 0"})
    db = open_database(pg_url)

    def holder_backend(scheduler_pid: int) -> int:
        with db.engine.connect() as connection:
            return connection.scalar(text(
                "SELECT pid FROM pg_stat_activity WHERE application_name LIKE :name"
            ), {"name": f"dangan schedule on %, pid {scheduler_pid}"})

    try:
        with scheduler(config, pg_url, data_dir, tmp_path / "scheduler.log", DANGAN_SCHEDULE_LOCK_CHECK=0.5) as running:
            with db.engine.connect() as admin:
                assert admin.scalar(text("SELECT pg_terminate_backend(:pid, 10000)"),
                                    {"pid": holder_backend(running.process.pid)})
            running.wait_for(r"lock on the store .* was lost \(its connection was lost: .*\); it is held again")
            # Held again, by a new connection: a second scheduler on the store is still refused.
            elsewhere = subprocess.run(
                [sys.executable, "-m", "dangan", "schedule", "--config", str(config), "--data-dir", str(tmp_path / "b")],
                cwd=REPO_ROOT, env={**subprocess_env(), "DANGAN_DB": pg_url}, capture_output=True, text=True,
                timeout=60,
            )
            assert elsewhere.returncode == 1 and "a scheduler is already running for the store" in elsewhere.stderr

            # Now another scheduler is waiting for the lock when the connection drops: it gets it first.
            other = db.engine.connect()
            other.execute(text("SELECT set_config('application_name', 'dangan schedule on other-host, pid 7', false)"))
            key = other.scalar(text("SELECT hashtext('dangan schedule ' || current_schema())"))
            waiting = threading.Thread(
                target=lambda: other.execute(text("SELECT pg_advisory_lock(CAST(:key AS bigint))"), {"key": key}))
            other_backend = other.scalar(text("SELECT pg_backend_pid()"))
            waiting.start()

            def other_waits() -> bool:
                with db.engine.connect() as connection:
                    return bool(connection.scalar(text(
                        "SELECT count(*) FROM pg_locks WHERE pid = :pid AND locktype = 'advisory' AND NOT granted"
                    ), {"pid": other_backend}))

            wait_until(other_waits, "the other scheduler waits for the lock", running)
            with db.engine.connect() as admin:
                admin.scalar(text("SELECT pg_terminate_backend(:pid, 10000)"), {"pid": holder_backend(running.process.pid)})
            waiting.join(timeout=30)
            assert running.process.wait(timeout=WAIT_LIMIT_S) == 1
            assert re.search(r"this scheduler lost its lock on the store .* \(its connection was lost: .*\), and another "
                             r"scheduler holds it now \(dangan schedule on other-host, pid 7\); this one stops", running.log)
            other.invalidate()
            other.close()
    finally:
        db.dispose()


def test_a_dead_site_fails_its_scheduled_run_posts_a_notice_and_backs_off(test_site, sqlite_url, tmp_path):  # noqa: F811
    """A site that is down, as the scheduler meets it: a failed run with the reason, one webhook notice,
    its later times skipped while it backs off, and the live site beside it crawled as usual."""
    dead_url = f"http://127.0.0.1:{free_port()}"
    config = tmp_path / "sources.toml"
    config.write_text(
        write_sources(tmp_path / "live.toml", test_site.base_url, {"live": "@daily"}).read_text(encoding="utf-8")
        + f'\n[[sources]]\nname = "dead"\nstart_urls = ["{dead_url}/"]\nallowed_domains = ["127.0.0.1"]\n'
        f"article_urls = ['/content/']\nschedule = \"@daily\"\n",
        encoding="utf-8",
    )
    with Receiver() as receiver, scheduler(
        config, sqlite_url, tmp_path / "data", tmp_path / "scheduler.log", DANGAN_SCHEDULE_TEST_INTERVAL=1,
        DANGAN_SCHEDULE_BACKOFF_BASE=600, DANGAN_WEBHOOK_URL=receiver.url,
    ) as running:
        running.wait_for(r"dead: crawl failed: .*no response from the site.*\(1 failure\(s\) in a row\)")
        running.wait_for(r"dead: scheduled crawl at .* skipped: backing off after 1 failed crawl\(s\) in a row")
        wait_until(lambda: "ok" in [run.outcome for run in runs(sqlite_url, "live")], "live has crawled", running)
        assert running.stop() == 0, running.log[-5000:]

    dead_runs = [run for run in runs(sqlite_url, "dead") if run.outcome != "skipped"]
    assert [(run.outcome, run.trigger) for run in dead_runs] == [("failed", "schedule")]
    assert dead_runs[0].reason.startswith("no response from the site: connection refused")
    failed_notices = [notice for notice in receiver.bodies if notice["source"] == "dead"]
    assert [(n["outcome"], n["trigger"], n["run_id"]) for n in failed_notices] == [("failed", "schedule", dead_runs[0].id)]
    assert failed_notices[0]["reason"] == dead_runs[0].reason
    # The live site's first crawl brought new documents: it posts its news, not a failure.
    assert {notice["outcome"] for notice in receiver.bodies if notice["source"] == "live"} <= {"ok"}
