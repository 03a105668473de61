"""Is the archive whole? The checks an archivist runs after a crash, a full disk or a kill -9.

`check_archive` reads every capture row and every WARC file and reports what
does not hold:

- a capture whose WARC record is missing, cut short or has another digest
  (`storage.warc_records.verify_capture`);
- an orphan: a response or revisit record in a WARC file that no capture row
  points at (after a crawl has run, `storage.recovery.recover_orphans` has
  given every one a row, so an orphan left then is lost bookkeeping);
- a document with two versions of the same text (a version is a distinct text);
- a version whose capture row does not exist.

It reads only; the fault-injection tests and `bench.kill_bench` call it after
every rerun.

Example (``store`` is an open `storage.store.Store`):
    >>> check_archive(store).problems
    []
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import select
from warcio.archiveiterator import ArchiveIterator

from core.errors import WarcIntegrityError
from storage.models import Capture, Version
from storage.recovery import warc_files
from storage.store import Store
from storage.warc_records import verify_capture

#: WARC record types that stand for a capture (warcinfo records do not).
_CAPTURE_RECORDS = ("response", "revisit")


@dataclass
class ArchiveCheck:
    """What `check_archive` found: the counts it checked, and each problem in words."""

    captures: int = 0
    records: int = 0
    documents: int = 0
    versions: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def whole(self) -> bool:
        return not self.problems


def check_archive(store: Store) -> ArchiveCheck:
    """Check every capture's record and digest, look for orphans and repeated versions (see the module)."""
    check = ArchiveCheck()
    with store.db.session() as session:
        captures = list(session.execute(select(
            Capture.id, Capture.url, Capture.warc_file, Capture.warc_offset, Capture.warc_length, Capture.payload_sha256,
        )))
        versions = list(session.execute(select(Version.document_id, Version.number, Version.text_sha256, Version.capture_id)))
    check.captures = len(captures)
    check.versions = len(versions)
    check.documents = len({version.document_id for version in versions})

    for capture in captures:
        try:
            verify_capture(store.data_dir, capture.warc_file, capture.warc_offset, capture.warc_length,
                           capture.payload_sha256)
        except WarcIntegrityError as exc:
            check.problems.append(f"capture {capture.id} ({capture.url}): {exc}")

    known = {(capture.warc_file, capture.warc_offset) for capture in captures}
    for path in warc_files(store.data_dir):
        relative = path.relative_to(store.data_dir).as_posix()
        with path.open("rb") as stream:
            records = ArchiveIterator(stream)
            for record in records:
                if record.rec_type not in _CAPTURE_RECORDS:
                    continue
                check.records += 1
                offset = records.get_record_offset()
                if (relative, offset) not in known:
                    url = record.rec_headers.get_header("WARC-Target-URI")
                    check.problems.append(f"orphan {record.rec_type} record for {url} at {relative}:{offset}")

    texts = Counter((version.document_id, version.text_sha256) for version in versions)
    for (document_id, digest), count in texts.items():
        if count > 1:
            check.problems.append(f"document {document_id} holds the text {digest[:12]} in {count} versions")
    capture_ids = {capture.id for capture in captures}
    for version in versions:
        if version.capture_id is not None and version.capture_id not in capture_ids:
            check.problems.append(
                f"version {version.number} of document {version.document_id} names capture "
                f"{version.capture_id}, which does not exist")
    return check
