"""WARC files: what is written, reading it back, integrity checks, rotation, crash recovery."""

from __future__ import annotations

import base64
import gzip
import hashlib
import itertools
import os
import zlib
from datetime import datetime, timezone
from pathlib import Path

import pytest

from storage.captures import CaptureLog, NewCapture
from storage.database import Database
from core.errors import WarcIntegrityError
from storage.recovery import find_orphan_records, recover_orphans
from storage.warc import HOST_LABEL, WarcLocation, WarcWriter, verify_capture
from storage.warc_reading import read_response

BODY = "<html><head><title>关于做好春节期间工作的通知</title></head><body>正文</body></html>".encode()
HEADERS = [("Content-Type", "text/html; charset=utf-8"), ("Server", "nginx")]
FETCHED = datetime(2024, 5, 1, 8, 30, 15, 250000, tzinfo=timezone.utc)
URL = "http://www.gov.cn/zhengce/content/2024-05/01/content_1.htm"


def fixed_clock() -> datetime:
    return datetime(2024, 5, 2, 3, 4, 5, tzinfo=timezone.utc)


def counting_ids():
    numbers = itertools.count(1)
    return lambda: f"<urn:uuid:00000000-0000-0000-0000-{next(numbers):012d}>"


def writer(data_dir: Path, **options) -> WarcWriter:
    return WarcWriter(data_dir, clock=fixed_clock, new_record_id=counting_ids(), **options)


def write_one(w: WarcWriter, url: str = URL, body: bytes = BODY, source: str = "gov") -> WarcLocation:
    return w.write_response(url, 200, "OK", HEADERS, body, FETCHED, source=source)


def test_written_file_holds_exactly_the_expected_records(data_dir: Path) -> None:
    with writer(data_dir) as w:
        location = write_one(w)

    name = f"DANGAN-20240502030405-00000-{os.getpid()}-{HOST_LABEL}.warc.gz"
    assert location.warc_file == f"warc/{name}"
    assert location.record_id == "<urn:uuid:00000000-0000-0000-0000-000000000002>"
    assert location.payload_sha256 == hashlib.sha256(BODY).hexdigest()

    http = (
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nServer: nginx\r\n"
        b"Content-Length: " + str(len(BODY)).encode() + b"\r\n\r\n" + BODY
    )
    text = gzip.decompress((data_dir / location.warc_file).read_bytes())
    info, response = text.split(b"WARC/1.1\r\n")[1:]
    assert info.startswith(
        b"WARC-Type: warcinfo\r\n"
        b"WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-000000000001>\r\n"
        b"WARC-Filename: " + name.encode() + b"\r\n"
        b"WARC-Date: 2024-05-02T03:04:05Z\r\n"
    )
    assert b"software: dangan" in info
    block_digest = hashlib.sha256(http).digest()

    assert response == (
        b"WARC-Type: response\r\n"
        b"WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-000000000002>\r\n"
        b"WARC-Date: 2024-05-01T08:30:15.250000Z\r\n"
        b"WARC-Target-URI: " + URL.encode() + b"\r\n"
        b"WARC-Payload-Digest: sha256:" + base64.b32encode(hashlib.sha256(BODY).digest()) + b"\r\n"
        b"WARC-Dangan-Source: gov\r\n"
        b"WARC-Block-Digest: sha256:" + base64.b32encode(block_digest) + b"\r\n"
        b"Content-Type: application/http; msgtype=response\r\n"
        b"Content-Length: " + str(len(http)).encode() + b"\r\n\r\n" + http + b"\r\n\r\n"
    )


def test_same_clock_and_ids_give_identical_bytes(tmp_path: Path) -> None:
    files = []
    for name in ("one", "two"):
        with writer(tmp_path / name) as w:
            location = write_one(w)
        files.append((tmp_path / name / location.warc_file).read_bytes())
    assert files[0] == files[1]


def test_response_reads_back_as_written(data_dir: Path) -> None:
    with writer(data_dir) as w:
        first = write_one(w)
        second = w.write_response(URL + "?2", 404, "Not Found", [], b"", FETCHED)
    response = read_response(data_dir, first.warc_file, first.offset)
    assert response.url == URL
    assert response.status == 200
    assert response.reason == "OK"
    assert response.body == BODY
    assert response.headers == HEADERS + [("Content-Length", str(len(BODY)))]
    assert response.fetched_at == datetime(2024, 5, 1, 8, 30, 15, 250000)
    assert response.source == "gov"
    gone = read_response(data_dir, second.warc_file, second.offset)
    assert (gone.status, gone.body, gone.source) == (404, b"", None)
    assert second.offset == first.offset + first.length


def test_transfer_headers_the_body_no_longer_has_are_kept_aside(data_dir: Path) -> None:
    received = [("Content-Encoding", "gzip"), ("Transfer-Encoding", "chunked"), ("Content-Length", "12")]
    with writer(data_dir) as w:
        location = w.write_response(URL, 200, "OK", received, BODY, FETCHED)
    headers = read_response(data_dir, location.warc_file, location.offset).headers
    assert headers == [
        ("X-Archive-Orig-Content-Encoding", "gzip"),
        ("X-Archive-Orig-Transfer-Encoding", "chunked"),
        ("X-Archive-Orig-Content-Length", "12"),
        ("Content-Length", str(len(BODY))),
    ]


def test_verify_accepts_a_sound_record(data_dir: Path) -> None:
    with writer(data_dir) as w:
        location = write_one(w)
    verify_capture(data_dir, location.warc_file, location.offset, location.length, location.payload_sha256)


def test_verify_catches_a_flipped_byte(data_dir: Path) -> None:
    with writer(data_dir) as w:
        location = write_one(w)
    path = data_dir / location.warc_file
    raw = bytearray(path.read_bytes())
    raw[location.offset + location.length // 2] ^= 0x01
    path.write_bytes(bytes(raw))
    with pytest.raises(WarcIntegrityError, match=f"{location.warc_file} at offset {location.offset}"):
        verify_capture(data_dir, location.warc_file, location.offset, location.length, location.payload_sha256)


def test_verify_names_a_block_digest_mismatch(data_dir: Path) -> None:
    with writer(data_dir) as w:
        location = write_one(w)
    path = data_dir / location.warc_file
    raw = path.read_bytes()
    member = zlib.decompress(raw[location.offset:location.offset + location.length], 16 + zlib.MAX_WBITS)
    altered = member.replace("正文".encode(), "正又".encode())
    recompressed = gzip.compress(altered)
    path.write_bytes(raw[:location.offset] + recompressed)
    with pytest.raises(WarcIntegrityError, match="WARC-Block-Digest"):
        verify_capture(data_dir, location.warc_file, location.offset, len(recompressed), location.payload_sha256)


def test_verify_names_a_payload_mismatch(data_dir: Path) -> None:
    with writer(data_dir) as w:
        location = write_one(w)
    with pytest.raises(WarcIntegrityError, match="the database expects 0000"):
        verify_capture(data_dir, location.warc_file, location.offset, location.length, "0" * 64)


def test_verify_names_a_missing_or_truncated_file(data_dir: Path) -> None:
    with writer(data_dir) as w:
        location = write_one(w)
    path = data_dir / location.warc_file
    path.write_bytes(path.read_bytes()[: location.offset + 10])
    with pytest.raises(WarcIntegrityError, match="truncated"):
        verify_capture(data_dir, location.warc_file, location.offset, location.length, location.payload_sha256)
    path.unlink()
    with pytest.raises(WarcIntegrityError, match="missing"):
        verify_capture(data_dir, location.warc_file, location.offset, location.length, location.payload_sha256)
    with pytest.raises(WarcIntegrityError, match="missing"):
        read_response(data_dir, location.warc_file, location.offset)


def test_reading_a_non_response_offset_says_so(data_dir: Path) -> None:
    with writer(data_dir) as w:
        location = write_one(w)
    with pytest.raises(WarcIntegrityError, match="'warcinfo', not a response"):
        read_response(data_dir, location.warc_file, 0)


def test_files_rotate_at_max_bytes_and_each_starts_with_warcinfo(data_dir: Path) -> None:
    with writer(data_dir, max_bytes=1) as w:
        locations = [write_one(w, url=f"{URL}?page={n}") for n in range(3)]
    names = [location.warc_file for location in locations]
    assert len(set(names)) == 3
    assert [name.split("-")[2] for name in names] == ["00000", "00001", "00002"]
    for location in locations:
        first = gzip.decompress((data_dir / location.warc_file).read_bytes())
        assert first.split(b"\r\n")[1] == b"WARC-Type: warcinfo"
        assert read_response(data_dir, location.warc_file, location.offset).url == f"{URL}?page={locations.index(location)}"


def test_a_writer_never_appends_to_an_existing_file(data_dir: Path) -> None:
    with writer(data_dir) as w:
        earlier = write_one(w)
    before = (data_dir / earlier.warc_file).read_bytes()
    with writer(data_dir) as w:  # same clock, same pid: the same first name is taken
        later = write_one(w)
    assert later.warc_file != earlier.warc_file
    assert (data_dir / earlier.warc_file).read_bytes() == before


# -- crash recovery, against both database backends --------------------------


def add_row(db: Database, location: WarcLocation, url: str = URL) -> int:
    return CaptureLog(db).add(NewCapture(
        run_id=None, source="gov", url=url, status_code=200, content_type="text/html; charset=utf-8",
        fetched_at=FETCHED, location=location,
    ))


def test_orphan_record_gets_its_capture_row(db: Database, data_dir: Path) -> None:
    with writer(data_dir) as w:
        known = write_one(w)
        orphan = write_one(w, url=URL + "?orphan", body=BODY + b"2")  # killed before its row
    add_row(db, known)

    assert [o.offset for o in find_orphan_records(data_dir, {(known.warc_file, known.offset)})] == [orphan.offset]
    report = recover_orphans(data_dir, db.session)

    assert len(report.orphans_added) == 1
    assert report.truncated == []
    captures = CaptureLog(db).unprocessed()
    recovered = [c for c in captures if c.id == report.orphans_added[0]][0]
    assert (recovered.url, recovered.source, recovered.status_code, recovered.run_id) == (
        URL + "?orphan", "gov", 200, None,
    )
    assert recovered.content_type == "text/html; charset=utf-8"
    assert recovered.fetched_at == datetime(2024, 5, 1, 8, 30, 15, 250000)
    assert (recovered.warc_file, recovered.warc_offset, recovered.warc_length) == (
        orphan.warc_file, orphan.offset, orphan.length,
    )
    assert recovered.warc_record_id == orphan.record_id
    assert recovered.payload_sha256 == orphan.payload_sha256
    assert recovered.processed_at is None
    verify_capture(data_dir, recovered.warc_file, recovered.warc_offset, recovered.warc_length,
                   recovered.payload_sha256)

    again = recover_orphans(data_dir, db.session)
    assert again.orphans_added == [] and again.truncated == []
    assert len(CaptureLog(db).unprocessed()) == 2


def test_an_orphan_between_registered_records_is_found_too(db: Database, data_dir: Path) -> None:
    # Recovery steps over registered records unread; a group whose rows failed to
    # commit leaves its records between ones that have rows.
    with writer(data_dir) as w:
        before = write_one(w)
        orphan = write_one(w, url=URL + "?orphan", body=BODY + b"2")
        after = write_one(w, url=URL + "?after", body=BODY + b"3")
    add_row(db, before)
    add_row(db, after, url=URL + "?after")

    report = recover_orphans(data_dir, db.session)

    assert [CaptureLog(db).get(i).warc_offset for i in report.orphans_added] == [orphan.offset]
    assert report.truncated == [] and report.records_checked == 4  # warcinfo and three responses


def test_torn_tail_is_cut_back_to_the_last_whole_record(db: Database, data_dir: Path) -> None:
    with writer(data_dir) as w:
        whole = write_one(w)
        torn = write_one(w, url=URL + "?torn", body=BODY * 20)
    add_row(db, whole)
    path = data_dir / whole.warc_file
    with path.open("r+b") as stream:  # a kill -9 halfway through writing the second record
        stream.truncate(torn.offset + torn.length // 2)

    report = recover_orphans(data_dir, db.session)

    assert report.truncated == [(whole.warc_file, torn.length // 2)]
    assert report.orphans_added == []
    assert path.stat().st_size == whole.offset + whole.length
    assert read_response(data_dir, whole.warc_file, whole.offset).body == BODY
    assert recover_orphans(data_dir, db.session).truncated == []


def test_files_a_live_writer_holds_are_left_alone(db: Database, data_dir: Path) -> None:
    w = writer(data_dir)
    write_one(w)  # on disk, row not yet written: a crawl in progress
    report = recover_orphans(data_dir, db.session)
    assert report.skipped_in_use == [w.current_file]
    assert report.orphans_added == []
    w.close()
    assert len(recover_orphans(data_dir, db.session).orphans_added) == 1
