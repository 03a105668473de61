"""Alembic environment for dangan: runs on the connection `open_database` passes in.

There is no alembic.ini; `storage.database.migration_config` builds the
configuration in code, so migrations work from an installed package. To write
a new migration, autogenerate against a database at the newest revision:

    >>> from alembic import command
    >>> db = open_database(url)
    >>> with db.engine.begin() as connection:
    ...     command.revision(migration_config(connection), "what changed", autogenerate=True)

then tidy the generated file by hand; the migrations, not the models, are
what a database is built from.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from storage.database import schema_object_is_ours
from storage.models import Base

config = context.config
target_metadata = Base.metadata


def _configure_and_run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite cannot ALTER most things; batch mode rebuilds the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        # The scheduler's job table lives in this database but is APScheduler's, not a model.
        include_name=schema_object_is_ours,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure_and_run(connection)
        return
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option("sqlalchemy.url")
    engine = create_engine(url)
    with engine.begin() as own_connection:
        _configure_and_run(own_connection)
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
