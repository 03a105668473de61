"""One scheduled crawl as a child process: ``python -m dangan crawl NAME``, started, watched, stopped.

Why a process per crawl: Twisted's reactor, which Scrapy runs on, cannot be
started again in a process once it has stopped, so a long-lived scheduler
cannot run crawls itself. A process per crawl also means one crawl's crash
or memory cannot take the scheduler or another source down with it.

How the child is tied to the scheduler:

- it runs in a session (process group) of its own, so a Ctrl-C typed at the
  scheduler's terminal reaches the scheduler only; the scheduler then stops
  each crawl in order (`stop`: SIGTERM, which ``dangan crawl`` takes as Scrapy
  does Ctrl-C: it stops fetching, stores what it fetched and records the run
  as interrupted), and only a crawl that outlasts the wait is killed, with
  its processing workers (`kill`: SIGKILL to its process group);
- on Linux it asks the kernel for a signal when its parent dies
  (``PR_SET_PDEATHSIG``), so a scheduler killed with ``kill -9`` does not
  leave crawls running for ever: they stop as if told to. The signal is
  SIGHUP, not SIGTERM, because the kernel sends it once for every thread of
  the dying scheduler in turn (the child is handed from thread to thread as
  each dies), and a second SIGTERM makes Scrapy stop at once, without
  recording the run. ``dangan crawl`` takes the first SIGHUP as SIGTERM and
  ignores the rest (`stop_once_on_hangup`), which is also what a closed
  terminal should do to it. The kernel also sends it when the *thread* that
  started the child ends, so crawls are started from the scheduler's main
  thread, which lives as long as the scheduler.

The child's output goes to a log file per source in the data folder
(``logs/NAME.log``, appended to); when a crawl fails, `failure_reason` takes
the reason from its last lines.
"""

from __future__ import annotations

import ctypes
import logging
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

log = logging.getLogger(__name__)

#: The folder inside the data folder where each source's crawl output is kept.
LOG_FOLDER = "logs"

# From <linux/prctl.h>.
_PR_SET_PDEATHSIG = 1

# How much of a failed crawl's log is read back for its reason.
_TAIL_BYTES = 8192


def crawl_command(source: str, *, config: Path, data_dir: Path, settings: dict[str, str] | None = None) -> list[str]:
    """The command line of one scheduled crawl of `source`.

    The database URL is not on it: it goes in the environment (``DANGAN_DB``,
    see `CrawlProcess.start`), where a password in it is not shown to every
    user of ``ps``.

    >>> crawl_command("gov", config=Path("sources.toml"), data_dir=Path("data"), settings={"DOWNLOAD_DELAY": "2"})[1:]
    ['-m', 'dangan', 'crawl', 'gov', '--config', 'sources.toml', '--data-dir', 'data', '--trigger', 'schedule', '--set', 'DOWNLOAD_DELAY=2']
    """
    command = [
        sys.executable, "-m", "dangan", "crawl", source, "--config", str(config), "--data-dir", str(data_dir),
        "--trigger", "schedule",
    ]
    for name, value in (settings or {}).items():
        command += ["--set", f"{name}={value}"]
    return command


@dataclass
class CrawlProcess:
    """A running ``dangan crawl`` child of the scheduler, for one source."""

    source: str
    process: subprocess.Popen
    log_path: Path
    started_at: datetime
    stop_requested: bool = field(default=False)

    @classmethod
    def start(
        cls, source: str, command: list[str], *, db_url: str, log_path: Path, started_at: datetime,
        what: str = "scheduled crawl", env: dict[str, str] | None = None,
    ) -> "CrawlProcess":
        """Start `command` for `source`, its output appended to `log_path`; call from the main thread.

        `what` heads its part of the log; `env` adds to the environment it runs in.
        """
        log_path.parent.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, **(env or {}), "DANGAN_DB": db_url}
        with log_path.open("ab") as output:
            output.write(f"\n=== {started_at.isoformat(timespec='seconds')} {what} of {source} ===\n".encode())
            output.flush()
            process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                env=env,
                start_new_session=True,
                preexec_fn=_die_with_parent(),
            )
        return cls(source=source, process=process, log_path=log_path, started_at=started_at)

    @property
    def pid(self) -> int:
        return self.process.pid

    def poll(self) -> int | None:
        """The exit code once the crawl has ended, None while it runs."""
        return self.process.poll()

    def stop(self) -> None:
        """Ask the crawl to stop cleanly: SIGTERM, which it takes as Ctrl-C (see the module docstring)."""
        self.stop_requested = True
        self._signal(lambda: os.kill(self.pid, signal.SIGTERM))

    def kill(self) -> None:
        """Kill the crawl and its processing workers at once (its process group)."""
        self._signal(lambda: os.killpg(self.pid, signal.SIGKILL))
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            log.error("%s: crawl process %d did not die after SIGKILL", self.source, self.pid)

    def _signal(self, send: Callable[[], None]) -> None:
        if self.process.poll() is not None:
            return
        try:
            send()
        except ProcessLookupError:
            pass  # it ended between the poll and the signal

    def failure_reason(self) -> str:
        """Why the crawl failed, as it said: its last ``error:`` line, else its last line, else its exit code."""
        code = self.process.returncode
        if code is not None and code < 0:
            return f"the crawl process was killed by signal {-code} ({signal.Signals(-code).name})"
        lines = [line.strip() for line in _tail(self.log_path).splitlines() if line.strip()]
        errors = [line for line in lines if line.lower().startswith("error:")]
        if errors:
            return errors[-1]
        if lines and not lines[-1].startswith("==="):
            return f"exit code {code}: {lines[-1]}"
        return f"exit code {code}"


def _tail(path: Path) -> str:
    try:
        with path.open("rb") as stream:
            stream.seek(0, os.SEEK_END)
            stream.seek(max(0, stream.tell() - _TAIL_BYTES))
            return stream.read().decode("utf-8", errors="replace")
    except OSError:
        return ""


def stop_once_on_hangup() -> None:
    """Take the first SIGHUP as SIGTERM, a clean stop, and ignore any more; for ``dangan crawl``.

    A crawl gets SIGHUP when its scheduler dies (see the module docstring),
    possibly several in a row, or when its terminal closes. Scrapy stops
    cleanly on one SIGTERM (the run is recorded as interrupted) and at once
    on a second; so only one is passed on.
    """

    def on_hangup(_number: int, _frame: object) -> None:
        signal.signal(signal.SIGHUP, signal.SIG_IGN)
        os.kill(os.getpid(), signal.SIGTERM)

    if hasattr(signal, "SIGHUP"):
        signal.signal(signal.SIGHUP, on_hangup)


def _die_with_parent() -> Callable[[], None] | None:
    """A function for Popen's ``preexec_fn`` that has the child get SIGHUP when this process dies.

    Linux only (``prctl``); elsewhere None, and a crawl outlives a killed
    scheduler until it ends by itself. libc is loaded here, in the parent:
    loading a library in a child forked from a threaded process can hang.
    """
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        prctl = libc.prctl
    except (OSError, AttributeError):
        return None
    parent = os.getpid()

    def set_death_signal() -> None:
        prctl(_PR_SET_PDEATHSIG, signal.SIGHUP)
        if os.getppid() != parent:
            # The scheduler died before the request was in place: the kernel will not send it now.
            os.kill(os.getpid(), signal.SIGHUP)

    return set_death_signal
