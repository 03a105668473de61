"""Finding the links on a fetched page, fast enough for portals with hundreds of them.

Chinese government portals repeat mega-menus, channel bars, sidebars and
"friendly links" on every page: four or five hundred `<a>` tags of which a
handful are new. Scrapy's `LinkExtractor` parses the page and resolves and
normalises every one of them again on every page, which made link finding
the largest cost of a crawl in the benchmark, above extraction itself.

`PageLinks` instead scans the raw bytes for ``href`` attributes and remembers
what each one resolved to, so the menu a crawl sees on its first page costs
nothing on the next thousand. Resolution itself is `canonicalize_url`, the
same as everywhere else.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator
from urllib.parse import urljoin, urlsplit

from core.urls import canonicalize_url

# <a ... href=...> and <area ... href=...>; the value with its quotes, if any.
_HREF = re.compile(rb"""<(?:a|area)\b[^>]*?\shref\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]+)""", re.I)
_BASE_HREF = re.compile(rb"""<base\b[^>]*?\shref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", re.I)
_ORIGIN_WIDE = (b"/", b"http://", b"https://")
_NOT_PAGES = ("javascript:", "mailto:", "tel:", "data:", "#", "about:", "ftp:")

#: How many resolved hrefs to remember before starting over; menus are re-learnt in one page.
CACHE_LIMIT = 200_000


class PageLinks:
    """Resolves the hrefs of pages to canonical absolute URLs, remembering repeats.

    >>> links = PageLinks()
    >>> list(links.extract(b'<a href="/a/1.html#top">x</a>', "http://x.gov.cn/list/", "utf-8"))
    ['http://x.gov.cn/a/1.html']
    """

    def __init__(self) -> None:
        self._resolved: dict[tuple[str, bytes], str | None] = {}
        # For new_links: raw hrefs already handled, per origin, and URLs already returned.
        self._done: dict[str, set[bytes]] = {}
        self._returned: set[str] = set()

    def extract(self, body: bytes, page_url: str, encoding: str) -> Iterator[str]:
        """Canonical absolute URLs linked from `body`, each once, in page order."""
        return self._links(body, page_url, encoding, only_new=False)

    def new_links(self, body: bytes, page_url: str, encoding: str) -> Iterator[str]:
        """The URLs `extract` gives that no earlier `new_links` call has returned.

        What a crawler that requests each URL once needs: the menu repeated on
        every page of a portal is dropped by its raw bytes, before any decoding
        or resolving.

        >>> links = PageLinks()
        >>> menu = b'<a href="/zwgk/">zwgk</a>'
        >>> list(links.new_links(menu + b'<a href="/a/1.html">1</a>', "http://x.gov.cn/", "utf-8"))
        ['http://x.gov.cn/zwgk/', 'http://x.gov.cn/a/1.html']
        >>> list(links.new_links(menu + b'<a href="/a/2.html">2</a>', "http://x.gov.cn/a/1.html", "utf-8"))
        ['http://x.gov.cn/a/2.html']
        """
        return self._links(body, page_url, encoding, only_new=True)

    def _links(self, body: bytes, page_url: str, encoding: str, *, only_new: bool) -> Iterator[str]:
        base = page_url
        base_match = _BASE_HREF.search(body)
        if base_match:
            declared = _decode(next(group for group in base_match.groups() if group is not None), encoding)
            base = urljoin(page_url, html.unescape(declared.strip()))
        parts = urlsplit(base)
        origin = f"{parts.scheme}://{parts.netloc}"
        # findall and fromkeys stay in C, which matters at several hundred
        # hrefs a page; a menu repeated on the page is then handled once.
        hrefs: Iterable[bytes] = dict.fromkeys(_HREF.findall(body))
        if only_new:
            # Root-relative and absolute hrefs mean the same on every page of an
            # origin, so one already handled there is skipped by its bytes alone.
            done = self._done.setdefault(origin, set())
            hrefs = [raw for raw in hrefs if raw not in done]
        seen: set[str] = set()
        for raw in hrefs:
            href = _unquoted(raw).strip()
            if only_new and href.startswith(_ORIGIN_WIDE):
                done.add(raw)
            url = self._resolve(href, base, origin, encoding)
            if url is None or url in seen:
                continue
            seen.add(url)
            if only_new:
                if url in self._returned:
                    continue
                self._returned.add(url)
            yield url

    def _resolve(self, href: bytes, base: str, origin: str, encoding: str) -> str | None:
        # A root-relative or absolute href means the same thing on every page of
        # the site, so it is remembered per origin, not per page.
        key = (origin if href.startswith(_ORIGIN_WIDE) else base, href)
        try:
            return self._resolved[key]
        except KeyError:
            pass
        resolved = self._canonical(_decode(href, encoding).strip(), base)
        if len(self._resolved) >= CACHE_LIMIT:
            self._resolved.clear()
            self._done.clear()  # `_returned` still keeps new_links from repeating a URL
        self._resolved[key] = resolved
        return resolved

    @staticmethod
    def _canonical(href: str, base: str) -> str | None:
        href = html.unescape(href)
        if not href or href.lower().startswith(_NOT_PAGES):
            return None
        try:
            url = canonicalize_url(urljoin(base, href))
        except ValueError:
            return None  # e.g. an invalid IPv6 host in a broken href
        return url if url.startswith(("http://", "https://")) else None


def _unquoted(raw: bytes) -> bytes:
    return raw[1:-1] if raw[:1] in (b'"', b"'") else raw


def _decode(raw: bytes, encoding: str) -> str:
    # Non-ASCII hrefs are rare and written in the page's encoding; never fail on one.
    return raw.decode(encoding or "utf-8", errors="replace") if not raw.isascii() else raw.decode("ascii")
