"""The change feed, read as a downstream tool reads it: each change once, none skipped, while writers write.

Every test runs on SQLite and on PostgreSQL (when DANGAN_TEST_PG_URL is set).
The crawl test reads the feed in a loop while real crawls of the local test
site write in another process; the PostgreSQL test holds a transaction open
by hand to make a lower id commit after a higher one has been read.
"""

from __future__ import annotations

import hashlib
import subprocess
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import func, select, text

from core.article import Article
from core.errors import FeedCursorError
from storage.change_feed import FEED_COLUMNS, iter_changes, parse_cursor, read_changes
from storage.database import Database, migration_config, open_database
from storage.models import Change, Document, Version
from storage.times import as_utc
from storage.versions import PageRecord, VersionStore
from tests.site.fixtures import REPO_ROOT, scrapy_crawl_command, subprocess_env, test_site  # noqa: F401

DAY1 = datetime(2024, 5, 1, 8, 0)
GOV = "http://www.gov.cn/zhengce/content/{}.htm"
SH = "http://www.sh.gov.cn/xxgk/{}.html"


def page(url: str, text_: str, seen_at: datetime = DAY1, source: str = "gov") -> PageRecord:
    return PageRecord(
        url=url, source=source, capture_id=None, seen_at=seen_at, article=Article(title="通知", text=text_),
        text_sha256=hashlib.sha256(text_.encode()).hexdigest(), extractor_version="1",
    )


def drain(db: Database, cursor: str | None, **options) -> tuple[list[dict], str]:
    stream = iter_changes(db, cursor, **options)
    rows = list(stream)
    return rows, stream.next_cursor


def test_versions_gone_marks_and_returns_in_the_order_they_happened(db: Database) -> None:
    store = VersionStore(db)
    store.record(page(GOV.format(1), "第一稿"))
    store.record(page(GOV.format(1), "第二稿", DAY1 + timedelta(days=1)))
    store.mark_gone(GOV.format(1), "gov", None, DAY1 + timedelta(days=2))
    store.record(page(GOV.format(1), "第二稿", DAY1 + timedelta(days=3)))  # answers again, same text

    first = read_changes(db, "0")
    assert [(row["change"], row["url"], row["version"]) for row in first.rows] == [
        ("version", GOV.format(1), 1), ("version", GOV.format(1), 2),
        ("gone", GOV.format(1), None), ("live", GOV.format(1), None),
    ]
    assert [row["changed_at"] for row in first.rows] == [as_utc(DAY1 + timedelta(days=n)) for n in range(4)]
    assert list(first.rows[0]) == [column.name for column in FEED_COLUMNS]
    assert first.rows[1]["text"] == "第二稿" and first.rows[1]["reason"] == "changed"
    # The cursor of the last row is the next cursor; from there, nothing until something changes.
    assert first.next_cursor == first.rows[-1]["cursor"] and not first.more
    assert read_changes(db, first.next_cursor).rows == []
    store.record(page(GOV.format(2), "另一篇"))
    [new] = read_changes(db, first.next_cursor).rows
    assert (new["url"], new["change"]) == (GOV.format(2), "version")


def test_an_empty_version_filled_in_by_reprocess_comes_again_with_its_text(db: Database) -> None:
    from dataclasses import replace

    store = VersionStore(db)
    empty = replace(page(GOV.format(1), ""), empty_reason="no article text")
    store.record(empty)
    [first] = read_changes(db).rows
    assert (first["text"], first["empty_reason"]) == ("", "no article text")
    found = page(GOV.format(1), "附件：实施细则。", DAY1 + timedelta(days=1))
    assert store.record(found, reprocessed=True).outcome.value == "filled"
    [again] = read_changes(db, first["cursor"]).rows
    assert (again["change"], again["version"], again["text"], again["empty_reason"]) == (
        "version", 1, "附件：实施细则。", None)


def test_pages_of_a_long_feed_join_up_without_gaps_or_repeats(db: Database) -> None:
    store = VersionStore(db)
    for n in range(25):
        store.record(page(GOV.format(n), f"第{n}号文件"))
    cursor, seen = None, []
    while True:
        found = read_changes(db, cursor, limit=7)
        seen += [row["url"] for row in found.rows]
        cursor = found.next_cursor
        if not found.more:
            break
    assert seen == [GOV.format(n) for n in range(25)]
    rows, _ = drain(db, None, page=4)
    assert [row["url"] for row in rows] == seen


def test_one_sources_feed_moves_past_the_other_sources_changes(db: Database) -> None:
    store = VersionStore(db)
    store.record(page(GOV.format(1), "国务院通知"))
    store.record(page(SH.format(1), "上海通知", source="sh"))
    store.record(page(GOV.format(2), "国务院又一通知"))
    rows, cursor = drain(db, None, source="sh")
    assert [row["url"] for row in rows] == [SH.format(1)]
    assert cursor == read_changes(db).next_cursor  # past the gov change after it too
    store.record(page(SH.format(2), "上海又一通知", source="sh"))
    assert [row["url"] for row in read_changes(db, cursor, source="sh").rows] == [SH.format(2)]


def test_a_cursor_no_read_handed_out_is_refused_with_what_a_cursor_looks_like(db: Database) -> None:
    for wrong in ("yesterday", "0-12", "3-", "-4", "1.5"):
        with pytest.raises(FeedCursorError, match="like 1520"):
            read_changes(db, wrong)
    assert parse_cursor(" 15 ") == 15


def test_the_latest_versions_view_answers_the_one_obvious_query_and_is_read_only(db: Database) -> None:
    store = VersionStore(db)
    store.record(page(GOV.format(1), "第一稿"))
    store.record(page(GOV.format(1), "第二稿", DAY1 + timedelta(days=1)))
    store.record(page(GOV.format(2), "第二稿"))  # the same text elsewhere: a duplicate
    with db.engine.connect() as connection:
        rows = connection.execute(text(
            "SELECT url, version, text, duplicate_of, status FROM latest_versions ORDER BY url"
        )).all()
        assert [tuple(row) for row in rows] == [
            (GOV.format(1), 2, "第二稿", None, "live"), (GOV.format(2), 1, "第二稿", GOV.format(1), "live"),
        ]
        with pytest.raises(Exception, match="(?i)view|cannot|not updatable"):
            connection.execute(text("UPDATE latest_versions SET text = 'forged'"))
        connection.rollback()


def test_the_view_says_which_family_a_text_is_in_and_which_pages_had_no_text(db: Database) -> None:
    from dataclasses import replace

    from pipeline.near_duplicates import text_signature

    notice = "现将有关事项通知如下：一、各单位于三月底前报送防汛值班表。二、值班人员须二十四小时在岗。"
    repost = "新华社北京3月25日电 " + notice + "（编辑：王明）"
    store = VersionStore(db)
    for url, words, seen in ((GOV.format(1), notice, DAY1), (GOV.format(2), repost, DAY1 + timedelta(hours=1))):
        store.record(replace(page(url, words, seen), signature=text_signature(words)))
    store.record(replace(page(GOV.format(3), ""), empty_reason="no article text found"))
    family = store.family(GOV.format(2))
    with db.engine.connect() as connection:
        rows = connection.execute(text(
            "SELECT url, family_id, canonical_url, empty_reason FROM latest_versions ORDER BY url"
        )).all()
    assert [tuple(row) for row in rows[:2]] == [
        (GOV.format(1), family.family_id, GOV.format(1), None),
        (GOV.format(2), family.family_id, GOV.format(1), None),
    ]
    assert rows[2].url == GOV.format(3) and rows[2].empty_reason == "no article text found"
    assert rows[2].family_id != family.family_id


def test_an_archive_from_before_the_feed_is_in_it_from_the_start(db_url: str) -> None:
    # Build a store at the revision before the feed, write to it, then open it (which migrates).
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    if make_url(db_url).get_backend_name() == "sqlite":
        Path(make_url(db_url).database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(db_url)
    with engine.begin() as connection:
        command.upgrade(migration_config(connection), "0006")
        connection.execute(text(
            "INSERT INTO documents (id, url, source, status, first_seen, last_seen, gone_at)"
            " VALUES (1, :a, 'gov', 'gone', :d1, :d1, :d3), (2, :b, 'gov', 'live', :d2, :d2, NULL)"
        ), {"a": GOV.format(1), "b": GOV.format(2), "d1": DAY1, "d2": DAY1 + timedelta(days=1),
            "d3": DAY1 + timedelta(days=2)})
        connection.execute(text(
            "INSERT INTO versions (document_id, number, text, text_sha256, extractor_version, reason,"
            " first_seen, last_seen) VALUES (1, 1, '旧文', :s1, '1', 'new', :d1, :d1),"
            " (2, 1, '新文', :s2, '1', 'new', :d2, :d2)"
        ), {"s1": "1" * 64, "s2": "2" * 64, "d1": DAY1, "d2": DAY1 + timedelta(days=1)})
    engine.dispose()
    db = open_database(db_url)
    try:
        rows = read_changes(db).rows
        assert [(row["change"], row["url"]) for row in rows] == [
            ("version", GOV.format(1)), ("version", GOV.format(2)), ("gone", GOV.format(1)),
        ]
        VersionStore(db).record(page(GOV.format(3), "迁移后的新文"))
        assert [row["url"] for row in read_changes(db, rows[-1]["cursor"]).rows] == [GOV.format(3)]
    finally:
        db.dispose()


@pytest.mark.postgres
def test_a_lower_id_committed_after_a_higher_one_was_read_is_not_skipped(pg_url: str) -> None:
    # Two writers: the first takes its sequence values, then stays open; the
    # second takes higher ones and commits first. A reader going by id alone
    # would read the second's change, move past it, and never see the first's.
    db = open_database(pg_url)
    try:
        store = VersionStore(db)
        store.record(page(GOV.format(0), "起点"))
        start = read_changes(db).next_cursor
        slow = db.engine.connect()
        slow_transaction = slow.begin()
        slow.execute(text(
            "INSERT INTO documents (url, source, status, first_seen, last_seen) VALUES (:url, 'gov', 'live', :d, :d)"
        ), {"url": GOV.format(1), "d": DAY1})
        slow.execute(text(
            "INSERT INTO versions (document_id, number, text, text_sha256, extractor_version, reason, first_seen,"
            " last_seen) SELECT id, 1, '慢的一篇', :sha, '1', 'new', :d, :d FROM documents WHERE url = :url"
        ), {"url": GOV.format(1), "d": DAY1, "sha": "1" * 64})
        store.record(page(GOV.format(2), "快的一篇"))  # commits while the slow one is still open
        fast = read_changes(db, start)
        assert [row["url"] for row in fast.rows] == [GOV.format(2)]
        slow_transaction.commit()
        slow.close()
        with db.session() as session:
            ids = dict(session.execute(
                select(Document.url, Change.id).join(Change, Change.document_id == Document.id)
            ).all())
        assert ids[GOV.format(1)] < ids[GOV.format(2)]  # the slow one's row id is lower, and committed later
        late = read_changes(db, fast.next_cursor)
        assert [row["url"] for row in late.rows] == [GOV.format(1)]
        assert read_changes(db, late.next_cursor).rows == []
    finally:
        db.dispose()


@pytest.mark.postgres
def test_a_long_transaction_that_records_no_change_holds_no_reader_back(pg_url: str) -> None:
    # A bulk load, a long migration, another program's work: open and writing, but not to the feed.
    db = open_database(pg_url)
    try:
        busy = db.engine.connect()
        busy_transaction = busy.begin()
        busy.execute(text("INSERT INTO crawl_runs (source, started_at, outcome, pages_fetched, new_documents,"
                          " new_versions, unchanged, duplicates, errors) VALUES ('other', :d, 'running', 0, 0, 0, 0, 0, 0)"),
                     {"d": DAY1})
        VersionStore(db).record(page(GOV.format(1), "不等别人"))
        assert [row["url"] for row in read_changes(db).rows] == [GOV.format(1)]
        busy_transaction.rollback()
        busy.close()
    finally:
        db.dispose()


def _all_changes(db: Database) -> tuple[int, int, int]:
    with db.session() as session:
        versions = session.scalar(select(func.count(Version.id)))
        changes = session.scalar(select(func.count(Change.id)))
        gone = session.scalar(select(func.count(Change.id)).where(Change.kind == "gone"))
    return versions, changes, gone


@pytest.mark.slow
def test_a_reader_following_the_feed_during_crawls_gets_every_change_once(
    test_site, db_url: str, tmp_path: Path,  # noqa: F811
) -> None:
    data_dir = tmp_path / "data"
    test_site.server.delay = 0.05  # long enough for many reads to overlap the writes
    db = open_database(db_url)
    seen: list[dict] = []
    cursor = None
    try:
        for state in (1, 2):
            test_site.use_state(state)
            crawl = subprocess.Popen(
                scrapy_crawl_command(test_site, db_url, data_dir), cwd=REPO_ROOT, env=subprocess_env(),
                stdout=subprocess.DEVNULL, stderr=(tmp_path / f"crawl-{state}.log").open("w"),
            )
            reads_during_crawl = 0
            while crawl.poll() is None:
                found = read_changes(db, cursor, limit=3)  # small pages: many reads, many cursors
                seen += found.rows
                cursor = found.next_cursor
                reads_during_crawl += 1
                time.sleep(0.01)
            assert crawl.returncode == 0, (tmp_path / f"crawl-{state}.log").read_text()[-4000:]
            assert reads_during_crawl > 5
        rows, cursor = drain(db, cursor)
        seen += rows
    finally:
        test_site.server.delay = 0
    try:
        versions, changes, gone = _all_changes(db)
        cursors = [row["cursor"] for row in seen]
        assert len(cursors) == len(set(cursors)) == changes  # each once, none missing
        assert sum(row["change"] == "version" for row in seen) == versions > 0
        assert sum(row["change"] == "gone" for row in seen) == gone == 1  # article 105 was removed
        assert [int(c) for c in cursors] == sorted(int(c) for c in cursors)
        assert read_changes(db, cursor).rows == []
    finally:
        db.dispose()
