"""Families recorded through VersionStore.record and read back, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import delete, func, select, update

from core.article import Article
from core.errors import DocumentNotFound, StoreError
from pipeline.fingerprint import text_sha256
from pipeline.near_duplicates import text_signature
from storage.database import Database, open_database
from storage.families import family_of
from storage.models import FamilySignature, Version
from storage.versions import Outcome, PageRecord, VersionStore
from tests.family_pairs import NOTICES, REPOST_EDITS

CITY = "http://www.linjiang.gov.cn/zwgk/tzgg/1001.html"
COUNTY = "http://www.lj-county.gov.cn/xwzx/2024/0306/88.html"
PAPER = "http://www.ljdaily.com.cn/news/2024-03/07/content_5.htm"
DAY = datetime(2024, 3, 5, 9, 0)
TRAINING = NOTICES["cadre-training"]
STATISTICS = NOTICES["member-statistics"]


def page(url: str, text: str, *, seen_at: datetime = DAY, published: str | None = "2024-03-05",
         signed: bool = True) -> PageRecord:
    return PageRecord(
        url=url, source=url.split("/")[2], capture_id=None, seen_at=seen_at,
        article=Article(title=text.split("\n")[0][:30], published=published, text=text),
        text_sha256=text_sha256(text), extractor_version="1",
        signature=text_signature(text) if signed else None,
    )


@pytest.fixture
def store(db: Database) -> VersionStore:
    return VersionStore(db)


def test_reposts_on_other_sites_join_the_family_of_the_original(store: VersionStore, db: Database) -> None:
    original = store.record(page(CITY, TRAINING))
    county = store.record(page(COUNTY, REPOST_EDITS["all of them at once"](TRAINING),
                               seen_at=DAY + timedelta(days=1), published="2024-03-06"))
    paper = store.record(page(PAPER, REPOST_EDITS["traditional script"](TRAINING),
                              seen_at=DAY + timedelta(days=2), published="2024-03-07"))
    sibling = store.record(page("http://www.linjiang.gov.cn/zwgk/tzgg/1002.html", STATISTICS))

    assert original.family_id == county.family_id == paper.family_id != sibling.family_id
    assert county.outcome is Outcome.NEW_DOCUMENT  # not an exact duplicate: duplicate_of stays for those
    family = family_of(db, PAPER)
    assert family.canonical_url == CITY
    assert [m.url for m in family.members] == [CITY, COUNTY, PAPER]
    assert family_of(db, "http://www.linjiang.gov.cn/zwgk/tzgg/1002.html").canonical_url.endswith("1002.html")


def test_the_canonical_copy_is_the_earliest_published_not_the_first_seen(store: VersionStore, db: Database) -> None:
    # The archive reached the county's repost first, but the city published first.
    store.record(page(COUNTY, REPOST_EDITS["header line"](TRAINING), published="2024-03-06"))
    assert family_of(db, COUNTY).canonical_url == COUNTY
    store.record(page(CITY, TRAINING, seen_at=DAY + timedelta(days=3), published="2024-03-05"))
    assert family_of(db, COUNTY).canonical_url == CITY
    # A copy with no date never outranks a dated one.
    store.record(page(PAPER, REPOST_EDITS["dateline"](TRAINING), seen_at=DAY - timedelta(days=9), published=None))
    assert family_of(db, PAPER).canonical_url == CITY


def test_an_exact_duplicate_is_both_a_duplicate_and_in_the_family(store: VersionStore) -> None:
    first = store.record(page(CITY, TRAINING))
    copy = store.record(page(COUNTY, TRAINING, seen_at=DAY + timedelta(hours=1)))
    assert (copy.outcome, copy.duplicate_of, copy.family_id) == (Outcome.DUPLICATE, CITY, first.family_id)


def test_a_correction_stays_and_a_new_text_leaves(store: VersionStore, db: Database) -> None:
    city = store.record(page(CITY, TRAINING))
    store.record(page(COUNTY, REPOST_EDITS["editor's note"](TRAINING), published="2024-03-06"))
    corrected = store.record(page(CITY, TRAINING.replace("三月二十日报到", "三月二十二日报到"),
                                  seen_at=DAY + timedelta(days=1)))
    assert (corrected.outcome, corrected.version_number, corrected.family_id) == (
        Outcome.NEW_VERSION, 2, city.family_id)

    # The city's page now carries another notice: its document leaves the family,
    # which keeps the county's copy as its canonical one.
    replaced = store.record(page(CITY, STATISTICS, seen_at=DAY + timedelta(days=2)))
    assert replaced.outcome is Outcome.NEW_VERSION and replaced.family_id != city.family_id
    left_behind = family_of(db, COUNTY)
    assert (left_behind.family_id, left_behind.canonical_url) == (city.family_id, COUNTY)
    assert [m.url for m in left_behind.members] == [COUNTY]
    assert family_of(db, CITY).family_id == replaced.family_id


def test_the_index_survives_reopening_the_store(db_url: str) -> None:
    first = open_database(db_url)
    family = VersionStore(first).record(page(CITY, TRAINING)).family_id
    first.dispose()
    reopened = open_database(db_url)
    try:
        repost = VersionStore(reopened).record(page(PAPER, REPOST_EDITS["trimmed signature"](TRAINING)))
        assert repost.family_id == family
        with reopened.session() as session:
            stored = session.scalars(select(FamilySignature.band_keys)).all()
        assert [len(keys) for keys in stored] == [32 * 8, 32 * 8]
    finally:
        reopened.dispose()


def test_a_text_without_a_signature_is_a_family_of_its_own(store: VersionStore) -> None:
    first = store.record(page(CITY, TRAINING))
    unsigned = store.record(page(COUNTY, TRAINING, signed=False))
    assert unsigned.family_id is not None and unsigned.family_id != first.family_id


def test_a_version_from_before_families_gets_one_when_reprocessed(store: VersionStore, db: Database) -> None:
    store.record(page(CITY, TRAINING))
    with db.session(write=True) as session:  # what a store migrated from 0003 holds
        session.execute(delete(FamilySignature))
        session.execute(update(Version).values(family_id=None))
        session.commit()
    with pytest.raises(StoreError, match="dangan reprocess"):
        family_of(db, CITY)
    again = store.record(page(CITY, TRAINING, seen_at=DAY + timedelta(days=1)), reprocessed=True)
    assert again.outcome is Outcome.UNCHANGED and again.family_id is not None
    repost = store.record(page(COUNTY, REPOST_EDITS["half-width punctuation"](TRAINING)))
    assert repost.family_id == again.family_id


def test_an_unknown_url_is_named(db: Database) -> None:
    with pytest.raises(DocumentNotFound, match="http://nowhere.gov.cn/"):
        family_of(db, "http://nowhere.gov.cn/")


def test_export_carries_the_family_and_its_canonical_url(store: VersionStore) -> None:
    store.record(page(COUNTY, REPOST_EDITS["dateline"](TRAINING), published="2024-03-06"))
    store.record(page(CITY, TRAINING, seen_at=DAY + timedelta(days=1)))
    store.record(page("http://www.linjiang.gov.cn/zwgk/tzgg/1002.html", STATISTICS))
    rows = {row["url"]: row for row in store.export()}
    assert rows[COUNTY]["family_id"] == rows[CITY]["family_id"] != rows[
        "http://www.linjiang.gov.cn/zwgk/tzgg/1002.html"]["family_id"]
    assert rows[COUNTY]["canonical_url"] == rows[CITY]["canonical_url"] == CITY
    every = list(store.export(all_versions=True))
    assert {row["canonical_url"] for row in every if row["url"] in (CITY, COUNTY)} == {CITY}


def test_copies_recorded_at_once_by_two_writers_join_one_family(db: Database) -> None:
    # Two workers recording two copies of one notice at the same moment: on
    # PostgreSQL neither sees the other's uncommitted rows, so without the
    # band-key locks each would start a family of its own.
    import threading

    for round_number, name in enumerate(["cadre-training", "flood-duty", "village-election", "fee-collection"]):
        text = NOTICES[name]
        copies = [(f"{CITY}?n={round_number}", text), (f"{COUNTY}?n={round_number}", REPOST_EDITS["dateline"](text))]
        start = threading.Barrier(len(copies))
        results: dict[str, int | None] = {}

        def record(url: str, copy: str) -> None:
            store = VersionStore(db)
            start.wait()
            results[url] = store.record(page(url, copy)).family_id

        threads = [threading.Thread(target=record, args=copy) for copy in copies]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(set(results.values())) == 1 and None not in results.values(), (name, results)


def test_a_store_from_before_0013_keeps_its_families_and_its_index(db_url: str) -> None:
    # A store at 0012 holds band keys as rows of family_bands; opening it migrates them
    # into one blob per version, and a repost recorded afterwards finds the old copy.
    from alembic import command
    from sqlalchemy import create_engine, inspect, text
    from sqlalchemy.engine import make_url

    from storage.database import migration_config
    from storage.families import band_keys, packed_band_keys

    if make_url(db_url).get_backend_name() == "sqlite":
        Path(make_url(db_url).database).parent.mkdir(parents=True, exist_ok=True)
    signatures = {1: text_signature(TRAINING), 2: text_signature(STATISTICS)}
    engine = create_engine(db_url)
    with engine.begin() as connection:
        command.upgrade(migration_config(connection), "0012")
        for number, url in ((1, CITY), (2, "http://www.linjiang.gov.cn/zwgk/tzgg/1002.html")):
            connection.execute(text(
                "INSERT INTO documents (id, url, source, status, first_seen, last_seen)"
                " VALUES (:id, :url, 'gov', 'live', :day, :day)"), {"id": number, "url": url, "day": DAY})
            connection.execute(text(
                "INSERT INTO versions (id, document_id, number, text, text_sha256, extractor_version, reason,"
                " first_seen, last_seen, published) VALUES (:id, :id, 1, :text, :sha, '1', 'new', :day, :day,"
                " '2024-03-05')"), {"id": number, "text": [TRAINING, STATISTICS][number - 1],
                                    "sha": text_sha256([TRAINING, STATISTICS][number - 1]), "day": DAY})
            connection.execute(text("INSERT INTO families (id, canonical_version_id) VALUES (:id, :id)"), {"id": number})
            connection.execute(text("UPDATE versions SET family_id = :id WHERE id = :id"), {"id": number})
            connection.execute(text("INSERT INTO family_signatures (version_id, signature) VALUES (:id, :sig)"),
                               {"id": number, "sig": signatures[number]})
            connection.execute(text("INSERT INTO family_bands (band_key, version_id) VALUES (:key, :id)"),
                               [{"key": key, "id": number} for key in band_keys(signatures[number])])
        if engine.dialect.name == "postgresql":  # rows inserted with their ids: move the sequences past them
            for table in ("documents", "versions", "families"):
                connection.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), 2)"))
    engine.dispose()
    db = open_database(db_url)
    try:
        with db.session() as session:
            stored = dict(session.execute(select(FamilySignature.version_id, FamilySignature.band_keys)).all())
            assert "family_bands" not in inspect(session.connection()).get_table_names()
        assert {version_id: bytes(keys) for version_id, keys in stored.items()} == {
            number: packed_band_keys(np.array(band_keys(signature))) for number, signature in signatures.items()}
        repost = VersionStore(db).record(page(COUNTY, REPOST_EDITS["trimmed signature"](TRAINING),
                                              seen_at=DAY + timedelta(days=1), published="2024-03-06"))
        assert repost.family_id == 1
        assert [m.url for m in family_of(db, COUNTY).members] == [CITY, COUNTY]
    finally:
        db.dispose()


def test_a_copy_recorded_by_another_process_is_found(db_url: str) -> None:
    # Two stores open on one database stand for two processes: each keeps its own
    # index in memory, loaded on its first lookup and caught up before each later one.
    first, second = open_database(db_url), open_database(db_url)
    try:
        VersionStore(second).record(page("http://www.linjiang.gov.cn/zwgk/tzgg/1002.html", STATISTICS))  # loads its index
        original = VersionStore(first).record(page(CITY, TRAINING))
        repost = VersionStore(second).record(page(COUNTY, REPOST_EDITS["dateline"](TRAINING)))
        assert repost.family_id == original.family_id
    finally:
        first.dispose()
        second.dispose()


@pytest.mark.postgres
def test_a_lower_version_id_committed_after_a_higher_one_was_read_is_still_found(pg_url: str) -> None:
    # PostgreSQL hands out ids when rows are inserted, not when they commit: a slow
    # writer's version can become visible after a higher id was read by the index.
    from sqlalchemy import text

    from storage.families import band_keys, packed_band_keys

    db = open_database(pg_url)
    try:
        store = VersionStore(db)
        store.record(page("http://www.linjiang.gov.cn/zwgk/tzgg/1000.html", NOTICES["flood-duty"]))
        signature = text_signature(TRAINING)
        slow = db.engine.connect()
        slow_transaction = slow.begin()
        slow.execute(text("INSERT INTO documents (url, source, status, first_seen, last_seen)"
                          " VALUES (:url, 'gov', 'live', :day, :day)"), {"url": CITY, "day": DAY})
        version_id = slow.execute(text(
            "INSERT INTO versions (document_id, number, text, text_sha256, extractor_version, reason, first_seen,"
            " last_seen) SELECT id, 1, :text, :sha, '1', 'new', :day, :day FROM documents WHERE url = :url"
            " RETURNING id"), {"url": CITY, "text": TRAINING, "sha": text_sha256(TRAINING), "day": DAY}).scalar_one()
        family_id = slow.execute(text("INSERT INTO families (canonical_version_id) VALUES (:id) RETURNING id"),
                                 {"id": version_id}).scalar_one()
        slow.execute(text("UPDATE versions SET family_id = :family WHERE id = :id"), {"family": family_id, "id": version_id})
        slow.execute(text("INSERT INTO family_signatures (version_id, signature, band_keys) VALUES (:id, :sig, :keys)"),
                     {"id": version_id, "sig": signature, "keys": packed_band_keys(np.array(band_keys(signature)))})
        # A higher id commits, and the next lookup reads past the slow one's while it is still open.
        store.record(page("http://www.linjiang.gov.cn/zwgk/tzgg/1002.html", STATISTICS))
        store.record(page("http://www.linjiang.gov.cn/zwgk/tzgg/1003.html", NOTICES["village-election"]))
        slow_transaction.commit()
        slow.close()
        repost = store.record(page(COUNTY, REPOST_EDITS["editor's note"](TRAINING)))
        assert repost.family_id == family_id
    finally:
        db.dispose()
