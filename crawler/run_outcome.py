"""How a crawl ended, from its Scrapy stats: ok, failed (and why) or interrupted.

Before this rule a crawl of a site that could not be reached printed
"0 pages fetched, … 0 errors", exited 0 and was recorded as finished: a
scheduled archive would have failed silently for months. The rule:

- **failed**, first of all, when the disk filled up: the capture pipeline
  stopped the crawl (close reason `DISK_FULL_REASON`) and the reason is the
  "disk full: …" error it met.
- **interrupted**: Scrapy closed the spider with "shutdown" (Ctrl-C, SIGTERM).
- **failed**: no page request got a real answer. That is, every request
  failed without a response (DNS, refused connection, timeout, after the
  retries), or every answer was an error status that says "not now" (5xx,
  408 Request Timeout, 429 Too Many Requests: `FAILURE_STATUSES`, the
  statuses the crawl retries), or nothing was requested at all (robots.txt
  forbids the start URLs). robots.txt's own request does not count either
  way: a site whose robots.txt answers while every page times out has
  still failed.
- **ok**: anything else, a 404 included (the site is up; the page is gone).
  Some pages failing on an otherwise answering site is not a failed crawl;
  those pages are counted in the run's ``errors``.

The reason names the commonest failure, read from Scrapy's stats:
``downloader/exception_type_count/<exception>`` for requests that got no
response (each retry counts, and robots.txt's, so the numbers are attempts,
not pages), and ``downloader/response_status_count/<status>`` for answers.
Scrapy counts a retried robots.txt's answers there too, and only its last
under ``robotstxt/response_status_count/<status>``, so an answer count per
status is not exact for pages; the reason gives the pages that got an
answer instead (``response_received_count`` less robots.txt's).

Example:
    >>> crawl_outcome({"downloader/exception_type_count/scrapy.exceptions.DownloadConnectionRefusedError": 8,
    ...                "robotstxt/exception_count/<class 'twisted.internet.error.ConnectionRefusedError'>": 1},
    ...               "finished")
    RunOutcome(outcome='failed', reason='no response from the site: connection refused (8 attempts); robots.txt could not be fetched either')
    >>> crawl_outcome({"downloader/response_status_count/200": 12}, "finished").outcome
    'ok'
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

#: Scrapy's close reason for a crawl stopped from outside (Ctrl-C, SIGTERM, `Crawler.stop`).
STOPPED_REASON = "shutdown"
#: The close reason of a crawl the capture pipeline stopped because the disk is full;
#: the stat `DISK_FULL_STAT` holds the error's message, which becomes the run's reason.
DISK_FULL_REASON = "disk_full"
DISK_FULL_STAT = "dangan/disk_full"
#: Set by `crawler.robots` when a host's robots.txt could not be fetched: the reason, in words.
ROBOTS_UNREACHABLE_STAT = "dangan/robotstxt_unreachable"

#: Answers that mean "not now" rather than "here is the page" (the statuses the crawl retries).
FAILURE_STATUSES = frozenset({408, 429})  # and every status from 500 on

_RESPONSE_STATUS = "downloader/response_status_count/"
_ROBOTS_STATUS = "robotstxt/response_status_count/"
_EXCEPTION_TYPE = "downloader/exception_type_count/"
_ROBOTS_EXCEPTION = "robotstxt/exception_count/"
# Requests dangan chose not to send (robots.txt refused or unreachable): not the site's failures.
_NOT_SENT = ("IgnoreRequest", "RobotsTxtUnreachable")

# The errors a crawl of an unreachable site meets, in words; others are named by their class.
# Scrapy 2.19 wraps Twisted's in its own (scrapy.exceptions.Download*); older ones count Twisted's.
_ERROR_WORDS = {
    "DownloadConnectionRefusedError": "connection refused",
    "CannotResolveHostError": "DNS lookup failed (no such host?)",
    "DownloadTimeoutError": "timed out",
    "DownloadFailedError": "download failed",
    "ResponseDataLossError": "response cut short",
    "ConnectionRefusedError": "connection refused",
    "DNSLookupError": "DNS lookup failed (no such host?)",
    "TimeoutError": "timed out",
    "TCPTimedOutError": "connection timed out",
    "ConnectionLost": "connection lost",
    "ConnectionDone": "connection closed",
    "ResponseFailed": "response failed",
    "ResponseNeverReceived": "no response received",
    "NoRouteError": "no route to host",
    "SSLError": "TLS handshake failed",
    "TunnelError": "proxy tunnel failed",
}


@dataclass(frozen=True)
class RunOutcome:
    """A finished crawl's outcome ("ok", "failed" or "interrupted") and, unless ok, why."""

    outcome: str
    reason: str | None = None


def crawl_outcome(stats: dict, close_reason: str | None) -> RunOutcome:
    """The outcome of a crawl with these Scrapy `stats`, closed for `close_reason` (see the module docstring)."""
    if close_reason == DISK_FULL_REASON or stats.get(DISK_FULL_STAT):
        return RunOutcome("failed", stats.get(DISK_FULL_STAT) or "disk full: free space needed on the data folder's disk")
    if close_reason == STOPPED_REASON:
        return RunOutcome("interrupted", "stopped from outside (Ctrl-C or SIGTERM) before the crawl ended")
    statuses = page_statuses(stats)
    if any(not is_failure_status(status) for status in statuses):
        return RunOutcome("ok")
    errors: Counter[str] = Counter()
    for name, count in stats.items():
        if name.startswith(_EXCEPTION_TYPE) and not name.endswith(_NOT_SENT):
            errors[_error_words(name[len(_EXCEPTION_TYPE):])] += count
    answered = stats.get("response_received_count", 0) - stats.get("robotstxt/response_count", 0)
    if statuses and answered > 0:
        commonest = max(statuses.items(), key=lambda item: item[1])[0]
        reason = f"every page answered an error: HTTP {commonest} ({answered} page{'s' if answered != 1 else ''}, after retries"
        reason += f"; besides, {_listed(errors)})" if errors else ")"
    elif errors:
        reason = f"no response from the site: {_listed(errors)}"
    elif stats.get(ROBOTS_UNREACHABLE_STAT):
        reason = stats[ROBOTS_UNREACHABLE_STAT]
    elif stats.get("robotstxt/forbidden"):
        reason = f"robots.txt forbids every start URL ({stats['robotstxt/forbidden']} requests refused)"
    else:
        reason = "no page was requested"
    if stats.get(ROBOTS_UNREACHABLE_STAT):
        if not reason.startswith("robots.txt"):
            reason += "; robots.txt could not be fetched either"
        reason += ", so no page was requested (RFC 9309); the next crawl asks again"
    elif any(name.startswith(_ROBOTS_EXCEPTION) for name in stats):
        reason += "; robots.txt could not be fetched either"
    return RunOutcome("failed", reason)


def is_failure_status(status: int) -> bool:
    """True for an answer that says "not now": 5xx, 408 or 429.

    >>> [is_failure_status(status) for status in (200, 304, 404, 429, 503)]
    [False, False, False, True, True]
    """
    return status >= 500 or status in FAILURE_STATUSES


def page_statuses(stats: dict) -> Counter[int]:
    """How many answers of each HTTP status the crawl's page requests got (robots.txt's left out)."""
    statuses: Counter[int] = Counter()
    for name, count in stats.items():
        if name.startswith(_RESPONSE_STATUS):
            status = name[len(_RESPONSE_STATUS):]
            answered = count - stats.get(_ROBOTS_STATUS + status, 0)
            if answered > 0 and status.isdigit():
                statuses[int(status)] = answered
    return statuses


def error_words(exception: str) -> str:
    """An exception's class name (or dotted path) in words: ``timed out`` for ``DownloadTimeoutError``.

    >>> error_words("scrapy.exceptions.DownloadConnectionRefusedError")
    'connection refused'
    """
    return _error_words(exception)


def _error_words(exception: str) -> str:
    short = exception.rsplit(".", 1)[-1]
    return _ERROR_WORDS.get(short, short)


def _attempts(count: int) -> str:
    return f"{count} attempt{'s' if count != 1 else ''}"


def _listed(errors: Counter[str]) -> str:
    """Commonest first: ``connection refused (8 attempts), timed out (2 attempts)``."""
    return ", ".join(f"{words} ({_attempts(count)})" for words, count in errors.most_common(3))
