"""Reading one page for `dangan extract`: a local file or a URL, then the crawl's processing.

Nothing is stored; this is the way to see what dangan makes of a page
before adding its site to the sources file. Only the reading is done here:
the bytes go through `pipeline.process.process_page`, the function a
crawl's workers run, so the output is what a crawl would store.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path

from crawler.settings import USER_AGENT
from pipeline.process import process_page
from core.errors import PageError, PageInputError

FETCH_TIMEOUT_SECONDS = 30
MAX_PAGE_BYTES = 20 * 1024 * 1024


def read_page(item: str) -> tuple[bytes, str | None, str | None]:
    """Return (raw bytes, Content-Type header or None, URL or None) for a path or an http(s) URL."""
    if item.startswith(("http://", "https://")):
        request = urllib.request.Request(item, headers={"User-Agent": USER_AGENT})
        try:
            with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT_SECONDS) as response:
                raw = response.read(MAX_PAGE_BYTES + 1)
                content_type = response.headers.get("Content-Type")
                final_url = response.geturl()
        except urllib.error.HTTPError as error:
            raise PageInputError(item, f"the server answered {error.code} {error.reason}") from error
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            raise PageInputError(item, f"could not fetch it: {getattr(error, 'reason', error)}") from error
        if len(raw) > MAX_PAGE_BYTES:
            raise PageInputError(item, f"the page is larger than {MAX_PAGE_BYTES} bytes; save it and pass the file")
        return raw, content_type, final_url
    path = Path(item)
    try:
        return path.read_bytes(), None, None
    except FileNotFoundError:
        raise PageInputError(item, "no such file") from None
    except OSError as error:
        raise PageInputError(item, f"could not read the file: {error.strerror}") from error


def read_and_extract(item: str) -> dict:
    """Read one file or URL and process it as a crawl would, into the `dangan extract --jsonl` record.

    The record is ``path`` (`item` as given), ``encoding``, then the article's
    fields and its text, all as `pipeline.process.process_page` leaves them
    (normalised, so they are what a crawl of the page stores). A page with no
    article text gives ``text`` ``""``.

    >>> html = "<title>通知</title><h1>通知</h1><p>来源：市 林业局</p><p>" + "全市冬季防火工作安排如下。" * 8 + "</p>"
    >>> _ = Path("notice.html").write_bytes(html.encode("gbk"))
    >>> record = read_and_extract("notice.html")
    >>> record["encoding"], record["title"], record["origin"]
    ('gb18030', '通知', '市林业局')
    """
    raw, content_type, url = read_page(item)
    try:
        page = process_page(raw, content_type, url)
    except PageError as error:
        if error.url:
            raise
        # A local file has no URL for the error to name; the path given is what the user knows it by.
        raise type(error)(item, error.reason) from error
    return {"path": item, "encoding": page.encoding, **page.article.as_dict()}
