"""Recrawl the test site with nothing changed, and with one page changed, and read the archive back.

The test site answers like nginx: an ETag and a Last-Modified on every page,
304 to a conditional request that still holds. A recrawl must ask for each
article it holds with If-None-Match / If-Modified-Since, keep the 304s as
WARC revisit records (counted as ``dangan/not_modified``), make no new
versions and move each version's last_seen; a page that really changed still
gets its new version. A server that sends no validators gets the same bodies
kept as identical-payload revisits instead. `warcio check` passes on every
file, and a revisit reads back as the original bytes.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from storage.models import Capture, CrawlRun, Version
from storage.recovery import warc_files
from storage.store import Store
from storage.warc import IDENTICAL_PAYLOAD, NOT_MODIFIED, verify_capture
from tests.site.fixtures import (  # noqa: F401 - test_site is a fixture
    REPO_ROOT,
    scrapy_crawl_command,
    subprocess_env,
    test_site,
)
from tests.site.pages import ARTICLE_PATTERNS, EXPECTED

pytestmark = pytest.mark.slow

_STAT = re.compile(r"'(dangan/\w+)': (\d+)")


def _crawl(site, db_url: str, data_dir: Path, **settings) -> dict[str, int]:
    """``scrapy crawl source`` once; return the ``dangan/*`` counts of the stats Scrapy dumps at the end."""
    finished = subprocess.run(
        scrapy_crawl_command(site, db_url, data_dir, settings=settings), cwd=REPO_ROOT, env=subprocess_env(),
        capture_output=True, text=True, timeout=120,
    )
    assert finished.returncode == 0, finished.stderr[-6000:]
    dump = finished.stderr.split("Dumping Scrapy stats:", 1)[1]
    return {name: int(value) for name, value in _STAT.findall(dump)}


def _is_article(url: str) -> bool:
    return any(re.search(pattern, urlsplit(url).path) for pattern in ARTICLE_PATTERNS)


def _captures(store: Store, run_id: int) -> list[Capture]:
    with store.db.session() as session:
        return list(session.scalars(select(Capture).where(Capture.run_id == run_id).order_by(Capture.id)))


def _versions(store: Store) -> dict[int, tuple[int, object]]:
    with store.db.session() as session:
        return {v.id: (v.document_id, v.number, v.last_seen) for v in session.scalars(select(Version))}


def _runs(store: Store) -> list[CrawlRun]:
    with store.db.session() as session:
        return list(session.scalars(select(CrawlRun).order_by(CrawlRun.id)))


def _assert_warcio_check_passes(data_dir: Path) -> None:
    warcio = Path(sys.executable).parent / "warcio"
    for path in warc_files(data_dir):
        checked = subprocess.run([str(warcio), "check", str(path)], capture_output=True, text=True)
        assert checked.returncode == 0, checked.stdout + checked.stderr


def _assert_every_capture_reads_back(store: Store) -> None:
    """Each capture verifies, and reads back (a revisit through what it refers to) as the payload it names."""
    with store.db.session() as session:
        captures = list(session.scalars(select(Capture)))
    for capture in captures:
        verify_capture(store.data_dir, capture.warc_file, capture.warc_offset, capture.warc_length,
                       capture.payload_sha256)
        if capture.status_code != 404:
            body = store.read_response(capture.warc_file, capture.warc_offset).body
            assert hashlib.sha256(body).hexdigest() == capture.payload_sha256, capture.url


def test_an_unchanged_site_answers_304_and_a_changed_page_still_gets_its_version(
    test_site, db_url: str, tmp_path: Path  # noqa: F811
) -> None:
    data_dir = tmp_path / "data"
    # Scrapy's HTTP cache on, as an operator might: it must neither answer a conditional request
    # from the cache nor turn the server's 304 back into the cached 200.
    cache = {"HTTPCACHE_ENABLED": True, "HTTPCACHE_DIR": str(tmp_path / "httpcache")}
    assert _crawl(test_site, db_url, data_dir, **cache)["dangan/workers_started"] == 1
    with Store.open(db_url, data_dir) as store:
        first_run = _runs(store)[0]
        first = {c.url: c for c in _captures(store, first_run.id) if c.status_code == 200}
        articles = {url: capture for url, capture in first.items() if _is_article(url)}
        assert len(articles) == len(EXPECTED.state_1_documents) + 1  # the mobile copy too
        versions_before = _versions(store)

    test_site.server.requests.clear()
    stats = _crawl(test_site, db_url, data_dir, **cache)

    # Every article was asked for conditionally, and answered 304; nothing else was.
    assert sorted(test_site.server.conditional_requests) == sorted(urlsplit(url).path for url in articles)
    assert stats["dangan/not_modified"] == len(articles)
    assert stats.get("dangan/new_version", 0) == 0 and stats.get("dangan/new_document", 0) == 0
    # Nothing to process, so no processing worker (nor the server they fork from) was started.
    assert "dangan/workers_started" not in stats
    with Store.open(db_url, data_dir) as store:
        second_run = _runs(store)[1]
        assert (second_run.outcome, second_run.new_versions, second_run.errors) == ("ok", 0, 0)
        # The run record counts the 304s too (`dangan runs` shows them).
        assert second_run.not_modified == len(articles)
        recrawled = _captures(store, second_run.id)
        revisits = {c.url: c for c in recrawled if c.revisit == NOT_MODIFIED}
        assert sorted(revisits) == sorted(articles)
        for url, revisit in revisits.items():
            assert (revisit.status_code, revisit.refers_to_id) == (304, articles[url].id)
            assert revisit.etag == articles[url].etag and revisit.etag
            assert revisit.processed_at is not None and revisit.process_error is None
            # The revisit reads back as the page the first crawl stored.
            replayed = store.read_response(revisit.warc_file, revisit.warc_offset)
            original = store.read_response(articles[url].warc_file, articles[url].warc_offset)
            assert (replayed.status, replayed.body, replayed.fetched_at) == (200, original.body, revisit.fetched_at)
        # Listing pages came whole (their links find new articles) but were the same bytes: no second copy.
        same = [c for c in recrawled if c.revisit == IDENTICAL_PAYLOAD]
        assert stats["dangan/identical_payload"] == len(same) >= 2
        assert all(first[c.url].id == c.refers_to_id for c in same)
        # A page the first crawl stored never comes back as a second full copy. Which calendar months
        # the query-variant limit lets through depends on the order responses arrive in, so a
        # recrawl may fetch a month the first crawl did not: that one is new, and stored whole.
        fresh = [c.url for c in recrawled if c.revisit is None and c.status_code == 200]
        assert [url for url in fresh if url in first] == []
        assert all(urlsplit(url).path == "/calendar" for url in fresh), fresh
        # No new version anywhere; every version was seen again.
        versions_after = _versions(store)
        assert set(versions_after) == set(versions_before)
        for version_id, (document_id, number, last_seen) in versions_after.items():
            assert last_seen > versions_before[version_id][2], (document_id, number)
        _assert_every_capture_reads_back(store)
    _assert_warcio_check_passes(data_dir)

    # Article 102 is corrected on the site: its bytes (and so its ETag) change, nothing else does.
    index_1 = json.loads((test_site.states[1] / "index.json").read_text(encoding="utf-8"))
    index_2 = json.loads((test_site.states[2] / "index.json").read_text(encoding="utf-8"))
    corrected = test_site.states[2] / index_2[EXPECTED.corrected]["file"]
    (test_site.states[1] / index_1[EXPECTED.corrected]["file"]).write_bytes(corrected.read_bytes())

    stats = _crawl(test_site, db_url, data_dir, **cache)

    assert stats["dangan/not_modified"] == len(articles) - 1
    assert stats["dangan/new_version"] == 1  # processed by workers started for it, at the changed page
    assert stats["dangan/workers_started"] == 1
    with Store.open(db_url, data_dir) as store:
        history = store.versions.history(test_site.url(EXPECTED.corrected))
        assert [(v.number, v.reason) for v in history] == [(1, "new"), (2, "changed")]
        assert EXPECTED.corrected_new_phrase in store.versions.show(test_site.url(EXPECTED.corrected)).article.text
        third = [c for c in _captures(store, _runs(store)[2].id) if urlsplit(c.url).path == EXPECTED.corrected]
        assert [(c.status_code, c.revisit) for c in third] == [(200, None)]
        _assert_every_capture_reads_back(store)
    _assert_warcio_check_passes(data_dir)


def test_a_server_without_validators_gets_identical_payload_revisits(
    test_site, db_url: str, tmp_path: Path  # noqa: F811
) -> None:
    data_dir = tmp_path / "data"
    test_site.server.send_etag = test_site.server.send_last_modified = False
    _crawl(test_site, db_url, data_dir)
    with Store.open(db_url, data_dir) as store:
        articles = {c.url: c for c in _captures(store, _runs(store)[0].id)
                    if c.status_code == 200 and _is_article(c.url)}
        versions_before = _versions(store)

    stats = _crawl(test_site, db_url, data_dir)

    # Nothing to be conditional with: every page came whole, and every article was the same bytes.
    assert test_site.server.conditional_requests == []
    assert stats.get("dangan/not_modified", 0) == 0
    assert stats.get("dangan/new_version", 0) == 0
    with Store.open(db_url, data_dir) as store:
        recrawled = _captures(store, _runs(store)[1].id)
        same = {c.url: c for c in recrawled if c.revisit == IDENTICAL_PAYLOAD}
        assert stats["dangan/identical_payload"] == len(same)
        assert set(articles) <= set(same)
        for url, article in articles.items():
            assert (same[url].status_code, same[url].refers_to_id) == (200, article.id)
            assert store.read_response(same[url].warc_file, same[url].warc_offset).body == (
                store.read_response(article.warc_file, article.warc_offset).body
            )
        versions_after = _versions(store)
        assert set(versions_after) == set(versions_before)
        assert all(after[2] > versions_before[version_id][2] for version_id, after in versions_after.items())
        _assert_every_capture_reads_back(store)
    _assert_warcio_check_passes(data_dir)
