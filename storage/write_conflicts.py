"""Retrying a write transaction that collided with another writer.

Several crawler processes and processing workers may write one store at once.
On PostgreSQL a transaction can then lose a race without anything being wrong:
a serialisation failure (SQLSTATE 40001), a deadlock the server broke by
aborting one side (40P01), a lock it gave up waiting for (55P03), or a unique
constraint another writer's row got to first (23505). On SQLite, a writer that
waited past the busy timeout sees "database is locked". Each of these is
retried from the start of the transaction, after a short random pause so the
two sides do not collide again in step; each retry is logged with the
conflict's name, and when the attempts run out the caller gets a
`core.errors.WriteConflictError` saying what could not be written.

Any other error (a constraint our own code broke, a lost connection) is not a
race and is raised at once.

Example:
    >>> from sqlalchemy import text
    >>> tries = []
    >>> def work(session):
    ...     tries.append(1)
    ...     if len(tries) == 1:
    ...         raise LostRace("version number taken")
    ...     return session.execute(text("SELECT 1")).scalar()
    >>> run_write(db, work, what="recording a page")
    1
    >>> len(tries)
    2
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from core.errors import WriteConflictError
from storage.database import Database

log = logging.getLogger(__name__)

T = TypeVar("T")

#: Attempts per transaction. A race is lost by one side only, so a second
#: attempt nearly always succeeds; more than a handful means writers are
#: stuck on one row and a person should look.
WRITE_ATTEMPTS = 6
# The pause before attempt n is random in [0, _PAUSE_S * 2**n): short, because
# the winner usually commits within milliseconds.
_PAUSE_S = 0.01

# PostgreSQL SQLSTATEs that mean "another writer won; try again".
_RETRYABLE_SQLSTATES = {
    "40001": "serialization_failure",
    "40P01": "deadlock_detected",
    "55P03": "lock_not_available",
    "23505": "unique_violation",
}


class LostRace(Exception):
    """Raised inside a write when a row it meant to add was added by another writer first.

    `run_write` retries the transaction; it never reaches the caller.
    """

    def __init__(self, conflict: str) -> None:
        super().__init__(conflict)
        self.conflict = conflict


def conflict_name(exc: BaseException) -> str | None:
    """The name of the write conflict `exc` reports, or None when retrying would not help.

    >>> conflict_name(LostRace("document url taken"))
    'document url taken'
    >>> conflict_name(ValueError("bad")) is None
    True
    """
    if isinstance(exc, LostRace):
        return exc.conflict
    if not isinstance(exc, DBAPIError):
        return None
    sqlstate = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
    if sqlstate in _RETRYABLE_SQLSTATES:
        return _RETRYABLE_SQLSTATES[sqlstate]
    message = str(exc.orig).lower()
    if "database is locked" in message:
        return "database_locked"
    if "unique constraint failed" in message:
        return "unique_violation"
    return None


def run_write(
    db: Database, work: Callable[[Session], T], *, what: str, attempts: int = WRITE_ATTEMPTS
) -> T:
    """Run `work` in a write session and commit it, again from the start after a lost race.

    `work` must do all its reading and writing through the session it is given
    (so a retry starts clean) and not commit; `what` names the write for logs
    and for the `WriteConflictError` raised when `attempts` run out.
    """
    last: str | None = None
    for attempt in range(1, attempts + 1):
        with db.session(write=True) as session:
            try:
                result = work(session)
                session.commit()
                return result
            except (DBAPIError, LostRace) as exc:
                session.rollback()
                last = conflict_name(exc)
                if last is None:
                    raise
                log.warning("%s: %s with another writer (attempt %d of %d)", what, last, attempt, attempts)
        if attempt < attempts:
            time.sleep(random.uniform(0, _PAUSE_S * 2**attempt))
    raise WriteConflictError(
        f"Gave up {what} after {attempts} attempts: other writers kept winning ({last}). "
        "Nothing of it was stored; run the same command again, and if this repeats, look for a "
        "process holding locks on the store for long."
    )
