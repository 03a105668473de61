"""The rule that says a crawl failed, over the Scrapy stats a crawl leaves (see crawler/run_outcome.py).

The same rule is run against real crawls of an unreachable port and of a
site that answers 500 in tests/test_crawl_failures.py.
"""

from __future__ import annotations

from crawler.run_outcome import crawl_outcome, page_statuses

REFUSED = "downloader/exception_type_count/scrapy.exceptions.DownloadConnectionRefusedError"
TIMED_OUT = "downloader/exception_type_count/twisted.internet.error.TimeoutError"  # what Scrapy before 2.19 counts
ROBOTS_REFUSED = "robotstxt/exception_count/<class 'twisted.internet.error.ConnectionRefusedError'>"


def test_a_site_that_answers_is_ok_even_when_some_pages_fail() -> None:
    stats = {"downloader/response_status_count/200": 40, "downloader/response_status_count/503": 4, TIMED_OUT: 3}
    assert crawl_outcome(stats, "finished").outcome == "ok"
    # A 404 is an answer too: the site is up, the page is gone.
    assert crawl_outcome({"downloader/response_status_count/404": 1}, "finished").outcome == "ok"


def test_no_response_at_all_is_failed_naming_the_commonest_error_first() -> None:
    ended = crawl_outcome({REFUSED: 8, TIMED_OUT: 2, ROBOTS_REFUSED: 1}, "finished")
    assert ended.outcome == "failed"
    assert ended.reason == (
        "no response from the site: connection refused (8 attempts), timed out (2 attempts); "
        "robots.txt could not be fetched either"
    )


def test_only_server_errors_is_failed_with_the_status() -> None:
    stats = {"downloader/response_status_count/500": 8, "downloader/response_status_count/200": 1,
             "robotstxt/response_status_count/200": 1, "robotstxt/response_count": 1, "response_received_count": 3}
    ended = crawl_outcome(stats, "finished")
    # robots.txt's 200 does not make the crawl ok: no page answered.
    assert ended.outcome == "failed"
    assert ended.reason == "every page answered an error: HTTP 500 (2 pages, after retries)"
    assert page_statuses(stats) == {500: 8}


def test_too_many_requests_is_not_an_answer_either() -> None:
    stats = {"downloader/response_status_count/429": 4, "response_received_count": 1, TIMED_OUT: 2}
    ended = crawl_outcome(stats, "finished")
    assert (ended.outcome, ended.reason) == (
        "failed", "every page answered an error: HTTP 429 (1 page, after retries; besides, timed out (2 attempts))",
    )


def test_robots_txt_forbidding_everything_is_failed() -> None:
    ended = crawl_outcome({"robotstxt/forbidden": 2, "robotstxt/response_status_count/200": 1,
                           "downloader/response_status_count/200": 1}, "finished")
    assert (ended.outcome, ended.reason) == ("failed", "robots.txt forbids every start URL (2 requests refused)")


def test_a_stopped_crawl_is_interrupted_whatever_it_fetched() -> None:
    assert crawl_outcome({}, "shutdown").outcome == "interrupted"
    assert crawl_outcome({"downloader/response_status_count/200": 9}, "shutdown").outcome == "interrupted"


def test_max_pages_closing_the_crawl_is_still_ok() -> None:
    assert crawl_outcome({"downloader/response_status_count/200": 4}, "max_pages (4) reached").outcome == "ok"
