"""Benchmark: the whole pipeline against bare trafilatura on the same pages.

Run:  .venv/bin/python -m bench.pipeline_bench [--articles 2000] [--rounds 5]

1. Builds a synthetic portal of N article pages (bench/synthetic_site.py) and
   serves it on 127.0.0.1 from its own process.
2. Runs `dangan crawl` on it in a subprocess (crawl → WARC → decode → extract
   → version → SQLite), timing it end to end and sampling the peak memory of
   the crawl and its worker processes.
3. Just before and just after it, runs bare `trafilatura.extract` over the
   same article pages on all cores (a process pool, started before any clock
   starts); the baseline of the round is the mean of the two.
4. Repeats 2 and 3 for each round, each crawl into a fresh store, and prints
   every round's rates and ratio and the median ratio. On a shared virtual
   machine the speed of the cores drifts by a quarter within minutes;
   bracketing each crawl with the baseline, and taking the median over
   rounds, keeps that drift out of the ratio.
5. Writes every figure to bench/results/pipeline.json.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
import trafilatura
from sqlalchemy import func, select

from bench.synthetic_site import build_site, write_site_sources
from dangan.static_site import StaticSite
from core.settings import database_url
from storage.database import open_database
from storage.models import Capture, Version

RESULTS = Path(__file__).parent / "results" / "pipeline.json"
FAST_LOCAL_SETTINGS = {
    # The site is ours and on loopback: politeness settings would only measure sleeping.
    "AUTOTHROTTLE_ENABLED": "False",
    "DOWNLOAD_DELAY": "0",
    "CONCURRENT_REQUESTS": "32",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "32",
}


def _serve(folder: str, port_queue) -> None:
    with StaticSite(Path(folder)) as site:
        port_queue.put(site.base_url)
        while True:
            time.sleep(3600)


def _tree_rss(process: psutil.Process) -> int:
    total = 0
    try:
        for member in [process, *process.children(recursive=True)]:
            try:
                total += member.memory_info().rss
            except psutil.Error:
                pass
    except psutil.Error:
        pass
    return total


def _tree_cpu(process: psutil.Process, seen: dict[int, float]) -> None:
    """Note the CPU seconds (user + system) each process of the tree has used so far, by pid."""
    try:
        members = [process, *process.children(recursive=True)]
    except psutil.Error:
        return
    for member in members:
        try:
            times = member.cpu_times()
        except psutil.Error:
            continue
        seen[member.pid] = times.user + times.system


def run_pipeline(site_url: str, workdir: Path) -> dict:
    workdir.mkdir(parents=True, exist_ok=True)
    sources = write_site_sources(workdir / "sources.toml", site_url)
    data_dir = workdir / "data"
    command = [sys.executable, "-m", "dangan", "crawl", "bench", "--config", str(sources), "--data-dir", str(data_dir)]
    for name, value in FAST_LOCAL_SETTINGS.items():
        command += ["--set", f"{name}={value}"]
    started = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    watched = psutil.Process(child.pid)
    peak = 0
    # CPU seconds of the crawl and its workers, sampled with the memory (each
    # process's last 0.2 s are missed): a figure the other users of a shared
    # machine disturb far less than wall time.
    cpu_by_pid: dict[int, float] = {}
    while child.poll() is None:
        peak = max(peak, _tree_rss(watched))
        _tree_cpu(watched, cpu_by_pid)
        try:
            # Not a sleep: the time stops when the crawl ends, not up to 0.2 s later.
            child.wait(timeout=0.2)
        except subprocess.TimeoutExpired:
            pass
    elapsed = time.perf_counter() - started
    output = child.stdout.read() if child.stdout else ""
    if child.returncode != 0:
        raise SystemExit(f"dangan crawl failed ({child.returncode}):\n{output}")
    db = open_database(database_url(None, data_dir))
    with db.session() as session:
        versions = session.scalar(select(func.count()).select_from(Version))
        captures = session.scalar(select(func.count()).select_from(Capture))
    db.dispose()
    return {
        "seconds": elapsed,
        "captures": captures,
        "versions": versions,
        "peak_rss_mib": peak / 2**20,
        "cpu_seconds": sum(cpu_by_pid.values()),
        "load_average": os.getloadavg(),
        "summary": output.strip().splitlines()[-1] if output.strip() else "",
    }


def _bare_extract(page: bytes) -> int:
    text = trafilatura.extract(page)
    return len(text or "")


def run_bare(pool, pages: list[bytes], workers: int) -> dict:
    started = time.perf_counter()
    lengths = pool.map(_bare_extract, pages, chunksize=8)
    elapsed = time.perf_counter() - started
    return {"seconds": elapsed, "pages": len(pages), "workers": workers, "empty": sum(1 for n in lengths if n == 0)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    workers = os.cpu_count() or 1
    rounds: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="dangan-bench-") as tmp:
        workdir = Path(tmp)
        site = workdir / "site"
        article_paths = build_site(site, articles=args.articles)
        pages = [(site / path).read_bytes() for path in article_paths]
        ctx = multiprocessing.get_context("spawn")
        port_queue = ctx.Queue()
        server = ctx.Process(target=_serve, args=(str(site), port_queue), daemon=True)
        server.start()
        try:
            site_url = port_queue.get(timeout=30)
            with ctx.Pool(workers) as pool:
                pool.map(_bare_extract, pages[: workers * 2])  # warm the workers' imports before any clock starts
                for number in range(1, args.rounds + 1):
                    before = run_bare(pool, pages, workers)
                    pipeline = run_pipeline(site_url, workdir / f"round-{number}")
                    after = run_bare(pool, pages, workers)
                    bare = {
                        **after,
                        "seconds": (before["seconds"] + after["seconds"]) / 2,
                        "seconds_before": before["seconds"],
                        "seconds_after": after["seconds"],
                    }
                    pipeline["articles_per_second"] = pipeline["versions"] / pipeline["seconds"]
                    bare["pages_per_second"] = bare["pages"] / bare["seconds"]
                    ratio = pipeline["articles_per_second"] / bare["pages_per_second"]
                    rounds.append({"pipeline": pipeline, "bare_trafilatura": bare, "ratio_pipeline_to_bare": ratio})
                    print(f"round {number}: pipeline {pipeline['versions']} versions, {pipeline['captures']} captures "
                          f"in {pipeline['seconds']:.1f} s = {pipeline['articles_per_second']:.1f} articles/s "
                          f"(peak memory {pipeline['peak_rss_mib']:.0f} MiB); bare trafilatura "
                          f"{bare['pages_per_second']:.1f} pages/s on {workers} cores; ratio {ratio:.2f}",
                          flush=True)
        finally:
            server.terminate()
    median = statistics.median(r["ratio_pipeline_to_bare"] for r in rounds)
    result = {
        "articles": args.articles,
        "cores": workers,
        "rounds": rounds,
        "median_ratio_pipeline_to_bare": median,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
    print(f"articles on the site:    {args.articles}")
    pipeline_rates = ", ".join(f"{r['pipeline']['articles_per_second']:.1f}" for r in rounds)
    bare_rates = ", ".join(f"{r['bare_trafilatura']['pages_per_second']:.1f}" for r in rounds)
    round_ratios = ", ".join(f"{r['ratio_pipeline_to_bare']:.2f}" for r in rounds)
    print(f"pipeline articles/s:      {pipeline_rates}")
    print(f"bare trafilatura pages/s: {bare_rates}")
    print(f"ratio pipeline / bare:    {round_ratios}; median {median:.2f}")
    print(f"crawl summary (last round): {rounds[-1]['pipeline']['summary']}")
    print(f"written to {RESULTS}")


if __name__ == "__main__":
    main()
