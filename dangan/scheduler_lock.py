"""One scheduler per data folder and per store, and the way to reach it: a locked pidfile.

APScheduler 3 must not share a job store between two running schedulers (each
would run every job), so a second ``dangan schedule`` on the same data folder
is refused, and so is one on another data folder, or another machine, whose
store is the same (the job store lives in the store): `StoreSchedulerLock`.
The pidfile ``dangan-schedule.pid`` holds the running scheduler's pid under
an exclusive ``flock``; the kernel drops the lock when the process ends,
however it ends, so a file left by a killed scheduler never
blocks the next one, and ``dangan schedule --reload`` can tell a live
scheduler from a stale file before it sends SIGHUP.

Example:
    >>> with SchedulerLock(data_dir):
    ...     SchedulerLock(data_dir).__enter__()  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    core.errors.SchedulerError: a scheduler is already running for the data folder dangan-data (pid ...); stop it first, or have it re-read the sources file with `dangan schedule --reload`
"""

from __future__ import annotations

import fcntl
import logging
import os
import signal
import socket
from pathlib import Path
from typing import IO

from sqlalchemy import text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import DBAPIError

from core.errors import SchedulerError
from storage.database import Database, redacted

log = logging.getLogger(__name__)

#: The pidfile's name in the data folder.
PIDFILE_NAME = "dangan-schedule.pid"


class SchedulerLock:
    """Held while a scheduler runs: the data folder's pidfile, locked and holding this process's pid."""

    def __init__(self, data_dir: str | Path, *, pidfile: str = PIDFILE_NAME, what: str | None = None) -> None:
        self.data_dir = Path(data_dir)
        self.path = self.data_dir / pidfile
        #: What the lock is for, as the refusal names it.
        self.what = what or f"the data folder {self.data_dir}"
        self._file: IO[str] | None = None

    def __enter__(self) -> "SchedulerLock":
        self.data_dir.mkdir(parents=True, exist_ok=True)
        file = self.path.open("a+", encoding="ascii")
        try:
            fcntl.flock(file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            file.seek(0)
            pid = file.read().strip() or "unknown"
            file.close()
            raise SchedulerError(
                f"a scheduler is already running for {self.what} (pid {pid}); stop it first, "
                "or have it re-read the sources file with `dangan schedule --reload`"
            ) from None
        file.seek(0)
        file.truncate()
        file.write(f"{os.getpid()}\n")
        file.flush()
        self._file = file
        return self

    def __exit__(self, *_exc: object) -> None:
        if self._file is None:
            return
        # Emptied, not deleted: deleting would let a scheduler starting now lock
        # a file no one else can find any more.
        self._file.seek(0)
        self._file.truncate()
        self._file.flush()
        fcntl.flock(self._file, fcntl.LOCK_UN)
        self._file.close()
        self._file = None


class StoreSchedulerLock:
    """Held while a scheduler runs: the lock of the store whose job store it uses.

    On PostgreSQL, a session-level advisory lock on a connection of its own,
    keyed by the schema the store lives in (so two archives in one database do
    not refuse each other); the connection's ``application_name`` says which
    host and process hold it, for the refusal. The server lets the lock go when
    that connection ends, however the scheduler ends. On SQLite, a locked
    pidfile beside the database file, when that file is outside the data folder
    (inside it, the data folder's `SchedulerLock` is the same lock).

    Example (PostgreSQL; a second scheduler elsewhere gets this SchedulerError)::

        a scheduler is already running for the store postgresql+psycopg://…/archive
        (dangan schedule on crawler-2, pid 4127); stop it first: schedulers sharing a store share its jobs
    """

    def __init__(self, db: Database, data_dir: str | Path) -> None:
        self.db = db
        self.data_dir = Path(data_dir)
        self._connection: Connection | None = None
        self._file_lock: SchedulerLock | None = None

    def __enter__(self) -> "StoreSchedulerLock":
        url = make_url(self.db.url)
        if url.get_backend_name() == "postgresql":
            holder = self._lock_postgresql()
            if holder is not None:
                raise SchedulerError(
                    f"a scheduler is already running for the store {redacted(self.db.url)} ({holder}); stop it "
                    "first: schedulers sharing a store share its jobs, and each would run every one"
                )
        elif url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
            database = Path(url.database).resolve()
            if database.parent != self.data_dir.resolve():
                self._file_lock = SchedulerLock(database.parent, pidfile=f"{database.name}.schedule.pid",
                                                what=f"the store {database}")
                self._file_lock.__enter__()
        return self

    def confirm(self) -> bool:
        """Check that the lock is still held, taking it again if its connection was lost; True if it was lost.

        A PostgreSQL session lock lasts as long as its connection: a server
        restart, a network cut or an administrator's pg_terminate_backend ends
        it while the scheduler runs on, and a second scheduler could then start
        on the same store. Call this now and then (the scheduler does, every
        ``DANGAN_SCHEDULE_LOCK_CHECK`` seconds). A lost lock is taken again on a
        new connection; SchedulerError if another scheduler holds it by now.
        While the server cannot be reached, the loss is logged and the lock is
        tried again at the next call (no other scheduler can take it then either).
        A pidfile's lock cannot be lost: on SQLite this returns False at once.
        """
        if self._connection is None:
            if make_url(self.db.url).get_backend_name() != "postgresql":
                return False
            return self._take_again("no connection held it since the last check failed")
        try:
            self._connection.scalar(text("SELECT 1"))
            self._connection.rollback()
            return False
        except DBAPIError as exc:
            reason = _first_line(exc.orig or exc)
            self._connection.invalidate()
            self._connection.close()
            self._connection = None
        return self._take_again(f"its connection was lost: {reason}")

    def _take_again(self, why: str) -> bool:
        try:
            holder = self._lock_postgresql()
        except DBAPIError as exc:
            log.warning("the scheduler's lock on the store %s is lost (%s), and it could not be taken again (%s); "
                        "trying again in a while", redacted(self.db.url), why, _first_line(exc.orig or exc))
            return True
        if holder is not None:
            raise SchedulerError(
                f"this scheduler lost its lock on the store {redacted(self.db.url)} ({why}), and another scheduler "
                f"holds it now ({holder}); this one stops, so that no job runs twice"
            )
        log.warning("the scheduler's lock on the store %s was lost (%s); it is held again", redacted(self.db.url), why)
        return True

    def _lock_postgresql(self) -> str | None:
        """Take the lock on a connection of its own; None if taken, else who holds it (its application_name)."""
        connection = self.db.engine.connect()
        try:
            # Keyed as the run log keys its locks (storage.runs: hashtext of a name), by schema.
            key = connection.scalar(text("SELECT hashtext('dangan schedule ' || current_schema())"))
            connection.execute(text("SELECT set_config('application_name', :name, false)"),
                               {"name": f"dangan schedule on {socket.gethostname()}, pid {os.getpid()}"[:63]})
            held = connection.scalar(text("SELECT pg_try_advisory_lock(CAST(:key AS bigint))"), {"key": key})
            holder = None if held else connection.scalar(text(
                "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                "WHERE l.locktype = 'advisory' AND l.granted AND l.database = "
                "(SELECT oid FROM pg_database WHERE datname = current_database()) "
                "AND l.classid = :high AND l.objid = :low AND l.objsubid = 1"
            ), {"high": (key >> 32) & 0xFFFFFFFF, "low": key & 0xFFFFFFFF})
            # Committed: a session lock outlives the transaction, and a transaction left
            # open for the scheduler's whole life would hold back vacuum.
            connection.commit()
        except BaseException:
            connection.invalidate()
            connection.close()
            raise
        if not held:
            connection.invalidate()
            connection.close()
            return holder or "holder unknown"
        self._connection = connection
        return None

    def __exit__(self, *_exc: object) -> None:
        if self._file_lock is not None:
            self._file_lock.__exit__()
            self._file_lock = None
        if self._connection is not None:
            # Closed for good, not returned to the pool: the session, its lock and its name end with it.
            self._connection.invalidate()
            self._connection.close()
            self._connection = None


def reload_scheduler(data_dir: str | Path) -> int:
    """Tell the scheduler running for `data_dir` to re-read its sources file (SIGHUP); return its pid.

    SchedulerError when none is running there.
    """
    path = Path(data_dir) / PIDFILE_NAME
    not_running = SchedulerError(
        f"no scheduler is running for the data folder {data_dir}; start one with `dangan schedule` "
        "(a scheduler that starts reads the sources file anyway)"
    )
    try:
        file = path.open("r", encoding="ascii")
    except FileNotFoundError:
        raise not_running from None
    with file:
        try:
            fcntl.flock(file, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            pass  # held: a scheduler is running
        else:
            raise not_running
        text = file.read().strip()
    if not text.isdigit():
        raise SchedulerError(f"{path} does not hold a process id ({text!r}); is the data folder right?")
    pid = int(text)
    try:
        os.kill(pid, signal.SIGHUP)
    except ProcessLookupError:
        raise not_running from None
    return pid


def _first_line(error: BaseException) -> str:
    """A driver's error, as one line: psycopg's messages run on with hints and context."""
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__
