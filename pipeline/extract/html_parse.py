"""Parse decoded HTML into the tree extraction works on: the whole page, or a clear error.

libxml2 guards itself with limits, and when one is hit it stops building the
tree and carries on as if nothing happened: an element nested 256 deep ends
the document there (255 nested divs gave no text at all), and a text run,
comment or attribute over 10 MB makes the page come out empty. Neither shows
as an exception; only the parser's error log says so. So:

- the parser runs with ``huge_tree``, which lifts the size limits (the crawl's
  download limit already bounds a page) and allows 2048 levels;
- a tree deeper than `MAX_DEPTH` is parsed again from markup that
  `pipeline.extract.deep_nesting.flatten_nesting` has flattened, since our
  rules and trafilatura walk the tree recursively and must stay far inside
  Python's recursion limit;
- if libxml2 still stops early (a limit, or characters it cannot take), or
  the flattened tree is still too deep, the page fails with `ExtractionError`
  saying so: a cut text is never passed on as the article.
"""

from __future__ import annotations

import logging
import re
import threading

import lxml.html
from lxml import etree

from core.errors import ExtractionError
from pipeline.extract.deep_nesting import flatten_nesting

log = logging.getLogger(__name__)

#: The deepest tree extraction is given. Real pages stay under 60 levels;
#: trafilatura and our rules recurse about once per level, and at 256 levels
#: (libxml2's own default limit) they are well inside Python's 1000 frames.
MAX_DEPTH = 256
# Flattening aims well below MAX_DEPTH: its idea of nesting is approximate,
# and trafilatura's pruning costs elements x depth.
_FLATTEN_TO = 128

_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
# True when some element lies more than MAX_DEPTH levels down from the root (the root is level 1).
_TOO_DEEP = etree.XPath("boolean(" + "/".join(["*"] * MAX_DEPTH) + ")")

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
        parser = etree.HTMLParser(huge_tree=True)
        parser.set_element_class_lookup(etree.ElementDefaultClassLookup(
            element=lxml.html.HtmlElement,
            comment=lxml.html.HtmlComment,
            pi=lxml.html.HtmlProcessingInstruction,
            entity=lxml.html.HtmlEntity,
        ))
        _parsers.html = parser
    return parser


def parse_html(html: str, url: str | None = None) -> lxml.html.HtmlElement:
    """The root element of `html`, parsed completely.

    Raises ExtractionError when the HTML is empty, cannot be parsed, or would
    only parse cut short.

    >>> root = parse_html("<html><body>" + "<div>" * 400 + "深处的正文" + "</div>" * 400 + "</body></html>")
    >>> root.text_content()
    '深处的正文'
    """
    # lxml refuses str input that still carries an encoding declaration.
    source = _XML_DECLARATION.sub("", html, count=1)
    if not source.strip():
        raise ExtractionError(url, "the HTML is empty; check the fetch and the decoding")
    root, limit = _parse_once(source, url)
    if limit is None and not _TOO_DEEP(root):
        return root
    log.info("%s nests elements deeper than %d levels; flattening it before extraction", url or "page", MAX_DEPTH)
    root, limit = _parse_once(flatten_nesting(source, _FLATTEN_TO), url)
    if limit is not None or _TOO_DEEP(root):
        raise ExtractionError(
            url,
            f"the page could not be parsed completely ({limit or f'nested deeper than {MAX_DEPTH} levels'}), "
            "even with over-deep markup flattened; no text is stored from it, so none is cut short. "
            "The capture is kept: report the page so the parsing rules can learn its shape",
        )
    return root


def _parse_once(source: str, url: str | None) -> tuple[lxml.html.HtmlElement, str | None]:
    """The parsed root, and why libxml2 stopped before the end (None when it read it all)."""
    parser = _html_parser()
    try:
        root = etree.fromstring(source, parser)
    except (etree.ParserError, ValueError) as exc:
        raise ExtractionError(
            url, f"lxml could not parse the HTML ({exc}); check that it was decoded from the right charset"
        ) from exc
    if root is None:
        raise ExtractionError(url, "lxml found no document in the HTML; check the fetch and the decoding")
    # Fatal errors are the ones after which libxml2 stops reading: a limit hit,
    # or characters it cannot take. Mismatched tags and the like are mere errors.
    limit = next((entry.message.strip() for entry in parser.error_log
                  if entry.level == etree.ErrorLevels.FATAL), None)
    return root, limit
