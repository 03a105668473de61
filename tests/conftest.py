"""Shared pytest fixtures.

Storage fixtures: `db` runs a test once against a SQLite file in tmp_path and
once against PostgreSQL (when DANGAN_TEST_PG_URL is set), each time on a
freshly migrated, empty database.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from core.settings import database_url
from storage.database import Database, open_database

PG_URL_VARIABLE = "DANGAN_TEST_PG_URL"
PG_SKIP_REASON = (
    f"set {PG_URL_VARIABLE}=postgresql+psycopg://... to run the PostgreSQL tests"
)


@contextmanager
def new_pg_schema(base: str) -> Iterator[str]:
    """A URL for the PostgreSQL database at `base` whose search_path is a new, empty schema, dropped afterwards."""
    schema = f"dangan_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    with admin.begin() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        admin.dispose()


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A PostgreSQL URL whose search_path is a new, empty schema, dropped afterwards.

    A schema per test keeps tests isolated from each other and from anything
    else in the database, and lets tests run in parallel.
    """
    base = os.environ.get(PG_URL_VARIABLE)
    if not base:
        pytest.skip(PG_SKIP_REASON)
    with new_pg_schema(base) as url:
        yield url


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return database_url(None, tmp_path / "db")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest) -> str:
    """The URL of an empty database: a SQLite file, then a PostgreSQL schema."""
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_url")
    return request.getfixturevalue("pg_url")


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    """A migrated, empty database on each backend."""
    database = open_database(db_url)
    try:
        yield database
    finally:
        database.dispose()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A data folder (for WARC files) of its own."""
    folder = tmp_path / "data"
    folder.mkdir()
    return folder


REDIS_URL_VARIABLE = "DANGAN_TEST_REDIS_URL"
REDIS_SKIP_REASON = f"set {REDIS_URL_VARIABLE}=redis://127.0.0.1:6379/0 to run the shared-frontier tests"


@pytest.fixture
def redis_url() -> str:
    """The Redis the shared-frontier tests use; they skip, saying so, when it is not set."""
    url = os.environ.get(REDIS_URL_VARIABLE)
    if not url:
        pytest.skip(REDIS_SKIP_REASON)
    return url


@pytest.fixture
def redis_prefix(redis_url: str) -> Iterator[str]:
    """A key prefix of this test's own (others share the Redis), whose keys are deleted afterwards."""
    import redis

    prefix = f"dangan-test-{uuid.uuid4().hex[:12]}"
    yield prefix
    client = redis.Redis.from_url(redis_url)
    try:
        keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
        if keys:
            client.delete(*keys)
    finally:
        client.close()
