"""How long a source whose scheduled crawl failed is left alone.

A site that is down, or answers nothing but timeouts, should not be crawled
again on every scheduled time: each attempt costs the archive a crawl and the
site a burst of requests. After a failure the source's scheduled times are
skipped for a while, twice as long after each further failure in a row (the
same doubling, `core.backoff.backoff_delay`, as retries of one request),
up to a cap; a crawl that succeeds ends it.

The run log keeps what a restart needs: `SourceBackoff.from_runs` works the
backoff out from a source's latest finished runs, so a scheduler restarted
(or `dangan status`) sees the same backoff the one before it kept.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from core.backoff import backoff_delay


class FinishedRun(Protocol):
    """What `SourceBackoff.from_runs` reads of a run (`storage.models.CrawlRun` has it)."""

    outcome: str
    finished_at: datetime | None
    reason: str | None

@dataclass
class SourceBackoff:
    """A source's failures in a row, and until when its scheduled crawls are skipped for them.

    >>> backoff = SourceBackoff()
    >>> backoff.failed(datetime(2026, 11, 2, 8), "site down", base=3600, cap=86400)
    datetime.datetime(2026, 11, 2, 9, 0)
    >>> backoff.failed(datetime(2026, 11, 2, 9), "site down", base=3600, cap=86400)
    datetime.datetime(2026, 11, 2, 11, 0)
    >>> backoff.holds(datetime(2026, 11, 2, 10)), backoff.holds(datetime(2026, 11, 2, 11))
    (True, False)
    >>> backoff.succeeded(); backoff.failures
    0
    """

    failures: int = 0
    until: datetime | None = None
    reason: str = ""

    def failed(self, at: datetime, reason: str, *, base: float, cap: float) -> datetime:
        """Count a failure at `at`; return until when the source is left alone."""
        self.failures += 1
        self.reason = reason
        self.until = at + timedelta(seconds=backoff_delay(self.failures, base, cap))
        return self.until

    @classmethod
    def from_runs(cls, runs: Iterable[FinishedRun], *, base: float, cap: float) -> "SourceBackoff":
        """The backoff that `runs` (a source's finished runs, newest first) leave: failures since the last ok one.

        >>> from types import SimpleNamespace as Run
        >>> runs = [Run(outcome="failed", finished_at=datetime(2026, 11, 2, 9), reason="site down"),
        ...         Run(outcome="failed", finished_at=datetime(2026, 11, 2, 8), reason="site down"),
        ...         Run(outcome="ok", finished_at=datetime(2026, 11, 2, 2), reason=None)]
        >>> backoff = SourceBackoff.from_runs(runs, base=3600, cap=86400)
        >>> backoff.failures, backoff.until
        (2, datetime.datetime(2026, 11, 2, 11, 0))
        """
        backoff = cls()
        newest = None
        for run in runs:
            if run.outcome == "ok":
                break
            if run.outcome == "failed" and run.finished_at is not None:
                backoff.failures += 1
                newest = newest or run
        if newest is not None:
            backoff.reason = newest.reason or ""
            backoff.until = newest.finished_at + timedelta(seconds=backoff_delay(backoff.failures, base, cap))
        return backoff

    def succeeded(self) -> None:
        self.failures, self.until, self.reason = 0, None, ""

    def holds(self, at: datetime) -> bool:
        """True while a scheduled crawl at `at` is to be skipped."""
        return self.until is not None and at < self.until
