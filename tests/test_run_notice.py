"""Webhook notices: a real local receiver, real `dangan crawl` subprocesses.

A failed crawl, a recrawl that found a corrected article, and a first crawl
each POST one JSON summary; an ok recrawl with nothing new POSTs none; a
webhook that does not answer changes nothing but a warning in the log.
The payload builder and sender are tested on their own first.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from crawler.run_notice import ChangedUrls, notice_payload, notify_run, post_notice
from storage.store import Store
from tests.site.fixtures import test_site  # noqa: F401
from tests.site.pages import EXPECTED
from tests.test_crawl_failures import dangan_crawl, free_port, only_run
from tests.site.fixtures import REPO_ROOT, subprocess_env, write_sources


class Receiver:
    """An HTTP server on 127.0.0.1 that records every POSTed JSON body and answers `status`, after `delay` seconds."""

    def __init__(self, status: int = 204, delay: float = 0.0) -> None:
        bodies: list[dict] = []
        self.bodies = bodies
        self.status = status
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                length = int(self.headers.get("Content-Length", 0))
                bodies.append(json.loads(self.rfile.read(length).decode("utf-8")))
                time.sleep(delay)
                self.send_response(receiver.status)
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook/secret-token"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> "Receiver":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver() as running:
        yield running


def payload(outcome: str = "ok", **counts: int) -> dict:
    changes = ChangedUrls(cap=2)
    for number in range(counts.get("new_versions", 0)):
        changes.add("new_version", f"http://a.cn/content/{number}.html")
    changes.add("unchanged", "http://a.cn/content/same.html")
    return notice_payload(
        source="gov", run_id=3, trigger="manual", outcome=outcome, reason="why" if outcome == "failed" else None,
        started_at=datetime(2026, 11, 2, 8, 0), finished_at=datetime(2026, 11, 2, 8, 1), counts=counts, changes=changes,
    )


def test_the_payload_lists_new_versions_up_to_the_cap_and_counts_the_rest() -> None:
    built = payload(new_versions=5)
    assert built["new_versions"] == {"urls": ["http://a.cn/content/0.html", "http://a.cn/content/1.html"], "more": 3}
    assert built["new_documents"] == {"urls": [], "more": 0}
    assert (built["source"], built["run_id"], built["started_at"]) == ("gov", 3, "2026-11-02T08:00:00Z")
    json.dumps(built)  # what is sent must be JSON


def test_notices_go_for_failures_and_news_only(receiver: Receiver) -> None:
    assert notify_run(receiver.url, payload("ok", new_versions=0, new_documents=0), timeout=5) is None
    assert notify_run(receiver.url, payload("interrupted"), timeout=5) is None
    assert notify_run(None, payload("failed"), timeout=5) is None
    assert notify_run(receiver.url, payload("failed"), timeout=5) is True
    assert notify_run(receiver.url, payload("ok", new_versions=1), timeout=5) is True
    assert [(body["outcome"], body["reason"]) for body in receiver.bodies] == [("failed", "why"), ("ok", None)]


def test_a_refusing_webhook_is_tried_twice_then_reported(receiver: Receiver, caplog) -> None:
    receiver.status = 500
    assert post_notice(receiver.url, payload("failed"), timeout=5) == "HTTP 500"
    assert len(receiver.bodies) == 2
    assert notify_run(receiver.url, payload("failed"), timeout=5) is False
    warning = [record.getMessage() for record in caplog.records if record.levelname == "WARNING"]
    assert warning and "HTTP 500" in warning[0]
    assert "secret-token" not in warning[0]  # the path of a webhook is often its secret


# -- real crawls ----------------------------------------------------------------


@pytest.mark.slow
def test_a_failed_crawl_posts_one_notice_with_the_reason(tmp_path: Path, receiver: Receiver) -> None:
    sources = write_sources(tmp_path / "sources.toml", f"http://127.0.0.1:{free_port()}")
    done = dangan_crawl(sources, tmp_path / "data", "--set", f"DANGAN_WEBHOOK_URL={receiver.url}")

    assert done.returncode == 1
    run = only_run(tmp_path / "data")
    [notice] = receiver.bodies
    assert (notice["outcome"], notice["run_id"], notice["trigger"]) == ("failed", run.id, "manual")
    assert notice["reason"] == run.reason and notice["reason"].startswith("no response from the site")
    assert notice["counts"]["pages_fetched"] == 0 and notice["counts"]["errors"] == 1
    assert notice["finished_at"].endswith("Z") and notice["new_versions"] == {"urls": [], "more": 0}


@pytest.mark.slow
def test_first_crawl_and_a_recrawl_with_a_correction_post_their_news(
    test_site, tmp_path: Path, receiver: Receiver  # noqa: F811
) -> None:
    # The source's own webhook, in sources.toml.
    with test_site.sources_file.open("a", encoding="utf-8") as sources:
        sources.write(f'webhook = "{receiver.url}"\n')
    data_dir = tmp_path / "data"

    first = dangan_crawl(test_site.sources_file, data_dir)
    assert first.returncode == 0, first.stderr[-3000:]
    [notice] = receiver.bodies
    documents = len(EXPECTED.state_1_documents) - 1  # one of them is a duplicate
    assert (notice["outcome"], notice["counts"]["new_documents"]) == ("ok", documents)
    assert len(notice["new_documents"]["urls"]) == documents and notice["new_documents"]["more"] == 0
    assert test_site.url(EXPECTED.corrected) in notice["new_documents"]["urls"]
    assert notice["new_versions"] == {"urls": [], "more": 0}

    again = dangan_crawl(test_site.sources_file, data_dir)  # nothing changed: nothing to tell
    assert again.returncode == 0 and len(receiver.bodies) == 1

    test_site.use_state(2)
    changed = dangan_crawl(test_site.sources_file, data_dir)
    assert changed.returncode == 0
    assert len(receiver.bodies) == 2
    notice = receiver.bodies[-1]
    assert notice["new_versions"] == {"urls": [test_site.url(EXPECTED.corrected)], "more": 0}
    assert notice["new_documents"]["urls"] == [test_site.url(EXPECTED.state_2_new)]
    with Store.open(None, data_dir) as store:
        assert notice["run_id"] == store.run_log.runs()[0].id


@pytest.mark.slow
def test_a_webhook_that_does_not_answer_changes_nothing_but_a_warning(tmp_path: Path) -> None:
    sources = write_sources(tmp_path / "sources.toml", f"http://127.0.0.1:{free_port()}")
    dead_hook = f"http://127.0.0.1:{free_port()}/hook"
    done = dangan_crawl(sources, tmp_path / "data", "--set", f"DANGAN_WEBHOOK_URL={dead_hook}",
                        "--set", "DANGAN_WEBHOOK_TIMEOUT=2")

    assert done.returncode == 1  # as without a webhook: the crawl failed, not the notice
    assert "error: the crawl of xiangtan-test failed: no response from the site" in done.stderr
    run = only_run(tmp_path / "data")
    assert (run.outcome, run.finished_at is not None) == ("failed", True)
    assert "notice could not be sent to the webhook at http://127.0.0.1:" in done.stderr
    assert "Connection refused" in done.stderr or "connection refused" in done.stderr.lower()


# A reactor that ticks every 0.1 s while a notice goes to a webhook that takes
# 2 s to answer: it prints how many ticks it saw, and whether the notice was sent.
_TICKS_DURING_NOTICE = """
import sys
from twisted.internet import reactor
from twisted.internet.task import LoopingCall
from crawler.run_notice import notify_run_in_thread
ticks = []
ticker = LoopingCall(lambda: ticks.append(1))
def notify():
    ticker.start(0.1)
    payload = {"source": "gov", "run_id": 1, "outcome": "failed", "counts": {}}
    done = notify_run_in_thread(sys.argv[1], payload, timeout=10)
    done.addCallback(lambda sent: print(sent, len(ticks)))
    done.addBoth(lambda _: reactor.stop())
reactor.callWhenRunning(notify)
reactor.run()
"""


def test_a_slow_webhook_does_not_stop_the_reactor() -> None:
    with Receiver(delay=2.0) as slow:
        done = subprocess.run([sys.executable, "-c", _TICKS_DURING_NOTICE, slow.url], cwd=REPO_ROOT,
                              env=subprocess_env(), capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        sent, ticks = done.stdout.split()
        assert sent == "True" and len(slow.bodies) == 1
        # Blocked, the reactor would tick once or twice; free, about 20 times in 2 s.
        assert int(ticks) >= 10, done.stdout
