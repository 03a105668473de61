"""The parts of `bench.scale_bench` with logic of their own: the bottleneck rule and the per-process call timing.

No timing is asserted: the figures are the benchmark's to print. What is
checked is that the rule picks what it says it picks, and that the timing
hook counts the calls a real process makes (SQLite, a real Redis when
DANGAN_TEST_REDIS_URL is set) in the process and in its multiprocessing workers.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from bench.scale_bench import CALL_TIMING, RunFigures, bottleneck

REDIS_URL = os.environ.get("DANGAN_TEST_REDIS_URL")


def _row(**figures) -> RunFigures:
    base = {"wall_s": 10.0, "cores": 2, "machine_busy": 0.5, "crawl_cpu_s": 1.0, "processing_cpu_s": 1.0,
            "db_s": 1.0, "redis_s": 1.0}
    return RunFigures("sqlite", "redis", 2, **(base | figures))


@pytest.mark.parametrize(("figures", "expected"), [
    ({"crawl_cpu_s": 6.0}, "crawl"),
    ({"processing_cpu_s": 6.0}, "processing"),
    ({"db_s": 6.0}, "database"),
    ({"redis_s": 6.0}, "redis"),
    ({"db_s": 6.0, "machine_busy": 0.95}, "machine CPU (database)"),
    ({"crawl_cpu_s": 6.0, "machine_busy": 0.9}, "machine CPU (crawl)"),
])
def test_the_bottleneck_is_the_largest_figure_or_a_full_machine(figures, expected):
    assert bottleneck(_row(**figures)) == expected


def test_our_cpu_share_is_cpu_seconds_over_the_cores_of_the_wall_time():
    assert _row(crawl_cpu_s=3.0, processing_cpu_s=2.0).our_cpu_share == pytest.approx(0.25)


PROGRAM = textwrap.dedent("""
    import multiprocessing, sys
    from concurrent.futures import ProcessPoolExecutor
    import sqlalchemy

    def work(n):
        engine = sqlalchemy.create_engine("sqlite://")
        with engine.begin() as connection:
            for _ in range(n):
                connection.exec_driver_sql("SELECT 1")
        return n

    if __name__ == "__main__":
        engine = sqlalchemy.create_engine("sqlite://")
        with engine.begin() as connection:
            for _ in range(7):
                connection.exec_driver_sql("SELECT 1")
        if len(sys.argv) > 1:
            import redis
            client = redis.Redis.from_url(sys.argv[1])
            for _ in range(5):
                client.ping()
        with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("forkserver")) as pool:
            assert pool.submit(work, 11).result() == 11
""")


def _timed_processes(tmp_path: Path, *extra: str) -> list[dict]:
    script = tmp_path / "program.py"
    script.write_text(PROGRAM, encoding="utf-8")
    folder = tmp_path / "timing"
    folder.mkdir()
    env = os.environ | {"DANGAN_BENCH_CALL_TIMING": str(folder), "PYTHONPATH": str(CALL_TIMING)}
    subprocess.run([sys.executable, str(script), *extra], env=env, check=True, timeout=120)
    return [json.loads(path.read_text(encoding="utf-8")) for path in folder.glob("*.json")]


def test_call_timing_counts_database_calls_in_the_process_and_its_workers(tmp_path):
    rows = _timed_processes(tmp_path)
    main, = (row for row in rows if row["role"] == "other")
    workers = [row for row in rows if row["role"] == "processing" and row["db_calls"]]
    # Each process opens its first connection the same way (SQLAlchemy's own
    # first statements), then runs its statements: 7 in the main process, 11
    # in the worker. The forkserver makes no calls.
    assert len(workers) == 1, rows
    assert workers[0]["db_calls"] - main["db_calls"] == 11 - 7
    assert main["db_s"] > 0 and workers[0]["db_s"] > 0
    assert all(row["cpu_s"] > 0 for row in rows)


@pytest.mark.skipif(not REDIS_URL, reason="DANGAN_TEST_REDIS_URL is not set: no Redis to time calls to")
def test_call_timing_counts_redis_round_trips(tmp_path):
    rows = _timed_processes(tmp_path, REDIS_URL)
    assert sum(row["redis_calls"] for row in rows) == 5, rows
    assert sum(row["redis_s"] for row in rows) > 0


def test_without_the_variable_nothing_is_written_or_patched(tmp_path):
    env = {key: value for key, value in os.environ.items() if key != "DANGAN_BENCH_CALL_TIMING"}
    env["PYTHONPATH"] = str(CALL_TIMING)
    result = subprocess.run(
        [sys.executable, "-c", "import sqlalchemy.engine.default as d; print(d.DefaultDialect.do_execute.__name__)"],
        env=env, check=True, capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "do_execute"
