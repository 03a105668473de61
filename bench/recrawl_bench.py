"""Benchmark: a recrawl of an unchanged site against the first crawl of it.

Run:  .venv/bin/python -m bench.recrawl_bench [--articles 2000]

1. Builds the synthetic portal of bench/synthetic_site.py (N article pages,
   listing pages, a home page) and serves it on 127.0.0.1 from its own
   process, answering like nginx: an ETag and a Last-Modified on each page,
   304 to a conditional request that still holds.
2. Runs `dangan crawl` on it (crawl → WARC → extract → version → SQLite),
   timed end to end, as `bench.pipeline_bench` does.
3. Runs it again into the same store, nothing changed on the site: articles
   are asked for with If-None-Match / If-Modified-Since. Prints both times,
   the ratio (target: at least 10) and the share of article requests that
   were answered 304 (target: at least 95%). Steps 2 and 3 are a round;
   ``--rounds`` (default 3) of them run, each into a fresh store, and the
   median ratio is the result: core speed on the shared 2-core machine drifts
   by up to a third within minutes, and one slow minute moved a single
   round's ratio from 12 to 8.6. Every round's figures are printed too.
4. Serves the same files from a server that sends no validators (on the same
   address) and recrawls the last round's store a third time: the articles come whole, and the same
   bytes are kept as identical-payload revisits. Prints that ratio too.
5. While the first server still answers, runs `bench.scrapy_floor`: bare
   Scrapy asking for the same articles with the same validators and doing
   nothing else, the floor under any Scrapy-based recrawl. Prints its time
   beside the recrawl's run record (which also fetches the listing pages and
   robots.txt).
6. Prints the CPU seconds each crawl's processes used (the crawl and its
   workers), and their ratios: on a shared machine other users' load moves
   wall-clock times, and so the wall-clock ratio, far more than CPU time.
7. Prints what each crawl added to the archive on disk: WARC bytes and
   SQLite bytes per request (a recrawl's 304s are revisit records and
   capture rows too: the figure docs/scaling.md sizes a recrawl cadence by).
8. Writes every figure to bench/results/recrawl.json.

Each time includes starting the crawl process (imports, the worker pool,
recovery's scan of the WARC files), as an operator's scheduled recrawl pays
it; the run record's own start-to-finish time, without that, is printed too.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import func, select

from bench.pipeline_bench import run_pipeline
from bench.synthetic_site import build_site
from core.settings import SQLITE_FILE_NAME, database_url
from dangan.static_site import StaticSite
from storage.database import open_database
from storage.models import Capture, CrawlRun

RESULTS = Path(__file__).parent / "results" / "recrawl.json"
ARTICLE_URL = re.compile(r"/content/\d+\.html$")


def _serve(folder: str, port: int, validators: bool, port_queue) -> None:
    with StaticSite(Path(folder), port=port, validators=validators) as site:
        port_queue.put(site.base_url)
        while True:
            time.sleep(3600)


def _start_server(ctx, folder: Path, *, port: int, validators: bool):
    port_queue = ctx.Queue()
    server = ctx.Process(target=_serve, args=(str(folder), port, validators, port_queue), daemon=True)
    server.start()
    return server, port_queue.get(timeout=30)


def _last_run_articles(data_dir: Path) -> dict:
    """How the last run's article captures were kept: status and revisit profile, counted."""
    db = open_database(database_url(None, data_dir))
    try:
        with db.session() as session:
            run_id = session.scalar(select(func.max(CrawlRun.id)))
            run = session.get(CrawlRun, run_id)
            rows = session.execute(
                select(Capture.url, Capture.status_code, Capture.revisit).where(Capture.run_id == run_id)
            ).all()
    finally:
        db.dispose()
    articles = [(status, revisit) for url, status, revisit in rows if ARTICLE_URL.search(url)]
    return {
        "run_id": run_id,
        "run_seconds": (run.finished_at - run.started_at).total_seconds(),
        "article_requests": len(articles),
        "answered_304": sum(1 for status, _ in articles if status == 304),
        "identical_payload": sum(1 for _, revisit in articles if revisit == "identical-payload-digest"),
        "stored_whole": sum(1 for _, revisit in articles if revisit is None),
    }


def _scrapy_floor(data_dir: Path) -> dict:
    """`bench.scrapy_floor` over the store's article captures, in a process of its own (it runs a reactor)."""
    command = [sys.executable, "-m", "bench.scrapy_floor", "--data-dir", str(data_dir), "--source", "bench",
               "--only", ARTICLE_URL.pattern]
    finished = subprocess.run(command, capture_output=True, text=True, check=False)
    if finished.returncode != 0:
        raise SystemExit(f"bench.scrapy_floor failed ({finished.returncode}):\n{finished.stderr}")
    return json.loads(finished.stdout.strip().splitlines()[-1])


def _archive_bytes(data_dir: Path) -> dict:
    """Bytes on disk of the WARC files and of the SQLite store (with its WAL) in `data_dir`."""
    store = data_dir / SQLITE_FILE_NAME
    return {
        "warc_bytes": sum(path.stat().st_size for path in data_dir.rglob("*.warc.gz")),
        "sqlite_bytes": sum(path.stat().st_size for path in store.parent.glob(store.name + "*")),
    }


def _growth(before: dict, after: dict, requests: int) -> dict:
    """What a crawl added to the archive on disk, in all and per request it made."""
    return {f"{key}_added": after[key] - before[key] for key in after} | {
        f"{key}_per_request": round((after[key] - before[key]) / max(requests, 1), 1) for key in after
    }


def _crawl_pair(site_url: str, store: Path) -> dict:
    """One round: a first crawl of the site into the fresh `store`, then a recrawl of it, nothing changed."""
    empty = {"warc_bytes": 0, "sqlite_bytes": 0}
    first = run_pipeline(site_url, store)
    first["articles"] = _last_run_articles(store / "data")
    after_first = _archive_bytes(store / "data")
    first["disk"] = _growth(empty, after_first, first["captures"])
    recrawl = run_pipeline(site_url, store)
    recrawl["articles"] = _last_run_articles(store / "data")
    recrawl["disk"] = _growth(after_first, _archive_bytes(store / "data"), recrawl["captures"] - first["captures"])
    articles = recrawl["articles"]
    return {
        "first_crawl": first,
        "recrawl": recrawl,
        "ratio": first["seconds"] / recrawl["seconds"],
        "cpu_ratio": first["cpu_seconds"] / recrawl["cpu_seconds"],
        "run_record_ratio": first["articles"]["run_seconds"] / articles["run_seconds"],
        "share_304": articles["answered_304"] / articles["article_requests"] if articles["article_requests"] else 0.0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3,
                        help="first crawl and recrawl pairs, each into a fresh store; the median ratio is the result")
    args = parser.parse_args()
    ctx = multiprocessing.get_context("spawn")
    rounds: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="dangan-recrawl-bench-") as tmp:
        workdir = Path(tmp)
        site = workdir / "site"
        build_site(site, articles=args.articles)
        server, site_url = _start_server(ctx, site, port=0, validators=True)
        port = int(site_url.rsplit(":", 1)[1])
        store = workdir / "store-1"
        try:
            for number in range(1, args.rounds + 1):
                store = workdir / f"store-{number}"
                pair = _crawl_pair(site_url, store)
                rounds.append(pair)
                print(f"round {number}: first crawl {pair['first_crawl']['seconds']:.1f} s, "
                      f"recrawl {pair['recrawl']['seconds']:.1f} s, ratio {pair['ratio']:.1f}", flush=True)
            floor = _scrapy_floor(store / "data")
            print(f"bare Scrapy, the same conditional requests: {floor['seconds']:.1f} s", flush=True)
        finally:
            server.terminate()
            server.join()
        last = rounds[-1]
        first, recrawl = last["first_crawl"], last["recrawl"]
        # The same files and address, from a server that sends no validators, into the last round's store.
        server, _ = _start_server(ctx, site, port=port, validators=False)
        try:
            before_plain = _archive_bytes(store / "data")
            plain = run_pipeline(site_url, store)
            plain["articles"] = _last_run_articles(store / "data")
            plain["disk"] = _growth(before_plain, _archive_bytes(store / "data"),
                                    plain["captures"] - recrawl["captures"])
            print(f"recrawl without validators: {plain['seconds']:.1f} s", flush=True)
        finally:
            server.terminate()
            server.join()

    articles = recrawl["articles"]
    ratio = statistics.median(pair["ratio"] for pair in rounds)
    cpu_ratio = statistics.median(pair["cpu_ratio"] for pair in rounds)
    run_ratio = statistics.median(pair["run_record_ratio"] for pair in rounds)
    share_304 = min(pair["share_304"] for pair in rounds)
    plain_ratio = first["seconds"] / plain["seconds"]
    plain_cpu_ratio = first["cpu_seconds"] / plain["cpu_seconds"]
    plain_run_ratio = first["articles"]["run_seconds"] / plain["articles"]["run_seconds"]
    result = {
        "articles": args.articles,
        "cores": os.cpu_count(),
        "rounds": rounds,
        "first_crawl": first,
        "recrawl": recrawl,
        "recrawl_without_validators": plain,
        "ratio_first_to_recrawl": ratio,
        "share_of_article_requests_answered_304": share_304,
        "ratio_first_to_recrawl_without_validators": plain_ratio,
        "cpu_ratio_first_to_recrawl": cpu_ratio,
        "cpu_ratio_first_to_recrawl_without_validators": plain_cpu_ratio,
        "run_record_ratio_first_to_recrawl": run_ratio,
        "run_record_ratio_first_to_recrawl_without_validators": plain_run_ratio,
        "versions_after_recrawls": plain["versions"],
        "bare_scrapy_floor": floor,
        "ratio_recrawl_run_record_to_bare_scrapy": articles["run_seconds"] / floor["seconds"],
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
    print(f"articles on the site:         {args.articles}")
    for number, pair in enumerate(rounds, 1):
        counted = pair["recrawl"]["articles"]
        print(f"round {number}: first crawl {pair['first_crawl']['seconds']:.1f} s "
              f"({pair['first_crawl']['versions']} versions), recrawl {pair['recrawl']['seconds']:.1f} s: "
              f"ratio {pair['ratio']:.1f}; by CPU {pair['cpu_ratio']:.1f}; run records {pair['run_record_ratio']:.1f}; "
              f"{counted['answered_304']} of {counted['article_requests']} answered 304; load average "
              f"{pair['first_crawl']['load_average'][0]:.1f} / {pair['recrawl']['load_average'][0]:.1f}")
    print(f"recrawl, nothing changed:     median ratio {ratio:.1f} over {len(rounds)} rounds (target >= 10)")
    print(f"article requests answered 304: at least {share_304:.1%} in every round (target >= 95%)")
    print(f"recrawl, no validators sent (last round's store): {plain['seconds']:.1f} s; ratio {plain_ratio:.1f} "
          f"({plain['articles']['identical_payload']} identical-payload revisits)")
    print(f"CPU seconds of the crawl processes and their workers: median ratio {cpu_ratio:.1f}; last round first "
          f"{first['cpu_seconds']:.1f}, recrawl {recrawl['cpu_seconds']:.1f}, "
          f"without validators {plain['cpu_seconds']:.1f} (ratio {plain_cpu_ratio:.1f})")
    print(f"run records only (start to finish, no process start-up): median ratio {run_ratio:.1f}; last round "
          f"first {first['articles']['run_seconds']:.1f} s, recrawl {articles['run_seconds']:.1f} s, "
          f"without validators {plain['articles']['run_seconds']:.1f} s (ratio {plain_run_ratio:.1f})")
    print(f"bare Scrapy asking for the same {floor['requests']} articles with their validators, nothing else: "
          f"{floor['seconds']:.1f} s ({floor['cpu_seconds']:.1f} s CPU; statuses {floor['statuses']}); "
          f"the last recrawl's run record is {articles['run_seconds'] / floor['seconds']:.2f}× that, "
          f"with the listing pages and robots.txt besides")
    print(f"versions after all three crawls of the last store: {plain['versions']} "
          f"(no new ones: {plain['versions'] == first['versions']})")
    for name, run in (("first crawl", first), ("recrawl", recrawl), ("no validators", plain)):
        disk = run["disk"]
        print(f"added to the archive by the {name}: WARC {disk['warc_bytes_added']:,} bytes "
              f"({disk['warc_bytes_per_request']:,.0f} per request), SQLite {disk['sqlite_bytes_added']:,} bytes "
              f"({disk['sqlite_bytes_per_request']:,.0f} per request)")
    print(f"written to {RESULTS}")


if __name__ == "__main__":
    main()
