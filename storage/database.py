"""Opening the archive database: one URL in, a migrated `Database` out.

`open_database` is the only way the rest of dangan gets at the database. It
creates the folder of a SQLite file, brings the schema to the newest Alembic
revision (the migrations in ``storage/migrations`` are the source of truth for
the schema, not ``create_all``), and sets up every SQLite connection so that a
crawler and a processing run can share one file.

Example:
    >>> from sqlalchemy import func, select
    >>> from storage.models import Document
    >>> db = open_database("sqlite:///archive/dangan.db")
    >>> with db.session() as session:
    ...     session.scalar(select(func.count(Document.id)))
    0
    >>> db.dispose()
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, OperationalError, ProgrammingError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from core.errors import StoreError

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
#: The newest revision in ``storage/migrations/versions``. A database already
#: there is opened without loading Alembic, which costs most of a second and
#: is paid by every process that opens the store (each processing worker
#: included). tests/test_storage_schema.py keeps this equal to Alembic's head.
SCHEMA_REVISION = "0015"

#: The table where `dangan schedule` keeps its jobs (APScheduler's SQLAlchemy
#: job store, in the store's own database so a restart keeps them). APScheduler
#: creates and owns it: it is no model of ours and no migration makes it, so
#: the comparison of models and migrations, and autogenerate, must leave it out
#: (`schema_object_is_ours`) rather than propose to drop it.
SCHEDULER_JOBS_TABLE = "apscheduler_jobs"

# How long a SQLite connection waits for another process's write lock before
# giving up. A crawl and a processing run commit small transactions, so a
# generous wait costs nothing and avoids spurious "database is locked".
SQLITE_BUSY_TIMEOUT_MS = 30_000

# Any fixed number: the PostgreSQL advisory lock held while migrating.
_MIGRATION_LOCK_KEY = 0x64616E67  # "dang"

# Execution option that asks for BEGIN IMMEDIATE on SQLite (see `_setup_sqlite`).
_IMMEDIATE = "dangan_sqlite_immediate"


def redacted(url: str | URL) -> str:
    """`url` with any password replaced by ``***``, safe for logs and errors."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<unparseable database URL>"


def schema_object_is_ours(name: str | None, type_: str, parent_names: dict) -> bool:
    """Alembic's ``include_name`` hook: False for tables another program keeps in our database.

    >>> schema_object_is_ours("captures", "table", {}), schema_object_is_ours(SCHEDULER_JOBS_TABLE, "table", {})
    (True, False)
    """
    return not (type_ == "table" and name == SCHEDULER_JOBS_TABLE)


class Database:
    """A migrated database: its engine and a factory for ORM sessions.

    `session()` is for reads and for writes that do not read first. Writes
    that read and then decide (versioning) use `session(write=True)`: on SQLite
    that takes the write lock at BEGIN, so two processes never both read a
    snapshot and then fail to upgrade it to a write ("database is locked"
    without waiting). On PostgreSQL the two are the same.
    """

    def __init__(self, engine: Engine, url: str) -> None:
        self.engine = engine
        self.url = url
        self._sessions = sessionmaker(bind=engine, expire_on_commit=False)
        self._write_sessions = sessionmaker(
            bind=engine.execution_options(**{_IMMEDIATE: True}), expire_on_commit=False
        )

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def session(self, *, write: bool = False) -> Iterator[Session]:
        """A session that is closed on leaving the block; commit it yourself.

        Example:
            >>> from storage.models import CrawlRun
            >>> with db.session(write=True) as session:
            ...     session.add(CrawlRun(source="gov", started_at=datetime(2026, 11, 2)))
            ...     session.commit()
        """
        factory = self._write_sessions if write else self._sessions
        with factory() as session:
            yield session

    def dispose(self) -> None:
        """Close every pooled connection (call before the process exits or forks)."""
        self.engine.dispose()

    def __repr__(self) -> str:
        return f"Database({redacted(self.url)!r})"


def migration_config(connection=None) -> "Config":
    """An Alembic configuration that needs no alembic.ini, for installed packages too.

    With `connection`, migrations run on that connection (as `open_database` does).
    """
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def parse_database_url(url: str) -> URL:
    """`url` as SQLAlchemy reads it; StoreError saying what a database URL looks like when it is not one."""
    try:
        return make_url(url)
    except ArgumentError as exc:
        raise StoreError(
            f"{url!r} is not a database URL. Use sqlite:///path/to/dangan.db or "
            "postgresql+psycopg://user:password@host/dbname."
        ) from exc


def create_store_engine(parsed: URL, **options: Any) -> Engine:
    """An engine for `parsed`; StoreError naming the database when its dialect or driver is missing."""
    try:
        return create_engine(parsed, **options)
    except (ArgumentError, ImportError) as exc:
        raise StoreError(
            f"Cannot use the database {redacted(parsed)}: {exc}. "
            "For PostgreSQL install the driver: pip install 'dangan[postgres]'."
        ) from exc


def open_database(url: str) -> Database:
    """Connect to `url`, migrate the schema to the newest revision, return the database.

    Raises StoreError, naming the URL (password hidden) and the cause, when the
    database cannot be reached or migrated.
    """
    parsed = parse_database_url(url)
    is_sqlite = parsed.get_backend_name() == "sqlite"
    if is_sqlite and parsed.database and parsed.database != ":memory:":
        folder = Path(parsed.database).parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(
                f"Cannot create the folder {folder} for the database {redacted(parsed)}: {exc}. "
                "Choose a writable location with --db or DANGAN_DB."
            ) from exc

    engine = create_store_engine(parsed, pool_pre_ping=not is_sqlite)
    if is_sqlite:
        _setup_sqlite(engine)

    try:
        if _schema_revision(engine) != SCHEMA_REVISION:
            _migrate(engine, is_sqlite)
    except SQLAlchemyError as exc:
        engine.dispose()
        raise StoreError(
            f"Cannot open the database {redacted(parsed)}: {exc.__class__.__name__}: "
            f"{getattr(exc, 'orig', None) or exc}. Check that the server is running, the URL "
            "is right and the user may create tables."
        ) from exc
    log.debug("Opened database %s", redacted(parsed))
    return Database(engine, url)


def _schema_revision(engine: Engine) -> str | None:
    """The Alembic revision the database is at, or None when it has no schema yet."""
    with engine.connect() as connection:
        try:
            return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
        except (OperationalError, ProgrammingError):
            return None  # no alembic_version table: a new database


def _migrate(engine: Engine, is_sqlite: bool) -> None:
    """Bring the schema to Alembic's head revision, one process at a time."""
    from alembic import command

    # Two processes may open a new database at once (a crawl and `dangan
    # reprocess`, or the workers of one crawl): take the write lock first so the second waits and then
    # finds the schema already there, rather than creating it twice.
    with engine.execution_options(**{_IMMEDIATE: True}).begin() as connection:
        if not is_sqlite and connection.dialect.name == "postgresql":
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_MIGRATION_LOCK_KEY})")
        command.upgrade(migration_config(connection), "head")


def _setup_sqlite(engine: Engine) -> None:
    """Pragmas on every new connection, and control of BEGIN ourselves.

    The sqlite3 module would otherwise start transactions on its own, lazily,
    which makes BEGIN IMMEDIATE impossible; SQLAlchemy's documented recipe is to
    switch its handling off and emit BEGIN in the ``begin`` event.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        # WAL lets readers run while one process writes: a crawl and `dangan
        # export` can overlap. Foreign keys are off in SQLite unless asked for.
        cursor.execute("PRAGMA journal_mode=WAL")
        # In WAL mode NORMAL keeps the database consistent through a crash or a
        # kill -9 and skips an fsync per commit (one per captured page); only a
        # power cut can lose the last commits, and those captures' WARC records
        # (fsynced before their rows) are re-registered by recover_orphans.
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:
        immediate = connection.get_execution_options().get(_IMMEDIATE, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
