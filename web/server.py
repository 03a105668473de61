"""Running the app: ``dangan serve`` opens an existing store and serves it on uvicorn.

The server only reads, so it never creates a store: pointed at a data folder
with no database in it, it says so and does not start (an empty archive
served by mistake would look like a lost one).
"""

from __future__ import annotations

import logging
from pathlib import Path

import uvicorn

from core.errors import StoreError
from core.settings import SQLITE_FILE_NAME
from storage.store import Store
from web.app import create_app

log = logging.getLogger(__name__)


def open_existing_store(db: str | None, data_dir: Path) -> Store:
    """The store at `db`, or the SQLite file in `data_dir`, which must already exist."""
    if db is None and not (Path(data_dir) / SQLITE_FILE_NAME).is_file():
        raise StoreError(
            f"There is no store in {data_dir} (no {SQLITE_FILE_NAME}); serve reads an existing archive. "
            "Give the data folder a crawl wrote to (--data-dir) or its database (--db)."
        )
    return Store.open(db, data_dir)


def serve(store: Store, host: str, port: int, *, access_log: bool = False) -> None:
    """Serve `store` on `host`:`port` until interrupted (Ctrl-C or SIGTERM stop it cleanly)."""
    log.info("Serving %r on http://%s:%d/", store, host, port)
    uvicorn.run(create_app(store), host=host, port=port, access_log=access_log,
                log_level="info", server_header=False)
