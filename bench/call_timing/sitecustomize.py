"""Per-process timing of database and Redis calls, for `bench.scale_bench` only.

`bench.scale_bench` puts this folder on PYTHONPATH and sets
DANGAN_BENCH_CALL_TIMING to a folder; Python then imports this module at the
start of every process of the crawl it runs (the crawl processes, the
forkserver and the processing workers forked from it). Without that variable
it does nothing.

It answers "where did the time go" from the inside, the same way for SQLite
and PostgreSQL: the wall time each process spent in the database driver
(SQLAlchemy's dialect calls: execute, executemany, commit, rollback; on SQLite
a wait for the write lock happens inside them) and in Redis commands
(`redis.Redis.execute_command` and pipelines: one round trip each), with the
number of calls, and the process's own CPU time. Each process writes these
to ``<folder>/<pid>.json``: at exit, at a multiprocessing worker's exit, and
every two seconds while it makes calls (so a worker stopped by a signal loses
at most the last two seconds).

Nothing is imported early: the two libraries are patched only when the
process imports them itself (an import hook), so a process that never uses
them pays nothing for the measuring.
"""

from __future__ import annotations

import os

_FOLDER = os.environ.get("DANGAN_BENCH_CALL_TIMING")

if _FOLDER:
    import atexit
    import importlib.abc
    import json
    import sys
    import time

    _totals = {"db_s": 0.0, "db_calls": 0, "redis_s": 0.0, "redis_calls": 0}
    _last_write = [time.monotonic()]

    def _role() -> str:
        # Workers are multiprocessing children; the forkserver (and the resource
        # tracker) are started as ``python -c …``; the crawl is ``-m dangan crawl``.
        import multiprocessing

        if multiprocessing.parent_process() is not None or sys.argv[:1] == ["-c"]:
            return "processing"
        return "crawl" if "crawl" in sys.argv else "other"

    def _write() -> None:
        _last_write[0] = time.monotonic()
        row = dict(_totals, pid=os.getpid(), role=_role(), cpu_s=time.process_time(), argv=sys.argv[:4])
        path = os.path.join(_FOLDER, f"{os.getpid()}.json")
        try:
            with open(path + ".tmp", "w", encoding="utf-8") as out:
                json.dump(row, out)
            os.replace(path + ".tmp", path)
        except OSError:
            pass  # the bench's folder is gone: it has stopped reading

    def _timed(function, seconds_key: str, calls_key: str):
        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                _totals[seconds_key] += time.perf_counter() - started
                _totals[calls_key] += 1
                if time.monotonic() - _last_write[0] > 2.0:
                    _write()
        return timed

    def _patch_sqlalchemy(module) -> None:
        dialect = module.DefaultDialect
        for name in ("do_execute", "do_executemany", "do_execute_no_params", "do_commit", "do_rollback"):
            setattr(dialect, name, _timed(getattr(dialect, name), "db_s", "db_calls"))

    def _patch_redis(module) -> None:
        module.Redis.execute_command = _timed(module.Redis.execute_command, "redis_s", "redis_calls")
        module.Pipeline.execute = _timed(module.Pipeline.execute, "redis_s", "redis_calls")

    _PATCHES = {"sqlalchemy.engine.default": _patch_sqlalchemy, "redis.client": _patch_redis}

    class _PatchAfterImport(importlib.abc.MetaPathFinder):
        """Finds the two modules through the other finders and patches them once they have run."""

        def find_spec(self, name, path, target=None):
            if name not in _PATCHES:
                return None
            for finder in sys.meta_path:
                if finder is self or not hasattr(finder, "find_spec"):
                    continue
                spec = finder.find_spec(name, path, target)
                if spec is not None and spec.loader is not None:
                    run_module = spec.loader.exec_module

                    def exec_module(module, run_module=run_module, patch=_PATCHES[name]):
                        run_module(module)
                        patch(module)

                    spec.loader.exec_module = exec_module
                    return spec
            return None

    def _reset() -> None:
        # A forked process starts its own account (its CPU time restarts at zero too).
        for key in _totals:
            _totals[key] = type(_totals[key])()

    class _Anchor:
        """What multiprocessing's after-fork registry holds (it keeps weak references)."""

    def _write_at_worker_exit(_anchor) -> None:
        # A multiprocessing worker leaves through multiprocessing's exit path, not
        # atexit's; its finalisers are cleared just before these hooks run.
        multiprocessing.util.Finalize(None, _write, exitpriority=100)

    import multiprocessing.util

    _anchor = _Anchor()
    multiprocessing.util.register_after_fork(_anchor, _write_at_worker_exit)
    sys.meta_path.insert(0, _PatchAfterImport())
    os.register_at_fork(after_in_child=_reset)
    atexit.register(_write)
