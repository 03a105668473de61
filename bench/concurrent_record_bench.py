"""Benchmark: pages versioned per second by 1, 2 and 4 writer processes on one store, SQLite against PostgreSQL.

Run:  .venv/bin/python -m bench.concurrent_record_bench [--pages 600] [--pg postgresql+psycopg://…/db]

Each run starts P spawned processes on a fresh store (a SQLite file; with
``--pg``, also a new schema in that database, dropped afterwards). The
pages are `--pages` synthetic notices, one in five a copy of another's
text; every process records its share of them (`VersionStore.record`: the
document, version 1, its family, in one transaction), all starting together
at a barrier. What is timed is the wall time from the barrier to the last
process done, so the figure is the store's write rate with P writers; the
ratio to the same backend's single writer is printed beside it (ratios
survive a loaded machine, absolute rates do not). Writes
bench/results/concurrent_record_bench.json.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import random
import tempfile
import time
import uuid
from datetime import datetime
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from core.article import Article
from pipeline.fingerprint import text_sha256
from pipeline.near_duplicates import text_signature
from storage.database import open_database
from storage.versions import PageRecord, VersionStore

RESULTS = Path(__file__).parent / "results" / "concurrent_record_bench.json"
WRITERS = (1, 2, 4)
SEEN = datetime(2026, 11, 1, 8, 0)


def _pages(count: int) -> list[PageRecord]:
    rng = random.Random(13)
    texts: list[str] = []
    for n in range(count):
        if n % 5 == 4:
            texts.append(texts[rng.randrange(n - 1)])  # a copy of an earlier page's text
        else:
            texts.append("。".join("".join(chr(rng.randrange(0x4E00, 0x9FA5)) for _ in range(60)) for _ in range(20)))
    return [
        PageRecord(url=f"http://www.example.gov.cn/art/{n}.html", source="bench", capture_id=None, seen_at=SEEN,
                   article=Article(title="通知", text=text), text_sha256=text_sha256(text), extractor_version="1",
                   signature=text_signature(text))
        for n, text in enumerate(texts)
    ]


def _writer(url: str, pages: list[PageRecord], barrier, done) -> None:
    db = open_database(url)
    store = VersionStore(db)
    barrier.wait(timeout=300)
    for page in pages:
        store.record(page)
    done.put(time.perf_counter())
    db.dispose()


def _timed_run(url: str, pages: list[PageRecord], writers: int) -> float:
    """Seconds from the barrier to the last of `writers` processes done."""
    open_database(url).dispose()
    spawn = multiprocessing.get_context("spawn")
    barrier = spawn.Barrier(writers + 1)
    done = spawn.Queue()
    shares = [pages[n::writers] for n in range(writers)]
    processes = [spawn.Process(target=_writer, args=(url, share, barrier, done)) for share in shares]
    for process in processes:
        process.start()
    barrier.wait(timeout=300)
    started = time.perf_counter()
    finished = max(done.get(timeout=900) for _ in processes)
    for process in processes:
        process.join()
    return finished - started


def _pg_schema_url(base: str, admin, schema: str) -> str:
    with admin.begin() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    return make_url(base).update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
        hide_password=False
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=600)
    parser.add_argument("--pg", help="a PostgreSQL URL; a new schema is made in it for each run and dropped")
    args = parser.parse_args()
    pages = _pages(args.pages)
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        backends = [("sqlite", None)] + ([("postgresql", args.pg)] if args.pg else [])
        for backend, base in backends:
            single = None
            for writers in WRITERS:
                schema = f"dangan_bench_{uuid.uuid4().hex[:12]}"
                admin = create_engine(base) if base else None
                url = _pg_schema_url(base, admin, schema) if base else f"sqlite:///{folder}/{writers}.db"
                try:
                    seconds = _timed_run(url, pages, writers)
                finally:
                    if admin is not None:
                        with admin.begin() as connection:
                            connection.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
                        admin.dispose()
                rate = len(pages) / seconds
                single = single or rate
                rows.append({"backend": backend, "writers": writers, "pages": len(pages),
                             "seconds": round(seconds, 2), "pages_per_s": round(rate, 1),
                             "vs_one_writer": round(rate / single, 2)})
    print(f"{'backend':<11}{'writers':>8}{'pages/s':>10}{'vs 1 writer':>13}")
    for row in rows:
        print(f"{row['backend']:<11}{row['writers']:>8}{row['pages_per_s']:>10}{row['vs_one_writer']:>13}")
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps({"measured_at": datetime.now().isoformat(timespec="seconds"), "rows": rows},
                                  indent=2))


if __name__ == "__main__":
    main()
