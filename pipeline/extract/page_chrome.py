"""Prune the chrome of Chinese web pages from a parsed tree before extraction.

"Chrome" is everything a site wraps around an article: channel bars,
breadcrumbs (当前位置), font-size and print bars (【字体：大 中 小】【打印本页】),
previous/next links (上一篇/下一篇), related and recommended lists (相关阅读,
猜你喜欢, 热点推荐), share bars and QR prompts (扫一扫), comment boxes, footers
with ICP numbers, and text hidden with display:none.

`prune_chrome(tree)` removes it in place. It also rewrites a few structures the
generic extractor handles badly on Chinese sites: layout tables become divs,
`<form>` wrappers (university CMS pages) and WeChat `<section>` runs become
divs, and ruby reading aids (`<rt>`, `<rp>`) are dropped so 務(wù) reads 務.

Every removal is guarded by the densest block of prose, found before any
chrome goes: that block and its ancestors are never dropped, however
chrome-like their class names (a CMS may wrap the article in
`<div class="qgl_fontsize_box">`), and inside it only small pieces go.
"""

from __future__ import annotations

import functools
import logging
import re
from typing import NamedTuple

from pipeline.extract.boilerplate_lines import MAX_NOTICE_CHARS, NOTICE_LEAD
from pipeline.extract.first_chars import compile_scanning
from pipeline.extract.script_variants import both_scripts

from lxml import etree
from lxml.html import HtmlElement

from pipeline.extract.main_block import TextLengths, densest_block, posts_alike
from pipeline.extract.item_lists import item_lists
from pipeline.extract.teaser_lists import teaser_lists

log = logging.getLogger(__name__)

# Tags that never carry article text. `head` is kept: metadata is read first
# from the unpruned tree, but trafilatura looks at <title> for nothing we need.
_NON_TEXT_TAGS = (
    "script", "style", "noscript", "template", "iframe", "object", "embed",
    "svg", "canvas", "select", "option", "textarea", "button", "input",
    "nav", "aside", "footer", "menu", "map", "link", "meta",
)

# Class/id tokens that mark chrome. Matched as whole tokens of the attribute
# split on spaces, dashes, underscores and digits, so "side" matches
# "right-side" but not "inside", and "nav" matches "nav_bar" but not "canvas".
_CHROME_TOKENS = frozenset(
    """
    nav navbar navigation menu menubar topbar breadcrumb breadcrumbs crumb crumbs
    position location dqwz weizhi mianbaoxie
    share sharebar bdshare jiathis social fenxiang
    footer foot bottom copyright banquan
    related relate xgyd xgxw xgwz recommend recommends tuijian hot hots rank ranking
    sidebar side aside
    comment comments pinglun reply
    qrcode ewm erweima wxcode
    fontsize zihao
    pager pagination prev next prevnext sxp shangxia
    advert adv ads ad banner appdownload
    login toolbar tools
    """.split()
)
_TOKEN_SPLIT = re.compile(r"[\s_\-\d]+")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")

# Short text that betrays a chrome block, wherever it sits in the markup.
# Searched in every short text node of the page: compiled to skip, in C, the
# positions where none of its phrases can start.
_CHROME_TEXT = compile_scanning(
    both_scripts(
    r"当前位置|您现在的位置|你现在的位置|您的位置|所在位置|现在位置"
    r"|字体[:：]?\s*[【\[]?\s*大\s*[】\]]?\s*[【\[]?\s*中\s*[】\]]?\s*[【\[]?\s*小"
    r"|字号[:：]?\s*[【\[]?\s*大|打印本页|打印此页|关闭窗口|关闭本页"
    r"|上一篇|下一篇|上一条|下一条|上一页|下一页"
    r"|扫一扫|扫描二维码|分享到|分享至|微信扫码"
    r"|猜你喜欢|相关阅读|相关新闻|相关文章|相关链接|热点推荐|推荐阅读|热门文章|热门推荐|热点新闻|精彩推荐|排行榜"
    r"|网友评论|发表评论|我要评论|评论区"
    r"|ICP备|ICP证|公网安备|网站标识码|版权所有|免责声明"
    )
)
# A heading that closes the article: what follows it is the site's notice.
_CLOSING_HEADING = re.compile(
    both_scripts(r"^\s*[【\[]?\s*(?:版权与免责声明|版权声明|免责声明|反侵权公告|侵权声明)\s*[:：]?\s*[】\]]?\s*$")
)
# Headings of a list that follows: the whole container of heading plus list goes.
_LIST_HEADING = re.compile(
    both_scripts(
    r"^\s*[【\[]?\s*(猜你喜欢|相关阅读|相关新闻|相关文章|相关链接|相关报道|热点推荐|推荐阅读|热门文章|热门推荐|热点新闻|精彩推荐|最新文章|最新新闻|排行榜|点击排行|热点|推荐)\s*[】\]]?\s*$"
    )
)
# Labels of an information-disclosure table; the table is metadata, not text.
_DISCLOSURE_LABELS = ("索引号", "发布机构", "发文机关", "发文字号", "成文日期", "发布日期", "主题分类", "公文种类", "主题词", "信息分类", "有效性")

# The text nodes the text rules look at, and the elements a name rule can match.
_TEXT_NODES = etree.XPath(".//text()[string-length(normalize-space(.)) > 1]")
_NAMED = etree.XPath(".//*[@class or @id]")

_HIDDEN_STYLE = compile_scanning(r"display\s*:\s*none", re.I)

# A link bar: at least this many links, this short on average, and nothing
# between them but separators.
_MIN_BAR_LINKS = 3
_MAX_BAR_LINK_CHARS = 8
_BAR_SEPARATORS = re.compile(r"[|｜/\\>＞»›·•・\-－—_、,，;；:：\[\]【】()（）\s\u00a0]*")

# Where a page's own headline sits: heading tags, or a title-named box
# (`<td class="title">`, WeChat's `rich_media_title`, and the pinyin and
# abbreviated names Chinese CMSs use: `tit`, `bt` for 标题).
_HEADLINE_TAGS = frozenset(("h1", "h2", "h3"))
_HEADLINE_TOKENS = frozenset(("title", "biaoti", "headline", "tit", "bt"))
_MIN_HEADLINE_CHARS = 4
_MAX_HEADLINE_LABEL = 4
# Reaching the named ones through their attributes gives the same elements,
# in page order, at about two thirds of the cost of testing each element's
# class and id (each contains() copies the attribute in libxml2).
_HEADLINE_CANDIDATES = etree.XPath(
    "//h1|//h2|//h3"
    "|//@class[contains(.,'it') or contains(.,'bt') or contains(.,'biaoti') or contains(.,'headline')]/.."
    "|//@id[contains(.,'it') or contains(.,'bt')]/.."
)

# A chrome candidate is spared if it holds more than this share of the page's
# text: the guard against CMSs that wrap the article in a "nav"-named div.
_MAX_SHARE = 0.4
# Inside the article block, a chrome candidate must be smaller than this share.
_MAX_SHARE_OF_MAIN = 0.25
# Text-pattern matches climb to an ancestor only while it stays this short.
_MAX_CHROME_CHARS = 300

_BLOCK_TAGS = frozenset("div p td th tr li ul ol table section article dl dd dt h1 h2 h3 h4 h5 h6 span center font".split())


class _Guard:
    """Decides whether a chrome candidate may go without taking the article along.

    It also drops what may go (`drop`), so that `lengths`, the body's text
    measured once, stays true of the pruned tree.
    """

    def __init__(self, body: HtmlElement, main: HtmlElement | None, lengths: TextLengths) -> None:
        self.lengths = lengths
        self.total = lengths.text(body) or 1
        self.main = main
        self.protected = set(main.iterancestors()) | {main} if main is not None else set()
        self.main_len = lengths.text(main) if main is not None else 0

    def drop(self, el: HtmlElement) -> None:
        """Remove `el` (keeping its tail) and take its text out of the measured lengths."""
        if el.getparent() is not None:
            self.lengths.forget(el)
            el.drop_tree()

    def allows(self, el: HtmlElement, length: int | None = None) -> bool:
        if el in self.protected or el.getparent() is None:
            return False
        if el.get("id") == "js_content":
            return False
        length = self.lengths.text(el) if length is None else length
        if self.main is None:
            return length <= _MAX_SHARE * self.total
        if any(a is self.main for a in el.iterancestors()):
            # Inside the article only small pieces go: a share bar, a 【打印】 line.
            return length <= _MAX_SHARE_OF_MAIN * self.main_len
        return True


@functools.lru_cache(maxsize=4096)
def _tokens(value: str) -> frozenset[str]:
    # Pages repeat a few class names on hundreds of elements (item, list,
    # clearfix), and sites repeat them from page to page: split each once.
    return frozenset(_TOKEN_SPLIT.split(_CAMEL.sub(" ", value).lower())) - {""}


def _is_chrome_name(el: HtmlElement) -> bool:
    names = (el.get("class") or "") + " " + (el.get("id") or "")
    if not names.strip():
        return False
    return not _tokens(names).isdisjoint(_CHROME_TOKENS)


def _drop(el: HtmlElement) -> None:
    """Remove `el` but keep its tail text, which belongs to the parent."""
    if el.getparent() is not None:
        el.drop_tree()


def drop_reading_aids(tree: HtmlElement) -> None:
    """Drop ruby annotations (<rt>, <rp>): 務<rp>(</rp><rt>wù</rt><rp>)</rp> reads 務."""
    for el in tree.xpath("//rt|//rp"):
        _drop(el)


def drop_hidden(tree: HtmlElement) -> None:
    """Drop elements hidden with display:none or the `hidden` attribute.

    visibility:hidden is left alone on purpose: WeChat ships its whole article
    as `<div id="js_content" style="visibility: hidden">` and reveals it by script.
    """
    for el in tree.xpath("//*[@style or @hidden]"):
        if el.get("id") == "js_content":
            continue
        if el.get("hidden") is not None or _HIDDEN_STYLE.search(el.get("style") or ""):
            _drop(el)


def _squash(text: str) -> str:
    return "".join(text.split())


def find_headline(body: HtmlElement, title: str | None, page_title: str | None) -> HtmlElement | None:
    """The element that shows the article's headline above the text, if any.

    The headline belongs in the Article's title, not in its text. It is the
    first heading (or title-named box) whose whole text is `title`, or is the
    part of the <title> `page_title` before the site's name. A notice that
    repeats its heading inside the body, in centred <p> lines, keeps them.
    """
    wanted = _squash(title or "")
    page = _squash(page_title or "")
    # One XPath pass picks the few candidates; walking every element in
    # Python would cost more than the rest of the pruning.
    for el in _HEADLINE_CANDIDATES(body):
        if el.tag not in _HEADLINE_TAGS:
            names = (el.get("class") or "") + " " + (el.get("id") or "")
            if not names.strip() or _tokens(names).isdisjoint(_HEADLINE_TOKENS):
                continue
        text = _squash(el.text_content())
        if len(text) < _MIN_HEADLINE_CHARS:
            continue
        if text == wanted or (page.startswith(text) and len(text) >= 0.5 * len(wanted)):
            return el
        # A label printed before the headline in the same box: 原创, 置顶, 独家.
        if wanted and text.endswith(wanted) and len(text) - len(wanted) <= _MAX_HEADLINE_LABEL:
            return el
    return None


# A link whose text names a file (附件：实施细则.pdf) is the notice's content:
# a notice may be nothing but its attachment.
_ATTACHMENT_TEXT = re.compile(
    both_scripts(r"^\s*附\s*件|\.(?:pdf|docx?|xlsx?|wps|et|ofd|zip|rar|7z|pptx?|txt)\s*$"), re.I
)


# The links that could name a file, picked in libxml2: reading the text of
# every link on a portal page in Python cost more than all the rest of this.
_MAYBE_ATTACHMENT = etree.XPath(".//a[.//text()[contains(., '附') or contains(., '.')]]")


def unlink_attachments(body: HtmlElement) -> None:
    """Make attachment links plain text, so that link-density rules do not count them as navigation."""
    for a in _MAYBE_ATTACHMENT(body):
        text = a.text_content()
        if len(text) <= 120 and _ATTACHMENT_TEXT.search(text):
            a.tag = "span"


def _drop_non_text(tree: HtmlElement) -> None:
    etree.strip_elements(tree, etree.Comment, etree.ProcessingInstruction, with_tail=False)
    # Collect first: removing while iterating would skip siblings.
    for el in list(tree.iter(*_NON_TEXT_TAGS)):
        _drop(el)


def _drop_named_chrome(body: HtmlElement, guard: _Guard) -> None:
    # Only named elements can match; XPath finds them without a Python walk.
    for el in _NAMED(body):
        if el.getparent() is None or not _is_chrome_name(el):
            continue
        if guard.allows(el):
            guard.drop(el)


def _attached(el: HtmlElement, body: HtmlElement) -> bool:
    """Whether `el` is still in the page: text nodes are listed before pruning starts."""
    return any(a is body for a in el.iterancestors())


def _drop_by_text(body: HtmlElement, guard: _Guard, texts: list) -> None:
    """Drop the block around short chrome phrases (当前位置, 上一篇, ICP备…).

    `texts` are the page's text nodes as listed before pruning.
    """
    for node in texts:
        # Chrome phrases sit in short text nodes; prose that merely mentions
        # 分享到 or 上一页 is longer.
        if len(node.strip()) > 80 or not _CHROME_TEXT.search(node):
            # A notice paragraph is longer, but says what it is up front.
            if len(node) > MAX_NOTICE_CHARS or not NOTICE_LEAD.match(node):
                continue
        el = node.getparent()
        if el is None or el.getparent() is None or not _attached(el, body):
            continue
        if node.is_tail:
            el = el.getparent()
            if el is None:
                continue
        # Climb to the largest ancestor that is still short, so the whole bar
        # (字体 大 中 小 打印 关闭) goes, not only the one word.
        best = None
        cur = el
        while cur is not None and cur.tag not in ("body", "html"):
            length = guard.lengths.text(cur)
            if length > _MAX_CHROME_CHARS or not guard.allows(cur, length):
                break
            best = cur
            cur = cur.getparent()
        if best is not None and best.getparent() is not None:
            if _CLOSING_HEADING.match(node):
                _drop_closing_notice(best, guard)
            guard.drop(best)


def _drop_closing_notice(heading: HtmlElement, guard: _Guard) -> None:
    """Drop what follows a 版权与免责声明 heading, when the article lies before it."""
    following = list(heading.itersiblings())
    lengths = guard.lengths
    before = sum(lengths.text(s) for s in heading.itersiblings(preceding=True))
    if before <= sum(lengths.text(s) for s in following):
        return
    for sib in following:
        if isinstance(sib.tag, str) and guard.allows(sib):
            guard.drop(sib)


def _drop_listing_blocks(body: HtmlElement, guard: _Guard, texts: list) -> None:
    """Drop 相关阅读/猜你喜欢 headings together with the list that follows them."""
    for node in texts:
        if len(node) >= 40 or not _LIST_HEADING.match(node):
            continue
        el = node.getparent()
        if el is None or el.getparent() is None or not _attached(el, body) or not guard.allows(el):
            continue
        container = el
        # Climb while the container is mostly this heading plus a list of links.
        while container.getparent() is not None and container.getparent().tag not in ("body", "html"):
            parent = container.getparent()
            length = guard.lengths.text(parent)
            if length > 1500 or not guard.allows(parent, length):
                break
            container = parent
        siblings = [s for s in container.itersiblings()] if container is el else []
        guard.drop(container)
        for sib in siblings:
            if (
                isinstance(sib.tag, str)
                and sib.tag in ("ul", "ol", "dl", "div", "table")
                and _link_density(sib, guard.lengths) > 0.5
                and guard.allows(sib)
            ):
                guard.drop(sib)
            else:
                break


# A market-data box: figures without a sentence (prices, changes, turnover).
_SENTENCE = re.compile(r"[，。；！？]")
_DIGIT = re.compile(r"[\d.+\-%]")
_MIN_DATA_BOX_CHARS = 20
_MIN_DIGIT_SHARE = 0.3
_MAX_DATA_BOX_CHARS = 600


def _drop_data_boxes(guard: _Guard) -> None:
    """Drop quote widgets inside the article: a named box around a table of figures and no sentence.

    Finance pages embed a live quote table in the story; its figures are
    the page's, refreshed by script, not the article's words. A notice's own
    table of fees or results is told apart by its sentences or its words.
    """
    main = guard.main
    if main is None:
        return
    for box in list(main.iter("div", "section", "aside")):
        if box is main or box.getparent() is None or not box.get("class"):
            continue
        # A widget is small; measuring is a look-up, reading the text is not.
        if not _MIN_DATA_BOX_CHARS <= guard.lengths.text(box) <= _MAX_DATA_BOX_CHARS or box.find(".//table") is None:
            continue
        text = _squash(box.text_content())
        if len(text) < _MIN_DATA_BOX_CHARS or _SENTENCE.search(text):
            continue
        if len(_DIGIT.findall(text)) >= _MIN_DIGIT_SHARE * len(text) and box not in guard.protected:
            guard.drop(box)


def _drop_link_bars(body: HtmlElement, guard: _Guard) -> None:
    """Drop bars of short links with only separators between them.

    首页 | 政务公开 | 办事服务 | 公众互动, or 首页 > 新闻中心 > 正文: a channel bar
    or breadcrumb whatever its class name, and however the page lays it out.
    """
    parents = {a.getparent() for a in body.iter("a")}
    for el in parents:
        if el is None or el.getparent() is None or not isinstance(el.tag, str):
            continue
        links = [_squash(a.text_content()) for a in el.iter("a")]
        links = [link for link in links if link]
        if len(links) < _MIN_BAR_LINKS or sum(map(len, links)) > _MAX_BAR_LINK_CHARS * len(links):
            continue
        rest = _squash(el.text_content())
        for link in links:
            rest = rest.replace(link, "", 1)
        if _BAR_SEPARATORS.fullmatch(rest) and guard.allows(el):
            guard.drop(el)


def _link_density(el: HtmlElement, lengths: TextLengths) -> float:
    total = lengths.text(el)
    if not total:
        return 0.0
    return lengths.links(el) / total


def drop_disclosure_table(body: HtmlElement, texts: list | None = None) -> None:
    """Drop the 索引号/发布机构/发文字号 table; its values are read as metadata.

    `texts`, the page's text nodes, if already listed.
    """
    for node in _TEXT_NODES(body) if texts is None else texts:
        if "索引号" not in node and "发文字号" not in node and "成文日期" not in node:
            continue
        el = node.getparent()
        if el is None or not _attached(el, body):
            continue
        cur = el
        while cur is not None and cur.tag not in ("body", "html"):
            text = cur.text_content()
            if sum(label in text for label in _DISCLOSURE_LABELS) >= 3:
                if len(text) < 800:
                    _drop(cur)
                break
            cur = cur.getparent()


def _unwrap_layout(body: HtmlElement, lengths: TextLengths) -> None:
    """Turn layout tables, forms and WeChat sections into divs.

    Trafilatura renders a table as "| cell |" rows and skips <form> outright,
    but old portals lay out the article in table cells separated by <br>, and
    university CMSs wrap the article in a <form>. A table counts as layout when
    a cell holds block content, <br> breaks or a long run of text.
    """
    for form in body.iter("form"):
        form.tag = "div"
    for section in body.iter("section"):
        section.tag = "div"
    for table in list(body.iter("table")):
        is_layout = False
        for cell in table.iter("td", "th"):
            if cell.find(".//table") is not None or cell.find(".//p") is not None or cell.find(".//div") is not None:
                is_layout = True
                break
            if cell.find("br") is not None or lengths.text(cell) > 150:
                is_layout = True
                break
        if is_layout:
            for el in table.iter("table", "tbody", "thead", "tfoot", "tr", "td", "th"):
                el.tag = "div"


class PrunedPage(NamedTuple):
    """What pruning leaves to the extractor besides the pruned tree."""

    #: The densest prose block left, None if the page has none.
    main: HtmlElement | None
    #: The body's text lengths, kept current through every drop.
    lengths: TextLengths


def prune_chrome(tree: HtmlElement, title: str | None = None) -> PrunedPage:
    """Remove chrome from `tree` in place; return the densest prose block left, and the text lengths.

    `title` is the article's title as read from the page's metadata: the
    headline element showing it is removed, and the densest block is sought
    after it.
    """
    page_title = tree.findtext(".//title")
    drop_reading_aids(tree)
    drop_hidden(tree)
    _drop_non_text(tree)
    body = tree.find(".//body")
    if body is None:
        body = tree
    # One XPath lists the text nodes the text rules read, instead of one
    # XPath per rule (each contains() copies every text node in libxml2).
    texts = _TEXT_NODES(body)
    drop_disclosure_table(body, texts)
    unlink_attachments(body)
    headline = find_headline(body, title, page_title)
    # Text lengths are measured once here and kept current through every
    # drop below, instead of each rule re-reading text_content() of subtrees.
    lengths = TextLengths(body)
    # Feeds, hot lists and comment threads earn no credit: on a short brief
    # they would outweigh the article.
    runs = item_lists(body, lengths, spare=headline)
    in_runs = {el for run in runs for el in run.iter()}
    guard = _Guard(body, densest_block(body, headline, lengths, in_runs), lengths)
    if headline is not None and headline is not guard.main:
        guard.drop(headline)
    if guard.main is not None:
        # On a thread or blog page the article is the first post: the replies go.
        for post in posts_alike(guard.main)[1:]:
            if guard.allows(post):
                guard.drop(post)
    _drop_listing_blocks(body, guard, texts)
    for cards in teaser_lists(body, lengths):
        if guard.allows(cards):
            guard.drop(cards)
    # A run of items earned no credit, so it is not the article even inside
    # the article's block (a comment thread under a brief outweighs the brief).
    for run in runs:
        if run.getparent() is not None and run not in guard.protected and guard.allows(run, 0):
            guard.drop(run)
    _drop_named_chrome(body, guard)
    _drop_data_boxes(guard)
    _drop_link_bars(body, guard)
    _drop_by_text(body, guard, texts)
    _unwrap_layout(body, lengths)
    return PrunedPage(guard.main, lengths)
