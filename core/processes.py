"""Whether a process on this machine is still alive: the one test the run log and the workers share.

A killed process that its parent has not reaped yet (a zombie) still has
its pid, so ``kill(pid, 0)`` alone would call it alive; its state in
``/proc`` says otherwise.
"""

from __future__ import annotations

import os


def process_exists(pid: int) -> bool:
    """True if process `pid` exists on this machine and is not a zombie (killed, waiting to be reaped).

    >>> process_exists(os.getpid())
    True
    """
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it exists, under another user
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            # The state follows the command name, which is in parentheses and may hold spaces.
            return stat.read().rsplit(b")", 1)[1].split()[0] != b"Z"
    except (OSError, IndexError):
        return True
