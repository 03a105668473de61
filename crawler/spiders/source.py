"""The one spider: crawl a source from the sources file, capture everything it fetches.

Run it from the project root::

    scrapy crawl source -a name=xiangtan-gov
    scrapy crawl source -a name=xiangtan-gov -a config=my-sources.toml -s DANGAN_DATA_DIR=/srv/dangan

or through `crawler.run.run_crawls` (what ``dangan crawl`` calls).

The spider starts at the source's start URLs and at every document the archive
holds as live for this source (so a removed article is noticed: its 404 marks
it gone), read from the store `crawler.crawl_run.CrawlRun` opened. It follows
links on the source's domains, canonicalised so that fragments and ``utm_*``
variants are one request, down to the source's max_depth. Every response,
listing pages, error pages and a recrawl's 304s included, becomes a
`FetchedPage` item for `crawler.capture.CapturePipeline`; pages whose URL
matches the source's article_urls are marked as articles to be processed.

Bounds: max_pages (`crawler.budget.PageBudgetMiddleware` sends no more
requests than that, and the spider closes when that many responses have
arrived), max_depth, and the per-path query-variant limit applied by
`crawler.query_variants.QueryVariantMiddleware`.
"""

from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import urlsplit

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import CloseSpider, IgnoreRequest
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from core import settings as defaults
from crawler.conditional import LAST_CAPTURE_META_KEY
from crawler.crawl_run import CrawlRun
from crawler.frontier_scheduler import request_done
from crawler.items import FetchedPage
from crawler.page_links import PageLinks
from crawler.robots import RobotsTxtUnreachable
from crawler.truncation import cut_short
from core.sources import Source, find_source, load_sources
from core.urls import canonicalize_url
from core.errors import SourceConfigError
from storage.times import utc_now

log = logging.getLogger(__name__)


def host_allowed(url: str, domains: list[str]) -> bool:
    """True if `url`'s host is one of `domains` or a subdomain of one (ports ignored).

    Scrapy's own domain check compares host and port together, which breaks on
    sites served from a non-default port.

    >>> host_allowed("http://www.xiangtan.gov.cn:8080/a.html", ["xiangtan.gov.cn"])
    True
    """
    host = (urlsplit(url).hostname or "").lower()
    return any(host == domain or host.endswith("." + domain) for domain in (d.lower() for d in domains))


class SourceSpider(Spider):
    """Crawl one `Source`; see the module docstring."""

    name = "source"
    # Error pages reach `parse` so they are captured too (and a 404 can mark a
    # document gone), and so does a 304 to a conditional request (kept as a
    # revisit). Retries of 5xx happen before this, in the retry middleware;
    # other 3xx stay with the redirect middleware.
    handle_httpstatus_list = [304, *range(400, 600)]

    def __init__(self, source: Source, max_depth: int, max_pages: int, **kwargs) -> None:
        super().__init__(**kwargs)
        self.source = source
        self.max_depth = max_depth
        self.max_pages = max_pages
        self.allowed_domains = list(source.allowed_domains) or sorted(
            {urlsplit(url).hostname or "" for url in source.start_urls} - {""}
        )
        self.start_urls = list(source.start_urls)
        self.pages_fetched = 0
        self._requested: set[str] = set()
        self._offsite: set[str] = set()
        # Domain filtering is done by `host_allowed`, port-blind, not by the link finder.
        self._links = PageLinks()

    @classmethod
    def from_crawler(
        cls,
        crawler: Crawler,
        *args,
        source: Source | None = None,
        name: str | None = None,
        config: str | None = None,
        **kwargs,
    ) -> "SourceSpider":
        """Build the spider for `source`, or for the source called `name` in the sources file.

        ``-a name=NAME`` picks the source; ``-a config=PATH`` overrides
        ``DANGAN_SOURCES_FILE`` (default ``sources.toml``).
        """
        settings = crawler.settings
        if source is None:
            if not name:
                raise SourceConfigError(
                    "Say which source to crawl: scrapy crawl source -a name=NAME (names are in sources.toml)."
                )
            path = Path(config or settings.get("DANGAN_SOURCES_FILE") or defaults.DANGAN_SOURCES_FILE)
            source = find_source(load_sources(path), name)
        # A source's max_depth of 0 is meaningful (start pages only), so test for None, not falsiness.
        max_depth = source.max_depth
        if max_depth is None:
            max_depth = settings.getint("DANGAN_MAX_DEPTH", defaults.DANGAN_MAX_DEPTH)
        max_pages = source.max_pages or settings.getint("DANGAN_MAX_PAGES", defaults.DANGAN_MAX_PAGES)
        return super().from_crawler(crawler, *args, source=source, max_depth=max_depth, max_pages=max_pages, **kwargs)

    # -- where to start ----------------------------------------------------------

    async def start(self):
        """Scrapy 2.13+ entry point; the same requests as `start_requests`."""
        for request in self.start_requests():
            yield request

    def start_requests(self):
        """The start URLs, then every live document of this source the archive knows."""
        for url in self.start_urls:
            request = self._request(url, depth=0)
            if request is not None:
                yield request
        for url in self._live_document_urls():
            # Revisits are how a removed article is noticed; they cost one request each.
            request = self._request(url, depth=0, revisit=True)
            if request is not None:
                yield request

    def _live_document_urls(self) -> list[str]:
        # Scrapy asks for start requests only after the spider has opened, so the run has started.
        store = CrawlRun.of(self.crawler, needed_by=type(self).__name__).store
        urls = store.versions.live_urls(self.source.name)
        log.info("%s: revisiting %d known live documents", self.source.name, len(urls))
        return urls

    # -- each response -------------------------------------------------------------

    def parse(self, response: Response):
        """Capture the response; follow its in-domain links while within bounds."""
        self.pages_fetched += 1
        is_html = isinstance(response, TextResponse)
        cut = cut_short(list(response.flags), response.body, _header(response, "Content-Type"))
        if cut is not None:
            self.crawler.stats.inc_value("dangan/cut_short")
            self.crawler.stats.inc_value("dangan/errors")
            log.warning("%s: %s: %s; archived as truncated, not versioned", self.source.name, response.url, cut)
        yield FetchedPage(
            url=response.url,
            status=response.status,
            headers=_header_pairs(response),
            body=response.body,
            fetched_at=utc_now(),
            content_type=_header(response, "Content-Type"),
            is_article=response.status == 200 and is_html and self.source.is_article(response.url),
            last_capture=response.meta.get(LAST_CAPTURE_META_KEY),
            cut_short=cut,
        )

        depth = response.meta.get("depth", 0)
        if response.status == 200 and is_html and depth < self.max_depth:
            for url in self._links.new_links(response.body, response.url, response.encoding):
                request = self._request(url, depth=depth + 1, canonical=True)
                if request is not None:
                    yield request

        if self.pages_fetched >= self.max_pages:
            self.crawler.stats.set_value("dangan/max_pages_reached", 1)
            raise CloseSpider(f"max_pages ({self.max_pages}) reached")

    def fetch_failed(self, failure: Failure) -> None:
        """A request that produced no response (network error, refused by robots.txt)."""
        request = failure.request
        # Counted here, so done: a shared frontier forgets it (crawler.frontier_scheduler).
        self.crawler.signals.send_catch_log(signal=request_done, request=request)
        if failure.check(RobotsTxtUnreachable):
            # Not fetched because robots.txt could not be: a page the archive does not hold this time.
            self.crawler.stats.inc_value("dangan/fetch_failed")
            log.debug("not fetched: %s (%s)", request.url, failure.value)
            return
        if failure.check(IgnoreRequest):
            self.crawler.stats.inc_value("dangan/ignored")
            log.debug("not fetched: %s (%s)", request.url, failure.value)
            return
        self.crawler.stats.inc_value("dangan/fetch_failed")
        log.warning("%s: could not fetch %s: %s", self.source.name, request.url, failure.getErrorMessage())

    def _request(self, url: str, *, depth: int, revisit: bool = False, canonical: bool = False) -> Request | None:
        """A request for `url`, canonicalised, or None if off-domain or already requested.

        `canonical` says `url` is canonical already (PageLinks gives only such URLs).
        """
        if url in self._requested or url in self._offsite:  # the common case on portals: a menu link seen before
            return None
        canonical_url = url if canonical else canonicalize_url(url)
        if not canonical_url.startswith(("http://", "https://")):
            return None
        if canonical_url in self._requested:
            return None
        if not host_allowed(canonical_url, self.allowed_domains):
            self._offsite.add(url)
            return None
        self._requested.add(canonical_url)
        return Request(
            canonical_url,
            callback=self.parse,
            errback=self.fetch_failed,
            meta={"dangan_revisit": revisit},
        )


def _header(response: Response, name: str) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value is not None else None


def _header_pairs(response: Response) -> list[tuple[str, str]]:
    """Response headers as (name, value) pairs, repeated headers kept apart, as received."""
    pairs: list[tuple[str, str]] = []
    for name, values in response.headers.items():
        for value in values:
            pairs.append((name.decode("latin-1"), value.decode("latin-1")))
    return pairs
