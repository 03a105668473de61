"""Telling a full disk from other write failures, and saying so in one clear sentence.

A full disk is not a failure of one page: every later write fails the same
way, so a crawl that meets one must stop rather than fetch pages it cannot
keep. The WARC writer and the capture writer turn such failures into a
`core.errors.DiskFullError` with `disk_full_error`; the crawl stops on it.

SQLite reports a full disk as "database or disk is full" (SQLITE_FULL),
PostgreSQL as "No space left on device" inside its own error, the OS as
ENOSPC or, past a quota, EDQUOT.

Example:
    >>> is_disk_full(OSError(28, "No space left on device"))
    True
    >>> is_disk_full(OSError(13, "Permission denied"))
    False
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

from core.errors import DiskFullError

_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT})
_FULL_WORDS = ("database or disk is full", "no space left on device", "disk quota exceeded")


def is_disk_full(exc: BaseException) -> bool:
    """True if `exc`, or an error it was raised from, says the disk (or quota) is full."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OSError) and current.errno in _FULL_ERRNOS:
            return True
        if any(words in str(current).lower() for words in _FULL_WORDS):
            return True
        current = current.__cause__ or current.__context__
    return False


def disk_full_error(data_dir: Path | str, what: str, exc: BaseException) -> DiskFullError:
    """The one error a crawl stops with when the disk is full: what failed, where, and what to do.

    >>> str(disk_full_error("/srv/dangan", "could not write a WARC record", OSError(28, "No space left on device")))
    'disk full: could not write a WARC record ([Errno 28] No space left on device); free space needed on the disk holding /srv/dangan, then run the crawl again: it carries on from what was kept'
    """
    # The first line only: SQLAlchemy adds a line pointing at its documentation.
    cause = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return DiskFullError(
        f"disk full: {what} ({cause}); free space needed on the disk holding {data_dir}, "
        "then run the crawl again: it carries on from what was kept"
    )


#: Bytes held back on the data folder's disk while a crawl runs (`SpaceReserve`).
RESERVE_BYTES = 256 * 1024
RESERVE_FILE = ".dangan-space-reserve"


class SpaceReserve:
    """A file of `RESERVE_BYTES` in the data folder, given back when the disk fills up.

    A crawl that fills the disk must still record its run as failed; SQLite
    needs a few pages of room for that commit, which a full disk no longer
    has. The crawl takes the reserve when it starts and releases it just
    before it writes the run record of a crawl stopped by a full disk.
    Taking it does nothing when there is no room for it (the store's own
    writes then say the disk is full).

    >>> reserve = SpaceReserve(tmp_path)
    >>> reserve.take(); (tmp_path / RESERVE_FILE).stat().st_size == RESERVE_BYTES
    True
    >>> reserve.release(); (tmp_path / RESERVE_FILE).exists()
    False
    """

    def __init__(self, data_dir: Path | str, size: int = RESERVE_BYTES) -> None:
        self.path = Path(data_dir) / RESERVE_FILE
        self.size = size

    def take(self) -> None:
        """Hold `size` bytes on the disk (keeps a reserve an earlier crawl left)."""
        try:
            if self.path.exists() and self.path.stat().st_size >= self.size:
                return
            self.path.parent.mkdir(parents=True, exist_ok=True)
            descriptor = os.open(self.path, os.O_WRONLY | os.O_CREAT, 0o600)
            try:
                # Real blocks, not a sparse file: only those can be given back.
                os.posix_fallocate(descriptor, 0, self.size)
            finally:
                os.close(descriptor)
        except OSError:
            self.path.unlink(missing_ok=True)

    def release(self) -> None:
        """Give the space back."""
        self.path.unlink(missing_ok=True)
