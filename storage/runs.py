"""The run log: one row per crawl of a source, what started it, how it ended and why.

A run starts ("running"), and finishes with an outcome and its counts:

- ``ok``: the crawl ran to its end and the site answered;
- ``failed``: nothing usable came back (every request failed, or every page
  was a server error); `reason` says what went wrong;
- ``interrupted``: stopped from outside (Ctrl-C, SIGTERM), or left "running"
  by a process that died, which the next run of the source notices;

A running run is *alive* while its crawl says so: the crawl writes a
heartbeat to its row (`beat`) every ``DANGAN_RUN_HEARTBEAT_INTERVAL``
seconds, and the row names its host and pid. `start_run` refuses a second
run of a source whose running run is alive (`RunInProgressError`), and marks
it interrupted only when it is dead: on the same host its process is gone (or
a zombie), on any host its heartbeat is older than ``DANGAN_RUN_HEARTBEAT_STALE``
seconds. That works on SQLite and on a PostgreSQL store shared by machines.
- ``skipped``: never started, because a crawl of the source was still
  running when the scheduler wanted another; `reason` says so.

`RunLog` keeps these rows; a crawl or the scheduler reaches it as
``store.run_log`` (`storage.store.Store`).

Example:
    >>> log = store.run_log
    >>> run = log.start_run("gov", datetime(2026, 11, 2, 8, 0), trigger="schedule")
    >>> log.finish_run(run, datetime(2026, 11, 2, 8, 1), "failed", {"errors": 4},
    ...                reason="no response from the site: connection refused (4 requests)")
    >>> skipped = log.record_skipped("gov", datetime(2026, 11, 2, 14, 0), "schedule",
    ...                              "the crawl started at 08:00 is still running")
    >>> [(r.id, r.trigger, r.outcome) for r in log.runs(source="gov")]
    [(2, 'schedule', 'skipped'), (1, 'schedule', 'failed')]
    >>> log.last_run("gov").reason
    'the crawl started at 08:00 is still running'
"""

from __future__ import annotations

import logging
import os
import socket
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, text, update

from core import settings as defaults
from core.errors import RunInProgressError, StoreError
from core.processes import process_exists
from storage.database import Database
from storage.models import CrawlRun
from storage.times import as_stored, utc_now

log = logging.getLogger(__name__)

#: The counts a run keeps, by the names `RunLog.finish_run` accepts, in the order they are shown.
RUN_COUNTS = (
    "pages_fetched", "not_modified", "new_documents", "new_versions", "unchanged", "duplicates", "gone", "empty",
    "errors", "not_html", "left_for_processing",
)
#: Every outcome a run row can have; "running" until the run finishes.
RUN_OUTCOMES = ("running", "ok", "failed", "interrupted", "skipped")
#: The outcomes `finish_run` may close a run with.
FINISHED_OUTCOMES = ("ok", "failed", "interrupted")
#: What can start a run.
RUN_TRIGGERS = ("manual", "schedule")


class RunLog:
    """The crawl_runs table: starting, finishing and skipping runs, and listing them."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def start_run(
        self, source: str, started_at: datetime, trigger: str = "manual", *,
        stale_after: float = defaults.DANGAN_RUN_HEARTBEAT_STALE, frontier: str | None = None,
    ) -> int:
        """Open a run of `source` started by `trigger` ("manual" or "schedule") in this process; return its id.

        A run of the same source still marked "running" is checked first: if
        it is alive (see the module docstring) this raises RunInProgressError
        naming it; if it is dead it was left by a process that died, and is
        marked "interrupted". The check and the new row are one transaction,
        taken under the database's write lock (SQLite) or an advisory lock on
        the source (PostgreSQL), so of two crawls starting at once one is refused.

        `frontier` names the shared frontier run this crawl is a worker of
        (`crawler.frontier`): live runs of the same frontier are its fellow
        workers, and are neither refused nor touched.
        """
        _check(trigger, RUN_TRIGGERS, "trigger")
        moment = as_stored(started_at)
        with self.db.session(write=True) as session:
            if session.get_bind().dialect.name == "postgresql":
                session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": f"dangan run {source}"})
            now = utc_now()
            running = list(session.scalars(
                select(CrawlRun).where(CrawlRun.source == source, CrawlRun.outcome == "running")
            ))
            running = [run for run in running if frontier is None or run.frontier != frontier
                       or not run_is_alive(run, now, stale_after)]
            for run in running:
                if run_is_alive(run, now, stale_after):
                    raise RunInProgressError(
                        f"{source} is being crawled now: run {run.id}, started {run.started_at:%Y-%m-%d %H:%M:%S} UTC"
                        f"{_where(run)}, alive {int((now - run.heartbeat_at).total_seconds())} s ago. "
                        "Wait for it to end (`dangan runs --source " + source + "`), or stop it first."
                    )
            for run in running:
                run.outcome = "interrupted"
                run.reason = "left running by a process that stopped without finishing it"
            if running:
                log.warning("Marked %d earlier run(s) of %s as interrupted", len(running), source)
            run = CrawlRun(
                source=source, trigger=trigger, started_at=moment, outcome="running",
                host=socket.gethostname(), pid=os.getpid(), heartbeat_at=moment, frontier=frontier,
            )
            session.add(run)
            session.commit()
            return run.id

    def beat(self, run_id: int, at: datetime | None = None) -> None:
        """Note that the running run `run_id` is alive at `at` (now by default)."""
        with self.db.session(write=True) as session:
            session.execute(
                update(CrawlRun)
                .where(CrawlRun.id == run_id, CrawlRun.outcome == "running")
                .values(heartbeat_at=as_stored(at or utc_now()))
            )
            session.commit()

    def alive_run(
        self, source: str, stale_after: float = defaults.DANGAN_RUN_HEARTBEAT_STALE, *, frontier: str | None = None,
    ) -> CrawlRun | None:
        """A run of `source` marked running whose crawl is alive now, or None (see the module docstring).

        Runs that are workers of `frontier`, when given, are not counted: a crawl may join them.
        """
        query = select(CrawlRun).where(CrawlRun.source == source, CrawlRun.outcome == "running")
        with self.db.session() as session:
            running = list(session.scalars(query.order_by(CrawlRun.id.desc())))
        now = utc_now()
        for run in running:
            if frontier is not None and run.frontier == frontier:
                continue
            if run_is_alive(run, now, stale_after):
                return run
        return None

    def finish_run(
        self, run_id: int, finished_at: datetime, outcome: str, counts: dict[str, int], reason: str | None = None
    ) -> None:
        """Close a run with its outcome ("ok", "failed" or "interrupted"), counts and, if any, the reason.

        Counts are keyed by the names in `RUN_COUNTS`; others are logged and ignored.
        """
        _check(outcome, FINISHED_OUTCOMES, "outcome")
        with self.db.session(write=True) as session:
            run = session.get(CrawlRun, run_id)
            if run is None:
                raise StoreError(f"There is no crawl run {run_id}; start one with start_run().")
            run.finished_at = as_stored(finished_at)
            run.outcome = outcome
            run.reason = reason
            for name, value in counts.items():
                if name in RUN_COUNTS:
                    setattr(run, name, int(value))
                else:
                    log.warning("Ignoring unknown run count %r (known: %s)", name, ", ".join(RUN_COUNTS))
            session.commit()

    def record_skipped(self, source: str, at: datetime, trigger: str, reason: str) -> int:
        """Record a run of `source` that was not started, and why; return its id.

        Its start and finish are both `at`. A run of the source that is
        still "running" is left alone: it is the reason for the skip.
        """
        _check(trigger, RUN_TRIGGERS, "trigger")
        moment = as_stored(at)
        with self.db.session(write=True) as session:
            run = CrawlRun(
                source=source, trigger=trigger, started_at=moment, finished_at=moment, outcome="skipped", reason=reason
            )
            session.add(run)
            session.commit()
            return run.id

    def run(self, run_id: int) -> CrawlRun:
        """One crawl run by id; StoreError if there is none."""
        with self.db.session() as session:
            run = session.get(CrawlRun, run_id)
        if run is None:
            raise StoreError(f"There is no crawl run {run_id}.")
        return run

    def runs(self, source: str | None = None, failed_only: bool = False, limit: int = 20) -> list[CrawlRun]:
        """The latest `limit` runs, newest first; only `source`'s, only failed ones, if asked."""
        if limit < 1:
            raise StoreError(f"limit must be at least 1, got {limit}.")
        query = select(CrawlRun)
        if source is not None:
            query = query.where(CrawlRun.source == source)
        if failed_only:
            query = query.where(CrawlRun.outcome == "failed")
        # Ids grow with time, and unlike start times they never tie.
        with self.db.session() as session:
            return list(session.scalars(query.order_by(CrawlRun.id.desc()).limit(limit)))

    def frontier_runs(self, frontier: str) -> list[CrawlRun]:
        """The runs that were workers of the shared frontier run `frontier` (`crawler.frontier`), oldest first."""
        with self.db.session() as session:
            return list(session.scalars(select(CrawlRun).where(CrawlRun.frontier == frontier).order_by(CrawlRun.id)))

    def finished_runs(self, source: str, limit: int = 20) -> list[CrawlRun]:
        """The latest `limit` runs of `source` that ended ok or failed, newest first (what a backoff reads)."""
        query = (
            select(CrawlRun)
            .where(CrawlRun.source == source, CrawlRun.outcome.in_(("ok", "failed")))
            .order_by(CrawlRun.id.desc())
            .limit(limit)
        )
        with self.db.session() as session:
            return list(session.scalars(query))

    def last_run(self, source: str) -> CrawlRun | None:
        """The newest run of `source` (running, finished or skipped), or None if it never ran.

        Not the way to ask whether a crawl is going on: once a skip is
        recorded, the skip is the newest run. Ask `running_run`.
        """
        found = self.runs(source=source, limit=1)
        return found[0] if found else None

    def running_run(self, source: str) -> CrawlRun | None:
        """The run of `source` marked "running", or None.

        A crawl killed with ``kill -9`` leaves its run marked running until
        the next `start_run` of the source, so a scheduler should also check
        that the crawl's process is alive.
        """
        query = (
            select(CrawlRun)
            .where(CrawlRun.source == source, CrawlRun.outcome == "running")
            .order_by(CrawlRun.id.desc())
            .limit(1)
        )
        with self.db.session() as session:
            return session.scalar(query)


def run_is_alive(run: CrawlRun, now: datetime, stale_after: float) -> bool:
    """True if the crawl of a run marked running is alive at `now` (naive UTC).

    Dead: no heartbeat (a row from before heartbeats), a process that no
    longer exists on this host, or a heartbeat older than `stale_after`
    seconds (from any host).

    >>> run = CrawlRun(outcome="running", host=socket.gethostname(), pid=os.getpid(),
    ...                heartbeat_at=datetime(2026, 11, 2, 8, 0))
    >>> run_is_alive(run, datetime(2026, 11, 2, 8, 1), 90), run_is_alive(run, datetime(2026, 11, 2, 8, 2), 90)
    (True, False)
    """
    if run.heartbeat_at is None:
        return False
    if run.host == socket.gethostname() and run.pid is not None and not process_exists(run.pid):
        return False
    return now - run.heartbeat_at <= timedelta(seconds=stale_after)


def _where(run: CrawlRun) -> str:
    if run.pid is None:
        return ""
    return f" by pid {run.pid}" + (f" on {run.host}" if run.host else "")


def run_as_dict(run: CrawlRun) -> dict[str, Any]:
    """A run as plain JSON-ready values: times in ISO form (UTC), counts by their names.

    >>> run = CrawlRun(id=7, source="gov", trigger="manual", outcome="ok", reason=None,
    ...                started_at=datetime(2026, 11, 2, 8, 0), finished_at=datetime(2026, 11, 2, 8, 5),
    ...                **{name: 0 for name in RUN_COUNTS})
    >>> row = run_as_dict(run)
    >>> row["started_at"], row["outcome"], row["counts"]["pages_fetched"]
    ('2026-11-02T08:00:00Z', 'ok', 0)
    """
    return {
        "id": run.id,
        "source": run.source,
        "trigger": run.trigger,
        "started_at": _iso(run.started_at),
        "finished_at": _iso(run.finished_at),
        "outcome": run.outcome,
        "reason": run.reason,
        "frontier": run.frontier,
        "counts": {name: getattr(run, name) or 0 for name in RUN_COUNTS},
    }


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat(timespec="seconds") + "Z"


def _check(value: str, allowed: tuple[str, ...], what: str) -> None:
    if value not in allowed:
        raise StoreError(f"Run {what} {value!r} is not one of {', '.join(allowed)}.")
