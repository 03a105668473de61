"""Where pages without a 来源 label state their origin.

Three places, tried after the labelled ones (`pipeline.extract.page_metadata`):

* the share data of a mobile app shell: the JSON a page hands its share
  button (``window.__SHARE_DATA__ = {"source": "青溪融媒", …}``), the one place
  some shells name the outlet in a form a program can read;
* a date line that names its outlet without a label: "2024-05-15 18:02　港闻网",
  or a byline whose name slot sits beside its time slot
  (``<span class="name">江城广电</span><span class="time">…</span>``);
* and never a link prompt: the slot a mirror marks as the source often holds
  only "阅读原文", which is where the original is, not who published it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

from lxml.html import HtmlElement

from pipeline.extract.script_variants import both_scripts

# A prompt to follow a link: 阅读原文, 查看原文, 原文链接, 点击阅读全文.
LINK_PROMPT = re.compile(both_scripts(r"^(?:点击)?(?:阅读|查看|浏览)?(?:原文|全文)(?:链接|地址)?$"))

# Keys under which share data and app state name the outlet.
_SHARE_KEYS = ("source", "sourceName", "source_name", "mediaName", "media_name", "publisher")
_SHARE_VALUE = re.compile(
    r"""["']?(?:%s)["']?\s*:\s*["']([^"'\\<>{}]{2,30})["']""" % "|".join(_SHARE_KEYS)
)
# Scripts this long are bundles, not the page's share data.
_MAX_SCRIPT_CHARS = 20000

# What an outlet's name ends with: 港闻网, 江城日报, 新华社, 青溪融媒, 某某发布.
_OUTLET = re.compile(
    both_scripts(
        r"^[\u4e00-\u9fffA-Za-z]{1,16}(?:网|报|社|台|新闻|频道|客户端|融媒|发布|周刊|杂志|传媒|资讯)$"
    )
)
_FULL_DATE = re.compile(r"(?:19|20)\d{2}\s*[年/.\-]\s*\d{1,2}\s*[月/.\-]\s*\d{1,2}\s*日?")
_DATE_AND_TIME = re.compile(
    _FULL_DATE.pattern
    + r"|\d{1,2}\s*[:：]\s*\d{2}(?:\s*[:：]\s*\d{2})?"
    r"|[（(]?(?:星期|周|週)[一二三四五六日天][）)]?"
)
_SEPARATORS = re.compile(r"[\s|｜/·•,，、:：\u3000\u00a0]+")


def share_data_origin(tree: HtmlElement) -> str | None:
    """The outlet a page's inline share data or app state names, if any.

    >>> import lxml.html
    >>> page = lxml.html.fromstring('<html><head><script>window.__SHARE__ = {"title": "x", "source": "青溪融媒"};</script></head><body></body></html>')
    >>> share_data_origin(page)
    '青溪融媒'
    """
    for script in tree.iter("script"):
        text = script.text or ""
        if not text or len(text) > _MAX_SCRIPT_CHARS or not any(key in text for key in _SHARE_KEYS):
            continue
        for match in _SHARE_VALUE.finditer(text):
            value = _decoded(match.group(1)).strip()
            if value and not value.startswith(("http", "/")) and not LINK_PROMPT.match(value):
                return value
    return None


# A slot named "name" right beside one named for the time or the date.
_NAME_BESIDE_TIME = (
    "//*[contains(concat(' ', translate(@class, '-_', '  '), ' '), ' name ')]"
    "[following-sibling::*[1][contains(@class,'time') or contains(@class,'date')]"
    " or preceding-sibling::*[1][contains(@class,'time') or contains(@class,'date')]]"
)


def byline_name(tree: HtmlElement) -> str | None:
    """The name in a byline's name slot beside its time slot, the outlet on app-style pages.

    >>> import lxml.html
    >>> page = lxml.html.fromstring('<div class="sub"><span class="name">江城广电</span><span class="time">2024-05-16</span></div>')
    >>> byline_name(page)
    '江城广电'
    """
    for el in tree.xpath(_NAME_BESIDE_TIME):
        value = " ".join(el.text_content().split())
        if 2 <= len(value) <= 20 and not LINK_PROMPT.match(value) and not _FULL_DATE.search(value):
            return value
    return None


def _decoded(value: str) -> str:
    try:
        return json.loads(f'"{value}"')
    except ValueError:
        return value


def dateline_outlet(lines: Iterable[str]) -> str | None:
    """The outlet named beside a date in a short line, "2024-05-15 18:02　港闻网".

    `lines` are the page's short text lines in page order; only lines that
    hold a date are read, and what is left once the date, the time and the
    separators are gone must be an outlet's name and nothing else.

    >>> dateline_outlet(["首页", "2024-05-15 18:02　港闻网"])
    '港闻网'
    >>> dateline_outlet(["2024-05-15 18:02　阅读 1024"]) is None
    True
    """
    for line in lines:
        if len(line) > 60 or not _FULL_DATE.search(line):
            continue
        stripped = _DATE_AND_TIME.sub(" ", line)
        rest = _SEPARATORS.sub(" ", stripped).strip()
        if rest and " " not in rest and _OUTLET.match(rest):
            return rest
    return None
