"""Benchmark: extraction time against page size, ours beside bare trafilatura.

Run:  .venv/bin/python -m bench.page_size_bench [--sizes 1 4 8 16] [--check-mb 20] [--limit 10]

Why this exists: a hostile or merely careless site can send one page of many
megabytes (a year of notices on one page, a log dumped as HTML). Extraction
must grow about linearly with the page, or one such page holds a worker for
minutes: before `pipeline.extract.line_merge` searched its lines in the joined
text, 4 MB took 3 s, 8 MB 22 s and 20 MB 256 s.

For each size the script builds one article page of distinct paragraphs (a
fixed seed, so every run builds the same pages), then times, on the same
bytes and in the same process, `pipeline.process.process_page` (decode,
extract, normalise, fingerprint: all a crawl's worker does but store) and
bare `trafilatura.extract`. It prints seconds per size, seconds per MB, the
ratio ours / trafilatura, and the growth factor: seconds per MB at the
largest size over seconds per MB at the smallest (1.0 is linear; 16 would be
quadratic from 1 to 16 MB). Core speed on the shared machine drifts, so each
size is timed `--repeat` times and the fastest kept, and the ratio to bare
trafilatura, measured alongside, is the figure that survives a loaded machine.
Last it times one `--check-mb` page alone and says whether it stayed under
`--limit` seconds. Beside wall time it prints the CPU seconds of our
processing, which a machine shared by many processes leaves readable.
Figures go to bench/results/page_size.json.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import time
from pathlib import Path

import trafilatura

from bench.synthetic_site import SENTENCES
from pipeline.process import process_page

RESULTS = Path(__file__).parent / "results" / "page_size.json"
URL = "http://www.example.gov.cn/art/2026/12/2/art_1_1.html"
CONTENT_TYPE = "text/html; charset=utf-8"


def large_article(megabytes: float, seed: int = 20261202) -> bytes:
    """An article page of about `megabytes` MB (UTF-8) whose paragraphs are all different.

    Each paragraph is numbered and strings together a few of the synthetic
    site's sentences, so no two lines are equal and no line is long: the
    shape that made the old line merge quadratic.
    """
    rng = random.Random(seed)
    target = int(megabytes * 1_000_000)
    paragraphs: list[str] = []
    size = 0
    number = 0
    while size < target:
        number += 1
        sentences = "".join(rng.choice(SENTENCES) for _ in range(rng.randint(2, 6)))
        paragraph = f"<p>　　（{number}）{sentences}</p>\n"
        paragraphs.append(paragraph)
        size += len(paragraph.encode("utf-8"))
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>全年通知汇编_青溪市人民政府</title></head>'
        '<body><div class="nav"><a href="/">首页</a> <a href="/zwgk/">政务公开</a></div>'
        '<div class="main"><h1>全年通知汇编</h1><div class="info">发布时间：2026-12-02 来源：市政府办公室</div>'
        f'<div class="TRS_Editor">{"".join(paragraphs)}</div></div>'
        '<div class="footer"><p>主办单位：青溪市人民政府办公室</p></div></body></html>'
    ).encode("utf-8")


def _timed(call) -> tuple[float, object]:
    seconds, _cpu, result = _timed_with_cpu(call)
    return seconds, result


def _timed_with_cpu(call) -> tuple[float, float, object]:
    """Wall and CPU seconds of `call()`, and its result.

    On a machine shared by many processes wall time mostly measures the
    waiting; the process's CPU time is what the page itself cost.
    """
    gc.collect()
    started, cpu_started = time.perf_counter(), time.process_time()
    result = call()
    return time.perf_counter() - started, time.process_time() - cpu_started, result


def time_size(megabytes: float, repeat: int) -> dict:
    """Fastest of `repeat` timings of ours and bare trafilatura on one page of `megabytes` MB."""
    body = large_article(megabytes)
    html = body.decode("utf-8")
    ours: list[float] = []
    ours_cpu: list[float] = []
    bare: list[float] = []
    characters = 0
    for _ in range(repeat):
        seconds, cpu, page = _timed_with_cpu(lambda: process_page(body, CONTENT_TYPE, URL))
        ours.append(seconds)
        ours_cpu.append(cpu)
        characters = len(page.article.text)
        seconds, _ = _timed(lambda: trafilatura.extract(html, fast=True, favor_precision=True, include_tables=True))
        bare.append(seconds)
    return {
        "megabytes": megabytes,
        "bytes": len(body),
        "text_characters": characters,
        "ours_seconds": min(ours),
        "ours_cpu_seconds": min(ours_cpu),
        "trafilatura_seconds": min(bare),
        "ratio": min(ours) / min(bare),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=float, nargs="+", default=[1, 4, 8, 16], help="page sizes in MB")
    parser.add_argument("--repeat", type=int, default=2, help="timings per size; the fastest is kept")
    parser.add_argument("--check-mb", type=float, default=20, help="the size timed alone against --limit (0: skip)")
    parser.add_argument("--limit", type=float, default=10.0, help="seconds the --check-mb page must stay under")
    args = parser.parse_args(argv)

    rows = []
    print(f"{'MB':>5} {'ours s':>8} {'s/MB':>6} {'cpu s':>6} {'trafilatura s':>14} {'s/MB':>6} {'ours/traf':>9} "
          f"{'text chars':>11}")
    for megabytes in args.sizes:
        row = time_size(megabytes, args.repeat)
        rows.append(row)
        print(f"{megabytes:5g} {row['ours_seconds']:8.2f} {row['ours_seconds'] / megabytes:6.2f} "
              f"{row['ours_cpu_seconds']:6.2f} "
              f"{row['trafilatura_seconds']:14.2f} {row['trafilatura_seconds'] / megabytes:6.2f} "
              f"{row['ratio']:9.2f} {row['text_characters']:11,}", flush=True)
    first, last = rows[0], rows[-1]

    def growth(key: str) -> float:
        return (last[key] / last["megabytes"]) / (first[key] / first["megabytes"])

    summary = {
        "sizes": rows,
        "growth_ours": growth("ours_seconds"),
        "growth_trafilatura": growth("trafilatura_seconds"),
        "growth_ours_cpu": growth("ours_cpu_seconds"),
    }
    print(f"growth factor {first['megabytes']:g} -> {last['megabytes']:g} MB (seconds per MB, 1.0 = linear): "
          f"ours {summary['growth_ours']:.2f} (CPU {summary['growth_ours_cpu']:.2f}), "
          f"bare trafilatura {summary['growth_trafilatura']:.2f}")

    if args.check_mb:
        body = large_article(args.check_mb)
        seconds, cpu, page = _timed_with_cpu(lambda: process_page(body, CONTENT_TYPE, URL))
        verdict = "under" if seconds < args.limit else "OVER"
        summary["check"] = {"megabytes": args.check_mb, "seconds": seconds, "cpu_seconds": cpu, "limit": args.limit,
                            "text_characters": len(page.article.text)}
        print(f"{args.check_mb:g} MB page: {seconds:.2f} s ({cpu:.2f} s of CPU), {verdict} the {args.limit:g} s limit "
              f"({len(page.article.text):,} characters of text)")

    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(summary, indent=2), encoding="utf-8")
    print(f"-> {RESULTS}")


if __name__ == "__main__":
    main()
