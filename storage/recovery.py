"""Bringing WARC files and the database back into step after a crash.

A crawl writes a WARC record, fsyncs it, then commits the capture's row. A
process killed in between leaves one of two things behind:

- a complete record the database does not know (an *orphan*): it gets its
  Capture row now, unprocessed, so processing picks it up like any other. A
  revisit record (a recrawl's 304 or unchanged body) gets a row that refers to
  the capture it names and needs no processing; the version that capture
  showed is marked seen again, as the crawl would have done;
- a record cut off mid-write at the end of a file (a *torn tail*): the file is
  truncated to the end of its last complete record, with a warning naming the
  bytes cut. Nothing the database points at can be in a torn tail, because
  rows are written only after their record is on disk.

Files a live writer still holds (its lock is taken) are skipped, so recovery
may run while a crawl is going on. Writers never append to an old file, so a
repaired file is never written into again.

Example: a crawl killed after writing a record but before its row.

    >>> from storage.warc import WarcWriter
    >>> with WarcWriter(data_dir) as warc:
    ...     _ = warc.write_response("http://www.gov.cn/a.htm", 200, "OK",
    ...         [("Content-Type", "text/html")], b"<p>notice</p>", datetime(2026, 11, 2))
    >>> report = recover_orphans(data_dir, db.session)
    >>> len(report.orphans_added), report.bytes_cut
    (1, 0)
    >>> recover_orphans(data_dir, db.session).orphans_added
    []
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.errors import WarcIntegrityError
from storage.models import Capture
from storage.versions import move_last_seen
from storage.warc import SOURCE_HEADER, WARC_DIR, lock_file
from storage.warc_reading import revisit_profile
from storage.warc_records import RawRecord, iter_members, parse_record, sha256_hex_of

log = logging.getLogger(__name__)

UNKNOWN_SOURCE = "unknown"

SessionFactory = Callable[[], AbstractContextManager[Session]]


@dataclass(frozen=True)
class OrphanRecord:
    """A complete response or revisit record no capture row points at."""

    warc_file: str
    offset: int
    length: int
    record: RawRecord


@dataclass
class RecoveryReport:
    """What `recover_orphans` found and did."""

    files_checked: int = 0
    records_checked: int = 0
    orphans_added: list[int] = field(default_factory=list)  # new capture ids
    truncated: list[tuple[str, int]] = field(default_factory=list)  # (file, bytes cut)
    skipped_in_use: list[str] = field(default_factory=list)
    damaged: list[str] = field(default_factory=list)  # unreadable before their end: left alone

    @property
    def bytes_cut(self) -> int:
        return sum(cut for _name, cut in self.truncated)


def warc_files(data_dir: Path) -> list[Path]:
    """The WARC files under ``<data_dir>/warc``, oldest name first."""
    folder = Path(data_dir) / WARC_DIR
    return sorted(folder.glob("*.warc.gz")) if folder.is_dir() else []


def recover_orphans(data_dir: Path, session_factory: SessionFactory) -> RecoveryReport:
    """Cut torn tails off WARC files and add capture rows for orphan records.

    `session_factory` is `Database.session` (or any callable giving a session
    context manager). Safe to run twice: the second run finds nothing to do.
    """
    report = RecoveryReport()
    for path in warc_files(data_dir):
        relative = path.relative_to(data_dir).as_posix()
        with path.open("r+b") as stream:
            if not lock_file(stream):
                log.info("Skipping %s: a running crawl is still writing it", relative)
                report.skipped_in_use.append(relative)
                continue
            report.files_checked += 1
            with session_factory() as session:
                known = {offset: length for offset, length in session.execute(
                    select(Capture.warc_offset, Capture.warc_length).where(Capture.warc_file == relative)
                )}
            try:
                orphans = _scan_file(stream, relative, known, report)
            except WarcIntegrityError as exc:
                log.error("%s: %s", relative, exc)
                report.damaged.append(relative)
                continue
        for orphan in orphans:
            capture_id = _add_capture(session_factory, orphan)
            if capture_id is not None:
                report.orphans_added.append(capture_id)
    if report.orphans_added or report.truncated:
        log.warning(
            "Recovery added %d orphan capture(s) and cut %d byte(s) of torn records",
            len(report.orphans_added), report.bytes_cut,
        )
    return report


def find_orphan_records(data_dir: Path, known: set[tuple[str, int]]) -> list[OrphanRecord]:
    """Complete response and revisit records whose (file, offset) is not in `known`; changes nothing.

    A torn tail is ignored here (see `recover_orphans` to cut it off).
    """
    found: list[OrphanRecord] = []
    for path in warc_files(data_dir):
        relative = path.relative_to(data_dir).as_posix()
        offsets = {offset for name, offset in known if name == relative}
        with path.open("rb") as stream:
            for member in iter_members(stream):
                if member.complete and member.offset not in offsets:
                    orphan = _as_orphan(relative, member.offset, member.length, member.data)
                    if orphan is not None:
                        found.append(orphan)
    return found


def _scan_file(stream, relative: str, known: dict[int, int], report: RecoveryReport) -> list[OrphanRecord]:
    """Read only the bytes no capture row accounts for: the gaps between known records, and the tail.

    `known` maps each registered record's offset to its length. A registered
    record was fsynced before its row was written, so it is whole and is
    stepped over unread: a crawl's start-up then costs the few records since
    the last one, not a decompression of the whole archive. An orphan can
    only lie in a gap (a group whose rows failed to commit) or at the end.
    """
    orphans: list[OrphanRecord] = []
    size = stream.seek(0, os.SEEK_END)
    position = 0
    for offset, length in [*sorted(known.items()), (size, 0)]:
        if offset > position:
            stream.seek(position)
            for member in iter_members(stream):
                if member.offset >= offset:
                    break
                if not member.complete:
                    _cut_tail(stream, relative, member.offset, report)
                    return orphans
                report.records_checked += 1
                orphan = _as_orphan(relative, member.offset, member.length, member.data)
                if orphan is not None:
                    orphans.append(orphan)
        if offset < size:
            report.records_checked += 1
        position = max(position, offset + length)
    return orphans


def _as_orphan(relative: str, offset: int, length: int, data: bytes) -> OrphanRecord | None:
    try:
        record = parse_record(data)
    except ValueError as exc:
        log.warning("%s at offset %d: unreadable record (%s); skipped", relative, offset, exc)
        return None
    if record.record_type not in ("response", "revisit"):
        return None
    return OrphanRecord(relative, offset, length, record)


def _cut_tail(stream, relative: str, offset: int, report: RecoveryReport) -> None:
    size = stream.seek(0, os.SEEK_END)
    stream.truncate(offset)
    stream.flush()
    os.fsync(stream.fileno())
    cut = size - offset
    log.warning(
        "%s: cut %d byte(s) at offset %d, a record left incomplete by an interrupted write",
        relative, cut, offset,
    )
    report.truncated.append((relative, cut))


def _add_capture(session_factory: SessionFactory, orphan: OrphanRecord) -> int | None:
    record = orphan.record
    try:
        status, _reason, headers, payload = record.http_parts()
    except ValueError as exc:
        log.warning("%s at offset %d: cannot read the HTTP response (%s); skipped",
                    orphan.warc_file, orphan.offset, exc)
        return None
    source = record.headers.get(SOURCE_HEADER) or UNKNOWN_SOURCE
    if source == UNKNOWN_SOURCE:
        log.warning("%s at offset %d has no %s header; its capture gets source %r",
                    orphan.warc_file, orphan.offset, SOURCE_HEADER, UNKNOWN_SOURCE)
    content_type = _header(headers, "content-type")
    capture = Capture(
        run_id=None, source=source, url=record.headers.get("WARC-Target-URI", ""),
        status_code=status, content_type=content_type, fetched_at=record.date,
        warc_file=orphan.warc_file, warc_offset=orphan.offset, warc_length=orphan.length,
        warc_record_id=record.headers.get("WARC-Record-ID", f"<{orphan.warc_file}#{orphan.offset}>"),
        payload_sha256=hashlib.sha256(payload).hexdigest(),
        etag=_header(headers, "etag"), last_modified=_header(headers, "last-modified"),
    )
    if record.record_type == "revisit":
        return _add_revisit(session_factory, orphan, capture)
    if record.headers.get("WARC-Truncated"):
        # The crawl had refused to process it: a body cut short is never versioned.
        capture.processed_at = capture.fetched_at
        capture.process_error = f"cut short: WARC-Truncated: {record.headers.get('WARC-Truncated')}"
    with session_factory() as session:
        session.add(capture)
        try:
            session.commit()
        except IntegrityError:
            # The crawl (or another recovery) added this row after we looked.
            session.rollback()
            return None
    log.info("Recovered orphan capture %d: %s (%s at offset %d)",
             capture.id, capture.url, orphan.warc_file, orphan.offset)
    return capture.id


def _add_revisit(session_factory: SessionFactory, orphan: OrphanRecord, capture: Capture) -> int | None:
    """A revisit's row: it refers to the capture holding the payload, and its content is seen again."""
    headers = orphan.record.headers
    capture.revisit = revisit_profile(headers.get("WARC-Profile"))
    capture.processed_at = capture.fetched_at  # nothing to extract: the payload was processed before
    declared = headers.get("WARC-Payload-Digest")
    with session_factory() as session:
        original = session.scalar(select(Capture).where(Capture.warc_record_id == headers.get("WARC-Refers-To", "")))
        if original is not None:
            capture.refers_to_id = original.id
            capture.payload_sha256 = original.payload_sha256
            # A 304 may answer without repeating its validators; they are the original's.
            capture.etag = capture.etag or original.etag
            capture.last_modified = capture.last_modified or original.last_modified
        else:
            log.warning("%s at offset %d: the revisit refers to %s, which no capture holds",
                        orphan.warc_file, orphan.offset, headers.get("WARC-Refers-To"))
        if declared and sha256_hex_of(declared):
            capture.payload_sha256 = sha256_hex_of(declared)
        session.add(capture)
        try:
            session.flush()
            if original is not None:
                move_last_seen(session.connection(), [(original.id, capture.fetched_at)])
            session.commit()
        except IntegrityError:
            session.rollback()
            return None
    log.info("Recovered orphan revisit %d: %s (%s at offset %d)",
             capture.id, capture.url, orphan.warc_file, orphan.offset)
    return capture.id


def _header(headers: list[tuple[str, str]], lowered_name: str) -> str | None:
    return next((value for name, value in headers if name.lower() == lowered_name), None)
