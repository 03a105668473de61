"""Waits that double after each failure in a row, up to a cap.

One rule for two places: a request retried after a 5xx or a timeout
(`crawler.retry.BackoffRetryMiddleware`) and a source whose scheduled crawl
failed (`dangan.source_backoff.SourceBackoff`). It lives here, not with
either, so the scheduler does not load Scrapy to compute a wait. A server
that says how long to wait (``Retry-After`` on a 429 or 503) is believed
instead, up to a cap (`retry_after_delay`).
"""

from __future__ import annotations

from datetime import datetime, timezone
from email.utils import parsedate_to_datetime


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


def retry_after_delay(value: str | None, now: datetime, cap: float) -> float | None:
    """Seconds a ``Retry-After`` header asks to wait, at most `cap`; None if it says nothing usable.

    The header is either a number of seconds or an HTTP date (RFC 9110,
    section 10.2.3); a date in the past means "now" (0). `now` is aware UTC.

    >>> now = datetime(2026, 12, 2, 8, 0, 0, tzinfo=timezone.utc)
    >>> retry_after_delay("30", now, 300.0), retry_after_delay("86400", now, 300.0)
    (30.0, 300.0)
    >>> retry_after_delay("Wed, 02 Dec 2026 08:01:00 GMT", now, 300.0)
    60.0
    >>> retry_after_delay("soon", now, 300.0) is None
    True
    """
    if value is None:
        return None
    text = value.strip()
    if text.isdigit():
        return min(cap, float(text))
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return min(cap, max(0.0, (moment - now).total_seconds()))
