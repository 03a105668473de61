"""Capture every fetched response: its WARC record, then its capture row.

`CapturePipeline` is the first item pipeline a `FetchedPage` meets. Through
`crawler.capture_writer.CaptureWriter` the response is appended to a gzipped
WARC file (fsynced), then its `Capture` row is committed, and the item goes
on with its ``capture_id`` set. `crawler.processing.ProcessingPipeline`,
next in line, hands article pages to processing; it takes only items with a
``capture_id``, so nothing is processed that is not kept.

Crash safety comes from that order. A process killed at any point leaves: a
WARC record with no row (given one by `crawler.crawl_run.CrawlRun` at the
next start), a row not yet processed (re-submitted by the processing
pipeline at the next start), or a processed row (its version committed in
the same transaction). Nothing is half-written and nothing is recorded twice.

A 404 or 410 on a URL the archive holds as a live document means it was taken
down: the document is marked gone (its versions stay).

On a recrawl, a page that repeats what the archive holds (`revisit_of`: a
304 to a conditional request, or a 200 whose body has the digest of the last
capture) is kept as a WARC revisit record, is not processed, and moves the
last_seen of the version it showed (`storage.versions.VersionStore.mark_seen`).

The store, the run id and the source come from `CrawlRun`, which must be
enabled. Stats: ``dangan/captured``, ``dangan/capture_failed`` (also counted
in ``dangan/errors``), ``dangan/gone``, ``dangan/not_modified`` (304s) and
``dangan/identical_payload``.
"""

from __future__ import annotations

import hashlib
import logging
from http import HTTPStatus

from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.utils.defer import maybe_deferred_to_future

from core.errors import DanganError, DiskFullError
from core.urls import canonicalize_url
from crawler.capture_writer import CaptureWriter
from crawler.crawl_run import CrawlRun
from crawler.items import FetchedPage
from crawler.run_outcome import DISK_FULL_REASON, DISK_FULL_STAT
from storage.times import utc_now
from storage.warc import IDENTICAL_PAYLOAD, NOT_MODIFIED, WarcWriter

log = logging.getLogger(__name__)

GONE_STATUSES = (404, 410)

#: Scrapy signal for a response no spider callback sees (robots.txt, a redirect):
#: ``send_catch_log(ARCHIVE_RESPONSE, page=FetchedPage, kind="robotstxt")``.
#: The capture pipeline keeps it like any page, unprocessed, and counts it
#: in ``dangan/captured`` (the run's responses captured) and ``dangan/captured_<kind>``.
ARCHIVE_RESPONSE = object()


def archive_response(crawler: Crawler, response, kind: str) -> None:
    """Have the capture pipeline keep `response`, which never reaches the spider; `kind` names why."""
    crawler.signals.send_catch_log(ARCHIVE_RESPONSE, page=FetchedPage.from_response(response, utc_now()), kind=kind)


class CapturePipeline:
    """Item pipeline: capture each `FetchedPage` (WARC record, then capture row); note pages gone."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.run = CrawlRun.of(crawler, needed_by=type(self).__name__)
        self.warc: WarcWriter | None = None
        self.writer: CaptureWriter | None = None
        self._known_live: set[str] = set()
        self._side_last: dict | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "CapturePipeline":
        pipeline = cls(crawler)
        crawler.signals.connect(pipeline.capture_side_response, signal=ARCHIVE_RESPONSE)
        return pipeline

    def capture_side_response(self, page: FetchedPage, kind: str) -> None:
        """Keep a response the spider never sees (robots.txt, a redirect); see `ARCHIVE_RESPONSE`."""
        if self.writer is None:
            log.warning("%s not archived: the capture pipeline is not open", page.url)
            return

        # A recrawl finds robots.txt (or a redirect) as it was: the same bytes are
        # kept as an identical-payload revisit, as for any page, not a second copy.
        page.last_capture = self._last_side_captures().get(page.url)
        page.revisit = revisit_of(page)

        def captured(capture_id: int) -> None:
            # Counted with the responses captured (the run's pages_fetched), and apart.
            self.stats.inc_value("dangan/captured")
            self.stats.inc_value(f"dangan/captured_{kind}")
            if page.revisit == IDENTICAL_PAYLOAD:
                self.stats.inc_value("dangan/identical_payload")

        def failed(failure) -> None:
            self.stats.inc_value("dangan/capture_failed")
            self.stats.inc_value("dangan/errors")
            log.debug("%s not archived: %s", page.url, failure.getErrorMessage())

        self.writer.capture(page, reason=_reason(page.status), needs_processing=False).addCallbacks(captured, failed)

    def _last_side_captures(self) -> dict:
        """The source's last capture of each URL, read once, at the first response the spider never sees."""
        if self._side_last is None:
            self._side_last = self.run.store.captures.last_captures(self.run.source.name)
        return self._side_last

    def open_spider(self, spider: Spider | None = None) -> None:
        self.run.start(spider or self.crawler.spider)
        store, source = self.run.store, self.run.source
        self._known_live = set(store.versions.live_urls(source.name))
        self.warc = store.warc_writer(source.name)
        run = self.run
        # A crawl that processes its own pages writes their rows claimed by itself, so a
        # `dangan process` running elsewhere leaves them to it (see storage.capture_claims).
        claim = (lambda: run.claimant.claim_values(run.process_lease, utc_now())) if run.process_locally else None
        self.writer = CaptureWriter(
            self.warc, store.captures, store.versions, run_id=run.run_id, source=source.name, claim=claim
        )
        log.info("%s: capturing into %s; %d known live documents", source.name, store.data_dir, len(self._known_live))

    async def process_item(self, item, spider: Spider | None = None):
        if not isinstance(item, FetchedPage):
            return item
        assert self.writer is not None
        item.revisit = revisit_of(item)
        try:
            item.capture_id = await maybe_deferred_to_future(
                self.writer.capture(item, reason=_reason(item.status), needs_processing=item.needs_processing)
            )
        except DiskFullError as exc:
            # Nothing more can be kept: stop fetching (the run is recorded failed, with this reason).
            self.stats.inc_value("dangan/capture_failed")
            self.stats.inc_value("dangan/errors")
            first = self.stats.get_value(DISK_FULL_STAT) is None
            if first:
                self.stats.set_value(DISK_FULL_STAT, str(exc))
                from twisted.internet import reactor

                reactor.callLater(0, self._stop_for_full_disk)
            raise DropItem(f"not captured: {exc}", log_level="ERROR" if first else "DEBUG") from exc
        except DanganError as exc:
            # Not captured: count it as an error and say so loudly; the page is
            # fetched again by the next crawl.
            self.stats.inc_value("dangan/capture_failed")
            self.stats.inc_value("dangan/errors")
            raise DropItem(f"not captured: {exc}") from exc
        self.stats.inc_value("dangan/captured")
        if item.revisit == NOT_MODIFIED:
            self.stats.inc_value("dangan/not_modified")
        elif item.revisit == IDENTICAL_PAYLOAD:
            self.stats.inc_value("dangan/identical_payload")
        if item.status in GONE_STATUSES:
            self._note_gone(item)
        return item

    def _stop_for_full_disk(self) -> None:
        """Close the spider for a full disk; what is in flight ends, nothing more is fetched."""
        from scrapy.utils.defer import deferred_from_coro

        engine = self.crawler.engine
        if engine is not None and engine.spider is not None:
            deferred_from_coro(engine.close_spider_async(reason=DISK_FULL_REASON))

    def _note_gone(self, item: FetchedPage) -> None:
        """A 404/410 on a URL the archive holds as a live document: it has been taken down."""
        url = item.url if item.url in self._known_live else canonicalize_url(item.url)
        if url not in self._known_live:
            return
        source = self.run.source.name
        result = self.run.store.versions.mark_gone(url, source, item.capture_id, item.fetched_at)
        if result is not None:
            self._known_live.discard(url)
            self.stats.inc_value("dangan/gone")
            log.info("%s: %s answered %d; marked gone", source, url, item.status)

    def close_spider(self, spider: Spider | None = None) -> None:
        """Capture what is still queued, then close the WARC file (before the run record is finished)."""
        if self.writer is not None:
            self.writer.close()
        if self.warc is not None:
            self.warc.close()


def revisit_of(page: FetchedPage) -> str | None:
    """How `page` repeats what the archive holds: a revisit profile's short name, or None if it is new.

    ``server-not-modified`` for a 304 to a URL captured before,
    ``identical-payload-digest`` for a 200 whose body has the digest of the
    URL's last capture (a server that sends no validators, or ignores them).

    >>> from datetime import datetime
    >>> from storage.captures import LastCapture
    >>> body = "<p>通知</p>".encode()
    >>> last = LastCapture("http://www.gov.cn/a.htm", None, None, 1, "<urn:uuid:1>",
    ...     "http://www.gov.cn/a.htm", datetime(2026, 11, 1), hashlib.sha256(body).hexdigest())
    >>> revisit_of(FetchedPage("http://www.gov.cn/a.htm", 200, [], body, datetime(2026, 11, 2), last_capture=last))
    'identical-payload-digest'
    >>> revisit_of(FetchedPage("http://www.gov.cn/a.htm", 200, [], b"<p>new</p>", datetime(2026, 11, 2), last_capture=last))
    """
    last = page.last_capture
    if last is None:
        return None
    if page.status == 304:
        return NOT_MODIFIED
    if page.status == 200 and hashlib.sha256(page.body).hexdigest() == last.payload_sha256:
        return IDENTICAL_PAYLOAD
    return None


def _reason(status: int) -> str:
    """The standard reason phrase; Scrapy does not keep the one the server sent."""
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""
