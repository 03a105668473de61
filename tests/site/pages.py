"""A small municipal government site, in two states, for the crawl tests.

The pages copy the habits of real Chinese government and newspaper sites that
make archiving hard: GBK bytes declared as gb2312, Big5, no charset at all, an
HTTP header that says ISO-8859-1 over GBK bytes, view counters and "hot news"
sidebars that change on every visit, a mobile copy naming its desktop page as
canonical, share links with ``utm_*`` parameters and ``#fragments``, and a
calendar whose "next month" link never ends.

`build_state(n, folder)` writes state ``n`` (1 or 2) as files plus an
``index.json`` saying which URL path serves which file with which status and
Content-Type. State 2 is a later visit: every counter and sidebar changed,
article 102 corrected (one sentence), article 109 added, article 105 removed.

`EXPECTED` holds what a reader would expect the archive to contain.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

ARTICLE_PATTERNS = [r"/art/\d{4}/\d{1,2}/\d{1,2}/art_\d+_\d+\.html$", r"/m/art_\d+\.html$"]

NAV = """<div class="top">
<a href="/">首页</a> | <a href="/col/col1/index.html">政务公开</a> | <a href="/col/col1/index.html">通知公告</a> |
<a href="/admin/login.html">后台登录</a> | <a href="/calendar?month=1">政务日历</a>
</div>
<div class="nav"><ul><li><a href="/">首页</a></li><li><a href="/col/col1/index.html">政务公开</a></li>
<li>政务服务</li><li>互动交流</li><li>走进湘潭</li></ul></div>"""

FOOTER = """<div class="footer">
<p><a href="/">网站地图</a> | 联系我们 | 隐私声明</p>
<p>主办：湘潭市人民政府办公室　承办：湘潭市大数据和产业创新发展中心</p>
<p>湘ICP备05003456号　湘公网安备 43030202000123号　网站标识码：4303000001</p>
<p>更新时间：{updated}　您是第 {visitors} 位访问者</p>
</div>"""

SIDEBARS = {
    1: ["我市召开全市安全生产工作会议", "2024年湘潭市重点建设项目名单公布", "湘潭综合保税区一季度进出口增长两成"],
    2: ["湘潭启动第二批城市更新项目", "全市春季招聘会提供岗位一万二千个", "湘江湘潭段水质连续三年保持二类"],
}
UPDATED = {1: "2024-03-20", 2: "2024-04-02"}


@dataclass(frozen=True)
class Article:
    """One article page. `views` is the counter shown in state 1; state 2 shows another."""

    path: str
    title: str
    published: str
    origin: str
    paragraphs: tuple[str, ...]
    charset: str  # the codec the bytes are in
    header_charset: str | None  # what the HTTP header declares, None for no charset
    meta_charset: str | None  # what <meta> declares, None for no meta
    doc_number: str | None = None
    canonical: str | None = None  # href of <link rel=canonical>, root-relative
    style: str = "gov"  # "gov" or "news"
    author: str | None = None
    editor: str | None = None
    related: tuple[tuple[str, str], ...] = ()
    views: int = 100


A101 = Article(
    path="/art/2024/3/5/art_1_101.html",
    title="湘潭市人民政府办公室关于做好2024年春季森林防火工作的通知",
    published="2024-03-05",
    origin="湘潭市应急管理局",
    doc_number="潭政办发〔2024〕5号",
    paragraphs=(
        "各县市区人民政府，市直各单位：",
        "当前正值春季森林防火关键期，清明祭扫、春耕备耕等野外用火明显增多，森林火险等级持续偏高。为切实做好春季森林防火工作，经市人民政府同意，现就有关事项通知如下。",
        "一、压实防火责任。各级各部门要严格落实森林防火行政首长负责制，层层签订责任状，确保责任落实到山头地块、落实到具体人员。",
        "二、严格管控火源。各地要在重点林区入口设置检查卡点，严禁携带火种进山，对违规野外用火行为依法从严查处。",
        "三、做好应急准备。各级森林消防队伍要实行二十四小时值班，储备足够扑火物资，一旦发生火情做到打早、打小、打了。",
    ),
    charset="utf-8",
    header_charset="utf-8",
    meta_charset="utf-8",
    related=(("/art/2024/3/10/art_1_106.html", "我市部署春季农业生产工作"),),
    views=1532,
)

A102 = Article(
    path="/art/2024/3/6/art_1_102.html",
    title="市政府召开第十五次常务会议",
    published="2024-03-06",
    origin="湘潭市人民政府办公室",
    paragraphs=(
        "3月6日，市长主持召开市政府第十五次常务会议，研究部署一季度经济运行、城市燃气安全整治等工作。副市长王喆出席会议。",
        "会议指出，今年以来全市经济运行开局平稳，工业投资和社会消费品零售总额保持增长，但部分行业企业生产经营仍面临困难。",
        "会议决定，安排专项资金3.2亿元支持中小企业技术改造，并在4月底前完成首批项目申报。",
        "会议强调，要扎实开展城镇燃气安全专项整治，对老旧管网、餐饮场所用气安全开展拉网式排查，坚决防范重特大事故发生。",
    ),
    charset="gbk",
    header_charset="gb2312",
    meta_charset="gb2312",
    views=876,
)

# State 2 corrects the amount in one sentence; nothing else in the text changes.
A102_CORRECTED_SENTENCE = "会议决定，安排专项资金3.5亿元支持中小企业技术改造，并在5月底前完成首批项目申报。"

A103 = Article(
    path="/art/2024/3/7/art_2_103.html",
    title="湘台經貿交流會在湘潭舉行",
    published="2024-03-07",
    origin="湘潭市台灣事務辦公室",
    paragraphs=(
        "3月7日，第六屆湘台經貿交流會在湘潭舉行，來自臺灣地區的六十餘家企業代表參加活動。",
        "交流會上，雙方企業圍繞電子資訊、智慧製造、農業科技等領域進行洽談，現場簽約項目十二個，總金額約十五億元。",
        "與會臺商表示，湘潭產業基礎紮實、營商環境持續優化，願意進一步擴大在湘投資。",
    ),
    charset="big5",
    header_charset="big5",
    meta_charset="big5",
    views=412,
)

A104 = Article(
    path="/art/2024/3/8/art_2_104.html",
    title="雨湖区开展春季爱国卫生运动",
    published="2024-03-08",
    origin="雨湖区人民政府",
    paragraphs=(
        "近日，雨湖区在全区范围内开展春季爱国卫生运动，组织机关干部、社区志愿者两千余人参与环境整治。",
        "活动重点清理背街小巷、城中村和农贸市场周边的卫生死角，共清运垃圾三百余吨，整治乱堆乱放点位一百二十处。",
        "区爱卫办负责人介绍，下一步将建立常态化巡查机制，推动环境卫生由集中整治向长效管理转变。",
    ),
    charset="gbk",
    header_charset=None,
    meta_charset=None,
    views=233,
)

A105 = Article(
    path="/art/2024/3/9/art_2_105.html",
    title="关于2024年度市级科技计划项目拟立项名单的公示",
    published="2024-03-09",
    origin="湘潭市科学技术局",
    paragraphs=(
        "根据《湘潭市科技计划项目管理办法》，经单位申报、形式审查和专家评审，拟对以下四十六个项目予以立项支持，现予以公示。",
        "公示期为2024年3月9日至3月15日。公示期间，任何单位或个人对拟立项项目有异议的，可以书面形式向市科学技术局提出。",
        "以单位名义提出异议的，应加盖单位公章；以个人名义提出异议的，应签署真实姓名并提供联系方式。",
    ),
    charset="gbk",
    header_charset="ISO-8859-1",  # a server default that lies about the GBK bytes
    meta_charset="gbk",
    views=3051,
)

A106 = Article(
    path="/m/art_106.html",  # the mobile copy the listing links to
    title="我市部署春季农业生产工作",
    published="2024-03-10",
    origin="湘潭市农业农村局",
    paragraphs=(
        "3月10日，全市春季农业生产工作会议召开，部署早稻集中育秧、春播物资保供和农田水利建设等工作。",
        "会议要求，今年全市早稻播种面积稳定在六十万亩以上，集中育秧覆盖率达到百分之八十。",
        "各县市区要组织农技人员深入田间地头开展技术指导，确保不误农时、不违农时。",
    ),
    charset="utf-8",
    header_charset="utf-8",
    meta_charset="utf-8",
    canonical="/art/2024/3/10/art_1_106.html",
    views=590,
)

# The desktop page of the same article: same text, its own counter, canonical to itself.
A106_DESKTOP = Article(**{**A106.__dict__, "path": "/art/2024/3/10/art_1_106.html", "views": 1202})

A107 = Article(
    path="/art/2024/3/11/art_3_107.html",
    title="湘潭火车站综合交通枢纽改造工程全面开工",
    published="2024-03-11 09:30",
    origin="湘潭日报",
    author="记者 刘晓明 通讯员 陈静",
    editor="周婷",
    paragraphs=(
        "3月11日上午，湘潭火车站综合交通枢纽改造工程全面开工。项目总投资约十八亿元，建成后将实现铁路、公交、出租车和长途客运的无缝换乘。",
        "据介绍，改造工程包括站前广场、地下停车场和公交首末站三个部分，计划于2026年底前完工。",
        "施工期间，站前广场部分区域将实行交通管制，市公安局交警支队已发布绕行提示，请市民合理安排出行。",
        "市民李先生说：“每次接送亲友都要绕好几圈，改造完成后出行会方便很多。”",
    ),
    charset="utf-8",
    header_charset="utf-8",
    meta_charset="utf-8",
    style="news",
    related=(("/art/2024/3/12/art_3_108.html#top", "湘潭至韶山城际公交加密班次"),),
    views=8840,
)

A108 = Article(
    path="/art/2024/3/12/art_3_108.html",
    title="湘潭至韶山城际公交加密班次",
    published="2024-03-12 16:05",
    origin="湘潭晚报",
    author="记者 王芳",
    editor="李卓",
    paragraphs=(
        "记者从市交通运输局获悉，自3月15日起，湘潭至韶山城际公交将由每三十分钟一班加密至每二十分钟一班。",
        "周末及节假日期间，还将根据客流情况增开区间车，首班车时间提前至早上六点半。",
        "交通部门提醒，乘客可通过“湘潭公交”小程序查询实时到站信息。",
    ),
    charset="utf-8",
    header_charset="utf-8",
    meta_charset="utf-8",
    style="news",
    views=2675,
)

A109 = Article(
    path="/art/2024/4/1/art_1_109.html",
    title="湘潭市2024年第一季度经济运行情况",
    published="2024-04-01",
    origin="湘潭市统计局",
    paragraphs=(
        "一季度，全市地区生产总值同比增长百分之五点八，规模以上工业增加值增长百分之七点一。",
        "全市固定资产投资增长百分之六点三，其中工业投资增长百分之十二点五；社会消费品零售总额增长百分之五点九。",
        "总体看，全市经济运行延续回升向好态势，但外部环境复杂性上升，稳增长仍需持续用力。",
    ),
    charset="utf-8",
    header_charset="utf-8",
    meta_charset="utf-8",
    views=77,
)

# Another department reposts notice 101 word for word under its own address, with its own counter.
A110_REPOST = Article(**{**A101.__dict__, "path": "/art/2024/3/13/art_4_110.html", "views": 64})

STATE_1 = (A101, A102, A103, A104, A105, A106, A106_DESKTOP, A107, A108, A110_REPOST)
STATE_2 = (A101, A102, A103, A104, A106, A106_DESKTOP, A107, A108, A109, A110_REPOST)


@dataclass
class Expected:
    """What the archive should hold after crawling each state: document URL path → text facts."""

    state_1_documents: tuple[str, ...] = tuple(
        sorted({a.canonical or a.path for a in STATE_1})
    )
    state_2_new: str = A109.path
    corrected: str = A102.path
    repost: str = A110_REPOST.path
    repost_of: str = A101.path
    removed: str = A105.path
    canonical_target: str = A106.canonical or ""
    mobile_copy: str = A106.path
    utm_article: str = A108.path
    corrected_old_phrase: str = "3.2亿元"
    corrected_new_phrase: str = "3.5亿元"
    first_paragraphs: dict[str, str] = field(
        default_factory=lambda: {(a.canonical or a.path): a.paragraphs[1] for a in STATE_1 + (A109,)}
    )


EXPECTED = Expected()


def _paragraphs(article: Article, state: int) -> tuple[str, ...]:
    if state == 2 and article.path == A102.path:
        return tuple(A102_CORRECTED_SENTENCE if p.startswith("会议决定") else p for p in article.paragraphs)
    return article.paragraphs


def _views(article: Article, state: int) -> int:
    return article.views if state == 1 else article.views * 3 + 17


def _sidebar(state: int) -> str:
    items = "".join(f'<li><a href="/col/col1/index.html">{title}</a></li>' for title in SIDEBARS[state])
    return f'<div class="sidebar"><h3>热点推荐</h3><ul>{items}</ul></div>'


def _head(title: str, meta_charset: str | None, canonical: str | None) -> str:
    meta = (
        f'<meta http-equiv="Content-Type" content="text/html; charset={meta_charset}">' if meta_charset else ""
    )
    link = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    return (
        f"<!DOCTYPE html>\n<html>\n<head>\n{meta}\n<title>{title}_湘潭市人民政府</title>\n"
        f'<meta name="keywords" content="湘潭,政务公开">\n{link}\n'
        '<link rel="stylesheet" href="/css/style.css">\n</head>\n'
    )


def article_html(article: Article, state: int) -> str:
    """One article page as text; `article_bytes` encodes it as the site does."""
    body = "\n".join(f"<p>{p}</p>" for p in _paragraphs(article, state))
    related = "".join(f'<li><a href="{href}">{text}</a></li>' for href, text in article.related)
    footer = FOOTER.format(updated=UPDATED[state], visitors=_views(article, state) * 41)
    share = '<div class="share">分享到：<a href="#">微信</a> <a href="#">微博</a> <a href="#">QQ空间</a></div>'
    tools = '<div class="tools">【<a href="javascript:window.print()">打印本页</a>】【<a href="javascript:window.close()">关闭窗口</a>】</div>'
    if article.style == "news":
        info = (
            f'<div class="info"><span>{article.published}</span> <span>来源：{article.origin}</span> '
            f"<span>作者：{article.author}</span> <span>阅读：{_views(article, state)}</span></div>"
        )
        content = (
            f'<div class="article"><h1>{article.title}</h1>{info}\n'
            f'<div class="article-content" id="content">\n{body}\n</div>\n'
            f'<div class="editor">责任编辑：{article.editor}</div>{share}</div>'
        )
        comments = f'<div class="comments"><h3>网友评论</h3><p>已有 {_views(article, state) // 40} 条评论</p></div>'
        content += comments
    else:
        number = f"<tr><td>发文字号：</td><td>{article.doc_number}</td></tr>" if article.doc_number else ""
        table = (
            f'<table class="xxgk"><tr><td>发布机构：</td><td>{article.origin}</td></tr>{number}'
            f"<tr><td>发布日期：</td><td>{article.published}</td></tr></table>"
        )
        info = (
            f'<div class="info">发布时间：{article.published}　来源：{article.origin}　'
            f"浏览次数：<span id=\"views\">{_views(article, state)}</span></div>"
        )
        content = (
            f'<div class="main">{table}<h1 class="title">{article.title}</h1>{info}\n'
            f'<div class="zoom" id="zoom">\n{body}\n</div>{tools}{share}</div>'
        )
    related_box = f'<div class="related"><h3>相关阅读</h3><ul>{related}</ul></div>' if related else ""
    crumbs = '<div class="crumbs">当前位置：<a href="/">首页</a> &gt; <a href="/col/col1/index.html">政务公开</a> &gt; 通知公告</div>'
    return (
        _head(article.title, article.meta_charset, article.canonical)
        + f"<body>\n{NAV}\n{crumbs}\n<div class=\"wrap\">\n{content}\n{related_box}\n{_sidebar(state)}\n</div>\n{footer}\n</body>\n</html>\n"
    )


def listing_html(state: int) -> str:
    """The 通知公告 column: links to every article, a share variant, a mobile copy, a calendar."""
    articles = STATE_1 if state == 1 else STATE_2
    rows = []
    for article in articles:
        if article is A106_DESKTOP:
            continue  # the listing links the mobile copy; the desktop page is linked from article 101
        href = article.path
        if article is A108:
            href += "?utm_source=wechat&utm_medium=share#pinglun"
        rows.append(f'<li><a href="{href}">{article.title}</a><span>{article.published[:10]}</span></li>')
    pages = '<div class="page">共1页 <a href="/col/col1/index.html#top">首页</a> <a href="/calendar?month=1">政务日历</a></div>'
    body = f'<div class="wrap"><div class="list"><h2>通知公告</h2><ul>{"".join(rows)}</ul>{pages}</div>{_sidebar(state)}</div>'
    return _head("通知公告", "utf-8", None) + f"<body>\n{NAV}\n{body}\n{FOOTER.format(updated=UPDATED[state], visitors=99001 + state)}\n</body>\n</html>\n"


def home_html(state: int) -> str:
    body = (
        '<div class="wrap"><div class="banner">湘潭市人民政府门户网站</div>'
        '<ul><li><a href="/col/col1/index.html">通知公告</a></li>'
        f'<li><a href="{A107.path}">{A107.title}</a></li></ul>{_sidebar(state)}</div>'
    )
    return _head("首页", "utf-8", None) + f"<body>\n{NAV}\n{body}\n{FOOTER.format(updated=UPDATED[state], visitors=120000 + state)}\n</body>\n</html>\n"


def calendar_html(month: int) -> str:
    """A calendar page: always one more month to go to (the trap the query-variant limit closes)."""
    return (
        _head(f"政务日历 {month}月", "utf-8", None)
        + f'<body>\n{NAV}\n<div class="calendar"><h2>政务日历 第{month}月</h2>'
        f'<a href="/calendar?month={month - 1}">上个月</a> <a href="/calendar?month={month + 1}">下个月</a>'
        "</div>\n</body>\n</html>\n"
    ).encode("utf-8")


NOT_FOUND = (
    _head("页面不存在", "utf-8", None)
    + '<body><div class="error"><h1>404</h1><p>抱歉，您访问的页面不存在或已被删除。</p><a href="/">返回首页</a></div></body></html>\n'
).encode("utf-8")

ROBOTS = b"User-agent: *\nDisallow: /admin/\n"


def article_bytes(article: Article, state: int) -> bytes:
    """The page as the server sends it. A Big5 site is a traditional-character site
    throughout, so its chrome is converted too, not just the article."""
    html = article_html(article, state)
    if article.charset == "big5":
        import opencc

        html = opencc.OpenCC("s2tw").convert(html)
    return html.encode(article.charset)


def _content_type(charset: str | None) -> str:
    return f"text/html; charset={charset}" if charset else "text/html"


def build_state(state: int, folder: Path) -> Path:
    """Write state `state` of the site into `folder`; return the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    index: dict[str, dict] = {}

    def put(path: str, data: bytes, content_type: str, status: int = 200) -> None:
        name = f"f{len(index):03d}.bin"
        (folder / name).write_bytes(data)
        index[path] = {"file": name, "content_type": content_type, "status": status}

    put("/", home_html(state).encode("utf-8"), _content_type("utf-8"))
    put("/col/col1/index.html", listing_html(state).encode("utf-8"), _content_type("utf-8"))
    put("/robots.txt", ROBOTS, "text/plain")
    put("/admin/login.html", b"<html><body>admin</body></html>", _content_type("utf-8"))
    for article in STATE_1 if state == 1 else STATE_2:
        put(article.path, article_bytes(article, state), _content_type(article.header_charset))
    (folder / "index.json").write_text(json.dumps(index, ensure_ascii=False, indent=1), encoding="utf-8")
    return folder
