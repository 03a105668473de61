"""Benchmark: the shared frontier's memory per URL in Redis, and its speed against Scrapy's in-process scheduler.

Run:  .venv/bin/python -m bench.frontier_bench [--redis redis://127.0.0.1:6379/0] [--sizes 100000 1000000]

Memory. For each size N, a fresh frontier run's seen filter is filled with N
request fingerprints as the crawl stores them (Scrapy's 20-byte SHA-1, of N
distinct URLs), and beside it the layout scrapy-redis's dupefilter uses (the
same fingerprints as 40-character hex strings), as the baseline. Printed:
``MEMORY USAGE`` of each key (every element counted: ``SAMPLES 0``) divided
by N, the growth of INFO's used_memory while each was filled, and the ratio
of ours to the baseline. The keys are deleted afterwards.

Speed. `--requests` real Scrapy requests (the spider's kind: a callback, a
depth, a canonical URL) go through the frontier as a crawl sends them:
`enqueue_request` (seen filter and queue), `next_request` (claim) and the
acknowledgement, one at a time, over the network round trips a crawl makes;
and through Scrapy's own scheduler (memory queue and RFPDupeFilter) in the
same run, as the baseline; and a PING loop, the round trip to Redis. Printed:
requests per second for each, the ratio, and a request's cost in PING round
trips (the figure a loaded machine changes least): what a crawl pays per page
for sharing, against the tens of milliseconds a page takes to fetch and
archive. Writes bench/results/frontier_bench.json.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import time
import uuid
from pathlib import Path

from scrapy import Request, Spider
from scrapy.utils.test import get_crawler

from crawler.frontier import FrontierWorker, RedisFrontier, connect
from crawler.frontier_scheduler import RedisFrontierScheduler, decode_request, encode_request

RESULTS = Path(__file__).parent / "results" / "frontier_bench.json"
BATCH = 10_000


def _fingerprints(count: int, offset: int = 0):
    """Fingerprints of `count` distinct article URLs, 20 raw bytes each, as Scrapy's fingerprinter makes them."""
    for n in range(offset, offset + count):
        url = f"http://www.xiangtan.gov.cn/art/{2000 + n % 25}/{n % 12 + 1}/{n % 28 + 1}/art_{n % 5000}_{n}.html"
        yield hashlib.sha1(url.encode()).digest()


def _fill(client, key: str, count: int, *, hexed: bool) -> float:
    """Add `count` fingerprints to the set `key` in batches; return the seconds it took."""
    started = time.perf_counter()
    batch = []
    for fingerprint in _fingerprints(count):
        batch.append(fingerprint.hex() if hexed else fingerprint)
        if len(batch) == BATCH:
            client.sadd(key, *batch)
            batch.clear()
    if batch:
        client.sadd(key, *batch)
    return time.perf_counter() - started


def memory_per_url(client, prefix: str, count: int) -> dict:
    """Bytes per URL of the seen filter, ours (raw 20 bytes) and scrapy-redis's layout (40 hex characters)."""
    row: dict = {"urls": count}
    for name, hexed in (("dangan", False), ("hex_baseline", True)):
        key = f"{prefix}:bench:{name}:{count}"
        client.delete(key)
        before = int(client.info("memory")["used_memory"])
        seconds = _fill(client, key, count, hexed=hexed)
        after = int(client.info("memory")["used_memory"])
        usage = int(client.memory_usage(key, samples=0))
        assert client.scard(key) == count
        row[name] = {
            "memory_usage_bytes": usage,
            "bytes_per_url": round(usage / count, 1),
            "used_memory_growth_per_url": round((after - before) / count, 1),
            "fill_seconds": round(seconds, 2),
            "encoding": client.object("encoding", key).decode(),
        }
        client.delete(key)
    row["ratio_to_hex_baseline"] = round(row["dangan"]["bytes_per_url"] / row["hex_baseline"]["bytes_per_url"], 3)
    return row


class _BenchSpider(Spider):
    name = "bench"

    def parse(self, response):  # pragma: no cover - never called
        return None


def _requests(count: int) -> list[Request]:
    spider = _BenchSpider()
    return [
        Request(f"http://www.xiangtan.gov.cn/art/2024/3/{n % 28 + 1}/art_{n}_{n * 7}.html", callback=spider.parse,
                meta={"depth": n % 6, "dangan_revisit": False})
        for n in range(count)
    ]


def frontier_speed(redis_url: str, prefix: str, count: int) -> dict:
    """Requests per second through the Redis frontier (add, claim, ack) and through Scrapy's own scheduler."""
    spider = _BenchSpider()
    # The plain priority queue: the downloader-aware one needs a running engine.
    crawler = get_crawler(_BenchSpider, {"SCHEDULER_PRIORITY_QUEUE": "scrapy.pqueues.ScrapyPriorityQueue"})
    crawler.spider = spider
    fingerprinter = crawler.request_fingerprinter

    # Scrapy's own: memory priority queue and RFPDupeFilter, in this process.
    from scrapy.core.scheduler import Scheduler

    local = Scheduler.from_crawler(crawler)
    local.open(spider)
    requests = _requests(count)
    started = time.perf_counter()
    for request in requests:
        local.enqueue_request(request)
    while local.next_request() is not None:
        pass
    local_seconds = time.perf_counter() - started
    local.close("finished")

    # The frontier, with what the scheduler does per request: encode, add, claim, decode, acknowledge.
    client = connect(redis_url)
    worker = FrontierWorker(f"bench-{os.getpid()}", "bench", os.getpid())
    frontier = RedisFrontier.join(client, prefix=prefix, source="bench", worker=worker, lease=30, ttl=600)
    requests = _requests(count)
    started = time.perf_counter()
    for request in requests:
        frontier.add(encode_request(request, spider), fingerprint=fingerprinter.fingerprint(request),
                     priority=request.priority)
    while (claim := frontier.claim()) is not None:
        decode_request(claim.payload, spider)
        frontier.ack(claim.request_id)
    shared_seconds = time.perf_counter() - started
    frontier.leave(finished=True)
    # The unit a shared frontier is paid in: one network round trip to Redis, timed in the same run.
    started = time.perf_counter()
    for _ in range(count):
        client.ping()
    ping_seconds = time.perf_counter() - started
    client.close()
    assert RedisFrontierScheduler  # the scheduler wraps exactly these calls
    return {
        "requests": count,
        "scrapy_scheduler_per_second": round(count / local_seconds),
        "redis_frontier_per_second": round(count / shared_seconds),
        "redis_frontier_microseconds_per_request": round(shared_seconds / count * 1e6),
        "ratio_to_scrapy_scheduler": round(local_seconds / shared_seconds, 3),
        "ping_microseconds": round(ping_seconds / count * 1e6),
        "round_trips_per_request": round(shared_seconds / ping_seconds, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--redis", default=os.environ.get("DANGAN_TEST_REDIS_URL", "redis://127.0.0.1:6379/0"))
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--requests", type=int, default=20_000)
    args = parser.parse_args()
    prefix = f"dangan-bench-{uuid.uuid4().hex[:8]}"
    client = connect(args.redis)
    server = client.info("server")
    results: dict = {"redis_version": server["redis_version"], "load_average": os.getloadavg(), "memory": [], "speed": None}
    try:
        for size in args.sizes:
            row = memory_per_url(client, prefix, size)
            results["memory"].append(row)
            print(f"seen filter, {size:>9,} URLs: {row['dangan']['bytes_per_url']:6.1f} B/URL "
                  f"(used_memory +{row['dangan']['used_memory_growth_per_url']:.1f}, {row['dangan']['encoding']}); "
                  f"hex fingerprints (scrapy-redis): {row['hex_baseline']['bytes_per_url']:6.1f} B/URL; "
                  f"ratio {row['ratio_to_hex_baseline']:.2f}")
        speed = frontier_speed(args.redis, prefix, args.requests)
        results["speed"] = speed
        print(f"{speed['requests']:,} requests queued, taken and acknowledged: Redis frontier "
              f"{speed['redis_frontier_per_second']:,}/s ({speed['redis_frontier_microseconds_per_request']} µs each), "
              f"Scrapy's scheduler {speed['scrapy_scheduler_per_second']:,}/s; ratio {speed['ratio_to_scrapy_scheduler']:.3f}; "
              f"a request costs {speed['round_trips_per_request']:.1f} PING round trips ({speed['ping_microseconds']} µs each)")
    finally:
        keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
        if keys:
            client.delete(*keys)
        client.close()
    results["load_average_after"] = os.getloadavg()
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=1), encoding="utf-8")
    print(f"load average {results['load_average']} → {results['load_average_after']}; written to {RESULTS}")


if __name__ == "__main__":
    main()
