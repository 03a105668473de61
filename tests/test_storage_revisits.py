"""Revisits in the store: the WARC records a recrawl writes for unchanged pages, read back and recovered.

A 304 or an unchanged body is kept as a WARC revisit record naming the
response record that holds the payload. These tests write them the way a
crawl does, then check what a user (or another WARC tool) would: `warcio
check` passes, the revisit reads back as the original bytes, the capture log
knows what to send next time, the version is marked seen, and a killed crawl's
revisit records get their rows.
"""

from __future__ import annotations

import gzip
import hashlib
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import select, update

from core.errors import WarcIntegrityError
from core.article import Article
from pipeline.fingerprint import text_sha256
from storage.captures import NewCapture
from storage.database import Database
from storage.models import Capture, Document
from storage.recovery import recover_orphans
from storage.store import Store
from storage.versions import PageRecord
from storage.warc import IDENTICAL_PAYLOAD, NOT_MODIFIED, WarcLocation, verify_capture

URL = "http://www.xiangtan.gov.cn/art/2024/3/5/art_1_101.html"
BODY = "<html><body><h1>关于做好春季森林防火工作的通知</h1><p>各县市区人民政府：</p></body></html>".encode()
HEADERS = [("Content-Type", "text/html; charset=utf-8"), ("ETag", '"5f1-abc"'),
           ("Last-Modified", "Tue, 05 Mar 2024 08:00:00 GMT")]
NOT_MODIFIED_HEADERS = [("ETag", '"5f1-abc"'), ("Server", "nginx")]
FIRST = datetime(2024, 3, 5, 9, 0, 0, 123456)
SECOND = datetime(2024, 4, 1, 9, 0, 0)
THIRD = datetime(2024, 5, 1, 9, 0, 0)


def warcio_check(path: Path) -> subprocess.CompletedProcess:
    """`warcio check -v` from the same environment as the tests."""
    warcio = Path(sys.executable).parent / "warcio"
    return subprocess.run([str(warcio), "check", "-v", str(path)], capture_output=True, text=True)


@pytest.fixture
def store(db_url: str, data_dir: Path):
    with Store.open(db_url, data_dir) as opened:
        yield opened


def _capture(store: Store, location: WarcLocation, fetched_at: datetime, *, status: int = 200,
             revisit: str | None = None, refers_to_id: int | None = None, etag: str | None = '"5f1-abc"') -> int:
    return store.captures.add(NewCapture(
        run_id=None, source="xiangtan", url=URL, status_code=status, content_type="text/html",
        fetched_at=fetched_at, location=location, needs_processing=False, etag=etag,
        last_modified="Tue, 05 Mar 2024 08:00:00 GMT", revisit=revisit, refers_to_id=refers_to_id,
    ))


def _first_capture_with_version(store: Store) -> int:
    """The first crawl: a response record, its capture row, and version 1 recorded from it."""
    with store.warc_writer("xiangtan") as warc:
        location = warc.write_response(URL, 200, "OK", HEADERS, BODY, FIRST)
    capture_id = _capture(store, location, FIRST)
    text = "各县市区人民政府：当前正值春季森林防火关键期。"
    store.versions.record(PageRecord(
        url=URL, source="xiangtan", capture_id=capture_id, seen_at=FIRST,
        article=Article(title="关于做好春季森林防火工作的通知", text=text), text_sha256=text_sha256(text),
        extractor_version="test",
    ))
    return capture_id


def _write_revisits(store: Store) -> tuple[WarcLocation, WarcLocation]:
    """A recrawl: a 304, then the same body from a server that ignored the validators."""
    last = store.captures.last_captures("xiangtan")[URL]
    with store.warc_writer("xiangtan") as warc:
        not_modified = warc.write_revisit(URL, 304, "Not Modified", NOT_MODIFIED_HEADERS, SECOND,
                                          profile=NOT_MODIFIED, refers_to=last.refers_to())
        identical = warc.write_revisit(URL, 200, "OK", HEADERS, THIRD, profile=IDENTICAL_PAYLOAD,
                                       refers_to=last.refers_to(), body=BODY)
    return not_modified, identical


def test_revisit_records_are_heritrix_shaped_and_pass_warcio_check(store: Store, data_dir: Path) -> None:
    original_id = _first_capture_with_version(store)
    not_modified, identical = _write_revisits(store)
    original = store.captures.get(original_id)

    text = gzip.decompress((data_dir / not_modified.warc_file).read_bytes()).decode("utf-8")
    records = text.split("WARC/1.1\r\n")[1:]
    assert [r.split("WARC-Type: ", 1)[1].split("\r\n", 1)[0] for r in records] == ["warcinfo", "revisit", "revisit"]
    for record, profile in zip(records[1:], (NOT_MODIFIED, IDENTICAL_PAYLOAD)):
        assert f"WARC-Profile: http://netpreserve.org/warc/1.1/revisit/{profile}\r\n" in record
        assert f"WARC-Refers-To: {original.warc_record_id}\r\n" in record
        assert f"WARC-Refers-To-Target-URI: {URL}\r\n" in record
        assert "WARC-Refers-To-Date: 2024-03-05T09:00:00.123456Z\r\n" in record
        assert "Content-Type: application/http; msgtype=response\r\n" in record
    # Headers only: neither revisit holds the page again.
    assert BODY.decode() not in records[1] + records[2]
    assert "HTTP/1.1 304 Not Modified\r\n" in records[1]
    assert "WARC-Payload-Digest: sha256:" in records[2] and "WARC-Payload-Digest" not in records[1]

    for path in (data_dir / "warc").glob("*.warc.gz"):
        checked = warcio_check(path)
        assert checked.returncode == 0, checked.stdout + checked.stderr
    # warcio reads both as revisits (it leaves their digests to us: verify_capture checks the block's).
    assert warcio_check(data_dir / not_modified.warc_file).stdout.count("not checked (revisit)") == 2


def test_a_revisit_reads_back_as_the_original_bytes(store: Store) -> None:
    _first_capture_with_version(store)
    not_modified, identical = _write_revisits(store)

    after_304 = store.read_response(not_modified.warc_file, not_modified.offset)
    assert after_304.body == BODY
    assert (after_304.status, after_304.revisit, after_304.fetched_at) == (200, NOT_MODIFIED, SECOND)
    assert ("ETag", '"5f1-abc"') in after_304.headers

    same_body = store.read_response(identical.warc_file, identical.offset)
    assert (same_body.body, same_body.status, same_body.revisit) == (BODY, 200, IDENTICAL_PAYLOAD)
    assert same_body.fetched_at == THIRD


def test_a_revisit_whose_original_is_missing_says_how_to_fix_it(store: Store, data_dir: Path) -> None:
    _first_capture_with_version(store)
    not_modified, _ = _write_revisits(store)
    with store.db.session(write=True) as session:  # as if the original's row were lost
        session.execute(update(Capture).values(warc_record_id="<urn:uuid:lost>"))
        session.commit()
    with pytest.raises(WarcIntegrityError, match="no capture holds"):
        store.read_response(not_modified.warc_file, not_modified.offset)


def test_verify_checks_a_revisit_against_the_payload_it_refers_to(store: Store, data_dir: Path) -> None:
    _first_capture_with_version(store)
    not_modified, identical = _write_revisits(store)
    sha = hashlib.sha256(BODY).hexdigest()
    for location in (not_modified, identical):
        assert location.payload_sha256 == sha
        verify_capture(data_dir, location.warc_file, location.offset, location.length, sha)
    with pytest.raises(WarcIntegrityError, match="WARC-Payload-Digest"):
        verify_capture(data_dir, identical.warc_file, identical.offset, identical.length, "0" * 64)


def test_last_captures_follow_revisits_to_the_original(store: Store) -> None:
    original_id = _first_capture_with_version(store)
    not_modified, _ = _write_revisits(store)
    _capture(store, not_modified, SECOND, status=304, revisit=NOT_MODIFIED, refers_to_id=original_id,
             etag='"5f1-abc"')

    last = store.captures.last_captures("xiangtan")[URL]
    assert (last.etag, last.original_id) == ('"5f1-abc"', original_id)
    assert last.original_fetched_at == FIRST
    assert last.payload_sha256 == hashlib.sha256(BODY).hexdigest()
    assert store.captures.last_captures("another-source") == {}


def test_mark_seen_moves_the_latest_version_and_its_document(store: Store, db: Database) -> None:
    original_id = _first_capture_with_version(store)
    with store.warc_writer("xiangtan") as warc:
        listing = warc.write_response(URL + "?list", 200, "OK", HEADERS, b"<ul></ul>", FIRST)
    listing_id = _capture(store, listing, FIRST)

    assert store.versions.mark_seen([(original_id, SECOND), (listing_id, SECOND)]) == 1
    # An older sighting moves nothing back; a capture never processed into a version changes nothing.
    store.versions.mark_seen([(original_id, FIRST)])
    assert [(v.number, v.last_seen) for v in store.versions.history(URL)] == [(1, SECOND)]
    with db.session() as session:
        document = session.scalars(select(Document)).one()
    assert (document.first_seen, document.last_seen) == (FIRST, SECOND)


def test_a_killed_crawls_revisit_records_get_rows_and_move_last_seen(store: Store, data_dir: Path) -> None:
    original_id = _first_capture_with_version(store)
    not_modified, identical = _write_revisits(store)  # written, but killed before their rows

    report = recover_orphans(data_dir, store.db.session)

    assert len(report.orphans_added) == 2
    with store.db.session() as session:
        rows = list(session.scalars(select(Capture).where(Capture.id.in_(report.orphans_added)).order_by(Capture.id)))
    assert [(r.status_code, r.revisit, r.refers_to_id) for r in rows] == [
        (304, NOT_MODIFIED, original_id), (200, IDENTICAL_PAYLOAD, original_id),
    ]
    assert all(r.processed_at is not None and r.source == "xiangtan" for r in rows)
    assert all(r.payload_sha256 == hashlib.sha256(BODY).hexdigest() for r in rows)
    assert rows[0].etag == '"5f1-abc"'
    # Nothing for processing to redo; the sightings the crawl did not record are recorded now.
    assert store.captures.unprocessed(source="xiangtan") == []
    assert [v.last_seen for v in store.versions.history(URL)] == [THIRD]
    assert recover_orphans(data_dir, store.db.session).orphans_added == []
