"""Reading captured responses back out of the WARC files `storage.warc.WarcWriter` writes.

`read_response` gives the record at a file and offset back as a
`CapturedResponse`: a response record whole, a revisit record with its
headers only and what it refers to. `storage.store.Store.read_response`
follows a revisit to the payload it stands for, which takes the database.

Example:
    >>> from storage.warc import WarcWriter
    >>> with WarcWriter(data_dir) as warc:
    ...     where = warc.write_response("http://www.gov.cn/a.htm", 200, "OK",
    ...         [("Content-Type", "text/html")], b"<p>notice</p>", datetime(2026, 11, 2))
    >>> read_response(data_dir, where.warc_file, where.offset).body
    b'<p>notice</p>'
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.timeutils import iso_date_to_datetime

from core.errors import WarcIntegrityError
from storage.warc import REVISIT_PROFILES, SOURCE_HEADER


@dataclass(frozen=True)
class CapturedResponse:
    """A captured HTTP response as `read_response` gives it back; `fetched_at` is naive UTC.

    For a revisit record, `revisit` is its profile's short name
    (``server-not-modified`` or ``identical-payload-digest``), `refers_to` the WARC-Record-ID of
    the record holding the payload, and `body` is empty:
    `storage.store.Store.read_response` follows it to the payload.
    """

    url: str
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    fetched_at: datetime
    reason: str = ""
    record_id: str = ""
    source: str | None = None
    revisit: str | None = None
    refers_to: str | None = None


def read_response(data_dir: Path, warc_file: str, offset: int) -> CapturedResponse:
    """Read back the response (or revisit) record at `offset` in `warc_file` (relative to `data_dir`).

    A revisit record comes back with an empty body and its `revisit` and
    `refers_to` set; `storage.store.Store.read_response` resolves it to the
    payload. Raises WarcIntegrityError if the file is missing or no response
    or revisit record starts at that offset.
    """
    path = Path(data_dir) / warc_file
    where = f"{warc_file} at offset {offset}"
    try:
        stream = path.open("rb")
    except FileNotFoundError as exc:
        raise WarcIntegrityError(
            f"{where}: the WARC file {path} is missing. Check the data folder (--data-dir)."
        ) from exc
    with stream:
        stream.seek(offset)
        return parse_response(stream, where)


def parse_response(stream: BinaryIO, where: str) -> CapturedResponse:
    """The response (or revisit) record that starts at `stream`'s position; `where` names it in errors.

    Raises WarcIntegrityError if no response or revisit record starts there.
    """
    try:
        record = next(iter(ArchiveIterator(stream)), None)
        if record is None:
            raise WarcIntegrityError(f"{where}: no record there; the offset is past the file's end.")
        if record.rec_type not in ("response", "revisit") or record.http_headers is None:
            raise WarcIntegrityError(f"{where}: the record there is a {record.rec_type!r}, not a response.")
        body = record.raw_stream.read()
    except (ArchiveLoadFailed, OSError, EOFError, ValueError) as exc:
        raise WarcIntegrityError(
            f"{where}: the record cannot be read ({exc}); the file is damaged there. "
            "Restore it from a backup of the data folder."
        ) from exc
    statusline = record.http_headers.statusline
    code, _, reason = statusline.partition(" ")
    return CapturedResponse(
        url=record.rec_headers.get_header("WARC-Target-URI"),
        status=int(code),
        headers=list(record.http_headers.headers),
        body=body,
        fetched_at=iso_date_to_datetime(record.rec_headers.get_header("WARC-Date")),
        reason=reason,
        record_id=record.rec_headers.get_header("WARC-Record-ID"),
        source=record.rec_headers.get_header(SOURCE_HEADER),
        revisit=revisit_profile(record.rec_headers.get_header("WARC-Profile")) if record.rec_type == "revisit" else None,
        refers_to=record.rec_headers.get_header("WARC-Refers-To") if record.rec_type == "revisit" else None,
    )


def revisit_profile(uri: str | None) -> str | None:
    """The short name (a key of `storage.warc.REVISIT_PROFILES`) of a WARC-Profile URI, WARC 1.0 or 1.1.

    >>> revisit_profile("http://netpreserve.org/warc/1.0/revisit/identical-payload-digest")
    'identical-payload-digest'
    """
    if not uri:
        return None
    name = uri.rstrip("/").rsplit("/", 1)[-1]
    return name if name in REVISIT_PROFILES else None
