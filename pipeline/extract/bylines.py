"""Read labelled values and people's names from the lines around an article.

Chinese pages print their metadata as `label：value` runs: in a byline under
the headline ("来源：人民日报　作者：张三　发布时间：2022-03-25 09:12"), in the
cells of an information-disclosure table (a label cell, then a value cell),
or as credits at the end ("责任编辑：李四"). Reporters are named without a
colon ("本报记者 王小明", "（记者 胡晓蓉）"), and some articles end with the
writers' names in brackets ("……新春佳节。（常书香 马丹阳）").

Labels are matched in simplified and traditional script alike: the text is
folded to simplified script (`pipeline.extract.script_variants`), one
character for one, so an offset found in the folded text is the same offset
in the original, and values are always read from the original text, never
converted.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache

from lxml.html import HtmlElement

from pipeline.extract.script_variants import both_scripts, fold_to_simplified, script_forms

# Elements that start a new line when a browser renders them.
_BLOCKS = frozenset(
    "br p div li tr td th dd dt h1 h2 h3 h4 h5 h6 table ul ol section article header footer".split()
)

_CELLS = frozenset("td th dt dd label span b strong em font i".split())

# Every label that can follow a value on the same line; a value ends where
# the next one begins. All need their colon, so 文 in 市文化广电旅游局 is no label.
_LABEL_WORDS = (
    "信息来源|文章来源|稿件来源|来源|出处|发布机构|发文机关|作者|文|记者|通讯员|摄影|摄像|图|"
    "责任编辑|责编|编辑|主编|审核|审校|校对|终审|初审|复审|签发|"
    "发布时间|发布日期|发表时间|发稿时间|更新时间|时间|日期|成文日期|发文字号|索引号|"
    "浏览次数|浏览量|浏览|点击数|点击量|点击|阅读数|阅读量|阅读|访问量|访问次数|字体|字号|分享到|打印"
)
_CUT = re.compile(
    rf"\n|[|｜丨【]|\s{{2,}}|(?:{_LABEL_WORDS})\s*[:：]"
    r"|\s(?=(?:本报|特约)?(?:记者|作者|责任编辑|编辑|通讯员|摄影|来源))"
    r"|(?:浏览|阅读|点击)\s*\d|(?<!\d)(?:19|20)\d{2}\s*[年/.\-]\s*\d{1,2}"
)
_EDGES = " \t\r\n:：|｜,，;；.。、()（）[]【】<>《》·⋅•"

_NOT_A_NAME = re.compile(r"[，。！？；：:=<>\"“”]|\d{3,}|[昨今前]天|\d+\s*(?:分钟|小时|天)前|^刚刚$")
# Words that end organisations, not people: 市政府, 新华社, 人民网, 组织部.
_ORG_ENDING = re.compile(
    r"(?:省|市|县|区|镇|乡|村|局|委|会|部|厅|办|院|所|社|报|网|台|站|司|中心|政府|小组|频道|新闻|日报|传媒|融媒|平台"
    r"|网络|科技|集团|系统|工作室|编辑部|记者|通讯员)$"
)
_NAME = r"[\u4e00-\u9fff][\u4e00-\u9fff·]{1,5}"
_NOT_PEOPLE = frozenset(
    "完 待续 未完 未完待续 试行 草案 暂行 全文 节选 摘编 原创 转载 修订 修订版 图 组图 视频 附件 "
    "详见 见附件 全文完 征求意见稿 报道 通讯员 本报 记者 编者 编者按 注 待定 下同 同上 略 此致 "
    "上 中 下 续 摘要 原文 译文 简体 繁体 英文 中文 供图 摄 资料图 图片 来源 "
    "未知 不详 佚名 匿名 全部 无 暂无 本站 管理员".split()
)


def label_finder(words: Iterable[str]) -> re.Pattern[str]:
    """A pattern finding any of plain `words` in either script, for telling which lines hold one.

    Each word is spelled out once per script of its first character
    (来源|來源, not [来來]源): when every branch opens with a plain
    character, the regex engine skips straight to the characters that can
    start a match instead of trying every branch at every position, which
    is about eight times faster over a page's text.
    """
    branches = [
        re.escape(first) + both_scripts(re.escape(word[1:])) for word in words for first in script_forms(word[0])
    ]
    return re.compile("|".join(branches))


def line_text(el: HtmlElement, limit: int = 2000) -> str:
    """The text of `el` as it renders: a newline at each <br> and block boundary.

    Reading stops once about `limit` characters are gathered.
    """
    parts: list[str] = []
    budget = [limit]

    def walk(node: HtmlElement) -> None:
        # A label's owner can be a whole page column; its first lines suffice.
        if budget[0] <= 0:
            return
        if not isinstance(node.tag, str):  # comments and processing instructions
            parts.append(node.tail or "")
            return
        block = node.tag in _BLOCKS
        if block:
            parts.append("\n")
        parts.append(node.text or "")
        budget[0] -= len(node.text or "")
        for child in node:
            walk(child)
        if block:
            parts.append("\n")
        if node is not el:
            parts.append(node.tail or "")

    walk(el)
    text = "".join(parts).replace("\xa0", " ").replace("\u3000", "  ")
    return re.sub(r"[ \t]*\n\s*", "\n", text).strip()


def element_of_text(node: str) -> HtmlElement | None:
    """The element whose line holds text node `node` (its parent for a tail)."""
    el = node.getparent()
    if el is not None and node.is_tail:
        el = el.getparent()
    return el


class LabelNodes:
    """The text nodes that hold a label, asked about one label after another.

    A page is asked about some twenty labels, so each node is folded once
    and each element's line rendered once, not once per label.
    """

    def __init__(self, nodes: list) -> None:
        self.nodes = nodes
        self.folded = [fold_to_simplified(node) for node in nodes]
        self._lines: dict[HtmlElement, str] = {}
        self._heads: dict[HtmlElement, tuple[str, str]] = {}

    def line(self, el: HtmlElement) -> str:
        """`line_text(el)`, rendered on first use."""
        line = self._lines.get(el)
        if line is None:
            line = self._lines[el] = line_text(el)
        return line

    def head(self, el: HtmlElement) -> tuple[str, str]:
        """The first 400 characters of `el`'s line, as written and folded."""
        head = self._heads.get(el)
        if head is None:
            raw = self.line(el)[:400]
            head = self._heads[el] = (raw, fold_to_simplified(raw))
        return head


@lru_cache(maxsize=None)
def _label_patterns(label: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """`label` followed by its value on the same line, and `label` alone in its node."""
    return (
        re.compile(rf"(?<![\u4e00-\u9fff]){label}\s*[:：]\s*"),
        re.compile(rf"\s*{label}\s*[:：]?\s*"),
    )


class Prose:
    """A page's text nodes outside links: the places bylines, credits and their dates can be.

    Link text is menus, teasers and archives. Whether a node sits inside an
    <a> is asked only of the few nodes a rule wants (a date, 记者, 文/), and
    each element's answer is kept, because walking every node's ancestors
    costs more than all the rules together.
    """

    def __init__(self, texts: list) -> None:
        self._texts = texts
        self._linked: dict[HtmlElement, bool] = {}

    def linked(self, node: str) -> bool:
        """Whether text node `node` is link text."""
        el = element_of_text(node)
        below: list[HtmlElement] = []  # elements on the way up, which share the answer
        known = None
        while el is not None:
            known = self._linked.get(el)
            if known is not None:
                break
            if el.tag == "a":
                known = True
                break
            below.append(el)
            el = el.getparent()
        known = bool(known)
        for seen in below:
            self._linked[seen] = known
        return known

    def where(self, wanted: Callable[[str], object]) -> Iterator[str]:
        """The nodes outside links for which `wanted` is true, in page order."""
        for node in self._texts:
            if wanted(node) and not self.linked(node):
                yield node


def labelled_values(nodes: LabelNodes, label: str) -> Iterator[str]:
    """Each raw text following `label：` among `nodes`, in page order.

    The label either shares its line with the value ("来源：新华网 作者：…")
    or has a cell of its own with the value in the next cell, as in
    disclosure tables. The text yielded is uncut; `cut_value` trims it.
    """
    after, alone = _label_patterns(label)
    for node, folded_node in zip(nodes.nodes, nodes.folded):
        if label not in folded_node:
            continue
        el = element_of_text(node)
        if el is None:
            continue
        line, folded_line = nodes.head(el)
        for match in after.finditer(folded_line):
            yield line[match.end(): match.end() + 200]
        if not alone.fullmatch(folded_node):
            continue
        cur = el
        for _ in range(2):
            # Only cells and inline runs pair a label with the next element;
            # after a paragraph "责任编辑：" the next paragraph is something else.
            if cur.tag not in _CELLS:
                break
            sib = cur.getnext()
            if sib is not None:
                value = nodes.line(sib)
                if value and len(value) < 120:
                    yield value
                    break
            cur = cur.getparent()
            if cur is None:
                break


def cut_value(rest: str) -> str | None:
    """The value at the start of `rest`, ended by the next label, separator or date."""
    rest = rest.lstrip(_EDGES)
    cut = _CUT.search(fold_to_simplified(rest))
    value = rest[: cut.start()] if cut else rest
    value = value.strip(_EDGES)
    return value or None


def first_labelled(nodes: LabelNodes, labels: tuple[str, ...]) -> str | None:
    """The first non-empty value under any of `labels`, earlier labels first."""
    for label in labels:
        for rest in labelled_values(nodes, label):
            value = cut_value(rest)
            if value:
                return value
    return None


def person_name(value: str | None) -> str | None:
    """`value` if it reads like names, not a sentence, count or time: for labelled slots."""
    if not value or len(value) > 30 or _NOT_A_NAME.search(value) or value in _NOT_PEOPLE:
        return None
    return value


def _is_name(token: str) -> bool:
    return (
        bool(re.fullmatch(_NAME, token))
        and len(token) <= 4 + token.count("·") * 3
        and token not in _NOT_PEOPLE
        and not token.endswith("摄")  # a photographer's credit: 刘通摄
        and not _ORG_ENDING.search(token)
    )


def named_person(value: str | None) -> str | None:
    """`value` if it is one to four people's names, else None: for unlabelled slots."""
    if not value:
        return None
    tokens = [t for t in re.split(r"[\s、，,]+", value.strip()) if t]
    if 1 <= len(tokens) <= 4 and all(_is_name(t) for t in tokens):
        return " ".join(tokens)
    return None


def _names_at_start(text: str) -> str | None:
    """The run of names that opens `text`: "张三 李四 山东冠县报道" gives "张三 李四"."""
    clause = re.split(r"[/／（）()，,。；;：:|｜]", text, maxsplit=1)[0]
    names = []
    for token in re.split(r"[\s、]+", clause.strip()):
        if not token:
            continue
        if not _is_name(token) or token.endswith("报道"):
            break
        names.append(token)
    return " ".join(names) or None


# 记者 after an outlet ("本报记者张三") or before a gap ("记者 张三"); a bare
# 记者 opening a clause ("，记者了解到") is prose.
_REPORTER = re.compile(r"(?<=[\u4e00-\u9fff·])记者[:：\s]*|记者[:：\s]+")
_BRACKETED = re.compile(r"[（(]([^（）()]{1,40})[）)]")
_WRITER_SLASH = re.compile(rf"(?<![\u4e00-\u9fff])文\s*[/／]\s*|({_NAME}(?:\s+{_NAME}){{0,3}})\s*[/／]\s*文(?![\u4e00-\u9fff])")


def reporters(text: str) -> str | None:
    """Names after 记者 in a byline: "本报记者 张三 李四" or "（记者 胡晓蓉）"."""
    folded = fold_to_simplified(text)
    for match in _REPORTER.finditer(folded):
        names = _names_at_start(text[match.end():])
        if names:
            return names
    return None


def slash_writer(text: str) -> str | None:
    """The writer of a "文/张三" or "张三/文" credit."""
    for match in _WRITER_SLASH.finditer(text):
        names = match.group(1) or _names_at_start(text[match.end():])
        if names:
            return named_person(names)
    return None


# Forums and blogs sign a post "本贴由大卫于2005年8月12日…" or "由海姑娘张贴 @ …".
_POSTER = re.compile(r"(?:[贴帖文]|^|\s)由\s*([^\s，。,:：@]{2,12}?)\s*(?:于\s*(?:19|20)\d{2}|张贴|发表于|发布于)")


def poster_name(line: str) -> str | None:
    """The poster named in a forum or blog signature line."""
    match = _POSTER.search(line)
    if not match or _ORG_ENDING.search(match.group(1)):
        return None
    return person_name(match.group(1))


def closing_credit(text: str, own_line: bool) -> str | None:
    """Names alone in brackets closing a paragraph: "……佳节。（常书香 马丹阳）" or "（袁源）".

    `own_line` says whether `text` is a whole paragraph; bracketed words
    inside a span ("(体育)") are channel tags, not credits.
    """
    stripped = text.strip()
    match = _BRACKETED.search(stripped)
    while match and match.end() < len(stripped):
        match = _BRACKETED.search(stripped, match.end())
    if not match:
        return None
    before = stripped[: match.start()].rstrip()
    # Only a paragraph's last word, after its closing stop, or a line of its own.
    if before[-1:] not in ("。", "！", "？", "!", "?", "”", "」") if before else not own_line:
        return None
    if stripped.startswith(("图", "照片", "摄影")):  # a caption's bracket credits the picture
        return None
    names = named_person(match.group(1))
    # Unlabelled, only the common two- and three-character names count:
    # "（视觉中国）" closing a caption is an agency.
    if names and all(len(name) <= 3 for name in names.split()):
        return names
    return None
