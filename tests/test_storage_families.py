"""Families recorded through VersionStore.record and read back, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timedelta

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
