"""One scheduler per data folder, and the way to reach it: a locked pidfile.

APScheduler 3 must not share a job store between two running schedulers (each
would run every job), so a second ``dangan schedule`` on the same data folder
is refused. The pidfile ``dangan-schedule.pid`` holds the running
scheduler's pid under an exclusive ``flock``; the kernel drops the lock when
the process ends, however it ends, so a file left by a killed scheduler never
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
import os
import signal
from pathlib import Path
from typing import IO

from core.errors import SchedulerError

#: The pidfile's name in the data folder.
PIDFILE_NAME = "dangan-schedule.pid"


class SchedulerLock:
    """Held while a scheduler runs: the data folder's pidfile, locked and holding this process's pid."""

    def __init__(self, data_dir: str | Path) -> None:
        self.data_dir = Path(data_dir)
        self.path = self.data_dir / PIDFILE_NAME
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
                f"a scheduler is already running for the data folder {self.data_dir} (pid {pid}); stop it first, "
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
