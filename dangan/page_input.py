"""Reading one page for `dangan extract`: a local file or a URL, then decode and extract.

Nothing is stored; this is the way to see what dangan makes of a page
before adding its site to the sources file.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path

from crawler.settings import USER_AGENT
from pipeline.decode import decode_html
from pipeline.extract import extract_article
from pipeline.normalize import normalize_text
from core.errors import PageInputError

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
    """Decode and extract one file or URL into the `dangan extract --jsonl` record.

    >>> read_and_extract("tests/extraction_pages/gov_notice_utf8.html")["encoding"]  # doctest: +SKIP
    'utf-8'
    """
    raw, content_type, url = read_page(item)
    decoded = decode_html(raw, content_type)
    article = extract_article(decoded.text, url)
    return {
        "path": item,
        "encoding": decoded.encoding,
        "title": article.title,
        "published": article.published,
        "origin": article.origin,
        "author": article.author,
        "editor": article.editor,
        "doc_number": article.doc_number,
        "text": normalize_text(article.text),
    }
