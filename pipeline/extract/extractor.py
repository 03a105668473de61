"""Extract a Chinese web page's article: its text and its metadata.

The stages, in order:

1. parse the decoded HTML with lxml;
2. read the metadata (title, date, origin, author, editor, 发文字号) from the
   whole page, before anything is removed (`pipeline.extract.page_metadata`);
3. prune the chrome: navigation, breadcrumbs, print bars, related lists,
   feeds of teaser cards (`pipeline.extract.teaser_lists`), the replies after a
   thread's first post, footers, hidden text, ruby annotations
   (`pipeline.extract.page_chrome`);
4. hand the pruned tree to trafilatura, and compare its answer with the
   densest block of prose on the page (`pipeline.extract.main_block`); when
   trafilatura returns far less, the dense block wins;
5. drop the boilerplate lines left over (`pipeline.extract.boilerplate_lines`).

`extract_article` is a pure function of its input: safe in worker processes.
"""

from __future__ import annotations

import copy
import logging
import re
import threading

import lxml.html
import trafilatura
from lxml import etree

from core.article import METADATA_FIELDS, Article
from pipeline.extract.boilerplate_lines import clean_lines
from pipeline.extract.line_merge import merge_lines
from pipeline.extract.main_block import block_text
from pipeline.extract.page_chrome import prune_chrome
from pipeline.extract.page_metadata import read_metadata
from core.errors import ExtractionError

log = logging.getLogger(__name__)

# Recorded with every stored version; bump when a rule change alters output.
EXTRACTOR_VERSION = "zh-6"  # zh-6: feeds, hot lists and comment runs earn no credit; attachment links are text; signature dates kept; origin from provider/account slots, share data, date lines

_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)

_parsers = threading.local()  # an lxml parser must not be shared between threads


def _html_parser() -> etree.HTMLParser:
    """This thread's HTML parser, whose elements are all plain HtmlElements.

    lxml.html's own parser picks each element's class in a Python callback (so
    that <form> and <input> get their form classes), once for every element
    proxy made: half a million calls over a few hundred pages. Nothing here
    uses the form classes, so the class is chosen in C instead.
    """
    parser = getattr(_parsers, "html", None)
    if parser is None:
        parser = etree.HTMLParser()
        parser.set_element_class_lookup(etree.ElementDefaultClassLookup(
            element=lxml.html.HtmlElement,
            comment=lxml.html.HtmlComment,
            pi=lxml.html.HtmlProcessingInstruction,
            entity=lxml.html.HtmlEntity,
        ))
        _parsers.html = parser
    return parser


def _parse(html: str, url: str | None) -> lxml.html.HtmlElement:
    # lxml refuses str input that still carries an encoding declaration.
    source = _XML_DECLARATION.sub("", html, count=1)
    if not source.strip():
        raise ExtractionError(url, "the HTML is empty; check the fetch and the decoding")
    try:
        root = etree.fromstring(source, _html_parser())
    except (etree.ParserError, ValueError) as exc:
        raise ExtractionError(
            url, f"lxml could not parse the HTML ({exc}); check that it was decoded from the right charset"
        ) from exc
    if root is None:
        raise ExtractionError(url, "lxml found no document in the HTML; check the fetch and the decoding")
    return root


def extract_article(html: str, url: str | None = None) -> Article:
    """Extract the article from decoded `html`.

    Returns an Article whose text is "" when the page holds no article text.
    Raises ExtractionError when the page cannot be parsed at all.

    >>> extract_article("<html><body><p>各县（市、区）委组织部：</p></body></html>").text
    '各县（市、区）委组织部：'
    """
    tree = _parse(html, url)
    # lxml builds a Python proxy for an element each time one is reached
    # while no proxy for it is alive, and the metadata readers, the pruning
    # rules and trafilatura each reach most elements in turn. Holding one
    # proxy per element for the whole extraction builds each one once.
    proxies = list(tree.iter())
    meta = read_metadata(tree)
    densest = prune_chrome(tree, meta.title)
    # Trafilatura edits the tree it is given, so keep the dense block aside.
    main = copy.deepcopy(densest) if densest is not None else None

    try:
        extracted = trafilatura.extract(
            tree,
            url=url,
            fast=True,
            favor_precision=True,
            include_tables=True,
            include_comments=False,
        ) or ""
    except Exception as exc:  # trafilatura raises assorted errors on odd trees
        log.warning("trafilatura failed on %s (%s); using the dense block", url, exc)
        extracted = ""

    text = extracted
    if main is not None:
        # A block that is the whole page is no evidence of where the article is.
        text = merge_lines(extracted, block_text(main), restore=main.tag not in ("body", "html"))
    del proxies
    text = clean_lines(text)
    return Article(**{name: getattr(meta, name) for name in METADATA_FIELDS}, text=text)
