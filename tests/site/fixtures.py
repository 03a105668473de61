"""Pytest fixtures and helpers for crawling the test site.

Crawls run in a subprocess: Twisted's reactor cannot be started twice in one
process, and each test crawls more than once. `crawl` calls
`crawler.run.run_crawls` (what ``dangan crawl`` does); `scrapy_crawl_command`
builds the ``scrapy crawl source`` command line for tests that need to start
and kill the process themselves.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.site.pages import ARTICLE_PATTERNS, build_state
from tests.site.server import SiteServer

REPO_ROOT = Path(__file__).resolve().parents[2]
SOURCE_NAME = "xiangtan-test"

#: Settings every test crawl uses: no politeness delays (the site is local and
#: ours), quick retries, two workers so processing really is in other processes.
FAST_SETTINGS = {
    "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_DELAY": 0,
    "DANGAN_RETRY_BACKOFF_BASE": 0.01,
    "DANGAN_PROCESS_WORKERS": 2,
    "LOG_LEVEL": "INFO",
}


@dataclass
class SiteUnderTest:
    """The running site, its two prepared states, and where its sources file is."""

    server: SiteServer
    states: dict[int, Path]
    sources_file: Path

    @property
    def base_url(self) -> str:
        return self.server.base_url

    def use_state(self, state: int) -> None:
        self.server.use_state(self.states[state])

    def url(self, path: str) -> str:
        return self.base_url + path


def write_sources(path: Path, base_url: str, *, max_query_variants: int = 5, max_pages: int = 200) -> Path:
    """A sources file with one source for the test site."""
    patterns = ", ".join(f"'{pattern}'" for pattern in ARTICLE_PATTERNS)
    path.write_text(
        "[[sources]]\n"
        f'name = "{SOURCE_NAME}"\n'
        f'start_urls = ["{base_url}/"]\n'
        'allowed_domains = ["127.0.0.1"]\n'
        f"article_urls = [{patterns}]\n"
        f"max_pages = {max_pages}\n"
        "max_depth = 6\n"
        f"max_query_variants = {max_query_variants}\n",
        encoding="utf-8",
    )
    return path


@pytest.fixture
def test_site(tmp_path: Path) -> Iterator[SiteUnderTest]:
    """The test site in state 1 on 127.0.0.1, with state 2 ready for `use_state(2)`."""
    states = {state: build_state(state, tmp_path / f"site-state-{state}") for state in (1, 2)}
    server = SiteServer(states[1]).start()
    try:
        yield SiteUnderTest(server, states, write_sources(tmp_path / "sources.toml", server.base_url))
    finally:
        server.stop()


_RUN_CRAWLS = """
import json, logging, sys
from pathlib import Path
from crawler.run import run_crawls
from core.sources import find_source, load_sources

args = json.loads(sys.argv[1])
logging.basicConfig(level=logging.INFO, stream=sys.stderr)
source = find_source(load_sources(Path(args["sources"])), args["name"])
summaries = run_crawls([source], db_url=args["db_url"], data_dir=Path(args["data_dir"]), settings=args["settings"])
print(json.dumps([summary.__dict__ for summary in summaries]))
"""


def crawl(site: SiteUnderTest, db_url: str, data_dir: Path, *, settings: dict | None = None, timeout: float = 120) -> dict:
    """Crawl the test site once with `run_crawls` in a fresh Python process; return its summary."""
    args = {
        "sources": str(site.sources_file),
        "name": SOURCE_NAME,
        "db_url": db_url,
        "data_dir": str(data_dir),
        "settings": {**FAST_SETTINGS, **(settings or {})},
    }
    finished = subprocess.run(
        [sys.executable, "-c", _RUN_CRAWLS, json.dumps(args)],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=timeout, env=_env(),
    )
    if finished.returncode != 0:
        raise AssertionError(f"crawl failed ({finished.returncode}):\n{finished.stderr[-6000:]}")
    return json.loads(finished.stdout.strip().splitlines()[-1])[0]


def scrapy_crawl_command(site: SiteUnderTest, db_url: str, data_dir: Path, *, settings: dict | None = None) -> list[str]:
    """``scrapy crawl source -a name=… -a config=… -s …`` for this site, run from the repo root."""
    command = [sys.executable, "-m", "scrapy", "crawl", "source",
               "-a", f"name={SOURCE_NAME}", "-a", f"config={site.sources_file}",
               "-s", f"DANGAN_DB={db_url}", "-s", f"DANGAN_DATA_DIR={data_dir}"]
    for name, value in {**FAST_SETTINGS, **(settings or {})}.items():
        command += ["-s", f"{name}={value}"]
    return command


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO_ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env.pop("SCRAPY_SETTINGS_MODULE", None)
    return env


subprocess_env = _env


def run_dangan_crawl(sources: Path, data_dir: Path, *extra: str, settings: dict | None = None,
                     timeout: float = 180) -> subprocess.CompletedProcess:
    """``dangan crawl`` of the test source, as a user runs it, with `FAST_SETTINGS` and `settings` set."""
    command = [sys.executable, "-m", "dangan", "crawl", SOURCE_NAME, "--config", str(sources),
               "--data-dir", str(data_dir), *extra]
    for name, value in {**FAST_SETTINGS, **(settings or {})}.items():
        command += ["--set", f"{name}={value}"]
    return subprocess.run(command, cwd=REPO_ROOT, env=_env(), capture_output=True, text=True, timeout=timeout)
