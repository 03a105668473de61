"""`dangan crawl NAME --workers N`: N crawl processes on this machine sharing each source's Redis frontier.

Each worker is a ``dangan crawl`` process of its own (`dangan.crawl_process.CrawlProcess`:
its own session, its output in ``<data dir>/logs/NAME-worker-K.log``, ended
by the kernel if this process dies), started with the same sources and
settings and ``DANGAN_REDIS_URL`` in its environment, so all N join the
frontier run of each source (`crawler.frontier`) and fetch each URL once
between them. Each worker keeps a run record of its own, tied to the
others by the frontier run's id (`storage.runs`).

Each worker writes its summaries to a JSON file; `combine_summaries` adds
them up, per source, into the one summary this command prints:

- the counts are the sums of the workers' counts;
- the outcome is "ok" if any worker's crawl of the source was ok (the site
  answered; a worker that was stopped or killed handed its requests to the
  others), "failed" if every worker's failed, and "interrupted" otherwise.

Ctrl-C, SIGTERM or SIGHUP here stop every worker cleanly (SIGTERM to each).
"""

from __future__ import annotations

import json
import logging
import signal
import sys
import tempfile
import time
from dataclasses import dataclass, fields
from pathlib import Path

from core.errors import DanganError
from crawler.run import CrawlSummary
from dangan.crawl_process import LOG_FOLDER, CrawlProcess
from storage.runs import RUN_COUNTS
from storage.times import utc_now

log = logging.getLogger(__name__)

#: Seconds between two looks at whether the workers have ended.
_POLL = 0.2


@dataclass
class WorkerEnd:
    """How one worker process ended: its number, pid, exit code, log, and its summaries (none if it died)."""

    number: int
    pid: int
    returncode: int
    log_path: Path
    summaries: list[CrawlSummary]


def worker_command(
    names: list[str], *, config: Path, data_dir: Path, trigger: str, settings: dict[str, str], summary_file: Path,
) -> list[str]:
    """The command line of one worker: ``dangan crawl NAMES … --summary-json FILE``.

    The database and Redis URLs are not on it: they go in the environment,
    where a password in them is not shown to every user of ``ps``.

    >>> worker_command(["gov"], config=Path("s.toml"), data_dir=Path("d"), trigger="manual",
    ...                settings={"DOWNLOAD_DELAY": "2"}, summary_file=Path("w1.json"))[3:]
    ['crawl', 'gov', '--config', 's.toml', '--data-dir', 'd', '--trigger', 'manual', '--summary-json', 'w1.json', '--set', 'DOWNLOAD_DELAY=2']
    """
    command = [sys.executable, "-m", "dangan", "crawl", *names, "--config", str(config), "--data-dir", str(data_dir),
               "--trigger", trigger, "--summary-json", str(summary_file)]
    for name, value in settings.items():
        command += ["--set", f"{name}={value}"]
    return command


def run_crawl_workers(
    names: list[str], *, count: int, config: Path, db_url: str, data_dir: Path, redis_url: str | None,
    settings: dict[str, str], trigger: str,
) -> tuple[list[CrawlSummary], list[WorkerEnd]]:
    """Run `count` worker processes over the sources `names`; return the combined summaries and each worker's end.

    DanganError if no Redis URL is given (without a shared frontier every
    worker would crawl every page).
    """
    if not redis_url:
        raise DanganError(
            f"--workers {count} needs a frontier the workers share: set DANGAN_REDIS_URL=redis://HOST:6379/0 "
            "(or --redis URL). Without it every worker would crawl every page."
        )
    logs = data_dir / LOG_FOLDER
    started = utc_now()
    with tempfile.TemporaryDirectory(prefix="dangan-workers-") as folder:
        workers: list[tuple[int, CrawlProcess, Path]] = []
        for number in range(1, count + 1):
            summary_file = Path(folder) / f"worker-{number}.json"
            command = worker_command(names, config=config, data_dir=data_dir, trigger=trigger, settings=settings,
                                     summary_file=summary_file)
            label = "-".join(names) if len(names) <= 3 else f"{len(names)}-sources"
            process = CrawlProcess.start(
                ", ".join(names), command, db_url=db_url, log_path=logs / f"{label}-worker-{number}.log",
                started_at=started, what=f"crawl worker {number} of {count}", env={"DANGAN_REDIS_URL": redis_url},
            )
            workers.append((number, process, summary_file))
        _wait_for(workers)
        ends = [
            WorkerEnd(number, process.pid, process.poll() or 0, process.log_path, _read_summaries(summary_file))
            for number, process, summary_file in workers
        ]
    return combine_summaries(names, ends), ends


def _wait_for(workers: list[tuple[int, CrawlProcess, Path]]) -> None:
    """Wait until every worker has ended; a signal to this process stops them all cleanly first."""
    def stop_all(signum, frame) -> None:  # noqa: ARG001 - signal handler signature
        for _, process, _ in workers:
            process.stop()

    previous = {sig: signal.signal(sig, stop_all) for sig in (signal.SIGTERM, signal.SIGHUP)}
    try:
        while any(process.poll() is None for _, process, _ in workers):
            try:
                time.sleep(_POLL)
            except KeyboardInterrupt:
                stop_all(signal.SIGINT, None)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _read_summaries(path: Path) -> list[CrawlSummary]:
    if not path.exists():
        return []
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))
    except ValueError:
        return []
    return [CrawlSummary(**row) for row in rows]


def combine_summaries(names: list[str], ends: list[WorkerEnd]) -> list[CrawlSummary]:
    """One summary per source from the workers' (see the module docstring); `run_id` is None.

    >>> def worker(outcome, fetched):
    ...     counts = {name: 0 for name in RUN_COUNTS} | {"pages_fetched": fetched}
    ...     summary = CrawlSummary("gov", outcome, None, run_id=1, **counts)
    ...     return WorkerEnd(1, 1, 0, Path("log"), [summary])
    >>> combined, = combine_summaries(["gov"], [worker("ok", 3), worker("interrupted", 2)])
    >>> combined.outcome, combined.pages_fetched
    ('ok', 5)
    """
    combined = []
    for name in names:
        theirs = [summary for end in ends for summary in end.summaries if summary.source == name]
        outcomes = [summary.outcome for summary in theirs]
        if "ok" in outcomes:
            outcome, reason = "ok", None
        elif outcomes and all(outcome == "failed" for outcome in outcomes):
            outcome, reason = "failed", theirs[0].reason
        else:
            outcome = "interrupted"
            reason = next((summary.reason for summary in theirs if summary.reason), None) or (
                "no worker finished its crawl" if theirs else "no worker reported on this source")
        counts = {count: sum(getattr(summary, count) for summary in theirs) for count in RUN_COUNTS}
        combined.append(CrawlSummary(source=name, outcome=outcome, reason=reason, run_id=None, **counts))
    return combined


def summary_rows(summaries: list[CrawlSummary]) -> list[dict]:
    """Summaries as JSON-ready rows, the form `--summary-json` writes and `_read_summaries` reads."""
    return [{field.name: getattr(summary, field.name) for field in fields(summary)} for summary in summaries]
