"""Where processing reads WARC records from: a record is a name, an offset and a length.

A capture row names its record by the WARC file's name relative to a root
(``warc/DANGAN-….warc.gz``), the gzip member's offset in it and its
compressed length. Nothing else is needed to read it back, so a processing
worker on another machine reaches a capture through the store and a WARC
root it can read (`DANGAN_WARC_ROOT`: a shared folder mounted there), never
through a path that only made sense on the machine that crawled it.

`WarcArchive` is that seam: one method, `read_range`, that returns a
record's bytes by name. `FolderWarcArchive` reads them from a folder;
an object store (S3, OSS) can come later as another implementation of the
same protocol, chosen by `open_warc_archive` from the root's form, without
touching the workers. `read_record` checks the bytes against the capture's
stored length and payload digest before anyone uses them.

Example:
    >>> from storage.warc import WarcWriter
    >>> with WarcWriter(data_dir) as warc:
    ...     where = warc.write_response("http://www.gov.cn/a.htm", 200, "OK",
    ...         [("Content-Type", "text/html")], b"<p>notice</p>", datetime(2026, 11, 2))
    >>> archive = open_warc_archive(str(data_dir))
    >>> read_record(archive, where.warc_file, where.offset, where.length, where.payload_sha256).body
    b'<p>notice</p>'
"""

from __future__ import annotations

import os
from io import BytesIO
from pathlib import Path, PurePosixPath
from typing import Protocol, runtime_checkable

from core.errors import WarcIntegrityError
from storage.warc_reading import CapturedResponse, parse_response
from storage.warc_records import verify_record_bytes


@runtime_checkable
class WarcArchive(Protocol):
    """Reads WARC records by the name a capture row keeps (relative to the archive's root)."""

    def read_range(self, name: str, offset: int, length: int) -> bytes:
        """The `length` bytes at `offset` of the WARC file `name` (one gzip member: one record).

        Raises WarcIntegrityError naming the file when it is missing or shorter
        than the range, with what to check.
        """
        ...

    def describe(self) -> str:
        """Where the records are read from, for messages (a folder, a bucket)."""
        ...


class FolderWarcArchive:
    """WARC files in a folder on this machine (or a shared one mounted here): `root / name`.

    Several roots may be given (the data folders of several crawling
    machines, each mounted here): a name is read from the first root that
    holds it. WARC file names carry their writer's time, serial and pid, so
    two machines' files do not share a name in practice.
    """

    def __init__(self, root: str | Path, *more_roots: str | Path) -> None:
        self.roots = [Path(root), *(Path(more) for more in more_roots)]
        self.root = self.roots[0]

    def describe(self) -> str:
        return os.pathsep.join(str(root) for root in self.roots)

    def path_of(self, name: str) -> Path:
        """The file `name` inside the (first root that holds it); WarcIntegrityError for a name that would leave it."""
        relative = PurePosixPath(name)
        if relative.is_absolute() or ".." in relative.parts:
            # A row naming /etc/passwd or ../../x must not make a worker read outside its root.
            raise WarcIntegrityError(
                f"{name}: a capture's WARC file must be a path inside the WARC root, not {name!r}; "
                "the capture row is damaged."
            )
        for root in self.roots[1:]:
            if (root / relative).exists() and not (self.root / relative).exists():
                return root / relative
        return self.root / relative

    def read_range(self, name: str, offset: int, length: int) -> bytes:
        path = self.path_of(name)
        where = f"{name} at offset {offset}"
        try:
            with path.open("rb") as stream:
                size = stream.seek(0, 2)
                if offset + length > size:
                    raise WarcIntegrityError(
                        f"{where}: the file has {size} bytes but the record should end at "
                        f"{offset + length}; the file was truncated. Restore it from a backup."
                    )
                stream.seek(offset)
                return stream.read(length)
        except FileNotFoundError as exc:
            raise WarcIntegrityError(
                f"{where}: the WARC file {name} is in none of {self.describe()}. Check that the folder "
                "holding warc/ is given (the data folder, --data-dir; for processing, --warc-root or "
                "DANGAN_WARC_ROOT, several separated by '" + os.pathsep + "'), or restore the file from a backup."
            ) from exc

    def __repr__(self) -> str:
        return f"FolderWarcArchive({', '.join(repr(str(root)) for root in self.roots)})"


def open_warc_archive(root: str | Path) -> WarcArchive:
    """The archive a WARC root names: today one folder or several (a local or mounted shared path),
    separated by `os.pathsep` (``/mnt/crawler-1:/mnt/crawler-2``).

    Object storage would be chosen here by the root's scheme (``s3://…``), so
    that the workers, which only hold the root as a string, never change.
    """
    text = str(root)
    if "://" in text and not text.startswith("file://"):
        raise WarcIntegrityError(
            f"The WARC root {text!r} is a URL; only folders are supported so far. "
            "Mount the shared WARC storage and set DANGAN_WARC_ROOT to its path."
        )
    folders = [folder.removeprefix("file://") for folder in text.split(os.pathsep) if folder]
    if not folders:
        raise WarcIntegrityError("The WARC root is empty; give the folder holding warc/ (DANGAN_WARC_ROOT).")
    return FolderWarcArchive(*folders)


def read_record(
    archive: WarcArchive, name: str, offset: int, length: int, payload_sha256: str | None = None
) -> CapturedResponse:
    """Read the response record `name`/`offset`/`length` from `archive`, checked before it is used.

    With `payload_sha256`, the record's gzip member must be whole, its block
    digest must match, and its payload must hash to it
    (`storage.warc_records.verify_record_bytes`): a record edited since it
    was written must never become a version. Raises WarcIntegrityError.
    """
    data = archive.read_range(name, offset, length)
    where = f"{name} at offset {offset}"
    if payload_sha256 is not None:
        verify_record_bytes(where, data, length, payload_sha256)
    return parse_response(BytesIO(data), where)
