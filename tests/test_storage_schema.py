"""The migrations are the schema: after open_database the live tables match the models."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from core.errors import StoreError
from core.settings import database_url
from storage.database import (
    SCHEDULER_JOBS_TABLE,
    SCHEMA_REVISION,
    Database,
    migration_config,
    open_database,
    schema_object_is_ours,
)
from storage.store import Store
from storage.models import Base


def test_migrated_schema_has_no_differences_from_the_models(db: Database) -> None:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
        assert context.get_current_revision() == SCHEMA_REVISION


def test_the_schedulers_job_table_beside_ours_is_left_out_of_the_comparison(db: Database, tmp_path: Path) -> None:
    # `dangan schedule` keeps APScheduler's job table in the store's database. APScheduler
    # makes and owns it; no model or migration of ours does, so autogenerate must not
    # propose to drop it, and the models still match the migrations with it there.
    from dangan.scheduler import scheduled_crawls

    assert scheduled_crawls(Store(db, tmp_path)) == []  # creates the table, as a scheduler does
    with db.engine.connect() as connection:
        assert SCHEDULER_JOBS_TABLE in inspect(connection).get_table_names()
        unfiltered = MigrationContext.configure(connection, opts={"compare_type": True})
        assert ("remove_table", SCHEDULER_JOBS_TABLE) in [(d[0], getattr(d[1], "name", None)) for d in compare_metadata(unfiltered, Base.metadata)]
        ours = MigrationContext.configure(connection, opts={"compare_type": True, "include_name": schema_object_is_ours})
        assert compare_metadata(ours, Base.metadata) == []


def test_the_revision_open_database_trusts_is_alembics_head() -> None:
    # open_database skips Alembic when the database is at SCHEMA_REVISION; a new
    # migration without a new SCHEMA_REVISION would never be applied.
    assert ScriptDirectory.from_config(migration_config()).get_current_head() == SCHEMA_REVISION


def test_opening_twice_keeps_the_data(db_url: str) -> None:
    first = open_database(db_url)
    with first.engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO crawl_runs (source, started_at, outcome, pages_fetched, new_documents,"
            " new_versions, unchanged, duplicates, errors)"
            " VALUES ('gov', '2024-05-01 00:00:00', 'running', 0, 0, 0, 0, 0, 0)"
        ))
    first.dispose()
    second = open_database(db_url)
    with second.engine.connect() as connection:
        assert connection.execute(text("SELECT source FROM crawl_runs")).scalars().all() == ["gov"]
    second.dispose()


def test_a_store_opened_without_a_url_is_a_sqlite_file_in_the_data_folder(tmp_path: Path) -> None:
    with Store.open(None, tmp_path / "data") as store:
        run_id = store.run_log.start_run("gov", datetime(2026, 11, 1))
    assert (tmp_path / "data" / "dangan.db").is_file()
    with Store.open(f"sqlite:///{tmp_path / 'data' / 'dangan.db'}", tmp_path / "elsewhere") as store:
        assert store.run_log.run(run_id).source == "gov"


def test_sqlite_file_and_folder_are_created_with_wal_and_foreign_keys(tmp_path: Path) -> None:
    db = open_database(database_url(None, tmp_path / "new" / "folder"))
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() > 0
    db.dispose()
    tables = sqlite3.connect(tmp_path / "new" / "folder" / "dangan.db").execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
    ).fetchall()
    assert [name for (name,) in tables] == [
        "alembic_version", "captures", "change_clock", "changes", "crawl_runs", "documents", "families",
        "family_signatures", "versions",
    ]


def test_unreachable_server_names_the_url_without_its_password() -> None:
    url = "postgresql+psycopg://archivist:s3cret@127.0.0.1:1/nowhere"
    with pytest.raises(StoreError) as caught:
        open_database(url)
    message = str(caught.value)
    assert "s3cret" not in message
    assert "archivist:***@127.0.0.1:1/nowhere" in message


def test_garbage_url_says_what_a_url_looks_like() -> None:
    with pytest.raises(StoreError, match="sqlite:///"):
        open_database("not a url")


def test_unwritable_sqlite_folder_is_a_store_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(StoreError, match="Cannot create the folder"):
        open_database(database_url(None, blocker / "inside"))


def test_processes_opening_a_new_database_at_once_all_succeed(db_url: str) -> None:
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=4) as pool:
        databases = list(pool.map(lambda _n: open_database(db_url), range(4)))
    for database in databases:
        with database.engine.connect() as connection:
            assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar() == SCHEMA_REVISION
        database.dispose()
