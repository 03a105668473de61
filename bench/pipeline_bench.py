"""Benchmark: the whole pipeline against bare trafilatura on the same pages.

Run:  .venv/bin/python -m bench.pipeline_bench [--articles 2000]

1. Builds a synthetic portal of N article pages (bench/synthetic_site.py) and
   serves it on 127.0.0.1 from its own process.
2. Runs `dangan crawl` on it in a subprocess (crawl → WARC → decode → extract
   → version → SQLite), timing it end to end and sampling the peak memory of
   the crawl and its worker processes.
3. In the same run, runs bare `trafilatura.extract` over the same article
   pages on all cores (a process pool, started before the clock starts).
4. Prints both rates and their ratio, and writes them to
   bench/results/pipeline.json.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
import trafilatura
from sqlalchemy import func, select

from bench.synthetic_site import build_site
from dangan.static_site import StaticSite
from storage.database import default_database_url, open_database
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


def run_pipeline(site_url: str, workdir: Path) -> dict:
    sources = workdir / "sources.toml"
    sources.write_text(
        "[[sources]]\n"
        'name = "bench"\n'
        f'start_urls = ["{site_url}/"]\n'
        'allowed_domains = ["127.0.0.1"]\n'
        "article_urls = ['/content/\\d+\\.html$']\n"
        "max_pages = 100000\n",
        encoding="utf-8",
    )
    data_dir = workdir / "data"
    command = [sys.executable, "-m", "dangan", "crawl", "bench", "--config", str(sources), "--data-dir", str(data_dir)]
    for name, value in FAST_LOCAL_SETTINGS.items():
        command += ["--set", f"{name}={value}"]
    started = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    watched = psutil.Process(child.pid)
    peak = 0
    while child.poll() is None:
        peak = max(peak, _tree_rss(watched))
        time.sleep(0.2)
    elapsed = time.perf_counter() - started
    output = child.stdout.read() if child.stdout else ""
    if child.returncode != 0:
        raise SystemExit(f"dangan crawl failed ({child.returncode}):\n{output}")
    db = open_database(default_database_url(data_dir))
    with db.session() as session:
        versions = session.scalar(select(func.count()).select_from(Version))
        captures = session.scalar(select(func.count()).select_from(Capture))
    db.dispose()
    return {
        "seconds": elapsed,
        "captures": captures,
        "versions": versions,
        "peak_rss_mib": peak / 2**20,
        "summary": output.strip().splitlines()[-1] if output.strip() else "",
    }


def _bare_extract(page: bytes) -> int:
    text = trafilatura.extract(page)
    return len(text or "")


def run_bare(pages: list[bytes]) -> dict:
    workers = os.cpu_count() or 1
    with multiprocessing.get_context("spawn").Pool(workers) as pool:
        pool.map(_bare_extract, pages[: workers * 2])  # warm the workers' imports before the clock starts
        started = time.perf_counter()
        lengths = pool.map(_bare_extract, pages, chunksize=8)
        elapsed = time.perf_counter() - started
    return {"seconds": elapsed, "pages": len(pages), "workers": workers, "empty": sum(1 for n in lengths if n == 0)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=2000)
    args = parser.parse_args()
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
            pipeline = run_pipeline(site_url, workdir)
        finally:
            server.terminate()
        bare = run_bare(pages)
    pipeline_rate = pipeline["versions"] / pipeline["seconds"]
    bare_rate = bare["pages"] / bare["seconds"]
    result = {
        "articles": args.articles,
        "cores": os.cpu_count(),
        "pipeline": {**pipeline, "articles_per_second": pipeline_rate},
        "bare_trafilatura": {**bare, "pages_per_second": bare_rate},
        "ratio_pipeline_to_bare": pipeline_rate / bare_rate,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
    print(f"articles on the site:          {args.articles}")
    print(f"pipeline (crawl→WARC→versions): {pipeline['versions']} versions, {pipeline['captures']} captures "
          f"in {pipeline['seconds']:.1f} s = {pipeline_rate:.1f} articles/s, peak memory {pipeline['peak_rss_mib']:.0f} MiB")
    print(f"bare trafilatura.extract:      {bare['pages']} pages on {bare['workers']} cores "
          f"in {bare['seconds']:.1f} s = {bare_rate:.1f} pages/s")
    print(f"ratio pipeline / bare:         {result['ratio_pipeline_to_bare']:.2f}")
    print(f"crawl summary: {pipeline['summary']}")
    print(f"written to {RESULTS}")


if __name__ == "__main__":
    main()
