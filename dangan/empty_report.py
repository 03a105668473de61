"""What ``dangan empty`` shows: the article pages stored without text, and why.

`empty_lines` lays `storage.empty_pages.empty_pages` out as plain lines, one
page per line and its reason under it, never cut, so the output can be grepped.

Example:
    >>> page = EmptyPage(url="http://www.gov.cn/b.htm", source="gov", title="公告", version=1,
    ...                  first_seen=datetime(2026, 11, 2, 8, 0), last_seen=datetime(2026, 11, 3, 8, 0),
    ...                  reason="the page holds no article text")
    >>> print("\\n".join(empty_lines([page])))
    gov  http://www.gov.cn/b.htm  v1  since 2026-11-02 08:00:00 UTC  公告
         reason: the page holds no article text
"""

from __future__ import annotations

from storage.empty_pages import EmptyPage


def empty_lines(pages: list[EmptyPage]) -> list[str]:
    """One line per page (source, URL, version, since when, title), its reason on the next."""
    width = max((len(page.source) for page in pages), default=0)
    lines = []
    for page in pages:
        since = page.first_seen.isoformat(sep=" ", timespec="seconds")
        lines.append(f"{page.source:<{width}}  {page.url}  v{page.version}  since {since} UTC  {page.title or ''}".rstrip())
        lines.append(f"{'':<{width}}  reason: {page.reason}")
    return lines
