"""Claims on unprocessed captures (storage.capture_claims) and reading records by name (storage.warc_archive).

Each test runs on a SQLite file and on a PostgreSQL schema. The clock is
injected, so a lease lapses when the test says, not when the machine is slow.
"""

from __future__ import annotations

import multiprocessing
import os
import socket
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from core.errors import WarcIntegrityError
from storage.capture_claims import CRAWL_ROLE, PROCESS_ROLE, CaptureClaims, Claimant
from storage.captures import CaptureLog, NewCapture
from storage.database import open_database
from storage.models import Capture
from storage.warc import WarcWriter
from storage.warc_archive import FolderWarcArchive, WarcArchive, open_warc_archive, read_record

FETCHED = datetime(2026, 11, 2, 8, 0)
LEASE = 60.0


class Clock:
    """A clock the test moves."""

    def __init__(self) -> None:
        self.now = FETCHED + timedelta(hours=1)

    def __call__(self) -> datetime:
        return self.now


def _captures(db, data_dir: Path, count: int, *, claimed_by: Claimant | None = None,
              clock: Clock | None = None) -> list[int]:
    """`count` article captures, unprocessed; written claimed by `claimed_by` if given (as a crawl does)."""
    news = []
    with WarcWriter(data_dir, source="gov") as writer:
        for n in range(count):
            url = f"http://www.example.gov.cn/art/{n}.html"
            location = writer.write_response(url, 200, "OK", [("Content-Type", "text/html")],
                                             f"<p>通知 {n}</p>".encode(), FETCHED)
            claim = claimed_by.claim_values(LEASE, clock()) if claimed_by and clock else {}
            news.append(NewCapture(run_id=None, source="gov", url=url, status_code=200, content_type="text/html",
                                   fetched_at=FETCHED, location=location, **claim))
    return CaptureLog(db).add_many(news)


def test_claimants_get_disjoint_batches_oldest_first(db, data_dir: Path) -> None:
    ids = _captures(db, data_dir, 5)
    clock = Clock()
    first = CaptureClaims(db, Claimant("process:a"), lease=LEASE, clock=clock)
    second = CaptureClaims(db, Claimant("process:b"), lease=LEASE, clock=clock)
    assert [capture.id for capture in first.claim(3)] == ids[:3]
    assert [capture.id for capture in second.claim(3)] == ids[3:]
    assert first.claim(3) == [] and second.claim(3) == []
    with db.session() as session:
        holders = dict(session.execute(select(Capture.id, Capture.claimed_by)).all())
    assert holders == {**{i: "process:a" for i in ids[:3]}, **{i: "process:b" for i in ids[3:]}}


def test_a_lapsed_claim_is_taken_over_and_a_renewed_one_is_not(db, data_dir: Path) -> None:
    ids = _captures(db, data_dir, 4)
    clock = Clock()
    renewing = CaptureClaims(db, Claimant("process:alive"), lease=LEASE, clock=clock)
    killed = CaptureClaims(db, Claimant("process:killed"), lease=LEASE, clock=clock)
    other = CaptureClaims(db, Claimant("process:other"), lease=LEASE, clock=clock)
    renewing.claim(2)
    killed.claim(2)
    clock.now += timedelta(seconds=LEASE * 0.6)
    assert renewing.renew() == 2
    assert other.claim(10) == []  # both leases still run
    clock.now += timedelta(seconds=LEASE * 0.6)
    # The killed processor never renewed: its two lapsed; the live one's run on.
    assert [capture.id for capture in other.claim(10)] == ids[2:]
    assert killed.renew() == 0  # they are no longer its to renew


def test_processed_captures_are_never_offered_and_released_ones_are_at_once(db, data_dir: Path) -> None:
    ids = _captures(db, data_dir, 3)
    clock = Clock()
    stopping = CaptureClaims(db, Claimant("process:stopping"), lease=LEASE, clock=clock)
    stopping.claim(3)
    CaptureLog(db).mark_failed(ids[0], "not HTML", clock())
    assert stopping.release() == 2  # the processed one is done, not given back
    taken = CaptureClaims(db, Claimant("process:next"), lease=LEASE, clock=clock).claim(10)
    assert [capture.id for capture in taken] == ids[1:]


def test_captures_a_crawl_writes_claimed_are_left_to_it_until_its_lease_lapses(db, data_dir: Path) -> None:
    clock = Clock()
    crawl = Claimant.for_this_process("crawl")
    ids = _captures(db, data_dir, 2, claimed_by=crawl, clock=clock)
    processor = CaptureClaims(db, Claimant("process:elsewhere"), lease=LEASE, clock=clock)
    assert processor.claim(10) == []
    clock.now += timedelta(seconds=LEASE + 1)  # the crawl was killed before processing them
    assert [capture.id for capture in processor.claim(10)] == ids


def test_claims_of_a_dead_process_on_this_host_are_taken_over_at_once_a_live_ones_are_not(
        db, data_dir: Path) -> None:
    clock = Clock()
    spawn = multiprocessing.get_context("spawn")
    gone = spawn.Process(target=int)
    gone.start()
    gone.join()
    host = socket.gethostname()
    killed_crawl = Claimant(f"{CRAWL_ROLE}:{host}:{gone.pid}:0000")
    live_crawl = Claimant(f"{CRAWL_ROLE}:{host}:{os.getpid()}:1111")
    elsewhere = Claimant(f"{CRAWL_ROLE}:another-host:{gone.pid}:2222")
    left_by_killed = _captures(db, data_dir, 2, claimed_by=killed_crawl, clock=clock)
    _captures(db, data_dir, 1, claimed_by=live_crawl, clock=clock)
    _captures(db, data_dir, 1, claimed_by=elsewhere, clock=clock)
    assert killed_crawl.is_dead_here() and not live_crawl.is_dead_here() and not elsewhere.is_dead_here()

    processor = CaptureClaims(db, Claimant.for_this_process(PROCESS_ROLE), lease=LEASE, clock=clock)
    assert processor.claim(10) == []  # every claim is under its lease
    next_crawl = CaptureClaims(db, Claimant.for_this_process(CRAWL_ROLE), lease=LEASE, clock=clock)
    # The killed crawl's process is gone from this host: its claims are taken at once. The live
    # crawl keeps its own; the other host's are judged by their lease, which still runs.
    assert [capture.id for capture in next_crawl.claim(10, taking_over_dead=True)] == left_by_killed


def test_only_successful_responses_of_the_chosen_source_are_claimed(db, data_dir: Path) -> None:
    ids = _captures(db, data_dir, 3)
    with db.session(write=True) as session:
        session.execute(update(Capture).where(Capture.id == ids[0]).values(status_code=404))
        session.execute(update(Capture).where(Capture.id == ids[1]).values(source="other"))
        session.commit()
    claims = CaptureClaims(db, Claimant("process:a"), lease=LEASE, clock=Clock())
    assert [capture.id for capture in claims.claim(10, source="gov")] == [ids[2]]
    assert [capture.id for capture in claims.claim(10)] == [ids[1]]


def _claim_until_none(url: str, name: str, found) -> None:
    db = open_database(url)
    try:
        claims = CaptureClaims(db, Claimant(name), lease=LEASE)
        while batch := claims.claim(3):
            for capture in batch:
                found.put(capture.id)
    finally:
        db.dispose()
    found.put(None)


def test_claimers_in_separate_processes_never_claim_one_capture_twice(db, db_url: str, data_dir: Path) -> None:
    ids = _captures(db, data_dir, 120)
    spawn = multiprocessing.get_context("spawn")
    found = spawn.Queue()
    claimers = [spawn.Process(target=_claim_until_none, args=(db_url, f"process:{n}", found)) for n in range(4)]
    for claimer in claimers:
        claimer.start()
    claimed, finished = [], 0
    while finished < len(claimers):
        item = found.get(timeout=120)
        if item is None:
            finished += 1
        else:
            claimed.append(item)
    for claimer in claimers:
        claimer.join(timeout=60)
    assert [claimer.exitcode for claimer in claimers] == [0] * 4
    assert sorted(claimed) == ids  # every capture once, none twice


def test_a_record_is_read_by_name_from_the_root_and_checked(data_dir: Path, tmp_path: Path) -> None:
    body = "<p>关于做好冬季工作的通知</p>".encode()
    with WarcWriter(data_dir, source="gov") as writer:
        where = writer.write_response("http://www.gov.cn/a.htm", 200, "OK", [("Content-Type", "text/html")],
                                      body, FETCHED)
    # The folder moved (mounted elsewhere on another machine): the name still finds the record.
    moved = tmp_path / "mounted"
    data_dir.rename(moved)
    archive = open_warc_archive(str(moved))
    assert isinstance(archive, WarcArchive)
    assert read_record(archive, where.warc_file, where.offset, where.length, where.payload_sha256).body == body
    with pytest.raises(WarcIntegrityError, match="payload's SHA-256"):
        read_record(archive, where.warc_file, where.offset, where.length, "0" * 64)
    with pytest.raises(WarcIntegrityError, match="is in none of .*nowhere. Check that the folder holding warc/ is given"):
        read_record(open_warc_archive(str(tmp_path / "nowhere")), where.warc_file, where.offset, where.length)


def test_records_of_several_crawling_machines_are_read_from_their_roots(tmp_path: Path) -> None:
    written = {}
    for machine in ("crawler-1", "crawler-2"):
        with WarcWriter(tmp_path / machine, source="gov") as writer:
            where = writer.write_response(
                f"http://www.gov.cn/{machine}.htm", 200, "OK", [("Content-Type", "text/html")],
                machine.encode(), FETCHED)
        # Named as that machine names its files (its host is in the name).
        named = where.warc_file.replace(".warc.gz", f"-{machine}.warc.gz")
        (tmp_path / machine / where.warc_file).rename(tmp_path / machine / named)
        written[machine] = replace(where, warc_file=named)
    archive = open_warc_archive(os.pathsep.join(str(tmp_path / machine) for machine in written))
    for machine, where in written.items():
        assert read_record(archive, where.warc_file, where.offset, where.length,
                           where.payload_sha256).body == machine.encode()


@pytest.mark.parametrize("name", ["/etc/passwd", "../outside/x.warc.gz", "warc/../../x.warc.gz"])
def test_a_name_that_would_leave_the_warc_root_is_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(WarcIntegrityError, match="must be a path inside the WARC root"):
        FolderWarcArchive(tmp_path).read_range(name, 0, 10)


def test_an_object_store_root_is_refused_until_there_is_an_implementation() -> None:
    with pytest.raises(WarcIntegrityError, match="only folders are supported so far"):
        open_warc_archive("s3://archive/dangan")
