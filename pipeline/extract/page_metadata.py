"""Read an article's metadata from the unpruned page tree.

Chinese government, party and media pages state their metadata in a few
recurring ways: <meta> tags (ArticleTitle, PubDate, ContentSource,
article:published_time), an information-disclosure table (索引号 / 发布机构 /
发文字号 / 成文日期 / 发布日期), a byline under the title
("来源：人民日报 作者：张三 发布时间：2022-03-25 09:12"), an unlabelled source
link beside the date, reporter credits, and WeChat's meta slots (the account
in #js_name, the author in the first meta text). `read_metadata(tree)`
collects all of these; `pipeline.extract.bylines` reads the labelled values and
names, `pipeline.extract.dates` the dates.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from functools import cached_property
from itertools import chain

from lxml.html import HtmlElement

from core.article import ArticleFields
from pipeline.extract.bylines import (
    LabelNodes,
    Prose,
    closing_credit,
    element_of_text,
    first_labelled,
    label_finder,
    labelled_values,
    line_text,
    named_person,
    person_name,
    poster_name,
    reporters,
    slash_writer,
)
from pipeline.extract.dates import has_date, parse_date, pick_published
from pipeline.extract.origin_slots import LINK_PROMPT, byline_name, dateline_outlet, share_data_origin

__all__ = ["parse_date", "read_metadata", "strip_site_suffix"]

# Meta names that carry the publication time, most trusted first.
_DATE_METAS = (
    "article:published_time", "pubdate", "publishdate", "publish_date", "publishtime",
    "og:release_date", "firstpublishedtime", "datepublished", "article:create_at",
    "dc.date.issued", "dc.date", "date", "weibo:article:create_at",
)
_MODIFIED_METAS = ("article:modified_time", "datemodified", "dateupdate", "og:updated_time", "lastmodified")
_TITLE_METAS = ("articletitle", "og:title", "twitter:title")
_ORIGIN_METAS = ("contentsource",)

_TITLE_SPLIT = re.compile(r"\s*(?:[_|｜]|\s-\s|\s—\s|--|—{1,2}(?=[^—]{0,20}$)|-(?=[^-]{0,20}$))\s*")

_ORIGIN_LABELS = ("信息来源", "文章来源", "稿件来源", "来源", "发布机构", "发文机关")
_AUTHOR_LABELS = ("作者",)
_EDITOR_LABELS = ("责任编辑", "责编", "编辑")
_DOC_NUMBER_LABELS = ("发文字号", "文号")
# On disclosure pages the 发布日期 is when the public saw the document; the
# 成文日期 (when it was signed) only stands in when nothing else is shown.
_PUBLISH_LABELS = ("发布日期", "发布时间", "发表时间", "发稿时间", "发文日期")
_DOCUMENT_DATE_LABELS = ("成文日期", "日期", "时间")

# Matched on the raw text in both scripts, so the many lines without a
# label are never folded.
_ANY_LABEL = label_finder(
    _ORIGIN_LABELS + _AUTHOR_LABELS + _EDITOR_LABELS + _DOC_NUMBER_LABELS + _PUBLISH_LABELS + _DOCUMENT_DATE_LABELS
)
_REPORTER_WORD = label_finder(["记者"])
# What disclosure tables write when a field does not apply.
_NO_VALUE = frozenset({"无", "暂无", "-", "--", "—", "/", "／", "null", "none", "空"})
_DOC_NUMBER_RE = re.compile(r"[\u4e00-\u9fff]{1,12}[〔\[［【(（]\s*(?:19|20)\d{2}\s*[〕\]］】)）]\s*\d{1,4}\s*号")
# class or id words that mark the unlabelled source slot beside a byline date.
# Portals and app shells also name the outlet's slot provider, publisher,
# media or account (caas-attr-provider, media-bar, account-name).
_SOURCE_SLOT = re.compile(
    r"(?:^|[\s_-])(?:source|laiyuan|comefrom|provider|publisher|media|account)(?:$|[\s_-])", re.I
)
# Any spelling of those words, whatever surrounds it: the cheap test for whether to look.
_SLOT_WORD = re.compile(r"source|laiyuan|comefrom|provider|publisher|media|account", re.I)
_BRACKETS = re.compile(r"[（(][^（）()]{2,30}[）)]")
# Most specific first: the nickname wrappers of some versions hold the whole profile card.
_WECHAT_ACCOUNT = (
    "//*[@id='js_name']", "//*[contains(@class,'profile_nickname')]",
    "//*[contains(@class,'rich_media_meta_nickname')]",
)
_WECHAT_NICKNAME_CLASSES = ("profile_nickname", "rich_media_meta_nickname")
# WeChat fills #publish_time from a script; the script keeps the Unix time.
_WECHAT_STAMP = re.compile(r"\bvar\s+ct\s*=\s*[\"'](\d{10})[\"']")
_WECHAT_AUTHOR = (
    "//*[@id='js_author_name']"
    "|//*[@id='meta_content' or contains(@class,'rich_media_meta_list')]"
    "//*[contains(@class,'rich_media_meta_text') and not(@id)]"
)


_CHINA = timezone(timedelta(hours=8))

# Whitespace between tags is most of a page's text nodes and holds nothing.
_TEXTS = "//body//text()[normalize-space()]"
# h1, h2 and anything whose class or id says title. Reaching the elements
# through their attributes is the same set, in the same order, at half the
# cost of testing every element's attributes.
_HEADINGS = "//h1|//h2|//@class[contains(.,'title')]/..|//@id[contains(.,'title')]/.."


class _Marks:
    """The page's id and class attributes, read on first need, so slot rules can skip pages without them.

    Scanning every element for one id costs about as much as reading all
    the ids, and the WeChat and source-slot rules would otherwise scan the
    tree five times on every page that is not from WeChat. Most pages name
    their source and author with labels and never ask.
    """

    def __init__(self, tree: HtmlElement) -> None:
        self._tree = tree

    @cached_property
    def ids(self) -> set[str]:
        """Every id on the page."""
        return set(self._tree.xpath("//@id", smart_strings=False))

    @cached_property
    def _classes(self) -> str:
        # None of the words looked for holds a newline, so joining with one
        # neither makes nor hides a match.
        return "\n".join(self._tree.xpath("//@class", smart_strings=False))

    @cached_property
    def wechat_account(self) -> bool:
        """Whether some element could be the WeChat account slot."""
        return "js_name" in self.ids or any(word in self._classes for word in _WECHAT_NICKNAME_CLASSES)

    @cached_property
    def slot_words(self) -> set[str]:
        """The spellings of source/laiyuan/comefrom in a class or id, as written."""
        words = "\n".join(self.ids) + "\n" + self._classes
        # For ASCII text, lower() is exactly re.I's folding; only non-ASCII
        # text (where re.I also folds ſ, K, ı, İ) needs the regex to decide.
        if words.isascii():
            lowered = words.lower()
            if not any(
                word in lowered for word in ("source", "laiyuan", "comefrom", "provider", "publisher", "media", "account")
            ):
                return set()
        return set(_SLOT_WORD.findall(words))


def _clean(value: str) -> str:
    return " ".join(value.split())


def _metas(tree: HtmlElement) -> dict[str, str]:
    found: dict[str, str] = {}
    for meta in tree.iter("meta"):
        key = (meta.get("name") or meta.get("property") or meta.get("itemprop") or "").strip().lower()
        content = (meta.get("content") or "").strip()
        if key and content and key not in found:
            found[key] = content
    return found


def strip_site_suffix(title: str) -> str:
    """Drop the " - XX网" / "_XX政府" tail a <title> carries after the headline."""
    parts = [p for p in _TITLE_SPLIT.split(title) if p.strip()]
    if not parts:
        return title.strip()
    if len(parts[0]) >= 4:
        return parts[0].strip()
    return max(parts, key=len).strip()


def _headings(tree: HtmlElement) -> list[str]:
    texts = []
    for el in tree.xpath(_HEADINGS):
        text = _clean("".join(el.itertext()))
        if 4 <= len(text) <= 120:
            texts.append(text)
    return texts


def _title(tree: HtmlElement, metas: dict[str, str]) -> str | None:
    page_title = _clean("".join(tree.findtext(".//title") or ""))
    headings = _headings(tree)
    for key in _TITLE_METAS:
        value = _clean(metas.get(key, ""))
        if not value:
            continue
        # A headline printed whole on the page keeps its "｜": 消费提示｜中秋月饼….
        if key == "articletitle" or value in headings:
            return value
        return strip_site_suffix(value)
    # A heading that the <title> also contains is the article's own headline.
    for text in headings:
        if page_title and text in page_title:
            return text
    for el in tree.iter("h1"):
        text = _clean("".join(el.itertext()))
        if 4 <= len(text) <= 120:
            return text
    return strip_site_suffix(page_title) if page_title else None


def _labelled_dates(nodes: LabelNodes, labels: tuple[str, ...]) -> list[str | None]:
    found: list[str | None] = []
    for label in labels:
        for rest in labelled_values(nodes, label):
            found.append(parse_date(rest.strip()[:30]))
    return found


def _meta_dates(tree: HtmlElement, metas: dict[str, str]) -> Iterator[str | None]:
    """The dates the meta tags give, then WeChat's script time.

    A generator, so the page's scripts are searched only when no meta tag
    has given a date.
    """
    for key in _DATE_METAS:
        if key in metas:
            yield parse_date(metas[key])
    yield _wechat_published(tree)


def _short_with_date(node: str) -> bool:
    # The length test first: it is cheaper, and most nodes fail it.
    return (len(node) < 80 or len(_clean(node)) < 80) and has_date(node)


def _published(tree: HtmlElement, metas: dict[str, str], nodes: LabelNodes, prose: Prose) -> str | None:
    meta_dates = _meta_dates(tree, metas)
    published = _labelled_dates(nodes, _PUBLISH_LABELS)
    document = _labelled_dates(nodes, _DOCUMENT_DATE_LABELS)
    # A date in a short line is a byline date; long prose dates and link
    # text (archive menus, teaser lists) are not.
    bare = [parse_date(node) for node in prose.where(_short_with_date)]
    # When the page prints no date of its own, its last-modified stamp is
    # a better guess than a date in the text.
    modified = [parse_date(metas[key]) for key in _MODIFIED_METAS if key in metas]
    return pick_published(
        chain(meta_dates, published, document, modified, bare), chain(published, bare, document)
    )


def _wechat_account(tree: HtmlElement, marks: _Marks) -> str | None:
    if not marks.wechat_account:
        return None
    for path in _WECHAT_ACCOUNT:
        for el in tree.xpath(path):
            first_line = next((line.strip() for line in line_text(el).splitlines() if line.strip()), "")
            if first_line:
                return first_line
    return None


def _wechat_published(tree: HtmlElement) -> str | None:
    for script in tree.xpath("//script[contains(text(),'var ct')]"):
        match = _WECHAT_STAMP.search(script.text or "")
        if match:
            stamp = datetime.fromtimestamp(int(match.group(1)), _CHINA)
            return parse_date(stamp.strftime("%Y-%m-%d %H:%M"))
    return None


def _wechat_author(tree: HtmlElement, metas: dict[str, str], marks: _Marks) -> str | None:
    """The author slot of a WeChat article: #js_author_name, the first meta text, meta author."""
    if not marks.ids & {"meta_content", "js_author_name", "js_content"}:
        return None
    for el in tree.xpath(_WECHAT_AUTHOR):
        text = _clean("".join(el.itertext()))
        if text and not has_date(text) and person_name(text):
            return text
    return person_name(metas.get("author", "").strip()) if "js_content" in marks.ids else None


def _source_slot(tree: HtmlElement, marks: _Marks) -> str | None:
    """The unlabelled source beside a byline date: <a class="source">新华社</a>."""
    if not marks.slot_words:
        return None
    # XPath's contains() finds the few elements carrying one of the spellings
    # seen; the exact word test then runs on those alone, in page order.
    found = " or ".join(f"contains(@class,'{w}') or contains(@id,'{w}')" for w in sorted(marks.slot_words))
    slots = [
        el for el in tree.xpath(f"descendant-or-self::*[{found}]")
        if _SOURCE_SLOT.search(f"{el.get('class', '')} {el.get('id', '')}")
    ]
    # The innermost slot first: "date-source" holds the date as well.
    slots.sort(key=lambda el: any(other is not el and other in el.iterdescendants() for other in slots))
    for el in slots:
        text = line_text(el)
        if _ANY_LABEL.search(text) or len(text) > 60:
            continue
        text = re.sub(r"(?:19|20)\d{2}\s*[年/.\-][\d\s月/.\-日:：时分]*", " ", text)
        value = _clean(text).strip("()（）[]【】:： ·⋅•|｜")
        # A mirror's source slot may hold only the 阅读原文 link to the original.
        if 2 <= len(value) <= 30 and not re.search(r"\d{3,}", value) and not LINK_PROMPT.match(value):
            return value
    return None


def _author(tree: HtmlElement, metas: dict[str, str], marks: _Marks, nodes: LabelNodes, prose: Prose) -> str | None:
    labelled = person_name(first_labelled(nodes, _AUTHOR_LABELS))
    if labelled:
        return labelled
    wechat = _wechat_author(tree, metas, marks)
    if wechat:
        return wechat
    for node in prose.where(lambda node: "文" in node and len(node) < 200):
        writer = slash_writer(node)
        if writer:
            return writer
    for node in prose.where(_REPORTER_WORD.search):
        # A reporter line of its own, or a credit in brackets within prose.
        if len(node.strip()) <= 40:
            names = reporters(node)
        else:
            names = next(filter(None, (reporters(m) for m in _BRACKETS.findall(node))), None)
        if names:
            return names
    for node in prose.where(lambda node: "由" in node):
        el = element_of_text(node)
        line = nodes.line(el) if el is not None else node
        names = poster_name(line) if len(line) <= 80 else None
        if names:
            return names
    from_meta = named_person(metas.get("author"))
    # Portals put their own name there ("网易" on a "…_网易财经" page).
    if from_meta and not _names_the_site(tree, metas, from_meta):
        return from_meta
    for node in prose.where(lambda node: "）" in node or ")" in node):
        names = closing_credit(node, _whole_paragraph(node))
        if names:
            return names
    return None


def _names_the_site(tree: HtmlElement, metas: dict[str, str], value: str) -> bool:
    """Whether `value` is the site's name: in og:site_name or the <title>'s suffix."""
    page_title = _clean(tree.findtext(".//title") or "")
    suffix = page_title.replace(strip_site_suffix(page_title), "", 1)
    return value in metas.get("og:site_name", "") or value in suffix


def _whole_paragraph(node: str) -> bool:
    el = node.getparent()
    return not node.is_tail and el.tag in ("p", "div", "td") and _clean(el.text_content()) == _clean(node)


def _doc_number(nodes: LabelNodes, short: list) -> str | None:
    labelled = first_labelled(nodes, _DOC_NUMBER_LABELS)
    if labelled is not None:
        return None if labelled.lower() in _NO_VALUE else labelled
    if any(label in folded for folded in nodes.folded for label in _DOC_NUMBER_LABELS):
        return None  # the table has the field and leaves it empty
    for node in short:
        match = _DOC_NUMBER_RE.search(node) if "〔" in node or "［" in node else None
        if match and len(node.strip()) < 60:
            return match.group(0)
    return None


def read_metadata(tree: HtmlElement) -> ArticleFields:
    """What the page says about its article, read before the text is extracted.

    Title, date, origin, author, editor and document number; a field not found is None.
    """
    metas = _metas(tree)
    texts = [node for node in tree.xpath(_TEXTS) if node.getparent().tag not in ("script", "style")]
    short = [node for node in texts if len(node) < 200 or len(_clean(node)) < 200]
    # Link text is menus, teasers and archives, never a byline or its date.
    prose = Prose(texts)
    nodes = LabelNodes([node for node in short if _ANY_LABEL.search(node)])
    marks = _Marks(tree)
    origin = (
        first_labelled(nodes, _ORIGIN_LABELS)
        or _wechat_account(tree, marks)
        or _source_slot(tree, marks)
        or next((metas[key] for key in _ORIGIN_METAS if metas.get(key)), None)
        or share_data_origin(tree)
        or dateline_outlet(_clean(node) for node in short)
        or byline_name(tree)
    )
    return ArticleFields(
        title=_title(tree, metas),
        published=_published(tree, metas, nodes, prose),
        origin=origin,
        author=_author(tree, metas, marks, nodes, prose),
        editor=person_name(first_labelled(nodes, _EDITOR_LABELS)),
        doc_number=_doc_number(nodes, short),
    )
