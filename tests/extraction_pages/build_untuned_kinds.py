"""Write the pages of the four kinds issue 11 names as failing on untuned pages.

Run once by hand (``.venv/bin/python tests/extraction_pages/build_untuned_kinds.py``);
the committed .html/.json files are the set, and no test regenerates them.
Unlike build_cases.py this writes only its own pages and leaves the others alone.

The kinds, each at least five pages built differently from one another:

* ``portal-brief``: a news brief of one or two paragraphs on a big portal whose
  hot lists, recommendation feeds, comment threads or live feeds hold ten
  times more prose than the article;
* ``hk-tw-portal``: Hong Kong and Taiwan portals in traditional script, in
  Big5 and in UTF-8;
* ``short-notice``: notices of one or two lines, or of an attachment link
  only, or whose first line repeats the issuing body named in the metadata,
  closing with the signature and its date;
* ``wechat-app-meta``: WeChat articles and their mirrors, whose origin is the
  account name and never the 阅读原文 link, and app-shell pages that state their
  origin only in the page header or in the share data.

Every text, name and number is invented for this set. The labels come from
the same data the page is rendered from. Which pages are held back was
decided when they were written, before any extraction was run on them.
"""

from __future__ import annotations

import html as htmllib
import json
from pathlib import Path

import opencc

HERE = Path(__file__).resolve().parent

ENCODINGS = {
    "utf-8": ("utf-8", "utf-8", "text/html; charset=utf-8"),
    "gbk-declared-gb2312": ("gbk", "gb2312", "text/html; charset=gb2312"),
    "gb18030": ("gb18030", "gb18030", "text/html; charset=GB18030"),
    "big5": ("big5", "big5", "text/html; charset=big5"),
    "undeclared-gbk": ("gbk", None, None),
}

_to_hk = opencc.OpenCC("s2hk").convert
_to_tw = opencc.OpenCC("s2tw").convert
_hk_to_simple = opencc.OpenCC("hk2s").convert


def fit_codec(text: str, codec: str) -> str:
    """`text` with each character the codec lacks (峯 in Big5) in its Taiwan form (峰), as Big5 sites write it."""
    out = []
    for ch in text:
        try:
            ch.encode(codec)
        except UnicodeEncodeError:
            ch = _to_tw(_hk_to_simple(ch))
        out.append(ch)
    return "".join(out)

# Prose that portals stack beside a brief: each is a full sentence, punctuated
# like the article, and none ends in a teaser's "…".
FEED = [
    ("城东片区老旧管网改造全面完工", "记者从市住建局获悉，城东片区十二个老旧小区的供水管网改造已全部完工，惠及居民八千余户，水压不足的问题得到解决。"),
    ("全市首批智慧农贸市场投入使用", "首批五家智慧农贸市场实现电子秤联网和价格实时公示，市民扫码即可查看商品来源和检测结果，摊主也能在线对账。"),
    ("职业技能大赛决赛落幕", "本届职业技能大赛设置焊工、电工、育婴员等二十个赛项，共有六百余名选手参赛，前三名将获得相应等级的职业资格证书。"),
    ("新开通三条社区微循环公交", "三条社区微循环公交线路采用小型新能源车辆，串联起地铁站、菜市场和社区卫生服务中心，每十五分钟一班。"),
    ("高校毕业生就业见习岗位征集启动", "今年计划征集见习岗位三千个，见习期间由政府按月给予补贴，见习期满留用的单位还可享受一次性奖励。"),
    ("滨江步道夜间照明提升工程完工", "滨江步道新装景观灯一千二百余盏，沿线增设了休息座椅和直饮水点，晚上散步的市民明显多了起来。"),
    ("农村客运班线实现镇镇通公交", "随着最后两条线路开通，全县所有乡镇都通了公交，票价统一为两元，老年人持卡可以免费乘坐。"),
    ("中小学课后服务实现全覆盖", "全市义务教育学校全部开展课后服务，开设体育、艺术、科技等兴趣课程，家长可以根据需要自愿选择。"),
    ("夏季用电高峰电网运行平稳", "供电公司提前完成了迎峰度夏设备检修，新增变压器四十台，目前全市电网负荷保持在安全范围之内。"),
    ("春茶采摘进入高峰期", "山区茶园迎来采摘高峰，合作社组织村民分批采摘，鲜叶收购价格比去年略有上涨，茶农增收有了保障。"),
    ("图书馆延长周末开放时间", "市图书馆从本月起将周末闭馆时间推迟到晚上九点，自习区新增座位二百个，并提供免费无线网络。"),
    ("住房公积金贷款额度上调", "缴存职工首次购买自住住房的，公积金贷款最高额度由五十万元提高到六十万元，新政策从下月一日起执行。"),
    ("湿地公园观鸟季开幕", "今年入冬以来，湿地公园已记录到越冬候鸟四十余种，观鸟季期间公园将开放三处观鸟屋并安排讲解员。"),
    ("城市书房新增十处", "新建的十处城市书房分布在公园、社区和商圈，实行自助借还，每处藏书三千册左右，全年无休。"),
]
COMMENTS = [
    "希望这样的好政策能早点惠及我们乡下，家里老人一直盼着呢，感谢政府。",
    "上次路过就看到在施工，没想到这么快就完成了，效率真高，点个赞。",
    "建议相关部门加强后期的维护管理，不要建好了就没人管，那就可惜了。",
    "我们小区也有同样的问题，不知道什么时候能轮到，有没有具体的时间表？",
    "这个消息太及时了，正准备出门，看来要改一下行程，谢谢提醒。",
    "说得很实在，老百姓关心的就是这些身边的小事，希望多报道。",
]


def esc(text: str) -> str:
    return htmllib.escape(text, quote=False)


def feed(start: int, n: int) -> list[tuple[str, str]]:
    return [FEED[(start + i) % len(FEED)] for i in range(n)]


# ---------------------------------------------------------------- portal-brief


def brief_sina(c: dict, chrome: list[str]) -> str:
    """Sina-like: a two-paragraph brief, a hot list with summaries at the side, a card feed below."""
    hot = feed(0, 10)
    cards = feed(5, 8)
    chrome += [h[1][:16] for h in hot[:4]] + [h[1][:16] for h in cards[:4]] + ["热门排行", "责任编辑：" + c["editor"]]
    paras = "".join(f"<p>　　{esc(p)}</p>" for p in c["paras"])
    side = "".join(f'<li><a href="/n/{i}.shtml">{t}</a><p>{s}</p></li>' for i, (t, s) in enumerate(hot))
    card_html = "".join(
        f'<div class="feed-card"><h2><a href="/f/{i}.shtml">{t}</a></h2><p class="feed-summary">{s}</p>'
        f'<span class="feed-time">{i + 3}分钟前</span></div>'
        for i, (t, s) in enumerate(cards)
    )
    return f"""
<div class="top-nav"><a href="/">首页</a><a href="/news/">新闻</a><a href="/finance/">财经</a><a href="/sports/">体育</a></div>
<div class="main-content">
<h1 class="main-title">{c["title"]}</h1>
<div class="date-source"><span class="date">{c["pub_shown"]}</span><a class="source" href="https://www.example-news.cn/">{c["origin"]}</a></div>
<div class="article" id="artibody">{paras}
<p class="article-editor">责任编辑：{c["editor"]}</p></div>
<div class="feed-wrap">{card_html}</div>
</div>
<div class="side-bar"><div class="side-hot"><h3>热门排行</h3><ul>{side}</ul></div></div>
"""


def brief_163(c: dict, chrome: list[str]) -> str:
    """163-like: one paragraph; recommendation items with summaries and a comment thread of prose."""
    recs = feed(2, 12)
    chrome += [r[1][:16] for r in recs[:5]] + [x[:14] for x in COMMENTS[:4]] + ["热门跟贴", "本文来源：" + c["origin"]]
    rec_html = "".join(
        f'<div class="post_recommend"><h3><a href="/21/{i}.html">{t}</a></h3><p>{s}</p><span>2024-05-{10 + i % 9:02d}</span></div>'
        for i, (t, s) in enumerate(recs)
    )
    ties = "".join(
        f'<div class="tie-item"><span class="tie-user">网易网友{i}</span><p class="tie-cnt">{x}</p><span class="tie-vote">顶{20 + i}</span></div>'
        for i, x in enumerate(COMMENTS)
    )
    paras = "".join(f"<p>{esc(p)}</p>" for p in c["paras"])
    return f"""
<div class="N-nav-top"><a href="/">网易首页</a> <a href="/news/">新闻</a> <a href="/money/">财经</a></div>
<div class="post_main">
<h1>{c["title"]}</h1>
<div class="post_info">{c["pub_shown"]}　来源: <a href="#">{c["origin"]}</a></div>
<div class="post_body" id="endText">{paras}
<div class="ep-source">本文来源：{c["origin"]}　责任编辑：{c["editor"]}</div></div>
<div class="post_recommends"><h2>热门推荐</h2>{rec_html}</div>
<div class="tie-area"><h2>热门跟贴</h2>{ties}</div>
</div>
"""


def brief_kuai(c: dict, chrome: list[str]) -> str:
    """360kuai-like: a flash in an <article>, then an endless feed of long prose summaries in links."""
    items = feed(4, 14)
    chrome += [t[1][:16] for t in items[:6]] + ["为你推荐"]
    li = "".join(
        f'<li class="feed-item"><a href="/p/{9000 + i}"><h3>{t}</h3><p class="summary">{s}</p>'
        f'<span class="meta">江城新闻网 · {12 + i}评论</span></a></li>'
        for i, (t, s) in enumerate(items)
    )
    paras = "".join(f"<p>{esc(p)}</p>" for p in c["paras"])
    return f"""
<header class="site-header"><a class="logo" href="/">快资讯</a><input class="search" placeholder="搜索"></header>
<div class="detail-main">
<h1 class="title">{c["title"]}</h1>
<div class="info"><span class="source">{c["origin"]}</span><span class="time">{c["pub_shown"]}</span></div>
<article class="article-content">{paras}</article>
</div>
<div class="infinite-feed"><div class="feed-hd">为你推荐</div><ul>{li}</ul></div>
"""


def brief_1905(c: dict, chrome: list[str]) -> str:
    """A film portal: a photo with caption and one paragraph; dated flash lists and a comment box around it."""
    flashes = feed(7, 10)
    chrome += [f[0] for f in flashes[:4]] + ["影视快讯", "网友评论", "相关新闻"] + [x[:14] for x in COMMENTS[2:5]]
    flash_html = "".join(f'<li><span class="d">05-{11 - i % 5:02d}</span><a href="/news/{i}.shtml">{t}</a></li>' for i, (t, _) in enumerate(flashes))
    related = "".join(f'<li><a href="/r/{i}.shtml">{t}：{s[:30]}</a></li>' for i, (t, s) in enumerate(feed(1, 6)))
    comments = "".join(f'<dl class="cmt"><dt>影迷{i}</dt><dd>{x}</dd></dl>' for i, x in enumerate(COMMENTS[2:]))
    caption, *paras = c["paras"]
    body = f'<div class="pic"><img src="/uploads/2024/05/still.jpg" alt=""><p class="pic-txt">{esc(caption)}</p></div>' + "".join(
        f"<p>{esc(p)}</p>" for p in paras
    )
    return f"""
<div class="header-1905"><a href="/">电影网</a><a href="/news/">资讯</a><a href="/film/">电影</a></div>
<div class="container">
<div class="left-box">
<h1 class="tit">{c["title"]}</h1>
<p class="info">{c["pub_shown"]}　来源：{c["origin"]}</p>
<div class="pic-content">{body}</div>
<div class="related"><h3>相关新闻</h3><ul>{related}</ul></div>
<div class="comment-1905"><h3>网友评论</h3>{comments}</div>
</div>
<div class="right-box"><h3>影视快讯</h3><ul>{flash_html}</ul></div>
</div>
"""


def brief_toutiao(c: dict, chrome: list[str]) -> str:
    """An app-style page: the article in nested divs, a 24-hour hot list and recommended cards beside it."""
    hot = feed(9, 8)
    recs = feed(3, 8)
    chrome += [h[1][:16] for h in hot[:3]] + [r[0] for r in recs[:3]] + ["24小时热文", "相关推荐"]
    hot_html = "".join(f'<div class="hot-item"><a href="/group/{i}/">{t}</a><p>{s}</p></div>' for i, (t, s) in enumerate(hot))
    rec_html = "".join(
        f'<div class="feed-card-article"><a class="title" href="/i{700 + i}/">{t}</a><div class="abstract">{s}</div>'
        f'<div class="footer-bar"><span>评论 {30 + i}</span></div></div>'
        for i, (t, s) in enumerate(recs)
    )
    paras = "".join(f"<p>{esc(p)}</p>" for p in c["paras"])
    return f"""
<div id="root"><div class="index-container">
<div class="left-side"><div class="article-box">
<h1 class="article-title">{c["title"]}</h1>
<div class="article-sub"><span class="name">{c["origin"]}</span><span class="time">{c["pub_shown"]}</span></div>
<div class="article-content"><article class="syl-article-base"><div>{paras}</div></article></div>
</div>
<div class="related-feed"><h3>相关推荐</h3>{rec_html}</div>
</div>
<div class="right-side"><div class="hot-news"><h3>24小时热文</h3>{hot_html}</div></div>
</div></div>
"""


def brief_live(c: dict, chrome: list[str]) -> str:
    """A finance flash beside a 7x24 live feed whose every item is a paragraph of prose."""
    live = feed(6, 12)
    chrome += [s[:16] for _, s in live[:5]] + ["7×24小时", "查看更多快讯"]
    live_html = "".join(
        f'<div class="live-item"><span class="live-time">{9 + i // 4}:{(i * 7) % 60:02d}</span><p>【{t}】{s}</p></div>'
        for i, (t, s) in enumerate(live)
    )
    paras = "".join(f"<p>{esc(p)}</p>" for p in c["paras"])
    return f"""
<div class="nav"><a href="/">财经首页</a> | <a href="/stock/">股票</a> | <a href="/fund/">基金</a> | <a href="/live/">快讯</a></div>
<div class="content">
<div class="news-detail">
<div class="news-title">{c["title"]}</div>
<div class="news-meta"><span>{c["pub_shown"]}</span> <span>来源：{c["origin"]}</span></div>
<div class="news-text">{paras}</div>
</div>
<div class="live-box"><div class="live-hd">7×24小时</div>{live_html}<a class="more" href="/live/">查看更多快讯</a></div>
</div>
"""


# ---------------------------------------------------------------- hk-tw-portal


def hk_yahoo_news(c: dict, chrome: list[str]) -> str:
    """Yahoo-HK-like news: a stream of summarised stories laid out before the article, more after it."""
    stream = [(_to_hk(t), _to_hk(s)) for t, s in feed(0, 8)]
    more = [(_to_hk(t), _to_hk(s)) for t, s in feed(8, 6)]
    chrome += [s[:14] for _, s in stream[:4]] + [s[:14] for _, s in more[:3]] + ["熱門新聞", "更多新聞"]
    stream_html = "".join(f'<li class="js-stream-content"><h3><a href="/n/{i}.html">{t}</a></h3><p>{s}</p></li>' for i, (t, s) in enumerate(stream))
    more_html = "".join(f'<div class="more-card"><a href="/m/{i}.html">{t}</a><p>{s}</p></div>' for i, (t, s) in enumerate(more))
    paras = "".join(f"<p>{esc(p)}</p>" for p in c["paras"])
    return f"""
<div id="ybar"><a href="/">Yahoo新聞</a><a href="/hk/">港聞</a><a href="/world/">國際</a><a href="/finance/">財經</a></div>
<div id="module-stream"><h2>熱門新聞</h2><ul>{stream_html}</ul></div>
<article class="caas-container">
<header class="caas-title-wrapper"><h1>{c["title"]}</h1></header>
<div class="caas-attr"><span class="caas-attr-provider">{c["origin"]}</span><time>{c["pub_shown"]}</time></div>
<div class="caas-body">{paras}</div>
</article>
<div class="more-news"><h2>更多新聞</h2>{more_html}</div>
"""


def tw_table_portal(c: dict, chrome: list[str]) -> str:
    """An old Taiwanese portal in Big5: layout tables, the story in <br> runs, a 即時新聞 column."""
    news = [_to_tw(t) for t, _ in feed(3, 12)]
    chrome += news[:4] + ["即時新聞", "回首頁", "版權所有"]
    rows = "".join(f'<tr><td height="22">．<a href="/news/{i}.htm">{t}</a></td></tr>' for i, t in enumerate(news))
    body = "".join(f"　　{esc(p)}<br><br>" for p in c["paras"])
    return f"""
<table width="960" border="0" cellpadding="0" cellspacing="0" align="center">
<tr><td class="logo" height="90">{c["site"]}</td></tr>
<tr><td class="menu"><a href="/">回首頁</a>｜<a href="/local/">地方</a>｜<a href="/life/">生活</a>｜<a href="/sport/">體育</a></td></tr>
</table>
<table width="960" border="0" cellpadding="0" cellspacing="0" align="center"><tr>
<td width="220" valign="top"><table width="100%"><tr><td class="h"><b>即時新聞</b></td></tr>{rows}</table></td>
<td width="740" valign="top"><table width="96%" align="center">
<tr><td class="story-title" align="center"><font size="5"><b>{c["title"]}</b></font></td></tr>
<tr><td align="center" class="date">{c["pub_shown"]}　來源：{c["origin"]}</td></tr>
<tr><td class="story">{body}</td></tr>
</table></td></tr></table>
<table width="960" align="center"><tr><td align="center">{c["site"]} 版權所有 轉載請註明出處</td></tr></table>
"""


def hk_finance(c: dict, chrome: list[str]) -> str:
    """A Hong Kong finance page: a quote widget inside the story, 你可能感興趣 cards after it."""
    cards = [(_to_hk(t), _to_hk(s)) for t, s in feed(11, 6)]
    chrome += [s[:14] for _, s in cards[:3]] + ["你可能感興趣", "最後更新", "市盈率"]
    card_html = "".join(f'<div class="rec-card"><a href="/r/{i}">{t}</a><span>{s}</span></div>' for i, (t, s) in enumerate(cards))
    first, *rest = c["paras"]
    widget = (
        '<div class="quote-widget"><table><tr><th>股份</th><th>現價</th><th>升跌</th><th>成交額</th><th>市盈率</th></tr>'
        '<tr><td>00388</td><td>298.40</td><td>+2.60</td><td>31.2億</td><td>29.8</td></tr>'
        '<tr><td>02800</td><td>18.76</td><td>-0.08</td><td>45.6億</td><td>--</td></tr></table>'
        '<p class="q-note">最後更新 16:08</p></div>'
    )
    paras = f"<p>{esc(first)}</p>" + widget + "".join(f"<p>{esc(p)}</p>" for p in rest)
    return f"""
<div class="fin-nav"><a href="/">財經首頁</a><a href="/quote/">股票報價</a><a href="/news/">市場動向</a></div>
<div class="article-wrap">
<h1 class="headline">{c["title"]}</h1>
<div class="byline"><span class="provider">{c["origin"]}</span> <span class="ts">{c["pub_shown"]}</span></div>
<div class="article-body">{paras}</div>
<div class="recommend"><h3>你可能感興趣</h3>{card_html}</div>
</div>
"""


def hk_press_release(c: dict, chrome: list[str]) -> str:
    """A Hong Kong press release in Big5: <br><br> paragraphs ending with 完 and the release's date and time."""
    others = [_to_hk(t) for t, _ in feed(5, 8)]
    chrome += others[:3] + ["新聞公報", "列印本頁", "返回頁首"]
    rows = "".join(f'<li><a href="/pr/{i}.htm">{t}</a></li>' for i, t in enumerate(others))
    body = "<br><br>\n".join(esc(p) for p in c["paras"])
    return f"""
<div id="topbar"><a href="/">新聞公報</a> | <a href="/archive/">公報檔案</a> | <a href="javascript:print()">列印本頁</a></div>
<div id="contentBody">
<span id="PRHeadlineSpan">{c["title"]}</span>
<div id="pressrelease">
{body}
</div>
<div id="otherpr"><h3>其他新聞公報</h3><ul>{rows}</ul></div>
<a href="#top">返回頁首</a>
</div>
"""


def tw_story(c: dict, chrome: list[str]) -> str:
    """A Taiwanese portal in UTF-8: story paragraphs, 延伸閱讀 and 熱門新聞 with summaries, 看更多."""
    ext = [_to_tw(t) for t, _ in feed(2, 5)]
    hot = [(_to_tw(t), _to_tw(s)) for t, s in feed(6, 8)]
    chrome += ext[:2] + [s[:14] for _, s in hot[:3]] + ["延伸閱讀", "熱門新聞", "看更多"]
    ext_html = "".join(f'<li><a href="/story/{i}">{t}</a></li>' for i, t in enumerate(ext))
    hot_html = "".join(f'<div class="hot-story"><a href="/h/{i}">{t}</a><p>{s}</p></div>' for i, (t, s) in enumerate(hot))
    paras = "".join(f"<p>{esc(p)}</p>" for p in c["paras"])
    return f"""
<header class="header"><a href="/">{c["site"]}</a><nav><a href="/politics">政治</a><a href="/society">社會</a><a href="/life">生活</a></nav></header>
<main class="main">
<div class="story-head"><h1 class="story-title">{c["title"]}</h1>
<div class="story-meta"><time>{c["pub_shown"]}</time><span class="story-source">{c["origin"]}</span></div></div>
<section class="story-body">{paras}</section>
<div class="story-extend"><h3>延伸閱讀</h3><ul>{ext_html}</ul></div>
</main>
<aside class="popular"><h3>熱門新聞</h3>{hot_html}<a class="more" href="/hot">看更多</a></aside>
"""


def hk_short_big5(c: dict, chrome: list[str]) -> str:
    """A short Hong Kong news item in Big5 among 相關新聞 and 熱門 lists with summaries."""
    rel = [(_to_hk(t), _to_hk(s)) for t, s in feed(1, 6)]
    hot = [(_to_hk(t), _to_hk(s)) for t, s in feed(7, 8)]
    chrome += [s[:14] for _, s in rel[:3]] + [s[:14] for _, s in hot[:3]] + ["相關新聞", "熱門"]
    rel_html = "".join(f'<li><a href="/a/{i}">{t}</a><p>{s}</p></li>' for i, (t, s) in enumerate(rel))
    hot_html = "".join(f'<li><a href="/b/{i}">{t}</a><p>{s}</p></li>' for i, (t, s) in enumerate(hot))
    paras = "".join(f"<p>{esc(p)}</p>" for p in c["paras"])
    return f"""
<div class="topnav"><a href="/">主頁</a><a href="/local/">港聞</a><a href="/china/">兩岸</a></div>
<div class="wrap"><div class="leftcol">
<h1>{c["title"]}</h1>
<div class="newsinfo">{c["pub_shown"]}　{c["origin"]}</div>
<div class="newscontent">{paras}</div>
<div class="relnews"><h4>相關新聞</h4><ul>{rel_html}</ul></div>
</div>
<div class="rightcol"><h4>熱門</h4><ul>{hot_html}</ul></div></div>
"""


# ---------------------------------------------------------------- short-notice

GOV_SIDE = ["关于开展2024年度政务公开工作考核的通知", "县政府常务会议研究部署防汛工作", "2024年第一季度重点项目建设情况通报",
            "关于公布行政许可事项清单的公告", "县长热线办理情况通报", "关于征求县域商业体系建设规划意见的公告"]


def _disclosure_table(c: dict) -> str:
    return (
        '<table class="xxgk-table"><tr><td>索引号：</td><td>11330102MB1234567X/2024-00312</td><td>发布机构：</td>'
        f'<td>{c["issuer"]}</td></tr><tr><td>发文字号：</td><td>{c.get("doc") or "无"}</td><td>成文日期：</td><td>{c["written"]}</td></tr>'
        f'<tr><td>发布日期：</td><td>{c["pub_shown"]}</td><td>主题分类：</td><td>其他</td></tr></table>'
    )


def notice_disclosure(c: dict, chrome: list[str]) -> str:
    """A disclosure page whose body opens and closes with the issuing body's name, with an attachment link."""
    chrome += GOV_SIDE[:3] + ["索引号", "主题分类", "打印本页", "关闭窗口"]
    lines = []
    for p in c["paras"]:
        if p.startswith("附件："):
            lines.append(f'<p>附件：<a href="/attach/2024/0308/result.xlsx">{esc(p[3:])}</a></p>')
        else:
            lines.append(f'<p style="text-align: {"right" if p in c.get("right", ()) else "left"};">{esc(p)}</p>')
    side = "".join(f'<li><a href="/art/{i}.html">{t}</a></li>' for i, t in enumerate(GOV_SIDE))
    return f"""
<div class="gov-head"><a href="/">青溪县人民政府</a></div>
<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政府信息公开</a></div>
<div class="xxgk-wrap">
{_disclosure_table(c)}
<h1 class="xxgk-title">{c["title"]}</h1>
<div class="xxgk-body" id="zoom">{"".join(lines)}</div>
<div class="xxgk-tools"><a href="javascript:print()">打印本页</a> <a href="javascript:close()">关闭窗口</a></div>
</div>
<div class="side"><h3>最新公开</h3><ul>{side}</ul></div>
"""


def notice_attachment_only(c: dict, chrome: list[str]) -> str:
    """An old table layout in GBK whose whole body is one attachment link."""
    chrome += GOV_SIDE[2:5] + ["上一篇", "下一篇", "浏览次数", "版权所有"]
    (only,) = c["paras"]
    rows = "".join(f'<tr><td height="24">·<a href="/news/{i}.htm">{t}</a></td></tr>' for i, t in enumerate(GOV_SIDE))
    return f"""
<table width="1000" align="center" cellpadding="0" cellspacing="0"><tr><td class="banner">{c["site"]}</td></tr></table>
<table width="1000" align="center" cellpadding="0" cellspacing="0"><tr>
<td width="240" valign="top"><table width="100%"><tr><td><b>通知公告</b></td></tr>{rows}</table></td>
<td valign="top"><table width="95%" align="center">
<tr><td align="center" class="bt"><b>{c["title"]}</b></td></tr>
<tr><td align="center" class="rq">发布时间：{c["pub_shown"]}　来源：{c["origin"]}　浏览次数：<span id="hits">86</span></td></tr>
<tr><td class="nr"><a href="/uploadfiles/2024/04/rules.pdf">{esc(only)}</a></td></tr>
<tr><td>上一篇：<a href="/news/77.htm">{GOV_SIDE[0]}</a><br>下一篇：<a href="/news/79.htm">{GOV_SIDE[1]}</a></td></tr>
</table></td></tr></table>
<table width="1000" align="center"><tr><td align="center">版权所有：{c["site"]}　浙ICP备05001234号</td></tr></table>
"""


def notice_one_line(c: dict, chrome: list[str]) -> str:
    """A one-sentence notice in a TRS editor box, signed by the body named as its source."""
    chrome += GOV_SIDE[1:4] + ["分享到", "【字体：大 中 小】", "来源：" + c["origin"]]
    side = "".join(f'<li><a href="/c/{i}.html">{t}</a><span>2024-05-{10 + i}</span></li>' for i, t in enumerate(GOV_SIDE))
    n = len(c["paras"])
    paras = "".join(
        f'<p style="text-align: right;">{esc(p)}</p>' if i >= n - 2 else f'<p style="text-indent: 2em;">{esc(p)}</p>'
        for i, p in enumerate(c["paras"])
    )
    return f"""
<div class="header"><div class="logo">{c["site"]}</div></div>
<div class="container">
<div class="article">
<h2 class="art-title">{c["title"]}</h2>
<div class="art-info">发布时间：{c["pub_shown"]}　来源：{c["origin"]}　<span class="font">【字体：大 中 小】</span></div>
<div class="art-con"><div class="TRS_Editor">{paras}</div></div>
<div class="share">分享到：<a class="wx">微信</a><a class="wb">微博</a></div>
</div>
<div class="list-side"><h3>通知公告</h3><ul>{side}</ul></div>
</div>
"""


def notice_br_runs(c: dict, chrome: list[str]) -> str:
    """A township's two-line notice in <br> runs inside a table cell, signature and date right-aligned."""
    chrome += GOV_SIDE[3:6] + ["返回首页", "技术支持"]
    rows = "".join(f'<tr><td>◇<a href="/t/{i}.asp">{t}</a></td></tr>' for i, t in enumerate(GOV_SIDE))
    *body, sig, date = c["paras"]
    cell = "".join(f"&nbsp;&nbsp;&nbsp;&nbsp;{esc(p)}<br>" for p in body)
    cell += f'<div align="right">{esc(sig)}<br>{esc(date)}</div>'
    return f"""
<table width="900" align="center"><tr><td class="top">{c["site"]}　<a href="/">返回首页</a></td></tr></table>
<table width="900" align="center"><tr>
<td width="600" valign="top">
<table width="100%"><tr><td align="center"><font size="4" color="#CC0000"><b>{c["title"]}</b></font></td></tr>
<tr><td align="center"><font color="#999999">发布时间：{c["pub_shown"]}　来源：{c["origin"]}</font></td></tr>
<tr><td style="font-size:14px;line-height:200%">{cell}</td></tr></table>
</td>
<td width="300" valign="top"><table width="100%"><tr><td><b>镇务公开</b></td></tr>{rows}</table></td>
</tr></table>
<table width="900" align="center"><tr><td align="center">技术支持：县信息中心</td></tr></table>
"""


def notice_mobile_attachments(c: dict, chrome: list[str]) -> str:
    """A mobile notice: one sentence and a list of attachment links, then the signature and date."""
    chrome += ["打开APP", "相关推荐"] + [s[:14] for _, s in feed(0, 3)]
    items = []
    for p in c["paras"]:
        if p.startswith(("附件：", "2.", "3.")):
            items.append(f'<p class="att"><a href="/f/{len(items)}.docx">{esc(p)}</a></p>')
        else:
            items.append(f"<p>{esc(p)}</p>")
    recs = "".join(f'<a class="rec" href="/m/{i}"><h4>{t}</h4><p>{s}</p></a>' for i, (t, s) in enumerate(feed(0, 4)))
    return f"""
<div class="app-banner"><span>打开APP，阅读体验更佳</span></div>
<article class="m-art">
<h1 class="m-title">{c["title"]}</h1>
<div class="m-info"><span class="m-src">来源：{c["origin"]}</span><time>{c["pub_shown"]}</time></div>
<div class="m-content">{"".join(items)}</div>
</article>
<section class="m-rec"><h3>相关推荐</h3>{recs}</section>
"""


def notice_dl(c: dict, chrome: list[str]) -> str:
    """A disclosure page with a definition-list metadata block; the body opens with the issuer's name."""
    chrome += GOV_SIDE[:2] + ["信息索引号", "生成日期"]
    meta = (
        f'<dl class="meta"><dt>信息索引号：</dt><dd>QX-2024-0628-01</dd><dt>发布机构：</dt><dd>{c["issuer"]}</dd>'
        f'<dt>生成日期：</dt><dd>{c["written"]}</dd><dt>发布日期：</dt><dd>{c["pub_shown"]}</dd>'
        f'<dt>发文字号：</dt><dd>无</dd></dl>'
    )
    paras = "".join(f"<p>{esc(p)}</p>" for p in c["paras"])
    side = "".join(f'<li><a href="/d/{i}.html">{t}</a></li>' for i, t in enumerate(GOV_SIDE))
    return f"""
<div class="head">{c["site"]}</div>
<div class="main">{meta}
<div class="doc-title">{c["title"]}</div>
<div class="doc-body">{paras}</div>
</div>
<div class="aside"><ul>{side}</ul></div>
"""


# ------------------------------------------------------------- wechat-app-meta

WECHAT_CHROME = ["微信扫一扫", "关注该公众号", "阅读原文", "继续滑动看下一个", "知道了"]


def wechat_native(c: dict, chrome: list[str]) -> str:
    """WeChat's own markup: the account in #js_name, a 阅读原文 link after the article."""
    chrome += WECHAT_CHROME
    paras = "".join(f'<section style="line-height: 1.75em;"><span style="font-size: 15px;">{esc(p)}</span></section>' for p in c["paras"])
    return f"""
<div id="js_article" class="rich_media"><div class="rich_media_inner"><div id="page-content">
<h1 class="rich_media_title" id="activity-name">{c["title"]}</h1>
<div id="meta_content" class="rich_media_meta_list">
<span class="rich_media_meta rich_media_meta_nickname" id="profileBt"><a href="javascript:void(0);" id="js_name">{c["origin"]}</a></span>
<em id="publish_time" class="rich_media_meta rich_media_meta_text">{c["pub_shown"]}</em></div>
<div class="rich_media_content" id="js_content" style="visibility: hidden;">{paras}</div>
<div class="rich_media_tool"><a id="js_view_source" class="media_tool_meta meta_primary" href="https://www.example.gov.cn/a/1.html">阅读原文</a></div>
<div class="qr_code_pc"><p>微信扫一扫<br>关注该公众号</p></div>
<div class="weui-dialog">继续滑动看下一个 <a>知道了</a></div>
</div></div></div>
"""


def wechat_aggregator(c: dict, chrome: list[str]) -> str:
    """A mirror site: the account name in a card, the original link as a class="source" 阅读原文 anchor."""
    chrome += ["阅读原文", "公众号文章", "相关文章"] + [t for t, _ in feed(4, 3)]
    paras = "".join(f"<p>{esc(p)}</p>" for p in c["paras"])
    rel = "".join(f'<li><a href="/w/{i}.html">{t}</a></li>' for i, (t, _) in enumerate(feed(4, 6)))
    return f"""
<div class="site-nav"><a href="/">公众号文章</a> <a href="/hot/">热门</a></div>
<div class="post">
<h1 class="post-title">{c["title"]}</h1>
<div class="post-meta"><div class="account-card"><img src="/avatar/88.jpg" alt=""><span class="account-name">{c["origin"]}</span></div>
<span class="post-date">{c["pub_shown"]}</span>
<a class="source" href="https://mp.weixin.qq.com/s/k2Lw9xQp3ZfR7aBc1dEe4g" target="_blank">阅读原文</a></div>
<div class="post-content">{paras}</div>
</div>
<div class="related"><h3>相关文章</h3><ul>{rel}</ul></div>
"""


def app_shell_header(c: dict, chrome: list[str]) -> str:
    """A news app's share page: the outlet named only in the page header beside a 关注 button."""
    chrome += ["打开APP", "关注", "查看更多评论", "热门评论"] + [x[:12] for x in COMMENTS[:3]]
    paras = "".join(f'<div class="p">{esc(p)}</div>' for p in c["paras"])
    cmts = "".join(f'<div class="cmt"><span>用户{i}</span><p>{x}</p></div>' for i, x in enumerate(COMMENTS[:3]))
    return f"""
<div id="app">
<div class="top-bar"><div class="account"><img class="avatar" src="/a.png"><span class="name">{c["origin"]}</span></div><button class="follow">关注</button></div>
<div class="article">
<div class="a-title">{c["title"]}</div>
<div class="a-time">{c["pub_shown"]}</div>
<div class="a-body">{paras}</div>
</div>
<div class="comments"><div class="c-hd">热门评论</div>{cmts}<a>查看更多评论</a></div>
<div class="open-app">打开APP</div>
</div>
"""


def app_shell_share(c: dict, chrome: list[str]) -> str:
    """An app shell that states its origin in the share data and a small media bar, with an app banner."""
    chrome += ["打开APP阅读", "展开全文", "下载客户端"]
    share = json.dumps({"title": c["title"], "desc": c["paras"][0][:30], "source": c["origin"], "imgUrl": "/share.png"}, ensure_ascii=False)
    paras = "".join(f"<p>{esc(p)}</p>" for p in c["paras"])
    return f"""
<script>window.__SHARE_DATA__ = {share};</script>
<div class="download-bar">下载客户端，打开APP阅读</div>
<div class="media-bar"><span class="media">{c["origin"]}</span></div>
<h1 class="detail-title">{c["title"]}</h1>
<p class="detail-time">{c["pub_shown"]}</p>
<div class="detail-content">{paras}</div>
<div class="expand">展开全文</div>
"""


def wechat_old_markup(c: dict, chrome: list[str]) -> str:
    """An older WeChat page: the account in .profile_nickname, an author slot, 阅读原文 at the foot."""
    chrome += WECHAT_CHROME[:3] + ["喜欢此内容的人还喜欢"]
    paras = "".join(f'<p style="text-indent: 2em;"><span>{esc(p)}</span></p>' for p in c["paras"])
    return f"""
<div class="rich_media_area_primary">
<h2 class="rich_media_title">{c["title"]}</h2>
<div class="rich_media_meta_list">
<span class="rich_media_meta rich_media_meta_text">{c["author"]}</span>
<span class="rich_media_meta rich_media_meta_nickname"><a id="js_name">{c["origin"]}</a></span>
<em class="rich_media_meta rich_media_meta_text" id="publish_time">{c["pub_shown"]}</em></div>
<div class="rich_media_content" id="js_content">{paras}</div>
<a class="media_tool_meta meta_primary" id="js_view_source">阅读原文</a>
<div class="profile_container"><strong class="profile_nickname">{c["origin"]}</strong><p>微信扫一扫<br>关注该公众号</p></div>
<div class="like_recommend">喜欢此内容的人还喜欢</div>
</div>
"""


def wechat_gov_repost(c: dict, chrome: list[str]) -> str:
    """A county portal reposting a WeChat article: 来源 names the account, 阅读原文 closes the body."""
    chrome += GOV_SIDE[:2] + ["阅读原文", "打印本页"]
    paras = "".join(f"<p>　　{esc(p)}</p>" for p in c["paras"])
    side = "".join(f'<li><a href="/x/{i}.html">{t}</a></li>' for i, t in enumerate(GOV_SIDE))
    return f"""
<div class="top">{c["site"]}</div>
<div class="main"><div class="left">
<div class="title">{c["title"]}</div>
<div class="info">发布时间：{c["pub_shown"]}　来源：<span class="source">{c["origin"]}</span></div>
<div class="content">{paras}<p><a href="https://mp.weixin.qq.com/s/Zq8Rk2Lw">阅读原文</a></p></div>
<div class="tools"><a href="javascript:print()">打印本页</a></div>
</div><div class="right"><ul>{side}</ul></div></div>
"""


TEMPLATES = {
    "brief_sina": brief_sina, "brief_163": brief_163, "brief_kuai": brief_kuai, "brief_1905": brief_1905,
    "brief_toutiao": brief_toutiao, "brief_live": brief_live,
    "hk_yahoo_news": hk_yahoo_news, "tw_table_portal": tw_table_portal, "hk_finance": hk_finance,
    "hk_press_release": hk_press_release, "tw_story": tw_story, "hk_short_big5": hk_short_big5,
    "notice_disclosure": notice_disclosure, "notice_attachment_only": notice_attachment_only,
    "notice_one_line": notice_one_line, "notice_br_runs": notice_br_runs,
    "notice_mobile_attachments": notice_mobile_attachments, "notice_dl": notice_dl,
    "wechat_native": wechat_native, "wechat_aggregator": wechat_aggregator, "app_shell_header": app_shell_header,
    "app_shell_share": app_shell_share, "wechat_old_markup": wechat_old_markup, "wechat_gov_repost": wechat_gov_repost,
}

CASES: list[dict] = [
    # ---- portal-brief
    dict(name="brief_sina_rainstorm", layout="portal-brief", tpl="brief_sina", enc="utf-8", holdout=False,
         url="https://news.example-portal.cn/c/2024-05-12/doc-rainstorm.shtml", site="江城门户网",
         title="江城发布暴雨黄色预警", pub_shown="2024年05月12日 09:41", published="2024-05-12T09:41",
         origin="江城晚报", editor="郑岚",
         paras=["5月12日上午，江城市气象台发布暴雨黄色预警信号，预计未来6小时内城区及东部山区将出现50毫米以上降水，局地伴有雷电和短时大风。",
                "市防汛办提醒市民减少外出，驾车途经下穿隧道和低洼路段时注意积水情况。"]),
    dict(name="brief_163_bridge", layout="portal-brief", tpl="brief_163", enc="gbk-declared-gb2312", holdout=False,
         url="https://www.example-163.com/24/0513/08/BRIDGE01.html", site="网易",
         title="长江三桥夜间封闭检测三天", pub_shown="2024-05-13 08:15:22", published="2024-05-13T08:15",
         origin="江城日报", editor="孙可",
         paras=["记者从市交通运输局获悉，5月14日至16日每晚22时至次日5时，长江三桥将封闭进行年度荷载检测，其间过江车辆请绕行二桥或隧道，公交夜班线路临时调整。"]),
    dict(name="brief_kuai_metro", layout="portal-brief", tpl="brief_kuai", enc="utf-8", holdout=True,
         url="https://www.example-kuai.cn/p/metro-line5", site="快资讯",
         title="地铁5号线南延段开始空载试运行", pub_shown="2024-05-14 16:20", published="2024-05-14T16:20",
         origin="江城发布",
         paras=["5月14日起，地铁5号线南延段开始空载试运行，全长9.6公里，设车站6座。",
                "试运行期间将对列车、信号、供电等系统进行全面测试，预计年底前开通初期运营。"]),
    dict(name="brief_1905_premiere", layout="portal-brief", tpl="brief_1905", enc="gb18030", holdout=False,
         url="https://www.example-film.cn/news/20240515/premiere.shtml", site="电影网",
         title="国产动画电影《山海小仙》定档暑期", pub_shown="2024-05-15 11:02:09", published="2024-05-15T11:02",
         origin="电影网",
         paras=["《山海小仙》定档海报", "由青溪动画工作室制作的原创动画电影《山海小仙》今日宣布定档7月20日，影片讲述一只小狐狸穿越山海寻找失落家园的故事，导演表示制作历时四年，全片特效镜头超过一千五百个。"]),
    dict(name="brief_toutiao_market", layout="portal-brief", tpl="brief_toutiao", enc="utf-8", holdout=False,
         url="https://www.example-toutiao.cn/article/7368000000000000001/", site="头条",
         title="江城夜市恢复营业首晚客流破万", pub_shown="2024-05-16 22:47", published="2024-05-16T22:47",
         origin="江城广电",
         paras=["经过两个月升级改造，滨江夜市16日晚恢复营业，首晚客流突破一万人次。",
                "改造后的夜市增设了一百二十个标准化摊位，统一配备油烟净化设备，并划出了专门的非机动车停放区。"]),
    dict(name="brief_live_rate", layout="portal-brief", tpl="brief_live", enc="undeclared-gbk", holdout=True,
         url="http://finance.example-caijing.cn/news/20240517/rate.html", site="财经网",
         title="【快讯】江城农商银行下调定期存款利率", pub_shown="2024-05-17 10:05", published="2024-05-17T10:05",
         origin="财经网",
         paras=["财经网5月17日讯，江城农商银行今日起下调人民币定期存款挂牌利率，其中三年期和五年期分别下调15个基点和20个基点，活期存款利率保持不变。"]),
    # ---- hk-tw-portal
    dict(name="hk_yahoo_tram", layout="hk-tw-portal", tpl="hk_yahoo_news", enc="utf-8", holdout=False, conv="hk",
         url="https://hk.news.example-yahoo.com/tram-fare-adjust-031200.html", site="Yahoo新聞",
         title="电车下月起调整车费 成人收费三元三角", pub_shown="2024年5月12日 上午11:20", published="2024-05-12",
         origin="香港经济日报",
         paras=["电车公司宣布，获运输署批准后，由下月一日起调整车费，成人收费由三元增至三元三角，小童及长者收费维持不变。",
                "公司表示，过去一年燃料及维修成本上升，加价可纾缓营运压力，同时会继续推出月票优惠。",
                "有乘客认为加幅尚可接受，但希望公司改善繁忙时间的班次。"]),
    dict(name="tw_table_harbor", layout="hk-tw-portal", tpl="tw_table_portal", enc="big5", holdout=False, conv="tw",
         url="http://www.example-tw-daily.com.tw/news/20240513/harbor.htm", site="台湾新生报",
         title="渔港整建工程完工 渔民卸货更便利", pub_shown="2024/05/13 14:30", published="2024-05-13T14:30",
         origin="台湾新生报",
         paras=["县府投入经费整建的北门渔港码头今天完工启用，新设卸货平台与冷藏仓库，渔获可直接上岸分级。",
                "渔会理事长表示，过去码头老旧，退潮时卸货困难，整建后作业时间缩短一半，渔民都很满意。",
                "县府说，下一阶段将改善渔港周边停车与公厕设施，预计年底前完成。"]),
    dict(name="hk_finance_exchange", layout="hk-tw-portal", tpl="hk_finance", enc="utf-8", holdout=False, conv="hk",
         url="https://hk.finance.example-yahoo.com/news/exchange-turnover-0513.html", site="Yahoo财经",
         title="港股成交额连续三日逾千亿", pub_shown="2024年5月13日 下午4:35", published="2024-05-13",
         origin="信报财经新闻",
         paras=["港股今日高开高走，恒生指数收市升三百一十二点，成交额达一千一百五十亿元，连续三个交易日超过一千亿元。",
                "分析员指出，内地资金持续南下，加上美国息口预期回落，带动科技股及金融股造好。",
                "不过，有基金经理提醒，短期升幅较急，投资者宜留意获利回吐的压力。"]),
    dict(name="hk_press_lantern", layout="hk-tw-portal", tpl="hk_press_release", enc="big5", holdout=False, conv="hk",
         url="https://www.example-info.gov.hk/gia/general/202405/12/P2024051200412.htm", site="新闻公报",
         title="中秋节彩灯会开放安排", pub_shown="2024年5月12日", published="2024-05-12",
         origin=None,
         paras=["康乐及文化事务署今日公布，本年度中秋节彩灯会将于九月十五日至二十一日在维多利亚公园举行，每日开放时间为下午六时至晚上十一时。",
                "署方提醒市民乘搭公共交通工具前往会场，并留意现场人流管制安排。",
                "完",
                "2024年5月12日（星期日）",
                "香港时间16时30分"]),
    dict(name="tw_story_library", layout="hk-tw-portal", tpl="tw_story", enc="utf-8", holdout=True, conv="tw",
         url="https://www.example-tw-news.com.tw/story/7270/library", site="联合新闻网",
         title="市立图书馆夜间自习室开放至午夜", pub_shown="2024-05-14 09:12", published="2024-05-14T09:12",
         origin="联合报",
         paras=["为满足考生需求，市立图书馆总馆自下周起将夜间自习室开放时间延长至午夜十二点，试办三个月。",
                "馆方表示，自习室共有一百八十个座位，采线上预约制，每人每次最多使用四小时。"]),
    dict(name="hk_short_ferry", layout="hk-tw-portal", tpl="hk_short_big5", enc="big5", holdout=True, conv="hk",
         url="http://news.example-hk-daily.com/20240515/ferry.htm", site="港闻网",
         title="离岛渡轮周末加开班次", pub_shown="2024-05-15 18:02", published="2024-05-15T18:02",
         origin="港闻网",
         paras=["渡轮公司宣布，本周六及周日来往中环及长洲的航线将加开八班船，以应付假日人流。"]),
    # ---- short-notice
    dict(name="notice_disclosure_sampling", layout="short-notice", tpl="notice_disclosure", enc="utf-8", holdout=False,
         url="http://www.example-qingxi.gov.cn/art/2024/3/8/art_1229_88310.html", site="青溪县人民政府",
         title="青溪县市场监督管理局2024年第一批食品安全监督抽检结果公告", pub_shown="2024-03-08", published="2024-03-08",
         written="2024-03-07", issuer="青溪县市场监督管理局", origin="青溪县市场监督管理局",
         right=("2024年3月8日",),
         paras=["青溪县市场监督管理局", "本局2024年第一批食品安全监督抽检结果详见附件。",
                "附件：2024年第一批食品安全监督抽检结果.xlsx", "2024年3月8日"]),
    dict(name="notice_attachment_rules", layout="short-notice", tpl="notice_attachment_only", enc="gbk-declared-gb2312", holdout=False,
         url="http://www.example-qingxi.gov.cn/news/78.htm", site="青溪县水利局",
         title="青溪县农村饮水安全工程管理办法实施细则", pub_shown="2024-04-02", published="2024-04-02",
         origin="青溪县水利局",
         paras=["附件：青溪县农村饮水安全工程管理办法实施细则.pdf"]),
    dict(name="notice_one_line_water", layout="short-notice", tpl="notice_one_line", enc="utf-8", holdout=False,
         url="http://www.example-qingxi.gov.cn/c/2024-05-18/1104.html", site="青溪县人民政府",
         title="停水通知", pub_shown="2024-05-18 15:30", published="2024-05-18T15:30",
         origin="青溪县自来水公司",
         paras=["因供水管网改造，5月20日8时至18时西城区部分区域停水，请居民提前储水。", "青溪县自来水公司", "2024年5月18日"]),
    dict(name="notice_br_census", layout="short-notice", tpl="notice_br_runs", enc="undeclared-gbk", holdout=False,
         url="http://www.example-chengguan.gov.cn/t/4412.asp", site="城关镇人民政府",
         title="关于报送人口抽样调查底册的通知", pub_shown="2024-06-03", published="2024-06-03",
         origin="城关镇人民政府",
         paras=["各村（社区）：", "请于6月10日前报送2024年度人口抽样调查底册，逾期未报的将予以通报。", "城关镇人民政府", "2024年6月3日"]),
    dict(name="notice_mobile_enrol", layout="short-notice", tpl="notice_mobile_attachments", enc="utf-8", holdout=True,
         url="https://m.example-qingxi.gov.cn/jy/2024/0520/enrol.html", site="青溪教育",
         title="关于做好2024年秋季幼儿园招生报名工作的通知", pub_shown="2024-05-20 10:00", published="2024-05-20T10:00",
         origin="青溪县教育局",
         paras=["现将2024年秋季幼儿园招生报名有关事项通知如下，详见附件。", "附件：1.幼儿园招生报名表.docx", "2.入园承诺书.pdf",
                "青溪县教育局", "2024年5月20日"]),
    dict(name="notice_dl_pension", layout="short-notice", tpl="notice_dl", enc="gb18030", holdout=True,
         url="http://www.example-qingxi.gov.cn/zwgk/rsj/2024/0628/pension.html", site="青溪县人力资源和社会保障局",
         title="2024年第二季度城乡居民养老保险待遇发放公告", pub_shown="2024-06-28", published="2024-06-28",
         written="2024-06-28", issuer="青溪县人力资源和社会保障局", origin="青溪县人力资源和社会保障局",
         paras=["青溪县人力资源和社会保障局", "2024年第二季度城乡居民养老保险待遇已于6月28日发放到位。", "2024年6月28日"]),
    # ---- wechat-app-meta
    dict(name="wechat_native_festival", layout="wechat-app-meta", tpl="wechat_native", enc="utf-8", holdout=False,
         url="https://mp.weixin.qq.com/s/Qx7Lm2Pn8Rt4Vw6Yz1Ab3C", site="微信公众平台",
         title="青溪油菜花节本周六开幕", pub_shown="2024-03-20 18:30", published="2024-03-20T18:30",
         origin="青溪发布",
         paras=["第八届青溪油菜花节将于3月23日在石门村开幕，活动持续至4月7日。",
                "节庆期间，景区推出农耕体验、非遗展演和乡村集市等活动，游客凭身份证可免费入园。",
                "景区提醒，周末客流较大，建议游客错峰出行，优先选择公共交通。"]),
    dict(name="wechat_aggregator_exam", layout="wechat-app-meta", tpl="wechat_aggregator", enc="utf-8", holdout=False,
         url="https://www.example-wxmirror.cn/w/20240521/exam.html", site="公众号文章",
         title="中考体育考试时间安排出炉", pub_shown="2024-05-21", published="2024-05-21",
         origin="江城教育",
         paras=["今年中考体育考试将于6月3日至6月7日进行，考生按学校安排的批次入场。",
                "考试项目包括男子一千米跑或女子八百米跑、立定跳远和一分钟跳绳，总分五十分。",
                "考生须携带准考证和身份证，穿着运动服装和平底运动鞋参加考试。"]),
    dict(name="app_shell_header_flood", layout="wechat-app-meta", tpl="app_shell_header", enc="utf-8", holdout=False,
         url="https://app.example-jcrb.cn/share/article/883120", site="江城日报",
         title="防汛物资储备库完成补充", pub_shown="2024-05-22 17:45", published="2024-05-22T17:45",
         origin="江城日报",
         paras=["入汛前，市防汛物资储备库新补充救生衣三千件、冲锋舟二十艘和排水泵六十台。",
                "储备库实行专人值守，接到调令后两小时内可将物资运抵全市各重点堤段。"]),
    dict(name="app_shell_share_clinic", layout="wechat-app-meta", tpl="app_shell_share", enc="utf-8", holdout=False,
         url="https://h5.example-qxrm.cn/detail/55201", site="青溪融媒",
         title="社区卫生服务中心开设夜间门诊", pub_shown="2024-05-23 20:10", published="2024-05-23T20:10",
         origin="青溪融媒",
         paras=["从5月27日起，城东社区卫生服务中心开设夜间门诊，每天18时至21时接诊，提供常见病诊疗和配药服务。",
                "中心负责人说，夜间门诊主要方便上班族就医，医保报销政策与白天相同。"]),
    dict(name="wechat_old_volunteer", layout="wechat-app-meta", tpl="wechat_old_markup", enc="utf-8", holdout=True,
         url="https://mp.weixin.qq.com/s?__biz=MzA5NjQ2MTIzMQ==&mid=2650012345&idx=1", site="微信公众平台",
         title="招募暑期河湖巡护志愿者", pub_shown="2024-06-05", published="2024-06-05",
         origin="青溪共青团", author="青溪团县委",
         paras=["为守护家乡河湖，团县委现面向全县青少年招募暑期河湖巡护志愿者五十名。",
                "志愿者将在7月至8月参加河道巡查、垃圾清理和护水宣传，每人累计服务不少于二十小时。",
                "报名截止时间为6月20日，有意者请扫描文末二维码填写报名信息。"]),
    dict(name="wechat_gov_repost_tea", layout="wechat-app-meta", tpl="wechat_gov_repost", enc="gbk-declared-gb2312", holdout=False,
         url="http://www.example-qingxi.gov.cn/x/2024/0418/tea.html", site="青溪县人民政府",
         title="青溪高山茶开采 预计产量增长一成", pub_shown="2024-04-18 09:30", published="2024-04-18T09:30",
         origin="青溪文旅",
         paras=["4月17日，青溪县海拔八百米以上的高山茶园陆续开采，今年春季气温适宜，茶芽长势良好。",
                "县农业农村局预计，全县春茶产量将比去年增长一成左右，名优茶比重进一步提高。"]),
]


def render(c: dict) -> tuple[bytes, dict]:
    codec, charset, header = ENCODINGS[c["enc"]]
    conv = {"hk": _to_hk, "tw": _to_tw}.get(c.get("conv", ""), lambda s: s)
    # Traditional-script pages are written in simplified here and converted
    # whole, so the labels and the page say the same thing.
    for key in ("title", "origin", "site", "pub_shown"):
        if c.get(key):
            c[key] = conv(c[key])
    c["paras"] = [conv(p) for p in c["paras"]]
    chrome: list[str] = []
    body = TEMPLATES[c["tpl"]](c, chrome)
    meta = f'<meta charset="{charset}">' if charset else ""
    page = f"""<!DOCTYPE html>
<html>
<head>
{meta}
<title>{c["title"]}_{c["site"]}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/static/main.css">
</head>
<body>
{body}
<div class="site-footer">Copyright &copy; 2024 {c["site"]} {conv("版权所有")}</div>
</body>
</html>
"""
    page = fit_codec(page, codec)
    raw = page.encode(codec)  # every character must exist in the page's codec
    expected = {
        "title": c["title"],
        "published": c["published"],
        "origin": c.get("origin"),
        "author": c.get("author"),
        "editor": c.get("editor"),
        "doc_number": c.get("doc"),
        "text": "\n".join(c["paras"]),
    }
    expected = {k: fit_codec(v, codec) if isinstance(v, str) else v for k, v in expected.items()}
    seen: set[str] = set()
    chrome.append("版权所有")
    boiler = [fit_codec(conv(s), codec) for s in chrome if s and not (s in seen or seen.add(s))]
    spec = {
        "url": c["url"],
        "content_type": header,
        "layout": c["layout"],
        "variant": f"{c['layout']}/{c['tpl']}",
        "encoding": c["enc"],
        "holdout": c["holdout"],
        "traps": ["traditional"] if c.get("conv") else [],
        "expected": expected,
        "boilerplate": boiler,
    }
    return raw, spec


def main() -> None:
    names = [c["name"] for c in CASES]
    assert len(names) == len(set(names)), "duplicate case names"
    for case in CASES:
        raw, spec = render(dict(case))
        (HERE / f"{case['name']}.html").write_bytes(raw)
        (HERE / f"{case['name']}.json").write_text(json.dumps(spec, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {len(CASES)} cases to {HERE}")


if __name__ == "__main__":
    main()
