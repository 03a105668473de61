"""Find runs of alike items: feed cards, hot lists, live feeds, comment threads.

A portal page lays out everything that is not its article as a run of items
of one shape: a 热门排行 of headline links each with its summary, a feed of
cards (title, summary, time), a 7×24 live feed (time, paragraph), a comment
thread (user, comment, votes). Each item's summary or comment is punctuated
like prose, and on a short brief the run outweighs the article ten times, so
a density rule takes the run for the article.

What tells a run from an article is shape, not wording: its items are
siblings of one tag and class, and each holds two or more separate texts
(a title and its summary, a name and a comment), where an article's
paragraphs each hold one. `item_lists(body)` lists such runs; the caller
decides what to do with them. Teaser lists cut short with "…" are found by
`pipeline.extract.teaser_lists`; this finds the ones written out in full.
"""

from __future__ import annotations

from lxml import etree
from lxml.html import HtmlElement

from pipeline.extract.main_block import TextLengths

# Tags an item can be. <p> is not: a paragraph holding a bold lead and a
# link is still a paragraph.
_ITEM_TAGS = frozenset("li div dl section article a".split())
# At least this many alike items make a run.
_MIN_ITEMS = 3
# An item is short: a title with a summary of a line or two, or a comment.
_MAX_ITEM_CHARS = 200
# The items hold this share of their container's text; the rest is a heading.
_MIN_ITEM_SHARE = 0.8
# Runs holding less text than this are not looked at.
_MIN_RUN_CHARS = 60
# A separate text shorter than this (a bullet, a count) does not count.
_MIN_PART_CHARS = 2
# Elements with at least _MIN_ITEMS children, found by XPath without a Python walk.
_HOLDS_ITEMS = etree.XPath("descendant-or-self::*[*[%d]]" % _MIN_ITEMS)


def _squash_len(text: str | None) -> int:
    return len("".join(text.split())) if text else 0


def _parts(item: HtmlElement, lengths: TextLengths) -> int:
    """How many separate texts `item` holds: its children with text, one level down when it wraps one."""
    children = [c for c in item if isinstance(c.tag, str) and lengths.text(c) >= _MIN_PART_CHARS]
    # A card wrapped whole in one link or box (<li><a><h3/><p/></a></li>).
    if len(children) == 1 and _squash_len(item.text) < _MIN_PART_CHARS:
        inner = children[0]
        children = [c for c in inner if isinstance(c.tag, str) and lengths.text(c) >= _MIN_PART_CHARS]
        loose = _squash_len(inner.text) >= _MIN_PART_CHARS
    else:
        loose = _squash_len(item.text) >= _MIN_PART_CHARS
    return len(children) + (1 if loose else 0)


def item_lists(
    body: HtmlElement, lengths: TextLengths | None = None, spare: HtmlElement | None = None
) -> list[HtmlElement]:
    """Containers under `body` whose text is mostly a run of alike items of two or more texts each.

    Items are alike when they share tag and class. A container inside one
    already found is left out, and so is any container holding `spare`
    (the headline: the list around it is the article's own page). The tree
    is not changed. `lengths`, the body's text measured already, if the
    caller has it.
    """
    if lengths is None:
        lengths = TextLengths(body)
    spared = set(spare.iterancestors()) | {spare} if spare is not None else set()
    found: list[HtmlElement] = []
    seen: set[HtmlElement] = set()
    for el in _HOLDS_ITEMS(body):
        # A run too short to outweigh a brief is left to the other rules.
        if el in spared or lengths.text(el) < _MIN_RUN_CHARS:
            continue
        groups: dict[tuple[str, str], list[HtmlElement]] = {}
        for child in el:
            if isinstance(child.tag, str) and child.tag in _ITEM_TAGS:
                groups.setdefault((child.tag, child.get("class") or ""), []).append(child)
        items = max(groups.values(), key=len, default=[])
        if len(items) < _MIN_ITEMS:
            continue
        if any(a in seen for a in el.iterancestors()):
            continue
        # Spacers and empty slots among the items are passed over.
        items = [item for item in items if lengths.text(item) > 0]
        if len(items) < _MIN_ITEMS or any(lengths.text(item) > _MAX_ITEM_CHARS for item in items):
            continue
        if sum(map(lengths.text, items)) < _MIN_ITEM_SHARE * lengths.text(el):
            continue
        # A list may hold an item or two of another shape (a title without summary).
        shaped = sum(1 for item in items if _parts(item, lengths) >= 2)
        if shaped < _MIN_ITEM_SHARE * len(items):
            continue
        found.append(el)
        seen.add(el)
    return found
