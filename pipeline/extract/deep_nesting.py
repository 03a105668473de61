"""Flatten markup nested deeper than extraction can take, keeping every word.

Why this exists: pages nest deeper than any layout needs when a generator
opens a tag per line and never closes it (400 lines each opening an unclosed
``<font>``), or when a hostile page opens thousands of ``<div>``. libxml2 stops
building the tree at a fixed depth (256 levels, 2048 with ``huge_tree``) and
drops everything below it without failing: 400 such lines kept 253, and 255
nested divs kept no text at all. Our pruning rules and trafilatura walk the
tree recursively too, so even a tree libxml2 accepts must stay well inside
Python's recursion limit.

`flatten_nesting` rewrites the HTML so that no element opens below
`max_depth`: tags that would open deeper are left out (a block element's tag
becomes a ``<br>``, so its text stays a line of its own); all text, comments
and scripts are kept exactly as they were. It reads tags with regular
expressions, not a parser, since the parser is what cannot cope; its idea of
nesting is an approximation (it knows void elements, ``/>``, that a new
``<p>`` or ``<li>`` closes an open one, and that a block closes a ``<p>``), so the caller parses the result and
checks the depth again.
"""

from __future__ import annotations

import re

# A comment, an element whose content is raw text (kept whole: a "<div>" in a
# script is not a tag), or a start or end tag. `[^<>]*` keeps a lone "<" from
# making the search run to the end of the page at every later "<".
_TOKEN = re.compile(
    r"<!--.*?(?:-->|\Z)"
    r"|<(script|style|textarea|xmp)\b[^<>]*>.*?(?:</\1\s*>|\Z)"
    r"|<(/?)([a-zA-Z][^\s/<>]*)([^<>]*)>",
    re.S | re.I,
)

# Elements that never have content, so never nest.
_VOID = frozenset({
    "area", "base", "basefont", "bgsound", "br", "col", "embed", "frame", "hr", "img", "input",
    "isindex", "keygen", "link", "meta", "param", "source", "track", "wbr",
})
# A start tag of one of these closes an open one of the same name at the top
# (and any block's start tag closes an open <p>).
_CLOSES_ITS_LIKE = frozenset({"p", "li", "option", "tr", "td", "th"})
# Elements whose text is a line of its own: a dropped tag of theirs leaves a <br>.
_BLOCKS = frozenset({
    "address", "article", "aside", "blockquote", "center", "dd", "div", "dl", "dt", "fieldset",
    "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "li", "main", "nav",
    "ol", "p", "pre", "section", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
})
_BREAK = "<br>"


def flatten_nesting(html: str, max_depth: int) -> str:
    """`html` with the tags that would open an element deeper than `max_depth` levels left out.

    Text is never removed; a left-out block tag is replaced by ``<br>`` (one
    between two runs of text: thousands of empty lines would only give every
    later stage thousands of elements to walk).

    >>> flatten_nesting("<div><div><div><p>正文</p></div></div></div>", 2)
    '<div><div><br>正文<br></div></div>'
    >>> flatten_nesting("<font>一<font>二<font>三", 2)
    '<font>一<font>二三'
    """
    pieces: list[str] = []
    # The elements believed open, outermost first: name, whether its tags are
    # kept, and how many kept elements enclose it.
    open_elements: list[tuple[str, bool, int]] = []
    open_names: dict[str, int] = {}  # how many of each name are open, to skip hopeless searches
    kept_depth = 0
    copied_to = 0
    broken = False  # whether a <br> stands in since the last text

    def put(tag: str, name: str, kept: bool) -> None:
        nonlocal broken
        if kept or tag.count('"') % 2 or tag.count("'") % 2:
            # A "tag" with an odd quote is most likely the end of an attribute
            # value holding a "<" ('a<b'): leaving it out would take a closing
            # quote away and let the value swallow the rest of the page.
            pieces.append(tag)
            broken = False
        elif name in _BLOCKS and not broken:
            pieces.append(_BREAK)
            broken = True

    for match in _TOKEN.finditer(html):
        name = match.group(3)
        if name is None:  # a comment or a raw-text element: kept whole
            continue
        name = name.lower()
        between = html[copied_to:match.start()]
        if between:
            pieces.append(between)
            broken = broken and not between.strip()
        copied_to = match.end()
        tag = match.group(0)
        if match.group(2):  # an end tag
            kept = True  # one that closes nothing we know of is left for the parser to judge
            if open_names.get(name):
                while True:  # each element is popped once, so this is linear over the page
                    popped, kept, kept_depth = open_elements.pop()
                    open_names[popped] -= 1
                    if popped == name:
                        break
            put(tag, name, kept)
            continue
        if name in _VOID or match.group(4).rstrip().endswith("/"):
            put(tag, name, True)
            continue
        if open_elements and open_elements[-1][0] == ("p" if name in _BLOCKS else None) or (
                name in _CLOSES_ITS_LIKE and open_elements and open_elements[-1][0] == name):
            closed, _, kept_depth = open_elements.pop()
            open_names[closed] -= 1
        kept = kept_depth < max_depth
        open_elements.append((name, kept, kept_depth))
        open_names[name] = open_names.get(name, 0) + 1
        kept_depth += kept
        put(tag, name, kept)
    pieces.append(html[copied_to:])
    return "".join(pieces)
