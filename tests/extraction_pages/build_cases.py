"""Write the hand-made extraction cases in this folder from templates.

Run once by hand (``.venv/bin/python tests/extraction_pages/build_cases.py``);
the committed .html/.json files are the set, and no test regenerates them.

Each page is written the way the sites it imitates write theirs: the article
sits among navigation, breadcrumbs, disclosure tables, share bars, teaser
lists, comment boxes and footers, and the bytes are encoded the way such a
server sends them. The labels (expected text and fields) come from the same
data the page is rendered from, so they cannot disagree with the page.

Article texts are our own, except five taken from /work/shared/seeds (cleaned:
leaked pinyin becomes <ruby> markup, mojibake is repaired, PDF line-wrap
spaces are removed). Reading the seeds needs /work/shared; the texts written
here do not.

Paragraph mini-markup: ``務{wù}`` renders as a ruby annotation and is
expected as plain ``務``.
"""

from __future__ import annotations

import html as htmllib
import json
import re
from pathlib import Path

from texts import CASES, seed_cases  # noqa: E402  (sibling module)

HERE = Path(__file__).resolve().parent

# encoding family -> (python codec, charset in <meta>, default Content-Type header)
ENCODINGS = {
    "utf-8": ("utf-8", "utf-8", "text/html; charset=utf-8"),
    "gbk-declared-gb2312": ("gbk", "gb2312", "text/html; charset=gb2312"),
    "gb18030": ("gb18030", "gb18030", "text/html; charset=GB18030"),
    "big5": ("big5", "big5", "text/html; charset=big5"),
    "undeclared-gbk": ("gbk", None, None),
    "header-latin1-meta-gbk": ("gbk", "gbk", "text/html; charset=ISO-8859-1"),
}

RUBY = re.compile(r"(\w)\{([^{}]+)\}")


def plain(text: str) -> str:
    return RUBY.sub(r"\1", text)


def rich(text: str) -> str:
    """Escape a paragraph and turn ruby markers into <ruby> markup."""
    out = htmllib.escape(text, quote=False)
    return RUBY.sub(r"<ruby>\1<rp>(</rp><rt>\2</rt><rp>)</rp></ruby>", out)


def body_html(case: dict, style: str) -> str:
    """The article's paragraphs in one of the markups real CMSs emit."""
    paras = case["paras"]
    sig = case.get("sig", 0)
    hidden = case.get("hidden")  # (after_index, text, "block" | "inline")
    out = []
    for i, para in enumerate(paras):
        text = rich(para)
        if hidden and hidden[2] == "inline" and i == hidden[0]:
            cut = text.find("，")
            cut = cut + 1 if cut > 0 else len(text) // 2
            text = (
                text[:cut]
                + f'<span style="display:none">{htmllib.escape(hidden[1])}</span>'
                + text[cut:]
            )
        right = i >= len(paras) - sig
        heading = bool(re.match(r"^[一二三四五六七八九十]+、", para)) and len(para) < 60
        if i < case.get("head", 0) and style not in ("br", "br2", "section", "mdiv"):
            # the document's own heading lines, centred above the salutation
            out.append(f'<p style="text-align: center;"><strong>{text}</strong></p>')
            continue
        if style == "p":
            tag = '<p style="text-align: right;">' if right else "<p>"
            out.append(f"{tag}{text}</p>")
        elif style == "p-indent":
            align = "right" if right else "justify"
            indent = "0" if right else "2em"
            inner = f"<strong>{text}</strong>" if heading else text
            out.append(f'<p style="text-indent: {indent}; text-align: {align};">{inner}</p>')
        elif style == "p-span":
            align = "right" if right else "justify"
            font = "黑体" if heading else "仿宋_GB2312"
            out.append(
                f'<p style="text-align: {align}; line-height: 28pt; margin-bottom: 0pt;">'
                f'<span style="font-family: {font}; font-size: 16pt;">{text}</span></p>'
            )
        elif style == "p-fwspace":
            out.append(f"<p>{'' if right else '　　'}{text}</p>")
        elif style == "div":
            cls = ' class="sign"' if right else ""
            out.append(f"<div{cls}>{text}</div>")
        elif style == "br":
            lead = "" if right else "&nbsp;&nbsp;&nbsp;&nbsp;"
            out.append(f"{lead}{text}<br>")
        elif style == "br2":
            lead = "" if right else "　　"
            out.append(f"{lead}{text}<br><br>")
        elif style == "section":
            align = "right" if right else "justify"
            out.append(
                f'<section style="margin: 0px 8px; line-height: 1.75em; text-align: {align};">'
                f'<span style="font-size: 15px; letter-spacing: 1px; color: rgb(62, 62, 62);">'
                f"{text}</span></section>"
                + ('<section><br></section>' if i % 3 == 1 else "")
            )
        elif style == "mdiv":
            out.append(f'<div class="p">{text}</div>')
        else:
            raise ValueError(style)
        if hidden and hidden[2] == "block" and i == hidden[0]:
            out.append(f'<p style="display: none;">{htmllib.escape(hidden[1])}</p>')
    return "\n".join(out)


def meta_charset(case: dict, charset: str | None) -> str:
    if charset is None:
        return ""
    if case.get("meta_style") == "html5":
        return f'<meta charset="{charset}">'
    return f'<meta http-equiv="Content-Type" content="text/html; charset={charset}" />'


def teaser_list(items: list[tuple[str, str]], cls: str, heading: str) -> str:
    lis = "\n".join(
        f'<li><a href="/art/{1000 + n}.html" class="tit">{h}</a><p class="summary">{t}</p></li>'
        for n, (h, t) in enumerate(items)
    )
    return f'<div class="{cls}"><h3>{heading}</h3><ul>\n{lis}\n</ul></div>'


def link_list(items: list[str], cls: str, heading: str) -> str:
    lis = "\n".join(
        f'<li><a href="/news/{2000 + n}.html" title="{h}">{h}</a></li>' for n, h in enumerate(items)
    )
    return f'<div class="{cls}"><div class="hd">{heading}</div><ul>\n{lis}\n</ul></div>'


# ---------------------------------------------------------------- templates
# Each returns (head_extra, body) and appends the chrome strings it put on the
# page to `chrome`.

def t_gov(c: dict, chrome: list[str]) -> str:
    v = c["variant"]
    site = c["site"]
    pub_shown = c["pub_shown"]
    if v == 0:
        rows = [
            ("索引号", c["index_no"], "主题分类", c.get("category", "综合政务")),
            ("发布机构", c["origin"] or "", "发文字号", c.get("doc") or ""),
            ("成文日期", c["written"], "发布日期", c["pub_table"]),
        ]
        table = "\n".join(
            f'<tr><td class="bt">{a}：</td><td class="nr">{b}</td><td class="bt">{x}：</td><td class="nr">{y}</td></tr>'
            for a, b, x, y in rows
        )
        table = (
            '<table class="xxgk_table" width="100%" cellspacing="0" cellpadding="0" border="0">\n'
            f"{table}\n"
            f'<tr><td class="bt">名　　称：</td><td class="nr" colspan="3">{c["title"]}</td></tr>\n</table>'
        )
        chrome += ["索引号", "主题分类", "成文日期", c["index_no"], "当前位置", "打印本页", "关闭窗口",
                   "ICP备", "网站标识码", "公网安备", "主办单位", "政务服务", "互动交流", "字体：大中小"]
        body = f"""
<div class="header"><div class="logo"><a href="/"><img src="/images/logo.png" alt="{site}"></a></div>
<ul class="nav"><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li><li><a href="/zwfw/">政务服务</a></li><li><a href="/hdjl/">互动交流</a></li><li><a href="/zjxx/">走进{site[:2]}</a></li></ul>
<form class="search" action="/search"><input type="text" name="q" placeholder="请输入关键词"><button>搜索</button></form></div>
<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政府信息公开</a> &gt; <a href="/zwgk/tzgg/">通知公告</a></div>
<div class="main">
{table}
<div class="article">
<h1 class="article-title">{c["title"]}</h1>
<div class="article-info">发布时间：{pub_shown}&nbsp;&nbsp;&nbsp;&nbsp;【字体：<a href="javascript:doZoom(18)">大</a> <a href="javascript:doZoom(16)">中</a> <a href="javascript:doZoom(14)">小</a>】</div>
<div class="TRS_Editor" id="zoom">
{body_html(c, "p-indent")}
</div>
<div class="article-tools"><a href="javascript:window.print()">【打印本页】</a> <a href="javascript:window.close()">【关闭窗口】</a></div>
</div></div>
<div class="footer"><p>主办单位：{site}办公室　承办：{site}大数据中心</p>
<p><a href="https://beian.miit.gov.cn/">{c.get("icp", "皖ICP备05002618号")}</a>　<img src="/images/ga.png">{c.get("gongan", "皖公网安备 34080202000134号")}　网站标识码：{c.get("bsm", "3408000001")}</p></div>
"""
        return body
    if v == 1:
        items = [
            ("索引号", c["index_no"]), ("信息分类", c.get("category", "通知公告")),
            ("发布机构", c["origin"] or ""), ("发文字号", c.get("doc") or "无"),
            ("成文日期", c["written"]), ("公开方式", "主动公开"),
        ]
        lis = "\n".join(f"<li><label>{a}：</label><span>{b}</span></li>" for a, b in items)
        chrome += ["索引号", "信息分类", "公开方式", "主动公开", "上一篇", "下一篇", "分享到", "扫一扫在手机打开当前页",
                   "网站地图", "联系我们", "ICP备", "政府网站标识码", c["prev"], c["next"]]
        if c.get("doc") is None:
            chrome.append("发文字号：无")
        return f"""
<header class="g-head"><div class="wrap"><span class="site-name">{site}</span>
<nav><a href="/">网站首页</a><a href="/col/col101/">信息公开</a><a href="/col/col102/">政策文件</a><a href="/col/col103/">政民互动</a></nav></div></header>
<div class="wrap bread"><span>您现在的位置：</span><a href="/">首页</a>&gt;<a href="/col/col101/">信息公开</a>&gt;<span>部门文件</span></div>
<div class="wrap xxgk-info"><ul>
{lis}
</ul></div>
<div class="wrap detail">
<div class="detail-title">{c["title"]}</div>
<div class="detail-sub"><span>发布日期：{pub_shown}</span><span>来源：{c["origin"]}</span><span>浏览次数：<i id="hits">1,286</i></span></div>
<div id="zoom" class="detail-con">
{body_html(c, "div" if c.get("div_paras") else "p")}
</div>
<div class="share">分享到：<a class="wx" title="微信"></a><a class="wb" title="微博"></a><a class="qz" title="QQ空间"></a></div>
<div class="qr"><img src="/qr.png"><p>扫一扫在手机打开当前页</p></div>
<ul class="prev-next"><li>上一篇：<a href="/art/prev.html">{c["prev"]}</a></li><li>下一篇：<a href="/art/next.html">{c["next"]}</a></li></ul>
</div>
<footer class="g-foot"><p><a href="/wzdt/">网站地图</a> | <a href="/lxwm/">联系我们</a></p>
<p>{site}版权所有　{c.get("icp", "浙ICP备10213547号-1")}　政府网站标识码：{c.get("bsm", "3306000019")}</p></footer>
"""
    # v == 2: a different CMS: definition-list disclosure block, policy
    # interpretation teasers and a related-links box.
    dl = "\n".join(
        f"<dt>{a}</dt><dd>{b}</dd>"
        for a, b in [
            ("索 引 号", c["index_no"]), ("发布机构", c["origin"] or ""),
            ("文　　号", c.get("doc") or ""), ("生成日期", c["written"]),
            ("发布日期", c["pub_table"]), ("有 效 性", "有效"),
        ]
    )
    teasers = c["teasers"]
    chrome += ["有效性", "生成日期", "政策解读", "相关链接", "我要纠错", "政府信息公开指南", "ICP备",
               "技术支持"] + [t[1][:14] for t in teasers]
    return f"""
<div id="top-bar"><div class="inner"><a href="/">{site}</a> | <a href="/wza/">无障碍浏览</a> | <a href="/jcx/">我要纠错</a></div></div>
<div class="nav-main"><a href="/">首页</a><a href="/xxgk/">政府信息公开</a><a href="/xxgk/zn/">政府信息公开指南</a></div>
<div class="openinfo-box"><dl class="openinfo">
{dl}
</dl></div>
<div class="article-con">
<div class="art-title"><h2>{c["title"]}</h2></div>
<div class="view TRS_UEDITOR trs_paper_default trs_web">
{body_html(c, "p-span")}
</div>
</div>
{teaser_list(teasers, "zcjd", "政策解读")}
<div class="xglj"><h4>相关链接</h4><a href="http://www.gov.cn/">中国政府网</a> <a href="/sgw/">省政府网站</a></div>
<div class="foot">{site}主办　技术支持：{site[:2]}市大数据发展管理中心　{c.get("icp", "苏ICP备05003211号")}</div>
"""


def t_party(c: dict, chrome: list[str]) -> str:
    v = c["variant"]
    site = c["site"]
    side = c["side"]
    teasers = c.get("teasers", [])
    chrome += side[:4] + [t[1][:14] for t in teasers]
    info_bits = []
    src_l, ed_l = ("來源", "編輯") if v == 2 else ("来源", "编辑")
    if c.get("origin"):
        info_bits.append(f"{src_l}：{c['origin']}")
    if c.get("author"):
        info_bits.append(f"作者：{c['author']}")
    if c.get("editor") and v != 2:
        info_bits.append(f"{ed_l}：{c['editor']}")
    for bit in info_bits:
        chrome.append(bit)
    if v == 0:
        chrome += ["党建要闻", "相关阅读", "版权所有", "打印", "关闭"]
        info = "　".join(info_bits + [f"发布时间：{c['pub_shown']}"])
        return f"""
<div class="banner"><img src="/images/banner.jpg" alt="{site}"></div>
<div class="menu"><a href="/">首页</a><a href="/djyw/">党建要闻</a><a href="/jcdj/">基层党建</a><a href="/gbgz/">干部工作</a><a href="/rcgz/">人才工作</a></div>
<div class="container">
<div class="left">
<div class="detail">
<h2 class="detail-tit">{c["title"]}</h2>
<div class="detail-info">{info}</div>
<div class="content" id="fontzoom">
{body_html(c, c.get("para_style", "p-indent"))}
</div>
{f'<p class="statement">{c["statement"]}</p>' if c.get("statement") else ""}
<div class="tools">【<a href="javascript:print()">打印</a>】【<a href="javascript:close()">关闭</a>】</div>
</div>
{teaser_list(teasers, "related", "相关阅读") if teasers else ""}
</div>
<div class="right">{link_list(side, "side-news", "党建要闻")}</div>
</div>
<div class="copyright">版权所有：{site}　{c.get("icp", "湘ICP备12007283号")}</div>
"""
    if v == 1:
        chrome += ["不忘初心", "上一条", "下一条", "凡注明", "信息员登录"]
        when = c["pub_shown"]
        return f"""
<div class="top"><div class="slogan">不忘初心　牢记使命</div><a class="login" href="/admin/">信息员登录</a></div>
<nav class="mainnav"><ul><li><a href="/">网站首页</a></li><li><a href="/zzjs/">组织建设</a></li><li><a href="/dyjy/">党员教育</a></li><li><a href="/djxx/">党纪学习</a></li></ul></nav>
<main>
<article class="news-detail">
<header><h1>{c["title"]}</h1>
<p class="meta"><span class="date">{when}</span>{"".join(f'<span>{b}</span>' for b in info_bits)}</p></header>
<div class="TRS_Editor">
{body_html(c, c.get("para_style", "p"))}
</div>
<div class="pager"><p>上一条：<a href="/a/1.html">{side[0]}</a></p><p>下一条：<a href="/a/2.html">{side[1]}</a></p></div>
</article>
{teaser_list(teasers, "recommend", "推荐阅读") if teasers else ""}
<aside>{link_list(side[2:], "hot", "热点文章")}</aside>
</main>
<footer><p>凡注明“来源：{site}”的所有作品，版权均属本网所有，转载请注明出处。</p><p>{c.get("icp", "豫ICP备09021578号")}</p></footer>
"""
    # v == 2: a traditional-script city portal (Big5), teasers ending in "..."
    chrome += ["上一篇", "下一篇", "網站聲明", "關於我們", f"編輯：{c['editor']}"]
    return f"""
<div class="hd"><a href="/">{site}</a> <span class="date"><script>showDate()</script></span></div>
<div class="nav"><a href="/">首頁</a> <a href="/news/">新聞</a> <a href="/dj/">黨建</a> <a href="/about/">關於我們</a></div>
<div class="cnt">
<h1>{c["title"]}</h1>
<div class="info">{c["pub_shown"]}　{"　".join(info_bits)}</div>
<div class="text" id="ctrlfscont">
{body_html(c, "p-fwspace")}
</div>
<div class="edit">編輯：{c["editor"]}</div>
<div class="pn"><p>上一篇：</p><p><a href="/p.html">{side[0]}</a></p><p>下一篇：</p><p><a href="/n.html">{side[1]}</a></p></div>
<div class="teasers">{"".join(f'<div class="t"><a href="/x{n}.html">{t[1]}</a></div>' for n, t in enumerate(teasers))}</div>
</div>
<div class="ft"><a href="/sm/">網站聲明</a> | {c.get("icp", "鄂ICP備06012345號")}</div>
"""


def t_news(c: dict, chrome: list[str]) -> str:
    v = c["variant"]
    site = c["site"]
    side = c["side"]
    teasers = c.get("teasers", [])
    chrome += side[:4] + [t[1][:14] for t in teasers]
    if v == 0:
        chrome += ["分享到", "猜你喜欢", "网友评论", "发表评论", "请文明上网", "热点推荐", "责编", "新闻客户端",
                   "违法和不良信息举报"]
        src = f'来源：<a href="#">{c["origin"]}</a>' if c.get("origin") else ""
        byline = f'<p class="author">记者　{c["author"]}</p>' if c.get("author") else ""
        if c.get("author"):
            chrome.append(f"记者{c['author']}")
        return f"""
<div class="topbar"><a href="/">{site}首页</a> | <a href="/app/">新闻客户端</a> | <a href="/login">登录</a></div>
<div class="channel-nav"><a href="/politics/">时政</a><a href="/finance/">财经</a><a href="/society/">社会</a><a href="/tech/">科技</a></div>
<div class="layout">
<div class="col-1">
<h1>{c["title"]}</h1>
<div class="col-1-1"><div class="fl">{c["pub_shown"]} | {src}</div>
<div class="fr share">分享到：<a class="wx"></a><a class="wb"></a></div></div>
{byline}
<div class="rm_txt_con cf">
{body_html(c, "p-fwspace")}
<div class="edit cf">(责编：{c["editor"]})</div>
</div>
{teaser_list(teasers, "you-like", "猜你喜欢")}
<div id="comment" class="comment-box"><h3>网友评论</h3><p class="tip">请文明上网，理性发言</p><textarea></textarea><button>发表评论</button><p class="cnt">已有0人参与</p></div>
</div>
<div class="col-2">{link_list(side, "hot-list", "热点推荐")}</div>
</div>
<div class="footer"><p>{site}版权所有，未经书面授权禁止使用</p><p>违法和不良信息举报电话：010-65363263</p></div>
"""
    if v == 1:
        chrome += ["打开APP", "看更多精彩", "相关新闻", "热门排行", "意见反馈", "编辑："]
        return f"""
<div class="app-banner" id="appBanner"><img src="/logo-app.png"><span>打开{site}APP，看更多精彩内容</span><a class="btn" href="/download">打开APP</a></div>
<div class="top-nav"><a href="/">首页</a><a href="/news/">新闻</a><a href="/finance/">财经</a><a href="/local/">本地</a></div>
<div class="main-content w1000">
<h1 class="main-title">{c["title"]}</h1>
<div class="date-source"><span class="date">{c["pub_shown"]}</span> <a class="source" href="#">{c["origin"]}</a></div>
<div class="article" id="artibody">
{body_html(c, "p-fwspace")}
<p class="show_author">编辑：{c["editor"]}</p>
</div>
<div class="app-banner-bottom">打开{site}APP 阅读全文</div>
{teaser_list(teasers, "related", "相关新闻") if teasers else link_list(side[:3], "related", "相关新闻")}
<div class="side">{link_list(side, "rank", "热门排行")}</div>
</div>
<div class="foot"><a href="/fk/">意见反馈</a> Copyright &copy; {site} All Rights Reserved</div>
"""
    # v == 2: a traditional-script news site (Big5), copyright disclaimer
    chrome += ["版權與免責聲明", "凡本網注明", "首頁", "正文", "違反上述聲明者"]
    author_line = f"<p>　　{c['byline']}</p>\n" if c.get("byline") else ""
    return f"""
<div class="nav">{site}正文</div>
<div class="crumbs"><a href="/">首頁</a> &gt; <a href="/szbd/">szbd</a> &gt; {c["origin"]}</div>
<div class="content_left">
<h1 style="display:block">{c["title"]}</h1>
<div class="left-t">{c["pub_shown"]} 來源：{c["origin"]} 編輯：{c["editor"]}</div>
<div class="left_zw" style="position:relative">
{author_line}{body_html(c, "p-fwspace")}
</div>
<div class="disclaimer"><p>{site}版權與免責聲明：</p><p>① 凡本網注明"來源：本網"的所有作品，版權均屬於本網，未經授權不得轉載。違反上述聲明者，本網將追究其相關法律責任。</p></div>
{link_list(side, "news_list", "新聞排行")}
</div>
"""


def t_university(c: dict, chrome: list[str]) -> str:
    v = c["variant"]
    site = c["site"]
    side = c["side"]
    chrome += side[:3] + ["学校概况", "院系设置", "版权所有", "点击数", "关闭窗口"]
    author = f"作者：{c['author']}&nbsp;&nbsp;" if c.get("author") else ""
    if c.get("author"):
        chrome.append(f"作者：{c['author']}")
    src = f"来源：{c['origin']}&nbsp;&nbsp;" if c.get("origin") else ""
    if c.get("origin"):
        chrome.append(f"来源：{c['origin']}")
    nav = f"""<div class="head"><a href="/"><img src="/images/logo.png" alt="{site}"></a>
<ul class="menu"><li><a href="/xxgk.htm">学校概况</a></li><li><a href="/yxsz.htm">院系设置</a></li><li><a href="/jxky.htm">教学科研</a></li><li><a href="/zsjy.htm">招生就业</a></li></ul></div>"""
    if v == 0:
        return f"""
{nav}
<div class="main"><div class="lm"><h3>{c["column"]}</h3>{link_list(side, "lm-list", "最新动态")}</div>
<div class="nr">
<div class="dqwz">当前位置: <a href="../index.htm">首页</a> &gt;&gt; <a href="../list.htm">{c["column"]}</a> &gt;&gt; 正文</div>
<form name="_newscontent_fromname">
<div class="title"><h2>{c["title"]}</h2></div>
<div class="info">{author}{src}时间：{c["pub_shown"]}&nbsp;&nbsp;点击数：<script>_showDynClicks("wbnews", 1590000032, 8831)</script></div>
<div id="vsb_content"><div class="v_news_content">
{body_html(c, c.get("para_style", "p-indent"))}
</div></div>
<div id="div_vote_id"></div>
<div class="close">【<a href="javascript:window.close()">关闭窗口</a>】</div>
</form>
</div></div>
<div class="foot">版权所有 &copy; {site}　地址：{c["address"]}　邮编：{c["postcode"]}</div>
"""
    chrome.append("上一条")
    return f"""
{nav}
<table width="1000" align="center"><tr><td width="220" valign="top">{link_list(side, "left-news", c["column"])}</td>
<td valign="top">
<form name="_newscontent_fromname"><div align="center">
<table width="96%">
<tr><td class="titlestyle1" align="center">{c["title"]}</td></tr>
<tr><td align="center" class="timestyle">{c["pub_shown"]}&nbsp;&nbsp;{author}{src}点击数：<span id="clicks">221</span></td></tr>
<tr><td class="contentstyle"><div id="vsb_content_2"><div class="v_news_content">
{body_html(c, "p")}
</div></div></td></tr>
<tr><td>上一条：<a href="/info/1.htm">{side[0]}</a></td></tr>
<tr><td align="right">【<a href="javascript:window.close()">关闭窗口</a>】</td></tr>
</table></div></form>
</td></tr></table>
<div class="foot">版权所有 &copy; {site}　地址：{c["address"]}</div>
"""


def t_wechat(c: dict, chrome: list[str]) -> str:
    v = c["variant"]
    author = (
        f'<span class="rich_media_meta rich_media_meta_text">{c["author"]}</span>\n'
        if c.get("author") else ""
    )
    chrome += ["微信扫一扫", "关注该公众号", "预览时标签不可点", "继续滑动看下一个", "轻触阅读原文",
               "向上滑动看下一个", "知道了", "喜欢此内容的人还喜欢", "分享", "在看"]
    chrome += [t[0] for t in c.get("teasers", [])]
    tail = "\n".join(
        f'<section style="text-align: right;"><span style="font-size: 12px; color: #888;">{t}</span></section>'
        for t in c.get("tail_lines", [])
    )
    chrome += c.get("tail_lines", [])
    likes = "".join(
        f'<div class="relate_article_item"><span class="relate_article_title">{t[0]}</span></div>'
        for t in c.get("teasers", [])
    )
    inner = f"""
<div id="img-content" class="rich_media_wrp">
<h1 class="rich_media_title " id="activity-name">
            {c["title"]}
          </h1>
<div id="meta_content" class="rich_media_meta_list">
{author}<span class="rich_media_meta rich_media_meta_nickname" id="profileBt"><a href="javascript:void(0);" class="wx_tap_link js_wx_tap_highlight weui-wa-hotarea" id="js_name">
                        {c["origin"]}                      </a></span>
<em id="publish_time" class="rich_media_meta rich_media_meta_text">{c["pub_shown"]}</em>
</div>
<div class="rich_media_content js_underline_content autoTypeSetting24psection" id="js_content" style="visibility: hidden;">
{body_html(c, "section")}
{tail}
<p style="display: none;"><mp-style-type data-value="3"></mp-style-type></p>
</div>
<div class="rich_media_tool_area"><a id="js_view_source" href="##">轻触阅读原文</a> <span id="js_like">在看</span> <span>分享</span></div>
<div id="js_pc_qr_code" class="qr_code_pc"><img class="qr_code_pc_img" src="/mp/qrcode"><p>微信扫一扫<br>关注该公众号</p></div>
<div class="weui-dialog__bd">预览时标签不可点</div>
<div id="js_related_area"><div class="relate_title">喜欢此内容的人还喜欢</div>{likes}</div>
<div class="unlogin_bottom">继续滑动看下一个 向上滑动看下一个 <a>知道了</a></div>
</div>
<script>var nickname = htmlDecode("{c["origin"]}"); var ct = "{c["ct_epoch"]}";</script>
"""
    if v == 0:
        return inner
    chrome += ["本文转载自微信公众号", "版权归原作者所有", "公众号文章存档"]
    return f"""
<div class="mirror-top"><a href="/">公众号文章存档</a> &gt; <a href="/biz/{c["origin"]}">{c["origin"]}</a></div>
<div class="mirror-note">本文转载自微信公众号“{c["origin"]}”，版权归原作者所有，如有侵权请联系删除。</div>
{inner}
"""


def t_oldtable(c: dict, chrome: list[str]) -> str:
    v = c["variant"]
    site = c["site"]
    side = c["side"]
    chrome += side[:3] + ["点击数", "关闭窗口", "版权所有", "技术支持", "最新信息"]
    if "ICP" in c.get("icp", "ICP"):
        chrome.append("ICP备")
    info = [f"发布时间：{c['pub_shown']}"]
    if c.get("origin"):
        info.append(f"来源：{c['origin']}")
        chrome.append(f"来源：{c['origin']}")
    if c.get("author"):
        info.append(f"作者：{c['author']}")
        chrome.append(f"作者：{c['author']}")
    if c.get("editor"):
        info.append(f"编辑：{c['editor']}")
        chrome.append(f"编辑：{c['editor']}")
    info.append('点击数：<script src="/count.asp?id=2317"></script>')
    side_rows = "".join(
        f'<tr><td height="22">&middot;<a href="/news/{n}.htm" target="_blank">{h}</a></td></tr>'
        for n, h in enumerate(side)
    )
    style = "br" if v == 0 else "br2"
    trad = "traditional" in c.get("traps", [])
    font_open = '<font face="宋体" size="3">' if v == 1 else ""
    font_close = "</font>" if v == 1 else ""
    page = f"""
<table width="778" border="0" align="center" cellpadding="0" cellspacing="0">
<tr><td><img src="/images/top.jpg" width="778" height="120" alt="{site}"></td></tr>
<tr><td bgcolor="#B70000" height="28" class="white">&nbsp;<a href="/">首页</a> | <a href="/zwgk/">政务公开</a> | <a href="/bsfw/">办事服务</a> | <a href="/gzhd/">公众互动</a></td></tr>
</table>
<table width="778" border="0" align="center" cellpadding="0" cellspacing="0">
<tr><td width="200" valign="top" bgcolor="#F5F5F5">
<table width="100%"><tr><td class="lmt"><b>最新信息</b></td></tr>{side_rows}</table>
</td>
<td width="578" valign="top">
<table width="96%" border="0" align="center" cellpadding="0" cellspacing="0">
<tr><td height="40" align="center" class="title"><font color="#FF0000" size="4"><b>{c["title"]}</b></font></td></tr>
<tr><td height="25" align="center" bgcolor="#EEEEEE" class="f12">{"&nbsp;&nbsp;".join(info)}</td></tr>
<tr><td class="content" style="line-height:180%; font-size:14px">{font_open}
@@BODY@@
{font_close}</td></tr>
<tr><td align="right"><a href="javascript:window.close()">【关闭窗口】</a></td></tr>
</table>
</td></tr></table>
<table width="778" border="0" align="center"><tr><td align="center" class="f12">版权所有：{site}&nbsp;&nbsp;技术支持：{c.get("tech", "县信息中心")}&nbsp;&nbsp;{c.get("icp", "鲁ICP备05012873号")}</td></tr></table>
"""
    if trad:  # a Taiwanese or Hong Kong site: the page chrome is traditional too
        import opencc

        conv = opencc.OpenCC("s2tw").convert
        page = conv(page)
        chrome[:] = [conv(x) for x in chrome]
    return page.replace("@@BODY@@", body_html(c, style))


def t_mobile(c: dict, chrome: list[str]) -> str:
    v = c["variant"]
    site = c["site"]
    teasers = c.get("teasers", [])
    chrome += [t[1][:14] for t in teasers]
    if v == 0:
        chrome += ["打开APP", "阅读体验更佳", "展开全文", "下载客户端", "相关推荐", "我的"]
        src = f'<span class="m-src">来源：{c["origin"]}</span>' if c.get("origin") else ""
        if c.get("origin"):
            chrome.append(f"来源：{c['origin']}")
        ed = f'<p class="m-editor">责任编辑：{c["editor"]}</p>' if c.get("editor") else ""
        if c.get("editor"):
            chrome.append(f"责任编辑：{c['editor']}")
        return f"""
<div class="app-download" id="openApp"><span>打开APP，阅读体验更佳</span><a href="/dl">打开</a></div>
<header class="m-header"><a class="back" href="javascript:history.back()"></a><span>{site}</span></header>
<article class="m-art">
<h1 class="m-title">{c["title"]}</h1>
<div class="m-info">{src}<time>{c["pub_shown"]}</time></div>
<div class="m-content">
{body_html(c, "p")}
{ed}
</div>
<div class="m-more" onclick="expand()">展开全文</div>
</article>
<div class="m-dl">下载客户端，看更多精彩</div>
<section class="m-rec"><h3>相关推荐</h3>{"".join(f'<a class="rec" href="/m/{n}.html"><h4>{t[0]}</h4><p>{t[1]}</p></a>' for n, t in enumerate(teasers))}</section>
<nav class="tabbar"><a href="/">首页</a><a href="/v/">视频</a><a href="/me/">我的</a></nav>
"""
    # v == 1: a single-page-app shell rendered server-side; paragraphs are divs
    chrome += ["返回顶部", "App内查看", "热门评论", "写评论", "更多精彩"]
    meta = []
    if c.get("origin"):
        meta.append(f'<span class="source">{c["origin"]}</span>')
    if c.get("author"):
        meta.append(f'<span class="author">作者：{c["author"]}</span>')
        chrome.append(f"作者：{c['author']}")
    comments = c.get("comments", [])
    chrome += [x[:12] for x in comments]
    return f"""
<div id="app"><div class="detail-page">
<div class="open-in-app">App内查看</div>
<div class="detail-hd"><div class="d-title">{c["title"]}</div>
<div class="d-meta">{"".join(meta)}<span class="time">{c["pub_shown"]}</span></div></div>
<section class="d-body">
{body_html(c, "mdiv")}
</section>
<div class="d-editor">{"责任编辑：" + c["editor"] if c.get("editor") else ""}</div>
<div class="d-comments"><div class="c-hd">热门评论</div>{"".join(f'<div class="c-item"><span class="nick">网友{n}</span><p>{x}</p></div>' for n, x in enumerate(comments))}<div class="c-input">写评论...</div></div>
<div class="d-more"><h5>更多精彩</h5>{"".join(f'<div class="m-item"><p class="m-t">{t[0]}</p><p class="m-d">{t[1]}</p></div>' for t in teasers)}</div>
<a class="gotop" href="#">返回顶部</a>
</div></div>
"""


def t_short(c: dict, chrome: list[str]) -> str:
    v = c["variant"]
    site = c["site"]
    side = c["side"]
    teasers = c["teasers"]
    chrome += side[:5] + [t[1][:14] for t in teasers] + ["热点新闻", "推荐阅读", "专题专栏", "ICP备"]
    if c.get("origin"):
        chrome.append(f"来源：{c['origin']}")
    if c.get("editor"):
        chrome.append(f"编辑：{c['editor']}")
    info = [c["pub_shown"]]
    if c.get("origin"):
        info.append(f"来源：{c['origin']}")
    if c.get("editor"):
        info.append(f"编辑：{c['editor']}")
    topics = "".join(f'<li><a href="/zt/{n}/">{t}</a></li>' for n, t in enumerate(c["topics"]))
    chrome += c["topics"][:2]
    rec = "".join(
        f'<div class="rec-item"><h4><a href="/r/{n}.html">{t[0]}</a></h4><p>{t[1]}</p></div>'
        for n, t in enumerate(teasers)
    )
    if v == 0:
        return f"""
<div class="head"><a href="/" class="logo">{site}</a><div class="nav"><a href="/">首页</a><a href="/yw/">要闻</a><a href="/bd/">本地</a><a href="/ms/">民生</a></div></div>
<div class="wrap">
<div class="sidebar-left">{link_list(side, "hot", "热点新闻")}<div class="topics"><h3>专题专栏</h3><ul>{topics}</ul></div></div>
<div class="main-col">
<div class="news-title">{c["title"]}</div>
<div class="news-info">{"　".join(info)}</div>
<div class="news-body">
{body_html(c, "p-fwspace")}
</div>
</div>
<div class="sidebar-right"><h3>推荐阅读</h3>{rec}</div>
</div>
<div class="footer">{site} 版权所有 {c.get("icp", "晋ICP备08100932号")}</div>
"""
    return f"""
<div class="header"><span class="logo-text">{site}</span></div>
<div class="row">
<div class="col-md-8"><div class="art">
<h3 class="art-h">{c["title"]}</h3>
<p class="art-meta">{"　|　".join(info)}</p>
<div class="art-txt">
{body_html(c, "p")}
</div></div>
<div class="rec"><h3>推荐阅读</h3>{rec}</div>
</div>
<div class="col-md-4">{link_list(side, "hot", "热点新闻")}<div class="zt"><h3>专题专栏</h3><ul>{topics}</ul></div></div>
</div>
<div class="footer">Copyright {site} {c.get("icp", "黔ICP备11002981号-2")}</div>
"""


TEMPLATES = {
    "gov-disclosure-table": t_gov,
    "party-building": t_party,
    "news-portal": t_news,
    "university-form": t_university,
    "wechat-mirror": t_wechat,
    "table-layout-old": t_oldtable,
    "mobile": t_mobile,
    "short-item-big-sidebar": t_short,
}

HEAD_EXTRA = {
    "mobile": '<meta name="viewport" content="width=device-width, initial-scale=1, maximum-scale=1, user-scalable=no">',
    "wechat-mirror": '<meta name="viewport" content="width=device-width,initial-scale=1.0,maximum-scale=1.0,user-scalable=0,viewport-fit=cover">',
}


def render(case: dict) -> tuple[bytes, dict]:
    codec, charset, header = ENCODINGS[case["enc"]]
    codec = case.get("codec", codec)
    chrome: list[str] = []
    if case.get("hidden"):
        chrome.append(case["hidden"][1])
    body = TEMPLATES[case["layout"]](case, chrome)
    page_title = case.get("page_title") or f"{case['title']}_{case['site']}"
    og = ""
    if case["layout"] == "wechat-mirror":
        og = f'<meta property="og:title" content="{case["title"]}" />\n<meta property="og:type" content="article" />'
    doctype = "" if case["layout"] == "table-layout-old" else "<!DOCTYPE html>\n"
    lang = "" if case["layout"] == "table-layout-old" else ' lang="zh-CN"'
    scripts = '<script type="text/javascript">var _hmt = _hmt || [];</script>'
    page = f"""{doctype}<html{lang}>
<head>
{meta_charset(case, charset)}
<title>{page_title}</title>
{HEAD_EXTRA.get(case["layout"], "")}
<meta name="keywords" content="{case["site"]}">
{og}
<link rel="stylesheet" href="/css/style.css">
<style>.hide{{display:none}} body{{font-family:"Microsoft YaHei"}}</style>
{scripts}
</head>
<body>
{body}
</body>
</html>
"""
    if case["layout"] == "table-layout-old":
        page = page.replace("\n", "\r\n")
    # Pinyin tone letters have no Big5/GBK code: real pages send them as
    # character references; everything else must encode as is.
    try:
        re.sub(r"<rt>.*?</rt>", "", page).encode(codec)
    except UnicodeEncodeError as err:
        raise SystemExit(f"{case['name']}: {page[err.start - 20:err.end + 5]!r} not in {codec}") from err
    raw = page.encode(codec, errors="xmlcharrefreplace")
    content_type = case["ct"] if "ct" in case else header
    expected = {
        "title": case["title"],
        "published": case["published"],
        "origin": case.get("origin"),
        "author": case.get("author"),
        "editor": case.get("editor"),
        "doc_number": case.get("doc"),
        "text": "\n".join(plain(p) for p in case["paras"]),
    }
    seen: set[str] = set()
    boiler = [s for s in chrome if s and not (s in seen or seen.add(s))]
    spec = {
        "url": case["url"],
        "content_type": content_type,
        "layout": case["layout"],
        "variant": f"{case['layout']}/v{case['variant']}",
        "encoding": case["enc"],
        "holdout": case.get("holdout", False),
        "traps": case.get("traps", []),
        "expected": expected,
        "boilerplate": boiler,
    }
    return raw, spec


def main() -> None:
    cases = CASES + seed_cases()
    names = [c["name"] for c in cases]
    assert len(names) == len(set(names)), "duplicate case names"
    for old in list(HERE.glob("*.html")) + list(HERE.glob("*.json")):
        old.unlink()
    for case in cases:
        raw, spec = render(case)
        (HERE / f"{case['name']}.html").write_bytes(raw)
        (HERE / f"{case['name']}.json").write_text(
            json.dumps(spec, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )
    print(f"wrote {len(cases)} cases to {HERE}")


if __name__ == "__main__":
    main()
