"""Benchmark: the read API's answer times on a store of 100,000 versions.

Run:  .venv/bin/python -m bench.web_bench [--versions 100000] [--requests 300] [--db URL]

1. Builds a store (SQLite in a temporary folder unless --db names an empty
   PostgreSQL database): 25,000 documents over 5 sources, 4 versions each,
   every version with its capture row; texts of 8 to 16 paragraphs of the
   synthetic site's sentences, each version rewriting one paragraph of the
   one before, as corrections do. One document in 50 is gone.
2. Starts ``dangan serve`` on it, in a process of its own, and asks it over
   HTTP, one request at a time, `--requests` times each (after a warm-up),
   for documents picked at random:
   - ``history``: ``GET /api/documents/{id}/versions`` (target: median < 50 ms);
   - ``diff``: ``GET /api/documents/{id}/diff`` (target: median < 50 ms);
   - ``filtered list``: ``GET /api/documents?source=…&status=live&seen_from=…&limit=50&offset=…``
     at a random offset in the first 2,000 (target: median < 100 ms);
   - ``text search``: the same with ``q=`` a phrase from the texts (no target: a scan);
   - ``floor``: ``GET /api/documents/{id}``, one row by its key: what any
     answer costs (HTTP, the framework, opening a session, the client),
     measured in the same run as the baseline the others are divided by.
3. Prints p50 and p95 of each, in milliseconds and as a multiple of the
   floor's median, and writes them to bench/results/web_api_sqlite.json (or
   web_api_postgresql.json).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import httpx

from bench.synthetic_site import SENTENCES

RESULTS = Path(__file__).parent / "results"
REPO_ROOT = Path(__file__).resolve().parent.parent
VERSIONS_PER_DOCUMENT = 4
SOURCES = 5
_CHUNK = 2_000
TARGETS_MS = {"history": 50.0, "diff": 50.0, "filtered list": 100.0}


def build_store(db_url: str, versions: int, seed: int = 7) -> int:
    """Fill the empty store at `db_url` with `versions` versions; return how many documents."""
    from sqlalchemy import insert

    from storage.database import open_database
    from storage.models import Capture, Document, Version

    db = open_database(db_url)
    pick = random.Random(seed)
    start = datetime(2026, 1, 1)
    documents = versions // VERSIONS_PER_DOCUMENT
    with db.engine.begin() as connection:
        for first in range(1, documents + 1, _CHUNK):
            ids = range(first, min(first + _CHUNK, documents + 1))
            document_rows, captures, rows = [], [], []
            for n in ids:
                url = f"http://www.example{n % SOURCES}.gov.cn/art/2026/{n}.html"
                gone = n % 50 == 0
                last = start + timedelta(days=40, minutes=n)
                document_rows.append({
                    "id": n, "url": url, "source": f"gov-{n % SOURCES}", "status": "gone" if gone else "live",
                    "first_seen": start + timedelta(minutes=n), "last_seen": last,
                    "gone_at": last + timedelta(days=1) if gone else None,
                })
                paragraphs = ["".join(pick.choice(SENTENCES) for _ in range(pick.randint(2, 5)))
                              for _ in range(pick.randint(8, 16))]
                for number in range(1, VERSIONS_PER_DOCUMENT + 1):
                    if number > 1:  # a correction: one paragraph rewritten in part
                        at = pick.randrange(len(paragraphs))
                        cut = pick.randrange(len(paragraphs[at]))
                        paragraphs[at] = paragraphs[at][:cut] + pick.choice(SENTENCES) + paragraphs[at][cut + 5:]
                    text = "\n".join(paragraphs)
                    version_id = (n - 1) * VERSIONS_PER_DOCUMENT + number
                    seen = start + timedelta(days=10 * (number - 1), minutes=n)
                    captures.append({
                        "id": version_id, "source": f"gov-{n % SOURCES}", "url": url, "status_code": 200,
                        "content_type": "text/html; charset=utf-8", "fetched_at": seen,
                        "warc_file": "warc/bench.warc.gz", "warc_offset": version_id * 4000, "warc_length": 4000,
                        "warc_record_id": f"<urn:uuid:bench-{version_id}>", "payload_sha256": "0" * 64,
                        "processed_at": seen, "document_id": n, "version_id": version_id,
                    })
                    rows.append({
                        "id": version_id, "document_id": n, "number": number, "capture_id": version_id,
                        "title": f"关于第{n}号工作的通知", "published": "2026-01-01", "origin": "市人民政府办公室",
                        "text": text, "text_sha256": hashlib.sha256(text.encode()).hexdigest(),
                        "encoding": "utf-8", "encoding_reason": "http-header", "extractor_version": "bench",
                        "reason": "new" if number == 1 else "changed", "first_seen": seen,
                        "last_seen": seen + timedelta(days=9),
                    })
            connection.execute(insert(Document), document_rows)
            connection.execute(insert(Capture), [{**c, "version_id": None} for c in captures])
            connection.execute(insert(Version), rows)
            # captures -> versions -> captures is a cycle: link them once both exist.
            from sqlalchemy import bindparam, update

            connection.execute(
                update(Capture).where(Capture.id == bindparam("cid")).values(version_id=bindparam("vid")),
                [{"cid": c["id"], "vid": c["version_id"]} for c in captures],
            )
        if connection.dialect.name == "postgresql":
            # What autovacuum would do a minute after such a load: without
            # statistics the planner takes every table for a handful of rows.
            connection.exec_driver_sql("ANALYZE")
    db.dispose()
    return documents


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(db_url: str, data_dir: Path) -> tuple[subprocess.Popen, str]:
    """``dangan serve`` on a free port; returns the process and its base URL once it answers."""
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "dangan", "serve", "--db", db_url, "--data-dir", str(data_dir), "--port", str(port)],
        cwd=REPO_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            httpx.get(base + "/openapi.json", timeout=5)
            return server, base
        except httpx.TransportError:
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"dangan serve did not start:\n{server.stderr.read()}")
            time.sleep(0.2)


def timed(client: httpx.Client, paths: Callable[[], str], count: int, warmup: int = 20) -> list[float]:
    """Milliseconds for `count` GETs of the paths `paths` makes, each checked to be a 200."""
    times = []
    for index in range(warmup + count):
        path = paths()
        started = time.perf_counter()
        answer = client.get(path)
        elapsed = (time.perf_counter() - started) * 1000
        if answer.status_code != 200:
            raise RuntimeError(f"{path}: {answer.status_code} {answer.text[:300]}")
        if index >= warmup:
            times.append(elapsed)
    return times


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--versions", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--db", help="an empty database to fill (default: SQLite in a temporary folder)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="dangan-web-bench-") as folder:
        data_dir = Path(folder)
        from core.settings import database_url

        db_url = args.db or database_url(None, data_dir)
        started = time.perf_counter()
        documents = build_store(db_url, args.versions)
        print(f"store: {args.versions:,} versions of {documents:,} documents, built in "
              f"{time.perf_counter() - started:.0f} s ({db_url.split(':')[0]})")
        server, base = start_server(db_url, data_dir)
        pick = random.Random(11)
        seen_from = (datetime(2026, 1, 1) + timedelta(days=20)).date().isoformat()
        phrase = SENTENCES[3][:6]
        cases: dict[str, Callable[[], str]] = {
            "floor": lambda: f"/api/documents/{pick.randint(1, documents)}",
            "history": lambda: f"/api/documents/{pick.randint(1, documents)}/versions",
            "diff": lambda: f"/api/documents/{pick.randint(1, documents)}/diff",
            "filtered list": lambda: (f"/api/documents?source=gov-{pick.randrange(SOURCES)}&status=live"
                                      f"&seen_from={seen_from}&limit=50&offset={pick.randrange(0, 2000, 50)}"),
            "text search": lambda: f"/api/documents?source=gov-{pick.randrange(SOURCES)}&q={phrase}&limit=50",
        }
        results: dict[str, dict] = {}
        try:
            with httpx.Client(base_url=base, timeout=60) as client:
                for name, paths in cases.items():
                    count = args.requests if name != "text search" else max(20, args.requests // 10)
                    times = timed(client, paths, count, warmup=5 if name == "text search" else 20)
                    results[name] = {"requests": count, "p50_ms": statistics.median(times),
                                     "p95_ms": percentile(times, 0.95)}
        finally:
            server.terminate()
            server.wait(timeout=30)

    floor = results["floor"]["p50_ms"]
    print(f"{'request':<15} {'p50 ms':>8} {'p95 ms':>8} {'p50 / floor':>12}  target")
    for name, figures in results.items():
        figures["p50_over_floor"] = figures["p50_ms"] / floor
        target = TARGETS_MS.get(name)
        verdict = f"median < {target:.0f} ms: {'met' if figures['p50_ms'] < target else 'NOT met'}" if target else ""
        print(f"{name:<15} {figures['p50_ms']:>8.1f} {figures['p95_ms']:>8.1f} {figures['p50_over_floor']:>11.1f}x  {verdict}")
    backend = db_url.split(":")[0].split("+")[0]
    written = RESULTS / f"web_api_{backend}.json"
    RESULTS.mkdir(parents=True, exist_ok=True)
    written.write_text(json.dumps({
        "when": datetime.now().isoformat(timespec="seconds"), "versions": args.versions, "documents": documents,
        "database": db_url.split(":")[0], "results": results, "targets_ms": TARGETS_MS,
    }, indent=2), encoding="utf-8")
    print(f"written to {written}")


if __name__ == "__main__":
    main()
