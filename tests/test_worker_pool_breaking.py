"""A worker pool broken by kill -9 while it starts a worker: every job is counted, nothing hangs, nothing is left.

`tests.breaking_pool` breaks a real `WorkerPool` (real worker processes,
the real forkserver, SIGKILL) at the moment that hung a crawl at exit in
`bench.kill_bench`: a worker the broken pool was still starting escaped its
terminating, and Python's executor waited for it for ever. The program must
end, having counted both jobs as errors, and leave no process behind.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.site.fixtures import REPO_ROOT, subprocess_env

pytestmark = pytest.mark.slow

#: The program takes a few seconds; far longer than this means it hung.
RUN_LIMIT_S = 120
#: How long its processes may outlive it (workers watch their owner: pipeline.parent_watch).
SURVIVAL_LIMIT_S = 10


def _alive(pids: set[int]) -> set[int]:
    left = set()
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat", "rb") as stat:
                if stat.read().rsplit(b")", 1)[1].split()[0] != b"Z":
                    left.add(pid)
        except OSError:
            pass
    return left


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads processes from /proc and uses the forkserver")
def test_a_pool_broken_while_starting_a_worker_ends_and_leaves_no_process(tmp_path: Path) -> None:
    program = subprocess.Popen(
        [sys.executable, "-m", "tests.breaking_pool", str(tmp_path / "db.sqlite")],
        cwd=REPO_ROOT, env=subprocess_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    started: set[int] = set()
    try:
        try:
            out, err = program.communicate(timeout=RUN_LIMIT_S)
            hung = False
        except subprocess.TimeoutExpired:
            program.kill()
            out, err = program.communicate()
            hung = True
        for line in out.splitlines():
            if line.startswith("started "):
                started = {int(pid) for pid in line.split()[1:]}
        assert "reproduced at try" in out, out + err[-3000:]
        assert not hung, f"the program hung at exit after breaking the pool ({RUN_LIMIT_S} s):\n{out}{err[-3000:]}"
        assert program.returncode == 0, out + err[-3000:]
        assert "closed {'errors': 2}" in out  # the job the killed worker held, and the one in the broken start

        deadline = time.monotonic() + SURVIVAL_LIMIT_S
        while _alive(started) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _alive(started) == set(), f"left running {SURVIVAL_LIMIT_S} s after the program ended"
    finally:
        for pid in _alive(started):
            os.kill(pid, signal.SIGKILL)
