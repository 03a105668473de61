"""The bytes of our WARC files: gzip members, record headers, digests.

Every record dangan writes is its own gzip member, so a file is a chain of
members and a record's location is the member's offset and compressed length.
This module reads that chain without trusting it: it finds where each member
ends, notices a member cut short by a killed process, and checks a stored
record against the digest the database holds. Writing lives in `storage.warc`;
reconciling files with the database lives in `storage.recovery`.
"""

from __future__ import annotations

import base64
import hashlib
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from warcio.timeutils import iso_date_to_datetime

from core.errors import WarcIntegrityError

_CHUNK = 1 << 20
_GZIP_WBITS = 16 + zlib.MAX_WBITS


@dataclass(frozen=True)
class Member:
    """One gzip member of a WARC file: where it starts, how long it is, what it holds.

    `complete` is False for a member whose compressed bytes stop before the
    gzip trailer (the tail a kill -9 mid-write leaves); `data` is then partial.
    """

    offset: int
    length: int
    complete: bool
    data: bytes


@dataclass(frozen=True)
class RawRecord:
    """A WARC record split into its named headers and its block (bytes after them)."""

    headers: dict[str, str]
    block: bytes

    @property
    def record_type(self) -> str:
        return self.headers.get("WARC-Type", "")

    @property
    def date(self) -> datetime:
        """WARC-Date as naive UTC, the form the database stores."""
        return iso_date_to_datetime(self.headers["WARC-Date"])

    def http_parts(self) -> tuple[int, str, list[tuple[str, str]], bytes]:
        """Status, reason, headers and payload of an HTTP response block."""
        head, sep, payload = self.block.partition(b"\r\n\r\n")
        if not sep:
            raise ValueError("the HTTP headers have no blank line after them")
        lines = head.decode("iso-8859-1").split("\r\n")
        _protocol, _, rest = lines[0].partition(" ")
        code, _, reason = rest.partition(" ")
        headers = []
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers.append((name.strip(), value.strip()))
        return int(code), reason, headers, payload


def sha256_base32(data: bytes) -> str:
    """A WARC digest value: ``sha256:`` and the base32 of the SHA-256 of `data`."""
    return "sha256:" + base64.b32encode(hashlib.sha256(data).digest()).decode("ascii")


def sha256_hex_of(declared: str) -> str | None:
    """The hex SHA-256 a ``sha256:`` WARC digest (base32 or hex) names; None for another algorithm.

    >>> sha256_hex_of(sha256_base32(b"notice")) == hashlib.sha256(b"notice").hexdigest()
    True
    """
    algorithm, _, value = declared.partition(":")
    if algorithm.lower().replace("-", "") != "sha256":
        return None
    if len(value) == 64:
        return value.lower()
    try:
        return base64.b32decode(value.upper()).hex()
    except ValueError:
        return None


def iter_members(stream: BinaryIO) -> Iterator[Member]:
    """Yield the gzip members of `stream` in order, starting at its current position.

    The last member may be incomplete (see `Member.complete`). Raises
    WarcIntegrityError for bytes that are not gzip at all.
    """
    offset = stream.tell()
    pending = b""
    while True:
        decompressor = zlib.decompressobj(_GZIP_WBITS)
        parts: list[bytes] = []
        consumed = 0
        while not decompressor.eof:
            chunk = pending or stream.read(_CHUNK)
            pending = b""
            if not chunk:
                if consumed:
                    yield Member(offset, consumed, False, b"".join(parts))
                return
            try:
                parts.append(decompressor.decompress(chunk))
            except zlib.error as exc:
                raise WarcIntegrityError(
                    f"bytes at offset {offset} are not a gzip member ({exc}); the file is "
                    "damaged in the middle, not just at its end. Keep a copy and inspect it "
                    "with `warcio check`."
                ) from exc
            if decompressor.eof:
                pending = decompressor.unused_data
                consumed += len(chunk) - len(pending)
            else:
                consumed += len(chunk)
        yield Member(offset, consumed, True, b"".join(parts))
        offset += consumed


def parse_record(data: bytes) -> RawRecord:
    """Split an uncompressed WARC record into headers and block.

    Raises ValueError when the headers are malformed or the block is shorter
    than its Content-Length.
    """
    head, sep, rest = data.partition(b"\r\n\r\n")
    if not sep or not head.startswith(b"WARC/"):
        raise ValueError("no WARC header block")
    headers: dict[str, str] = {}
    for line in head.decode("utf-8").split("\r\n")[1:]:
        name, _, value = line.partition(":")
        headers.setdefault(name.strip(), value.strip())
    length = int(headers.get("Content-Length", "-1"))
    if length < 0 or len(rest) < length:
        raise ValueError(f"the block has {len(rest)} bytes, Content-Length says {length}")
    return RawRecord(headers, rest[:length])


def _digest_matches(declared: str, data: bytes) -> bool:
    algorithm, _, value = declared.partition(":")
    try:
        digest = hashlib.new(algorithm.lower().replace("-", ""), data).digest()
    except ValueError:
        return False
    return value.upper() in (base64.b32encode(digest).decode(), digest.hex().upper())


def _digest_is(declared: str, sha256_hex: str) -> bool:
    """Whether a ``sha256:`` WARC digest (base32 or hex) names the SHA-256 given in hex."""
    algorithm, _, value = declared.partition(":")
    if algorithm.lower().replace("-", "") != "sha256":
        return False
    try:
        digest = bytes.fromhex(sha256_hex)
    except ValueError:
        return False
    return value.upper() in (base64.b32encode(digest).decode(), digest.hex().upper())


def verify_capture(
    data_dir: Path, warc_file: str, offset: int, length: int, payload_sha256: str
) -> None:
    """Check that the record at `warc_file`/`offset` is whole and has the expected payload.

    For a revisit record, the expected payload is the one it refers to: an
    identical-payload revisit's WARC-Payload-Digest must name it.

    Raises WarcIntegrityError naming the file, the offset and what is wrong: a
    missing file, a record cut short, a block or payload digest that does not
    match. Returns None when the record is sound.

    Example:
        >>> from storage.warc import WarcWriter
        >>> with WarcWriter(data_dir) as warc:
        ...     where = warc.write_response("http://www.gov.cn/a.htm", 200, "OK",
        ...         [("Content-Type", "text/html")], b"<p>notice</p>", datetime(2026, 11, 2))
        >>> verify_capture(data_dir, where.warc_file, where.offset, where.length, where.payload_sha256)
        >>> verify_capture(data_dir, where.warc_file, where.offset, where.length, "0" * 64)
        Traceback (most recent call last):
        ...
        core.errors.WarcIntegrityError: ...
    """
    from storage.warc_archive import FolderWarcArchive

    where = f"{warc_file} at offset {offset}"
    verify_record_bytes(where, FolderWarcArchive(data_dir).read_range(warc_file, offset, length), length,
                        payload_sha256)


def verify_record_bytes(where: str, compressed: bytes, length: int, payload_sha256: str) -> None:
    """Check one record's stored bytes (its gzip member, `length` long) against the expected payload digest.

    What `verify_capture` checks, on bytes already read (from a folder or any
    `storage.warc_archive.WarcArchive`); `where` names the record in errors.
    """
    decompressor = zlib.decompressobj(_GZIP_WBITS)
    try:
        data = decompressor.decompress(compressed)
    except zlib.error as exc:
        raise WarcIntegrityError(f"{where}: the record is not valid gzip ({exc}); it is corrupt.") from exc
    if not decompressor.eof:
        raise WarcIntegrityError(f"{where}: the record's gzip member ends early; it is truncated.")
    if decompressor.unused_data:
        raise WarcIntegrityError(
            f"{where}: {len(decompressor.unused_data)} bytes follow the record inside the "
            f"stored length {length}; the database row's length is wrong."
        )
    try:
        record = parse_record(data)
        _status, _reason, _headers, payload = record.http_parts()
    except ValueError as exc:
        raise WarcIntegrityError(f"{where}: the record cannot be parsed: {exc}.") from exc

    block_digest = record.headers.get("WARC-Block-Digest")
    if block_digest and not _digest_matches(block_digest, record.block):
        raise WarcIntegrityError(
            f"{where}: WARC-Block-Digest {block_digest} does not match the stored block; "
            "the record's bytes have changed since it was written."
        )
    if record.record_type == "revisit":
        # A revisit holds headers only; its payload is the record it refers to,
        # whose digest an identical-payload revisit names (a 304's names none).
        declared = record.headers.get("WARC-Payload-Digest")
        if declared and not _digest_is(declared, payload_sha256):
            raise WarcIntegrityError(
                f"{where}: the revisit's WARC-Payload-Digest {declared} is not the payload "
                f"{payload_sha256} the database says it refers to."
            )
        return
    actual = hashlib.sha256(payload).hexdigest()
    if actual != payload_sha256:
        raise WarcIntegrityError(
            f"{where}: the payload's SHA-256 is {actual}, the database expects "
            f"{payload_sha256}; the record's bytes have changed since it was written."
        )
