"""Running the app: ``dangan serve`` serves a store on uvicorn.

The server only reads: the command line opens the store with
`storage.store.Store.open_existing` (read-only; a missing store is an error,
never created: an empty archive served by mistake would look like a lost one).
"""

from __future__ import annotations

import logging

import uvicorn

from storage.store import Store
from web.app import create_app

log = logging.getLogger(__name__)


def serve(store: Store, host: str, port: int, *, access_log: bool = False) -> None:
    """Serve `store` on `host`:`port` until interrupted (Ctrl-C or SIGTERM stop it cleanly)."""
    log.info("Serving %r on http://%s:%d/", store, host, port)
    uvicorn.run(create_app(store), host=host, port=port, access_log=access_log,
                log_level="info", server_header=False)
