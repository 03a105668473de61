"""`dangan schedule`: start each source's crawl on its crontab schedule, for as long as it runs.

`CrawlScheduler` runs an APScheduler 3 ``BackgroundScheduler`` whose jobs live
in the store's own database (APScheduler's SQLAlchemy job store, table
``apscheduler_jobs``), so a restart keeps them and their next run times. One
job per source with a ``schedule``, its id the source's name; `sync_jobs`
adds, replaces and removes jobs to match the sources file, at start-up, on
SIGHUP and on ``dangan schedule --reload`` (`dangan.scheduler_lock.reload_scheduler`),
and leaves a job whose schedule did not change alone, so its missed or next run stands.

What a job does is only to say that a source is due: every decision is taken
in the main thread (`run`'s loop), one at a time, so there is nothing to race:

- a due source whose last crawl still runs, that is still waiting for a slot,
  or that is backing off after failures is skipped, and the skip recorded
  (`record_skipped`, with the reason);
- otherwise it waits for one of ``DANGAN_SCHEDULE_MAX_CRAWLS`` slots, and its
  crawl starts as a child process (`dangan.crawl_process.CrawlProcess`:
  ``python -m dangan crawl NAME``);
- a crawl that exits non-zero has failed: its reason (the crawl's last error
  line) is logged and the source backs off (`SourceBackoff`): its scheduled
  times are skipped for ``DANGAN_SCHEDULE_BACKOFF_BASE`` seconds, doubled for
  each further failure in a row, at most ``DANGAN_SCHEDULE_BACKOFF_MAX``. No
  other source and not the scheduler are affected;
- times missed while the scheduler was not running run once at start-up,
  not once per missed time (``coalesce``), unless later than
  ``DANGAN_SCHEDULE_MISFIRE_GRACE``.

SIGTERM or SIGINT (Ctrl-C) stops it: no new crawls; running crawls are asked
to stop cleanly (they store what they fetched and record their runs as
interrupted) and waited for up to ``DANGAN_SCHEDULE_STOP_WAIT`` seconds (a
second signal cuts the wait short), then killed; `run` returns.

Every ``DANGAN_SCHEDULE_LOCK_CHECK`` seconds it checks that it still holds its
store's lock (`StoreSchedulerLock.confirm`); if another scheduler took the lock
while its connection was down, it stops the same way and `run` raises
SchedulerError, so that no job runs twice.

Crontab lines mean what crontab means (`core.cron.crontab_trigger`), in
``DANGAN_SCHEDULE_TIMEZONE`` or, as cron, the machine's local time.
"""

from __future__ import annotations

import logging
import queue
import signal
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import ClassVar

from apscheduler.events import EVENT_JOB_MISSED, JobExecutionEvent
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.interval import IntervalTrigger

from core.cron import crontab_trigger
from core.errors import DanganError, SchedulerError
from core.sources import Source, load_sources
from dangan.crawl_process import LOG_FOLDER, CrawlProcess, crawl_command
from dangan.schedule_record import record_settings
from dangan.schedule_settings import ScheduleSettings
from dangan.scheduler_lock import SchedulerLock, StoreSchedulerLock
from dangan.source_backoff import SourceBackoff
from storage.database import SCHEDULER_JOBS_TABLE
from storage.store import Store
from storage.times import as_stored, utc_now

log = logging.getLogger(__name__)

#: The longest the main loop sleeps before it looks at its crawls again, in seconds.
POLL_INTERVAL = 0.25


@dataclass(frozen=True)
class ScheduledCrawl:
    """One job of the scheduler: a source, its schedule as written, and its next run (None: paused)."""

    source: str
    schedule: str
    next_run: datetime | None


@dataclass
class JobChanges:
    """What `CrawlScheduler.sync_jobs` did to the jobs, by source name."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return (
            f"{len(self.added)} added, {len(self.changed)} changed, {len(self.removed)} removed, "
            f"{len(self.kept)} kept"
        )


def scheduled_crawls(store: Store) -> list[ScheduledCrawl]:
    """The jobs kept in `store`'s database, as the scheduler last left them, running or not.

    For ``dangan status`` and tests. Creates APScheduler's (empty) table if no
    scheduler has run on this store yet, as a scheduler would.

    >>> scheduled_crawls(store)
    []
    """
    jobstore = job_store(store)
    jobstore.start(BackgroundScheduler(), "default")
    return [ScheduledCrawl(job.id, job.name, job.next_run_time) for job in jobstore.get_all_jobs()]


def job_store(store: Store) -> SQLAlchemyJobStore:
    """APScheduler's job store over `store`'s database, where the scheduler keeps its jobs."""
    # On the store's engine: the same database, and on SQLite the same
    # pragmas (WAL, a busy timeout) that let it share the file with crawls.
    return SQLAlchemyJobStore(engine=store.db.engine, tablename=SCHEDULER_JOBS_TABLE)


def _source_due(source: str) -> None:
    """What every stored job calls: it is stored by name, ``dangan.scheduler:_source_due``; keep both.

    A job in a persistent job store names a module-level function, not a
    bound method, so the scheduler running in this process is found through
    `CrawlScheduler.running`. Runs on APScheduler's thread: it only queues.
    """
    scheduler = CrawlScheduler.running
    if scheduler is None:
        log.warning("%s fell due with no scheduler running in this process; ignored", source)
        return
    scheduler.due(source)


class CrawlScheduler:
    """Runs each scheduled source's crawl on time, one at a time per source; see the module docstring.

    Not run as an example: `run` blocks until a signal stops it. In short::

        with Store.open(None, "dangan-data") as store:
            CrawlScheduler(config=Path("sources.toml"), store=store, settings=ScheduleSettings()).run()
    """

    #: The scheduler running in this process, for `_source_due`.
    running: ClassVar["CrawlScheduler | None"] = None

    def __init__(
        self,
        *,
        config: Path,
        store: Store,
        settings: ScheduleSettings,
        crawl_settings: dict[str, str] | None = None,
    ) -> None:
        self.config = Path(config)
        self.store = store
        self.settings = settings
        self.crawl_settings = dict(crawl_settings or {})
        #: Skipped scheduled crawls, per source, since this scheduler started.
        self.skipped: Counter[str] = Counter()
        self._events: queue.SimpleQueue[tuple] = queue.SimpleQueue()  # put() is safe in a signal handler
        self._crawls: dict[str, CrawlProcess] = {}
        self._waiting: deque[str] = deque()
        self._backoff: dict[str, SourceBackoff] = {}
        self._stopping = False
        try:
            self._scheduler = BackgroundScheduler(
                jobstores={"default": job_store(store)},
                # The job only queues a name: one thread is plenty.
                executors={"default": ThreadPoolExecutor(1)},
                job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": settings.misfire_grace},
                **({"timezone": settings.timezone} if settings.timezone else {}),
            )
        except Exception as exc:  # noqa: BLE001 - APScheduler's error for a bad time zone is a bare one
            raise SchedulerError(
                f"DANGAN_SCHEDULE_TIMEZONE={settings.timezone!r} is not a time zone ({exc}); use an IANA name "
                "such as Asia/Shanghai, or leave it unset for the machine's local time"
            ) from exc

    # -- the jobs ----------------------------------------------------------------

    def sync_jobs(self, sources: list[Source]) -> JobChanges:
        """Make the stored jobs match `sources`: one per source with a schedule, by its name."""
        wanted = {source.name: source for source in sources if source.schedule}
        changes = JobChanges()
        for job in self._scheduler.get_jobs():
            if job.id not in wanted:
                self._scheduler.remove_job(job.id)
                changes.removed.append(job.id)
        existing = {job.id: job for job in self._scheduler.get_jobs()}
        for name, source in wanted.items():
            schedule = self._schedule_text(source)
            job = existing.get(name)
            if job is not None and job.name == schedule:
                # Unchanged: its next run time stands (a missed one still runs at start-up).
                job.modify(coalesce=True, misfire_grace_time=self.settings.misfire_grace)
                changes.kept.append(name)
                continue
            self._scheduler.add_job(
                _source_due, trigger=self._trigger(source), args=[name], id=name, name=schedule, replace_existing=True,
            )
            (changes.changed if job is not None else changes.added).append(name)
        log.info("jobs from %s: %s", self.config, changes)
        if not wanted:
            log.warning("no source in %s has a schedule: nothing will run until one has and the file is reloaded", self.config)
        return changes

    def jobs(self) -> list[ScheduledCrawl]:
        """The jobs as they stand now."""
        return [ScheduledCrawl(job.id, job.name, job.next_run_time) for job in self._scheduler.get_jobs()]

    def _schedule_text(self, source: Source) -> str:
        if self.settings.test_interval:
            return f"every {self.settings.test_interval:g} s (DANGAN_SCHEDULE_TEST_INTERVAL)"
        return f"{source.schedule} ({self._scheduler.timezone})"

    def _trigger(self, source: Source) -> BaseTrigger:
        if self.settings.test_interval:
            return IntervalTrigger(seconds=self.settings.test_interval, timezone=self._scheduler.timezone)
        assert source.schedule is not None  # only sources with a schedule get a job
        return crontab_trigger(source.schedule, self._scheduler.timezone)

    # -- running ---------------------------------------------------------------------

    def run(self) -> None:
        """Run until SIGTERM or SIGINT; SIGHUP re-reads the sources file. Blocks; call from the main thread.

        Raises SchedulerError if another scheduler runs for the data folder or the store,
        SourceConfigError if the sources file is wrong at start-up.
        """
        with SchedulerLock(self.store.data_dir) as lock, StoreSchedulerLock(self.store.db, self.store.data_dir) as store_lock:
            sources = load_sources(self.config)
            self._record_settings()
            previous = {
                signal.SIGTERM: signal.signal(signal.SIGTERM, self._on_stop_signal),
                signal.SIGINT: signal.signal(signal.SIGINT, self._on_stop_signal),
                signal.SIGHUP: signal.signal(signal.SIGHUP, lambda *_: self._events.put(("reload",))),
            }
            CrawlScheduler.running = self
            self._scheduler.add_listener(self._on_job_missed, EVENT_JOB_MISSED)
            # Paused until the jobs match the file: a removed source's missed run must not fire first.
            self._scheduler.start(paused=True)
            try:
                self.sync_jobs(sources)
                self._recall_backoffs(sources)
                self._scheduler.resume()
                for job in self.jobs():
                    log.info("%s: %s, next run %s", job.source, job.schedule, job.next_run)
                log.info("scheduler running (pid file %s); SIGHUP reloads %s", lock.path, self.config)
                lock_checked = time.monotonic()
                while not self._stopping:
                    self._step()
                    if time.monotonic() - lock_checked >= self.settings.lock_check:
                        store_lock.confirm()  # SchedulerError, and a clean stop, if another scheduler took it
                        lock_checked = time.monotonic()
            finally:
                self._scheduler.shutdown(wait=False)
                self._stop_crawls()
                CrawlScheduler.running = None
                for number, handler in previous.items():
                    signal.signal(number, handler)
        log.info("scheduler stopped")

    def _record_settings(self) -> None:
        """Keep this scheduler's settings for `dangan status` (`dangan.schedule_record`)."""
        try:
            record_settings(self.store.data_dir, self.settings, started_at=utc_now())
        except OSError as exc:
            log.warning("could not record the scheduler's settings for `dangan status` (%s); "
                        "it shows the default backoff until a scheduler can", exc)

    def due(self, source: str) -> None:
        """`source` fell due now (called on APScheduler's thread; handled in `run`'s loop)."""
        self._events.put(("due", source, utc_now()))

    def _on_stop_signal(self, number: int, _frame: object) -> None:
        self._events.put(("stop", signal.Signals(number).name))

    def _on_job_missed(self, event: JobExecutionEvent) -> None:
        self._events.put(("missed", event.job_id, as_stored(event.scheduled_run_time)))

    def _step(self) -> None:
        self._reap()
        self._start_waiting()
        try:
            event = self._events.get(timeout=POLL_INTERVAL)
        except queue.Empty:
            return
        kind = event[0]
        if kind == "due":
            self._handle_due(event[1], event[2])
        elif kind == "missed":
            self.record_skipped(
                event[1], event[2],
                f"missed while no scheduler ran, and later than DANGAN_SCHEDULE_MISFIRE_GRACE="
                f"{self.settings.misfire_grace}",
            )
        elif kind == "reload":
            self.reload()
        elif kind == "stop":
            log.info("%s received: stopping", event[1])
            self._stopping = True

    def reload(self) -> None:
        """Re-read the sources file and sync the jobs; a file with errors changes nothing."""
        try:
            sources = load_sources(self.config)
        except DanganError as error:
            log.error("not reloaded, the jobs stay as they were: %s", error)
            return
        changes = self.sync_jobs(sources)
        self._recall_backoffs(sources)
        log.info("reloaded %s: %s", self.config, changes)

    def _handle_due(self, source: str, at: datetime) -> None:
        crawl = self._crawls.get(source)
        backoff = self._backoff.get(source)
        if crawl is not None:
            self.record_skipped(
                source, at, f"its last crawl (pid {crawl.pid}, started {crawl.started_at:%Y-%m-%d %H:%M:%S}) is still running"
            )
        elif (elsewhere := self.store.run_log.alive_run(source)) is not None:
            # Started by hand, or by another machine on a shared store: its run record is alive.
            self.record_skipped(
                source, at, f"a crawl of it started outside this scheduler (run {elsewhere.id}, pid {elsewhere.pid} "
                f"on {elsewhere.host}) is still running",
            )
        elif source in self._waiting:
            self.record_skipped(
                source, at, f"it is still waiting for a free crawl slot (DANGAN_SCHEDULE_MAX_CRAWLS={self.settings.max_crawls})"
            )
        elif backoff is not None and backoff.holds(at):
            self.record_skipped(
                source, at,
                f"backing off after {backoff.failures} failed crawl(s) in a row, until {backoff.until:%Y-%m-%d %H:%M:%S} "
                f"UTC; last failure: {backoff.reason}",
            )
        else:
            self._waiting.append(source)
            if len(self._crawls) >= self.settings.max_crawls:
                log.info("%s: due; waiting for one of %d running crawls to end", source, len(self._crawls))

    def record_skipped(self, source: str, at: datetime, reason: str) -> None:
        """The one place a scheduled crawl that did not start is recorded: a "skipped" run, logged and counted."""
        self.skipped[source] += 1
        log.warning("%s: scheduled crawl at %s skipped: %s", source, f"{at:%Y-%m-%d %H:%M:%S}", reason)
        self.store.run_log.record_skipped(source, at, "schedule", reason)

    def _start_waiting(self) -> None:
        while self._waiting and len(self._crawls) < self.settings.max_crawls:
            source = self._waiting.popleft()
            started_at = utc_now()
            command = crawl_command(
                source, config=self.config, data_dir=self.store.data_dir, settings=self.crawl_settings
            )
            log_path = self.store.data_dir / LOG_FOLDER / f"{source}.log"
            try:
                crawl = CrawlProcess.start(source, command, db_url=self.store.url, log_path=log_path, started_at=started_at)
            except OSError as exc:
                self._crawl_failed(source, started_at, f"could not start the crawl process: {exc}")
                continue
            self._crawls[source] = crawl
            log.info("%s: crawl started (pid %d, output in %s)", source, crawl.pid, log_path)

    def _reap(self) -> None:
        for source, crawl in list(self._crawls.items()):
            code = crawl.poll()
            if code is None:
                continue
            del self._crawls[source]
            if crawl.stop_requested:
                log.info("%s: crawl stopped (pid %d, exit code %d)", source, crawl.pid, code)
            elif code == 0:
                self._backoff.pop(source, None)
                log.info("%s: crawl ended (pid %d)", source, crawl.pid)
            else:
                self._crawl_failed(source, utc_now(), crawl.failure_reason())

    def _recall_backoffs(self, sources: list[Source]) -> None:
        """Back off, as the scheduler before this one did, each source whose latest crawls failed (from the run log)."""
        for source in sources:
            if not source.schedule or source.name in self._backoff:
                continue
            backoff = SourceBackoff.from_runs(
                self.store.run_log.finished_runs(source.name),
                base=self.settings.backoff_base, cap=self.settings.backoff_max,
            )
            if backoff.failures:
                self._backoff[source.name] = backoff
                log.info(
                    "%s: backing off after %d failed crawl(s) in a row (from the run log), until %s UTC",
                    source.name, backoff.failures, f"{backoff.until:%Y-%m-%d %H:%M:%S}",
                )

    def _crawl_failed(self, source: str, at: datetime, reason: str) -> None:
        backoff = self._backoff.setdefault(source, SourceBackoff())
        until = backoff.failed(at, reason, base=self.settings.backoff_base, cap=self.settings.backoff_max)
        log.error(
            "%s: crawl failed: %s; scheduled crawls before %s UTC are skipped (%d failure(s) in a row)",
            source, reason, f"{until:%Y-%m-%d %H:%M:%S}", backoff.failures,
        )

    # -- stopping ------------------------------------------------------------------

    def _stop_crawls(self) -> None:
        """Ask running crawls to stop, wait for them (bounded), kill what is left."""
        for source in self._waiting:
            self.record_skipped(source, utc_now(), "the scheduler stopped before a crawl slot was free")
        self._waiting.clear()
        if not self._crawls:
            return
        log.info(
            "asking %d crawl(s) to stop (%s); waiting up to %g s", len(self._crawls), ", ".join(self._crawls),
            self.settings.stop_wait,
        )
        for crawl in self._crawls.values():
            crawl.stop()
        deadline = time.monotonic() + self.settings.stop_wait
        while self._crawls and time.monotonic() < deadline:
            self._reap()
            try:
                event = self._events.get(timeout=POLL_INTERVAL)
            except queue.Empty:
                continue
            if event[0] == "stop":
                log.warning("%s received again: not waiting for the crawls any longer", event[1])
                break
        self._reap()
        for source, crawl in self._crawls.items():
            log.warning("%s: crawl (pid %d) did not stop in time; killed", source, crawl.pid)
            crawl.kill()
        self._crawls.clear()
