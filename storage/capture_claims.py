"""Claims on unprocessed captures: each capture processed by one processor, a killed one's work taken over.

Processing runs wherever the store can be reached (`dangan process` on any
machine, a crawl's own workers), so two processors must never take the same
capture, and a processor killed with captures in hand must not lose them. A
processor claims captures for a lease: ``claimed_by`` names it and
``claimed_until`` says when the claim lapses. It renews the lease of what it
still holds every third of a lease; a processor that was killed stops
renewing, its claims lapse, and the next claim by anyone takes them.

Claiming is one write transaction. On PostgreSQL the candidates are read
``FOR UPDATE SKIP LOCKED``: claimers running at once each lock different
rows and never wait for each other, and a row another claimer has just
updated is checked again and left out. On SQLite the write transaction
holds the database's one write lock (BEGIN IMMEDIATE), which serialises
claimers. A capture is done when processing marks it processed
(`storage.versions.VersionStore.record` or `CaptureLog.mark_failed`); its
claim is then of no further interest and stays as a note of who did it.

A crawl that processes its own pages writes their capture rows already
claimed by itself (`Claimant.claim_values`), so a `dangan process` running at
the same time leaves them to it. A crawl killed outright leaves such claims
behind; the next crawl on the same machine takes them over at once
(``taking_over_dead=True``) rather than after the lease: a claimant's name
holds its host and pid, and a claimant of this host whose process is gone
is dead (`core.processes.process_exists`). A claimant on another host is
judged by its lease alone, as its process cannot be seen from here; and a
live crawl beside this one (fellow workers of one source's crawl) keeps its
claims.

Example:
    >>> from storage.captures import CaptureLog, NewCapture
    >>> from storage.warc import WarcWriter
    >>> with store.warc_writer("gov") as warc:
    ...     where = warc.write_response("http://www.gov.cn/a.htm", 200, "OK",
    ...         [("Content-Type", "text/html")], "<p>通知</p>".encode(), datetime(2026, 11, 2))
    >>> _ = CaptureLog(db).add(NewCapture(run_id=None, source="gov", url="http://www.gov.cn/a.htm",
    ...     status_code=200, content_type="text/html", fetched_at=datetime(2026, 11, 2), location=where))
    >>> claims = CaptureClaims(db, Claimant.for_this_process("process"), lease=300)
    >>> [capture.url for capture in claims.claim(10)]
    ['http://www.gov.cn/a.htm']
    >>> others = CaptureClaims(db, Claimant.for_this_process("process"), lease=300)
    >>> others.claim(10)   # held by the first for 300 seconds, unless it renews
    []
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from core.processes import process_exists
from storage.database import Database
from storage.models import Capture
from storage.times import as_stored, utc_now
from storage.write_conflicts import run_write

log = logging.getLogger(__name__)

#: The role of the claimant a crawl that processes its own pages claims them as.
CRAWL_ROLE = "crawl"
#: The role of `dangan process`'s claimants.
PROCESS_ROLE = "process"


@dataclass(frozen=True)
class Claimant:
    """Who holds a claim: a name unique to one processor (its role, host, pid and a random part)."""

    name: str

    @classmethod
    def for_this_process(cls, role: str) -> "Claimant":
        """A new claimant for this process; `role` says what it is (``process``, ``crawl``) in the name."""
        # The random part keeps two processors apart even if a pid is reused on a host.
        return cls(f"{role}:{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"[:200])

    def is_dead_here(self) -> bool:
        """True if this claimant ran on this host and its process is gone; False when that cannot be told."""
        parts = self.name.split(":")
        if len(parts) < 4 or parts[1] != socket.gethostname() or not parts[2].isdigit():
            return False
        return not process_exists(int(parts[2]))

    def claim_values(self, lease: float, now: datetime) -> dict:
        """The capture columns of a row written already claimed by this claimant for `lease` seconds."""
        return {"claimed_by": self.name, "claimed_until": as_stored(now) + timedelta(seconds=lease)}


class CaptureClaims:
    """One processor's claims on the store's unprocessed captures."""

    def __init__(
        self, db: Database, claimant: Claimant, *, lease: float, clock: Callable[[], datetime] = utc_now
    ) -> None:
        self.db = db
        self.claimant = claimant
        self.lease = lease
        self._clock = clock

    def _until(self) -> datetime:
        return as_stored(self._clock()) + timedelta(seconds=self.lease)

    def claim(self, limit: int, source: str | None = None, *, taking_over_dead: bool = False) -> list[Capture]:
        """Claim up to `limit` unprocessed captures (of `source`, or of any), oldest first; return them.

        A capture is free when nobody claimed it or its claim has lapsed; with
        `taking_over_dead`, a claim whose claimant ran on this host and whose
        process is gone counts as free too, lease or not. Only successful
        responses (200) are processed; the rest were marked processed when
        they were captured.
        """
        now = as_stored(self._clock())
        until = self._until()
        dead = self._dead_claimants(source, now) if taking_over_dead else []

        def work(session: Session) -> tuple[list[int], int]:
            query = (
                select(Capture.id, Capture.claimed_by)
                .where(
                    Capture.processed_at.is_(None),
                    Capture.status_code == 200,
                    or_(Capture.claimed_until.is_(None), Capture.claimed_until < now,
                        *([Capture.claimed_by.in_(dead)] if dead else [])),
                )
                .order_by(Capture.id)
                .limit(limit)
                # SQLite renders no FOR UPDATE; its write transaction is the lock.
                .with_for_update(skip_locked=True)
            )
            if source is not None:
                query = query.where(Capture.source == source)
            rows = session.execute(query).all()
            ids = [row.id for row in rows]
            # Claims that lapsed: their processor was killed, or stalled past its lease.
            lapsed = sum(1 for row in rows if row.claimed_by is not None)
            if ids:
                session.execute(
                    update(Capture).where(Capture.id.in_(ids))
                    .values(claimed_by=self.claimant.name, claimed_until=until)
                )
            return ids, lapsed

        ids, lapsed = run_write(self.db, work, what="claiming captures to process")
        if not ids:
            return []
        if lapsed:
            log.warning("%s took over %d captures whose processor stopped renewing its claim",
                        self.claimant.name, lapsed)
        with self.db.session() as session:
            return list(session.scalars(select(Capture).where(Capture.id.in_(ids)).order_by(Capture.id)))

    def _dead_claimants(self, source: str | None, now: datetime) -> list[str]:
        """The claimants, holding unlapsed claims, that ran on this host and whose process is gone."""
        query = select(Capture.claimed_by).distinct().where(
            Capture.processed_at.is_(None), Capture.claimed_until >= now, Capture.claimed_by.is_not(None))
        if source is not None:
            query = query.where(Capture.source == source)
        with self.db.session() as session:
            holders = list(session.scalars(query))
        return [name for name in holders if Claimant(name).is_dead_here()]

    def renew(self) -> int:
        """Extend the lease on every capture this claimant holds and has not finished; return how many."""
        until = self._until()

        def work(session: Session) -> int:
            return session.execute(
                update(Capture)
                .where(Capture.claimed_by == self.claimant.name, Capture.processed_at.is_(None))
                .values(claimed_until=until)
            ).rowcount

        return run_write(self.db, work, what="renewing claims on captures")

    def release(self, capture_ids: Iterable[int] | None = None) -> int:
        """Give back claims not yet processed (the given ones, or all of this claimant's); return how many.

        A processor that stops cleanly calls this so others need not wait for
        its lease to lapse.
        """
        ids = None if capture_ids is None else list(capture_ids)

        def work(session: Session) -> int:
            statement = update(Capture).where(
                Capture.claimed_by == self.claimant.name, Capture.processed_at.is_(None)
            )
            if ids is not None:
                statement = statement.where(Capture.id.in_(ids))
            return session.execute(statement.values(claimed_by=None, claimed_until=None)).rowcount

        if ids == []:
            return 0
        return run_write(self.db, work, what="releasing claims on captures")
