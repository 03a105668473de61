"""Worker processes end when the process that owns their pool dies, even by ``kill -9``.

A crawl's processing workers are forked from multiprocessing's forkserver,
so their parent is the forkserver, not the crawl. When the crawl is killed
outright nothing tells them: each holds its own end of the job queue's pipe,
so it waits for the next job forever (with the forkserver and the resource
tracker that its open descriptors keep alive), about 200 MB left behind per
killed crawl. `exit_with` watches the owner's process from a daemon thread
of the worker and ends the worker as soon as the owner is gone.

Linux's PR_SET_PDEATHSIG would not do: it fires on the death of the direct
parent, the forkserver. A pidfd (Linux 5.3 and later) becomes readable when
the process it names exits, with no polling and no confusion with a later
process that reuses the pid; elsewhere the owner is polled once a second.

A worker ended this way is mid-job at worst: its transaction is rolled back
by the database when the connection drops, and the capture stays
unprocessed for the next crawl or `dangan reprocess` to pick up.
"""

from __future__ import annotations

import logging
import os
import select
import threading
import time

from core.processes import process_exists

log = logging.getLogger(__name__)

#: Seconds between two checks of the owner where pidfds are not available.
POLL_SECONDS = 1.0
#: The exit status of a worker whose owner died.
OWNER_GONE_STATUS = 3


def exit_with(owner_pid: int) -> threading.Thread:
    """End this process (at once, `os._exit`) when process `owner_pid` exits; return the watching thread.

    >>> watcher = exit_with(os.getpid())  # watching ourselves: never fires while we run
    >>> watcher.daemon, watcher.is_alive()
    (True, True)
    """
    try:
        handle = os.pidfd_open(owner_pid)
    except ProcessLookupError:
        _owner_gone(owner_pid)
    except (AttributeError, OSError):
        handle = None
    watcher = threading.Thread(
        target=_wait_for_pidfd if handle is not None else _poll, args=(handle if handle is not None else owner_pid,),
        name=f"dangan-exit-with-{owner_pid}", daemon=True,
    )
    watcher.owner_pid = owner_pid  # type: ignore[attr-defined] - for the log line
    watcher.start()
    return watcher


def _wait_for_pidfd(handle: int) -> None:
    select.select([handle], [], [])
    _owner_gone(threading.current_thread().owner_pid)  # type: ignore[attr-defined]


def _poll(owner_pid: int) -> None:
    while process_exists(owner_pid):
        time.sleep(POLL_SECONDS)
    _owner_gone(owner_pid)


def _owner_gone(owner_pid: int) -> None:
    log.warning("worker %d: the process that owns it (%d) is gone; exiting", os.getpid(), owner_pid)
    os._exit(OWNER_GONE_STATUS)
