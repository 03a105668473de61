"""Read an article's metadata from the unpruned page tree.

Chinese government, party and media pages state their metadata in a few
recurring ways: <meta> tags (ArticleTitle, PubDate, ContentSource,
article:published_time), an information-disclosure table (索引号 / 发布机构 /
发文字号 / 成文日期 / 发布日期), and a byline under the title
("来源：人民日报 作者：张三 发布时间：2022-03-25 09:12"). WeChat mirrors name
the account in #js_name. `read_metadata(tree)` collects all of these.

Dates are normalised by `parse_date`: 2022年3月25日, 2022-03-25 09:12 and
2022/03/25 become "2022-03-25" or "2022-03-25T09:12".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml.html import HtmlElement

_DATE_RE = re.compile(
    r"(?<!\d)((?:19|20)\d{2})\s*[年/.\-]\s*(\d{1,2})\s*[月/.\-]\s*(\d{1,2})(?!\d)\s*日?"
    r"(?:\s*(?:T|\s)?\s*(\d{1,2})\s*[:：时]\s*(\d{2})(?!\d))?"
)
_COMPACT_DATE_RE = re.compile(r"(?<!\d)((?:19|20)\d{2})(\d{2})(\d{2})(?:(\d{2})(\d{2}))?(?!\d)")

# Meta names that carry the publication time, most trusted first.
_DATE_METAS = (
    "article:published_time", "pubdate", "publishdate", "publish_date", "publishtime",
    "og:release_date", "firstpublishedtime", "datepublished", "article:create_at",
    "dc.date.issued", "dc.date", "date", "weibo:article:create_at",
)
_TITLE_METAS = ("articletitle", "og:title", "twitter:title")
_ORIGIN_METAS = ("contentsource", "source", "og:site_name")

# The labels that end a labelled value in a byline, so "来源：新华网 作者：张三"
# yields 新华网 for 来源 rather than the whole line.
_NEXT_LABEL = re.compile(
    r"(?:\s*[|｜丨]\s*|\s{2,}|\u3000|(?=(?:信息|文章|稿件)?来源[:：])|(?=(?:文|作者|记者|通讯员|摄影|责任编辑|责编|编辑|审核|校对|发布时间|发布日期|发表时间|更新时间|时间|日期|浏览次数|点击数|阅读|访问量|字[体号]|【)[:：]?)"
    r"|(?=(?:19|20)\d{2}\s*[年/.\-]\s*\d{1,2}))"
)
_TITLE_SPLIT = re.compile(r"\s*(?:[_|｜]|\s-\s|\s—\s|--|—{1,2}(?=[^—]{0,20}$)|-(?=[^-]{0,20}$))\s*")

_LABELS: dict[str, tuple[str, ...]] = {
    "origin": ("信息来源", "文章来源", "稿件来源", "来源", "发布机构", "发文机关"),
    "author": ("作者", "文"),
    "editor": ("责任编辑", "责编", "编辑"),
    "doc_number": ("发文字号", "文号"),
    "published": ("发布日期", "发布时间", "发表时间", "发文日期", "成文日期", "日期", "时间"),
}
_REPORTER_RE = re.compile(r"(?:本报|新华社|人民网|中新社|央视网)?记者[:：\s]*((?:[\u4e00-\u9fff·]{2,4}[\s、，,]*){1,4})")
_NOT_A_NAME = re.compile(r"[，。！？；：:=<>\"“”]|\d{3,}")
_DOC_NUMBER_RE = re.compile(r"[\u4e00-\u9fff]{1,12}[〔\[［【(（]\s*(?:19|20)\d{2}\s*[〕\]］】)）]\s*\d{1,4}\s*号")


@dataclass
class PageMetadata:
    """What the page says about its article, before the text is extracted."""

    title: str | None = None
    published: str | None = None
    origin: str | None = None
    author: str | None = None
    editor: str | None = None
    doc_number: str | None = None


def parse_date(value: str) -> str | None:
    """Normalise the first date in `value` to ISO: "2022-03-25" or "2022-03-25T09:12"."""
    match = _DATE_RE.search(value)
    if match:
        year, month, day, hour, minute = match.groups()
    else:
        match = _COMPACT_DATE_RE.search(value)
        if not match:
            return None
        year, month, day, hour, minute = match.groups()
    y, m, d = int(year), int(month), int(day)
    if not (1 <= m <= 12 and 1 <= d <= 31):
        return None
    iso = f"{y:04d}-{m:02d}-{d:02d}"
    # A time of exactly 00:00 is a CMS filling in a date-only field, not a time.
    if hour is not None and minute is not None and int(hour) < 24 and int(minute) < 60 and (int(hour) or int(minute)):
        iso += f"T{int(hour):02d}:{int(minute):02d}"
    return iso


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


def _title(tree: HtmlElement, metas: dict[str, str]) -> str | None:
    page_title = _clean("".join(tree.findtext(".//title") or ""))
    for key in _TITLE_METAS:
        if metas.get(key):
            return strip_site_suffix(_clean(metas[key])) if key != "articletitle" else _clean(metas[key])
    # A heading that the <title> also contains is the article's own headline.
    for el in tree.xpath("//h1|//h2|//*[contains(@class,'title') or contains(@id,'title')]"):
        text = _clean("".join(el.itertext()))
        if 4 <= len(text) <= 120 and page_title and text in page_title:
            return text
    for el in tree.iter("h1"):
        text = _clean("".join(el.itertext()))
        if 4 <= len(text) <= 120:
            return text
    return strip_site_suffix(page_title) if page_title else None


def _value_after(label: str, text: str) -> str | None:
    """The value that follows `label：` in `text`, cut at the next label."""
    match = re.search(rf"(?<![\u4e00-\u9fff]){label}\s*[:：]\s*", text)
    if not match:
        return None
    rest = text[match.end():]
    cut = _NEXT_LABEL.search(rest)
    value = rest[: cut.start()] if cut else rest
    value = value.strip(" \t\r\n:：|｜,，;；()（）[]【】")
    return value or None


_ANY_LABEL = re.compile(
    "|".join(sorted({label for group in _LABELS.values() for label in group if len(label) > 1}))
)


def _short_text_nodes(tree: HtmlElement) -> list:
    """Every short text node of the body: bylines and table cells, not prose."""
    return [node for node in tree.xpath("//body//text()") if len(node) < 200]


def _labelled(nodes: list, labels: tuple[str, ...]) -> str | None:
    """Find `label：value`, whether in one line or split across cells of a table."""
    for label in labels:
        for node in nodes:
            if label not in node:
                continue
            el = node.getparent()
            if el is None:
                continue
            if node.is_tail:
                el = el.getparent()
            line = _clean("".join(el.itertext()))[:300]
            value = _value_after(label, line)
            if value:
                return value
            if not re.fullmatch(rf"\s*{label}\s*[:：]?\s*", node):
                continue
            # The label has a cell of its own: the value is in the next cell.
            cur = el
            for _ in range(2):
                sib = cur.getnext()
                if sib is not None:
                    value = _clean("".join(sib.itertext()))
                    if value and len(value) < 120:
                        return value
                cur = cur.getparent()
                if cur is None:
                    break
    return None


def _person(value: str | None) -> str | None:
    """Keep a byline value only if it reads like names, not a sentence or markup."""
    if not value or len(value) > 30 or _NOT_A_NAME.search(value):
        return None
    return value


def _reporters(line: str) -> str | None:
    """Names after 记者 in a short line: "本报记者 张三 李四" gives "张三 李四"."""
    match = _REPORTER_RE.search(line)
    if not match:
        return None
    names = []
    for token in re.split(r"[\s、，,]+", match.group(1).strip()):
        # A token longer than a name ("山东冠县报道") ends the list of names.
        if not 2 <= len(token) <= 4 or token.endswith(("报道", "摄")):
            break
        names.append(token)
    return " ".join(names) or None


def _wechat_account(tree: HtmlElement) -> str | None:
    for el in tree.xpath("//*[@id='js_name']|//*[contains(@class,'profile_nickname')]"):
        text = _clean("".join(el.itertext()))
        if text:
            return text
    return None


def _published(metas: dict[str, str], nodes: list, short: list) -> str | None:
    for key in _DATE_METAS:
        if key in metas:
            parsed = parse_date(metas[key])
            if parsed:
                return parsed
    labelled = _labelled(nodes, _LABELS["published"])
    if labelled:
        parsed = parse_date(labelled)
        if parsed:
            return parsed
    for node in short:
        if len(node) < 80 and _DATE_RE.search(node):
            # A date in a short line is a byline date; long prose dates are not.
            parsed = parse_date(node)
            if parsed:
                return parsed
    return None


def read_metadata(tree: HtmlElement) -> PageMetadata:
    """Collect title, date, origin, author, editor and document number from `tree`."""
    metas = _metas(tree)
    short = _short_text_nodes(tree)
    nodes = [node for node in short if _ANY_LABEL.search(node)]
    meta = PageMetadata(title=_title(tree, metas), published=_published(metas, nodes, short))
    meta.origin = _labelled(nodes, _LABELS["origin"]) or _wechat_account(tree)
    if not meta.origin:
        for key in _ORIGIN_METAS[:1]:
            meta.origin = metas.get(key) or None
    meta.author = _person(_labelled(nodes, _LABELS["author"][:1]))
    if not meta.author:
        for node in short:
            if "记者" in node and len(node.strip()) <= 40:
                meta.author = _reporters(node)
                if meta.author:
                    break
    meta.editor = _labelled(nodes, _LABELS["editor"])
    meta.doc_number = _labelled(nodes, _LABELS["doc_number"])
    if meta.doc_number is None:
        for node in short:
            match = _DOC_NUMBER_RE.search(node) if "〔" in node or "［" in node else None
            if match and len(node.strip()) < 60:
                meta.doc_number = match.group(0)
                break
    return meta
