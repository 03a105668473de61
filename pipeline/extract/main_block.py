"""Find the article's block by text density, and render a block as lines.

The fallback for pages a generic extractor misreads: old table layouts whose
text runs between <br> tags, WeChat mirrors built from spans, and short items
where a sidebar outweighs the article. Each run of prose credits its length to
the block that holds it and half of that to the block above, discounted by how
much of the block is link text; the block with the most credit is the article.
Two corrections follow: on a page of posts alike (a forum thread, a blog's
front page) the first post is the article, and a block whose last line
announces a table (附：…, 名单如下：) takes in the table that follows it.
"""

from __future__ import annotations

import re

from lxml import etree
from lxml.html import HtmlElement

from pipeline.extract.boilerplate_lines import FOOTER_LINE, MAX_NOTICE_CHARS, NOTICE_LEAD

_CONTAINERS = frozenset("div td article section main form body center".split())
_BLOCKS = frozenset(
    "p div td th tr li ul ol table section article main form dl dt dd h1 h2 h3 h4 h5 h6 "
    "blockquote pre center header address figure figcaption body".split()
)
# Containers that may be a single paragraph in disguise.
_PARAGRAPH_BOXES = frozenset("div section".split())
# How many top-credited blocks are weighed by their link density.
_FINALISTS = 6
# A child of the article block with more link text than this is a link list.
_MAX_LINK_SHARE = 0.5
# Blocks that are dropped whole from a rendering when they are link lists.
_LIST_BLOCKS = frozenset("div td tr table ul ol dl li tbody section center form".split())
_PUNCTUATION = re.compile(r"[，。；：！？、,.;!?]")
# A teaser: a run cut short to lure a click ("…进一步..." / "…[详细]"). Lists of
# them (猜你喜欢, 推荐阅读) are punctuated like prose, so they earn no credit.
TEASER_END = re.compile(r"(?:\.{2,}|…+|[【\[](?:详细|详情|全文|更多)[】\]]|(?:阅读|查看)(?:全文|更多|详情)|>>)\s*$")
# A run shorter than this (visible characters) is a label, not prose.
_MIN_RUN_CHARS = 10
# Footer lines are short; a longer run that names 版权所有 is prose.
_MAX_FOOTER_RUN = 160
_LAST_TEXT = etree.XPath("(.//text()[normalize-space()])[last()]", smart_strings=False)
# Several boxes alike, each with this much credit, are a list of posts.
_MIN_POSTS = 3
_MIN_POST_CHARS = 100
# A last line that announces a table after it: 附：…, 附表, 名单如下：, a closing colon.
_ANNOUNCES = re.compile(r"^附\s*(?:件|表)?\s*\d*\s*[:：]|如下\s*[:：]?$|[:：]$")
# The longest teaser mark ("【详细】", "阅读全文") fits in this many characters.
_TEASER_TAIL = 8
_BARE_URL = re.compile(r"^\s*(?:https?://|www\.)\S*\s*$", re.I)
# Less credit than one short sentence is no article: a toolbar, a copyright line.
_MIN_CREDIT = 15
# Prose before the headline (a site intro, a sidebar laid out first) counts this much.
_BEFORE_HEADLINE = 0.3


def _visible_len(text: str) -> int:
    return len("".join(text.split()))


class TextLengths:
    """Visible characters and link characters of every element under a root.

    Measured in one bottom-up pass, so that asking about many candidates
    costs a dict look-up each instead of a walk of each one's subtree, and
    kept current as elements are dropped (`forget`). Holding every element
    also keeps lxml's Python proxies alive: later walks of the same tree
    reuse them instead of building new ones.

    A length is what ``len("".join(el.text_content().split()))`` gives, and a
    link length what summing that over ``el.iter("a")`` gives.
    """

    def __init__(self, root: HtmlElement) -> None:
        text: dict[HtmlElement, int] = {}
        links: dict[HtmlElement, int] = {}
        # Elements that are not blocks but hold one, for `_own_text_runs`.
        self.wraps_block: set[HtmlElement] = set()
        wraps_block = self.wraps_block
        # In reverse document order every element comes after all of its
        # descendants, so each one's sums are complete when it is reached;
        # the partial sums ride in the same dicts until then. The length
        # arithmetic is written out inline: this loop visits every element
        # of the page, and a function call per text and tail doubled its cost.
        for el in reversed(list(root.iter())):
            tag = el.tag
            if isinstance(tag, str):
                own = el.text
                total = text.get(el, 0) + (len("".join(own.split())) if own else 0)
                linked = links.get(el, 0) + (total if tag == "a" else 0)
            else:
                # A comment's or processing instruction's own text is not
                # page text; only its tail is.
                total = linked = 0
            text[el] = total
            links[el] = linked
            if el is root:
                continue
            parent = el.getparent()
            if parent is None:
                continue
            tail = el.tail
            text[parent] = text.get(parent, 0) + total + (len("".join(tail.split())) if tail else 0)
            if linked:
                links[parent] = links.get(parent, 0) + linked
            if tag in _BLOCKS or el in wraps_block:
                wraps_block.add(parent)
        self._text = text
        self._links = links

    def text(self, el: HtmlElement) -> int:
        """Visible characters under `el`, whitespace not counted."""
        length = self._text.get(el)
        return _visible_len(el.text_content()) if length is None else length

    def links(self, el: HtmlElement) -> int:
        """Visible characters of the links under `el` (and of `el`, if a link)."""
        length = self._links.get(el)
        return _link_chars(el) if length is None else length

    def forget(self, el: HtmlElement) -> None:
        """Take `el`'s subtree out of its ancestors' sums; call it just before dropping `el`.

        Its tail stays in the page (``drop_tree`` hands it to the previous
        node), so only the subtree's own characters go.
        """
        if el not in self._text:
            return
        gone, gone_links = self._text[el], self._links[el]
        # Every link above `el` loses the dropped characters from its own
        # length, and so from the link sum of each element above that link.
        anchors = 0
        for ancestor in el.iterancestors():
            if ancestor not in self._text:
                break
            if ancestor.tag == "a":
                anchors += 1
            self._text[ancestor] -= gone
            self._links[ancestor] -= gone_links + anchors * gone


def _own_text_runs(el: HtmlElement, wraps_block: set[HtmlElement]) -> list[str]:
    """Text directly inside `el` (its text and its inline children's), split at <br>.

    `wraps_block` holds the inline elements that hold a block somewhere below.
    """
    runs, current = [], [el.text or ""]
    for child in el:
        if not isinstance(child.tag, str):
            current.append(child.tail or "")
            continue
        if child.tag == "br":
            runs.append("".join(current))
            current = [child.tail or ""]
        elif child.tag in _BLOCKS or child in wraps_block:
            # An inline or unknown element wrapping blocks (<font> around a
            # table on old portals, a custom <text> or app-root element) is
            # a block too: its text is credited where its blocks are.
            runs.append("".join(current))
            current = [child.tail or ""]
        else:
            current.append(child.text_content() if len(child) else child.text or "")
            current.append(child.tail or "")
    runs.append("".join(current))
    return runs


def _link_chars(el: HtmlElement) -> int:
    return sum(_visible_len(a.text_content()) for a in el.iter("a"))


def densest_block(
    body: HtmlElement,
    headline: HtmlElement | None = None,
    lengths: TextLengths | None = None,
    uncredited: set[HtmlElement] | frozenset = frozenset(),
) -> HtmlElement | None:
    """The container whose prose (not links) adds up to the most credit.

    `headline`, the element holding the article's title, if known: the
    article follows it, so prose met before it earns less, and its own text
    earns nothing. `lengths`, the body's text measured already, if the
    caller has it. `uncredited`, elements whose own text earns nothing (the
    items of feeds and hot lists); if nothing else earns credit, they do.
    """
    if lengths is None:
        lengths = TextLengths(body)
    best, score = _most_credited(body, headline, lengths, uncredited)
    if uncredited and score < _MIN_CREDIT:
        # Nothing but the lists holds prose (a listing page): weigh them as before.
        best, _ = _most_credited(body, headline, lengths, frozenset())
    if best is None:
        return None
    posts = posts_alike(best)
    return _with_announced_table(posts[0] if posts else best)


def _most_credited(
    body: HtmlElement, headline: HtmlElement | None, lengths: TextLengths, uncredited: set | frozenset
) -> tuple[HtmlElement | None, float]:
    credit: dict[HtmlElement, float] = {}
    inside_headline = set(headline.iter()) if headline is not None else set()
    position = 1.0 if headline is None else _BEFORE_HEADLINE
    # Walking only the block tags (and the headline's) spares building a
    # Python object for every inline element; their text is read as runs.
    tags = _BLOCKS if headline is None else _BLOCKS | {headline.tag}
    for el in body.iter(*tags):
        if el is headline:
            position = 1.0
        if el in inside_headline or el.tag not in _BLOCKS or el in uncredited:
            continue
        # Every run lies inside the element, so an element with fewer than
        # _MIN_RUN_CHARS visible characters has no run that earns credit:
        # most list items, cells and empty boxes are passed over unread.
        length = lengths.text(el)
        if length < _MIN_RUN_CHARS:
            continue
        # Nor has one whose own text (what its block children do not hold)
        # is that short: the wrappers around the paragraphs, mostly.
        wraps_block = lengths.wraps_block
        for child in el:
            tag = child.tag
            if isinstance(tag, str) and (tag in _BLOCKS or child in wraps_block):
                length -= lengths.text(child)
        if length < _MIN_RUN_CHARS:
            continue
        runs = [run for run in _own_text_runs(el, wraps_block) if run.strip()]
        # A container holding a single paragraph and nothing else (WeChat's
        # <section><span>…</span></section>, a div used as a <p>) is a
        # paragraph: its credit starts at the block around it, so that the
        # article's many small boxes add up there.
        start = el
        if el.tag in _PARAGRAPH_BOXES and len(runs) == 1 and not any(
            isinstance(child.tag, str) and child.tag in _BLOCKS for child in el
        ):
            start = el.getparent()
        for run in runs:
            length = _visible_len(run)
            # The teaser mark closes the run: searching its last characters
            # gives the same answer as searching all of a long paragraph.
            if length < _MIN_RUN_CHARS or TEASER_END.search(run.rstrip()[-_TEASER_TAIL:]):
                continue
            # A bare address (a logo link's URL printed as text) is no prose.
            if _BARE_URL.match(run):
                continue
            # A footer line (主办单位, ICP备, 版权所有) is punctuated like prose
            # and can outweigh a notice of one sentence.
            if length <= _MAX_FOOTER_RUN and FOOTER_LINE.search(run):
                continue
            # Nor is a site's disclaimer, however long and well punctuated.
            if length <= MAX_NOTICE_CHARS and NOTICE_LEAD.match(run):
                continue
            # Prose has punctuation; lists of titles and menus mostly do not.
            score = length * position * (1.0 if _PUNCTUATION.search(run) else 0.3)
            node, share = start, 1.0
            for _ in range(3):
                while node is not None and node.tag not in _CONTAINERS:
                    node = node.getparent()
                if node is None:
                    break
                credit[node] = credit.get(node, 0.0) + score * share
                share /= 2
                node = node.getparent()
    if not credit:
        return None, 0.0
    # Only the few best-credited candidates are weighed by link density.
    best, best_score = None, 0.0
    for node, score in sorted(credit.items(), key=lambda item: item[1], reverse=True)[:_FINALISTS]:
        total = lengths.text(node) or 1
        adjusted = score * (1 - min(lengths.links(node) / total, 1.0))
        if adjusted > best_score:
            best, best_score = node, adjusted
    return best, best_score


def posts_alike(block: HtmlElement) -> list[HtmlElement]:
    """The posts of a thread or blog page when `block` is one of them, in page order; else [].

    A forum thread or a blog's front page prints each post in a box of the
    same tag and class, each in a frame of its own. The article is the first
    post (the thread's opening post, the blog's newest entry), not whichever
    happens to be longest. Boxes that share a parent are not posts but the
    paragraphs of one article, and nested boxes are a layout's frames.
    """
    name = block.get("class")
    if not name:
        return []
    root = block.getroottree().getroot()
    posts = [
        el for el in root.iter(block.tag)
        if el.get("class") == name and _visible_len(el.text_content()) >= _MIN_POST_CHARS
    ]
    if len(posts) < _MIN_POSTS or block not in posts:
        return []
    if len({post.getparent() for post in posts}) < len(posts):
        return []
    members = set(posts)
    if any(a in members for post in posts for a in post.iterancestors()):
        return []
    return posts


def _with_announced_table(block: HtmlElement) -> HtmlElement:
    """`block` widened to take in the table its last line announces, if one follows.

    Notices end their prose with "附：招生专业及考试科目" or "名单如下：" and
    print the table in a layout cell of its own. The table's short cells earn
    no credit, so the block stops short of it; the block and the table
    together are the article.
    """
    last = _LAST_TEXT(block)
    if not last or not _ANNOUNCES.search(last[0].strip()):
        return block
    # The next element in page order that is not inside the block.
    node = block
    while node.getnext() is None:
        node = node.getparent()
        if node is None or node.tag in ("body", "html"):
            return block
    following = node.getnext()
    while following is not None and (not isinstance(following.tag, str) or not following.text_content().strip()):
        following = following.getnext()
    if following is None:
        return block
    table = following if following.tag == "table" else following.find(".//table")
    if table is None:
        return block
    table_len = _visible_len(table.text_content())
    if table_len < 0.8 * _visible_len(following.text_content()) or _link_chars(table) > 0.3 * table_len:
        return block
    joint = node.getparent()
    if joint is None:
        return block
    # The common ancestor may hold little else: a sidebar beside them means
    # the two are not one article.
    own = _visible_len(block.text_content())
    if _visible_len(joint.text_content()) > 1.2 * (own + table_len) + 100:
        return block
    return joint


def _text_and_link_chars(el: HtmlElement) -> dict[HtmlElement, tuple[int, int]]:
    """Visible characters and link characters of every element under `el`, in one pass."""
    counts: dict[HtmlElement, tuple[int, int]] = {}

    def count(node: HtmlElement, in_link: bool) -> tuple[int, int]:
        is_link = in_link or node.tag == "a"
        total = _visible_len(node.text or "") if isinstance(node.tag, str) else 0
        for child in node:
            child_total, _ = count(child, is_link)
            total += child_total + _visible_len(child.tail or "")
        linked = total if is_link else sum(counts[c][1] + (_visible_len(c.tail or "") if in_link else 0) for c in node)
        counts[node] = (total, linked)
        return total, linked

    count(el, False)
    return counts


def block_text(el: HtmlElement, lengths: TextLengths | None = None) -> str:
    """Render `el` as lines: one per paragraph, block element or <br>-separated run.

    Blocks inside `el` that are mostly link text (a channel bar above the
    article, a related list below it) are left out. `lengths`, the text of
    the tree around `el` measured already (and kept current), if the caller
    has it: the pruning has measured every element, and measuring the
    block's again cost as much as rendering it.
    """
    parts: list[str] = []
    if lengths is None:
        counts = _text_and_link_chars(el)

        def measure(node: HtmlElement, in_link: bool) -> tuple[int, int]:
            return counts[node]
    else:

        def measure(node: HtmlElement, in_link: bool) -> tuple[int, int]:
            # Everything inside a link is link text, as _text_and_link_chars counts it.
            total = lengths.text(node)
            return total, total if in_link or node.tag == "a" else lengths.links(node)

    def walk(node: HtmlElement, in_link: bool = False) -> None:
        total, linked = measure(node, in_link)
        if node is not el and node.tag in _LIST_BLOCKS and total > 0 and linked > _MAX_LINK_SHARE * total:
            if node.tail:
                parts.append(node.tail)
            return
        tag = node.tag if isinstance(node.tag, str) else ""
        is_block = tag in _BLOCKS or tag == "br"
        if is_block:
            parts.append("\n")
        if tag != "br" and node.text:
            parts.append(node.text)
        child_in_link = in_link or tag == "a"
        for child in node:
            walk(child, child_in_link)
        if is_block and tag != "br":
            parts.append("\n")
        if node.tail and node is not el:
            parts.append(node.tail)

    walk(el)
    lines = (" ".join(line.split()) for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)
