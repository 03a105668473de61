"""Find lists of teasers: the cards a page lines up to lure the next click.

Mobile app shells and news portals close an article with "更多精彩", "为你推荐"
or an unlabelled strip of cards. Each card is a short item of the same shape
as its neighbours: a title cut short ("…华灯初上，滨江夜市人流如织..."), or a
link or thumbnail beside a time stamp ("2024-05-01", "3小时前"). The cards'
titles and summaries are punctuated like prose, so a generic extractor may
take a column of them for the article when the article itself is short.

`teaser_lists(body)` lists the containers holding such a list. What is done
with them (and what is protected) is up to the caller.
"""

from __future__ import annotations

import re

from lxml import etree
from lxml.html import HtmlElement

from pipeline.extract.main_block import TEASER_END, TextLengths

# A time stamp as cards print it: a date, a month-day with a clock, "3小时前".
_STAMP = re.compile(
    r"(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}"
    r"|\d{1,2}\s*[-/月]\s*\d{1,2}\s*日?\s+\d{1,2}[:：]\d{2}"
    r"|\d+\s*(?:秒|分钟|小时|天)前|昨天\s*\d{1,2}[:：]\d{2}|刚刚"
)
# Cards are short: a title and a summary of a line or two.
_MAX_CARD_CHARS = 160
# At least this many cards alike make a list.
_MIN_CARDS = 2
# The cards hold this share of the container's text; the rest is a heading.
_MIN_CARD_SHARE = 0.8
# Tags a card can be; paragraphs are not cards, however they end.
_CARD_TAGS = frozenset("li div a dl dd section article".split())
# The elements (`body` included) with at least _MIN_CARDS children, in page
# order: XPath finds them without a Python walk of every element. Asking only
# for a second child keeps the test cheap in libxml2; a count() of the card
# tags per element cost more than the walk it spared.
_HOLDS_CARDS = etree.XPath("descendant-or-self::*[*[%d]]" % _MIN_CARDS)


def _squash_len(text: str) -> int:
    return len("".join(text.split()))


def _is_card(item: HtmlElement, text: str) -> bool:
    """A short item whose text ends cut short, or that pairs a link or picture with a time."""
    if not 0 < _squash_len(text) <= _MAX_CARD_CHARS:
        return False
    if any(TEASER_END.search(s.strip()) for s in item.itertext() if s.strip()):
        return True
    has_pointer = item.tag == "a" or next(item.iter("a", "img"), None) is not None
    return has_pointer and _STAMP.search(text) is not None


def teaser_lists(body: HtmlElement, lengths: TextLengths | None = None) -> list[HtmlElement]:
    """Containers under `body` whose text is mostly a run of alike cards, in page order.

    Cards are alike when they share tag and class. A container inside one
    already found is left out. The tree is not changed. `lengths`, the
    body's text measured already, if the caller has it.
    """
    if lengths is None:
        lengths = TextLengths(body)
    found: list[HtmlElement] = []
    seen: set[HtmlElement] = set()
    for el in _HOLDS_CARDS(body):
        groups: dict[tuple[str, str], list[HtmlElement]] = {}
        for child in el:
            if isinstance(child.tag, str) and child.tag in _CARD_TAGS:
                groups.setdefault((child.tag, child.get("class") or ""), []).append(child)
        items = max(groups.values(), key=len, default=[])
        if len(items) < _MIN_CARDS:
            continue
        if any(a in seen for a in el.iterancestors()):
            continue
        # Lazily: most candidate lists fail on their first item, and the
        # text of every item of every list was a third of this function's time.
        if not all(_is_card(item, item.text_content()) for item in items):
            continue
        card_chars = sum(map(lengths.text, items))
        if card_chars < _MIN_CARD_SHARE * lengths.text(el):
            continue
        found.append(el)
        seen.add(el)
    return found
