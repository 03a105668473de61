"""The archive as one object: the database, the WARC folder, and the logs kept over them.

`Store.open(db, data_dir)` is the one place dangan opens its store. The
crawl, the processing workers, ``dangan reprocess``, the reading commands and
(later) the scheduler and a read API all go through it, so how the URL is
worked out, how the schema is brought up to date and where the WARC files
lie are decided here once.

Example:
    >>> with Store.open(None, "archive") as store:
    ...     run_id = store.run_log.start_run("gov", datetime(2026, 11, 2))
    ...     store.versions.live_urls("gov")
    []
    >>> store.url
    'sqlite:///archive/dangan.db'
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from sqlalchemy import select

from core.errors import WarcIntegrityError
from core.settings import database_url
from core.settings import warc_root as core_warc_root
from storage.captures import CaptureLog
from storage.database import Database, open_database
from storage.models import Capture
from storage.readonly import open_existing_database
from storage.runs import RunLog
from storage.versions import VersionStore
from storage.warc import NOT_MODIFIED, WarcWriter
from storage.warc_reading import CapturedResponse, read_response


class Store:
    """A migrated database and its data folder, with the capture log and the version store over them."""

    def __init__(self, db: Database, data_dir: Path, warc_root: str | Path | None = None) -> None:
        self.db = db
        self.data_dir = Path(data_dir)
        #: Where processing reads WARC records from (`storage.warc_archive`): the
        #: data folder, unless this machine reaches the crawlers' records elsewhere.
        self.warc_root = core_warc_root(warc_root, data_dir)
        self.captures = CaptureLog(db)
        self.run_log = RunLog(db)
        self.versions = VersionStore(db)

    @classmethod
    def open(cls, db: str | None, data_dir: str | Path, warc_root: str | Path | None = None) -> "Store":
        """Open (creating and migrating if need be) the store at `db`, or the SQLite file in `data_dir`.

        `warc_root` is where its WARC records are read from (the data folder when None).
        """
        return cls(open_database(database_url(db, data_dir)), Path(data_dir), warc_root)

    @classmethod
    def open_existing(cls, db: str | None, data_dir: str | Path) -> "Store":
        """Open an existing store for reading only (`storage.readonly.open_existing_database`).

        Creates nothing: a missing data folder or database is a StoreError, and
        a store on read-only media opens all the same.
        """
        return cls(open_existing_database(database_url(db, data_dir)), Path(data_dir))

    @property
    def url(self) -> str:
        """The database URL (it may hold a password: use `storage.database.redacted` to show it)."""
        return self.db.url

    def warc_writer(self, source: str | None = None) -> WarcWriter:
        """A writer appending to a new WARC file in this store's data folder."""
        return WarcWriter(self.data_dir, source=source)

    def read_response(self, warc_file: str, offset: int) -> CapturedResponse:
        """The response stored at `offset` of `warc_file` (a path relative to the data folder).

        A revisit record is resolved to the response it stands for: the body
        is the payload of the record it refers to (WARC-Refers-To); after a
        304, status and headers are that response's too, as a replay shows
        them. `revisit` and `refers_to` still say it was a revisit. Raises
        WarcIntegrityError when the record referred to is not in the store.
        """
        found = read_response(self.data_dir, warc_file, offset)
        if found.refers_to is None:
            return found
        with self.db.session() as session:
            original = session.scalar(select(Capture).where(Capture.warc_record_id == found.refers_to))
        if original is None:
            raise WarcIntegrityError(
                f"{warc_file} at offset {offset}: the revisit refers to {found.refers_to}, which no capture "
                "holds. Restore the WARC file that record is in, then run a crawl so recovery registers it."
            )
        payload = read_response(self.data_dir, original.warc_file, original.warc_offset)
        if found.revisit == NOT_MODIFIED:
            return replace(found, status=payload.status, reason=payload.reason, headers=payload.headers,
                           body=payload.body)
        return replace(found, body=payload.body)

    def close(self) -> None:
        """Close the database's pooled connections."""
        self.db.dispose()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Store({self.db!r}, {str(self.data_dir)!r})"
