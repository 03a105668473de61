"""Webhook notifications: a JSON summary POSTed when a crawl's run fails or brings something new.

An operator sets a webhook URL for every source (``DANGAN_WEBHOOK_URL``) or
for one (``webhook = "https://..."`` in sources.toml, which wins). When a run
ends, `crawler.crawl_run.CrawlRun` calls `notify_run` right after it has
finished the run record and closed the store. A notice is sent when the run

- **failed** (the reason says why), or
- brought **new versions** of documents the archive held, or **new
  documents**: both are what an archive exists to catch, and a first crawl
  (all new documents) tells the operator the source works.

An ok run with nothing new, and an interrupted one, send nothing: they need
no one's attention (an interrupted run was stopped by someone who knows).

Why here and not a Scrapy extension of its own: the notice needs the run's
id, outcome and counts, which `CrawlRun` has just computed, and must come
after the run record is written; ``spider_closed`` handlers run side by side,
so a separate extension could not be sure of that order.

Sending is plain ``urllib`` with a short timeout (``DANGAN_WEBHOOK_TIMEOUT``)
and one retry at most, in a thread of the reactor's pool (`notify_run_in_thread`):
other sources crawled by the same process go on fetching while a slow webhook
is waited for, and the crawl ends once the notice is sent or has timed out
(at most twice the timeout). A POST that
fails is logged as a warning with the reason and counted as
``dangan/webhook_failed``; it never fails the crawl nor touches its record.

Example payload builder:
    >>> changes = ChangedUrls(cap=1)
    >>> changes.add("new_version", "http://a.cn/content/1.html")
    >>> changes.add("new_version", "http://a.cn/content/2.html")
    >>> payload = notice_payload(source="gov", run_id=7, trigger="schedule", outcome="ok", reason=None,
    ...     started_at=datetime(2026, 11, 2, 8, 0), finished_at=datetime(2026, 11, 2, 8, 3, 5),
    ...     counts={"new_versions": 2}, changes=changes)
    >>> payload["finished_at"], payload["new_versions"]
    ('2026-11-02T08:03:05Z', {'urls': ['http://a.cn/content/1.html'], 'more': 1})
    >>> should_notify("ok", {"new_versions": 0, "new_documents": 0}), should_notify("failed", {})
    (False, True)
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from core.settings import USER_AGENT
from storage.times import as_utc

if TYPE_CHECKING:
    from twisted.internet.defer import Deferred

log = logging.getLogger(__name__)

#: URLs listed per kind (new versions, new documents) in one notice; the rest are counted as "more".
LISTED_URLS = 200

#: The processing outcomes whose URLs a notice lists, by the payload key they go under.
_LISTED_OUTCOMES = {"new_version": "new_versions", "new_document": "new_documents"}


@dataclass
class ChangedUrls:
    """The URLs a crawl found new versions or new documents at, the first `cap` of each kind kept."""

    cap: int = LISTED_URLS
    urls: dict[str, list[str]] = field(default_factory=lambda: {key: [] for key in _LISTED_OUTCOMES.values()})
    totals: dict[str, int] = field(default_factory=lambda: {key: 0 for key in _LISTED_OUTCOMES.values()})

    def add(self, outcome: str, url: str) -> None:
        """Note `url` if its processing `outcome` ("new_version", "new_document", ...) is one a notice lists."""
        key = _LISTED_OUTCOMES.get(outcome)
        if key is None:
            return
        self.totals[key] += 1
        if len(self.urls[key]) < self.cap:
            self.urls[key].append(url)

    def listed(self, key: str) -> dict:
        return {"urls": list(self.urls[key]), "more": self.totals[key] - len(self.urls[key])}


def should_notify(outcome: str, counts: dict[str, int]) -> bool:
    """True for a failed run, or one with new versions or new documents (see the module docstring)."""
    if outcome == "failed":
        return True
    return outcome == "ok" and (counts.get("new_versions", 0) > 0 or counts.get("new_documents", 0) > 0)


def notice_payload(
    *,
    source: str,
    run_id: int,
    trigger: str,
    outcome: str,
    reason: str | None,
    started_at: datetime,
    finished_at: datetime,
    counts: dict[str, int],
    changes: ChangedUrls,
) -> dict:
    """The JSON body of a notice: the run, its counts, and the URLs with new versions and new documents."""
    return {
        "source": source,
        "run_id": run_id,
        "trigger": trigger,
        "outcome": outcome,
        "reason": reason,
        "started_at": _iso_utc(started_at),
        "finished_at": _iso_utc(finished_at),
        "counts": dict(counts),
        "new_versions": changes.listed("new_versions"),
        "new_documents": changes.listed("new_documents"),
    }


def post_notice(url: str, payload: dict, *, timeout: float, attempts: int = 2) -> str | None:
    """POST `payload` as JSON to `url`, trying at most `attempts` times; None when sent, else why not.

    Any 2xx answer counts as sent. Nothing is raised: a notice is never
    worth failing a crawl for.
    """
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    problem = "not tried"
    for _ in range(max(1, attempts)):
        request = urllib.request.Request(
            url, data=body, method="POST",
            headers={"Content-Type": "application/json; charset=utf-8", "User-Agent": USER_AGENT},
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as answer:
                answer.read()
                if 200 <= answer.status < 300:
                    return None
                problem = f"HTTP {answer.status}"
        except urllib.error.HTTPError as exc:
            problem = f"HTTP {exc.code}"
        except urllib.error.URLError as exc:
            problem = str(exc.reason)
        except (OSError, ValueError) as exc:  # timeouts, resets; ValueError for a malformed URL
            problem = str(exc) or type(exc).__name__
    return problem


def notify_run(webhook: str | None, payload: dict, *, timeout: float) -> bool | None:
    """Send `payload` to `webhook` if the run calls for it; True sent, False failed (logged), None nothing to send."""
    if not webhook or not should_notify(payload["outcome"], payload["counts"]):
        return None
    problem = post_notice(webhook, payload, timeout=timeout)
    if problem is None:
        log.info("%s: run %d notice sent to %s", payload["source"], payload["run_id"], _where(webhook))
        return True
    log.warning(
        "%s: run %d notice could not be sent to the webhook at %s: %s (the run is recorded all the same)",
        payload["source"], payload["run_id"], _where(webhook), problem,
    )
    return False


def notify_run_in_thread(webhook: str | None, payload: dict, *, timeout: float) -> "Deferred":
    """`notify_run` in a thread of the reactor's pool; the Deferred fires with its answer.

    Call it on the reactor thread. The POST is synchronous, and one source's
    notice must not stall the other crawls the reactor runs.
    """
    from twisted.internet.threads import deferToThread

    return deferToThread(notify_run, webhook, payload, timeout=timeout)


def _iso_utc(moment: datetime) -> str:
    return as_utc(moment).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _where(url: str) -> str:
    """The webhook's scheme and host only: its path often holds a secret token, which logs should not keep."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.rsplit('@', 1)[-1]}"
