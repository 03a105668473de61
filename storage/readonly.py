"""Opening a store only to read it: never create, migrate or write anything.

The reading commands (``dangan history``, ``show``, ``diff``, ``export``,
``verify``) go through `open_existing_database`. A data folder or database
that does not exist is an error that says so, not a new empty store; and a
store on read-only media (a mounted archive disk, a folder without write
permission) can still be read.

SQLite: the file is opened with a ``mode=ro`` URI, so SQLite itself refuses
every write. A store in WAL mode also needs its shared-memory file; where the
folder cannot be written and that file is missing, SQLite cannot open it
read-only and the store is opened ``immutable`` instead, which is right for
media nothing writes to. PostgreSQL: every transaction is read-only.

Example:
    >>> open_existing_database("sqlite:///no/such/folder/dangan.db")
    Traceback (most recent call last):
    ...
    core.errors.StoreError: There is no store at no/such/folder/dangan.db: ...
"""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import OperationalError, ProgrammingError, SQLAlchemyError

from core.errors import StoreError
from storage.database import (
    SCHEMA_REVISION, SQLITE_BUSY_TIMEOUT_MS, Database, create_store_engine, parse_database_url, redacted,
)

log = logging.getLogger(__name__)


def open_existing_database(url: str) -> Database:
    """The database at `url`, opened for reading only; StoreError when there is none or it is not a store.

    A store at an older schema revision is refused with a message saying how
    to upgrade it (reading it would need the newer columns).
    """
    parsed = parse_database_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = _sqlite_engine(parsed.database)
    else:
        engine = create_store_engine(parsed, pool_pre_ping=True).execution_options(postgresql_readonly=True)
    try:
        with engine.connect() as connection:
            revision = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except (OperationalError, ProgrammingError) as exc:
        engine.dispose()
        raise StoreError(
            f"{redacted(parsed)} holds no dangan store ({getattr(exc, 'orig', exc)}). Check --db / --data-dir; "
            "a store is made by the first `dangan crawl`."
        ) from exc
    except SQLAlchemyError as exc:
        engine.dispose()
        raise StoreError(f"Cannot read the database {redacted(parsed)}: {getattr(exc, 'orig', exc)}.") from exc
    if revision != SCHEMA_REVISION:
        engine.dispose()
        raise StoreError(
            f"The store {redacted(parsed)} is at schema revision {revision}, this dangan reads {SCHEMA_REVISION}. "
            "Upgrade it first with a command that writes (`dangan reprocess` or a crawl), from a writable copy."
        )
    return Database(engine, url)


def _sqlite_engine(database: str | None) -> Engine:
    if not database or database == ":memory:":
        raise StoreError("An in-memory SQLite database holds no store to read; give the store's file with --db.")
    path = Path(database)
    if not path.is_file():
        where = "the data folder does not exist" if not path.parent.is_dir() else "no database file in it"
        raise StoreError(
            f"There is no store at {database}: {where}. Check --data-dir (or DANGAN_DATA_DIR) and --db; "
            "reading commands never create a store."
        )
    mode = "ro" if _read_only_works(path) else "ro&immutable=1"
    if mode != "ro":
        log.info("%s cannot be opened read-only with its WAL index; opening it as immutable media", path)
    uri = f"file:{quote(str(path.resolve()))}?mode={mode}"
    engine = create_engine("sqlite://", creator=lambda: sqlite3.connect(uri, uri=True, check_same_thread=False))

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        dbapi_connection.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")

    return engine


def _read_only_works(path: Path) -> bool:
    """Whether SQLite can read `path` with ``mode=ro`` (a WAL store on read-only media may not)."""
    try:
        connection = sqlite3.connect(f"file:{quote(str(path.resolve()))}?mode=ro", uri=True)
        try:
            connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            connection.close()
        return True
    except sqlite3.OperationalError:
        return False
