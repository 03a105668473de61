"""Crawl runs and captures, written and read back through CaptureLog, on both backends."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from storage.captures import CaptureLog, NewCapture
from storage.runs import RunLog
from storage.database import Database
from core.errors import StoreError
from storage.warc import WarcLocation

T0 = datetime(2024, 5, 1, 8, 0)


def location(offset: int) -> WarcLocation:
    return WarcLocation("warc/a.warc.gz", offset, 10, f"<urn:uuid:{offset}>", f"{offset:064x}")


def add(log: CaptureLog, offset: int, *, source: str = "gov", status: int = 200, minutes: int = 0,
        run_id: int | None = None) -> int:
    return log.add(NewCapture(run_id=run_id, source=source, url=f"http://www.gov.cn/{offset}.htm", status_code=status,
                   content_type="text/html", fetched_at=T0 + timedelta(minutes=minutes),
                   location=location(offset)))


def test_captures_read_back_and_adding_one_twice_is_harmless(db: Database) -> None:
    log = CaptureLog(db)
    run_id = RunLog(db).start_run("gov", T0)
    first = add(log, 100, run_id=run_id)
    assert add(log, 100, run_id=run_id) == first
    capture = log.get(first)
    assert (capture.run_id, capture.url, capture.warc_file, capture.warc_offset, capture.warc_record_id) == (
        run_id, "http://www.gov.cn/100.htm", "warc/a.warc.gz", 100, "<urn:uuid:100>",
    )
    clash = WarcLocation("warc/a.warc.gz", 100, 10, "<urn:uuid:other>", "0" * 64)
    with pytest.raises(StoreError, match="already claims"):
        log.add(NewCapture(run_id=None, source="gov", url="x", status_code=200, content_type=None, fetched_at=T0,
                location=clash))


def test_a_group_of_captures_gets_each_its_own_id_in_the_order_given(db: Database) -> None:
    log = CaptureLog(db)
    add(log, 5)  # ids of the group do not start at 1
    # Offsets out of order, so ids handed back in insertion order but matched wrongly would show.
    offsets = [40, 10, 30, 20, 50]
    group = [NewCapture(run_id=None, source="gov", url=f"http://www.gov.cn/{offset}.htm", status_code=304,
                        content_type=None, fetched_at=T0, location=location(offset), needs_processing=False)
             for offset in offsets]
    ids = log.add_many(group)
    assert len(set(ids)) == len(offsets)
    assert [log.get(capture_id).url for capture_id in ids] == [f"http://www.gov.cn/{o}.htm" for o in offsets]
    assert [log.get(capture_id).warc_record_id for capture_id in ids] == [f"<urn:uuid:{o}>" for o in offsets]


def test_unprocessed_oldest_first_and_failures_leave_the_queue(db: Database) -> None:
    log = CaptureLog(db)
    late = add(log, 1, minutes=10)
    early = add(log, 2, minutes=1)
    elsewhere = add(log, 3, source="sh", minutes=5)
    assert [c.id for c in log.unprocessed()] == [early, elsewhere, late]
    assert [c.id for c in log.unprocessed("gov")] == [early, late]
    log.mark_failed(early, "undecodable bytes", T0 + timedelta(hours=1))
    assert [c.id for c in log.unprocessed("gov")] == [late]
    assert log.get(early).process_error == "undecodable bytes"
    with pytest.raises(StoreError, match="no capture 999"):
        log.mark_failed(999, "x", T0)


def test_reprocess_takes_each_documents_newest_capture_and_unclaimed_failures(db: Database) -> None:
    from sqlalchemy import update

    from storage.models import Capture, Document

    log = CaptureLog(db)
    old, new, gone = add(log, 1, minutes=1), add(log, 2, minutes=2), add(log, 3, minutes=3, status=404)
    add(log, 4, minutes=4, source="sh")  # another source
    failed = add(log, 5, minutes=5)
    add(log, 6, minutes=6)  # not processed yet: the next crawl's job, not reprocess's
    log.mark_failed(failed, "no article text", T0)
    with db.session(write=True) as session:
        document = Document(url="http://www.gov.cn/a.htm", source="gov", first_seen=T0, last_seen=T0)
        session.add(document)
        session.flush()
        session.execute(update(Capture).where(Capture.id.in_([old, new, gone])).values(document_id=document.id))
        session.commit()
    # The older capture would bring back an older text as if the site had reverted; the 404 has no text.
    assert [c.id for c in log.for_reprocess("gov")] == [new, failed]
    assert [c.id for c in log.for_reprocess()] == [new, failed]


def test_a_capture_with_nothing_to_extract_is_never_listed_as_unprocessed(db, data_dir):
    from storage.warc import WarcWriter

    log = CaptureLog(db)
    fetched = datetime(2026, 11, 1, 8, 0)
    with WarcWriter(data_dir) as writer:
        listing = writer.write_response("http://x.gov.cn/list/", 200, "OK", [("Content-Type", "text/html")], b"<a>", fetched)
        article = writer.write_response("http://x.gov.cn/a/1.html", 200, "OK", [("Content-Type", "text/html")], b"<p>", fetched)
    common = dict(run_id=None, source="x", status_code=200, content_type="text/html", fetched_at=fetched)
    log.add(NewCapture(url="http://x.gov.cn/list/", location=listing, needs_processing=False, **common))
    article_id = log.add(NewCapture(url="http://x.gov.cn/a/1.html", location=article, **common))
    assert [capture.id for capture in log.unprocessed("x")] == [article_id]
