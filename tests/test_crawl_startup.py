"""A crawl process starts without importing what only processing needs.

Every scheduled recrawl is a new `dangan crawl` process, and one whose pages
all come back unchanged processes nothing: the extraction stack, numpy (for
families), courlan (for canonical links) and SQLAlchemy's PostgreSQL dialect
(on a SQLite store) are start-up time it pays for nothing. The workers
import them when a page needs processing.
"""

from __future__ import annotations

import json
import subprocess
import sys

from tests.site.fixtures import REPO_ROOT

#: Modules a crawl process must not import before it processes a page.
PROCESSING_ONLY = (
    "numpy", "courlan", "trafilatura", "rensa", "opencc", "sqlalchemy.dialects.postgresql",
    "pipeline.process", "pipeline.extract", "storage.families",
)

# What `dangan crawl` imports before its reactor runs: the command line, the
# crawl, and every Scrapy component its settings enable.
CRAWL_PROCESS_IMPORTS = f"""
import json, sys
from pathlib import Path
import dangan.cli, dangan.crawl_display, crawler.run, crawler.spiders.source
from scrapy.utils.misc import load_object
from crawler.run import crawl_settings
from storage.store import Store
settings = crawl_settings(db_url="sqlite://", data_dir=Path("."))
for name in ("EXTENSIONS", "DOWNLOADER_MIDDLEWARES", "SPIDER_MIDDLEWARES", "ITEM_PIPELINES"):
    for path, order in settings.getwithbase(name).items():
        if order is not None:
            load_object(path)
print(json.dumps([name for name in {PROCESSING_ONLY!r} if name in sys.modules]))
"""


def test_a_crawl_process_imports_nothing_only_processing_needs() -> None:
    result = subprocess.run(
        [sys.executable, "-c", CRAWL_PROCESS_IMPORTS], cwd=REPO_ROOT, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert json.loads(result.stdout.strip().splitlines()[-1]) == []
