"""The link finder the spider uses: every page link once, canonical, nothing that is not a page."""

from crawler.page_links import PageLinks

PAGE = """<html><head><title>通知公告</title></head><body>
<a href="/zwgk/tzgg/content/1001.html">关于做好冬季森林防火工作的通知</a>
<a href='content/1002.html?utm_source=weixin&amp;utm_medium=share#top'>市政务服务中心试行周末服务</a>
<a href=../list_2.html>下一页</a>
<a href="javascript:void(0)">打印</a> <a href="mailto:xxgk@example.gov.cn">信箱</a> <a href="#top">返回顶部</a>
<a href="http://www.gov.cn/">中国政府网</a>
<a href="/zwgk/tzgg/content/1001.html#comments">评论</a>
<map><area shape="rect" href="/ztzl/index.html"></map>
<a href="/搜索/结果.html">搜索</a>
</body></html>""".encode("gb18030")


def test_links_are_absolute_canonical_and_listed_once_in_page_order():
    links = list(PageLinks().extract(PAGE, "http://www.example.gov.cn/zwgk/tzgg/index.html", "gb18030"))
    assert links == [
        "http://www.example.gov.cn/zwgk/tzgg/content/1001.html",
        "http://www.example.gov.cn/zwgk/tzgg/content/1002.html",
        "http://www.example.gov.cn/zwgk/list_2.html",
        "http://www.gov.cn/",
        "http://www.example.gov.cn/ztzl/index.html",
        "http://www.example.gov.cn/%E6%90%9C%E7%B4%A2/%E7%BB%93%E6%9E%9C.html",
    ]


def test_base_href_changes_what_relative_links_mean():
    page = b'<head><base href="http://www.example.gov.cn/xwzx/"></head><a href="2026/a.html">x</a>'
    assert list(PageLinks().extract(page, "http://www.example.gov.cn/other/page.html", "utf-8")) == [
        "http://www.example.gov.cn/xwzx/2026/a.html"
    ]


def test_a_remembered_relative_link_still_resolves_against_each_page():
    links = PageLinks()
    page = b'<a href="next.html">x</a> <a href="/top.html">t</a>'
    first = list(links.extract(page, "http://x.gov.cn/a/index.html", "utf-8"))
    second = list(links.extract(page, "http://x.gov.cn/b/index.html", "utf-8"))
    assert first == ["http://x.gov.cn/a/next.html", "http://x.gov.cn/top.html"]
    assert second == ["http://x.gov.cn/b/next.html", "http://x.gov.cn/top.html"]


def test_new_links_gives_each_url_once_across_pages():
    links = PageLinks()
    menu = b'<a href="/zwgk/">zwgk</a> <a href="http://x.gov.cn/xwzx/">xwzx</a> <a href="next.html">next</a>'
    first = list(links.new_links(menu + b'<a href="/a/1.html">1</a>', "http://x.gov.cn/a/index.html", "utf-8"))
    second = list(links.new_links(
        menu + b'<a href="/a/1.html#top">1 again</a> <a href="/a/2.html">2</a>', "http://x.gov.cn/b/index.html", "utf-8"
    ))
    assert first == [
        "http://x.gov.cn/zwgk/", "http://x.gov.cn/xwzx/", "http://x.gov.cn/a/next.html", "http://x.gov.cn/a/1.html",
    ]
    # The menu is not repeated, the same article under another spelling is not
    # either, and a relative link means something new on a page in another folder.
    assert second == ["http://x.gov.cn/b/next.html", "http://x.gov.cn/a/2.html"]


def test_new_links_keeps_origins_apart():
    links = PageLinks()
    assert list(links.new_links(b'<a href="/a.html">a</a>', "http://x.gov.cn/", "utf-8")) == ["http://x.gov.cn/a.html"]
    assert list(links.new_links(b'<a href="/a.html">a</a>', "http://y.gov.cn/", "utf-8")) == ["http://y.gov.cn/a.html"]
