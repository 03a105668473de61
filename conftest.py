"""What the docstring examples in the library may take for granted.

pytest collects the examples in `core`, `crawler`, `pipeline`, `storage`, `web` and
`dangan` (``--doctest-modules``, see pyproject.toml), so an example that
stops being true fails the suite. Each example runs in a fresh temporary
folder, where a store is already open: ``db`` (the `Database`), ``store``
(the `Store` over it and ``data_dir``), as a reader of the docs would have
after ``Store.open(None, "dangan-data")``.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest
from _pytest.doctest import DoctestItem

# Alembic's env.py runs only inside Alembic; importing it to look for examples fails.
collect_ignore = ["storage/migrations"]


@pytest.fixture(autouse=True)
def _doctest_store(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    if not isinstance(request.node, DoctestItem):
        yield
        return
    from storage.store import Store

    monkeypatch.chdir(tmp_path)
    store = Store.open(None, "dangan-data")
    request.node.dtest.globs.update(
        Path=Path, datetime=datetime, timezone=timezone, tmp_path=tmp_path,
        store=store, db=store.db, data_dir=store.data_dir,
    )
    try:
        yield
    finally:
        store.close()
