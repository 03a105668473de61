"""A `WorkerPool` broken while it starts a worker: a program, run by `tests.test_worker_pool_breaking`.

``python -m tests.breaking_pool DB_FILE`` reproduces the race that hung one
crawl in 50 of `bench.kill_bench`'s kill -9 trials (Python 3.11):

1. the pool's first worker is busy with a long job (a page of 20,000 paragraphs);
2. the forkserver is stopped (SIGSTOP) and a second job is submitted: the
   pool starts a second worker for it, and that start waits on the forkserver,
   half done, as it does for a few milliseconds on a busy machine;
3. the first worker is killed with SIGKILL. The stopped forkserver reports
   the death once continued, and only then forks the second worker; the
   executor's manager thread, woken by the death, finds the pool broken and
   terminates the workers it knows of, which the second is usually not yet.

Whether the second worker was missed is read off the process itself (alive,
not exiting, no SIGTERM pending); when the manager thread was quicker than
the fork, the try is repeated with a new pool, up to `ATTEMPTS` times.

Then the pool is used as a crawl uses it: every job collected, the pool
closed, the program ends. Python's executor waits at exit for the workers
of each pool it started; a worker the broken pool never stopped makes it wait
for ever unless `WorkerPool` ends it. The program prints ``started`` with the
pids of every process it started, then ``closed`` once `close` has returned.

Two waits read the executor's private state, for want of any public sign:
that the second job was taken (``_pending_work_items``) and that the manager
thread has done its terminating (it closes ``_call_queue._reader`` just after).
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from datetime import datetime

from pipeline.workers import CaptureJob, WorkerPool
from storage.database import Database, open_database
from tests.process_tree import children_of, descendants_of, process_state, stat_fields

#: How long any one wait of this program may take before it gives up (a failure, not a hang).
WAIT_LIMIT_S = 60.0
#: Tries at breaking the pool at the right moment before the program says it could not.
ATTEMPTS = 20
#: The kernel's flag on a process that has begun to exit (include/linux/sched.h).
PF_EXITING = 0x4


def missed_by_termination(pid: int) -> bool:
    """True if process `pid` lives on with no SIGTERM coming: nothing has told it to stop."""
    fields = stat_fields(pid)
    if fields is None or fields[0] == b"Z" or int(fields[6]) & PF_EXITING:
        return False
    with open(f"/proc/{pid}/status") as status:
        pending = [int(line.split()[1], 16) for line in status if line.startswith(("SigPnd:", "ShdPnd:"))]
    return not any(mask & (1 << (signal.SIGTERM - 1)) for mask in pending)


def cpu_seconds(pid: int) -> float:
    fields = stat_fields(pid) or [b""] * 13
    return (int(fields[11] or 0) + int(fields[12] or 0)) / os.sysconf("SC_CLK_TCK")


def wait_until(condition, what: str) -> None:
    deadline = time.monotonic() + WAIT_LIMIT_S
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit(f"gave up waiting until {what}")
        time.sleep(0.005)


def job(number: int, body: bytes) -> CaptureJob:
    return CaptureJob(number, "gov", f"http://www.gov.cn/{number}.htm", "text/html; charset=utf-8",
                      datetime(2024, 5, 1), body=body)


LONG_PAGE = ("<html><body>" + "".join(
    f"<p>第{n}段 各区县人民政府、市直各单位：现将有关事项通知如下，请认真贯彻落实。</p>" for n in range(20_000)
) + "</body></html>").encode()
SHORT_PAGE = "<html><body><p>通知</p></body></html>".encode()


def break_while_starting(db: Database) -> tuple[WorkerPool, int | None]:
    """One try (steps 1-3 of the module docstring); return the pool and its second worker's pid."""
    known = descendants_of(os.getpid())
    pool = WorkerPool(db, workers=2)
    pool.submit(job(1, LONG_PAGE))
    [server] = [pid for pid in children_of(os.getpid()) if b"forkserver" in open(f"/proc/{pid}/cmdline", "rb").read()]
    [first] = children_of(server) - known
    executor = pool._executor
    # Well into the long job: it has read the whole job off the queue's pipe and holds the worker.
    wait_until(lambda: cpu_seconds(first) > 0.3, "the first worker was busy with the long job")

    os.kill(server, signal.SIGSTOP)
    before = children_of(server)
    try:
        starting = threading.Thread(target=pool.try_submit, args=(job(2, SHORT_PAGE),))
        starting.start()
        wait_until(lambda: len(executor._pending_work_items) == 2, "the second job was taken")
        os.kill(first, signal.SIGKILL)
        # Dead, and not yet reaped by the stopped forkserver: it reports the death first when continued.
        wait_until(lambda: process_state(first) == "Z", "the first worker had died")
    finally:
        os.kill(server, signal.SIGCONT)
    starting.join(WAIT_LIMIT_S)
    wait_until(lambda: executor._call_queue._reader.closed, "the broken pool had terminated its workers")
    second = children_of(server) - before - {first}
    return pool, (min(second) if second else None)


def main(db_file: str) -> None:
    db = open_database(f"sqlite:///{db_file}")
    for attempt in range(1, ATTEMPTS + 1):
        pool, second = break_while_starting(db)
        if second is not None and missed_by_termination(second):
            print("started", *sorted(descendants_of(os.getpid())), flush=True)
            print(f"reproduced at try {attempt}: worker {second} was started after the broken pool "
                  "terminated its workers", flush=True)
            pool.close()
            print("closed", dict(pool.counts), flush=True)
            return
        pool.close()
    raise SystemExit(f"the race was not reproduced in {ATTEMPTS} tries")


if __name__ == "__main__":
    main(sys.argv[1])
