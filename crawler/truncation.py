"""Telling a page cut off by a dropped connection from a whole one.

A response with no Content-Length ends when the server closes the
connection. Twisted cannot tell a clean close from a reset there, so Scrapy
hands both over flagged ``partial``; a reset in the middle of a 6 KB page was
archived and versioned as the article (1,337 characters of it). With a
Content-Length, a short body fails the download and is retried; with
``DOWNLOAD_FAIL_ON_DATALOSS = False`` Scrapy flags it ``dataloss``.

`cut_short` decides: ``dataloss`` is always cut; ``partial`` is cut when an
HTML body does not reach its closing ``</html>`` (old servers that close
after every whole page do send it). Such a page is archived, its WARC record
marked ``WARC-Truncated: disconnect``, counted as an error, and not made a
version.
"""

from __future__ import annotations

import re

#: How far from the end of the body a closing tag is looked for (comments and scripts may follow it).
TAIL = 4096
_HTML_END = re.compile(rb"</html\s*>", re.IGNORECASE)


def cut_short(flags: list[str], body: bytes, content_type: str | None) -> str | None:
    """Why this response is not a whole page, or None if it is.

    >>> cut_short(["partial"], b"<html><body><p>first half", "text/html")
    'the connection closed before the page ended (no Content-Length, no closing </html>)'
    >>> cut_short(["partial"], b"<html><body><p>all</p></body></html>\\n", "text/html") is None
    True
    >>> cut_short([], b"<html><body><p>first half", "text/html") is None
    True
    """
    if "dataloss" in flags:
        return "fewer bytes arrived than the server announced (data loss)"
    if "partial" not in flags:
        return None
    if content_type is not None and "html" not in content_type.lower():
        return None  # nothing to check a non-HTML body against; it is not processed anyway
    if _HTML_END.search(body[-TAIL:]):
        return None
    return "the connection closed before the page ended (no Content-Length, no closing </html>)"
