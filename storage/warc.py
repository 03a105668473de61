"""Writing the WARC files every captured HTTP response is kept in.

A `WarcWriter` appends one gzipped ``response`` record per fetched page to
``<data_dir>/warc/DANGAN-<UTC time>-<serial>-<pid>-<host>.warc.gz``, or, when a
recrawl finds the page unchanged, a ``revisit`` record (`write_revisit`) that
holds only the HTTP headers and points at the response record with the
payload, as Heritrix writes them. Each record is its own gzip member and is
flushed and fsynced before its `WarcLocation` is returned, so the database row the caller writes next never points at bytes
that are not on disk. A writer always starts a new file and never appends to
one it did not create; a file a killed process left behind is repaired by
`storage.recovery`, not written over.

Example:
    >>> body = "<p>关于做好冬季工作的通知</p>".encode()
    >>> writer = WarcWriter(Path("dangan-data"))
    >>> where = writer.write_response("http://www.gov.cn/a.htm", 200, "OK",
    ...     [("Content-Type", "text/html; charset=utf-8")], body, datetime(2026, 11, 2), source="gov")
    >>> writer.close()
    >>> from storage.warc_reading import read_response
    >>> read_response(Path("dangan-data"), where.warc_file, where.offset).body == body
    True

Reading records back lives in `storage.warc_reading`.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import socket
import threading
import uuid
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from importlib import metadata
from io import BytesIO
from pathlib import Path
from typing import BinaryIO

from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date
from warcio.utils import Digester
from warcio.warcwriter import WARCWriter

from core.errors import StoreError
from storage.disk_space import disk_full_error, is_disk_full
from storage.times import as_utc
from storage.warc_records import sha256_base32, verify_capture

try:  # POSIX: a lock tells recovery which files a live writer still owns.
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None

log = logging.getLogger(__name__)

__all__ = [
    "HOST_LABEL",
    "IDENTICAL_PAYLOAD",
    "NOT_MODIFIED",
    "REVISIT_PROFILES",
    "RefersTo",
    "SOURCE_HEADER",
    "TRUNCATED_BY_DISCONNECT",
    "WARC_DIR",
    "WarcLocation",
    "WarcWriter",
    "lock_file",
    "verify_capture",
]

WARC_DIR = "warc"
#: WARC-Truncated's value (WARC 1.1, section 5.13) for a body the connection's end cut short.
TRUNCATED_BY_DISCONNECT = "disconnect"
SOURCE_HEADER = "WARC-Dangan-Source"
DEFAULT_MAX_BYTES = 1 << 30
# Headers that describe a transfer the stored body no longer has (Scrapy hands
# over the body decompressed and de-chunked); kept under this prefix, as pywb
# and other archivers do, so the record replays as what is stored.
_ORIGINAL_PREFIX = "X-Archive-Orig-"

#: The two revisit profiles of WARC 1.1, by the short names the capture log keeps.
NOT_MODIFIED = "server-not-modified"
IDENTICAL_PAYLOAD = "identical-payload-digest"
REVISIT_PROFILES = {
    NOT_MODIFIED: "http://netpreserve.org/warc/1.1/revisit/server-not-modified",
    IDENTICAL_PAYLOAD: "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest",
}


@dataclass(frozen=True)
class WarcLocation:
    """Where one response record is: a file relative to the data folder, and the member in it.

    `payload_sha256` is the hex SHA-256 of the HTTP body as received, that is
    the decompressed entity body Scrapy gives (not the bytes on the wire when
    the server sent gzip).
    """

    warc_file: str
    offset: int
    length: int
    record_id: str
    payload_sha256: str


@dataclass(frozen=True)
class RefersTo:
    """The response record a revisit stands in for: its record id, URL, WARC-Date and payload digest (hex)."""

    record_id: str
    url: str
    fetched_at: datetime
    payload_sha256: str


#: This machine's name as it goes into WARC file names: letters, digits, dots and hyphens only.
HOST_LABEL = re.sub(r"[^A-Za-z0-9.-]+", "-", socket.gethostname())[:63].strip("-.") or "host"


def _utc_clock() -> datetime:
    return datetime.now(timezone.utc)


def _new_uuid_record_id() -> str:
    return f"<urn:uuid:{uuid.uuid4()}>"


def _software() -> str:
    try:
        return f"dangan/{metadata.version('dangan')}"
    except metadata.PackageNotFoundError:
        return "dangan"


def lock_file(stream: BinaryIO) -> bool:
    """Take the exclusive advisory lock on an open WARC file; False if someone holds it.

    The lock dies with its process, so after a kill -9 the file is free again.
    """
    if fcntl is None:  # pragma: no cover - Windows
        return True
    try:
        fcntl.flock(stream.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def archived_headers(headers: list[tuple[str, str]], body: bytes) -> list[tuple[str, str]]:
    """The HTTP headers to store with `body`, made consistent with it.

    Transfer-Encoding and a Content-Encoding the body no longer has are renamed
    ``X-Archive-Orig-*``; a Content-Length that disagrees with the body is kept
    the same way and replaced by the real length.
    """
    stored: list[tuple[str, str]] = []
    length_seen = False
    for name, value in headers:
        lowered = name.lower()
        if lowered == "transfer-encoding":
            stored.append((_ORIGINAL_PREFIX + name, value))
        elif lowered == "content-encoding" and not (
            value.strip().lower() in ("gzip", "x-gzip") and body[:2] == b"\x1f\x8b"
        ):
            stored.append((_ORIGINAL_PREFIX + name, value))
        elif lowered == "content-length":
            length_seen = True
            if value.strip() != str(len(body)):
                stored.append((_ORIGINAL_PREFIX + name, value))
                stored.append(("Content-Length", str(len(body))))
            else:
                stored.append((name, value))
        else:
            stored.append((name, value))
    if not length_seen:
        stored.append(("Content-Length", str(len(body))))
    return stored


#: zlib level for each record's gzip member: the level gzip and Heritrix use by
#: default. warcio's own writer uses 9, which costs about twice the time for a
#: percent or two of size, paid on the crawl's busiest thread.
GZIP_LEVEL = 6


class _GzipMemberStream:
    """Collects what warcio writes for one record; at its flush, appends it as one gzip member."""

    def __init__(self, out: BinaryIO) -> None:
        self.out = out
        self._parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self._parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        if not self._parts:
            return
        # One call: zlib lets go of the GIL at each, and the capture thread then waits
        # for the busy reactor to give it back (`crawler.capture_writer`).
        self.out.write(zlib.compress(b"".join(self._parts), GZIP_LEVEL, zlib.MAX_WBITS + 16))
        self._parts.clear()
        self.out.flush()


class _RecordBuilder(WARCWriter):
    """warcio's writer with SHA-256 digests, our clock and record ids, one gzip member a record."""

    def __init__(self, out: BinaryIO, clock: Callable[[], datetime], new_record_id: Callable[[], str]):
        super().__init__(_GzipMemberStream(out), gzip=False, warc_version="1.1")
        self._clock = clock
        self._new_record_id = new_record_id

    @staticmethod
    def _create_digester() -> Digester:
        return Digester("sha256")

    def _make_warc_id(self) -> str:  # warcio calls this for the warcinfo record
        return self._new_record_id()

    def curr_warc_date(self) -> str:
        return datetime_to_iso_date(as_utc(self._clock()).replace(tzinfo=None), use_micros=True)


class WarcWriter:
    """Appends response records to rotating WARC files under ``<data_dir>/warc``.

    `clock` gives the time used in file names and warcinfo records;
    `new_record_id` gives WARC-Record-IDs (``<urn:uuid:...>``). Inject both to
    get byte-identical files in tests. `source` is the default for the
    ``WARC-Dangan-Source`` header `recover_orphans` reads back.
    """

    def __init__(
        self,
        data_dir: Path,
        *,
        max_bytes: int = DEFAULT_MAX_BYTES,
        clock: Callable[[], datetime] = _utc_clock,
        new_record_id: Callable[[], str] = _new_uuid_record_id,
        source: str | None = None,
    ) -> None:
        self.data_dir = Path(data_dir)
        self.max_bytes = max_bytes
        self.source = source
        self._clock = clock
        self._new_record_id = new_record_id
        self._lock = threading.Lock()
        self._stream: BinaryIO | None = None
        self._builder: _RecordBuilder | None = None
        self._relative_name = ""
        self._serial = 0
        #: Set by the first write that found the disk full: later writes fail at once with it,
        #: rather than open a new file per record that cannot be written either.
        self._disk_full: StoreError | None = None

    @property
    def current_file(self) -> str | None:
        """The open file, relative to the data folder, or None before the first record."""
        return self._relative_name if self._stream is not None else None

    def write_response(
        self,
        url: str,
        status: int,
        reason: str,
        headers: list[tuple[str, str]],
        body: bytes,
        fetched_at: datetime,
        *,
        source: str | None = None,
        sync: bool = True,
        truncated: str | None = None,
    ) -> WarcLocation:
        """Archive one HTTP response and return where it is, once it is safely on disk.

        `body` is the entity body as Scrapy gives it (already decompressed);
        `fetched_at` becomes WARC-Date. Raises StoreError if the disk write fails.
        With ``sync=False`` the record is written but not yet fsynced: a caller
        capturing a group of responses calls `sync()` once after the last one,
        and must not record any of their locations before that. `truncated`
        (e.g. `TRUNCATED_BY_DISCONNECT`) is written as WARC-Truncated: the body
        is not the whole entity the server meant to send.
        """
        payload_hex = hashlib.sha256(body).hexdigest()
        warc_headers = {
            "WARC-Type": "response",
            "WARC-Date": _warc_date(fetched_at),
            "WARC-Target-URI": url,
            "WARC-Payload-Digest": sha256_base32(body),
        }
        if truncated:
            warc_headers["WARC-Truncated"] = truncated
        http_headers = StatusAndHeaders(
            f"{status} {reason}".strip(), archived_headers(headers, body), protocol="HTTP/1.1"
        )
        return self._write(
            url, warc_headers, http_headers, payload_hex, source=source, sync=sync,
            build=lambda builder: builder.create_warc_record(
                url, "response", payload=BytesIO(body), length=len(body),
                warc_headers_dict=warc_headers, http_headers=http_headers,
            ),
        )

    def write_revisit(
        self,
        url: str,
        status: int,
        reason: str,
        headers: list[tuple[str, str]],
        fetched_at: datetime,
        *,
        profile: str,
        refers_to: RefersTo,
        body: bytes = b"",
        source: str | None = None,
        sync: bool = True,
    ) -> WarcLocation:
        """Archive a response the archive already holds the payload of, as a revisit record.

        `profile` is `NOT_MODIFIED` (the server answered 304 to a conditional
        request) or `IDENTICAL_PAYLOAD` (it sent a body whose digest is
        `refers_to.payload_sha256`; pass it as `body`, so the stored headers
        agree with it). The record keeps the HTTP status line and headers
        only, with WARC-Refers-To, WARC-Refers-To-Target-URI and
        WARC-Refers-To-Date naming `refers_to`, as Heritrix writes them. The
        returned location's `payload_sha256` is that of the payload referred
        to. Durability and errors as for `write_response`.
        """
        if profile not in REVISIT_PROFILES:
            raise ValueError(f"unknown revisit profile {profile!r}; use one of {', '.join(REVISIT_PROFILES)}")
        warc_headers = {
            "WARC-Type": "revisit",
            "WARC-Date": _warc_date(fetched_at),
            "WARC-Target-URI": url,
            "WARC-Profile": REVISIT_PROFILES[profile],
            "WARC-Refers-To": refers_to.record_id,
            "WARC-Refers-To-Target-URI": refers_to.url,
            "WARC-Refers-To-Date": _warc_date(refers_to.fetched_at),
        }
        if profile == IDENTICAL_PAYLOAD:
            # The digest that makes it a revisit; a 304 has no payload to digest.
            warc_headers["WARC-Payload-Digest"] = sha256_base32(body)
            stored_headers = archived_headers(headers, body)
        else:
            stored_headers = list(headers)
        http_headers = StatusAndHeaders(f"{status} {reason}".strip(), stored_headers, protocol="HTTP/1.1")
        return self._write(
            url, warc_headers, http_headers, refers_to.payload_sha256, source=source, sync=sync,
            build=lambda builder: builder.create_warc_record(
                url, "revisit", warc_headers_dict=warc_headers, http_headers=http_headers,
            ),
        )

    def _write(
        self,
        url: str,
        warc_headers: dict[str, str],
        http_headers: StatusAndHeaders,
        payload_hex: str,
        *,
        source: str | None,
        sync: bool,
        build: Callable[[_RecordBuilder], object],
    ) -> WarcLocation:
        """Append the record `build` makes from `warc_headers`; the one path every record takes to disk.

        `warc_headers` gets its WARC-Record-ID (and source) here, in place,
        before `build` reads it.
        """
        record_source = source if source is not None else self.source
        if record_source:
            warc_headers[SOURCE_HEADER] = record_source
        with self._lock:
            if self._disk_full is not None:
                raise type(self._disk_full)(str(self._disk_full))
            if self._stream is None:
                try:
                    self._open_new_file()
                except OSError as exc:
                    raise self._write_error(f"could not start a WARC file for {url}", exc) from exc
            assert self._stream is not None and self._builder is not None
            # The id is drawn after the file's warcinfo record has drawn its own, so
            # injected ids come out in file order.
            record_type = warc_headers.pop("WARC-Type")
            ordered = {"WARC-Type": record_type, "WARC-Record-ID": self._new_record_id(), **warc_headers}
            warc_headers.clear()
            warc_headers.update(ordered)
            record = build(self._builder)
            start = self._stream.tell()
            try:
                self._builder.write_record(record)
                if sync:
                    self._sync()
            except OSError as exc:
                failed_file = self._relative_name
                self._abandon_file(start)
                raise self._write_error(f"could not write a WARC record for {url} to {failed_file}", exc) from exc
            end = self._stream.tell()
            location = WarcLocation(
                self._relative_name, start, end - start, warc_headers["WARC-Record-ID"], payload_hex
            )
            if end >= self.max_bytes:
                self._close_file()
        return location

    def sync(self) -> None:
        """Flush and fsync the open file: every record written so far is on disk."""
        with self._lock:
            if self._stream is not None:
                try:
                    self._sync()
                except OSError as exc:
                    raise self._write_error(f"could not fsync {self._relative_name}", exc) from exc

    def close(self) -> None:
        """Close the open file; the next record (if any) starts a new one."""
        with self._lock:
            self._close_file()

    def __enter__(self) -> WarcWriter:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def _write_error(self, what: str, exc: OSError) -> StoreError:
        """The error for a failed write: a `DiskFullError` when the disk is full, else a StoreError naming the fix."""
        if is_disk_full(exc):
            self._disk_full = disk_full_error(self.data_dir, what, exc)
            return self._disk_full
        return StoreError(f"{what[0].upper()}{what[1:]}: {exc}. Check free space and permissions on the data folder.")

    def _open_new_file(self) -> None:
        folder = self.data_dir / WARC_DIR
        folder.mkdir(parents=True, exist_ok=True)
        stamp = as_utc(self._clock()).strftime("%Y%m%d%H%M%S")
        while True:
            # The host too, as the IIPC's naming advice has it: crawlers on several machines
            # (each with its own data folder) start files in the same second with the same
            # pid (containers), and the store knows a capture by its file name and offset.
            name = f"DANGAN-{stamp}-{self._serial:05d}-{os.getpid()}-{HOST_LABEL}.warc.gz"
            self._serial += 1
            try:
                # "x": never open, let alone append to, a file that already exists.
                stream = (folder / name).open("xb")
                break
            except FileExistsError:
                continue
        lock_file(stream)
        self._stream = stream
        self._relative_name = f"{WARC_DIR}/{name}"
        self._builder = _RecordBuilder(stream, self._clock, self._new_record_id)
        info = {
            "software": _software(),
            "format": "WARC File Format 1.1",
            "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
        }
        try:
            self._builder.write_record(self._builder.create_warcinfo_record(name, info))
            self._sync()
            _fsync_folder(folder)
        except OSError:
            # A file with no whole warcinfo record holds nothing: remove it rather than leave a torn one.
            self._close_file()
            (folder / name).unlink(missing_ok=True)
            raise
        log.info("Writing WARC file %s", folder / name)

    def _sync(self) -> None:
        assert self._stream is not None
        self._stream.flush()
        os.fsync(self._stream.fileno())

    def _abandon_file(self, cut_at: int) -> None:
        """After a failed write, drop the partial member and stop using the file."""
        try:
            assert self._stream is not None
            self._stream.truncate(cut_at)
        except OSError:
            log.warning("Could not cut the partial record off %s; the next crawl's recovery will", self._relative_name)
        self._close_file()

    def _close_file(self) -> None:
        """Let the open file go; never raises, since it runs in the handlers of write errors too.

        On a full disk, closing flushes buffered bytes and fails with ENOSPC
        again; raised from here it once killed the capture thread, and the
        crawl waited forever for captures that would never finish.
        """
        if self._stream is None:
            return
        stream, self._stream, self._builder = self._stream, None, None
        # Records written with sync=False must be on disk before the file is let go.
        try:
            stream.flush()
            os.fsync(stream.fileno())
        except OSError as exc:
            # On a full disk the write that failed has said so already, once.
            level = logging.DEBUG if is_disk_full(exc) else logging.ERROR
            log.log(level, "Could not fsync %s before closing it: %s", self._relative_name, exc)
        try:
            stream.close()  # also releases the lock
        except OSError as exc:
            log.debug("closing %s failed too: %s", self._relative_name, exc)


def _warc_date(moment: datetime) -> str:
    return datetime_to_iso_date(as_utc(moment).replace(tzinfo=None), use_micros=True)


def _fsync_folder(folder: Path) -> None:
    """Make a new file's name durable, not just its contents (POSIX only)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - Windows cannot open folders
        return
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
