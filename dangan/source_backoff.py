"""How long a source whose scheduled crawl failed is left alone.

A site that is down, or answers nothing but timeouts, should not be crawled
again on every scheduled time: each attempt costs the archive a crawl and the
site a burst of requests. After a failure the source's scheduled times are
skipped for a while, twice as long after each further failure in a row (the
same doubling, `core.backoff.backoff_delay`, as retries of one request),
up to a cap; a crawl that succeeds ends it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from core.backoff import backoff_delay

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

    def succeeded(self) -> None:
        self.failures, self.until, self.reason = 0, None, ""

    def holds(self, at: datetime) -> bool:
        """True while a scheduled crawl at `at` is to be skipped."""
        return self.until is not None and at < self.until
