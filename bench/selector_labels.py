"""Gold text for pages labelled by selectors instead of by copied text.

The pages in ../shared/corpus/real/unlabeled belong to their publishers, so
the repository keeps no text of theirs: a label (bench/labels/*.json) names
the article's blocks and the blocks inside them that must not appear, as
XPath or CSS selectors, and the gold text is computed from the page itself
each time the benchmark runs.

A label entry looks like::

    "163__1.html": {
        "article": ["//div[@id='endText']"],
        "exclude": ["//div[contains(@class,'ep-source')]"],
        "why": "the body paragraphs; the source and editor line is metadata"
    }

`article` lists one or more selectors; every element they match, in page
order, is part of the article (an element inside another matched one is not
counted twice); it is empty, with ``"no_article": true``, for a page that
holds no article text at all (a script shell whose text never arrived), and
the gold text is then "". `exclude` lists selectors of elements inside those blocks to
leave out (bylines, share bars, embedded teasers). A selector that starts
with "/" or "(" is XPath, anything else CSS. Scripts, styles, <noscript> and
elements hidden with display:none never count as text.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import lxml.html
from lxml import etree
from lxml.cssselect import CSSSelector

LABELS = Path(__file__).resolve().parent / "labels"

_BLOCK_TAGS = frozenset(
    "p div td th tr li ul ol table section article main dl dt dd h1 h2 h3 h4 h5 h6 "
    "blockquote pre center header footer address figure figcaption br".split()
)
_NEVER_TEXT = ("script", "style", "noscript", "template", "textarea", "select", "button")
_HIDDEN = re.compile(r"display\s*:\s*none", re.I)


class LabelError(ValueError):
    """A selector label that does not fit its page: fix the label file it names."""


@dataclass(frozen=True)
class SelectorLabel:
    """Where a page's article is, as selectors; see the module docstring."""

    article: tuple[str, ...]
    exclude: tuple[str, ...] = ()
    why: str = ""
    fields: dict[str, str | None] = field(default_factory=dict)


def _select(root: lxml.html.HtmlElement, selector: str) -> list:
    if selector.startswith(("/", "(")):
        return [el for el in root.xpath(selector) if isinstance(el, etree._Element)]
    return CSSSelector(selector)(root)


def gold_text(html: str, label: SelectorLabel, name: str = "page") -> str:
    """The article text a label marks on `html`, one block per line.

    >>> page = '<div id="a"><p>第一段。</p><p class="src">来源：某报</p><p>第二段。</p></div>'
    >>> gold_text(page, SelectorLabel(article=("#a",), exclude=("p.src",)))
    '第一段。\\n第二段。'
    """
    if not label.article:
        return ""
    root = lxml.html.fromstring(html)
    blocks: list = []
    for selector in label.article:
        found = _select(root, selector)
        if not found:
            raise LabelError(f"{name}: article selector {selector!r} matches nothing")
        blocks.extend(found)
    left_out: set = set()
    for selector in label.exclude:
        found = _select(root, selector)
        if not found:
            raise LabelError(f"{name}: exclude selector {selector!r} matches nothing")
        left_out.update(found)
    chosen = set(blocks)
    # Page order, and a block inside another chosen block only once.
    order = {el: i for i, el in enumerate(root.iter())}
    tops = sorted(
        (el for el in chosen if not any(a in chosen for a in el.iterancestors())), key=order.__getitem__
    )
    parts: list[str] = []
    for block in tops:
        _render(block, left_out, parts, top=True)
        parts.append("\n")
    lines = (" ".join(line.split()) for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


def _render(el, left_out: set, parts: list[str], top: bool = False) -> None:
    tag = el.tag if isinstance(el.tag, str) else ""
    skipped = (
        not tag
        or el in left_out
        or tag in _NEVER_TEXT
        or _HIDDEN.search(el.get("style") or "")
        or el.get("hidden") is not None
    )
    if not skipped:
        block = tag in _BLOCK_TAGS
        if block:
            parts.append("\n")
        if tag != "br" and el.text:
            parts.append(el.text)
        for child in el:
            _render(child, left_out, parts)
        if block:
            parts.append("\n")
    if not top and el.tail:
        parts.append(el.tail)


def load_labels(set_name: str) -> dict[str, SelectorLabel]:
    """The labels of one set (bench/labels/<set_name>.json), by file name."""
    path = LABELS / f"{set_name}.json"
    raw = json.loads(path.read_text("utf-8"))
    labels = {}
    for name, entry in raw.items():
        article = entry.get("article")
        if not article and not entry.get("no_article"):
            raise LabelError(f"{path}: {name} has no article selector and is not marked no_article")
        labels[name] = SelectorLabel(
            article=tuple(article),
            exclude=tuple(entry.get("exclude") or ()),
            why=entry.get("why", ""),
            fields=dict(entry.get("fields") or {}),
        )
    return labels
