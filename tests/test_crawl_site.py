"""Crawl the test site twice, as a recrawl would a month later, and read the archive back.

State 1 is the site as first found; state 2 is a later visit where every
counter and sidebar changed, one article was corrected, one added and one
removed. The assertions are what a reader of the archive would expect: one
document per article, a second version only for the corrected one, the
removed one gone with its text kept, and every capture's WARC record sound.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from storage.database import open_database
from storage.store import Store
from storage.models import Capture, CrawlRun, Document, Version
from storage.warc import verify_capture
from storage.warc_reading import read_response
from tests.site.fixtures import SOURCE_NAME, crawl, test_site, write_sources  # noqa: F401 - test_site is a fixture
from tests.site.pages import EXPECTED

pytestmark = pytest.mark.slow


def _documents(db) -> dict[str, Document]:
    with db.session() as session:
        return {urlsplit(d.url).path: d for d in session.scalars(select(Document).where(Document.source == SOURCE_NAME))}


def _versions(db, document_id: int) -> list[Version]:
    with db.session() as session:
        return list(session.scalars(select(Version).where(Version.document_id == document_id).order_by(Version.number)))


def _captures(db) -> list[Capture]:
    with db.session() as session:
        return list(session.scalars(select(Capture).order_by(Capture.id)))


def _assert_every_capture_verifies(db, data_dir: Path) -> None:
    store = Store(db, data_dir)
    for capture in _captures(db):
        verify_capture(data_dir, capture.warc_file, capture.warc_offset, capture.warc_length, capture.payload_sha256)
        stored = read_response(data_dir, capture.warc_file, capture.warc_offset)
        assert stored.url == capture.url and stored.status == capture.status_code
        # A page the second crawl found unchanged (the calendar) is a revisit: it reads back as the original.
        assert stored.revisit == capture.revisit
        body = store.read_response(capture.warc_file, capture.warc_offset).body
        assert hashlib.sha256(body).hexdigest() == capture.payload_sha256


def test_two_crawls_keep_exactly_the_versions_a_reader_expects(test_site, db_url: str, tmp_path: Path) -> None:  # noqa: F811
    data_dir = tmp_path / "data"

    first = crawl(test_site, db_url, data_dir)

    db = open_database(db_url)
    try:
        documents = _documents(db)
        assert sorted(documents) == sorted(EXPECTED.state_1_documents)
        # The repost is a document of its own, linked to the notice it repeats.
        assert first["new_documents"] == len(EXPECTED.state_1_documents) - 1 and first["duplicates"] == 1
        assert first["new_versions"] == 0 and first["errors"] == 0
        # Which of the two came first depends on the order responses arrived in one crawl.
        pair = {documents[EXPECTED.repost], documents[EXPECTED.repost_of]}
        linked = [(d.id, d.duplicate_of_id) for d in pair if d.duplicate_of_id is not None]
        assert len(linked) == 1 and {linked[0][0], linked[0][1]} == {d.id for d in pair}
        assert not any(d.duplicate_of_id for d in documents.values() if d not in pair)
        for path, document in documents.items():
            versions = _versions(db, document.id)
            assert [v.number for v in versions] == [1], path
            assert EXPECTED.first_paragraphs[path] in versions[0].text, path
            assert document.status == "live"
        # Tracking parameters, fragments and the mobile copy did not make documents of their own.
        assert not any("utm_" in d.url or "#" in d.url or "/m/" in d.url for d in documents.values())

        captures = _captures(db)
        by_path: dict[str, list[Capture]] = {}
        for capture in captures:
            by_path.setdefault(urlsplit(capture.url).path, []).append(capture)
        # The mobile copy was fetched and archived, and filed under its canonical desktop URL.
        mobile = by_path[EXPECTED.mobile_copy]
        assert [c.document_id for c in mobile] == [documents[EXPECTED.canonical_target].id]
        # The share link with utm_* and #fragment was fetched once, as the plain URL.
        assert [c.url for c in by_path[EXPECTED.utm_article]] == [test_site.url(EXPECTED.utm_article)]
        # Listing pages are archived too; the calendar trap stopped at the query-variant limit (5).
        assert len(by_path["/col/col1/index.html"]) == 1
        assert len(by_path["/calendar"]) in range(1, 6)
        # robots.txt keeps the crawler out of /admin/.
        assert "/admin/login.html" not in by_path
        assert not any(request.startswith("/admin/") for request in test_site.server.requests)
        # Charsets: the lying ISO-8859-1 header and the undeclared page were read as GBK.
        encodings = {path: _versions(db, d.id)[0].encoding for path, d in documents.items()}
        assert encodings["/art/2024/3/9/art_2_105.html"] == "gb18030"
        assert encodings["/art/2024/3/8/art_2_104.html"] == "gb18030"
        assert encodings["/art/2024/3/7/art_2_103.html"].startswith("big5")
        first_seen = {path: _versions(db, d.id)[-1].last_seen for path, d in documents.items()}
        _assert_every_capture_verifies(db, data_dir)
    finally:
        db.dispose()

    test_site.use_state(2)
    second = crawl(test_site, db_url, data_dir)

    db = open_database(db_url)
    try:
        documents = _documents(db)
        assert sorted(documents) == sorted(EXPECTED.state_1_documents + (EXPECTED.state_2_new,))
        assert second["new_documents"] == 1
        assert second["new_versions"] == 1
        assert second["gone"] == 1
        assert second["errors"] == 0

        corrected = _versions(db, documents[EXPECTED.corrected].id)
        assert [(v.number, v.reason) for v in corrected] == [(1, "new"), (2, "changed")]
        assert EXPECTED.corrected_old_phrase in corrected[0].text
        assert EXPECTED.corrected_new_phrase in corrected[1].text

        removed = documents[EXPECTED.removed]
        assert removed.status == "gone" and removed.gone_at is not None
        assert len(_versions(db, removed.id)) == 1  # the text is kept

        for path in EXPECTED.state_1_documents:
            if path in (EXPECTED.corrected, EXPECTED.removed):
                continue
            versions = _versions(db, documents[path].id)
            # Changed counters, sidebars and footers made no new version; the sighting moved on.
            assert len(versions) == 1, (path, [v.text for v in versions])
            assert versions[0].last_seen > first_seen[path], path

        added = _versions(db, documents[EXPECTED.state_2_new].id)
        assert len(added) == 1 and EXPECTED.first_paragraphs[EXPECTED.state_2_new] in added[0].text

        with db.session() as session:
            runs = list(session.scalars(select(CrawlRun).order_by(CrawlRun.id)))
            assert [(run.outcome, run.reason) for run in runs] == [("ok", None), ("ok", None)]
            assert runs[1].new_documents == 1 and runs[1].new_versions == 1
            assert runs[1].pages_fetched == session.query(Capture).filter(Capture.run_id == runs[1].id).count()
            # Every article capture was processed, none failed.
            unprocessed = [c.url for c in session.scalars(select(Capture).where(Capture.process_error.is_not(None)))]
            assert unprocessed == []
        _assert_every_capture_verifies(db, data_dir)
    finally:
        db.dispose()


def test_max_pages_closes_the_crawl_and_the_run_still_finishes(test_site, sqlite_url: str, tmp_path: Path) -> None:  # noqa: F811
    write_sources(test_site.sources_file, test_site.base_url, max_pages=4)
    summary = crawl(test_site, sqlite_url, tmp_path / "data")

    # Exactly four, although four requests run at a time: the fifth is refused before it is sent.
    # Responses captured: the four pages and robots.txt's answer.
    assert summary["pages_fetched"] == 5
    db = open_database(sqlite_url)
    try:
        with db.session() as session:
            run = session.scalars(select(CrawlRun)).one()
            assert (run.outcome, run.pages_fetched) == ("ok", 5)
            assert session.query(Capture).filter(~Capture.url.endswith("/robots.txt")).count() == 4
            # Whatever articles were among the four were processed before the run closed.
            assert session.query(Capture).filter(Capture.processed_at.is_(None), Capture.url.contains("/art/")).count() == 0
    finally:
        db.dispose()
