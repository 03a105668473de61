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
5. drop the boilerplate lines left over (`pipeline.extract.boilerplate_lines`),
   and the outlet's name standing alone outside the article block
   (`pipeline.extract.outlet_lines`).

`extract_article` is a pure function of its input: safe in worker processes.
"""

from __future__ import annotations

import copy
import logging

import trafilatura
from lxml.html import HtmlElement
from trafilatura.settings import Extractor

from core.article import METADATA_FIELDS, Article
from pipeline.extract.boilerplate_lines import clean_lines
from pipeline.extract.html_parse import parse_html
from pipeline.extract.line_merge import merge_lines
from pipeline.extract.main_block import block_text
from pipeline.extract.outlet_lines import drop_outlet_lines
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
EXTRACTOR_VERSION = "zh-7"  # zh-7: the outlet's name standing alone outside the article block is the origin, not a line; zh-6 (with 延伸·推荐 tails): feeds, hot lists and comment runs earn no credit; attachment links are text; signature dates kept; origin from provider/account slots, share data, date lines


# Trafilatura's options as `trafilatura.extract(fast=True, favor_precision=True,
# include_tables=True, include_comments=False)` builds them, built once: given
# keyword arguments, every call reads its eight sizes from a ConfigParser again.
_OPTIONS = Extractor(output_format="txt", fast=True, precision=True, tables=True, comments=False)


def _trafilatura_options(url: str | None) -> Extractor:
    """The options for one page: the shared ones with the page's URL, as Extractor(url=url) sets it."""
    options = copy.copy(_OPTIONS)
    options.url = url
    options.source = url and url.encode("utf-8", "replace").decode("utf-8")
    return options


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
    main, lengths = prune_chrome(tree, meta.title)
    # The block is rendered before trafilatura runs: trafilatura works on
    # copies of the tree, but reading the block now needs no copy of it at
    # all, and the pruning's text lengths are still true of it.
    block = block_text(main, lengths) if main is not None else ""

    if len(block) >= LARGE_BLOCK_CHARS:
        log.info("%s: a block of %d characters is taken whole, without trafilatura", url, len(block))
        extracted = ""
    else:
        extracted = _trafilatura_text(tree, url)

    text = extracted
    # A block that is the whole page is no evidence of where the article is.
    is_article_block = main is not None and main.tag not in ("body", "html")
    if main is not None:
        text = merge_lines(extracted, block, restore=is_article_block)
    del proxies
    text = clean_lines(text)
    if is_article_block:
        text = drop_outlet_lines(text, block, meta.origin)
    return Article(**{name: getattr(meta, name) for name in METADATA_FIELDS}, text=text)


def _trafilatura_text(tree: HtmlElement, url: str | None) -> str:
    """Trafilatura's text of the pruned `tree` ("" when it finds none or fails)."""
    try:
        return trafilatura.extract(tree, options=_trafilatura_options(url)) or ""
    except Exception as exc:  # trafilatura raises assorted errors on odd trees
        log.warning("trafilatura failed on %s (%s); using the dense block", url, exc)
        return ""
