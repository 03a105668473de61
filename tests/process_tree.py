"""The machine's live processes read from /proc: who started whom, and in what state each is.

Tests that kill crawls and worker pools use it to find every process a
program started and to check that none outlives it.
"""

from __future__ import annotations

import os


def stat_fields(pid: int) -> list[bytes] | None:
    """The fields of /proc/PID/stat after the command name (state first), or None once the process is gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            return stat.read().rsplit(b")", 1)[1].split()
    except OSError:
        return None


def process_state(pid: int) -> str:
    """The one-letter state of process `pid` (R, S, T, Z…), or "" once it is gone."""
    fields = stat_fields(pid)
    return fields[0].decode() if fields else ""


def live_parents() -> dict[int, int]:
    """Every live (not zombie) process on the machine with its parent's pid."""
    found = {}
    for entry in os.listdir("/proc"):
        fields = stat_fields(int(entry)) if entry.isdigit() else None
        if fields and fields[0] != b"Z":
            found[int(entry)] = int(fields[1])
    return found


def children_of(pid: int) -> set[int]:
    """The live processes whose parent is `pid`."""
    return {child for child, parent in live_parents().items() if parent == pid}


def descendants_of(pid: int) -> set[int]:
    """Every live process started by `pid`, its children's children too."""
    parents = live_parents()
    family, grew = {pid}, True
    while grew:
        children = {child for child, parent in parents.items() if parent in family} - family
        family |= children
        grew = bool(children)
    return family - {pid}
