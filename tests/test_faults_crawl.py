"""Faults a hostile or broken site throws at a crawl, each reproduced by a real local server.

`tests.site.faulty_server.FaultyServer` misbehaves on purpose, path by path;
each test runs `dangan crawl` against it as a user would and reads the store
back: what was archived, what was versioned, what the run says.
"""

from __future__ import annotations

import time
from email.utils import formatdate
from pathlib import Path

import pytest
from sqlalchemy import select
from warcio.archiveiterator import ArchiveIterator

from storage.consistency import check_archive
from storage.models import Capture, Document
from storage.store import Store
from tests.site.faulty_server import FaultyServer, hang, page, redirect, reset_after, slow, too_many_then
from tests.site.fixtures import SOURCE_NAME, run_dangan_crawl, write_sources

pytestmark = pytest.mark.slow

ARTICLE = "/art/2024/3/5/art_1_{}.html"


def article_html(number: int) -> bytes:
    paragraphs = "".join(
        f"<p>第{part}条 各区县人民政府、市直各单位：为做好第{number}项冬季森林防火工作，现将有关事项通知如下，请认真贯彻落实。</p>"
        for part in range(1, 6)
    )
    return (f"<html><head><title>关于做好第{number}项工作的通知</title></head><body>"
            f"<h1>关于做好第{number}项工作的通知</h1><div id='zoom'>{paragraphs}</div></body></html>").encode()


def listing(*paths: str) -> bytes:
    return ("<html><body><ul>" + "".join(f'<li><a href="{path}">通知</a></li>' for path in paths)
            + "</ul></body></html>").encode()


def site_with(routes: dict, count: int = 2) -> dict:
    """`routes` over a listing of `count` good articles (any article path in `routes` replaces its good one)."""
    articles = {ARTICLE.format(number): page(article_html(number)) for number in range(1, count + 1)}
    return {"/": page(listing(*articles)), **articles, **routes}


def crawl(server: FaultyServer, tmp_path: Path, **settings) -> tuple:
    sources = write_sources(tmp_path / "sources.toml", server.base_url)
    data_dir = tmp_path / "data"
    done = run_dangan_crawl(sources, data_dir, settings=settings, timeout=120)
    return done, data_dir


def captures_of(data_dir: Path) -> list[Capture]:
    with Store.open(None, data_dir) as store, store.db.session() as session:
        return list(session.scalars(select(Capture).order_by(Capture.id)))


def document_paths(data_dir: Path) -> list[str]:
    with Store.open(None, data_dir) as store, store.db.session() as session:
        return sorted(url.split("/", 3)[3] for url in session.scalars(select(Document.url)))


def only_run(data_dir: Path):
    with Store.open(None, data_dir) as store:
        [run] = store.run_log.runs()
    return run


# -- robots.txt, as RFC 9309 reads it ------------------------------------------------


def test_a_robots_txt_that_never_answers_keeps_the_site_uncrawled_for_now(tmp_path: Path) -> None:
    with FaultyServer(site_with({"/robots.txt": hang(30)})) as server:
        done, data_dir = crawl(server, tmp_path, DANGAN_ROBOTSTXT_TIMEOUT=1)
        asked = [path for path, _ in server.requests]

    assert done.returncode == 1, done.stdout + done.stderr[-3000:]
    assert asked == ["/robots.txt"]  # disallowed for now: not one page asked for
    assert "Traceback" not in done.stderr
    robots_lines = [line for line in done.stderr.splitlines() if "robots.txt" in line and "WARNING" in line]
    assert len(robots_lines) == 1, done.stderr
    run = only_run(data_dir)
    assert run.outcome == "failed"
    assert "robots.txt could not be fetched either, so no page was requested (RFC 9309)" in run.reason
    assert "timed out" in run.reason
    assert run.errors == 1  # the start page, not fetched


def test_a_robots_txt_answering_503_disallows_the_site_and_is_archived(tmp_path: Path) -> None:
    with FaultyServer(site_with({"/robots.txt": page(b"busy", status=503, content_type="text/plain")})) as server:
        done, data_dir = crawl(server, tmp_path)
        asked = [path for path, _ in server.requests]

    assert done.returncode == 1, done.stdout + done.stderr[-3000:]
    assert asked == ["/robots.txt"]
    run = only_run(data_dir)
    assert run.reason.startswith("robots.txt of 127.0.0.1:") and "(it answered HTTP 503)" in run.reason
    assert [(capture.url.rsplit("/", 1)[1], capture.status_code) for capture in captures_of(data_dir)] == [
        ("robots.txt", 503)]


def test_a_robots_txt_answering_404_means_no_rules_and_its_answer_is_archived(tmp_path: Path) -> None:
    with FaultyServer(site_with({})) as server:
        done, data_dir = crawl(server, tmp_path)

    assert done.returncode == 0, done.stdout + done.stderr[-3000:]
    assert document_paths(data_dir) == [ARTICLE.format(1)[1:], ARTICLE.format(2)[1:]]
    robots = [capture for capture in captures_of(data_dir) if capture.url.endswith("/robots.txt")]
    assert [(capture.status_code, capture.version_id) for capture in robots] == [(404, None)]
    assert only_run(data_dir).pages_fetched == 4  # responses captured: robots.txt, the listing, two articles


def test_robots_txt_rules_are_still_obeyed(tmp_path: Path) -> None:
    rules = f"User-agent: *\nDisallow: {ARTICLE.format(2)}\n".encode()
    with FaultyServer(site_with({"/robots.txt": page(rules, content_type="text/plain")})) as server:
        done, data_dir = crawl(server, tmp_path)
        asked = [path for path, _ in server.requests]

    assert done.returncode == 0, done.stdout + done.stderr[-3000:]
    assert ARTICLE.format(2) not in asked
    assert document_paths(data_dir) == [ARTICLE.format(1)[1:]]


# -- 429 and Retry-After -------------------------------------------------------------


@pytest.mark.parametrize("form", ["seconds", "http-date"])
def test_a_429_with_retry_after_is_retried_when_the_server_asked(tmp_path: Path, form: str) -> None:
    # The HTTP date is whole seconds: ask for 3 so that at least 2 are left when it is read.
    retry_after = "2" if form == "seconds" else (lambda: formatdate(time.time() + 3, usegmt=True))
    refused = ARTICLE.format(1)
    routes = {refused: too_many_then(retry_after, page(article_html(1)))}
    with FaultyServer(site_with(routes)) as server:
        done, data_dir = crawl(server, tmp_path)
        first, second = server.times_of(refused)

    assert done.returncode == 0, done.stdout + done.stderr[-3000:]
    # The crawl's own backoff here is 0.01 s: only Retry-After explains the wait.
    assert second - first >= 1.9
    assert ARTICLE.format(1)[1:] in document_paths(data_dir)
    assert only_run(data_dir).errors == 0


def test_retry_after_holds_the_whole_host_and_is_capped(tmp_path: Path) -> None:
    routes = {ARTICLE.format(1): too_many_then("3600", page(article_html(1)))}
    with FaultyServer(site_with(routes, count=12)) as server:
        done, data_dir = crawl(server, tmp_path, DANGAN_RETRY_AFTER_MAX=2, CONCURRENT_REQUESTS_PER_DOMAIN=1)
        refused_at, retried_at = server.times_of(ARTICLE.format(1))
        asked = list(server.requests)

    assert done.returncode == 0, done.stdout + done.stderr[-3000:]
    # Capped at 2 s rather than an hour.
    waited = retried_at - refused_at
    assert waited >= 1.9, f"retried after {waited:.2f} s, before the 2 s cap"
    assert waited < 60, f"retried after {waited:.0f} s: the cap on Retry-After did not hold"
    # The whole host waits: the articles the listing led to were queued in the host's
    # download slot before the 429 came, and none of those still queued goes out meanwhile.
    in_the_wait = [path for path, moment in asked if refused_at < moment < refused_at + 1.9]
    assert in_the_wait == [], f"{len(in_the_wait)} requests went to the host while it asked to wait: {in_the_wait}"
    assert len([path for path, moment in asked if moment > refused_at]) >= 5  # the retry and 4 or more queued ones
    assert len(document_paths(data_dir)) == 12


def test_a_host_never_gets_more_requests_at_once_than_its_concurrency(tmp_path: Path) -> None:
    # The listing's articles are queued for the host all at once; Scrapy used to hand
    # them all out in one go whatever CONCURRENT_REQUESTS_PER_DOMAIN said (crawler.downloader).
    count = 30
    routes = {ARTICLE.format(number): slow(page(article_html(number)), 0.05) for number in range(1, count + 1)}
    with FaultyServer(site_with(routes, count=count)) as server:
        done, data_dir = crawl(server, tmp_path, CONCURRENT_REQUESTS_PER_DOMAIN=2)
        most_at_once = server.most_at_once

    assert done.returncode == 0, done.stdout + done.stderr[-3000:]
    assert len(document_paths(data_dir)) == count
    assert most_at_once == 2


# -- redirects -------------------------------------------------------------------------


def test_a_redirect_is_archived_as_well_as_the_page_it_leads_to(tmp_path: Path) -> None:
    routes = {"/": page(listing("/old/notice.html")), "/old/notice.html": redirect(ARTICLE.format(1))}
    with FaultyServer(site_with(routes, count=1)) as server:
        done, data_dir = crawl(server, tmp_path)

    assert done.returncode == 0, done.stdout + done.stderr[-3000:]
    kept = [(capture.url.split("/", 3)[3], capture.status_code) for capture in captures_of(data_dir)]
    assert ("old/notice.html", 301) in kept and (ARTICLE.format(1)[1:], 200) in kept
    assert document_paths(data_dir) == [ARTICLE.format(1)[1:]]
    with Store.open(None, data_dir) as store:
        assert check_archive(store).problems == []
        redirect_capture = next(capture for capture in captures_of(data_dir) if capture.status_code == 301)
        stored = store.read_response(redirect_capture.warc_file, redirect_capture.warc_offset)
        assert dict((name.lower(), value) for name, value in stored.headers)["location"].endswith(ARTICLE.format(1))


# -- bodies that are not the page ------------------------------------------------------


def test_a_page_cut_by_a_connection_reset_is_archived_flagged_and_not_versioned(tmp_path: Path) -> None:
    whole = article_html(1)
    routes = {ARTICLE.format(1): reset_after(whole, len(whole) // 3)}
    with FaultyServer(site_with(routes)) as server:
        done, data_dir = crawl(server, tmp_path)

    assert done.returncode == 0, done.stdout + done.stderr[-3000:]
    assert document_paths(data_dir) == [ARTICLE.format(2)[1:]]  # the cut one is no article
    [cut] = [capture for capture in captures_of(data_dir) if capture.url.endswith(ARTICLE.format(1))]
    assert cut.version_id is None and cut.process_error.startswith("cut short: the connection closed")
    with Store.open(None, data_dir) as store:
        stored = store.read_response(cut.warc_file, cut.warc_offset)
        assert stored.body == whole[: len(whole) // 3]  # the bytes that came, kept as they came
        assert check_archive(store).problems == []
    with (data_dir / cut.warc_file).open("rb") as stream:
        stream.seek(cut.warc_offset)
        record = next(iter(ArchiveIterator(stream)))
        assert record.rec_headers.get_header("WARC-Truncated") == "disconnect"
    assert only_run(data_dir).errors == 1
    assert "archived as truncated, not versioned" in done.stderr


def test_binary_served_as_html_is_archived_not_versioned_and_a_linked_pdf_is_kept(tmp_path: Path) -> None:
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20
    pdf = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n"
    notice = article_html(2).replace(b"</div>", '<a href="/files/notice.pdf">附件</a></div>'.encode())
    routes = {
        ARTICLE.format(1): page(png),  # text/html; charset=utf-8, as the server claims
        ARTICLE.format(2): page(notice),
        "/files/notice.pdf": page(pdf, content_type="application/pdf"),
        ARTICLE.format(3): page(bytes(range(1, 32)) * 300),  # no magic number: caught by what it decodes to
    }
    with FaultyServer(site_with(routes, count=3)) as server:
        done, data_dir = crawl(server, tmp_path)

    assert done.returncode == 0, done.stdout + done.stderr[-3000:]
    assert document_paths(data_dir) == [ARTICLE.format(2)[1:]]
    by_path = {capture.url.split("/", 3)[3]: capture for capture in captures_of(data_dir)}
    assert "the body is a PNG image, not HTML" in by_path[ARTICLE.format(1)[1:]].process_error
    assert "replacement or control characters" in by_path[ARTICLE.format(3)[1:]].process_error
    with Store.open(None, data_dir) as store:
        attachment = by_path["files/notice.pdf"]
        assert store.read_response(attachment.warc_file, attachment.warc_offset).body == pdf
        assert store.read_response(by_path[ARTICLE.format(1)[1:]].warc_file,
                                   by_path[ARTICLE.format(1)[1:]].warc_offset).body == png
    # Counted on their own, beside the errors: a file served as a page is not a failed page.
    run = only_run(data_dir)
    assert (run.not_html, run.errors) == (2, 0)
    assert "0 errors, 2 not HTML" in done.stdout
    assert "PNG image, not HTML" in done.stderr


# -- fetch failures are errors ----------------------------------------------------------


def test_timeouts_and_size_limit_drops_count_as_errors(tmp_path: Path) -> None:
    routes = {ARTICLE.format(1): hang(5), ARTICLE.format(2): page(article_html(2) + b"<!--" + b"x" * 60_000 + b"-->")}
    with FaultyServer(site_with(routes, count=3)) as server:
        done, data_dir = crawl(server, tmp_path, DOWNLOAD_TIMEOUT=1, DOWNLOAD_MAXSIZE=40_000, RETRY_TIMES=1)

    assert done.returncode == 0, done.stdout + done.stderr[-3000:]
    assert document_paths(data_dir) == [ARTICLE.format(3)[1:]]
    run = only_run(data_dir)
    assert run.errors == 2, done.stderr[-3000:]
    assert f"{SOURCE_NAME}: ok:" in done.stdout and "2 errors" in done.stdout


# -- session ids in paths -----------------------------------------------------------------


def test_session_ids_in_links_do_not_multiply_documents(tmp_path: Path) -> None:
    # A servlet site that keeps no cookies writes the session into every link, anew on every page.
    links = [f"{ARTICLE.format(number)};jsessionid={session:032X}" for number in (1, 2, 3) for session in range(8)]
    with FaultyServer(site_with({"/": page(listing(*links))}, count=3)) as server:
        done, data_dir = crawl(server, tmp_path)
        asked = [path for path, _ in server.requests]

    assert done.returncode == 0, done.stdout + done.stderr[-3000:]
    assert document_paths(data_dir) == [ARTICLE.format(number)[1:] for number in (1, 2, 3)]
    assert sorted(path for path in asked if path.startswith("/art/")) == [ARTICLE.format(n) for n in (1, 2, 3)]
