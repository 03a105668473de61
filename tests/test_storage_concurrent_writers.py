"""Several processes recording the same pages into one store at once: each document and version exactly once.

Real processes (multiprocessing, spawned), one real store: a SQLite file, then
a PostgreSQL schema. Every process records every page, in its own order, at
the same moment (a barrier starts them together), so the same URL and the
same text race in several transactions; copies of one text on several URLs
race for which is the original. A second round changes half the texts.
"""

from __future__ import annotations

import multiprocessing
import random
from collections import Counter
from datetime import datetime, timedelta

from sqlalchemy import select

from core.article import Article
from pipeline.fingerprint import text_sha256
from pipeline.near_duplicates import text_signature
from storage.database import open_database
from storage.models import Document, Version
from storage.versions import Outcome, PageRecord, VersionStore

PROCESSES = 4
TEXTS = 10
COPIES = 3  # URLs carrying each first-round text
CHANGED = 15  # URLs whose text changes in the second round: the first five texts' copies, all of them
DAY1 = datetime(2026, 11, 1, 8, 0)
DAY2 = DAY1 + timedelta(days=1)


def _text(seed: int) -> str:
    chosen = random.Random(seed)
    return "。\n".join(
        "".join(chr(chosen.randrange(0x4E00, 0x9FA5)) for _ in range(40)) for _ in range(5)
    ) + "。"


def _url(n: int) -> str:
    return f"http://www.example.gov.cn/art/2026/11/{n}.html"


def _rounds() -> list[dict[str, str]]:
    """The text each URL carries in round 1 and round 2 (only the URLs that changed)."""
    first = {_url(n): _text(n // COPIES) for n in range(TEXTS * COPIES)}
    second = {_url(n): _text(1000 + n) for n in range(CHANGED)}
    return [first, second]


def _page(url: str, text: str, seen_at: datetime) -> PageRecord:
    return PageRecord(
        url=url, source="gov", capture_id=None, seen_at=seen_at, article=Article(title="通知", text=text),
        text_sha256=text_sha256(text), extractor_version="1", signature=text_signature(text),
    )


def _record_all(url: str, worker: int, barrier, outcomes) -> None:
    """One writer process: record every page of each round, in an order of its own."""
    db = open_database(url)
    try:
        store = VersionStore(db)
        for seen_at, texts in zip((DAY1, DAY2), _rounds()):
            pages = list(texts.items())
            random.Random(worker).shuffle(pages)
            barrier.wait(timeout=120)
            for page_url, text in pages:
                outcomes.put(store.record(_page(page_url, text, seen_at)).outcome.value)
    finally:
        db.dispose()


def test_concurrent_writers_store_each_document_and_version_once(db_url: str) -> None:
    open_database(db_url).dispose()  # migrated once, as a deployment would be
    spawn = multiprocessing.get_context("spawn")
    barrier = spawn.Barrier(PROCESSES)
    outcomes = spawn.Queue()
    workers = [spawn.Process(target=_record_all, args=(db_url, n, barrier, outcomes)) for n in range(PROCESSES)]
    for worker in workers:
        worker.start()
    expected_records = PROCESSES * sum(len(texts) for texts in _rounds())
    reported = Counter(outcomes.get(timeout=300) for _ in range(expected_records))
    for worker in workers:
        worker.join(timeout=120)
    assert [worker.exitcode for worker in workers] == [0] * PROCESSES

    first, second = _rounds()
    # Each new document, copy and new version was reported by exactly one writer.
    assert reported[Outcome.NEW_DOCUMENT.value] == TEXTS
    assert reported[Outcome.DUPLICATE.value] == TEXTS * (COPIES - 1)
    assert reported[Outcome.NEW_VERSION.value] == CHANGED

    db = open_database(db_url)
    try:
        with db.session() as session:
            documents = {d.url: d for d in session.scalars(select(Document))}
            versions = session.execute(
                select(Document.url, Version.number, Version.text, Version.family_id)
                .join(Version, Version.document_id == Document.id)
            ).all()
    finally:
        db.dispose()

    assert sorted(documents) == sorted(first)
    numbers = Counter(row.url for row in versions)
    assert numbers == {url: 2 if url in second else 1 for url in first}
    texts = {(row.url, row.number): row.text for row in versions}
    assert texts == {**{(url, 1): text for url, text in first.items()},
                     **{(url, 2): text for url, text in second.items()}}

    # Of the URLs still sharing a text, exactly one is the original and the others
    # point to it; copies whose text changed are documents in their own right.
    by_id = {d.id: d for d in documents.values()}
    assert all(documents[url].duplicate_of_id is None for url in second)
    for group in range(CHANGED // COPIES, TEXTS):
        urls = [_url(group * COPIES + i) for i in range(COPIES)]
        originals = [u for u in urls if documents[u].duplicate_of_id is None]
        assert len(originals) == 1, (group, originals)
        assert {by_id[documents[u].duplicate_of_id].url for u in urls if u not in originals} == set(originals)

    # One family per first-round text, one for each changed text.
    family = {(row.url, row.number): row.family_id for row in versions}
    first_families = {_text(group): {family[(_url(group * COPIES + i), 1)] for i in range(COPIES)}
                      for group in range(TEXTS)}
    assert all(len(ids) == 1 for ids in first_families.values())
    second_families = {family[(url, 2)] for url in second}
    assert len(second_families) == CHANGED
    assert len(set().union(*first_families.values()) | second_families) == TEXTS + CHANGED
