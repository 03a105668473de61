"""Lost races between writers on PostgreSQL: retried by name, and a clear error when retries run out.

Real conflicts on a real server: two threads, each with its own connection,
lock two documents in opposite orders (the server breaks the deadlock by
aborting one), and a row held locked by another connection past a lock timeout.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from datetime import datetime

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.orm import Session

from core.errors import WriteConflictError
from storage.database import Database, open_database
from storage.models import Document
from storage.write_conflicts import run_write

pytestmark = pytest.mark.postgres

DAY = datetime(2026, 11, 1)
URLS = ("http://www.example.gov.cn/a.html", "http://www.example.gov.cn/b.html")


@pytest.fixture
def pg_db(pg_url: str) -> Iterator[Database]:
    database = open_database(pg_url)
    with database.session(write=True) as session:
        for url in URLS:
            session.add(Document(url=url, source="gov", status="live", first_seen=DAY, last_seen=DAY))
        session.commit()
    try:
        yield database
    finally:
        database.dispose()


def _lock(session: Session, url: str) -> None:
    session.execute(select(Document.id).where(Document.url == url).with_for_update()).scalar_one()


def test_a_deadlock_is_retried_and_named_and_both_writes_land(
    pg_db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    both_hold_one = threading.Barrier(2)
    attempts = {0: 0, 1: 0}

    def writer(n: int) -> None:
        def work(session: Session) -> None:
            attempts[n] += 1
            first, second = URLS if n == 0 else reversed(URLS)
            _lock(session, first)
            if attempts[n] == 1:  # only the first attempts meet in the middle
                both_hold_one.wait(timeout=30)
            _lock(session, second)
            session.execute(update(Document).where(Document.url == second).values(source=f"writer-{n}"))

        run_write(pg_db, work, what=f"writer {n}")

    caplog.set_level(logging.WARNING, logger="storage.write_conflicts")
    threads = [threading.Thread(target=writer, args=(n,)) for n in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(attempts.values()) == [1, 2]  # the server aborted one side once; it tried again
    assert any("deadlock_detected" in record.getMessage() for record in caplog.records)
    with pg_db.session() as session:
        sources = dict(session.execute(select(Document.url, Document.source)).all())
    assert sources == {URLS[1]: "writer-0", URLS[0]: "writer-1"}


def test_retries_run_out_into_a_write_conflict_error_and_nothing_is_stored(
    pg_db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    def work(session: Session) -> None:
        session.execute(text("SET LOCAL lock_timeout = '50ms'"))
        session.execute(update(Document).where(Document.url == URLS[1]).values(source="changed"))
        _lock(session, URLS[0])

    caplog.set_level(logging.WARNING, logger="storage.write_conflicts")
    with pg_db.session(write=True) as holder:
        _lock(holder, URLS[0])  # another process keeps the row locked throughout
        with pytest.raises(WriteConflictError, match="after 3 attempts.*lock_not_available"):
            run_write(pg_db, work, what="changing a document", attempts=3)
        holder.rollback()
    assert sum("lock_not_available" in record.getMessage() for record in caplog.records) == 3
    with pg_db.session() as session:
        assert session.scalar(select(Document.source).where(Document.url == URLS[1])) == "gov"

    run_write(pg_db, work, what="changing a document")  # the lock is gone: it goes through
    with pg_db.session() as session:
        assert session.scalar(select(Document.source).where(Document.url == URLS[1])) == "changed"
