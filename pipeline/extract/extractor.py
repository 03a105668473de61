"""Extract a Chinese web page's article: its text and its metadata.

The stages, in order:

1. parse the decoded HTML with lxml, completely or not at all
   (`pipeline.extract.html_parse`);
2. read the metadata (title, date, origin, author, editor, 发文字号) from the
   whole page, before anything is removed (`pipeline.extract.page_metadata`);
3. prune the chrome: navigation, breadcrumbs, print bars, related lists,
   feeds of teaser cards (`pipeline.extract.teaser_lists`), the replies after a
   thread's first post, footers, hidden text, ruby annotations
   (`pipeline.extract.page_chrome`);
4. hand the pruned tree to trafilatura, and compare its answer with the
   densest block of prose on the page (`pipeline.extract.main_block`); when
   trafilatura returns far less, the dense block wins (a block of
   `LARGE_BLOCK_CHARS` or more is taken without asking trafilatura);
5. drop the boilerplate lines left over (`pipeline.extract.boilerplate_lines`).

`extract_article` is a pure function of its input: safe in worker processes.
"""

from __future__ import annotations

import copy
import logging

import trafilatura
from lxml.html import HtmlElement

from core.article import METADATA_FIELDS, Article
from pipeline.extract.boilerplate_lines import clean_lines
from pipeline.extract.html_parse import parse_html
from pipeline.extract.line_merge import merge_lines
from pipeline.extract.main_block import block_text
from pipeline.extract.page_chrome import prune_chrome
from pipeline.extract.page_metadata import read_metadata

log = logging.getLogger(__name__)

# From this many characters of text in the densest block on, trafilatura is
# not asked and the block is the article. Trafilatura's main pass grows with
# the square of the page (libxml2 answers its "//p//text()" in quadratic time:
# 0.4 s at 4 MB, 4.5 s at 16 MB), and on a block this long, a book's worth
# where a notice holds a few thousand, the block is the article whatever
# trafilatura would drop inside it (`bench.page_size_bench`: the same text).
# Real article pages stay far below it, so their output does not change.
LARGE_BLOCK_CHARS = 500_000

# Recorded with every stored version; bump when a rule change alters output.
EXTRACTOR_VERSION = "zh-6"  # zh-6 (with 延伸·推荐 tails): feeds, hot lists and comment runs earn no credit; attachment links are text; signature dates kept; origin from provider/account slots, share data, date lines


def extract_article(html: str, url: str | None = None) -> Article:
    """Extract the article from decoded `html`.

    Returns an Article whose text is "" when the page holds no article text.
    Raises ExtractionError when the page cannot be parsed at all.

    >>> extract_article("<html><body><p>各县（市、区）委组织部：</p></body></html>").text
    '各县（市、区）委组织部：'
    """
    tree = parse_html(html, url)
    # lxml builds a Python proxy for an element each time one is reached
    # while no proxy for it is alive, and the metadata readers, the pruning
    # rules and trafilatura each reach most elements in turn. Holding one
    # proxy per element for the whole extraction builds each one once.
    proxies = list(tree.iter())
    meta = read_metadata(tree)
    densest = prune_chrome(tree, meta.title)
    # Trafilatura edits the tree it is given, so keep the dense block aside.
    main = copy.deepcopy(densest) if densest is not None else None
    block = block_text(main) if main is not None else ""

    if len(block) >= LARGE_BLOCK_CHARS:
        log.info("%s: a block of %d characters is taken whole, without trafilatura", url, len(block))
        extracted = ""
    else:
        extracted = _trafilatura_text(tree, url)

    text = extracted
    if main is not None:
        # A block that is the whole page is no evidence of where the article is.
        text = merge_lines(extracted, block, restore=main.tag not in ("body", "html"))
    del proxies
    text = clean_lines(text)
    return Article(**{name: getattr(meta, name) for name in METADATA_FIELDS}, text=text)


def _trafilatura_text(tree: HtmlElement, url: str | None) -> str:
    """Trafilatura's text of the pruned `tree` ("" when it finds none or fails)."""
    try:
        return trafilatura.extract(
            tree,
            url=url,
            fast=True,
            favor_precision=True,
            include_tables=True,
            include_comments=False,
        ) or ""
    except Exception as exc:  # trafilatura raises assorted errors on odd trees
        log.warning("trafilatura failed on %s (%s); using the dense block", url, exc)
        return ""
