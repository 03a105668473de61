"""A large synthetic site of Chinese government and media pages, for the pipeline benchmark.

The pages are made here from sentences of our own, wrapped in the chrome real
portals carry (mega-menus, breadcrumbs, sidebars, related lists, a drop-down
of every department's site, inline scripts, footers), so extraction does the
work it does on real sites. They are sized like the labelled real pages in
shared/corpus (cwced median 30 KB, magic-html median 45 KB; these average
about 40 KB), where bare trafilatura takes the ~18 ms a page the pipeline
issue describes; lighter pages would measure Scrapy more than extraction.
A fixed random seed makes every run build the same site.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

SENTENCES = [
    "为进一步做好基层治理工作，市委、市政府研究决定在全市范围内开展专项行动。",
    "各地各部门要提高政治站位，把这项工作摆上重要议事日程，确保各项措施落到实处。",
    "今年以来，全市经济运行总体平稳，主要指标保持在合理区间，发展质量稳步提升。",
    "会议强调，要坚持以人民为中心的发展思想，着力解决群众急难愁盼问题。",
    "据统计，前三季度全市新增市场主体一万二千余户，同比增长百分之十五点六。",
    "相关负责人介绍，下一步将加快推进重点项目建设，持续优化营商环境。",
    "活动现场，工作人员向过往群众发放宣传资料，耐心解答政策咨询。",
    "各乡镇（街道）要建立健全工作台账，实行清单化管理，定期调度工作进展。",
    "此次培训采取集中授课、现场教学和分组讨论相结合的方式进行。",
    "市生态环境局表示，将持续开展大气污染防治攻坚，推动空气质量持续改善。",
    "截至目前，全市已建成村级综合服务中心八百四十六个，实现行政村全覆盖。",
    "专家指出，数字化转型是传统产业提质增效的关键，需要政府、企业和高校协同发力。",
    "市民可通过政务服务网或手机客户端在线申报，办理时限由二十个工作日压缩至五个。",
    "要严格落实安全生产责任制，深入开展隐患排查整治，坚决遏制重特大事故发生。",
    "学校将进一步完善课后服务体系，丰富服务内容，满足学生多样化学习需求。",
    "该项目总投资约三点二亿元，建成后将新增就业岗位六百余个。",
]
SIDEBAR_ITEMS = [
    "全市重点项目建设推进会召开", "我市举办秋季大型招聘会", "关于开展安全生产大检查的通知",
    "市领导调研乡村振兴工作", "城区新增公共停车泊位两千个", "2026年民生实事项目进展情况",
    "政务服务“一网通办”再提速", "我市三所学校入选省级示范校",
]


CHANNELS = [
    "政务公开", "政策文件", "政策解读", "通知公告", "人事信息", "财政信息", "规划计划", "统计数据", "应急管理",
    "政务服务", "办事指南", "便民服务", "互动交流", "领导信箱", "在线访谈", "征集调查", "走进青溪", "青溪概况",
    "历史文化", "旅游资源", "投资指南", "招商引资", "专题专栏", "乡村振兴", "营商环境", "生态环保",
]
FRIENDLY_SITES = ["中国政府网", "省人民政府", "国家发展改革委", "教育部", "科技部", "工业和信息化部", "民政部",
                  "财政部", "人力资源社会保障部", "自然资源部", "生态环境部", "住房城乡建设部", "交通运输部", "水利部"]
# Real portal pages carry a few kilobytes of inline script and style; parsers pay for it.
INLINE_SCRIPT = "<script>var _hmt=_hmt||[];(function(){var hm=document.createElement('script');" + (
    "function f(a,b){return a+b};" * 60) + "})();</script><style>" + (".nav li{float:left;margin:0 8px}" * 40) + "</style>"


DEPARTMENTS = [f"{district}{office}" for district in ("青溪市", "东湖区", "西山区", "南岭县", "北塘县", "临江市")
               for office in ("发展和改革局", "教育局", "科学技术局", "工业和信息化局", "公安局", "民政局", "司法局",
                              "财政局", "人力资源和社会保障局", "自然资源局", "生态环境局", "住房和城乡建设局",
                              "交通运输局", "水利局", "农业农村局", "商务局", "文化旅游广电局", "卫生健康委员会")]


def _department_menu() -> str:
    # Portals list every department's site in a drop-down and again as a link block.
    options = "".join(f'<option value="http://www.example.gov.cn/{k}">{name}</option>' for k, name in enumerate(DEPARTMENTS))
    links = "".join(f'<li><a href="http://www.example.gov.cn/{k}" target="_blank">{name}</a></li>' for k, name in enumerate(DEPARTMENTS))
    return f'<div class="dept"><select onchange="window.open(this.value)"><option>部门网站</option>{options}</select><ul>{links}</ul></div>'


def _chrome_links(rng: random.Random, count: int) -> str:
    return "".join(
        f'<li><a href="/list/{rng.randint(1, 40)}.html" title="{rng.choice(CHANNELS)}">{rng.choice(CHANNELS)}</a></li>'
        for _ in range(count)
    )


def _article_page(rng: random.Random, number: int, links: list[str]) -> tuple[str, str]:
    title = rng.choice(SIDEBAR_ITEMS) + f"（第{number}期）"
    paragraphs = [
        "".join(rng.choice(SENTENCES) for _ in range(rng.randint(2, 6))) for _ in range(rng.randint(6, 16))
    ]
    body = "".join(f"<p>　　{text}</p>\n" for text in paragraphs)
    sidebar = "".join(f'<li><a href="{href}">{rng.choice(SIDEBAR_ITEMS)}</a></li>' for href in links)
    page = f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}_青溪市人民政府</title>
<meta name="PubDate" content="2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d} 09:00">{INLINE_SCRIPT}</head><body>
<div class="top">无障碍浏览 | 长者模式 | 繁體版 | 登录</div>
<div class="nav"><ul>{"".join(f'<li class="menu"><a href="/list/{k}.html">{c}</a><ul class="sub">{_chrome_links(rng, 6)}</ul></li>' for k, c in enumerate(CHANNELS, 1))}</ul></div>
<div class="location">当前位置：<a href="/">首页</a> &gt; <a href="/list/1.html">通知公告</a></div>
<div class="main"><h1>{title}</h1>
<div class="info">发布时间：2026-10-{rng.randint(1, 28):02d} 来源：青溪市人民政府办公室 浏览次数：{rng.randint(10, 9999)} 【字体：大 中 小】</div>
<div class="TRS_Editor">{body}</div>
<div class="pre-next"><p>上一篇：<a href="{links[0]}">{rng.choice(SIDEBAR_ITEMS)}</a></p><p>下一篇：<a href="{links[-1]}">{rng.choice(SIDEBAR_ITEMS)}</a></p></div>
<div class="related"><h3>相关阅读</h3><ul>{sidebar}</ul></div></div>
<div class="side"><h3>热点推荐</h3><ul>{sidebar}</ul><h3>专题专栏</h3><ul>{_chrome_links(rng, 20)}</ul><p>扫一扫在手机打开当前页</p></div>
<div class="links"><h3>友情链接</h3><ul>{"".join(f'<li><a href="http://www.example.gov.cn/{k}">{name}</a></li>' for k, name in enumerate(FRIENDLY_SITES))}</ul></div>
{_department_menu()}
<div class="footer"><p>主办单位：青溪市人民政府办公室</p><p>湘ICP备05001234号 湘公网安备43030202000123号 网站标识码：4303000099</p></div>
</body></html>"""
    return title, page


def build_site(folder: Path, *, articles: int = 2000, per_listing: int = 50, seed: int = 20261123) -> list[str]:
    """Write the site into `folder`; return the article paths (relative, like ``content/17.html``)."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "content").mkdir(exist_ok=True)
    (folder / "list").mkdir(exist_ok=True)
    article_paths = [f"content/{n}.html" for n in range(1, articles + 1)]
    content_types: dict[str, str] = {}
    for n, path in enumerate(article_paths, start=1):
        neighbours = [f"/{article_paths[(n + k) % articles]}" for k in range(1, 6)]
        _, page = _article_page(rng, n, neighbours)
        (folder / path).write_text(page, encoding="utf-8")
        content_types[path] = "text/html; charset=utf-8"
    listings = [article_paths[i : i + per_listing] for i in range(0, articles, per_listing)]
    for index, chunk in enumerate(listings, start=1):
        items = "".join(f'<li><a href="/{p}">第{p.split("/")[1][:-5]}号信息</a></li>' for p in chunk)
        next_link = f'<a href="/list/{index + 1}.html">下一页</a>' if index < len(listings) else ""
        page = f'<html><head><meta charset="utf-8"><title>通知公告</title></head><body><ul>{items}</ul>{next_link}</body></html>'
        (folder / "list" / f"{index}.html").write_text(page, encoding="utf-8")
        content_types[f"list/{index}.html"] = "text/html; charset=utf-8"
    # The home page links every listing page, as portals' "more" menus do, so depth stays shallow.
    menu = "".join(f'<a href="/list/{index}.html">第{index}页</a>' for index in range(1, len(listings) + 1))
    (folder / "index.html").write_text(
        f'<html><head><meta charset="utf-8"></head><body>{menu}</body></html>', encoding="utf-8"
    )
    content_types["index.html"] = "text/html; charset=utf-8"
    (folder / "robots.txt").write_text("User-agent: *\nDisallow:\n")
    content_types["robots.txt"] = "text/plain"
    (folder / "content_types.json").write_text(json.dumps(content_types), encoding="utf-8")
    return article_paths


def write_site_sources(path: Path, site_url: str, *, name: str = "bench", schedule: str | None = None) -> Path:
    """Write a sources file at `path` with one source crawling the synthetic site at `site_url`.

    Its article pattern is the one `build_site` gives its articles; `max_pages`
    is high enough that a benchmark's crawl always reaches the whole site.
    """
    path.write_text(
        "[[sources]]\n"
        f'name = "{name}"\n'
        f'start_urls = ["{site_url}/"]\n'
        'allowed_domains = ["127.0.0.1"]\n'
        "article_urls = ['/content/\\d+\\.html$']\n"
        "max_pages = 100000\n"
        + (f'schedule = "{schedule}"\n' if schedule else ""),
        encoding="utf-8",
    )
    return path
