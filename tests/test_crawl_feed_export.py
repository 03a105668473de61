"""`scrapy crawl source -O items.jsonl` writes one JSON line per response, as Scrapy's feed exports promise."""

from __future__ import annotations

import json
import subprocess

from sqlalchemy import select

from storage.database import open_database
from storage.models import Capture
from tests.site.fixtures import REPO_ROOT, scrapy_crawl_command, subprocess_env, test_site  # noqa: F401


def test_a_feed_export_of_the_crawl_has_every_item_naming_its_capture(test_site, sqlite_url, tmp_path):  # noqa: F811
    feed = tmp_path / "items.jsonl"
    command = scrapy_crawl_command(test_site, sqlite_url, tmp_path / "data") + ["-O", str(feed)]
    done = subprocess.run(command, cwd=REPO_ROOT, env=subprocess_env(), capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-4000:]
    assert "TypeError" not in done.stderr and "Traceback" not in done.stderr, done.stderr[-3000:]
    items = [json.loads(line) for line in feed.read_text(encoding="utf-8").splitlines()]
    db = open_database(sqlite_url)
    with db.session() as session:
        captures = {c.id: c for c in session.scalars(select(Capture))}
    db.dispose()
    assert items and len(items) == len([c for c in captures.values() if c.url != test_site.url("/robots.txt")])
    for item in items:
        capture = captures[item["capture_id"]]
        assert (item["url"], item["status"]) == (capture.url, capture.status_code)
        assert item["body"] is None  # the bytes are in the WARC record the capture names
        assert item["fetched_at"] == capture.fetched_at.isoformat() + "+00:00"
        assert item["headers"] and all(len(pair) == 2 for pair in item["headers"])
    assert any(item["is_article"] for item in items)
