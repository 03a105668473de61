"""Versioning, read back through the library, on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from storage.captures import CaptureLog, NewCapture
from storage.database import Database
from core.article import Article
from core.errors import DocumentNotFound, VersionNotFound
from storage.empty_pages import empty_counts, empty_pages
from storage.versions import NO_TEXT_ERROR, Outcome, PageRecord, VersionStore
from storage.times import as_utc
from storage.warc import WarcLocation

URL = "http://www.gov.cn/zhengce/content/2024-05/01/content_1.htm"
OTHER = "http://www.sh.gov.cn/xxgk/2024/0501/1.html"
DAY1 = datetime(2024, 5, 1, 8, 0)
DAY2 = DAY1 + timedelta(days=1)
DAY3 = DAY1 + timedelta(days=2)
DAY4 = DAY1 + timedelta(days=3)
TEXT = "国务院办公厅关于做好春节期间工作的通知\n各省、自治区、直辖市人民政府：\n现将有关事项通知如下。"


def page(url: str = URL, text: str = TEXT, *, seen_at: datetime = DAY1, title: str | None = "通知",
         capture_id: int | None = None, source: str = "gov") -> PageRecord:
    return PageRecord(
        url=url, source=source, capture_id=capture_id, seen_at=seen_at,
        article=Article(title=title, published="2024-05-01", origin="国务院办公厅", author=None, editor="张三",
                        doc_number="国办发〔2024〕1号", text=text),
        text_sha256=hashlib.sha256(text.encode()).hexdigest(),
        encoding="utf-8", encoding_reason="http header", extractor_version="1",
    )


def capture(db: Database, offset: int, fetched_at: datetime = DAY1, url: str = URL, status: int = 200) -> int:
    location = WarcLocation("warc/test.warc.gz", offset, 100, f"<urn:uuid:{offset}>", "0" * 64)
    return CaptureLog(db).add(NewCapture(run_id=None, source="gov", url=url, status_code=status,
                              content_type="text/html", fetched_at=fetched_at, location=location))


@pytest.fixture
def store(db: Database) -> VersionStore:
    return VersionStore(db)


def test_first_sighting_makes_document_and_version_one(store: VersionStore, db: Database) -> None:
    capture_id = capture(db, 1)
    result = store.record(page(capture_id=capture_id))
    assert (result.outcome, result.version_number, result.duplicate_of) == (Outcome.NEW_DOCUMENT, 1, None)

    [summary] = store.history(URL)
    assert (summary.number, summary.reason, summary.first_seen, summary.last_seen) == (1, "new", DAY1, DAY1)
    assert summary.capture_ids == (capture_id,)
    detail = store.show(URL)
    assert (detail.article.text, detail.article.title, detail.article.doc_number, detail.article.origin,
            detail.status) == (
        TEXT, "通知", "国办发〔2024〕1号", "国务院办公厅", "live",
    )
    processed = CaptureLog(db).get(capture_id)
    assert processed.processed_at is not None and processed.process_error is None
    assert processed.document_id == result.document_id
    assert CaptureLog(db).unprocessed() == []


def test_unchanged_recrawl_only_moves_last_seen(store: VersionStore) -> None:
    store.record(page(seen_at=DAY1))
    result = store.record(page(seen_at=DAY3))
    older = store.record(page(seen_at=DAY2))  # processed late: last_seen never moves back
    assert result.outcome == older.outcome == Outcome.UNCHANGED
    [summary] = store.history(URL)
    assert (summary.first_seen, summary.last_seen) == (DAY1, DAY3)
    [row] = store.export()
    assert (row["first_seen"], row["last_seen"]) == (as_utc(DAY1), as_utc(DAY3))


def test_changed_text_makes_version_two(store: VersionStore) -> None:
    store.record(page(seen_at=DAY1))
    result = store.record(page(text=TEXT + "\n特此通知。", seen_at=DAY2))
    assert (result.outcome, result.version_number) == (Outcome.NEW_VERSION, 2)
    assert [(v.number, v.reason) for v in store.history(URL)] == [(1, "new"), (2, "changed")]
    assert store.show(URL).article.text.endswith("特此通知。")
    assert store.show(URL, 1).article.text == TEXT


def test_changed_title_alone_makes_a_new_version(store: VersionStore) -> None:
    store.record(page(title="通知"))
    result = store.record(page(title="关于春节的通知", seen_at=DAY2))
    assert (result.outcome, result.version_number) == (Outcome.NEW_VERSION, 2)
    assert [v.title for v in store.history(URL)] == ["通知", "关于春节的通知"]


def test_reprocess_is_its_own_reason_and_same_text_adds_nothing(store: VersionStore, db: Database) -> None:
    capture_id = capture(db, 1)
    store.record(page(capture_id=capture_id))
    same = store.record(page(capture_id=capture_id), reprocessed=True)
    assert same.outcome == Outcome.UNCHANGED
    better = store.record(page(text=TEXT.replace("通知如下", "通知如下："), capture_id=capture_id), reprocessed=True)
    assert (better.outcome, better.version_number) == (Outcome.NEW_VERSION, 2)
    history = store.history(URL)
    assert [(v.number, v.reason) for v in history] == [(1, "new"), (2, "reprocess")]
    assert history[1].capture_ids == (capture_id,)


def test_gone_and_back(store: VersionStore, db: Database) -> None:
    assert store.mark_gone(URL, "gov", None, DAY1) is None  # never seen: nothing to mark
    store.record(page(seen_at=DAY1))
    gone = store.mark_gone(URL, "gov", capture(db, 2, DAY2, status=404), DAY2)
    assert (gone.outcome, gone.version_number) == (Outcome.GONE, 1)
    assert store.show(URL).status == "gone"
    assert store.live_urls("gov") == []
    assert [row["status"] for row in store.export()] == ["gone"]

    back = store.record(page(seen_at=DAY3))
    assert back.outcome == Outcome.UNCHANGED
    assert store.show(URL).status == "live"
    assert store.live_urls("gov") == [URL]


def test_exact_copy_under_another_url_is_linked_as_duplicate(store: VersionStore) -> None:
    store.record(page(URL, seen_at=DAY1))
    copy = store.record(page(OTHER, seen_at=DAY2, source="sh"))
    assert (copy.outcome, copy.version_number, copy.duplicate_of) == (Outcome.DUPLICATE, 1, URL)
    assert store.show(OTHER).duplicate_of == URL
    rows = {row["url"]: row for row in store.export()}
    assert rows[OTHER]["duplicate_of"] == URL and rows[URL]["duplicate_of"] is None
    again = store.record(page(OTHER, seen_at=DAY3, source="sh"))
    assert (again.outcome, again.duplicate_of) == (Outcome.UNCHANGED, URL)


def test_recording_one_capture_twice_changes_nothing(store: VersionStore, db: Database) -> None:
    capture_id = capture(db, 1)
    first = store.record(page(capture_id=capture_id))
    second = store.record(page(capture_id=capture_id))
    assert second.outcome == Outcome.UNCHANGED
    assert (second.document_id, second.version_number) == (first.document_id, 1)
    # even if processing produced a different text the second time, it was recorded already
    store.record(page(text=TEXT + "又", capture_id=capture_id))
    assert [v.number for v in store.history(URL)] == [1]


def test_a_page_without_text_becomes_a_document_with_an_empty_version_and_its_reason(
    store: VersionStore, db: Database
) -> None:
    capture_id = capture(db, 1)
    result = store.record(page(text="  \n", capture_id=capture_id))
    assert (result.outcome, result.version_number) == (Outcome.EMPTY, 1)
    [empty] = empty_pages(db)
    assert (empty.url, empty.title, empty.reason, empty.version) == (URL, "通知", NO_TEXT_ERROR, 1)
    recorded = CaptureLog(db).get(capture_id)
    assert recorded.processed_at is not None and recorded.version_id is not None and recorded.process_error is None
    # Seen again without text: the same empty version, seen later; no second version.
    again = store.record(page(text="", capture_id=capture(db, 2, DAY2), seen_at=DAY2))
    assert (again.outcome, again.version_number) == (Outcome.EMPTY, 1)
    [summary] = store.history(URL)
    assert summary.last_seen == DAY2


def test_pages_without_text_are_never_duplicates_of_each_other(store: VersionStore, db: Database) -> None:
    store.record(replace(page(text=""), empty_reason="cannot decode"))
    other = store.record(replace(page(OTHER, text=""), empty_reason="cannot decode"))
    assert (other.outcome, other.duplicate_of) == (Outcome.EMPTY, None)
    assert empty_counts(db) == {"gov": 2}


def test_a_document_with_text_keeps_it_when_a_capture_has_none(store: VersionStore, db: Database) -> None:
    store.record(page(capture_id=capture(db, 1)))
    empty_capture = capture(db, 2, DAY2)
    result = store.record(replace(page(text="", capture_id=empty_capture, seen_at=DAY2), empty_reason="parser gave up"))
    assert result.outcome is Outcome.EMPTY
    assert [v.number for v in store.history(URL)] == [1] and store.show(URL).article.text == TEXT
    assert empty_pages(db) == []
    recorded = CaptureLog(db).get(empty_capture)
    assert (recorded.version_id, recorded.process_error) == (None, "parser gave up")
    assert recorded.document_id is not None


def test_a_reprocess_that_finds_the_text_fills_the_empty_version_in(store: VersionStore, db: Database) -> None:
    capture_id = capture(db, 1)
    store.record(page(OTHER))  # the text is already held under another URL
    store.record(page(text="", capture_id=capture_id))
    filled = store.record(page(capture_id=capture_id), reprocessed=True)
    assert (filled.outcome, filled.version_number, filled.duplicate_of) == (Outcome.FILLED, 1, OTHER)
    [summary] = store.history(URL)
    assert summary.reason == "reprocess"
    assert store.show(URL).article.text == TEXT
    assert empty_pages(db) == []


def test_a_crawl_that_finds_text_where_there_was_none_makes_a_changed_version(store: VersionStore, db: Database) -> None:
    store.record(page(text="", capture_id=capture(db, 1)))
    changed = store.record(page(capture_id=capture(db, 2, DAY2), seen_at=DAY2))
    assert (changed.outcome, changed.version_number) == (Outcome.NEW_VERSION, 2)
    assert [v.reason for v in store.history(URL)] == ["new", "changed"]
    assert empty_pages(db) == []


def test_history_version_and_diff_errors_name_what_exists(store: VersionStore) -> None:
    with pytest.raises(DocumentNotFound, match=URL):
        store.show(URL)
    store.record(page())
    with pytest.raises(VersionNotFound, match="has no version 5; it has version\\(s\\) 1"):
        store.show(URL, 5)
    with pytest.raises(VersionNotFound, match="only version 1"):
        store.diff(URL)


def test_diff_of_the_last_two_versions(store: VersionStore) -> None:
    store.record(page(seen_at=DAY1))
    store.record(page(text=TEXT.replace("春节", "元旦"), seen_at=DAY2))
    store.record(page(text=TEXT.replace("春节", "国庆"), seen_at=DAY3))
    found = store.diff(URL)
    assert found.labels() == (f"{URL} v2 (2024-05-02)", f"{URL} v3 (2024-05-03)")
    first, *rest = found.text.lines
    assert first.kind == "change"
    assert [(s.kind, s.text) for s in first.old if s.kind != "equal"] == [("delete", "元旦")]
    assert [(s.kind, s.text) for s in first.new if s.kind != "equal"] == [("insert", "国庆")]
    assert [line.kind for line in rest] == ["equal", "equal"]
    assert store.diff(URL, 1).labels() == (f"{URL} v1 (2024-05-01)", f"{URL} v3 (2024-05-03)")
    assert not store.diff(URL, 2, 2).text.changed


def test_export_latest_or_every_version_filtered_by_source_and_time(store: VersionStore) -> None:
    store.record(page(URL, seen_at=DAY1))
    store.record(page(URL, text=TEXT + "\n附件", seen_at=DAY3))
    store.record(page(OTHER, text="上海市人民政府通知全文", seen_at=DAY2, source="sh"))

    latest = list(store.export())
    assert [(row["url"], row["version"]) for row in latest] == [(URL, 2), (OTHER, 1)]
    assert latest[0]["text"] == TEXT + "\n附件"
    assert latest[0]["first_seen"] == as_utc(DAY1)
    assert (latest[0]["reason"], latest[0]["encoding"], latest[0]["encoding_reason"]) == (
        "changed", "utf-8", "http header")
    every = list(store.export(all_versions=True))
    assert [(row["url"], row["version"], row["first_seen"]) for row in every] == [
        (URL, 1, as_utc(DAY1)), (URL, 2, as_utc(DAY3)), (OTHER, 1, as_utc(DAY2)),
    ]
    assert [row["url"] for row in store.export(source="sh")] == [OTHER]
    assert [row["url"] for row in store.export(since=DAY3)] == [URL]
    assert list(store.export(since=DAY4)) == []
    # A window keeps the versions seen in it: version 1 of URL was seen on DAY1 only.
    assert [(row["url"], row["version"]) for row in store.export(all_versions=True, until=DAY2)] == [(URL, 1)]
    assert [(row["url"], row["version"]) for row in store.export(all_versions=True, since=DAY2, until=DAY3)] == [
        (OTHER, 1)]


def test_export_streams_past_one_batch(store: VersionStore) -> None:
    for n in range(230):
        store.record(page(f"{URL}?n={n}", text=f"第{n}号文件全文"))
    rows = list(store.export())
    assert len(rows) == 230 and len({row["url"] for row in rows}) == 230


def test_live_urls_are_per_source(store: VersionStore) -> None:
    store.record(page(URL))
    store.record(page(OTHER, text="另一篇", source="sh"))
    assert store.live_urls("gov") == [URL]
    assert store.live_urls("sh") == [OTHER]
    assert store.live_urls("nobody") == []


def test_concurrent_writers_of_one_new_url_make_one_document(db_url: str) -> None:
    # Separate Database objects, as separate processes would have.
    from concurrent.futures import ThreadPoolExecutor

    from storage.database import open_database

    databases = [open_database(db_url) for _ in range(4)]
    try:
        def work(n: int):
            return VersionStore(databases[n]).record(page(text=f"{TEXT}\n第{n}稿", seen_at=DAY1 + timedelta(hours=n)))

        with ThreadPoolExecutor(max_workers=4) as pool:
            results = list(pool.map(work, range(4)))
        assert sorted(r.outcome.value for r in results) == ["new_document"] + ["new_version"] * 3
        assert len({r.document_id for r in results}) == 1
        assert [v.number for v in VersionStore(databases[0]).history(URL)] == [1, 2, 3, 4]
    finally:
        for database in databases:
            database.dispose()
