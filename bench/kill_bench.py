"""kill -9 at random moments, then a rerun and a full consistency check: does the archive survive?

Each trial crawls a fresh copy of a synthetic portal and sends SIGKILL at a
moment drawn from a seeded random generator, to one of:

- ``crawl``: the `dangan crawl` process alone (its workers must notice and go);
- ``group``: the crawl with its whole process group (the machine losing power, in effect);
- ``workers``: the processing workers only (the crawl must replace them and go on);
- ``scheduler``: a `dangan schedule` process alone, while it runs a crawl it started.

Then it waits for whatever is left to stop (anything still alive 10 s later
is a stray, counted and killed), runs `dangan crawl` again to the end, and
checks the archive (`storage.consistency.check_archive`: every capture's
record and digest, no orphan record, one version per distinct text) and the
export against that of one uninterrupted crawl of the same site (every field
but when and where it was captured). A trial survived when the rerun succeeded, the check found
nothing and the export is equal. Data lost counts documents missing from the
export or different from the uninterrupted crawl's, over all trials.

    .venv/bin/python -m bench.kill_bench                 # 50 trials, seed 12
    .venv/bin/python -m bench.kill_bench --trials 5 --seed 3 --articles 40

Prints faults tried, survived and data lost; writes bench/results/kill.json.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import psutil

from bench.synthetic_site import build_site, write_site_sources
from dangan.static_site import StaticSite
from storage.consistency import check_archive
from storage.store import Store

log = logging.getLogger("bench.kill_bench")

RESULTS = Path(__file__).parent / "results" / "kill.json"
REPO_ROOT = Path(__file__).resolve().parent.parent
TARGETS = ("crawl", "group", "workers", "scheduler")
#: Export fields that say what the archive holds (the others say when and where it was
#: captured, which differs between any two crawls).
CONTENT_FIELDS = ("url", "source", "title", "published", "origin", "author", "editor", "doc_number",
                  "text", "version", "text_sha256", "status", "duplicate_of")
#: Local site, our own: no politeness, but slow enough that a crawl lasts long enough to be hit mid-way.
CRAWL_SETTINGS = {
    "AUTOTHROTTLE_ENABLED": "False",
    "DOWNLOAD_DELAY": "0.02",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "2",
    "DANGAN_RETRY_BACKOFF_BASE": "0.05",
    "DANGAN_PROCESS_WORKERS": "2",
}
STRAY_WAIT_S = 10.0


@dataclass
class Trial:
    """One kill -9 and what came of it."""

    number: int
    target: str
    kill_after_s: float
    killed: list[int] = field(default_factory=list)
    ended_before_kill: bool = False
    strays: int = 0
    rerun_ok: bool = False
    problems: list[str] = field(default_factory=list)
    lost: int = 0

    @property
    def survived(self) -> bool:
        return self.rerun_ok and not self.problems and self.lost == 0


def write_sources(path: Path, site_url: str, *, scheduled: bool = False) -> Path:
    # A schedule that never comes round on its own: the scheduler trials start the crawl themselves.
    return write_site_sources(path, site_url, name="portal", schedule="0 0 1 1 *" if scheduled else None)


def dangan(*arguments: str, settings: dict | None = None) -> list[str]:
    command = [sys.executable, "-m", "dangan", *arguments]
    for name, value in {**CRAWL_SETTINGS, **(settings or {})}.items():
        command += ["--set", f"{name}={value}"]
    return command


def crawl_to_the_end(sources: Path, data_dir: Path) -> subprocess.CompletedProcess:
    return subprocess.run(dangan("crawl", "portal", "--config", str(sources), "--data-dir", str(data_dir)),
                          cwd=REPO_ROOT, capture_output=True, text=True, timeout=600)


def exported(data_dir: Path) -> dict[str, dict]:
    """The export of every version in the store, by URL and version number: its `CONTENT_FIELDS`."""
    with Store.open(None, data_dir) as store:
        return {f"{row['url']} v{row['version']}": {name: row.get(name) for name in CONTENT_FIELDS}
                for row in map(dict, store.versions.export(all_versions=True))}


def _descendants(pid: int) -> list[psutil.Process]:
    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.Error:
        return []


def _workers_of(crawl_pid: int) -> list[psutil.Process]:
    """The processing workers: the forkserver's children (grandchildren of the crawl)."""
    direct = {child.pid for child in _direct_children(crawl_pid)}
    return [process for process in _descendants(crawl_pid) if _parent_pid(process) not in ({crawl_pid} | {0})
            and process.pid not in direct]


def _direct_children(pid: int) -> list[psutil.Process]:
    try:
        return psutil.Process(pid).children()
    except psutil.Error:
        return []


def _parent_pid(process: psutil.Process) -> int:
    try:
        return process.ppid()
    except psutil.Error:
        return 0


def _crawl_under_scheduler(scheduler_pid: int) -> psutil.Process | None:
    for process in _descendants(scheduler_pid):
        try:
            if "crawl" in process.cmdline() and "dangan" in " ".join(process.cmdline()):
                return process
        except psutil.Error:
            continue
    return None


def _kill(processes: list[psutil.Process]) -> list[int]:
    killed = []
    for process in processes:
        try:
            process.send_signal(signal.SIGKILL)
            killed.append(process.pid)
        except psutil.Error:
            pass
    return killed


def run_trial(number: int, target: str, kill_after: float, site_url: str, workdir: Path,
              reference: dict[str, dict]) -> Trial:
    trial = Trial(number, target, round(kill_after, 2))
    data_dir = workdir / f"trial-{number}"
    sources = write_sources(workdir / f"sources-{number}.toml", site_url, scheduled=target == "scheduler")
    if target == "scheduler":
        command = dangan("schedule", "--config", str(sources), "--data-dir", str(data_dir),
                         settings={"DANGAN_SCHEDULE_TEST_INTERVAL": "1", "DANGAN_SCHEDULE_TIMEZONE": "UTC"})
    else:
        command = dangan("crawl", "portal", "--config", str(sources), "--data-dir", str(data_dir))
    victim = subprocess.Popen(command, cwd=REPO_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True)
    before = time.monotonic()
    tree: set[int] = set()
    while time.monotonic() - before < kill_after and victim.poll() is None:
        tree |= {process.pid for process in _descendants(victim.pid)}
        time.sleep(0.05)
    if victim.poll() is not None:
        trial.ended_before_kill = True
    elif target == "crawl":
        trial.killed = _kill([psutil.Process(victim.pid)])
    elif target == "group":
        trial.killed = _kill([psutil.Process(victim.pid), *_descendants(victim.pid)])
    elif target == "workers":
        # Workers start with the crawl's pool; at an early moment, kill them as soon as they exist.
        waited_until = time.monotonic() + 10
        while not _workers_of(victim.pid) and victim.poll() is None and time.monotonic() < waited_until:
            time.sleep(0.05)
        trial.killed = _kill(_workers_of(victim.pid))
    else:  # the scheduler alone, while its crawl runs
        trial.killed = _kill([psutil.Process(victim.pid)])

    if target == "workers" and not trial.ended_before_kill:
        # The crawl goes on without them; it must still end by itself.
        victim.wait(timeout=600)
    else:
        try:
            victim.wait(timeout=30)
        except subprocess.TimeoutExpired:
            pass
    tree |= {process.pid for process in _descendants(victim.pid)} if victim.poll() is None else set()
    # What a kill left running: a scheduler's crawl may finish its work; anything else must go.
    deadline = time.monotonic() + (120 if target == "scheduler" else STRAY_WAIT_S)
    alive = [pid for pid in tree if psutil.pid_exists(pid)]
    while alive and time.monotonic() < deadline:
        time.sleep(0.2)
        alive = [pid for pid in alive if _running(pid)]
    trial.strays = len(alive)
    if alive:
        log.warning("trial %d (%s): %d processes still running %.0f s after the kill: %s", number, target,
                    len(alive), STRAY_WAIT_S, alive)
        try:
            os.killpg(victim.pid, signal.SIGKILL)
        except OSError:
            pass
        _kill([psutil.Process(pid) for pid in alive if psutil.pid_exists(pid)])
    if victim.poll() is None:
        victim.kill()
        victim.wait()

    rerun = crawl_to_the_end(write_sources(sources, site_url), data_dir)
    trial.rerun_ok = rerun.returncode == 0
    if not trial.rerun_ok:
        trial.problems.append(f"rerun exited {rerun.returncode}: {rerun.stderr.strip().splitlines()[-1:]}")
    with Store.open(None, data_dir) as store:
        trial.problems += check_archive(store).problems
    got = exported(data_dir)
    trial.lost = sum(1 for url, row in reference.items() if got.get(url) != row)
    extra = set(got) - set(reference)
    if extra:
        trial.problems.append(f"{len(extra)} documents the uninterrupted crawl does not have, e.g. {sorted(extra)[0]}")
    shutil.rmtree(data_dir, ignore_errors=True)
    return trial


def _running(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=50, help="how many kill -9 trials (default 50)")
    parser.add_argument("--seed", type=int, default=12, help="seed of the kill moments and targets")
    parser.add_argument("--articles", type=int, default=60, help="articles on the synthetic site")
    parser.add_argument("--latest", type=float, default=9.0, help="latest kill moment, seconds after start")
    arguments = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")

    rng = random.Random(arguments.seed)
    with tempfile.TemporaryDirectory(prefix="dangan-kill-") as scratch:
        workdir = Path(scratch)
        build_site(workdir / "site", articles=arguments.articles, per_listing=20)
        with StaticSite(workdir / "site") as site:
            reference_dir = workdir / "reference"
            reference_run = crawl_to_the_end(write_sources(workdir / "reference.toml", site.base_url), reference_dir)
            if reference_run.returncode != 0:
                raise SystemExit(f"the uninterrupted crawl failed:\n{reference_run.stderr[-3000:]}")
            reference = exported(reference_dir)
            log.info("uninterrupted crawl: %d documents", len(reference))
            trials = []
            for number in range(1, arguments.trials + 1):
                target = rng.choice(TARGETS)
                kill_after = rng.uniform(0.3, arguments.latest)
                began = time.monotonic()
                trial = run_trial(number, target, kill_after, site.base_url, workdir, reference)
                trials.append(trial)
                log.info("trial %2d (%3.0f s): kill -9 %-9s after %4.1f s%s: %s%s", number,
                         time.monotonic() - began, target, kill_after,
                         " (it had ended)" if trial.ended_before_kill else f" ({len(trial.killed)} processes)",
                         "survived" if trial.survived else "FAILED",
                         "" if trial.survived else f" lost={trial.lost} {trial.problems[:3]}")

    survived = sum(trial.survived for trial in trials)
    lost = sum(trial.lost for trial in trials)
    figures = {
        "faults_tried": len(trials),
        "survived": survived,
        "data_lost_documents": lost,
        "stray_processes": sum(trial.strays for trial in trials),
        "ended_before_kill": sum(trial.ended_before_kill for trial in trials),
        # A trial whose moment came before its target existed (workers not started yet) killed nothing.
        "kills_landed": sum(bool(trial.killed) for trial in trials),
        "by_target": {target: sum(trial.target == target for trial in trials) for target in TARGETS},
        "documents_per_crawl": len(reference),
        "seed": arguments.seed,
        "command": "python -m bench.kill_bench " + " ".join(argv if argv is not None else sys.argv[1:]),
        "trials": [asdict(trial) | {"survived": trial.survived} for trial in trials],
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(figures, ensure_ascii=False, indent=1), encoding="utf-8")
    log.info("faults tried: %d, survived: %d, data lost: %d documents (kills landed: %d; stray processes: %d; "
             "by target: %s)", len(trials), survived, lost, figures["kills_landed"], figures["stray_processes"],
             figures["by_target"])
    log.info("written to %s", RESULTS)
    return 0 if survived == len(trials) and lost == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
