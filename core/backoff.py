"""Waits that double after each failure in a row, up to a cap.

One rule for two places: a request retried after a 5xx or a timeout
(`crawler.retry.BackoffRetryMiddleware`) and a source whose scheduled crawl
failed (`dangan.source_backoff.SourceBackoff`). It lives here, not with
either, so the scheduler does not load Scrapy to compute a wait.
"""

from __future__ import annotations


def backoff_delay(retry_number: int, base: float, cap: float) -> float:
    """Seconds to wait before retry number `retry_number` (1 for the first retry).

    Doubles from `base`: base, 2·base, 4·base, …, never more than `cap`.

    >>> [backoff_delay(n, 2.0, 10.0) for n in (1, 2, 3, 4)]
    [2.0, 4.0, 8.0, 10.0]
    """
    if retry_number < 1 or base <= 0:
        return 0.0
    if retry_number > 64:
        # 2**64 times any base is past any sensible cap, and 2**1100 overflows a float.
        return cap
    return min(cap, base * 2 ** (retry_number - 1))
