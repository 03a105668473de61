"""Drop the boilerplate lines that survive DOM pruning and generic extraction.

Works on extracted text, one paragraph per line. Three kinds of line go:

* chrome phrases that slipped through: 【打印本页】, 字体：大 中 小, 扫一扫,
  分享到, 上一篇/下一篇, ICP and 公网安备 numbers, 网站标识码, 版权所有;
* byline metadata (来源：…, 作者：…, 责任编辑：…, 浏览次数：…), which belongs in
  the Article's fields, not in its text;
* everything after a trailing 相关阅读 / 猜你喜欢 / 版权与免责声明 heading, which
  ends the article on news portals.

Article lines that only mention these words are kept: a rule fires on short
lines, or on lines that start with the label.
"""

from __future__ import annotations

import re

from pipeline.extract.first_chars import compile_scanning
from pipeline.extract.script_variants import both_scripts

_CHROME_LINE = re.compile(
    both_scripts(
    r"^[【\[（(]?\s*(?:查看更多|展开全文|点击查看更多|打印本页|打印此页|打印|关闭窗口|关闭本页|关闭|返回顶部|回到顶部|返回页首|回到页首|阅读原文|查看原文|原文链接|收藏|纠错|我要纠错|加入收藏|分享|分享到.*|"
    r"字体[:：]?.*[大中小].*|字号[:：]?.*|上一篇.*|下一篇.*|上一条.*|下一条.*|扫一扫.*|扫描二维码.*|微信扫一扫.*|"
    r"\[?\s*返回\s*\]?|返回列表|责任编辑[:：].*|责编[:：].*|编辑[:：].*|审核[:：].*|校对[:：].*|"
    r"浏览次数[:：].*|点击数[:：].*|阅读次数[:：].*|访问量[:：].*|阅读量[:：].*|浏览量[:：].*|"
    # Share-bar buttons and their instructions, one per line once rendered.
    r"朋友圈|微信好友|微信朋友圈|新浪微博|腾讯微博|QQ空间|QQ好友|复制链接|点击右上角.*|点击浏览器.*分享.*|"
    # Placeholders a script would have replaced (polls, comment counts).
    r".*加载中.*请稍候.*|若长时间无响应.*|正在加载.*|"
    # A video player's fallback line: 您的浏览器暂时无法播放此视频.
    r"您的浏览器.{0,8}(?:无法|不能|不支持)播放.*|"
    # App-shell prompts on mobile pages: open the app, comment.
    r"(?:在|去)?(?:打开|下载|App内|APP内|app内|客户端内?)\s*(?:APP|App|app|客户端)?\s*(?:查看|阅读|打开|观看)?(?:全文|更多)?|写评论.*|"
    # A site's plea to follow it for more, closing an article it reposted.
    r"更多(?:内容|精彩|资讯|新闻).{0,12}(?:关注|访问|登录).*)\s*[】\]）)]?$"
    )
)
# Searched in every short line and every run of prose the densest-block rule
# weighs: compiled to skip the positions where none of its phrases can start.
FOOTER_LINE = compile_scanning(
    both_scripts(
    r"ICP\s*[备证]|公网安备|网站标识码|版权所有|Copyright|©|\(c\)\s*\d{4}|主办单位[:：]|承办单位[:：]|技术支持[:：]|联系我们|网站地图|"
    r"建议使用.{0,20}浏览器|分辨率"
    ),
    re.I,
)
# A byline: a short line led (after an optional date) by a metadata label.
_BYLINE = re.compile(
    both_scripts(
    r"^(?:(?:19|20)\d{2}\s*[年/.\-]\s*\d{1,2}\s*[月/.\-]\s*\d{1,2}\s*日?\s*(?:\d{1,2}[:：]\d{2}(?:[:：]\d{2})?)?\s*)?"
    r"(?:[【\[（(]?\s*)?(?:信息来源|文章来源|稿件来源|本文来源|来源|作者|发布时间|发布日期|发表时间|更新时间|发布机构|时间|日期|浏览次数|点击数|点击率)\s*[:：]"
    )
)
_METADATA_LABEL = re.compile(both_scripts(r"(?:来源|作者|编辑|发布时间|发布日期|浏览|点击)\s*[:：]"))
_DATE_ONLY = re.compile(
    r"^[\s\[【(（]*(?:19|20)\d{2}\s*[年/.\-]\s*\d{1,2}\s*[月/.\-]\s*\d{1,2}\s*日?\s*(?:\d{1,2}[:：]\d{2}(?:[:：]\d{2})?)?[\s\]】)）]*$"
)
# A site's notice paragraph, led by its label: 【免责声明】本文仅代表作者本人观点….
NOTICE_LEAD = re.compile(
    both_scripts(r"^\s*[【\[]?\s*(?:免责声明|版权声明|郑重声明|特别声明|风险提示)\s*[】\]:：]")
)
MAX_NOTICE_CHARS = 400
# A stamp line: a source name beside a machine-printed time ("江城教育 2024-07-05
# 10:20"). The clock tells it from a signature's date, which never has one.
_STAMP_LINE = re.compile(
    r"^[^，。；！？,;!?]{0,20}?(?:19|20)\d{2}\s*[年/.\-]\s*\d{1,2}\s*[月/.\-]\s*\d{1,2}\s*日?\s*\d{1,2}[:：]\d{2}(?:[:：]\d{2})?[^，。；！？,;!?]{0,20}$"
)
_TAIL_HEADING = re.compile(
    both_scripts(
    r"^[【\[]?\s*(?:猜你喜欢|相关阅读|相关新闻|相关文章|相关报道|相关链接|热点推荐|推荐阅读|热门文章|热门推荐|热点新闻|精彩推荐|"
    r"最新文章|点击排行|网友评论|发表评论|我要评论|版权与免责声明|版权声明|免责声明|郑重声明|反侵权公告|侵权声明|延伸阅读推荐|延伸阅读|延伸[·•・]?推荐)\s*[:：]?\s*[】\]]?$"
    )
)
# A standalone reporter byline: "光明日报记者 王建宏 张文攀" (names go to `author`).
_REPORTER_LINE = re.compile(
    both_scripts(r"^(?:[\u4e00-\u9fff]{2,12}\s*)?(?:本报|本台|本刊)?记者(?:\s*[\u4e00-\u9fff·]{2,4}){1,4}$")
)
# A reprint notice: "转载时务请注明出处" / "轉載請註明來源".
_REPRINT = re.compile(both_scripts(r"(?:转载|转发).{0,12}(?:注明|标明)(?:出处|来源|作者)"))
# A paragraph this long met again verbatim is a photo caption repeated under
# each picture or a block the layout printed twice, not the author's text.
_MIN_REPEAT_CHARS = 20
_TEASER = re.compile(r"(?:\.\.\.|…|……)\s*$")

_SENTENCE_MARK = re.compile(r"[，。；！？]")
# A breadcrumb rendered as text: 论坛 » 学术前沿 » 正文, 首页 > 新闻 > 本地; a tag
# line reads the same way with bars: 20190926|国贸|增长率|全球经济.
_CRUMB_SEPARATOR = re.compile(r"\s*(?:»|›|>|＞|→|\||｜)\s*")
# Pager remnants: "页:", "[1] [2] [3]", "共3页", "第2页".
# A gallery's slide counter, "1/10", is one too.
_PAGER_LINE = re.compile(r"^(?:页\s*[:：]?|(?:\[\d+\]\s*)+|共\s*\d+\s*页.*|第\s*\d+\s*页|\d{1,3}\s*/\s*\d{1,3})$")
# Bylines longer than this are prose that happens to start with 来源/时间.
_MAX_BYLINE = 120


def is_boilerplate_line(line: str) -> bool:
    """True for a single line that is chrome or byline metadata, not article text."""
    stripped = line.strip()
    if not stripped:
        return True
    if len(stripped) <= 60 and _CHROME_LINE.match(stripped):
        return True
    if len(stripped) <= 160 and FOOTER_LINE.search(stripped):
        return True
    if len(stripped) <= _MAX_BYLINE and _BYLINE.match(stripped):
        return True
    if len(stripped) <= _MAX_BYLINE and len(_METADATA_LABEL.findall(stripped)) >= 2:
        return True
    if len(stripped) <= 40 and " " in stripped and _REPORTER_LINE.match(stripped):
        return True
    if len(stripped) <= 80 and _REPRINT.search(stripped):
        return True
    if len(stripped) <= 48 and _STAMP_LINE.match(stripped):
        return True
    if len(stripped) <= 20 and _PAGER_LINE.match(stripped):
        return True
    if len(stripped) <= MAX_NOTICE_CHARS and NOTICE_LEAD.match(stripped):
        return True
    if len(stripped) <= 160 and _is_breadcrumb(stripped):
        return True
    return False


def _is_breadcrumb(line: str) -> bool:
    parts = _CRUMB_SEPARATOR.split(line)
    return len(parts) >= 3 and all(
        0 < len(part) <= 40 and not _SENTENCE_MARK.search(part) for part in parts
    )


def clean_lines(text: str) -> str:
    """Drop boilerplate lines from extracted `text`, keeping article order.

    A bare publication date near the top, above the first sentence, is
    dropped too: the date lives in the Article's fields. Heading lines are kept, the title among them: a
    notice's own heading is part of its text.
    """
    lines = [_table_row(" ".join(line.split())) for line in text.splitlines()]
    lines = [line for line in lines if line]
    # Everything after a tail heading is a related list, once most of the
    # text lies before it (a heading near the top may be the article's own).
    total = sum(map(len, lines)) or 1
    seen = 0
    for i, line in enumerate(lines):
        # Spaced-out headings (郑 重 声 明) are matched without their spaces.
        squashed = "".join(line.split())
        if seen >= 0.4 * total and len(squashed) <= 20 and _TAIL_HEADING.match(squashed):
            lines = lines[:i]
            break
        seen += len(line)
    kept: list[str] = []
    seen_lines: set[str] = set()
    for i, line in enumerate(lines):
        if is_boilerplate_line(line):
            continue
        if len(line) >= _MIN_REPEAT_CHARS:
            if line in seen_lines:
                continue
            seen_lines.add(line)
        # A bare date above the first sentence is the page's date line; one
        # after it is the signature's date, which a short notice ends with.
        if i < 3 and _DATE_ONLY.match(line) and not any(_SENTENCE_MARK.search(k) for k in kept):
            continue
        kept.append(line)
    # Teasers: a run of "…"-ended lines closing the text is a related list.
    while len(kept) > 2 and _TEASER.search(kept[-1]) and _TEASER.search(kept[-2]) and len(kept[-1]) < 200:
        kept.pop()
    return "\n".join(kept)


def _table_row(line: str) -> str:
    """Trafilatura writes table rows as "| a | b |": keep the cells, drop the rules.

    A row of many one-word cells without punctuation is a channel bar laid
    out as a table (| 全国版 | 安徽省 | 北京市 | …) and goes entirely.
    """
    if not line.startswith("|"):
        return line
    cells = [cell.strip() for cell in line.strip("|").split("|")]
    cells = [cell for cell in cells if cell]
    if len(cells) >= 8 and all(len(cell) <= 6 and not _SENTENCE_MARK.search(cell) for cell in cells):
        return ""
    return " ".join(cells)
