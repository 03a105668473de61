"""Benchmark: pages per second with 1, 2 and 4 crawl processes sharing a Redis frontier, SQLite against PostgreSQL.

Run:  .venv/bin/python -m bench.scale_bench [--articles 1000] [--pg postgresql+psycopg://postgres@127.0.0.1:5432/test]

1. Builds the synthetic portal of bench/synthetic_site.py (`--articles`
   article pages of ~40 KB, their listing pages, a home page) and serves it
   on 127.0.0.1 from its own process.
2. Starts a Redis server of its own on a free port (`redis-server` from
   PATH), so INFO commandstats count this benchmark's commands alone; or
   uses `--redis URL` (then other users' commands are counted too).
3. For each backend (a fresh SQLite file; with `--pg`, or
   DANGAN_BENCH_PG_URL / DANGAN_TEST_PG_URL, a fresh PostgreSQL database
   made for each run and dropped after it) runs the real command line:
   ``dangan crawl bench`` without Redis (the single-process baseline), then
   ``dangan crawl bench --workers N`` with DANGAN_REDIS_URL for N = 1, 2, 4,
   each into a fresh store and data folder.
4. Checks each run archived every page exactly once: no URL captured twice
   (robots.txt aside: each crawl process asks for it itself), the same URLs
   as the baseline crawl, one document and one version per article.
5. Attributes the time of each run (see `bottleneck`):
   - CPU seconds of the crawl processes and of the processing workers
     (extraction and versioning), and of both against the machine
     (sum / (wall x cores)), with how busy the cores were for all users
     (psutil's machine-wide CPU times: the machine is shared);
   - DB seconds: the wall time every process spent inside database calls
     (execute, commit; a SQLite write-lock wait happens inside them),
     measured in the processes by bench/call_timing/sitecustomize.py; and on
     PostgreSQL the server's own active time (pg_stat_database.active_time);
   - Redis: calls and the seconds the processes spent in them (round trips),
     and the server's own time (INFO commandstats, before and after).
6. Measures, for sizing (docs/scaling.md): table and index bytes per page of
   each store (pg_total_relation_size; the SQLite file), and WARC bytes per
   capture, compressed and not.
7. Prints a table and writes every figure to bench/results/scale.json, with
   the load average (the machine is shared with other users' work).
"""

from __future__ import annotations

import argparse
import gzip
import json
import multiprocessing
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from contextlib import nullcontext
import uuid
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import psutil
import redis
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from bench.pipeline_bench import FAST_LOCAL_SETTINGS
from bench.synthetic_site import build_site, write_site_sources
from core.settings import database_url
from dangan.static_site import StaticSite
from storage.database import open_database
from storage.models import Capture, CrawlRun, Document, Version

RESULTS = Path(__file__).parent / "results" / "scale.json"
CALL_TIMING = Path(__file__).parent / "call_timing"
PROCESS_COUNTS = (1, 2, 4)
#: Cores all users kept busy, as a share, from which the machine itself is the limit.
MACHINE_FULL = 0.9


@dataclass
class RunFigures:
    """What one crawl run measured; `bottleneck` and the printed table read these."""

    backend: str
    frontier: str  # "local" (no Redis: the baseline) or "redis"
    processes: int
    wall_s: float
    pages: int = 0
    pages_per_s: float = 0.0
    cores: int = 1
    machine_busy: float = 0.0  # share of the cores busy, all users
    crawl_cpu_s: float = 0.0
    processing_cpu_s: float = 0.0
    db_s: float = 0.0
    db_calls: int = 0
    db_server_s: float | None = None
    redis_s: float = 0.0
    redis_calls: int = 0
    redis_server_s: float | None = None
    redis_server_calls: int | None = None
    pg_waits: dict = field(default_factory=dict)  # what PostgreSQL's active backends were doing, sampled
    load_average: tuple[float, float, float] = (0.0, 0.0, 0.0)
    run_record_s: float = 0.0
    checks: dict = field(default_factory=dict)
    sizes: dict = field(default_factory=dict)

    @property
    def our_cpu_share(self) -> float:
        """CPU seconds of the crawl and its workers over the machine's core-seconds of the run."""
        return (self.crawl_cpu_s + self.processing_cpu_s) / (self.wall_s * self.cores)


def bottleneck(figures: RunFigures) -> str:
    """Name what limited a run, by one rule applied to every row.

    The largest of four figures, each summed over the processes: crawl CPU
    seconds, processing CPU seconds, seconds inside database calls, seconds
    inside Redis calls. If all users together kept the cores at least 90%
    busy, the machine's CPU was the limit before any of them ("machine CPU"):
    more processes cannot go faster on it; the largest of the four is then
    named after it, as what the run itself spent most on.

    >>> row = RunFigures("sqlite", "redis", 2, wall_s=10.0, cores=2, machine_busy=0.5,
    ...                  crawl_cpu_s=6.0, processing_cpu_s=4.0, db_s=7.5, redis_s=1.0)
    >>> bottleneck(row)
    'database'
    >>> row.machine_busy = 0.95
    >>> bottleneck(row)
    'machine CPU (database)'
    """
    demands = {
        "crawl": figures.crawl_cpu_s,
        "processing": figures.processing_cpu_s,
        "database": figures.db_s,
        "redis": figures.redis_s,
    }
    largest = max(demands, key=demands.get)
    if figures.machine_busy >= MACHINE_FULL:
        return f"machine CPU ({largest})"
    return largest


# --- the servers ---------------------------------------------------------------------------------

def _serve(folder: str, port_queue) -> None:
    with StaticSite(Path(folder)) as site:
        port_queue.put(site.base_url)
        while True:
            time.sleep(3600)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _start_redis(folder: Path) -> tuple[subprocess.Popen, str]:
    """A Redis server of this benchmark's own (no persistence), and its URL."""
    port = _free_port()
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(folder)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    deadline = time.monotonic() + 20
    while True:
        try:
            redis.Redis.from_url(url).ping()
            return server, url
        except redis.ConnectionError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                raise SystemExit(f"redis-server did not start on port {port}")
            time.sleep(0.1)


def _redis_commandstats(url: str) -> tuple[int, float]:
    """(calls, seconds) the Redis server has spent on all commands so far."""
    stats = redis.Redis.from_url(url).info("commandstats")
    calls = sum(int(row["calls"]) for row in stats.values())
    usec = sum(float(row["usec"]) for row in stats.values())
    return calls, usec / 1e6


def _machine_busy_seconds() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot, all users."""
    times = psutil.cpu_times()
    total = sum(times)
    idle = times.idle + getattr(times, "iowait", 0.0)
    return total - idle, total


# --- one run -------------------------------------------------------------------------------------

def _write_sources(workdir: Path, site_url: str) -> Path:
    return write_site_sources(workdir / "sources.toml", site_url)


def _crawl(workdir: Path, site_url: str, *, db_url: str, redis_url: str | None, processes: int,
           timing_folder: Path) -> float:
    """Run `dangan crawl` as a user would; return its wall seconds."""
    data_dir = workdir / "data"
    command = [sys.executable, "-m", "dangan", "crawl", "bench", "--config", str(_write_sources(workdir, site_url)),
               "--data-dir", str(data_dir)]
    if redis_url:
        command += ["--workers", str(processes)]
    for name, value in FAST_LOCAL_SETTINGS.items():
        command += ["--set", f"{name}={value}"]
    env = {key: value for key, value in os.environ.items() if key not in ("DANGAN_REDIS_URL", "DANGAN_DB")}
    env |= {"DANGAN_DB": db_url, "DANGAN_BENCH_CALL_TIMING": str(timing_folder),
            "PYTHONPATH": os.pathsep.join(filter(None, [str(CALL_TIMING), env.get("PYTHONPATH")]))}
    if redis_url:
        env["DANGAN_REDIS_URL"] = redis_url
    started = time.perf_counter()
    child = subprocess.run(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                           timeout=3600)
    seconds = time.perf_counter() - started
    if child.returncode != 0:
        raise SystemExit(f"dangan crawl failed ({child.returncode}):\n{child.stdout[-4000:]}")
    return seconds


def _call_timing(folder: Path) -> dict[str, float]:
    """The processes' own figures (bench/call_timing), summed by role."""
    totals = {"crawl_cpu_s": 0.0, "processing_cpu_s": 0.0, "db_s": 0.0, "db_calls": 0, "redis_s": 0.0,
              "redis_calls": 0, "processes": 0}
    for path in folder.glob("*.json"):
        row = json.loads(path.read_text(encoding="utf-8"))
        totals["crawl_cpu_s" if row["role"] == "crawl" else "processing_cpu_s"] += row["cpu_s"]
        for key in ("db_s", "db_calls", "redis_s", "redis_calls"):
            totals[key] += row[key]
        totals["processes"] += 1
    return totals


def _store_checks(db_url: str, articles: int) -> tuple[dict, set[str], float]:
    """Counts that say whether every page was archived once; the captured URLs; the run records' span."""
    db = open_database(db_url)
    try:
        with db.session() as session:
            urls = [url for (url,) in session.execute(select(Capture.url)) if not url.endswith("/robots.txt")]
            documents = session.scalar(select(func.count()).select_from(Document))
            versions = session.scalar(select(func.count()).select_from(Version))
            started, finished = session.execute(select(func.min(CrawlRun.started_at),
                                                       func.max(CrawlRun.finished_at))).one()
    finally:
        db.dispose()
    distinct = set(urls)
    checks = {"captures": len(urls), "distinct_urls": len(distinct), "captured_twice": len(urls) - len(distinct),
              "documents": documents, "versions": versions, "articles": articles}
    return checks, distinct, (finished - started).total_seconds() if started and finished else 0.0


def _warc_sizes(data_dir: Path) -> dict:
    compressed = uncompressed = 0
    for path in data_dir.rglob("*.warc.gz"):
        compressed += path.stat().st_size
        with gzip.open(path, "rb") as stream:
            while chunk := stream.read(1 << 20):
                uncompressed += len(chunk)
    return {"warc_bytes": compressed, "warc_uncompressed_bytes": uncompressed}


def _pg_table_sizes(db_url: str) -> dict[str, int]:
    engine = create_engine(db_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(text(
                "SELECT relname, pg_table_size(c.oid), pg_indexes_size(c.oid) FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind = 'r'"
            )).all()
    finally:
        engine.dispose()
    return {name: {"table_bytes": table, "index_bytes": index} for name, table, index in rows}


def _fresh_pg_database(base: str) -> tuple[str, str]:
    """Make an empty database beside `base`'s; return its name and URL."""
    name = f"dangan_scale_{uuid.uuid4().hex[:10]}"
    _outside_transaction(base, f'CREATE DATABASE "{name}"')
    return name, make_url(base).set(database=name).render_as_string(hide_password=False)


def _pg_active_seconds(base: str, name: str) -> float:
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql("SELECT pg_stat_clear_snapshot()")
            value = connection.execute(text("SELECT active_time FROM pg_stat_database WHERE datname = :name"),
                                       {"name": name}).scalar()
    finally:
        admin.dispose()
    return (value or 0.0) / 1000.0


class PgActivitySampler:
    """Samples, five times a second, what the run's active PostgreSQL backends are waiting on.

    pg_stat_activity's wait_event_type and wait_event ("Lock:transactionid",
    "LWLock:WALWrite", "IO:DataFileRead"; none while on a CPU, counted as
    "running"), and for waits on a lock the statement that waits. A share of
    samples is a share of the backends' active time: where the DB seconds go.
    """

    def __init__(self, base: str, name: str) -> None:
        self._engine = create_engine(base, isolation_level="AUTOCOMMIT")
        self._name = name
        self._stop = threading.Event()
        self.waits: Counter[str] = Counter()
        self.lock_statements: Counter[str] = Counter()
        self._thread = threading.Thread(target=self._sample, name="pg-activity", daemon=True)

    def __enter__(self) -> "PgActivitySampler":
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        self._thread.join()
        self._engine.dispose()

    def _sample(self) -> None:
        query = text("SELECT coalesce(wait_event_type || ':' || wait_event, 'running'), left(query, 90) "
                     "FROM pg_stat_activity WHERE datname = :name AND state = 'active' AND pid <> pg_backend_pid()")
        with self._engine.connect() as connection:
            while not self._stop.wait(0.2):
                for wait, statement in connection.execute(query, {"name": self._name}):
                    self.waits[wait] += 1
                    if wait.startswith("Lock:"):
                        self.lock_statements[" ".join(statement.split())] += 1

    def summary(self) -> dict:
        """Samples per wait, and the statements most often found waiting on a lock."""
        return {"samples": dict(self.waits.most_common()),
                "lock_waits_by_statement": dict(self.lock_statements.most_common(5))}


def _drop_pg_database(base: str, name: str) -> None:
    _outside_transaction(base, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _outside_transaction(base: str, statement: str) -> None:
    """Run `statement` on `base`'s server in autocommit: CREATE and DROP DATABASE refuse a transaction."""
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(statement)
    finally:
        admin.dispose()


def measure_run(workdir: Path, site_url: str, *, backend: str, pg_base: str | None, redis_url: str | None,
                processes: int, articles: int) -> tuple[RunFigures, set[str]]:
    """One crawl into a fresh store, with every figure of `RunFigures`; also the URLs it captured."""
    workdir.mkdir(parents=True)
    timing_folder = workdir / "call-timing"
    timing_folder.mkdir()
    pg_name = None
    if backend == "postgresql":
        pg_name, db_url = _fresh_pg_database(pg_base)
    else:
        db_url = database_url(None, workdir / "data")
    try:
        open_database(db_url).dispose()  # the schema made before the clock starts, as an existing store has it
        redis_before = _redis_commandstats(redis_url) if redis_url else None
        pg_before = _pg_active_seconds(pg_base, pg_name) if pg_name else None
        busy_before, total_before = _machine_busy_seconds()
        sampler = PgActivitySampler(pg_base, pg_name) if pg_name else None
        with sampler or nullcontext():
            wall = _crawl(workdir, site_url, db_url=db_url, redis_url=redis_url, processes=processes,
                          timing_folder=timing_folder)
        busy_after, total_after = _machine_busy_seconds()
        load = os.getloadavg()
        time.sleep(1.0)  # PostgreSQL backends report their statistics as they close
        calls = _call_timing(timing_folder)
        figures = RunFigures(
            backend=backend, frontier="redis" if redis_url else "local", processes=processes, wall_s=wall,
            cores=os.cpu_count() or 1, load_average=load,
            machine_busy=(busy_after - busy_before) / max(total_after - total_before, 1e-9),
            crawl_cpu_s=calls["crawl_cpu_s"], processing_cpu_s=calls["processing_cpu_s"],
            db_s=calls["db_s"], db_calls=int(calls["db_calls"]),
            redis_s=calls["redis_s"], redis_calls=int(calls["redis_calls"]),
        )
        if redis_before is not None:
            after = _redis_commandstats(redis_url)
            figures.redis_server_calls = after[0] - redis_before[0]
            figures.redis_server_s = after[1] - redis_before[1]
        if pg_name:
            figures.db_server_s = _pg_active_seconds(pg_base, pg_name) - pg_before
            figures.pg_waits = sampler.summary()
        figures.checks, urls, figures.run_record_s = _store_checks(db_url, articles)
        figures.pages = figures.checks["captures"]
        figures.pages_per_s = figures.pages / wall
        figures.sizes = _warc_sizes(workdir / "data")
        if pg_name:
            figures.sizes["tables"] = _pg_table_sizes(db_url)
        else:
            store = Path(make_url(db_url).database)
            figures.sizes["sqlite_file_bytes"] = sum(
                path.stat().st_size for path in store.parent.glob(store.name + "*"))
        return figures, urls
    finally:
        if pg_name:
            _drop_pg_database(pg_base, pg_name)
        shutil.rmtree(workdir, ignore_errors=True)


# --- the table -----------------------------------------------------------------------------------

def _check_line(figures: RunFigures, baseline_urls: set[str], urls: set[str]) -> str:
    checks = figures.checks
    problems = []
    if checks["captured_twice"]:
        problems.append(f"{checks['captured_twice']} captured twice")
    if urls != baseline_urls:
        problems.append(f"{len(baseline_urls - urls)} missing, {len(urls - baseline_urls)} extra vs baseline")
    if checks["documents"] != checks["articles"] or checks["versions"] != checks["articles"]:
        problems.append(f"{checks['documents']} documents, {checks['versions']} versions")
    checks["every_page_once"] = not problems
    return "ok" if not problems else "; ".join(problems)


def print_table(rows: list[RunFigures]) -> None:
    """The table of every run, one row each, with the bottleneck by `bottleneck`'s rule."""
    header = (f"{'backend':<11}{'frontier':<9}{'procs':>5}{'wall s':>8}{'pages':>7}{'pages/s':>9}{'vs 1':>6}"
              f"{'vs base':>8}{'ours CPU%':>10}{'busy%':>6}{'crawl CPU':>10}{'proc CPU':>9}{'DB s':>7}"
              f"{'Redis n':>9}{'Redis s':>8}  {'bottleneck':<28}{'each page once'}")
    print(header)
    for row in rows:
        print(f"{row.backend:<11}{row.frontier:<9}{row.processes:>5}{row.wall_s:>8.1f}{row.pages:>7}"
              f"{row.pages_per_s:>9.1f}{row.checks['vs_one_process']:>6.2f}{row.checks['vs_baseline']:>8.2f}"
              f"{row.our_cpu_share:>10.0%}{row.machine_busy:>6.0%}{row.crawl_cpu_s:>10.1f}"
              f"{row.processing_cpu_s:>9.1f}{row.db_s:>7.1f}{row.redis_calls:>9}{row.redis_s:>8.1f}  "
              f"{bottleneck(row):<28}{row.checks['check']}")
    print()
    print(f"{'backend':<11}{'frontier':<9}{'procs':>5}{'DB calls':>10}{'PG active s':>12}{'Redis srv n':>12}"
          f"{'Redis srv s':>12}{'Redis calls/page':>17}{'ms/Redis call':>14}{'run record s':>13}{'load (1 min)':>13}")
    for row in rows:
        pg = f"{row.db_server_s:.1f}" if row.db_server_s is not None else "-"
        srv_n = str(row.redis_server_calls) if row.redis_server_calls is not None else "-"
        srv_s = f"{row.redis_server_s:.2f}" if row.redis_server_s is not None else "-"
        per_call = f"{1000 * row.redis_s / row.redis_calls:.2f}" if row.redis_calls else "-"
        print(f"{row.backend:<11}{row.frontier:<9}{row.processes:>5}{row.db_calls:>10}{pg:>12}{srv_n:>12}"
              f"{srv_s:>12}{row.redis_calls / max(row.pages, 1):>17.1f}{per_call:>14}{row.run_record_s:>13.1f}"
              f"{row.load_average[0]:>13.1f}")
    for row in rows:
        samples = row.pg_waits.get("samples")
        if samples:
            total = sum(samples.values())
            shares = ", ".join(f"{wait} {count / total:.0%}" for wait, count in list(samples.items())[:4])
            print(f"PostgreSQL, {row.frontier} frontier, {row.processes} process(es): active backends sampled "
                  f"{total} times: {shares}")
            for statement, count in list(row.pg_waits["lock_waits_by_statement"].items())[:2]:
                print(f"    waiting on a lock in {count} samples: {statement}")


def _default_pg() -> str | None:
    return os.environ.get("DANGAN_BENCH_PG_URL") or os.environ.get("DANGAN_TEST_PG_URL")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=1000, help="article pages on the synthetic site")
    parser.add_argument("--pg", default=_default_pg(),
                        help="PostgreSQL URL; a database is made beside it for each run and dropped "
                             "(default: DANGAN_BENCH_PG_URL or DANGAN_TEST_PG_URL)")
    parser.add_argument("--redis", help="a Redis URL to use instead of starting redis-server here")
    parser.add_argument("--processes", type=int, nargs="+", default=list(PROCESS_COUNTS))
    parser.add_argument("--backends", nargs="+", choices=("sqlite", "postgresql"), default=["sqlite", "postgresql"])
    args = parser.parse_args()
    print(f"load average at the start: {os.getloadavg()}, {os.cpu_count()} cores", flush=True)
    backends = [backend for backend in args.backends if backend == "sqlite" or args.pg]
    if "postgresql" in args.backends and not args.pg:
        print("PostgreSQL rows skipped: no --pg, DANGAN_BENCH_PG_URL or DANGAN_TEST_PG_URL given", flush=True)
    rows: list[RunFigures] = []
    spawn = multiprocessing.get_context("spawn")
    with tempfile.TemporaryDirectory(prefix="dangan-scale-bench-") as tmp:
        workdir = Path(tmp)
        build_site(workdir / "site", articles=args.articles)
        port_queue = spawn.Queue()
        site_server = spawn.Process(target=_serve, args=(str(workdir / "site"), port_queue), daemon=True)
        site_server.start()
        site_url = port_queue.get(timeout=30)
        redis_server = None
        redis_url = args.redis
        if not redis_url:
            if not shutil.which("redis-server"):
                raise SystemExit("redis-server is not on PATH: install it or pass --redis redis://HOST:6379/0")
            redis_server, redis_url = _start_redis(workdir)
        try:
            for backend in backends:
                plan = [(None, 1)] + [(redis_url, count) for count in args.processes]
                baseline_urls: set[str] = set()
                base_rate = one_rate = None
                for frontier_url, count in plan:
                    label = f"{backend}, {'redis' if frontier_url else 'local'} frontier, {count} process(es)"
                    print(f"running {label} ...", flush=True)
                    figures, urls = measure_run(
                        workdir / f"run-{len(rows)}", site_url, backend=backend, pg_base=args.pg,
                        redis_url=frontier_url, processes=count, articles=args.articles)
                    if frontier_url is None:
                        baseline_urls, base_rate = urls, figures.pages_per_s
                    elif count == 1 or one_rate is None:
                        one_rate = figures.pages_per_s
                    figures.checks["check"] = _check_line(figures, baseline_urls, urls)
                    figures.checks["vs_baseline"] = figures.pages_per_s / base_rate
                    figures.checks["vs_one_process"] = figures.pages_per_s / (one_rate or figures.pages_per_s)
                    print(f"  {figures.wall_s:.1f} s, {figures.pages_per_s:.1f} pages/s, "
                          f"{figures.checks['check']}, bottleneck {bottleneck(figures)}, "
                          f"load {figures.load_average[0]:.1f}", flush=True)
                    rows.append(figures)
        finally:
            site_server.terminate()
            site_server.join()
            if redis_server is not None:
                redis_server.terminate()
                redis_server.wait(timeout=30)
    print()
    print_table(rows)
    print()
    print(f"bottleneck rule: 'machine CPU' if all users kept the cores >= {MACHINE_FULL:.0%} busy (busy%), "
          "naming after it the largest of crawl CPU s, processing CPU s, DB s and Redis s; else that largest. "
          "DB s and Redis s are wall seconds inside those calls, summed over every process and thread "
          "(so they can exceed the wall time).")
    print(f"load average at the end: {os.getloadavg()}")
    result = {
        "measured_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "articles": args.articles,
        "cores": os.cpu_count(),
        "rule": bottleneck.__doc__.split("\n\n")[1].strip(),
        "rows": [asdict(row) | {"bottleneck": bottleneck(row), "our_cpu_share": row.our_cpu_share} for row in rows],
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
    print(f"written to {RESULTS}")


if __name__ == "__main__":
    main()
