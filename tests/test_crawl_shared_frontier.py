"""Crawl processes sharing one source's frontier in Redis, on one PostgreSQL store.

Real `dangan crawl` processes against a local site of 40 articles, with the
frontier on the Redis of DANGAN_TEST_REDIS_URL (a key prefix per test) and
the store in a fresh schema of DANGAN_TEST_PG_URL:

- two crawls at once: every page fetched and archived once, every article
  one document with one version, and the second crawl let in beside the
  first (one frontier run) while an unrelated crawl is still refused;
- one of two killed with kill -9 mid-run: the other finishes the frontier,
  taking back what the dead one held; a rerun adds nothing and misses nothing;
- ``dangan crawl --workers 2``: one combined summary, and ``--workers 2``
  without Redis is one clear error.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select

from storage.models import Capture, CrawlRun, Document, Version
from storage.store import Store
from tests.site.fixtures import FAST_SETTINGS, REPO_ROOT, SOURCE_NAME, subprocess_env, write_sources
from tests.site.server import SiteServer, write_site_folder

pytestmark = pytest.mark.slow

LISTS = 4
PER_LIST = 10
PARAGRAPH = "湘潭市人民政府办公室关于做好第{n}批重点项目建设工作的通知，各县市区人民政府、市直各单位：为加快推进项目建设，现就有关事项通知如下。"


def article_path(number: int) -> str:
    return f"/art/2024/3/{number % 28 + 1}/art_{number}_{number * 7}.html"


def write_many_articles_site(folder: Path) -> Path:
    """A portal: a home page, `LISTS` listing pages of `PER_LIST` articles each, articles linking to each other."""
    pages: dict[str, str] = {}
    lists = "".join(f'<li><a href="/col/col{page}/index.html">栏目{page}</a></li>' for page in range(1, LISTS + 1))
    pages["/"] = f"<html><head><title>首页</title></head><body><ul>{lists}</ul></body></html>"
    for page in range(1, LISTS + 1):
        numbers = range((page - 1) * PER_LIST + 1, page * PER_LIST + 1)
        links = "".join(f'<li><a href="{article_path(n)}">通知{n}</a></li>' for n in numbers)
        pages[f"/col/col{page}/index.html"] = (
            f"<html><head><title>栏目{page}</title></head><body><ul>{lists}</ul><ul>{links}</ul></body></html>"
        )
    total = LISTS * PER_LIST
    for n in range(1, total + 1):
        paragraphs = "".join(f"<p>{PARAGRAPH.format(n=n * 10 + k)}第{k}条。</p>" for k in range(1, 6))
        neighbour = article_path(n % total + 1)
        pages[article_path(n)] = (
            f'<html><head><meta charset="utf-8"><title>关于第{n}批项目的通知</title></head><body>'
            f'<div class="nav"><a href="/">首页</a></div>'
            f'<div class="article"><h1>关于第{n}批项目的通知</h1><p class="date">发布时间：2024-03-{n % 28 + 1:02d}</p>'
            f'{paragraphs}</div><div class="next">下一篇：<a href="{neighbour}">下一篇通知</a></div></body></html>'
        )
    return write_site_folder(folder, pages)


ARTICLES = {article_path(n) for n in range(1, LISTS * PER_LIST + 1)}


@pytest.fixture
def portal(tmp_path: Path):
    server = SiteServer(write_many_articles_site(tmp_path / "site")).start()
    try:
        yield server, write_sources(tmp_path / "sources.toml", server.base_url)
    finally:
        server.stop()


def crawl_command(sources: Path, data_dir: Path, *extra: str) -> list[str]:
    command = [sys.executable, "-m", "dangan", "crawl", SOURCE_NAME, "--config", str(sources),
               "--data-dir", str(data_dir), "--set", "CONCURRENT_REQUESTS_PER_DOMAIN=2", *extra]
    for name, value in FAST_SETTINGS.items():
        command += ["--set", f"{name}={value}"]
    return command


def env_for(pg_url: str, redis_url: str | None) -> dict[str, str]:
    env = {**subprocess_env(), "DANGAN_DB": pg_url}
    env.pop("DANGAN_REDIS_URL", None)
    if redis_url is not None:
        env["DANGAN_REDIS_URL"] = redis_url
    return env


def start(command: list[str], env: dict[str, str], prefix: str | None) -> subprocess.Popen:
    """Start a crawl; with `prefix`, its frontier keys under this test's prefix.

    The lease stays the default (30 s): a killed worker on this machine is
    noticed by its pid at once, and a shorter lease let a worker slowed by the
    loaded test machine be taken for dead, and its pages fetched twice.
    """
    if prefix is not None:
        command = [*command, "--set", f"DANGAN_REDIS_PREFIX={prefix}"]
    return subprocess.Popen(command, cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish(process: subprocess.Popen, timeout: float = 240) -> tuple[int, str, str]:
    try:
        out, err = process.communicate(timeout=timeout)
    finally:
        if process.poll() is None:
            process.kill()
    return process.returncode, out, err


def article_fetches(server: SiteServer) -> Counter:
    return Counter(path for path in server.requests if path in ARTICLES)


def store_state(pg_url: str, data_dir: Path) -> dict:
    """Captures per URL (robots.txt left out: each crawl process asks for it), versions per document, the runs."""
    with Store.open(pg_url, data_dir) as store, store.db.session() as session:
        captures = Counter(
            url.split("/", 3)[-1] for url in session.scalars(select(Capture.url).where(~Capture.url.like("%/robots.txt")))
        )
        versions = dict(session.execute(
            select(Document.url, func.count(Version.id)).join(Version, Version.document_id == Document.id)
            .group_by(Document.url)
        ).all())
        runs = list(session.execute(select(CrawlRun.id, CrawlRun.outcome, CrawlRun.frontier, CrawlRun.pages_fetched)
                                    .order_by(CrawlRun.id)).all())
    return {"captures": captures, "versions": versions, "runs": runs}


def article_versions(state: dict) -> dict[str, int]:
    return {"/" + url.split("/", 3)[-1]: count for url, count in state["versions"].items()}


def test_two_crawls_sharing_a_frontier_fetch_and_archive_each_page_once(
    portal, pg_url: str, redis_url: str, redis_prefix: str, tmp_path: Path
) -> None:
    server, sources = portal
    server.delay = 0.05
    data_dir = tmp_path / "data"
    env = env_for(pg_url, redis_url)
    # Both crawls must be running at once whatever the machine's load: a sleep
    # between the two starts let the first finish every page, on a busy machine,
    # before the second had started (it then found no page left). So the
    # articles are held until the second crawl has asked for its robots.txt,
    # which it does for the first request it claims from the shared queue.
    server.hold(lambda path: path in ARTICLES)
    # Long enough for an article held while the second crawl starts not to time out and be fetched twice.
    held_for_long = ("--set", "DOWNLOAD_TIMEOUT=180")
    first = start(crawl_command(sources, data_dir, *held_for_long), env, redis_prefix)
    try:
        server.wait_for(lambda seen: any(path in ARTICLES for path in seen))
        second = start(crawl_command(sources, data_dir, *held_for_long), env, redis_prefix)
        try:
            server.wait_for(lambda seen: seen.count("/robots.txt") == 2)
            # A crawl of the same source with a frontier of its own is still refused while they run.
            alone = subprocess.run(crawl_command(sources, data_dir), cwd=REPO_ROOT, env=env_for(pg_url, None),
                                   capture_output=True, text=True, timeout=120)
        finally:
            server.release()
            code_2, out_2, err_2 = finish(second)
    finally:
        server.release()
        code_1, out_1, err_1 = finish(first)

    assert code_1 == 0 and code_2 == 0, err_1[-3000:] + err_2[-3000:]
    assert alone.returncode == 1 and f"{SOURCE_NAME} is being crawled now" in alone.stderr, alone.stderr[-2000:]
    fetched = article_fetches(server)
    assert set(fetched) == ARTICLES and set(fetched.values()) == {1}, fetched
    other_pages = Counter(path for path in server.requests if path not in ARTICLES and path != "/robots.txt")
    assert set(other_pages.values()) == {1}, other_pages
    state = store_state(pg_url, data_dir)
    assert set(state["captures"].values()) == {1}, state["captures"]
    assert article_versions(state) == {path: 1 for path in ARTICLES}
    # Two run rows, one per worker, tied by one frontier run; both did part of the work.
    [(_, outcome_1, frontier_1, fetched_1), (_, outcome_2, frontier_2, fetched_2)] = state["runs"]
    assert outcome_1 == outcome_2 == "ok" and frontier_1 == frontier_2 is not None
    assert fetched_1 > 0 and fetched_2 > 0
    assert fetched_1 + fetched_2 == sum(state["captures"].values()) + 2  # + each one's robots.txt


def test_a_crawl_killed_mid_run_loses_nothing_the_other_finishes_and_a_rerun_adds_nothing(
    portal, pg_url: str, redis_url: str, redis_prefix: str, tmp_path: Path
) -> None:
    server, sources = portal
    server.delay = 0.3  # slow enough that the kill lands with requests in flight
    data_dir = tmp_path / "data"
    env = env_for(pg_url, redis_url)
    doomed = start(crawl_command(sources, data_dir), env, redis_prefix)
    survivor = start(crawl_command(sources, data_dir), env, redis_prefix)
    try:
        deadline = time.monotonic() + 120
        while len(article_fetches(server)) < 8:
            assert doomed.poll() is None and survivor.poll() is None, "a crawl ended before the kill"
            assert time.monotonic() < deadline, "the crawls never got going"
            time.sleep(0.05)
        os.kill(doomed.pid, signal.SIGKILL)
        doomed.wait(timeout=30)
    finally:
        if doomed.poll() is None:
            doomed.kill()
    code, out, err = finish(survivor)
    assert code == 0, err[-4000:]
    assert "went back to the queue" in err, err[-4000:]  # it took back what the dead one held

    assert set(article_fetches(server)) == ARTICLES
    state = store_state(pg_url, data_dir)
    assert article_versions(state) == {path: 1 for path in ARTICLES}

    # The rerun: a new frontier run, every page fetched again; nothing new, nothing duplicated, nothing missing.
    server.delay = 0.0
    rerun = start(crawl_command(sources, data_dir), env, redis_prefix)
    code, out, err = finish(rerun)
    assert code == 0, err[-4000:]
    assert "0 new documents, 0 new versions" in out, out
    after = store_state(pg_url, data_dir)
    assert article_versions(after) == {path: 1 for path in ARTICLES}
    with Store.open(pg_url, data_dir) as store:
        by_pid = {run.pid: run for run in store.run_log.runs(source=SOURCE_NAME)}
    killed, survived, again = by_pid[doomed.pid], by_pid[survivor.pid], by_pid[rerun.pid]
    assert (killed.outcome, survived.outcome, again.outcome) == ("interrupted", "ok", "ok")  # marked by the rerun
    assert killed.frontier == survived.frontier != again.frontier  # the rerun's frontier run is a new one


def test_crawl_with_workers_prints_one_combined_summary(
    portal, pg_url: str, redis_url: str, redis_prefix: str, tmp_path: Path
) -> None:
    server, sources = portal
    data_dir = tmp_path / "data"
    env = env_for(pg_url, redis_url)
    code, out, err = finish(start(crawl_command(sources, data_dir, "--workers", "2"), env, redis_prefix))

    assert code == 0, out + err[-3000:]
    total = LISTS * PER_LIST
    assert f"{SOURCE_NAME}: ok: " in out and f"{total} new documents" in out, out
    assert len([line for line in out.splitlines() if line.startswith(f"{SOURCE_NAME}:")]) == 1, out
    state = store_state(pg_url, data_dir)
    assert article_versions(state) == {path: 1 for path in ARTICLES}
    assert set(state["captures"].values()) == {1}
    assert len(state["runs"]) == 2 and len({frontier for _, _, frontier, _ in state["runs"]}) == 1

    # `dangan status` shows the two workers' runs as one crawl, their counts added up; `dangan runs` ties them.
    [(first_id, _, frontier, _), (second_id, _, _, _)] = state["runs"]
    status = subprocess.run([sys.executable, "-m", "dangan", "status", "--config", str(sources), "--db", pg_url],
                            cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert status.returncode == 0, status.stderr
    assert f"workers:   2 runs share frontier run {frontier} ({first_id} ok, {second_id} ok)" in status.stdout
    assert f"{total} new," in status.stdout, status.stdout
    runs = subprocess.run([sys.executable, "-m", "dangan", "runs", "--db", pg_url],
                          cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert runs.stdout.count(f"worker of frontier run {frontier}") == 2, runs.stdout


def test_workers_without_a_redis_url_is_one_clear_error(portal, tmp_path: Path) -> None:
    server, sources = portal
    env = {**subprocess_env()}
    env.pop("DANGAN_REDIS_URL", None)
    finished = subprocess.run(crawl_command(sources, tmp_path / "data", "--workers", "2"), cwd=REPO_ROOT, env=env,
                              capture_output=True, text=True, timeout=60)
    assert finished.returncode == 1
    assert "error: --workers 2 needs a frontier the workers share: set DANGAN_REDIS_URL" in finished.stderr
    assert "Traceback" not in finished.stderr and server.requests == []
